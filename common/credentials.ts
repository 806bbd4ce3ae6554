// Transport security shared by the agent (client) and the collector (server): TLS or mutual TLS
// from PEM files, plaintext only when asked for by name, and bearer tokens on top. Files are read
// when the credentials are built, so calling these again picks up rotated files; the collector
// polls its files through collector/credential-reload.ts with the parsers below.
import { createHash, createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
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

/** The collector's PEM material: its certificate chain and key, and the agents' CA (mutual TLS). */
export interface ServerTls {
  readonly cert: Buffer;
  readonly key: Buffer;
  readonly ca: Buffer | null;
}

/** The PEM file paths of a TLS server. */
export interface ServerTlsFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca: string | null;
}

/** The PEM file paths of a TLS server, checked: both the certificate and the key are given. */
export function serverTlsFiles(security: TransportSecurity): ServerTlsFiles {
  const { tlsCert, tlsKey, tlsCa } = security;
  if (!tlsCert || !tlsKey) {
    throw new CredentialsError('a TLS server needs --tls-cert and --tls-key');
  }
  return { cert: tlsCert, key: tlsKey, ca: tlsCa ?? null };
}

/**
 * Checks PEM material before it is served: the certificate and key parse and belong together, and
 * the CA parses. A renewal caught half-written (new certificate, old key) fails here, so the
 * collector keeps serving the previous pair instead of one that no client can verify.
 */
export function checkServerTls(tls: ServerTls, files: ServerTlsFiles): ServerTls {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(tls.cert);
  } catch (error) {
    throw new CredentialsError(
      `the TLS certificate file ${files.cert} holds no PEM certificate: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    if (!certificate.checkPrivateKey(createPrivateKey(tls.key))) {
      throw new Error(`it does not match the certificate in ${files.cert}`);
    }
  } catch (error) {
    throw new CredentialsError(
      `the TLS key file ${files.key} is unusable: ${(error as Error).message}`,
      { cause: error },
    );
  }
  try {
    // Parses the CA bundle the way the TLS server will (X509Certificate reads only the first).
    if (tls.ca) createSecureContext({ ca: tls.ca });
  } catch (error) {
    throw new CredentialsError(
      `the TLS CA file ${files.ca ?? ''} holds no usable PEM certificate: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return tls;
}

/** Reads and checks the collector's PEM files once. */
export function readServerTls(security: TransportSecurity): ServerTls {
  const files = serverTlsFiles(security);
  return checkServerTls(
    {
      cert: readPem(files.cert, 'TLS certificate'),
      key: readPem(files.key, 'TLS key'),
      ca: files.ca === null ? null : readPem(files.ca, 'TLS CA'),
    },
    files,
  );
}

/** Server credentials of fixed PEM files (the collector itself reloads them: credential-reload.ts). */
export function serverCredentials(security: TransportSecurity): grpc.ServerCredentials {
  if (security.insecure) return grpc.ServerCredentials.createInsecure();
  const tls = readServerTls(security);
  // With a CA, clients must present a certificate it signed: that is the mutual part.
  return grpc.ServerCredentials.createSsl(
    tls.ca,
    [{ cert_chain: tls.cert, private_key: tls.key }],
    tls.ca !== null,
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

/**
 * Reads now (throwing when the files are unusable: a usage error at start-up) and returns a reader
 * that reads again on every call; a file caught mid-rotation or broken later is reported to
 * `failed` and the last good value is returned instead.
 */
export function rereadKeepingLastGood<T>(read: () => T, failed: (error: unknown) => void): () => T {
  let last = read();
  return () => {
    try {
      last = read();
    } catch (error) {
      failed(error);
    }
    return last;
  };
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

/** The SHA-256 of a token (hex): how tokens are keyed without keeping or comparing the secret. */
export function tokenDigest(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Parses the collector's token file (`path` names it in errors): one token per line, optionally
 * followed by the one node name it may be used for (`TOKEN node-1`) unless `nodes` is false; `#`
 * comments and blank lines are ignored. Errors name file:line.
 */
export function parseTokenFile(
  text: string,
  path: string,
  options: { nodes: boolean } = { nodes: true },
): TokenTable {
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
