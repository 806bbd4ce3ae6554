// The live agent: sources → classify → tracker → sink, wired in one place. With events (the
// default) conntrack's NEW and DESTROY events are the source: NEW is classified and reported open,
// DESTROY reported closed. A full table read is then only a reconciliation — at start, after lost
// events, after the stream restarted, and on a slow timer — that finds the flows whose events were
// lost. Without events every poll reads the whole table. Rules and addresses are read on a timer
// in both modes.
import type { Logger } from 'pino';
import { serviceKey } from '../proto/identity.js';
import { v1 } from '../proto/index.js';
import { proxyMode } from './classify.js';
import { ConntrackEventStream } from './event-stream.js';
import { FlowTracker, closedRecord, flowKey } from './flow-tracker.js';
import { recordSlot, type AgentMetrics } from './metrics.js';
import {
  pollFlows,
  viewNode,
  type NodeTables,
  type NodeViewResult,
  type PollConfig,
} from './poll.js';
import type { ConntrackEntry } from './sources/conntrack.js';
import type { NodeReader } from './sources/node-reader.js';
import type { InputProblem } from './snapshot.js';
import { FlowSampler, type SamplerListener } from './sampler.js';
import { ServiceFlowCounts } from './service-flow-counts.js';
import { DEFAULT_TABLES_FRESHNESS, TablesFreshness } from './tables-freshness.js';

/** Where the pipeline's records go: NDJSON on stdout, or the gRPC exporter (agent/export/). */
export interface RecordSink {
  /**
   * After a poll in which the node's Service ports changed: `all` is the complete set (a port
   * that is gone is absent from it), `changed` the ports that are new or differ.
   */
  services(all: readonly v1.IServiceState[], changed: readonly v1.IServiceState[]): void;
  flow(record: v1.IFlowRecord): void;
  /** Called after every poll: records of one poll go out together. */
  flush(): void;
}

/** Configuration of the continuous agent. */
export interface PipelineConfig extends PollConfig {
  /** Time between polls: rules (when due) and, without events, the conntrack table. */
  pollIntervalMs: number;
  /** Follow `conntrack -E` as the source of flows; the table is read to reconcile only. */
  events: boolean;
  /** With events: the table is read at least this often (default RECONCILE_INTERVAL_MS). */
  reconcileIntervalMs?: number;
  /** conntrack -E's netlink buffer, bytes (default DEFAULT_EVENT_BUFFER_BYTES). */
  eventBufferBytes?: number;
  /**
   * While rule and address changes are followed, they are read at least this often anyway;
   * periodic reads (where they cannot be followed) are never further apart than this either.
   */
  tablesRefreshMs?: number;
  /**
   * New flows per second reported in full; above it 1 in N is reported (default
   * DEFAULT_MAX_FLOW_RATE; 0: never sample).
   */
  maxFlowRate?: number;
  /** Follow nft monitor and ip monitor (default true); false: read every 10 s as before. */
  followTables?: boolean;
}

/** Why the table is read in events mode (the `reason` label of the reconciliations metric). */
export type ReconcileReason = 'start' | 'lost-events' | 'restart' | 'timer' | 'retry';

/**
 * New flows per second reported in full: records cost the agent, its exporter and the collector
 * some 20-50 us each, so a flood of 20,000/s would take a core; above this, 1 in N.
 */
export const DEFAULT_MAX_FLOW_RATE = 2000;
/**
 * 32 MiB (the kernel doubles it). The socket is charged each event's buffer (truesize), more
 * than its ~330 bytes of message: with 8 MiB the bench lost events at 1,000 connections/s on a
 * busy 2-core VM. Kernel memory is used only while events wait.
 */
export const DEFAULT_EVENT_BUFFER_BYTES = 32 * 1024 * 1024;
/** Events find every flow while they are not lost: the timer read is a safety net. */
export const RECONCILE_INTERVAL_MS = 5 * 60_000;
// After a loss or a restart, wait this long before reading the table: losses come in bursts, and
// one read after the burst finds them all.
const RECONCILE_DEBOUNCE_MS = 100;
// Reads asked for by losses are at least this many times their own duration apart: a flood that
// overruns the event buffer again and again costs at most about 1/10 of the reads' CPU more.
const RECONCILE_GAP_FACTOR = 10;
// Records of events go out together this long after the first: one write per event would cost
// more than the event.
const EVENT_FLUSH_MS = 100;
// Bad input lines logged one by one per minute; the rest are counted and summed up in one line.
const PROBLEM_LOG_WINDOW_MS = 60_000;
const PROBLEM_LOGS_PER_WINDOW = 20;
// Events that come before the first rules are read wait for them, up to this many (the start
// reconciliation finds the flows of the others, unless they ended in between).
const MAX_EARLY_EVENTS = 10_000;

