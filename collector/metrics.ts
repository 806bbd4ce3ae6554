// The collector's metrics (prom-client), defined in one place; docs/metrics.md lists them for
// dashboards and alerts. Never a client IP as a label, and bounded label values: Service and node
// labels beyond a cap are reported as "(other)".
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { v1 } from '../proto/index.js';
import type { Correlator } from './correlate.js';
import type { Stitcher } from './stitch.js';
import type { FlowStore } from './store.js';

/** The label value that stands for every Service (or node) beyond the label cap. */
export const OTHER = '(other)';

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

/** Label caps. */
export interface CollectorMetricsOptions {
  /** Distinct Services with their own label values (default 1,000). */
  maxServiceLabels?: number;
  /** Distinct nodes with their own label values (default 1,000). */
  maxNodeLabels?: number;
}

const { Cause } = v1.FlowRecord;

/** Label values of one series of snatscope_flows_total, and its count not yet exported. */
interface FlowSeries {
  readonly labels: Record<'service' | 'namespace' | 'node' | 'snat' | 'cause' | 'policy', string>;
  pending: number;
}

/** The label values of one Service, and its flow series by node, cause, snat and policy. */
interface ServiceSlot {
  readonly namespace: string;
  readonly service: string;
  readonly byNode: Map<string, (FlowSeries | undefined)[]>;
}

/** Admits the first `max` distinct values; later ones are reported as OTHER. */
class LabelCap {
  private readonly admitted = new Set<string>();

  constructor(private readonly max: number) {}

  /** True when `value` has (or now gets) a label value of its own. */
  admit(value: string): boolean {
    if (this.admitted.has(value)) return true;
    if (this.admitted.size >= this.max) return false;
    this.admitted.add(value);
    return true;
  }
}

/** Sums gauge values per label set before they are set (several Services may be "(other)"). */
class Sums<L extends string> {
  private readonly values = new Map<string, { labels: Record<L, string>; value: number }>();

  add(labels: Record<L, string>, value: number): void {
    const key = Object.values(labels).join('\u0000');
    const known = this.values.get(key);
    if (known) known.value += value;
    else this.values.set(key, { labels, value });
  }

  entries(): Iterable<{ labels: Record<L, string>; value: number }> {
    return this.values.values();
  }
}

