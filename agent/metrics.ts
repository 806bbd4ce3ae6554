// The agent's self-metrics (prom-client), defined in one place. Never a client IP as a label.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { ListWatchCounters } from './kube/list-watch.js';
import type { KubeApiReader, KubeApiState } from './kube/reader.js';

const KUBE_API_STATES: readonly KubeApiState[] = ['disabled', 'syncing', 'synced', 'failing'];

/**
 * Fixed label sets of a counter counted in plain numbers on the hot path (every event, every
 * record) and added to the counter when it is collected: prom-client hashes the labels on every
 * inc(), which cost more than the rest of counting an event.
 */
export class HotCounts<L extends string> {
  private readonly pending: Float64Array;

  constructor(
    private readonly counter: Counter<L>,
    private readonly labelSets: readonly Partial<Record<L, string>>[],
  ) {
    this.pending = new Float64Array(labelSets.length);
  }

  /** Counts `value` for the label set at `slot`. */
  add(slot: number, value = 1): void {
    this.pending[slot] = (this.pending[slot] ?? 0) + value;
  }

  /** Adds what was counted to the counter. */
  publish(): void {
    this.labelSets.forEach((labels, slot) => {
      const value = this.pending[slot] ?? 0;
      if (value === 0) return;
      this.counter.inc(labels, value);
      this.pending[slot] = 0;
    });
  }
}

/** The flowRecords slot of a record. */
export function recordSlot(backend: boolean, phase: 'open' | 'closed'): number {
  return (backend ? 2 : 0) + (phase === 'closed' ? 1 : 0);
}

