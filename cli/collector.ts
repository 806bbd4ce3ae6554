// `snatscope collector`: gRPC ingest from every agent, the forensics store, /metrics and the API.
import { mkdirSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import type { Cidr } from '../common/cidr.js';
import { CredentialsError, readTokenFile } from '../common/credentials.js';
import { Collector } from '../collector/collector.js';
import {
  DEFAULT_MEMORY_BUDGET_BYTES,
  MIN_MEMORY_BUDGET_BYTES,
} from '../collector/memory-budget.js';
import { byteSize, CommandFailure, collectCidr, durationMs, listenAddress } from './options.js';
import {
  addTransportSecurityOptions,
  transportSecurity,
  type TransportFlags,
} from './transport-options.js';

interface CollectorOptions extends TransportFlags {
  grpcListen: { host: string; port: number };
  httpListen: { host: string; port: number };
  db: string;
  retention: number;
  upstreamCidr: Cidr[];
  memoryBudget: number;
  logLevel: string;
}

/** The collector command. */
export function collectorCommand(): Command {
  const command = new Command('collector')
    .description(
      'Receive the agents’ record streams, stitch entry and backend halves, correlate per Service, ' +
        'store flows for forensics and serve /metrics and the JSON API.',
    )
    .requiredOption('--grpc-listen <host:port>', 'gRPC ingest address for agents', listenAddress)
    .requiredOption(
      '--http-listen <host:port>',
      '/metrics, /healthz, /readyz and /api/v1',
      listenAddress,
    )
    .requiredOption('--db <path>', 'SQLite file of the flow store (created when missing)')
    .option('--retention <duration>', 'keep flows this long', durationMs, 7 * 86_400_000)
    .option(
      '--upstream-cidr <cidr>',
      'addresses of load balancers or proxies in front of the nodes: clients from here lost their IP upstream (repeatable)',
      collectCidr,
      [],
    )
    .option(
      '--memory-budget <size>',
      'memory for the in-memory caches (stitcher, per-Service view, metric series), sized from it; ' +
        'keep it about half the container limit',
      budgetBytes,
      DEFAULT_MEMORY_BUDGET_BYTES,
    )
    .option('--log-level <level>', 'pino log level (logs go to stderr)', 'info');
  addTransportSecurityOptions(
    command,
    'accepted agent tokens, one per line, optionally "TOKEN NODE"',
  );
  return command
    .addHelpText(
      'after',
      '\nPlaintext gRPC needs --insecure; otherwise give --tls-cert and --tls-key (and --tls-ca to\n' +
        'require client certificates). SIGTERM stores and acknowledges what was received, then exits.',
    )
    .action(async (options: CollectorOptions) => {
      const security = transportSecurity(options, 'server');
      const log = pino(
        { level: options.logLevel, base: { component: 'collector' } },
        pino.destination(2),
      );
      // A missing parent folder of --db is made, as a fresh volume mount would need.
      mkdirSync(dirname(resolvePath(options.db)), { recursive: true });
      let collector: Collector;
      try {
        collector = new Collector(
          {
            grpcListen: options.grpcListen,
            httpListen: options.httpListen,
            dbPath: options.db,
            retentionMs: options.retention,
            upstreamCidrs: options.upstreamCidr,
            memoryBudgetBytes: options.memoryBudget,
            security,
            tokens: options.tokenFile ? readTokenFile(options.tokenFile) : null,
          },
          log,
        );
      } catch (error) {
        if (error instanceof CredentialsError) throw error;
        throw new CommandFailure(`collector: ${(error as Error).message}`);
      }
      try {
        await collector.start();
      } catch (error) {
        await collector.stop().catch(() => undefined);
        throw new CommandFailure(`collector: ${(error as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          log.info({ signal }, 'collector stopping');
          resolve();
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      await collector.stop();
      log.info('collector stopped');
    });
}

/** Parses --memory-budget: a size of at least MIN_MEMORY_BUDGET_BYTES. */
function budgetBytes(value: string): number {
  const bytes = byteSize(value);
  if (bytes < MIN_MEMORY_BUDGET_BYTES) {
    throw new InvalidArgumentError(`expected at least ${MIN_MEMORY_BUDGET_BYTES / 2 ** 20}Mi`);
  }
  return bytes;
}
