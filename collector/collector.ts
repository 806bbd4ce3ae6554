// The collector process wired in one place: store → ingest (gRPC) → stitch/correlate → metrics and
// the HTTP API. Nothing runs before start(); stop() stores and acknowledges what was received.
import * as grpc from '@grpc/grpc-js';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Cidr } from '../common/cidr.js';
import {
  serverTlsFiles,
  type ServerTls,
  type TokenTable,
  type TransportSecurity,
} from '../common/credentials.js';
import { COLLECTOR_SERVER_OPTIONS, ingestServiceDefinition } from '../common/ingest-rpc.js';
import type { v1 } from '../proto/index.js';
import { AgentIdentity } from './agent-identity.js';
import { Correlator } from './correlate.js';
import {
  reloadingServerCredentials,
  reloadingServerTls,
  reloadingTokenFile,
  type ReloadingCredentials,
} from './credential-reload.js';
import { GroupWriter } from './group-writer.js';
import {
  createHttpApi,
  createMetricsServer,
  type HttpApiDeps,
  type HttpApiOptions,
} from './http-api.js';
import { IngestService } from './ingest.js';
import { cacheLimits, DEFAULT_MEMORY_BUDGET_BYTES, type CacheLimits } from './memory-budget.js';
import { CollectorMetrics } from './metrics.js';
import { SqliteFlowStore } from './sqlite-store.js';
import { Stitcher } from './stitch.js';
import type { FlowStore } from './store.js';
import { TokenReviewer, type TokenReviewConfig } from './token-review.js';

/** Everything the collector needs to run; validated by the CLI. */
export interface CollectorConfig {
  grpcListen: { host: string; port: number };
  /** The query API (and /metrics, /healthz, /readyz unless metricsListen is given). */
  httpListen: { host: string; port: number };
  /** A listener of its own for /metrics, /healthz and /readyz; null: they share httpListen. */
  metricsListen: { host: string; port: number } | null;
  /**
   * The query API: its token file (one token per line, re-read when it changes; null: no
   * authentication), TLS and concurrency cap (`health` follows metricsListen).
   */
  api: Omit<HttpApiOptions, 'health' | 'tokens'> & { tokenFile: string | null };
  dbPath: string;
  retentionMs: number;
  upstreamCidrs: readonly Cidr[];
  /** `--memory-budget`: every in-memory cache is sized from it (default: memory-budget.ts). */
  memoryBudgetBytes?: number;
  security: TransportSecurity;
  /** Accepted agent tokens ("TOKEN [NODE]" lines), re-read when the file changes; null: none. */
  tokenFile: string | null;
  /** Agent tokens verified with Kubernetes TokenReviews; null: not used. */
  tokenReview: TokenReviewConfig | null;
  /** How often the TLS and token files are checked for changes. */
  credentialsPollMs: number;
}

// Correlation is rebuilt from this much stored history at start (a restart keeps its verdicts).
const REBUILD_WINDOW_S = 3600;
const PRUNE_EVERY_MS = 60_000;
// After a failed prune (store locked, disk full) the next try comes sooner than the period.
const PRUNE_RETRY_MS = 5_000;
/** The collector: start() listens, stop() drains and closes. */
export class Collector {
  readonly metrics: CollectorMetrics;
  private readonly limits: CacheLimits;
  private readonly store: FlowStore;
  private readonly correlator: Correlator;
  private readonly stitcher: Stitcher;
  private readonly writer: GroupWriter;
  private readonly ingest: IngestService;
  private readonly tls: ReloadingCredentials<ServerTls> | null;
  private readonly tokens: ReloadingCredentials<TokenTable> | null;
  private readonly apiTokens: ReloadingCredentials<TokenTable> | null;
  private readonly grpcServer: grpc.Server;
  private readonly httpServers: FastifyInstance[] = [];
  private pruneTimer: NodeJS.Timeout | null = null;
  /** The housekeeping run in progress (stop() waits for it before closing the store). */
  private pruning: Promise<void> = Promise.resolve();
  private stopping = false;
  private rebuilding = true;
  /** The default SQLite store, whose opening start() awaits (null: the caller passed a store). */
  private readonly sqlite: SqliteFlowStore | null;
  /** Resolves with the store's fatal error (its worker died): the process must not go on. */
  readonly failed: Promise<Error>;
  /** Ports actually bound (useful with port 0). */
  grpcPort = 0;
  httpPort = 0;
  /** The metrics listener's port; equal to httpPort when there is no separate listener. */
  metricsPort = 0;