/** A DESTROY event seen during a table read, and whether its flow was reported by then. */
interface DestroyedFlow {
  reported: boolean;
  event: ConntrackEntry;
}

/** The continuous agent. Does nothing until start(); stop() ends it cleanly. */
export class AgentPipeline {
  private readonly tracker = new FlowTracker();
  // The last set of Service ports sent, by key, as JSON text to compare the next poll's with; null
  // until the first is sent, so even an empty first set goes out (Services may have been deleted
  // while the agent was down, and the collector still holds them).
  private lastServices: Map<string, string> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = 0;
  private tables: NodeTables | null = null;
  // When to read rules and addresses again: a read costs five process spawns and a model rebuild,
  // while conntrack is read every poll.
  private readonly freshness: TablesFreshness;
  private view: NodeViewResult | null = null;
  private running: Promise<void> | null = null;
  private lastGoodPollAt: number | null = null;
  private stopped = true;
  private readonly stream: ConntrackEventStream | null;
  // Events are the source (the stream runs); false: every poll reads the table.
  private eventsActive = false;
  private readonly reconcileRequests = new Set<ReconcileReason>();
  private lastReconcileAt = 0;
  private lastReconcileMs = 0;
  private lastReconcileComplete = false;
  // Keys of DESTROY events seen while the table is read: the dump may still list such an entry
  // (it was read from the kernel before the event came), which must not reopen the flow.
  private destroyedDuringRead: Map<string, DestroyedFlow> | null = null;
  private earlyEvents: ConntrackEntry[] = [];
  private flushTimer: NodeJS.Timeout | null = null;
  private polled: () => void = () => undefined;
  private problemWindowStart = 0;
  private problemsLogged = 0;
  private problemsUnlogged = 0;
  private readonly sampler: FlowSampler | null;
  private readonly serviceCounts: ServiceFlowCounts;
  /** Resolves when the first poll has ended (read or failed): the proxy mode is known from then. */
  readonly firstPoll = new Promise<void>((resolve) => {
    this.polled = resolve;
  });

  constructor(
    private readonly reader: NodeReader,
    private readonly config: PipelineConfig,
    private readonly sink: RecordSink,
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
  ) {
    const follow = config.followTables ?? true;
    this.freshness = new TablesFreshness(
      follow ? reader : {},
      {
        ...DEFAULT_TABLES_FRESHNESS,
        safetyRefreshMs: config.tablesRefreshMs ?? DEFAULT_TABLES_FRESHNESS.safetyRefreshMs,
      },
      Date.now,
      metrics,
      log.child({ component: 'tables' }),
    );
    this.stream = config.events ? this.eventStream() : null;
    const maxFlowRate = config.maxFlowRate ?? DEFAULT_MAX_FLOW_RATE;
    this.sampler = maxFlowRate > 0 ? new FlowSampler(maxFlowRate, this.samplingLog()) : null;
    metrics.sampleRate.set(1);
    this.serviceCounts = new ServiceFlowCounts(metrics.serviceFlows);
    metrics.addPendingServiceFlows = () => {
      this.serviceCounts.publish();
    };
  }

  /** Starts the event stream (when configured), then polls; the first poll reconciles. */
  start(): void {
    this.stopped = false;
    this.freshness.start();
    if (this.stream?.start()) {
      this.eventsActive = true;
      this.reconcileRequests.add('start');
    }
    this.schedule(0);
  }

  /** Stops polling and the event stream, waits for a poll in flight, sends what is pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.stream?.stop();
    await this.freshness.stop();
    await this.running;
    this.flush();
  }

  /** The proxy mode the node's rules show (iptables until rules were read). */
  get proxyMode(): v1.ProxyMode {
    return this.tables ? proxyMode(this.tables.model) : v1.ProxyMode.iptables;
  }

  /**
   * When the last good poll ended, or null: rules read and, without events, every needed
   * conntrack table; with events, the stream running and the last reconciliation complete.
   */
  get lastGoodPollAtMs(): number | null {
    return this.lastGoodPollAt;
  }

