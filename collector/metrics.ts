// The collector's metrics (prom-client), defined in one place; docs/metrics.md lists them for
// dashboards and alerts. Never a client IP as a label, and bounded label values whatever agents
// send: enum values this build does not know are "unknown", Service and node labels beyond a cap
// and label sets beyond a per-metric series cap are reported as "(other)" (and counted), so one
// batch of made-up names cannot create thousands of series.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { v1 } from '../proto/index.js';
import type { Cidr } from '../common/cidr.js';
import type { Correlator } from './correlate.js';
import { FindingCode } from './findings.js';
import {
  cacheLimits,
  DEFAULT_MEMORY_BUDGET_BYTES,
  EvictionCounts,
  IDLE_SECONDS,
  MAX_CLOCK_SKEW_S,
} from './memory-budget.js';
import type { Stitcher } from './stitch.js';
import type { FlowStore } from './store.js';
import { UpstreamCidrs } from './upstream-cidrs.js';

// How long a scrape waits for the store's row count before reporting the last one.
const STORE_COUNT_WAIT_MS = 1000;

/** The label value that stands for every Service (or node) beyond the label cap. */
export const OTHER = '(other)';
/** The label value of an enum value this build does not know (a newer agent, or garbage). */
export const UNKNOWN = 'unknown';

/** Agent message types counted by snatscope_ingest_messages_total. */
export type IngestMessageType = 'batch' | 'services' | 'hello';
/** Outcome of one agent message. */
export type IngestResult = 'stored' | 'duplicate' | 'rejected';
/**
 * Why the ingest refused a message: the only values of snatscope_ingest_rejected_total{reason}
 * (the stream broke the protocol, the message did not decode, or validate.ts's codes).
 */
export const INGEST_REJECT_REASONS = [
  'protocol',
  'undecodable',
  'sequence',
  'node',
  'address',
  'port',
  'enum',
  'service',
  'time',
] as const;
/** One of INGEST_REJECT_REASONS. */
export type IngestRejectReason = (typeof INGEST_REJECT_REASONS)[number];
/**
 * Why the query API refused a request: the only values of snatscope_api_refused_total{reason}
 * (no valid token, the concurrency cap, a URL past the limit, a query it cannot use).
 */
export const API_REFUSE_REASONS = ['unauthorized', 'busy', 'url_too_long', 'bad_query'] as const;
/** One of API_REFUSE_REASONS. */
export type ApiRefuseReason = (typeof API_REFUSE_REASONS)[number];

/** Label caps, from the memory budget by default (see memory-budget.ts). */
export interface CollectorMetricsOptions {
  /** Distinct Services with their own label values. */
  maxServiceLabels?: number;
  /** Distinct nodes with their own label values. */
  maxNodeLabels?: number;
  /** Series of one metric; further label sets are folded into "(other)". */
  maxSeries?: number;
  /** A Service without a flow for this long loses its flows_total series (default IDLE_SECONDS). */
  idleSeconds?: number;
  /** `--upstream-cidr`: flows from there that no node rewrote count as ClientIpLostUpstream. */
  upstreamCidrs?: readonly (Cidr | string)[];
}

const { Cause } = v1.FlowRecord;
/** The cause label of a flow no node rewrote whose client is inside --upstream-cidr (as correlate.ts). */
const UPSTREAM_CAUSE = FindingCode.ClientIpLostUpstream;
const UPSTREAM_CAUSE_INDEX = Cause.OtherSnat + 1;
const CAUSE_NONE: number = Cause.None;
// Cause indexes of a flow series: the known values, the upstream loss, then one slot for every
// unknown value.
const CAUSE_SLOTS = UPSTREAM_CAUSE_INDEX + 2;
const POLICY_SLOTS = v1.TrafficPolicy.Local + 2;
// Kubernetes names are at most 253 characters; longer values are not names and would bloat
// every scrape.
const MAX_LABEL_VALUE_LENGTH = 253;

type FlowLabel = 'service' | 'namespace' | 'node' | 'snat' | 'cause' | 'policy';

/** Label values of one series of snatscope_flows_total, and its count not yet exported. */
interface FlowSeries {
  readonly labels: Record<FlowLabel, string>;
  /** Some of its labels stand for several values ("(other)"): its observations are counted. */
  readonly folded: boolean;
  pending: number;
}