  /** `store` defaults to the SQLite file at config.dbPath (benchmarks pass another). */
  constructor(
    private readonly config: CollectorConfig,
    private readonly log: Logger,
    store?: FlowStore,
  ) {
    let fail: (error: Error) => void = () => undefined;
    this.failed = new Promise((resolve) => {
      fail = resolve;
    });
    this.sqlite =
      store === undefined
        ? new SqliteFlowStore(config.dbPath, {
            onWorkerDeath: (error) => {
              // Writes already fail (no acknowledgement); say so loudly, once, and let the owner exit.
              log.fatal({ err: error }, 'the flow store failed; nothing more can be acknowledged');
              fail(error);
            },
          })
        : null;
    this.store = store ?? (this.sqlite as SqliteFlowStore);
    this.limits = cacheLimits(config.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);
    this.metrics = new CollectorMetrics({
      maxServiceLabels: this.limits.services,
      maxNodeLabels: this.limits.nodeLabels,
      maxSeries: this.limits.metricSeries,
      upstreamCidrs: config.upstreamCidrs,
    });
    this.stitcher = new Stitcher({ maxEntries: this.limits.stitchConnections });
    this.correlator = new Correlator({
      upstreamCidrs: config.upstreamCidrs,
      maxServices: this.limits.services,
      maxServiceStateBytes: this.limits.serviceStateBytes,
    });
    this.metrics.attach(this.correlator, this.stitcher, this.store);
    this.writer = new GroupWriter(this.store, this.metrics, {
      maxDelayMs: 10,
      maxRecords: 20_000,
      writesInFlight: 2,
    });
    // Read now, so that unusable files stop the start-up; polled for changes from start() on.
    const credentialsLog = log.child({ component: 'credentials' });
    const watch = {
      intervalMs: config.credentialsPollMs,
      metrics: this.metrics,
      log: credentialsLog,
    };
    const tlsFiles = config.security.insecure ? null : serverTlsFiles(config.security);
    this.tls = tlsFiles ? reloadingServerTls(tlsFiles, watch) : null;
    this.tokens = config.tokenFile ? reloadingTokenFile(config.tokenFile, watch) : null;
    this.apiTokens = config.api.tokenFile
      ? reloadingTokenFile(config.api.tokenFile, watch, 'api-tokens')
      : null;
    const tokens = this.tokens;
    const identity = new AgentIdentity(
      {
        clientCertificates: tlsFiles !== null && tlsFiles.ca !== null,
        tokens: tokens && { nodeFor: (token) => tokens.current.nodeFor(token) },
        tokenReview:
          config.tokenReview &&
          new TokenReviewer(
            config.tokenReview,
            this.metrics,
            log.child({ component: 'token-review' }),
          ),
      },
      this.metrics,
      log.child({ component: 'identity' }),
    );
    this.grpcServer = new grpc.Server({
      ...COLLECTOR_SERVER_OPTIONS,
      interceptors: [identity.interceptor],
    });
    this.ingest = new IngestService(
      this.store,
      this.writer,
      this.stitcher,
      this.correlator,
      this.metrics,
      log.child({ component: 'ingest' }),
      identity,
    );
  }

  /** Rebuilds correlation from the store, then serves HTTP and gRPC. */
  async start(): Promise<void> {
    await this.sqlite?.opened;
    const deps: HttpApiDeps = {
      store: this.store,
      correlator: this.correlator,
      registry: this.metrics.registry,
      notReady: () => (this.rebuilding ? 'rebuilding correlation from the store' : null),
      log: this.log.child({ component: 'http' }),
      refused: (reason) => {
        this.metrics.apiRefused.inc({ reason });
      },
    };
    const { metricsListen } = this.config;
    const apiTokens = this.apiTokens;
    this.httpPort = await this.listen(
      createHttpApi(deps, {
        ...this.config.api,
        tokens: apiTokens && { accepts: (token) => apiTokens.current.accepts(token) },
        health: metricsListen === null,
      }),
      this.config.httpListen,
    );
    this.metricsPort =
      metricsListen === null
        ? this.httpPort
        : await this.listen(createMetricsServer(deps), metricsListen);
    await this.rebuild();
    this.grpcServer.addService(ingestServiceDefinition, { Stream: this.ingest.handle });
    const { host, port } = this.config.grpcListen;
    const target = host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
    this.grpcPort = await new Promise<number>((resolve, reject) => {
      const credentials = this.tls
        ? reloadingServerCredentials(this.tls)
        : grpc.ServerCredentials.createInsecure();
      this.grpcServer.bindAsync(target, credentials, (error, bound) => {
        if (error) reject(new Error(`cannot listen for gRPC on ${target}: ${error.message}`));
        else resolve(bound);
      });
    });
    this.tls?.start();
    this.tokens?.start();
    this.apiTokens?.start();
    this.schedulePrune(0);
    if (this.apiTokens === null) {
      this.log.warn(
        { http: this.httpPort },
        'the query API serves stored client IPs to anyone who reaches it (--api-insecure-no-auth)',
      );
    }
    this.log.info(
      {
        grpc: this.grpcPort,
        http: this.httpPort,
        metrics: this.metricsPort,
        apiAuth: this.apiTokens === null ? 'none (--api-insecure-no-auth)' : 'bearer tokens',
        apiTls: this.config.api.tls !== null,
        db: this.config.dbPath,
        memoryBudget: this.config.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES,
        cacheLimits: this.limits,
      },
      'collector listening',
    );
  }