  /**
   * Runs one poll now: reads rules and addresses when due and reports changed Service ports;
   * reads the conntrack table (emitting new and closed flows) without events, or with events when
   * a reconciliation is due.
   */
  async pollOnce(): Promise<void> {
    const now = Date.now() / 1000;
    const end = this.metrics.pollDuration.startTimer();
    const metrics = this.metrics;
    const readReason = this.tables ? this.freshness.readReason() : 'first';
    const reuse = readReason === null && this.tables ? this.tables : undefined;
    if (readReason !== null) this.freshness.reading(readReason);
    const view = await viewNode(
      this.reader,
      this.config,
      {
        services: (states) => {
          this.emitServicesIfChanged(states);
        },
        problem: (problem) => {
          this.reportProblem(problem);
        },
        toolFailure: (error) => {
          metrics.toolFailures.inc({ tool: error.tool, failure: error.failure });
          this.log.warn(
            { tool: error.tool, failure: error.failure, detail: error.detail },
            'tool failed',
          );
        },
      },
      now,
      reuse,
    );
    if (!reuse) {
      this.tables = view.tables;
      this.freshness.watchCounters(
        view.tables.model.services.some((service) => service.dropsWithoutLocalEndpoints),
      );
    }
    this.view = view;
    for (const entry of this.earlyEvents.splice(0)) this.onEvent(entry);
    metrics.servicePorts.set(view.tables.model.services.length);
    if (this.sampler) {
      this.sampler.refresh();
      metrics.sampleRate.set(this.sampler.currentRate);
    }
    const reasons = this.reconcileReasons();
    if (reasons !== null) this.lastReconcileComplete = await this.readTable(view, reasons, now);
    // Good: the poll saw the rules and the flows are whole (read, or followed by events).
    if (view.tables.rulesRead && this.lastReconcileComplete) this.lastGoodPollAt = Date.now();
    metrics.trackedFlows.set(this.tracker.size);
    metrics.polls.inc({ trigger: 'timer' });
    this.flush();
    end();
  }

  /** Asks for a table read soon (events mode): events were lost, or the stream restarted. */
  private requestReconcile(reason: ReconcileReason): void {
    this.reconcileRequests.add(reason);
    if (this.running || !this.timer) return;
    const delay = this.reconcileDelayMs();
    if (this.timerDue > Date.now() + delay) this.schedule(delay);
  }

  /** How soon a requested reconciliation may run: debounced, and spaced by its last duration. */
  private reconcileDelayMs(): number {
    const gap = this.lastReconcileMs * RECONCILE_GAP_FACTOR;
    return Math.max(RECONCILE_DEBOUNCE_MS, this.lastReconcileAt + gap - Date.now());
  }

  /** Why this poll reads the table; null when it does not (events mode, nothing due). */
  private reconcileReasons(): ReconcileReason[] | null {
    if (!this.eventsActive) return [];
    const intervalMs = this.config.reconcileIntervalMs ?? RECONCILE_INTERVAL_MS;
    // The first read is the start one; the timer counts from it.
    const due = this.lastReconcileAt > 0 && Date.now() - this.lastReconcileAt >= intervalMs;
    if (due) this.reconcileRequests.add('timer');
    if (this.reconcileRequests.size === 0) return null;
    // Losses keep for the spaced read; a start, restart or timer read goes now.
    const lossOnly = [...this.reconcileRequests].every((r) => r === 'lost-events' || r === 'retry');
    if (lossOnly && this.reconcileDelayMs() > RECONCILE_DEBOUNCE_MS) return null;
    const reasons = [...this.reconcileRequests];
    // Requests that come during the read are for the next one: the dump may have passed them.
    this.reconcileRequests.clear();
    return reasons;
  }

  /**
   * Reads the whole conntrack table: flows not tracked yet open, tracked flows not listed close.
   * Events keep coming during the read. A NEW one adds its flow to this read (the dump may have
   * passed its slot). A DESTROY one may come before the dump lists the entry (read from the
   * kernel earlier): a flow reported and closed is not reopened by that line, and one never
   * reported (its NEW was lost) is reported open and closed at once. Returns whether every needed
   * table was read.
   */
  private async readTable(
    view: NodeViewResult,
    reasons: readonly ReconcileReason[],
    now: number,
  ): Promise<boolean> {
    for (const reason of reasons) this.metrics.reconciliations.inc({ reason });
    const startedAt = Date.now();
    this.tracker.beginPoll();
    const destroyed = new Map<string, DestroyedFlow>();
    this.destroyedDuringRead = destroyed;
    let result;
    try {
      // The continuous agent reads often and big tables: lines that cannot be flows are skipped.
      const prefilter = { prefilter: true };
      result = await pollFlows(
        this.reader,
        view,
        {
          isKnown: (entry) => {
            const key = flowKey(entry);
            return destroyed.get(key)?.reported === true || this.tracker.touch(key);
          },
          record: (record, entry) => {
            const key = flowKey(entry);
            const ended = destroyed.get(key);
            if (ended) {
              ended.reported = true;
              this.openFlow(key, record, ended.event);
              return;
            }
            this.openFlow(key, record, null);
          },
          problem: (problem) => {
            this.reportProblem(problem);
          },
          toolFailure: (error) => {
            this.metrics.toolFailures.inc({ tool: error.tool, failure: error.failure });
            this.log.warn(
              { tool: error.tool, failure: error.failure, detail: error.detail },
              'tool failed',
            );
          },
        },
        prefilter,
      );
    } finally {
      this.destroyedDuringRead = null;
    }
    for (const record of this.tracker.endPoll(result.complete, this.config.nodeName, now)) {
      this.emitFlow(record, 'closed');
    }
    this.lastReconcileAt = Date.now();
    this.lastReconcileMs = this.lastReconcileAt - startedAt;
    // A failed read found nothing: the events it was for are still unaccounted for.
    if (!result.complete && this.eventsActive) this.reconcileRequests.add('retry');
    for (const family of ['ipv4', 'ipv6'] as const) {
      const lines = result.conntrackLines[family];
      if (lines !== null) this.metrics.conntrackEntries.set({ family }, lines);
    }
    return result.complete;
  }

