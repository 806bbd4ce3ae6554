// Transport security shared by the agent (client) and the collector (server): TLS or mutual TLS
// from PEM files, plaintext only when asked for by name, and bearer tokens on top. Files are read
// when the credentials are built, so calling these again picks up rotated files.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';

/** PEM file paths and the plaintext switch, as the command line gives them. */
export interface TransportSecurity {
  /** Plaintext: no TLS at all (explicit, never a fallback). */
  readonly insecure: boolean;
  /** This side's certificate chain (PEM). */
  readonly tlsCert?: string | null;
  /** This side's private key (PEM). */
  readonly tlsKey?: string | null;
  /** The CA that signs the other side's certificate (PEM). */
  readonly tlsCa?: string | null;
}

/** A credentials file is missing, unreadable or malformed; the message names the file. */
export class CredentialsError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CredentialsError';
  }
}

/** Reads a PEM file; the error names `what` it is for and the path. */
export function readPem(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new CredentialsError(
      `cannot read the ${what} file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}

/** The agent's channel credentials: TLS (system roots unless tlsCa), mTLS with cert+key, or plaintext. */
export function channelCredentials(security: TransportSecurity): grpc.ChannelCredentials {
  if (security.insecure) return grpc.credentials.createInsecure();
  const { tlsCert, tlsKey, tlsCa } = security;
  if (!tlsCert !== !tlsKey) {
    throw new CredentialsError('a client certificate needs both --tls-cert and --tls-key');
  }
  return grpc.credentials.createSsl(
    tlsCa ? readPem(tlsCa, 'TLS CA') : null,
    tlsKey ? readPem(tlsKey, 'TLS key') : null,
    tlsCert ? readPem(tlsCert, 'TLS certificate') : null,
  );
}

/** The collector's server credentials: TLS, mutual TLS (client certs required) with tlsCa, or plaintext. */
export function serverCredentials(security: TransportSecurity): grpc.ServerCredentials {
  if (security.insecure) return grpc.ServerCredentials.createInsecure();
  const { tlsCert, tlsKey, tlsCa } = security;
  if (!tlsCert || !tlsKey) {
    throw new CredentialsError('a TLS server needs --tls-cert and --tls-key');
  }
  // With a CA, clients must present a certificate it signed: that is the mutual part.
  return grpc.ServerCredentials.createSsl(
    tlsCa ? readPem(tlsCa, 'TLS CA') : null,
    [{ cert_chain: readPem(tlsCert, 'TLS certificate'), private_key: readPem(tlsKey, 'TLS key') }],
    Boolean(tlsCa),
  );
}

/** The PEM certificate chain and key of an HTTPS server (the collector's query API). */
export function httpsCredentials(certPath: string, keyPath: string): { cert: Buffer; key: Buffer } {
  return { cert: readPem(certPath, 'TLS certificate'), key: readPem(keyPath, 'TLS key') };
}

/** Reads the agent's bearer token: the file's one token, trimmed. */
export function readAgentToken(path: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CredentialsError(`cannot read the token file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const token = text.trim();
  if (token === '') throw new CredentialsError(`the token file ${path} is empty`);
  if (/\s/.test(token)) {
    throw new CredentialsError(`the token file ${path} must hold one token (it has whitespace)`);
  }
  return token;
}

/** One accepted token: the node it is bound to (null: any node) and where it was defined. */
export interface AcceptedToken {
  readonly node: string | null;
  readonly line: number;
}

/**
 * The collector's accepted tokens, keyed by the token's SHA-256 so that lookups do not compare
 * secrets byte by byte (and the raw tokens are not kept around).
 */
export class TokenTable {
  private readonly byDigest = new Map<string, AcceptedToken>();

  /** Adds a token; false when it was already there. */
  add(token: string, accepted: AcceptedToken): boolean {
    const digest = tokenDigest(token);
    if (this.byDigest.has(digest)) return false;
    this.byDigest.set(digest, accepted);
    return true;
  }

  /** Number of accepted tokens. */
  get size(): number {
    return this.byDigest.size;
  }

  /** Whether `token` is one of the accepted tokens (whatever node it is bound to). */
  accepts(token: string | null): boolean {
    return token !== null && this.byDigest.has(tokenDigest(token));
  }

  /** The node `token` is bound to: undefined for an unknown token, null for any node. */
  nodeFor(token: string): string | null | undefined {
    return this.byDigest.get(tokenDigest(token))?.node;
  }

  /** Whether `token` may speak for `node`: ok, an unknown token, or a token bound to another node. */
  check(token: string | null, node: string): 'ok' | 'unknown' | 'wrong-node' {
    const accepted = token === null ? undefined : this.byDigest.get(tokenDigest(token));
    if (!accepted) return 'unknown';
    return accepted.node === null || accepted.node === node ? 'ok' : 'wrong-node';
  }
}

function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Reads the collector's token file: one token per line, optionally followed by the one node name
 * it may be used for (`TOKEN node-1`); `#` comments and blank lines are ignored. Errors name
 * file:line. `nodes: false` is for files whose tokens are bound to no node (the query API's).
 */
export function readTokenFile(
  path: string,
  options: { nodes: boolean } = { nodes: true },
): TokenTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new CredentialsError(`cannot read the token file ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const table = new TokenTable();
  const lines = text.split(/\r?\n/);
  for (const [index, raw] of lines.entries()) {
    const line = index + 1;
    // A '#' starts a comment only at the line start or after a space, so tokens may contain it.
    const content = raw.replace(/(^|\s)#.*$/, '').trim();
    if (content === '') continue;
    const fields = content.split(/\s+/);
    const [token, node] = fields;
    if (token === undefined || fields.length > (options.nodes ? 2 : 1)) {
      throw new CredentialsError(
        `${path}:${line}: expected "${options.nodes ? 'TOKEN [NODE]' : 'TOKEN'}", got ${fields.length} fields`,
      );
    }
    if (!table.add(token, { node: node ?? null, line })) {
      throw new CredentialsError(`${path}:${line}: this token is already listed above`);
    }
  }
  if (table.size === 0) throw new CredentialsError(`the token file ${path} lists no token`);
  return table;
}

/** The token of one `Authorization: Bearer <token>` value (gRPC metadata or HTTP header), or null. */
export function parseBearer(value: string): string | null {
  return /^Bearer\s+(\S+)\s*$/i.exec(value)?.[1] ?? null;
}

/** The bearer token of a call's `authorization: Bearer <token>` metadata, or null. */
export function bearerToken(metadata: grpc.Metadata): string | null {
  for (const value of metadata.get('authorization')) {
    const token = parseBearer(typeof value === 'string' ? value : value.toString());
    if (token !== null) return token;
  }
  return null;
}
