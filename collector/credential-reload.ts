// Credentials that change under a running collector: its TLS certificate, key and CA, and the
// agents' token file. Kubernetes renews a mounted Secret by swapping the `..data` symlink of the
// volume; fs.watch misses that on the file and reports it unreliably on the directory, so the files
// are polled and compared by content digest. A new version is parsed and checked before it is
// used; an unusable one is logged and counted, and the previous credentials stay in use. Open
// streams are never touched: a TLS session keeps the certificate it was made with.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import {
  checkServerTls,
  CredentialsError,
  parseTokenFile,
  type ServerTls,
  type ServerTlsFiles,
  type TokenTable,
} from '../common/credentials.js';
import type { CollectorMetrics } from './metrics.js';

/** What the files hold: the label value of snatscope_credentials_reloads_total{kind}. */
export type CredentialKind = 'tls' | 'tokens' | 'api-tokens';

/** How to read one set of credential files. */
export interface ReloadOptions<T> {
  readonly kind: CredentialKind;
  readonly files: readonly string[];
  /** Builds the credentials from the files' contents (see contentOf); throws when unusable. */
  readonly parse: (contents: FileContents) => T;
  /** Time between two reads of the files. */
  readonly intervalMs: number;
}

/** The contents of one read of the files, by path. */
export type FileContents = ReadonlyMap<string, Buffer>;

/** The content of `path` in `contents` (a path that ReloadOptions.files lists). */
function contentOf(contents: FileContents, path: string): Buffer {
  const content = contents.get(path);
  if (!content) throw new CredentialsError(`${path} is not among the files read`);
  return content;
}

/** What one check of the files found. */
export type ReloadOutcome = 'unchanged' | 'reloaded' | 'failed';

function digestOf(contents: FileContents): string {
  const hash = createHash('sha256');
  // Lengths first, so that moving bytes from one file to the next changes the digest.
  for (const content of contents.values()) hash.update(`${content.length}:`).update(content);
  return hash.digest('hex');
}

/** One set of credential files, read at load() and again whenever its content changes. */
export class ReloadingCredentials<T> {
  private value: T;
  private digest: string;
  /** The last unusable version (digest or read error), reported once rather than every poll. */
  private lastFailure: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<ReloadOutcome> | null = null;
  private readonly listeners = new Set<(value: T) => void>();

  private constructor(
    private readonly options: ReloadOptions<T>,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
    initial: { value: T; digest: string },
  ) {
    this.value = initial.value;
    this.digest = initial.digest;
    // Every series exists from the start, so an alert on errors sees 0 rather than nothing.
    for (const result of ['ok', 'error'] as const) {
      metrics.credentialReloads.inc({ kind: options.kind, result }, 0);
    }
    metrics.credentialsUnusable.set({ kind: options.kind }, 0);
  }

  /** Reads and parses the files now; throws CredentialsError (naming the file) when unusable. */
  static load<T>(
    options: ReloadOptions<T>,
    metrics: CollectorMetrics,
    log: Logger,
  ): ReloadingCredentials<T> {
    const contents = new Map(
      options.files.map((file) => {
        try {
          return [file, readFileSync(file)] as const;
        } catch (error) {
          throw new CredentialsError(
            `cannot read the ${options.kind} file ${file}: ${(error as Error).message}`,
            { cause: error },
          );
        }
      }),
    );
    return new ReloadingCredentials(options, metrics, log, {
      value: options.parse(contents),
      digest: digestOf(contents),
    });
  }

  /** The credentials in use: the last version that parsed. */
  get current(): T {
    return this.value;
  }

  /** Calls `listener` with each new version that parsed. */
  onChange(listener: (value: T) => void): void {
    this.listeners.add(listener);
  }

  /** Starts polling the files. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      void this.check();
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Stops polling. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the files once now (the timer calls it; a check already running is shared). */
  check(): Promise<ReloadOutcome> {
    this.checking ??= this.readAndSwap().finally(() => {
      this.checking = null;
    });
    return this.checking;
  }

  private async readAndSwap(): Promise<ReloadOutcome> {
    const { kind, files } = this.options;
    let contents: FileContents;
    try {
      contents = new Map(
        await Promise.all(files.map(async (file) => [file, await readFile(file)] as const)),
      );
    } catch (error) {
      // A file gone for good (an unmounted Secret), not a swap: those are atomic renames.
      return this.failed(`read:${(error as Error).message}`, error);
    }
    const digest = digestOf(contents);
    if (digest === this.digest) {
      // Back to the version in use (a bad edit undone): nothing is unusable any more.
      this.usable();
      return 'unchanged';
    }
    if (digest === this.lastFailure) return 'unchanged';
    let value: T;
    try {
      value = this.options.parse(contents);
    } catch (error) {
      return this.failed(digest, error);
    }
    this.value = value;
    this.digest = digest;
    this.usable();
    this.metrics.credentialReloads.inc({ kind, result: 'ok' });
    this.log.info({ kind, files }, 'credentials changed on disk; reloaded');
    for (const listener of this.listeners) listener(value);
    return 'reloaded';
  }