  /** A NEW event opens a flow (when it is one the agent reports), a DESTROY event closes it. */
  private onEvent(entry: ConntrackEntry): void {
    const view = this.view;
    if (view === null) {
      if (this.earlyEvents.length < MAX_EARLY_EVENTS) this.earlyEvents.push(entry);
      return;
    }
    const key = flowKey(entry);
    const now = Date.now() / 1000;
    if (entry.event === 'NEW') {
      // Listed by a reconciliation already (or a duplicate event).
      if (this.tracker.touch(key)) return;
      entry.eventTime ??= now;
      const record = view.classifier.classify(entry);
      if (!record) return;
      this.openFlow(key, record, null);
    } else if (entry.event === 'DESTROY') {
      const ended = this.tracker.remove(key);
      this.destroyedDuringRead?.set(key, { reported: ended !== null, event: entry });
      if (ended === null || !ended.reported) return;
      this.emitFlow(this.closedFlow(key, ended.kind, ended.incarnation, entry), 'closed');
    } else {
      return;
    }
    this.metrics.trackedFlows.set(this.tracker.size);
    this.flushSoon();
  }

  /**
   * A flow new to the tracker: counted for its Service, tracked, and reported open unless
   * sampling leaves it out. `destroyed`: its DESTROY event came already (a table read listed it
   * late): reported open and closed at once, never tracked.
   */
  private openFlow(key: string, record: v1.IFlowRecord, destroyed: ConntrackEntry | null): void {
    const kind = record.kind ?? v1.FlowRecord.Kind.flow;
    this.serviceCounts.count(record);
    const decision = this.sampler?.admit() ?? null;
    const reported = decision === null || decision.report;
    if (decision !== null) this.metrics.sampleRate.set(decision.rate);
    if (!reported) {
      this.metrics.flowsSampledOut.inc({ kind: kindLabel(kind) });
      if (destroyed === null) this.tracker.add(key, kind, false);
      else this.tracker.openAndClose(key);
      return;
    }
    if (decision !== null && decision.rate > 1) record.sampleRate = decision.rate;
    if (destroyed !== null) {
      const incarnation = this.tracker.openAndClose(key);
      this.emitFlow(withIncarnation(record, incarnation), 'open');
      this.emitFlow(this.closedFlow(key, kind, incarnation, destroyed), 'closed');
      return;
    }
    this.emitFlow(withIncarnation(record, this.tracker.add(key, kind)), 'open');
  }

  /** Says once when sampling starts and once when it ends. */
  private samplingLog(): SamplerListener {
    return {
      started: (rate, flowsPerSecond) => {
        this.log.warn(
          { rate, flowsPerSecond, maxFlowRate: this.config.maxFlowRate ?? DEFAULT_MAX_FLOW_RATE },
          'overload: reporting 1 in N new flows (per-Service counts stay exact)',
        );
      },
      ended: () => {
        this.metrics.sampleRate.set(1);
        this.log.info('overload over: reporting every flow again');
      },
    };
  }

  /** The close record of a flow a DESTROY event ended, with the counters the event carries. */
  private closedFlow(
    key: string,
    kind: v1.FlowRecord.Kind,
    incarnation: number,
    destroy: ConntrackEntry,
  ): v1.IFlowRecord {
    const at = destroy.eventTime ?? Date.now() / 1000;
    const record = closedRecord(key, kind, this.config.nodeName, at, incarnation);
    // Final counters (with nf_conntrack_acct=1).
    if (destroy.originalCounters) record.originalCounters = destroy.originalCounters;
    if (destroy.replyCounters) record.replyCounters = destroy.replyCounters;
    return record;
  }

