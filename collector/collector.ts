// The collector process wired in one place: store → ingest (gRPC) → stitch/correlate → metrics and
// the HTTP API. Nothing runs before start(); stop() stores and acknowledges what was received.
import * as grpc from '@grpc/grpc-js';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { createHttpApi } from './http-api.js';
import { IngestService } from './ingest.js';
import { CollectorMetrics } from './metrics.js';
import { SqliteFlowStore } from './sqlite-store.js';
import { Stitcher } from './stitch.js';
import type { FlowStore } from './store.js';
import { TokenReviewer, type TokenReviewConfig } from './token-review.js';

/** Everything the collector needs to run; validated by the CLI. */
export interface CollectorConfig {
  grpcListen: { host: string; port: number };
  httpListen: { host: string; port: number };
  dbPath: string;
  retentionMs: number;
  upstreamCidrs: readonly Cidr[];
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
/** The collector: start() listens, stop() drains and closes. */
export class Collector {
  readonly metrics = new CollectorMetrics();
  private readonly store: FlowStore;
  private readonly correlator: Correlator;
  private readonly stitcher = new Stitcher();
  private readonly writer: GroupWriter;
  private readonly ingest: IngestService;
  private readonly tls: ReloadingCredentials<ServerTls> | null;
  private readonly tokens: ReloadingCredentials<TokenTable> | null;
  private readonly grpcServer: grpc.Server;
  private httpServer: HttpServer | null = null;
  private pruneTimer: NodeJS.Timeout | null = null;
  private rebuilding = true;
  /** Ports actually bound (useful with port 0). */
  grpcPort = 0;
  httpPort = 0;

  /** `store` defaults to the SQLite file at config.dbPath (benchmarks pass another). */
  constructor(
    private readonly config: CollectorConfig,
    private readonly log: Logger,
    store?: FlowStore,
  ) {
    this.store = store ?? new SqliteFlowStore(config.dbPath);
    this.correlator = new Correlator({ upstreamCidrs: config.upstreamCidrs });
    this.metrics.attach(this.correlator, this.stitcher, this.store);
    this.writer = new GroupWriter(this.store, this.metrics, { maxDelayMs: 10, maxRecords: 20_000 });
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
    this.httpServer = createHttpApi({
      store: this.store,
      correlator: this.correlator,
      registry: this.metrics.registry,
      notReady: () => (this.rebuilding ? 'rebuilding correlation from the store' : null),
    });
    const { host: httpHost, port: httpPortWanted } = this.config.httpListen;
    const http = this.httpServer;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(httpPortWanted, httpHost, resolve);
    });
    this.httpPort = (http.address() as AddressInfo).port;
    this.rebuild();
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
    this.pruneTimer = setInterval(() => {
      this.prune();
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.tls?.start();
    this.tokens?.start();
    this.prune();
    this.log.info(
      { grpc: this.grpcPort, http: this.httpPort, db: this.config.dbPath },
      'collector listening',
    );
  }

  /** Stops taking messages, stores and acknowledges what was received, closes everything. */
  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.tls?.stop();
    this.tokens?.stop();
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
    await new Promise<void>((resolve) => {
      if (!this.httpServer) {
        resolve();
        return;
      }
      this.httpServer.close(() => {
        resolve();
      });
      this.httpServer.closeAllConnections();
    });
    this.store.close();
  }

  /** Feeds the last hour of stored flows and every node's service states to the correlator. */
  private rebuild(): void {
    const started = Date.now();
    const byNode = new Map<string, v1.IServiceState[]>();
    for (const state of this.store.serviceStates()) {
      const node = state.node ?? '';
      byNode.set(node, [...(byNode.get(node) ?? []), state]);
    }
    for (const [node, states] of byNode) this.correlator.setServices(node, states);
    let flows = 0;
    this.store.forEachFlowSince(Date.now() / 1000 - REBUILD_WINDOW_S, (record) => {
      // A stored row is one connection; its latest state may be closed, but it counts once.
      this.correlator.addFlow({ ...record, closed: false });
      flows++;
    });
    this.rebuilding = false;
    this.log.info({ flows, ms: Date.now() - started }, 'correlation rebuilt from the store');
  }

  private prune(): void {
    const before = Date.now() / 1000 - this.config.retentionMs / 1000;
    const pruned = this.store.prune(before);
    this.stitcher.prune(Date.now() / 1000);
    if (pruned > 0) {
      this.metrics.storePruned.inc(pruned);
      this.log.info({ pruned }, 'pruned flows past retention');
    }
  }
}