/** Every metric the agent exports. */
export class AgentMetrics {
  readonly registry = new Registry();
  readonly pollDuration = new Histogram({
    name: 'snatscope_agent_poll_duration_seconds',
    help: 'Time of one poll: read rules and conntrack, parse, classify.',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly conntrackEntries = new Gauge({
    name: 'snatscope_agent_conntrack_entries',
    help: 'Conntrack lines read in the last poll, per family.',
    labelNames: ['family'],
    registers: [this.registry],
  });
  readonly servicePorts = new Gauge({
    name: 'snatscope_agent_service_ports',
    help: 'Service ports in the kube-proxy model of the last poll.',
    registers: [this.registry],
  });
  readonly trackedFlows = new Gauge({
    name: 'snatscope_agent_tracked_flows',
    help: 'Entry and backend flows currently open.',
    registers: [this.registry],
  });
  readonly recordsEmitted = new Counter({
    name: 'snatscope_agent_records_emitted_total',
    help: 'Records emitted, by kind (flow, backend, service) and phase (open, closed).',
    labelNames: ['kind', 'phase'],
    registers: [this.registry],
    collect: () => {
      this.flowRecords.publish();
    },
  });
  /** Flow and backend records emitted (hot path): slot recordSlot(kind, phase). */
  readonly flowRecords = new HotCounts(this.recordsEmitted, [
    { kind: 'flow', phase: 'open' },
    { kind: 'flow', phase: 'closed' },
    { kind: 'backend', phase: 'open' },
    { kind: 'backend', phase: 'closed' },
  ]);
  /** Called when serviceFlows is collected: adds the counts gathered since (hot path: no hashing). */
  addPendingServiceFlows: () => void = () => undefined;
  readonly serviceFlows = new Counter({
    name: 'snatscope_agent_service_flows_total',
    help:
      'New flows per Service port (namespace/name:port/protocol), kind (flow, backend) and cause ' +
      '(entry flows): every flow, also while records are sampled.',
    labelNames: ['service', 'kind', 'cause'],
    registers: [this.registry],
    collect: () => {
      this.addPendingServiceFlows();
    },
  });
  readonly sampleRate = new Gauge({
    name: 'snatscope_agent_sample_rate',
    help: 'Flow records are reported 1 in this many under overload (--max-flow-rate); 1: all.',
    registers: [this.registry],
  });
  readonly flowsSampledOut = new Counter({
    name: 'snatscope_agent_flows_sampled_out_total',
    help: 'New flows counted but not reported as records while sampling, by kind.',
    labelNames: ['kind'],
    registers: [this.registry],
  });
  readonly parseErrors = new Counter({
    name: 'snatscope_agent_parse_errors_total',
    help: 'Input lines or documents that could not be parsed, by source.',
    labelNames: ['source'],
    registers: [this.registry],
  });
  readonly toolFailures = new Counter({
    name: 'snatscope_agent_tool_failures_total',
    help: 'Failed tool runs, by tool and failure (missing, timeout, exit, output-cap, signal).',
    labelNames: ['tool', 'failure'],
    registers: [this.registry],
  });
  readonly lostEvents = new Counter({
    name: 'snatscope_agent_lost_events_total',
    help: 'conntrack -E reports of lost events (ENOBUFS); each starts a reconciliation.',
    registers: [this.registry],
  });
  readonly eventsReceived = new Counter({
    name: 'snatscope_agent_conntrack_events_total',
    help: 'conntrack -E events received, by type (NEW, DESTROY).',
    labelNames: ['type'],
    registers: [this.registry],
    collect: () => {
      this.events.publish();
    },
  });
  /** conntrack -E events (hot path): slot 0 NEW, 1 DESTROY. */
  readonly events = new HotCounts(this.eventsReceived, [{ type: 'NEW' }, { type: 'DESTROY' }]);
  readonly eventStreamRestarts = new Counter({
    name: 'snatscope_agent_event_stream_restarts_total',
    help: 'Times conntrack -E died and was started again.',
    registers: [this.registry],
  });
  readonly reconciliations = new Counter({
    name: 'snatscope_agent_reconciliations_total',
    help: 'Full conntrack table reads in events mode, by reason (start, lost-events, restart, timer, retry).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly tablesFollowed = new Gauge({
    name: 'snatscope_agent_tables_followed',
    help: '1 while rule and address changes are followed (nft monitor, ip monitor); 0 while they are read periodically.',
    registers: [this.registry],
  });
  readonly tablesFallbacks = new Counter({
    name: 'snatscope_agent_tables_fallbacks_total',
    help: 'Times the agent fell back to reading rules and addresses periodically (legacy iptables backend, no nft, a change stream that ended).',
    registers: [this.registry],
  });
  readonly tablesReads = new Counter({
    name: 'snatscope_agent_tables_reads_total',
    help: 'Reads of the rules and addresses, by reason (first, armed, change, counters, safety, periodic).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly tableEvents = new Counter({
    name: 'snatscope_agent_table_events_total',
    help: 'Lines of the change streams, by tool (nft, ip) and kind (change, ignored, generation, lost).',
    labelNames: ['tool', 'kind'],
    registers: [this.registry],
  });
  readonly polls = new Counter({
    name: 'snatscope_agent_polls_total',
    help: 'Polls run (rules, and conntrack too without events), by trigger (timer).',
    labelNames: ['trigger'],
    registers: [this.registry],
  });
  readonly exportMessages = new Counter({
    name: 'snatscope_agent_export_messages_total',
    help: 'Messages to the collector, by type (hello, batch, services) and result (sent, acked, rejected).',
    labelNames: ['type', 'result'],
    registers: [this.registry],
  });
  readonly exportRecordsAcked = new Counter({
    name: 'snatscope_agent_export_records_acked_total',
    help: 'Flow records and service states the collector acknowledged as stored.',
    registers: [this.registry],
  });
  readonly exportRecordsRejected = new Counter({
    name: 'snatscope_agent_export_records_rejected_total',
    help: 'Flow records and service states in messages the collector refused (not retried).',
    registers: [this.registry],
  });
  readonly spoolRecords = new Gauge({
    name: 'snatscope_agent_spool_records',
    help: 'Records waiting in the spool for the collector’s ack.',
    registers: [this.registry],
  });
  readonly spoolMessages = new Gauge({
    name: 'snatscope_agent_spool_messages',
    help: 'Messages waiting in the spool for the collector’s ack.',
    registers: [this.registry],
  });
  readonly spoolDroppedRecords = new Counter({
    name: 'snatscope_agent_spool_dropped_records_total',
    help: 'Records dropped unacknowledged, by reason (full: oldest dropped; superseded: a newer services snapshot replaced it; unreadable: bad file on disk; oversize: one record or services snapshot larger than the message bound).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly spoolDroppedMessages = new Counter({
    name: 'snatscope_agent_spool_dropped_messages_total',
    help: 'Messages dropped unacknowledged, by reason (full, superseded, unreadable, oversize).',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly spoolDiskErrors = new Counter({
    name: 'snatscope_agent_spool_disk_errors_total',
    help: 'Failed spool file operations, by operation (write, delete, read); the spool stays in memory.',
    labelNames: ['operation'],
    registers: [this.registry],
  });
  readonly collectorConnected = new Gauge({
    name: 'snatscope_agent_collector_connected',
    help: '1 while a stream to the collector is open and its hello was acknowledged.',
    registers: [this.registry],
  });
  readonly collectorTarget = new Gauge({
    name: 'snatscope_agent_collector_target_connected',
    help: 'Per configured collector target: 1 while the stream to it is open and its hello was acknowledged.',
    labelNames: ['collector'],
    registers: [this.registry],
  });
  readonly exportFailovers = new Counter({
    name: 'snatscope_agent_export_failovers_total',
    help: 'Times a stream ended and the next stream went to another configured collector target.',
    registers: [this.registry],
  });
  readonly exportErrors = new Counter({
    name: 'snatscope_agent_export_errors_total',
    help: 'Collector streams that ended in an error, by gRPC status name (or "setup": token or TLS files unreadable).',
    labelNames: ['code'],
    registers: [this.registry],
  });
  readonly exportReconnects = new Counter({
    name: 'snatscope_agent_export_reconnects_total',
    help: 'Streams opened again after the previous one ended.',
    registers: [this.registry],
  });
  readonly ackLatency = new Histogram({
    name: 'snatscope_agent_ack_latency_seconds',
    help: 'Time from sending a message to the collector’s ack of it.',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly socketTracer = new Gauge({
    name: 'snatscope_agent_socket_tracer',
    help: 'The eBPF socket tracer: 1 for its current state (off, starting, attached, unavailable) and, when unavailable, why (no-bpftrace, no-tracefs, no-permission, no-btf, exited).',
    labelNames: ['state', 'reason'],
    registers: [this.registry],
  });
  readonly socketEvents = new Counter({
    name: 'snatscope_agent_socket_events_total',
    help: 'Passive TCP opens and their joins to records: joined (socket first), late (record re-sent with it), kept (waiting for its record), not-local (not an endpoint of this node).',
    labelNames: ['result'],
    registers: [this.registry],
  });
  readonly socketMismatches = new Counter({
    name: 'snatscope_agent_socket_mismatch_total',
    help: 'Backend sockets whose peer is not the source conntrack saw: something rewrote it after conntrack.',
    registers: [this.registry],
  });
  // The Kubernetes API reader keeps its own counts; these read them at each scrape.
  private kubeApi: KubeApiReader | null = null;
  readonly kubeApiState = new Gauge({
    name: 'snatscope_agent_kube_api_state',
    help: 'The Kubernetes API reader’s state: 1 for the current one (disabled, syncing, synced, failing).',
    labelNames: ['state'],
    registers: [this.registry],
    collect: () => {
      const current = this.kubeApi?.status().state ?? 'disabled';
      for (const state of KUBE_API_STATES) {
        this.kubeApiState.set({ state }, state === current ? 1 : 0);
      }
    },
  });
  readonly kubeApiObjects = new Gauge({
    name: 'snatscope_agent_kube_api_objects',
    help: 'Objects the Kubernetes API reader keeps (trimmed), by resource.',
    labelNames: ['resource'],
    registers: [this.registry],
    collect: () => {
      for (const [resource, count] of this.kubeApi?.objectCounts() ?? []) {
        this.kubeApiObjects.set({ resource }, count);
      }
    },
  });
  readonly kubeApiEvents = new Counter({
    name: 'snatscope_agent_kube_api_events_total',
    help: 'Kubernetes API list/watch activity, by resource and event (lists, list_pages, watches, watch_restarts, gone: 410 relists, bookmarks, events, errors, malformed, resyncs).',
    labelNames: ['resource', 'event'],
    registers: [this.registry],
    collect: () => {
      // Mirrors the reader's monotonic counts: reset, then the totals.
      this.kubeApiEvents.reset();
      for (const [resource, counters] of this.kubeApi?.counters() ?? []) {
        for (const [event, value] of Object.entries(counters) as [
          keyof ListWatchCounters,
          number,
        ][]) {
          this.kubeApiEvents.inc({ resource, event: snakeCase(event) }, value);
        }
      }
    },
  });

  /** Exposes a Kubernetes API reader's state, object counts and counters. */
  observeKubeApi(reader: KubeApiReader): void {
    this.kubeApi = reader;
  }
}

function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}
