// The transport-security flags the agent and the collector share, and the rules that make a
// plaintext connection a deliberate choice rather than what happens when a flag is forgotten.
import type { Command } from 'commander';
import type { TransportSecurity } from '../common/credentials.js';
import { UsageError } from './options.js';

/** The flags as commander parses them. */
export interface TransportSecurityFlags {
  insecure?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
  tokenFile?: string;
}

/** The same flags under the shorter name the collector uses. */
export type TransportFlags = TransportSecurityFlags;

/** Validated transport security plus the token file. */
export interface TransportSettings extends TransportSecurity {
  readonly tokenFile: string | null;
}

/** Adds --insecure, --tls-cert, --tls-key, --tls-ca and --token-file (help: `tokenHelp`) to a command. */
export function addTransportSecurityOptions(
  command: Command,
  tokenHelp = 'a file holding the bearer token to send',
): Command {
  return command
    .option('--insecure', 'plaintext gRPC, no TLS (only on a trusted network)', false)
    .option('--tls-cert <file>', 'this side’s TLS certificate chain (PEM)')
    .option('--tls-key <file>', 'this side’s TLS private key (PEM)')
    .option(
      '--tls-ca <file>',
      'CA (PEM) that signs the other side’s certificate; on the collector it makes client certificates mandatory',
    )
    .option('--token-file <file>', tokenHelp);
}

/**
 * Checks the flags of `role`: plaintext needs --insecure, --insecure excludes the TLS flags, a
 * certificate needs its key (and a server needs both; pass role 'server' for that check).
 */
export function transportSecurity(
  flags: TransportSecurityFlags,
  role: 'client' | 'server' = 'client',
): TransportSettings {
  const tls = [
    ['--tls-cert', flags.tlsCert],
    ['--tls-key', flags.tlsKey],
    ['--tls-ca', flags.tlsCa],
  ] as const;
  const given = tls.filter(([, value]) => value !== undefined).map(([name]) => name);
  const insecure = flags.insecure ?? false;
  if (insecure && given.length > 0) {
    throw new UsageError(`--insecure cannot be combined with ${given.join(', ')}`);
  }
  if (!insecure && given.length === 0) {
    throw new UsageError(
      'plaintext needs --insecure; for TLS give --tls-ca (and --tls-cert/--tls-key for mutual TLS)',
    );
  }
  if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together');
  }
  if (role === 'server' && !insecure && flags.tlsCert === undefined) {
    throw new UsageError('a TLS server needs --tls-cert and --tls-key');
  }
  return {
    insecure,
    tlsCert: flags.tlsCert ?? null,
    tlsKey: flags.tlsKey ?? null,
    tlsCa: flags.tlsCa ?? null,
    tokenFile: flags.tokenFile ?? null,
  };
}