  private usable(): void {
    this.lastFailure = null;
    this.metrics.credentialsUnusable.set({ kind: this.options.kind }, 0);
  }

  private failed(failure: string, error: unknown): ReloadOutcome {
    if (failure === this.lastFailure) return 'unchanged';
    this.lastFailure = failure;
    const { kind, files } = this.options;
    this.metrics.credentialsUnusable.set({ kind }, 1);
    this.metrics.credentialReloads.inc({ kind, result: 'error' });
    this.log.error(
      { kind, files, err: error },
      'credentials changed on disk but are unusable; keeping the previous ones',
    );
    return 'failed';
  }
}

/** Shared by both kinds of credentials. */
interface Watch {
  readonly intervalMs: number;
  readonly metrics: CollectorMetrics;
  readonly log: Logger;
}

/** The collector's certificate, key and CA (mutual TLS), checked by checkServerTls. */
export function reloadingServerTls(
  files: ServerTlsFiles,
  watch: Watch,
): ReloadingCredentials<ServerTls> {
  return ReloadingCredentials.load(
    {
      kind: 'tls',
      files: [files.cert, files.key, ...(files.ca === null ? [] : [files.ca])],
      intervalMs: watch.intervalMs,
      parse: (contents) =>
        checkServerTls(
          {
            cert: contentOf(contents, files.cert),
            key: contentOf(contents, files.key),
            ca: files.ca === null ? null : contentOf(contents, files.ca),
          },
          files,
        ),
    },
    watch.metrics,
    watch.log,
  );
}

/**
 * A token file (parseTokenFile): the agents' --token-file (kind `tokens`, "TOKEN [NODE]" lines) or
 * the query API's --api-token-file (kind `api-tokens`, bare tokens).
 */
export function reloadingTokenFile(
  path: string,
  watch: Watch,
  kind: 'tokens' | 'api-tokens' = 'tokens',
): ReloadingCredentials<TokenTable> {
  return ReloadingCredentials.load(
    {
      kind,
      files: [path],
      intervalMs: watch.intervalMs,
      parse: (contents) =>
        parseTokenFile(contentOf(contents, path).toString('utf8'), path, {
          nodes: kind === 'tokens',
        }),
    },
    watch.metrics,
    watch.log,
  );
}

/**
 * A grpc-js certificate provider over reloading PEM files: each listener gets the current material
 * and every later version that passed checkServerTls.
 */
class ReloadingCertificateProvider implements grpc.experimental.CertificateProvider {
  private readonly caListeners = new Set<grpc.experimental.CaCertificateUpdateListener>();
  private readonly identityListeners =
    new Set<grpc.experimental.IdentityCertificateUpdateListener>();

  constructor(private readonly files: ReloadingCredentials<ServerTls>) {
    files.onChange((tls) => {
      for (const listener of this.identityListeners) listener(identity(tls));
      for (const listener of this.caListeners) listener(ca(tls));
    });
  }

  // grpc-js registers its listener before the server's own watcher and reads the first update
  // only through that watcher: answer on the next tick, as its FileWatcherCertificateProvider does.
  addCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.caListeners.add(listener);
    process.nextTick(() => {
      listener(ca(this.files.current));
    });
  }

  removeCaCertificateListener(listener: grpc.experimental.CaCertificateUpdateListener): void {
    this.caListeners.delete(listener);
  }

  addIdentityCertificateListener(
    listener: grpc.experimental.IdentityCertificateUpdateListener,
  ): void {
    this.identityListeners.add(listener);
    process.nextTick(() => {
      listener(identity(this.files.current));
    });
  }

  removeIdentityCertificateListener(
    listener: grpc.experimental.IdentityCertificateUpdateListener,
  ): void {
    this.identityListeners.delete(listener);
  }
}

function identity(tls: ServerTls): grpc.experimental.IdentityCertificateUpdate {
  return { certificate: tls.cert, privateKey: tls.key };
}

function ca(tls: ServerTls): grpc.experimental.CaCertificateUpdate | null {
  return tls.ca ? { caCertificate: tls.ca } : null;
}

/**
 * Server credentials that follow the files: new connections get the latest good certificate (and
 * CA); with a CA, clients must present a certificate it signed (mutual TLS).
 */
export function reloadingServerCredentials(
  files: ReloadingCredentials<ServerTls>,
): grpc.ServerCredentials {
  const provider = new ReloadingCertificateProvider(files);
  const mutual = files.current.ca !== null;
  // grpc-js 1.14 declares (caProvider, identityProvider, ...) but passes its first argument on as
  // the identity provider and the second as the CA provider; one provider serving both roles
  // makes the order irrelevant whenever there is a CA. Without one there is no CA provider.
  return grpc.experimental.createCertificateProviderServerCredentials(
    provider,
    mutual ? provider : null,
    mutual,
  );
}