/** The label values of one Service, and its flow series by node, cause, snat and policy. */
interface ServiceSlot {
  readonly namespace: string;
  readonly service: string;
  readonly byNode: Map<string, (FlowSeries | undefined)[]>;
  /** Latest observedAt of its flows (agents' clocks, like the correlator's lastSeen). */
  lastSeen: number;
}

/** Admits up to `max` distinct values of at most MAX_LABEL_VALUE_LENGTH; others are OTHER. */
class LabelCap {
  private admitted = new Set<string>();

  constructor(private readonly max: number) {}

  /** True when `value` has (or now gets) a label value of its own. */
  admit(value: string): boolean {
    // Length first: refused values are not cached, and hashing a huge one on every record costs.
    if (value.length > MAX_LABEL_VALUE_LENGTH) return false;
    if (this.admitted.has(value)) return true;
    if (this.admitted.size >= this.max) return false;
    this.admitted.add(value);
    return true;
  }

  /** Frees every admitted value not in `live`, so that new values get their own labels again. */
  retain(live: ReadonlySet<string>): void {
    this.admitted = new Set([...this.admitted].filter((value) => live.has(value)));
  }
}

/**
 * Sums gauge values per label set before they are set (several Services may be "(other)"). Beyond
 * `maxSeries` label sets, new ones are folded into their "(other)" form and counted.
 */
class Sums<L extends string> {
  private readonly values = new Map<string, { labels: Record<L, string>; value: number }>();
  /** Label sets folded into "(other)" because of the series cap. */
  folded = 0;

  constructor(private readonly maxSeries: number) {}

  add(labels: Record<L, string>, value: number): void {
    let key = labelKey(labels);
    let known = this.values.get(key);
    if (known === undefined && this.values.size >= this.maxSeries) {
      labels = foldLabels(labels);
      key = labelKey(labels);
      known = this.values.get(key);
      this.folded++;
    }
    if (known) known.value += value;
    else this.values.set(key, { labels, value });
  }

  entries(): Iterable<{ labels: Record<L, string>; value: number }> {
    return this.values.values();
  }

  /** The sum of `labels` as entries() gives them (folded ones in their "(other)" form). */
  valueOf(labels: Record<L, string>): number {
    return this.values.get(labelKey(labels))?.value ?? 0;
  }
}

/** What the scrape-time metrics read; see attach(). */
interface Sources {
  correlator: Correlator;
  stitcher: Pick<Stitcher, 'size' | 'stitched' | 'evicted' | 'evictions'>;
  store: Pick<FlowStore, 'countFlows'> | null;
}

/** What one scrape reads from the correlator. */
interface Snapshot {
  summaries: v1.IServiceSummary[];
  states: v1.IServiceState[];
}

/** Every metric the collector exports. */
export class CollectorMetrics {
  readonly registry = new Registry();

  // ---- Flows, counted as they arrive ----
  private readonly flows = new Counter({
    name: 'snatscope_flows_total',
    help: 'Entry flows (connections into a Service), by Service, entry node, whether a node NATed the source, cause (ClientIpLostUpstream: not NATed on a node, but the client is inside --upstream-cidr) and externalTrafficPolicy.',
    labelNames: ['service', 'namespace', 'node', 'snat', 'cause', 'policy'] as const,
    registers: [this.registry],
    collect: () => {
      this.flushFlows();
    },
  });

