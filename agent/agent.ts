// The continuous agent wired in one place, as collector/collector.ts is for the collector:
// node reader → pipeline (poll, classify, track) → exporter (spool, gRPC) or NDJSON on stdout, plus
// metrics, health and their HTTP listener. The CLI only parses flags into an AgentConfig.
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Writable } from 'node:stream';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { Cidr } from '../common/cidr.js';
import {
  channelCredentials,
  readAgentToken,
  rereadKeepingLastGood,
  type TransportSecurity,
} from '../common/credentials.js';
import { CollectorExporter } from './export/exporter.js';
import { Spool } from './export/spool.js';
import { AgentHealth, DEFAULT_MAX_DISCONNECTED_MS, maxPollAgeFor } from './health.js';
import { serveAgentHttp } from './http.js';
import { AgentMetrics } from './metrics.js';
import { NdjsonWriter, type RecordWriter } from './output.js';
import { AgentPipeline, type PipelineConfig, type RecordSink } from './pipeline.js';
import { SocketJoin } from './socket-join.js';
import {
  mountTracefs,
  startSocketTracer,
  tracefsMounted,
  type RunningTracer,
  type TracerUnavailable,
} from './sources/socket-tracer.js';
import { pollNode, type PollConfig } from './poll.js';
import type { InputProblem } from './snapshot.js';
import type { NodeReader } from './sources/node-reader.js';
import { KubeApiReader } from './kube/reader.js';
import type { ClusterView } from './node-read.js';
import { v1 } from '../proto/index.js';

/** Where the agent's records go when they go to a collector. */
export interface CollectorTarget {
  /** HOST:PORT of each collector replica (one stream at a time, the next one when it ends). */
  addresses: readonly string[];
  security: TransportSecurity & { tokenFile: string | null };
  /** Unacknowledged messages are also kept here, so that a restart replays them; null: memory. */
  spoolDir: string | null;
  spoolMaxRecords: number;
  batchSize: number;
  batchDelayMs: number;
}

/** Everything the continuous agent needs; validated by the CLI. */
export interface AgentConfig {
  nodeName: string;
  nodeIps: readonly string[];
  podCidrs: readonly Cidr[];
  pollIntervalMs: number;
  /** Follow conntrack events as the source of flows (the table is read to reconcile only). */
  events: boolean;
  /** Rules and addresses are read at least this often while their changes are followed. */
  tablesRefreshMs?: number;
  /** Follow rule and address changes (nft monitor, ip monitor) instead of reading every 10 s. */
  followTables?: boolean;
  /** With events: the longest time between two reads of the whole table. */
  reconcileIntervalMs: number;
  /** conntrack -E's netlink receive buffer, bytes. */
  eventBufferBytes: number;
  /** New flows per second reported in full before sampling (0: never sample). */
  maxFlowRate?: number;
  /** Null: NDJSON records on `output` (stdout) instead. */
  collector: CollectorTarget | null;
  /** `/metrics`, `/healthz` and `/readyz`; null: not served. */
  metricsListen: { host: string; port: number } | null;
  /** Reading the Kubernetes API (Services, pod and node names); null: not at all. */
  kubeApi: KubeApiConfig | null;
  /** The eBPF socket tracer (socketObserved); null or absent: off. */
  socketTracer?: SocketTracerConfig | null;
}

/** How the agent runs its socket tracer. */
export interface SocketTracerConfig {
  /** Mount tracefs when it is missing (else the tracer is unavailable: no-tracefs). */
  mountTracefs: boolean;
}

/** Where the agent finds the Kubernetes API. */
export interface KubeApiConfig {
  /** A kubeconfig file; null: the pod's service account (in-cluster), if there is one. */
  kubeconfig: string | null;
}

/** The API reader for this node (disabled, and saying so once, when there is no API access). */
export function kubeApiReader(nodeName: string, config: KubeApiConfig, log: Logger): KubeApiReader {
  return KubeApiReader.fromEnvironment({
    nodeName,
    kubeconfig: config.kubeconfig,
    log: log.child({ component: 'kube-api' }),
  });
}

/** What one read of the node gave (`agent --once`). */
export interface SnapshotResult {
  /** Rules and the IPv4 conntrack table were read: the records are the node's whole picture. */
  complete: boolean;
  toolFailures: string[];
}