  /** Stops taking messages, stores and acknowledges what was received, closes everything. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.pruneTimer) clearTimeout(this.pruneTimer);
    this.tls?.stop();
    this.tokens?.stop();
    this.apiTokens?.stop();
    await this.pruning;
    await this.ingest.shutdown();
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.grpcServer.forceShutdown();
        resolve();
      }, 2000);
      this.grpcServer.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    // forceCloseConnections: a client still reading a page does not hold up the shutdown.
    await Promise.all(this.httpServers.map((app) => app.close()));
    await this.store.close();
  }

  /** Starts `app` on `address`; resolves with the bound port. */
  private async listen(
    app: FastifyInstance,
    address: { host: string; port: number },
  ): Promise<number> {
    this.httpServers.push(app);
    try {
      await app.listen({ host: address.host, port: address.port });
    } catch (error) {
      throw new Error(
        `cannot listen for HTTP on ${address.host}:${address.port}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return (app.server.address() as AddressInfo).port;
  }

  /** Feeds the last hour of stored flows and every node's service states to the correlator. */
  private async rebuild(): Promise<void> {
    const started = Date.now();
    const byNode = new Map<string, v1.IServiceState[]>();
    for (const state of await this.store.serviceStates()) {
      const node = state.node ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), state]);
    }
    for (const [node, states] of byNode) this.correlator.setServices(node, states);
    let flows = 0;
    for await (const record of this.store.flowsSince(Date.now() / 1000 - REBUILD_WINDOW_S)) {
      // A stored row is one connection; its latest state may be closed, but it counts once.
      this.correlator.addFlow({ ...record, closed: false });
      flows++;
    }
    this.rebuilding = false;
    this.log.info({ flows, ms: Date.now() - started }, 'correlation rebuilt from the store');
  }

  private schedulePrune(delayMs: number): void {
    this.pruneTimer = setTimeout(() => {
      this.pruning = this.housekeeping().then((ok) => {
        if (!this.stopping) this.schedulePrune(ok ? PRUNE_EVERY_MS : PRUNE_RETRY_MS);
      });
    }, delayMs);
    this.pruneTimer.unref();
  }

  /**
   * Prunes the store past retention, yielding to ingest and queries between chunks, and forgets
   * idle in-memory state. A store error is logged and counted, never thrown: false means retry.
   */
  private async housekeeping(): Promise<boolean> {
    const now = Date.now();
    this.pruneCaches(now / 1000);
    this.ingest.forgetIdleProgress(now);
    const before = now / 1000 - this.config.retentionMs / 1000;
    let pruned = 0;
    try {
      // The store deletes in short steps and lets writes run between them.
      pruned = await this.store.prune(before);
      this.metrics.storePruned.inc(pruned);
    } catch (error) {
      this.metrics.storeErrors.inc();
      this.log.error(
        { err: error, pruned, retryInMs: PRUNE_RETRY_MS },
        'pruning the store failed; will retry',
      );
      return false;
    }
    if (pruned > 0) this.log.info({ pruned }, 'pruned flows past retention');
    return true;
  }

  /** Forgets what the in-memory caches hold past its age; first, so a store error cannot skip it. */
  private pruneCaches(now: number): void {
    this.stitcher.prune(now);
    this.correlator.prune(now);
    // After the correlator's: Service labels it still shows stay.
    this.metrics.prune(now);
  }
}