  private eventStream(): ConntrackEventStream {
    return new ConntrackEventStream(
      this.reader,
      { bufferBytes: this.config.eventBufferBytes ?? DEFAULT_EVENT_BUFFER_BYTES },
      {
        entry: (entry) => {
          this.onEvent(entry);
        },
        lost: () => {
          this.log.warn('conntrack -E lost events (ENOBUFS); reading the table to find them');
          this.requestReconcile('lost-events');
        },
        restarted: () => {
          this.requestReconcile('restart');
        },
        unavailable: (reason) => {
          this.log.warn({ reason }, 'no conntrack events; every poll reads the table');
          this.eventsActive = false;
        },
        problem: (problem) => {
          this.reportProblem(problem);
        },
      },
      this.metrics,
      this.log.child({ component: 'conntrack-events' }),
    );
  }

  private flushSoon(): void {
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.sink.flush();
    }, EVENT_FLUSH_MS);
  }

  private flush(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.sink.flush();
  }

  private emitFlow(record: v1.IFlowRecord, phase: 'open' | 'closed'): void {
    this.metrics.flowRecords.add(recordSlot(record.kind === v1.FlowRecord.Kind.backend, phase));
    this.sink.flow(record);
  }

  private emitServicesIfChanged(states: readonly v1.IServiceState[]): void {
    const current = new Map<string, string>();
    const changed: v1.IServiceState[] = [];
    for (const state of states) {
      const key = serviceKey(state.service, state.protocol ?? '');
      const text = JSON.stringify(state);
      current.set(key, text);
      if (this.lastServices?.get(key) !== text) changed.push(state);
    }
    const first = this.lastServices === null;
    let removed = 0;
    for (const key of this.lastServices?.keys() ?? []) if (!current.has(key)) removed++;
    this.lastServices = current;
    if (!first && changed.length === 0 && removed === 0) return;
    if (removed > 0) this.serviceCounts.retain(new Set(current.keys()));
    this.metrics.recordsEmitted.inc({ kind: 'service', phase: 'open' }, changed.length);
    this.metrics.recordsEmitted.inc({ kind: 'service', phase: 'closed' }, removed);
    this.sink.services(states, changed);
  }

  /** Counts and logs a bad line or document; the poll goes on without it. */
  private reportProblem(problem: InputProblem): void {
    const { source, lineNumber, text, reason } = problem;
    this.metrics.parseErrors.inc({ source: source.split(' ')[0] ?? source });
    // A format the parser does not know can make every event a bad line: a log line each would
    // cost more than the events (and flood the node's logs). The metric counts them all.
    const now = Date.now();
    if (now - this.problemWindowStart >= PROBLEM_LOG_WINDOW_MS) {
      if (this.problemsUnlogged > 0) {
        this.log.warn(
          { skipped: this.problemsUnlogged, metric: 'snatscope_agent_parse_errors_total' },
          'more bad input lines skipped without a log line each',
        );
      }
      this.problemWindowStart = now;
      this.problemsLogged = 0;
      this.problemsUnlogged = 0;
    }
    if (this.problemsLogged >= PROBLEM_LOGS_PER_WINDOW) {
      this.problemsUnlogged++;
      return;
    }
    this.problemsLogged++;
    this.log.warn({ problem: { source, lineNumber, text, reason } }, 'skipped bad input');
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run();
    }, delayMs);
  }

  private async run(): Promise<void> {
    if (this.running) return;
    this.running = this.pollOnce().catch((error: unknown) => {
      this.log.error({ err: error }, 'poll failed');
    });
    await this.running;
    this.running = null;
    this.polled();
    // Losses or a restart during the poll: read again soon, not a whole interval later.
    const soon = this.eventsActive && this.reconcileRequests.size > 0;
    this.schedule(
      soon
        ? Math.min(this.reconcileDelayMs(), this.config.pollIntervalMs)
        : this.config.pollIntervalMs,
    );
  }
}

/** The open record of a flow's later incarnation carries the number; the first carries none. */
function withIncarnation(record: v1.IFlowRecord, incarnation: number): v1.IFlowRecord {
  if (incarnation > 0) record.incarnation = incarnation;
  return record;
}

function kindLabel(kind: v1.FlowRecord.Kind | null | undefined): 'flow' | 'backend' {
  return kind === v1.FlowRecord.Kind.backend ? 'backend' : 'flow';
}