  // ---- Per Service, computed from the correlator at scrape time ----
  private readonly serviceFlows = new Gauge({
    name: 'snatscope_service_flows',
    help: 'Entry flows the collector correlated since it started, by Service and cause (None: the backend saw the client).',
    labelNames: ['service', 'namespace', 'cause'] as const,
    registers: [this.registry],
    collect: () => {
      this.collectServiceFlows();
    },
  });
  private readonly preservedRatio = new Gauge({
    name: 'snatscope_service_client_ip_preserved_ratio',
    help: 'Share of entry flows whose backend saw the real client address (0..1): flows from inside --upstream-cidr count as lost; absent without flows.',
    labelNames: ['service', 'namespace', 'policy'] as const,
    registers: [this.registry],
    collect: () => {
      this.collectPreservedRatio();
    },
  });
  private readonly serviceNodes = new Gauge({
    name: 'snatscope_service_nodes',
    help: 'Nodes whose kube-proxy programs the Service port.',
    labelNames: ['service', 'namespace', 'policy'] as const,
    registers: [this.registry],
    collect: () => {
      this.collectNodes(this.serviceNodes, (s) => s.nodes?.length ?? 0);
    },
  });
  private readonly nodesWithLocalEndpoints = new Gauge({
    name: 'snatscope_service_nodes_with_local_endpoints',
    help: 'Nodes with at least one endpoint of the Service port (Local policy serves only there).',
    labelNames: ['service', 'namespace', 'policy'] as const,
    registers: [this.registry],
    collect: () => {
      this.collectNodes(
        this.nodesWithLocalEndpoints,
        (s) => s.nodesWithLocalEndpoints?.length ?? 0,
      );
    },
  });
  private readonly droppedPackets = new Gauge({
    name: 'snatscope_service_no_local_endpoint_dropped_packets',
    help: 'Packets counted by kube-proxy\'s "has no local endpoints" drop rule, as the node last reported it (an iptables counter: it resets when the rule is rebuilt).',
    labelNames: ['service', 'namespace', 'node'] as const,
    registers: [this.registry],
    collect: () => {
      this.collectDroppedPackets();
    },
  });
  private readonly findings = new Gauge({
    name: 'snatscope_findings',
    help: 'Active findings (1 per Service and code; more under service="(other)").',
    labelNames: ['service', 'namespace', 'code', 'severity'] as const,
    registers: [this.registry],
    collect: () => {
      this.collectFindings();
    },
  });
  private readonly correlatedServices = new Gauge({
    name: 'snatscope_correlator_services',
    help: 'Service ports the correlator tracks flows for.',
    registers: [this.registry],
    collect: () => {
      if (this.sources) this.correlatedServices.set(this.sources.correlator.serviceCount);
    },
  });
  private readonly correlatedNodes = new Gauge({
    name: 'snatscope_correlator_nodes',
    help: 'Nodes whose latest service states the correlator keeps.',
    registers: [this.registry],
    collect: () => {
      if (this.sources) this.correlatedNodes.set(this.sources.correlator.nodeCount);
    },
  });

  // ---- Memory bounds (memory-budget.ts) ----
  private readonly cacheEvictions = new Counter({
    name: 'snatscope_cache_evictions_total',
    help: 'Entries the collector forgot to stay within its memory budget, by cache (stitch, correlator_services, correlator_node_states, metric_services) and reason (age: idle too long or stamped in the future; size: the bound was reached, oldest first).',
    labelNames: ['cache', 'reason'] as const,
    registers: [this.registry],
    collect: () => {
      this.collectEvictions();
    },
  });
  private readonly labelOverflow = new Counter({
    name: 'snatscope_metric_label_overflow_total',
    help: 'Label sets reported as "(other)" because a Service, node or series cap was reached, by metric: observations for snatscope_flows_total, label sets per scrape for the gauges.',
    labelNames: ['metric'] as const,
    registers: [this.registry],
  });