/** What the scrape-time metrics read; see attach(). */
interface Sources {
  correlator: Correlator;
  stitcher: Pick<Stitcher, 'size' | 'stitched' | 'evicted'>;
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
    help: 'Entry flows (connections into a Service), by Service, entry node, whether the source was NATed, cause and externalTrafficPolicy.',
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
    help: 'Share of entry flows whose backend saw the client address (0..1); absent without flows.',
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
  private readonly correlatorDropped = new Counter({
    name: 'snatscope_correlator_dropped_records_total',
    help: 'Records not correlated because the Service-port limit was reached.',
    registers: [this.registry],
    collect: () => {
      if (this.sources) setCounter(this.correlatorDropped, this.sources.correlator.droppedRecords);
    },
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
  readonly ingestAuthFailures = new Counter({
    name: 'snatscope_ingest_auth_failures_total',
    help: 'Ingest streams refused because authentication failed.',
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
  private readonly storeFlows = new Gauge({
    name: 'snatscope_store_flows',
    help: 'Flow rows in the store (entry and backend records), counted at scrape time.',
    registers: [this.registry],
    collect: () => {
      this.collectStoreFlows();
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
  private readonly nodes: LabelCap;
  /** namespace → name → port → labels and flow series: no allocation per observed flow. */
  private readonly slots = new Map<string, Map<string, Map<string, ServiceSlot>>>();
  private readonly otherSlot: ServiceSlot = { namespace: OTHER, service: OTHER, byNode: new Map() };
  private readonly flowSeries: FlowSeries[] = [];
  private snapshotCache: Snapshot | null = null;
  private sources: Sources | null = null;

  constructor(options: CollectorMetricsOptions = {}) {
    this.services = new LabelCap(options.maxServiceLabels ?? 1_000);
    this.nodes = new LabelCap(options.maxNodeLabels ?? 1_000);
    // Series that exist from the start, so rate() and absent-series alerts work before traffic.
    for (const reason of INGEST_REJECT_REASONS) this.ingestRejected.inc({ reason }, 0);
    for (const kind of ['flow', 'backend']) this.ingestRecords.inc({ kind }, 0);
  }

  /** Gives the scrape-time metrics their sources; until then they export nothing. */
  attach(
    correlator: Correlator,
    stitcher: Pick<Stitcher, 'size' | 'stitched' | 'evicted'>,
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
    let node = record.entryNode ?? record.node ?? '';
    let byNode = slot.byNode.get(node);
    if (byNode === undefined) {
      if (!this.nodes.admit(node)) node = OTHER;
      byNode = slot.byNode.get(node) ?? [];
      slot.byNode.set(node, byNode);
    }
    const cause = record.cause ?? Cause.None;
    const snat = record.snat === true;
    const policy = record.externalTrafficPolicy ?? v1.TrafficPolicy.Cluster;
    const index = cause * 4 + (snat ? 2 : 0) + policy;
    let series = byNode[index];
    if (series === undefined) {
      series = {
        labels: {
          service: slot.service,
          namespace: slot.namespace,
          node,
          snat: String(snat),
          cause: nameOf(Cause, cause),
          policy: nameOf(v1.TrafficPolicy, policy),
        },
        pending: 0,
      };
      byNode[index] = series;
      this.flowSeries.push(series);
    }
    series.pending++;
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
    const slot: ServiceSlot = { namespace, service: label, byNode: new Map() };
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
    for (const series of this.flowSeries) {
      if (series.pending === 0) continue;
      this.flows.inc(series.labels, series.pending);
      series.pending = 0;
    }
  }

  private collectStoreFlows(): void {
    const store = this.sources?.store;
    if (!store) return;
    try {
      this.storeFlows.set(store.countFlows());
    } catch {
      // A failing store must not fail the scrape: its error counter tells, the gauge keeps its value.
      this.storeErrors.inc();
    }
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

  private collectServiceFlows(): void {
    const sums = new Sums<'service' | 'namespace' | 'cause'>();
    for (const summary of this.snapshot().summaries) {
      const labels = this.labelsOf(summary.service);
      for (const [cause, flows] of Object.entries(summary.causes ?? {})) {
        sums.add({ ...labels, cause }, flows);
      }
    }
    setGauge(this.serviceFlows, sums);
  }

  private collectPreservedRatio(): void {
    // Summed before dividing: the ratio of "(other)" is over all of its Services' flows.
    const totals = new Map<
      string,
      {
        labels: Record<'service' | 'namespace' | 'policy', string>;
        flows: number;
        preserved: number;
      }
    >();
    for (const summary of this.snapshot().summaries) {
      const flows = summary.flows ?? 0;
      if (flows === 0) continue;
      const labels = { ...this.labelsOf(summary.service), policy: policyName(summary) };
      const key = Object.values(labels).join('\u0000');
      const total = totals.get(key) ?? { labels, flows: 0, preserved: 0 };
      total.flows += flows;
      total.preserved += flows - (summary.snatFlows ?? 0);
      totals.set(key, total);
    }
    this.preservedRatio.reset();
    for (const { labels, flows, preserved } of totals.values()) {
      this.preservedRatio.set(labels, preserved / flows);
    }
  }

  private collectNodes(
    gauge: Gauge<'service' | 'namespace' | 'policy'>,
    count: (summary: v1.IServiceSummary) => number,
  ): void {
    const sums = new Sums<'service' | 'namespace' | 'policy'>();
    for (const summary of this.snapshot().summaries) {
      if ((summary.nodes?.length ?? 0) === 0) continue;
      sums.add({ ...this.labelsOf(summary.service), policy: policyName(summary) }, count(summary));
    }
    setGauge(gauge, sums);
  }

  private collectDroppedPackets(): void {
    const sums = new Sums<'service' | 'namespace' | 'node'>();
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
    setGauge(this.droppedPackets, sums);
  }

  private collectFindings(): void {
    const sums = new Sums<'service' | 'namespace' | 'code' | 'severity'>();
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
    setGauge(this.findings, sums);
  }
}

/** "name:port", or "name" for an unnamed port. */
function serviceLabel(name: string, port: string): string {
  return port === '' ? name : `${name}:${port}`;
}

function policyName(summary: v1.IServiceSummary): string {
  const policy = summary.externalTrafficPolicy ?? v1.TrafficPolicy.Cluster;
  return nameOf(v1.TrafficPolicy, policy);
}

/** An enum value's name; the number when this build does not know it (a newer agent). */
function nameOf(names: Readonly<Record<number, string | undefined>>, value: number): string {
  return names[value] ?? String(value);
}

/** Replaces every series of a gauge (series of Services that are gone disappear). */
function setGauge<L extends string>(gauge: Gauge<L>, sums: Sums<L>): void {
  gauge.reset();
  for (const { labels, value } of sums.entries()) gauge.set(labels, value);
}

/** Sets a label-less counter to a total kept elsewhere (prom-client counters have no set). */
function setCounter(counter: Counter, total: number): void {
  counter.reset();
  counter.inc(total);
}