/** Reads and classifies the node once, writing services then flows to `writer`. */
export async function snapshotNode(
  reader: NodeReader,
  config: PollConfig,
  writer: RecordWriter,
  onProblem: (problem: InputProblem) => void,
): Promise<SnapshotResult> {
  const toolFailures: string[] = [];
  const result = await pollNode(
    reader,
    config,
    {
      services: (states) => {
        for (const state of states) writer.service(state);
      },
      record: (record) => {
        writer.flow(record);
      },
      problem: onProblem,
      toolFailure: (error) => toolFailures.push(error.message),
    },
    Date.now() / 1000,
  );
  writer.end();
  return {
    complete: result.tables.rulesRead && result.conntrackLines.ipv4 !== null,
    toolFailures,
  };
}

/** The continuous agent: start() follows events (or polls) and exports, stop() flushes and closes. */
export class Agent {
  private server: Server | null = null;
  private exporterStart: Promise<void> = Promise.resolve();
  private stopping = false;
  private tracer: RunningTracer | null = null;
  private tracerEnded: Promise<void> = Promise.resolve();

  private constructor(
    private readonly config: AgentConfig,
    readonly metrics: AgentMetrics,
    private readonly pipeline: AgentPipeline,
    private readonly exporter: CollectorExporter | null,
    private readonly health: AgentHealth,
    private readonly kube: KubeApiReader | null,
    private readonly sockets: SocketJoin | null,
    private readonly log: Logger,
  ) {}

  /**
   * Builds the agent: opens the spool and reads the credential files now, so that unusable ones
   * stop the start (CredentialsError) instead of failing every reconnect later.
   */
  static async create(
    config: AgentConfig,
    reader: NodeReader,
    log: Logger,
    output: Writable = process.stdout,
  ): Promise<Agent> {
    const metrics = new AgentMetrics();
    // The exporter asks for the mode at every hello; the pipeline that detects it comes next.
    let pipeline: AgentPipeline | null = null;
    const exporter = config.collector
      ? await collectorExporter(
          config.nodeName,
          config.collector,
          () => pipeline?.proxyMode ?? v1.ProxyMode.iptables,
          metrics,
          log.child({ component: 'export' }),
        )
      : null;
    const out: RecordSink = exporter ?? new NdjsonWriter(output);
    const sockets = config.socketTracer
      ? new SocketJoin(out, metrics, log.child({ component: 'socket-join' }))
      : null;
    const sink = sockets ?? out;
    const kube = config.kubeApi ? kubeApiReader(config.nodeName, config.kubeApi, log) : null;
    if (kube) metrics.observeKubeApi(kube);
    pipeline = new AgentPipeline(reader, pipelineConfig(config, kube), sink, metrics, log);
    const polls = pipeline;
    const health = new AgentHealth(
      {
        lastGoodPollAtMs: () => polls.lastGoodPollAtMs,
        exportState: exporter ? () => exporter.state() : null,
      },
      {
        startedAtMs: Date.now(),
        maxPollAgeMs: maxPollAgeFor(config.pollIntervalMs),
        maxDisconnectedMs: DEFAULT_MAX_DISCONNECTED_MS,
      },
    );
    return new Agent(config, metrics, pipeline, exporter, health, kube, sockets, log);
  }

