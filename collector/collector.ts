// The collector process wired in one place: store → ingest (gRPC) → stitch/correlate → metrics and
// the HTTP API. Nothing runs before start(); stop() stores and acknowledges what was received.
import * as grpc from '@grpc/grpc-js';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { Cidr } from '../common/cidr.js';
import { serverCredentials, type TransportSecurity } from '../common/credentials.js';
import { COLLECTOR_SERVER_OPTIONS, ingestServiceDefinition } from '../common/ingest-rpc.js';
import type { v1 } from '../proto/index.js';
import { Correlator } from './correlate.js';
import { GroupWriter } from './group-writer.js';
import { createHttpApi } from './http-api.js';
import { IngestService, type TokenCheck } from './ingest.js';
import { cacheLimits, DEFAULT_MEMORY_BUDGET_BYTES, type CacheLimits } from './memory-budget.js';
import { CollectorMetrics } from './metrics.js';
import { SqliteFlowStore } from './sqlite-store.js';
import { Stitcher } from './stitch.js';
import type { FlowStore } from './store.js';

/** Everything the collector needs to run; validated by the CLI. */
export interface CollectorConfig {
  grpcListen: { host: string; port: number };
  httpListen: { host: string; port: number };
  dbPath: string;
  retentionMs: number;
  upstreamCidrs: readonly Cidr[];
  /** `--memory-budget`: every in-memory cache is sized from it (default: memory-budget.ts). */
  memoryBudgetBytes?: number;
  security: TransportSecurity;
  tokens: TokenCheck | null;
}

// Correlation is rebuilt from this much stored history at start (a restart keeps its verdicts).
const REBUILD_WINDOW_S = 3600;
const PRUNE_EVERY_MS = 60_000;
/** The collector: start() listens, stop() drains and closes. */
export class Collector {
  readonly metrics: CollectorMetrics;
  private readonly limits: CacheLimits;
  private readonly store: FlowStore;
  private readonly correlator: Correlator;
  private readonly stitcher: Stitcher;
  private readonly writer: GroupWriter;
  private readonly ingest: IngestService;
  private readonly grpcServer = new grpc.Server(COLLECTOR_SERVER_OPTIONS);
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
    this.limits = cacheLimits(config.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES);
    this.metrics = new CollectorMetrics({
      maxServiceLabels: this.limits.services,
      maxNodeLabels: this.limits.nodeLabels,
      maxSeries: this.limits.metricSeries,
    });
    this.stitcher = new Stitcher({ maxEntries: this.limits.stitchConnections });
    this.correlator = new Correlator({
      upstreamCidrs: config.upstreamCidrs,
      maxServices: this.limits.services,
      maxServiceStateBytes: this.limits.serviceStateBytes,
    });
    this.metrics.attach(this.correlator, this.stitcher, this.store);
    this.writer = new GroupWriter(this.store, this.metrics, { maxDelayMs: 10, maxRecords: 20_000 });
    this.ingest = new IngestService(
      this.store,
      this.writer,
      this.stitcher,
      this.correlator,
      this.metrics,
      log.child({ component: 'ingest' }),
      config.tokens,
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
      this.grpcServer.bindAsync(target, serverCredentials(this.config.security), (error, bound) => {
        if (error) reject(new Error(`cannot listen for gRPC on ${target}: ${error.message}`));
        else resolve(bound);
      });
    });
    this.pruneTimer = setInterval(() => {
      this.prune();
    }, PRUNE_EVERY_MS);
    this.pruneTimer.unref();
    this.prune();
    this.log.info(
      {
        grpc: this.grpcPort,
        http: this.httpPort,
        db: this.config.dbPath,
        memoryBudget: this.config.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES,
        cacheLimits: this.limits,
      },
      'collector listening',
    );
  }

  /** Stops taking messages, stores and acknowledges what was received, closes everything. */
  async stop(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
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
    this.pruneCaches();
    const before = Date.now() / 1000 - this.config.retentionMs / 1000;
    const pruned = this.store.prune(before);
    if (pruned > 0) {
      this.metrics.storePruned.inc(pruned);
      this.log.info({ pruned }, 'pruned flows past retention');
    }
  }

  /** Forgets what the in-memory caches hold past its age; first, so a store error cannot skip it. */
  private pruneCaches(): void {
    const now = Date.now() / 1000;
    this.stitcher.prune(now);
    this.correlator.prune(now);
    // After the correlator's: Service labels it still shows stay.
    this.metrics.prune(now);
  }
}
