// The live agent: sources → classify → tracker → sink, wired in one place. Polls on a timer; a
// `conntrack -E` event stream, when enabled, only makes the next poll come sooner (events get lost
// under load; polling stays the source of truth).
import type { Logger } from 'pino';
import { serviceKey } from '../proto/identity.js';
import { v1 } from '../proto/index.js';
import { proxyMode } from './classify.js';
import { FlowTracker, flowKey } from './flow-tracker.js';
import type { AgentMetrics } from './metrics.js';
import { pollNode, type NodeTables, type PollConfig } from './poll.js';
import type { RunningTool } from './sources/exec.js';
import type { NodeReader } from './sources/node-reader.js';
import type { InputProblem } from './snapshot.js';
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
  pollIntervalMs: number;
  /** Listen to `conntrack -E` to poll sooner after new or ended connections. */
  events: boolean;
  /**
   * While rule and address changes are followed, they are read at least this often anyway;
   * periodic reads (where they cannot be followed) are never further apart than this either.
   */
  tablesRefreshMs?: number;
  /** Follow nft monitor and ip monitor (default true); false: read every 10 s as before. */
  followTables?: boolean;
}

// After an event, wait this long for more before polling: bursts come together.
const EVENT_DEBOUNCE_MS = 100;
// Events never bring polls closer together than this, so a busy node is not polled in a loop.
const MIN_EVENT_POLL_GAP_MS = 500;

/** The continuous agent. Does nothing until start(); stop() ends it cleanly. */
export class AgentPipeline {
  private readonly tracker = new FlowTracker();
  // The last set of Service ports sent, by key, as JSON text to compare the next poll's with; null
  // until the first is sent, so even an empty first set goes out (Services may have been deleted
  // while the agent was down, and the collector still holds them).
  private lastServices: Map<string, string> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = 0;
  private lastPollEnd = 0;
  private tables: NodeTables | null = null;
  // When to read rules and addresses again: a read costs five process spawns and a model rebuild,
  // while conntrack is read every poll.
  private readonly freshness: TablesFreshness;
  private running: Promise<void> | null = null;
  private lastGoodPollAt: number | null = null;
  private stopped = true;
  private events: RunningTool | null = null;
  private polled: () => void = () => undefined;
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
  }

  /** Starts polling (and the event stream when configured). */
  start(): void {
    this.stopped = false;
    this.freshness.start();
    if (this.config.events) this.startEvents();
    this.schedule(0, 'timer');
  }

  /** Stops polling, waits for a poll in flight, and stops the event stream. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.events?.stop();
    await this.events?.done;
    await this.freshness.stop();
    await this.running;
  }

  /** The proxy mode the node's rules show (iptables until rules were read). */
  get proxyMode(): v1.ProxyMode {
    return this.tables ? proxyMode(this.tables.model) : v1.ProxyMode.iptables;
  }

  /** When the last good poll (rules and every needed conntrack table read) ended, or null. */
  get lastGoodPollAtMs(): number | null {
    return this.lastGoodPollAt;
  }

  /** Runs one poll now: emits new flows, closed flows and changed service states. */
  async pollOnce(trigger: 'timer' | 'event'): Promise<void> {
    const now = Date.now() / 1000;
    const end = this.metrics.pollDuration.startTimer();
    const metrics = this.metrics;
    const readReason = this.tables ? this.freshness.readReason() : 'first';
    const reuse = readReason === null && this.tables ? this.tables : undefined;
    if (readReason !== null) this.freshness.reading(readReason);
    const result = await pollNode(
      this.reader,
      this.config,
      {
        services: (states) => {
          this.emitServicesIfChanged(states);
        },
        isKnown: (entry) => this.tracker.touch(flowKey(entry)),
        record: (record, entry) => {
          this.tracker.add(flowKey(entry), record.kind ?? v1.FlowRecord.Kind.flow);
          this.emitFlow(record, 'open');
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
      this.tables = result.tables;
      this.freshness.watchCounters(
        result.tables.model.services.some((service) => service.dropsWithoutLocalEndpoints),
      );
    }
    // Good: the poll saw the rules and every conntrack table it needed, so its records are whole.
    if (result.tables.rulesRead && result.complete) this.lastGoodPollAt = Date.now();
    for (const record of this.tracker.endPoll(result.complete, this.config.nodeName, now)) {
      this.emitFlow(record, 'closed');
    }
    for (const family of ['ipv4', 'ipv6'] as const) {
      const lines = result.conntrackLines[family];
      if (lines !== null) metrics.conntrackEntries.set({ family }, lines);
    }
    metrics.servicePorts.set(result.servicePorts);
    metrics.trackedFlows.set(this.tracker.size);
    metrics.polls.inc({ trigger });
    this.sink.flush();
    end();
  }

  private emitFlow(record: v1.IFlowRecord, phase: 'open' | 'closed'): void {
    const kind = record.kind === v1.FlowRecord.Kind.backend ? 'backend' : 'flow';
    this.metrics.recordsEmitted.inc({ kind, phase });
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
    this.metrics.recordsEmitted.inc({ kind: 'service', phase: 'open' }, changed.length);
    this.metrics.recordsEmitted.inc({ kind: 'service', phase: 'closed' }, removed);
    this.sink.services(states, changed);
  }

  /** Counts and logs a bad line or document; the poll goes on without it. */
  private reportProblem(problem: InputProblem): void {
    const { source, lineNumber, text, reason } = problem;
    this.metrics.parseErrors.inc({ source: source.split(' ')[0] ?? source });
    this.log.warn({ problem: { source, lineNumber, text, reason } }, 'skipped bad input');
  }

  private schedule(delayMs: number, trigger: 'timer' | 'event'): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.run(trigger);
    }, delayMs);
  }

  private async run(trigger: 'timer' | 'event'): Promise<void> {
    if (this.running) return;
    this.running = this.pollOnce(trigger).catch((error: unknown) => {
      this.log.error({ err: error }, 'poll failed');
    });
    await this.running;
    this.running = null;
    this.polled();
    this.lastPollEnd = Date.now();
    this.schedule(this.config.pollIntervalMs, 'timer');
  }

  /** Brings the next poll forward after an event, within the debounce and the minimum gap. */
  private pollSooner(): void {
    if (this.running || !this.timer) return;
    const now = Date.now();
    const due = Math.max(now + EVENT_DEBOUNCE_MS, this.lastPollEnd + MIN_EVENT_POLL_GAP_MS);
    if (due < this.timerDue) this.schedule(due - now, 'event');
  }

  private startEvents(): void {
    if (!this.reader.conntrackEvents) {
      this.log.warn('this node reader has no conntrack events; polling alone');
      return;
    }
    this.events = this.reader.conntrackEvents({
      line: () => {
        this.pollSooner();
      },
      stderrLine: (line) => {
        if (line.includes('ENOBUFS')) {
          this.metrics.lostEvents.inc();
          this.log.warn('conntrack -E lost events (ENOBUFS); polling still sees every flow');
        }
      },
      overlong: (error) => {
        this.reportProblem(error);
      },
    });
    void this.events.done.then((error) => {
      if (error) {
        this.metrics.toolFailures.inc({ tool: error.tool, failure: error.failure });
        this.log.warn({ detail: error.message }, 'conntrack -E stopped; polling goes on');
      }
    });
  }
}