  // ---- Ingest, incremented by the ingest code ----
  /** Agents with an open ingest stream. */
  readonly agentsConnected = new Gauge({
    name: 'snatscope_agents_connected',
    help: 'Agents with an open ingest stream.',
    registers: [this.registry],
  });
  /** Last message per node; set it through agentSeen() (node label cap). */
  readonly agentLastSeen = new Gauge({
    name: 'snatscope_agent_last_seen_timestamp_seconds',
    help: 'When the collector last received a message from the node’s agent (seconds since the epoch).',
    labelNames: ['node'] as const,
    registers: [this.registry],
  });
  /** Agent messages by type and result. */
  readonly ingestMessages = new Counter({
    name: 'snatscope_ingest_messages_total',
    help: 'Agent messages received, by type (batch, services, hello) and result (stored, duplicate, rejected).',
    labelNames: ['type', 'result'] as const,
    registers: [this.registry],
  });
  /** Flow records received, by kind. */
  readonly ingestRecords = new Counter({
    name: 'snatscope_ingest_records_total',
    help: 'Flow records received in stored batches, by kind (flow, backend).',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  /** Refused messages by reason; only INGEST_REJECT_REASONS as values. */
  readonly ingestRejected = new Counter({
    name: 'snatscope_ingest_rejected_total',
    help: `Agent messages refused, by reason (${INGEST_REJECT_REASONS.join(', ')}).`,
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** Streams refused for a missing or wrong token. */
  readonly ingestClampedTimes = new Counter({
    name: 'snatscope_ingest_clamped_timestamps_total',
    help: 'Records whose observedAt lay further in the future than the allowed clock skew; stored as the arrival time.',
    registers: [this.registry],
  });
  readonly ingestAuthFailures = new Counter({
    name: 'snatscope_ingest_auth_failures_total',
    help: 'Ingest streams refused because authentication failed.',
    registers: [this.registry],
  });

  /** Query API requests refused, by reason; only API_REFUSE_REASONS as values. */
  readonly apiRefused = new Counter({
    name: 'snatscope_api_refused_total',
    help: `Query API requests refused, by reason (${API_REFUSE_REASONS.join(', ')}).`,
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  /** Credential files re-read after they changed, by kind (tls, tokens) and result (ok, error). */
  readonly credentialReloads = new Counter({
    name: 'snatscope_credentials_reloads_total',
    help: 'Credential files re-read after a change, by kind (tls, tokens) and result (ok; error: the new files were unusable and the previous credentials stay in use).',
    labelNames: ['kind', 'result'] as const,
    registers: [this.registry],
  });
  /** 1 while the files on disk are unusable and older credentials are in use, by kind. */
  readonly credentialsUnusable = new Gauge({
    name: 'snatscope_credentials_unusable',
    help: '1 while the credential files on disk (kind tls or tokens) are unusable and the collector still uses an older version; 0 otherwise.',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  /** Agent tokens checked with the Kubernetes TokenReview API. */
  readonly tokenReviews = new Counter({
    name: 'snatscope_token_reviews_total',
    help: 'Agent tokens checked with a Kubernetes TokenReview, by source (api, cache) and result (accepted, refused, error: the API could not answer).',
    labelNames: ['source', 'result'] as const,
    registers: [this.registry],
  });

  // ---- Store, incremented by the ingest code ----
  /** Time of one store write (one transaction). */
  readonly storeWriteSeconds = new Histogram({
    name: 'snatscope_store_write_seconds',
    help: 'Time of one store write: one transaction of grouped agent messages, durable when done.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  /** Agent messages grouped into one store write. */
  readonly storeBatchesPerWrite = new Histogram({
    name: 'snatscope_store_batches_per_write',
    help: 'Agent messages grouped into one store write (group commit).',
    buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256],
    registers: [this.registry],
  });
  /** Failed store writes or prunes. */
  readonly storeErrors = new Counter({
    name: 'snatscope_store_errors_total',
    help: 'Store operations that failed (write, prune, query).',
    registers: [this.registry],
  });
  private storeCount: Promise<void> | null = null;
  private readonly storeFlows = new Gauge({
    name: 'snatscope_store_flows',
    help: 'Flow rows in the store (entry and backend records), counted at scrape time.',
    registers: [this.registry],
    collect: async () => {
      await this.collectStoreFlows();
    },
  });
  /** Rows removed by retention. */
  readonly storePruned = new Counter({
    name: 'snatscope_store_pruned_total',
    help: 'Flow rows deleted by retention.',
    registers: [this.registry],
  });

  // ---- Stitching, read from the stitcher at scrape time ----
  private readonly stitchPending = new Gauge({
    name: 'snatscope_stitch_pending',
    help: 'Connections the stitcher remembers (halves waiting for the other half, or stitched and open).',
    registers: [this.registry],
    collect: () => {
      if (this.sources) this.stitchPending.set(this.sources.stitcher.size);
    },
  });
  private readonly stitched = new Counter({
    name: 'snatscope_stitched_total',
    help: 'Connections whose entry and backend halves were joined.',
    registers: [this.registry],
    collect: () => {
      if (this.sources) setCounter(this.stitched, this.sources.stitcher.stitched);
    },
  });
  private readonly stitchEvicted = new Counter({
    name: 'snatscope_stitch_evicted_total',
    help: 'Connections the stitcher forgot to stay within its memory bound (their halves stay unjoined).',
    registers: [this.registry],
    collect: () => {
      if (this.sources) setCounter(this.stitchEvicted, this.sources.stitcher.evicted);
    },
  });

  private readonly services: LabelCap;
  // Never freed: the agent alerts count every node heard from since the start (rules.yaml).
  private readonly nodes: LabelCap;
  private readonly maxSeries: number;
  private readonly idleSeconds: number;
  private readonly upstream: UpstreamCidrs;
  /** namespace → name → port → labels and flow series: no allocation per observed flow. */
  private readonly slots = new Map<string, Map<string, Map<string, ServiceSlot>>>();
  private readonly otherSlot: ServiceSlot = {
    namespace: OTHER,
    service: OTHER,
    byNode: new Map(),
    lastSeen: 0,
  };
  /** Every series of snatscope_flows_total but the overflow ones: at most maxSeries. */
  private flowSeries: FlowSeries[] = [];
  /** The series beyond maxSeries: Service, namespace and node "(other)", by enum index. */
  private readonly overflowSeries: (FlowSeries | undefined)[] = [];
  private flowsFolded = 0;
  /** Service slots of snatscope_flows_total forgotten by prune(). */
  private readonly slotEvictions = new EvictionCounts();
  private snapshotCache: Snapshot | null = null;
  private sources: Sources | null = null;

  constructor(options: CollectorMetricsOptions = {}) {
    const defaults = cacheLimits(DEFAULT_MEMORY_BUDGET_BYTES);
    this.services = new LabelCap(options.maxServiceLabels ?? defaults.services);
    this.nodes = new LabelCap(options.maxNodeLabels ?? defaults.nodeLabels);
    this.maxSeries = options.maxSeries ?? defaults.metricSeries;
    this.idleSeconds = options.idleSeconds ?? IDLE_SECONDS;
    this.upstream = new UpstreamCidrs(options.upstreamCidrs ?? []);
    // Series that exist from the start, so rate() and absent-series alerts work before traffic.
    for (const reason of INGEST_REJECT_REASONS) this.ingestRejected.inc({ reason }, 0);
    for (const reason of API_REFUSE_REASONS) this.apiRefused.inc({ reason }, 0);
    for (const kind of ['flow', 'backend']) this.ingestRecords.inc({ kind }, 0);
    this.labelOverflow.inc({ metric: 'snatscope_flows_total' }, 0);
  }

  /** Gives the scrape-time metrics their sources; until then they export nothing. */
  attach(
    correlator: Correlator,
    stitcher: Pick<Stitcher, 'size' | 'stitched' | 'evicted' | 'evictions'>,
    store: Pick<FlowStore, 'countFlows'> | null = null,
  ): void {
    this.sources = { correlator, stitcher, store };
  }

  /**
   * Counts one entry flow on snatscope_flows_total: records of kind flow that report an opening
   * (closed records are the end of a connection counted when it opened). Hot path: a few Map
   * lookups, the prom-client counter is updated at scrape time.
   */
  observeFlow(record: v1.IFlowRecord): void {
    if (record.kind === v1.FlowRecord.Kind.backend || record.closed === true) return;
    const slot = this.slotOf(record.service ?? {});
    const at = record.observedAt ?? 0;
    if (at > slot.lastSeen) slot.lastSeen = at;
    let node = record.entryNode ?? record.node ?? '';
    let byNode = slot.byNode.get(node);
    if (byNode === undefined) {
      if (!this.nodes.admit(node)) node = OTHER;
      byNode = slot.byNode.get(node) ?? [];
      slot.byNode.set(node, byNode);
    }
    // Unknown enum values share one index (and the label "unknown"): a batch of made-up numbers
    // adds one series, not one per number.
    let cause = enumIndex(Cause, record.cause ?? Cause.None, CAUSE_SLOTS);
    const client = record.client?.ip;
    if (cause === CAUSE_NONE && client && this.upstream.contains(client)) {
      cause = UPSTREAM_CAUSE_INDEX;
    }
    const snat = record.snat === true;
    const policy = enumIndex(
      v1.TrafficPolicy,
      record.externalTrafficPolicy ?? v1.TrafficPolicy.Cluster,
      POLICY_SLOTS,
    );
    const index = (cause * 2 + (snat ? 1 : 0)) * POLICY_SLOTS + policy;
    let series = byNode[index];
    if (series === undefined) {
      const labels = {
        service: slot.service,
        namespace: slot.namespace,
        node,
        snat: String(snat),
        cause: cause === UPSTREAM_CAUSE_INDEX ? UPSTREAM_CAUSE : nameOf(Cause, cause),
        policy: nameOf(v1.TrafficPolicy, policy),
      };
      series = this.flowSeries.length < this.maxSeries ? newSeries(labels) : undefined;
      if (series) this.flowSeries.push(series);
      else series = this.overflowSeries[index] ??= newSeries(foldLabels(labels));
      byNode[index] = series;
    }
    if (series.folded) this.flowsFolded++;
    series.pending++;
  }

  /**
   * Forgets the snatscope_flows_total series of Services without a flow for idleSeconds (or
   * stamped beyond the clock skew in the future), and frees the Service labels nothing uses any
   * more, so that new Services get labels of their own again. Call after the correlator's prune().
   */
  prune(nowSeconds: number): void {
    const before = nowSeconds - this.idleSeconds;
    const after = nowSeconds + MAX_CLOCK_SKEW_S;
    const live = new Set<string>();
    const forgotten = new Set<FlowSeries>();
    for (const [namespace, names] of this.slots) {
      for (const [name, ports] of names) {
        for (const [port, slot] of ports) {
          if (slot.lastSeen >= before && slot.lastSeen <= after) {
            live.add(`${namespace}/${slot.service}`);
            continue;
          }
          ports.delete(port);
          this.slotEvictions.age++;
          for (const series of [...slot.byNode.values()].flat()) {
            if (series === undefined || series.folded) continue;
            this.flows.remove(series.labels);
            forgotten.add(series);
          }
        }
        if (ports.size === 0) names.delete(name);
      }
      if (names.size === 0) this.slots.delete(namespace);
    }
    // Services the scrape-time gauges label (the correlator's view) keep their labels too.
    for (const summary of this.snapshot().summaries) live.add(serviceLabelKey(summary.service));
    this.services.retain(live);
    if (forgotten.size === 0) return;
    this.flowSeries = this.flowSeries.filter((series) => !forgotten.has(series));
    // Room again under maxSeries: label sets that were folded for lack of it may get their own.
    for (const names of this.slots.values()) {
      for (const ports of names.values()) {
        for (const slot of ports.values()) {
          for (const byNode of slot.byNode.values()) {
            byNode.forEach((series, index) => {
              if (series !== undefined && this.overflowSeries[index] === series) {
                byNode[index] = undefined;
              }
            });
          }
        }
      }
    }
  }

  /** Records that `node`'s agent was heard from at `atSeconds` (the node label is capped). */
  agentSeen(node: string, atSeconds: number): void {
    this.agentLastSeen.set({ node: this.nodes.admit(node) ? node : OTHER }, atSeconds);
  }

  /** The text exposition of every metric. */
  async text(): Promise<string> {
    return this.registry.metrics();
  }

  /** The label values of a Service, or "(other)" beyond the cap; cached for the hot path. */
  private slotOf(service: v1.IServicePortName): ServiceSlot {
    const namespace = service.namespace ?? '';
    const name = service.name ?? '';
    const port = service.port ?? '';
    let names = this.slots.get(namespace);
    let ports = names?.get(name);
    const known = ports?.get(port);
    if (known !== undefined) return known;
    const label = serviceLabel(name, port);
    // Services beyond the cap are not cached: their lookup misses and costs one Set lookup.
    if (!this.services.admit(`${namespace}/${label}`)) return this.otherSlot;
    const slot: ServiceSlot = { namespace, service: label, byNode: new Map(), lastSeen: 0 };
    if (names === undefined) {
      names = new Map();
      this.slots.set(namespace, names);
    }
    if (ports === undefined) {
      ports = new Map();
      names.set(name, ports);
    }
    ports.set(port, slot);
    return slot;
  }

  private flushFlows(): void {
    for (const series of [...this.flowSeries, ...this.overflowSeries]) {
      if (series === undefined || series.pending === 0) continue;
      this.flows.inc(series.labels, series.pending);
      series.pending = 0;
    }
    if (this.flowsFolded > 0) {
      this.labelOverflow.inc({ metric: 'snatscope_flows_total' }, this.flowsFolded);
      this.flowsFolded = 0;
    }
  }

  private collectEvictions(): void {
    const caches: [string, EvictionCounts | undefined][] = [
      ['stitch', this.sources?.stitcher.evictions],
      ['correlator_services', this.sources?.correlator.serviceEvictions],
      ['correlator_node_states', this.sources?.correlator.nodeStateEvictions],
      ['metric_services', this.slotEvictions],
    ];
    for (const [cache, counts] of caches) {
      for (const reason of ['age', 'size'] as const) {
        this.cacheEvictions.remove({ cache, reason });
        this.cacheEvictions.inc({ cache, reason }, counts?.[reason] ?? 0);
      }
    }
  }

  /**
   * Counts the stored flows for the gauge. A count that takes longer than STORE_COUNT_WAIT_MS (a
   * ClickHouse count over millions of rows takes seconds) does not hold the scrape: it reports
   * the last value, the count goes on and sets the gauge when done, and no second count starts
   * while one runs.
   */
  private async collectStoreFlows(): Promise<void> {
    const store = this.sources?.store;
    if (!store) return;
    this.storeCount ??= store
      .countFlows()
      .then(
        (flows) => {
          this.storeFlows.set(flows);
        },
        () => {
          // A failing store must not fail the scrape: its error counter tells, the gauge keeps
          // its value.
          this.storeErrors.inc();
        },
      )
      .finally(() => {
        this.storeCount = null;
      });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.storeCount,
      new Promise((resolve) => {
        timer = setTimeout(resolve, STORE_COUNT_WAIT_MS);
      }),
    ]);
    clearTimeout(timer);
  }

  /** One correlator snapshot per scrape: every collect callback of one scrape runs in one tick. */
  private snapshot(): Snapshot {
    if (this.snapshotCache === null) {
      const correlator = this.sources?.correlator;
      this.snapshotCache = {
        summaries: correlator?.summaries() ?? [],
        states: correlator?.serviceStates() ?? [],
      };
      queueMicrotask(() => {
        this.snapshotCache = null;
      });
    }
    return this.snapshotCache;
  }

  /** namespace and service labels of a summary or state, "(other)" beyond the cap. */
  private labelsOf(service: v1.IServicePortName | null | undefined): {
    service: string;
    namespace: string;
  } {
    const namespace = service?.namespace ?? '';
    const label = serviceLabel(service?.name ?? '', service?.port ?? '');
    return this.services.admit(`${namespace}/${label}`)
      ? { service: label, namespace }
      : { service: OTHER, namespace: OTHER };
  }

  /** Replaces every series of a gauge (series of Services that are gone disappear). */
  private setGauge<L extends string>(gauge: Gauge<L>, sums: Sums<L>): void {
    gauge.reset();
    for (const { labels, value } of sums.entries()) gauge.set(labels, value);
    this.countFolded(gauge, sums);
  }

  /** Counts the label sets the series cap folded into "(other)" in one scrape of `gauge`. */
  private countFolded<L extends string>(gauge: Gauge<L>, sums: Sums<L>): void {
    if (sums.folded > 0) this.labelOverflow.inc({ metric: metricName(gauge) }, sums.folded);
  }

  private collectServiceFlows(): void {
    const sums = new Sums<'service' | 'namespace' | 'cause'>(this.maxSeries);
    for (const summary of this.snapshot().summaries) {
      const labels = this.labelsOf(summary.service);
      for (const [cause, flows] of Object.entries(summary.causes ?? {})) {
        sums.add({ ...labels, cause: causeLabel(cause) }, flows);
      }
    }
    this.setGauge(this.serviceFlows, sums);
  }

  private collectPreservedRatio(): void {
    // Summed before dividing: the ratio of "(other)" is over all of its Services' flows. Both
    // sums see the same label sets in the same order, so the cap folds the same ones.
    const flows = new Sums<'service' | 'namespace' | 'policy'>(this.maxSeries);
    const preserved = new Sums<'service' | 'namespace' | 'policy'>(this.maxSeries);
    for (const summary of this.snapshot().summaries) {
      const count = summary.flows ?? 0;
      if (count === 0) continue;
      const labels = { ...this.labelsOf(summary.service), policy: policyName(summary) };
      flows.add(labels, count);
      preserved.add(labels, summary.keptFlows ?? 0);
    }
    this.preservedRatio.reset();
    for (const { labels, value } of flows.entries()) {
      this.preservedRatio.set(labels, preserved.valueOf(labels) / value);
    }
    this.countFolded(this.preservedRatio, flows);
  }

  private collectNodes(
    gauge: Gauge<'service' | 'namespace' | 'policy'>,
    count: (summary: v1.IServiceSummary) => number,
  ): void {
    const sums = new Sums<'service' | 'namespace' | 'policy'>(this.maxSeries);
    for (const summary of this.snapshot().summaries) {
      if ((summary.nodes?.length ?? 0) === 0) continue;
      sums.add({ ...this.labelsOf(summary.service), policy: policyName(summary) }, count(summary));
    }
    this.setGauge(gauge, sums);
  }

  private collectDroppedPackets(): void {
    const sums = new Sums<'service' | 'namespace' | 'node'>(this.maxSeries);
    for (const state of this.snapshot().states) {
      const packets = state.noLocalEndpointDrops?.packets ?? 0;
      // Only Local-policy Services have the drop rule; zeros elsewhere would be noise.
      if (state.externalTrafficPolicy !== v1.TrafficPolicy.Local) continue;
      const node = state.node ?? '';
      sums.add(
        { ...this.labelsOf(state.service), node: this.nodes.admit(node) ? node : OTHER },
        packets,
      );
    }
    this.setGauge(this.droppedPackets, sums);
  }

  private collectFindings(): void {
    const sums = new Sums<'service' | 'namespace' | 'code' | 'severity'>(this.maxSeries);
    for (const summary of this.snapshot().summaries) {
      for (const finding of summary.findings ?? []) {
        sums.add(
          {
            ...this.labelsOf(summary.service),
            code: finding.code ?? '',
            severity: finding.severity ?? '',
          },
          1,
        );
      }
    }
    this.setGauge(this.findings, sums);
  }
}

/** "name:port", or "name" for an unnamed port. */
function serviceLabel(name: string, port: string): string {
  return port === '' ? name : `${name}:${port}`;
}

/** The key the Service label cap admits: "namespace/name:port". */
function serviceLabelKey(service: v1.IServicePortName | null | undefined): string {
  return `${service?.namespace ?? ''}/${serviceLabel(service?.name ?? '', service?.port ?? '')}`;
}

function policyName(summary: v1.IServiceSummary): string {
  const policy = summary.externalTrafficPolicy ?? v1.TrafficPolicy.Cluster;
  return nameOf(v1.TrafficPolicy, policy);
}

/** A cause name as the correlator writes it, or UNKNOWN when this build has no such cause. */
function causeLabel(name: string): string {
  const known =
    name === UPSTREAM_CAUSE ||
    typeof (Cause as Readonly<Record<string, unknown>>)[name] === 'number';
  return known ? name : UNKNOWN;
}

/** The index of an enum value among `slots`: its number when known, else the last slot. */
function enumIndex(
  names: Readonly<Record<number, string | undefined>>,
  value: number,
  slots: number,
): number {
  return Number.isInteger(value) && value >= 0 && value < slots - 1 && names[value] !== undefined
    ? value
    : slots - 1;
}

/** An enum value's name; UNKNOWN when this build does not know it (a newer agent, or garbage). */
function nameOf(names: Readonly<Record<number, string | undefined>>, value: number): string {
  return (Number.isInteger(value) ? names[value] : undefined) ?? UNKNOWN;
}

/** A new series of snatscope_flows_total with no count yet. */
function newSeries(labels: Record<FlowLabel, string>): FlowSeries {
  return { labels, folded: Object.values(labels).includes(OTHER), pending: 0 };
}

/** A metric's name: prom-client keeps it on the object, its typings omit it. */
function metricName(metric: object): string {
  const name: unknown = Reflect.get(metric, 'name');
  return typeof name === 'string' ? name : String(name);
}

/** The key of a label set in a Map. */
function labelKey(labels: Readonly<Record<string, string>>): string {
  return Object.values(labels).join('\u0000');
}

/** The label set with its Service, namespace and node labels (those that grow) as "(other)". */
function foldLabels<L extends string>(labels: Record<L, string>): Record<L, string> {
  const folded: Record<L, string> = { ...labels };
  for (const name of ['service', 'namespace', 'node']) {
    if (name in folded) folded[name as L] = OTHER;
  }
  return folded;
}

/** Sets a label-less counter to a total kept elsewhere (prom-client counters have no set). */
function setCounter(counter: Counter, total: number): void {
  counter.reset();
  counter.inc(total);
}