  /** The port /metrics listens on (0 when not served). */
  get metricsPort(): number {
    const address = this.server?.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /**
   * Serves metrics, starts polling, and connects to the collector after the first poll: the hello
   * carries the proxy mode that poll detected.
   */
  async start(): Promise<void> {
    // Credential file paths only: the token itself never reaches the log.
    const config = { ...this.config, podCidrs: this.config.podCidrs.map((c) => c.text) };
    this.log.info({ config }, 'agent starting');
    if (this.config.metricsListen) {
      this.server = await serveAgentHttp(this.metrics, this.health, this.config.metricsListen);
    }
    // Polls do not wait for the API: until its first list they name nothing, as without it.
    this.kube?.start();
    await this.startSocketTracer();
    this.pipeline.start();
    const exporter = this.exporter;
    if (exporter) {
      this.exporterStart = this.pipeline.firstPoll.then(() => {
        if (!this.stopping) exporter.start();
      });
    }
  }

  /** Stops polling, flushes the last poll's records to the collector (or stdout), closes. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.tracer?.stop();
    await this.tracerEnded;
    await this.pipeline.stop();
    await this.exporterStart;
    // After the pipeline: its last poll's records are flushed into the spool and acked if possible.
    await this.exporter?.stop();
    await this.kube?.stop();
    const server = this.server;
    if (server) {
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
    this.log.info('agent stopped');
  }

  /**
   * Starts bpftrace when configured. Where it cannot run (no bpftrace, tracefs, permission or
   * BTF) the agent says so once, shows why in a metric, and goes on without socketObserved.
   */
  private async startSocketTracer(): Promise<void> {
    const config = this.config.socketTracer;
    const sockets = this.sockets;
    const state = (name: string, reason = ''): void => {
      this.metrics.socketTracer.reset();
      this.metrics.socketTracer.set({ state: name, reason }, 1);
    };
    if (!config || !sockets) {
      state('off');
      return;
    }
    const unavailable = (reason: TracerUnavailable, detail: string): void => {
      state('unavailable', reason);
      this.log.warn(
        { reason, detail },
        'socket tracer unavailable; records carry no socketObserved (the rest works as before)',
      );
    };
    if (!tracefsMounted()) {
      if (!config.mountTracefs) {
        unavailable('no-tracefs', 'tracefs is not mounted (--mount-tracefs, or mount it)');
        return;
      }
      try {
        await mountTracefs();
      } catch (error) {
        unavailable('no-tracefs', (error as Error).message);
        return;
      }
    }
    state('starting');
    const tracer = startSocketTracer({
      open: (open) => {
        sockets.socket(open);
      },
      attached: () => {
        state('attached');
        this.log.info('socket tracer attached to sock:inet_sock_set_state');
      },
      problem: (error) => {
        this.metrics.parseErrors.inc({ source: 'bpftrace' });
        this.log.warn({ err: error }, 'skipped bad bpftrace output');
      },
    });
    this.tracer = tracer;
    this.tracerEnded = tracer.done.then((stop) => {
      if (stop !== null) unavailable(stop.reason, stop.detail);
    });
  }
}

function pipelineConfig(config: AgentConfig, cluster: ClusterView | null): PipelineConfig {
  return {
    cluster,
    nodeName: config.nodeName,
    nodeIps: config.nodeIps,
    podCidrs: config.podCidrs,
    pollIntervalMs: config.pollIntervalMs,
    events: config.events,
    ...(config.tablesRefreshMs === undefined ? {} : { tablesRefreshMs: config.tablesRefreshMs }),
    ...(config.followTables === undefined ? {} : { followTables: config.followTables }),
    reconcileIntervalMs: config.reconcileIntervalMs,
    eventBufferBytes: config.eventBufferBytes,
    maxFlowRate: config.maxFlowRate,
  };
}

/** The gRPC exporter with its spool; credential files are re-read on every connect. */
async function collectorExporter(
  node: string,
  target: CollectorTarget,
  proxyMode: () => v1.ProxyMode,
  metrics: AgentMetrics,
  log: Logger,
): Promise<CollectorExporter> {
  const { security } = target;
  const tokenFile = security.tokenFile;
  // Read on every connect: projected tokens and renewed certificates rotate under the agent.
  const credentials: () => grpc.ChannelCredentials = rereadKeepingLastGood(
    () => channelCredentials(security),
    (error) => {
      log.warn({ err: error }, 'cannot re-read the TLS files; using the previous ones');
    },
  );
  const token = rereadKeepingLastGood(
    () => (tokenFile === null ? null : readAgentToken(tokenFile)),
    (error) => {
      log.warn({ err: error }, 'cannot re-read the token file; using the previous token');
    },
  );
  const spool = await Spool.open(
    { maxRecords: target.spoolMaxRecords, dir: target.spoolDir },
    metrics,
    log,
  );
  return new CollectorExporter(
    {
      collectors: target.addresses,
      node,
      agentVersion: agentVersion(),
      proxyMode,
      credentials,
      token,
      batchMaxRecords: target.batchSize,
      batchMaxDelayMs: target.batchDelayMs,
    },
    spool,
    metrics,
    log,
  );
}

/** This package's version (package.json sits above agent/ in the sources and above dist/agent/). */
export function agentVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'snatscope' && manifest.version) return manifest.version;
    } catch {
      // Not here: look one level up.
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
