// Follows conntrack's NEW and DESTROY events through the node reader: parses each line, says when
// the kernel dropped events (ENOBUFS), and restarts the stream with backoff when it dies. What the
// events mean (classify, track, close) is the pipeline's business.
import type { Logger } from 'pino';
import { Backoff, DEFAULT_BACKOFF, type BackoffConfig } from './export/backoff.js';
import type { AgentMetrics } from './metrics.js';
import type { InputProblem } from './snapshot.js';
import {
  ConntrackParseError,
  parseConntrackLine,
  type ConntrackEntry,
} from './sources/conntrack.js';
import type { RunningTool } from './sources/exec.js';
import type { NodeReader } from './sources/node-reader.js';

/** What the event stream tells its owner. */
export interface EventStreamHandlers {
  /** A NEW or DESTROY event. */
  entry(entry: ConntrackEntry): void;
  /** The kernel dropped events (ENOBUFS): only a table read can tell which. */
  lost(): void;
  /** The stream is back after it died: events of the gap are unknown. */
  restarted(): void;
  /** Events cannot be followed on this node (no conntrack tool, or a reader without events). */
  unavailable(reason: string): void;
  problem(problem: InputProblem): void;
}

/** How the stream is run. */
export interface EventStreamConfig {
  /** conntrack's netlink receive buffer (`--buffer-size`), bytes. */
  bufferBytes: number;
  backoff?: BackoffConfig;
}

// conntrack-tools prints "WARNING: We have hit ENOBUFS! We are losing events." (and libnetfilter
// errors name ENOBUFS too) when the socket buffer overflowed: the kernel dropped events.
const LOST_EVENTS = /ENOBUFS|No buffer space available/;
// A stream that ran this long was healthy: the next failure starts the backoff over.
const HEALTHY_RUN_MS = 30_000;
const SOURCE = 'conntrack -E';

/** `conntrack -E -e NEW,DESTROY -o extended,id`, kept running. start() then stop(). */
export class ConntrackEventStream {
  private running: RunningTool | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private stopped = true;
  private lineNumber = 0;
  private readonly backoff: Backoff;

  constructor(
    private readonly reader: NodeReader,
    private readonly config: EventStreamConfig,
    private readonly handlers: EventStreamHandlers,
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
  ) {
    this.backoff = new Backoff(config.backoff ?? DEFAULT_BACKOFF);
  }

  /** Starts following events; false (and `unavailable` called) when this reader has none. */
  start(): boolean {
    if (!this.reader.conntrackEvents) {
      this.handlers.unavailable('this node reader has no conntrack events');
      return false;
    }
    this.stopped = false;
    this.follow(false);
    return true;
  }

  /** Stops the stream (and a pending restart) and waits for the tool to exit. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.restartTimer) clearTimeout(this.restartTimer);
    const running = this.running;
    running?.stop();
    await running?.done;
  }

  private follow(restart: boolean): void {
    const follow = this.reader.conntrackEvents?.bind(this.reader);
    if (!follow || this.stopped) return;
    const startedAt = Date.now();
    const running = follow(
      {
        line: (line) => {
          this.onLine(line);
        },
        stderrLine: (line) => {
          if (LOST_EVENTS.test(line)) this.onLost();
        },
        overlong: (error) => {
          this.handlers.problem(error);
        },
      },
      { bufferBytes: this.config.bufferBytes },
    );
    this.running = running;
    if (restart) this.handlers.restarted();
    void running.done.then((error) => {
      if (this.stopped) return;
      this.running = null;
      if (error?.failure === 'missing') {
        this.handlers.unavailable(error.message);
        return;
      }
      if (error) this.metrics.toolFailures.inc({ tool: error.tool, failure: error.failure });
      if (Date.now() - startedAt >= HEALTHY_RUN_MS) this.backoff.reset();
      const delayMs = this.backoff.next();
      this.metrics.eventStreamRestarts.inc();
      this.log.warn(
        { detail: error?.message ?? 'exited', restartInMs: delayMs },
        'conntrack -E stopped; restarting it, then reading the table again',
      );
      this.restartTimer = setTimeout(() => {
        this.restartTimer = null;
        this.follow(true);
      }, delayMs);
    });
  }

  private onLine(line: string): void {
    this.lineNumber++;
    let entry: ConntrackEntry | null;
    try {
      entry = parseConntrackLine(line, this.lineNumber, SOURCE);
    } catch (error) {
      if (!(error instanceof ConntrackParseError)) throw error;
      this.handlers.problem(error);
      return;
    }
    if (entry === null) {
      // The tool's own ENOBUFS warning may come on stdout, where the parser skips it.
      if (LOST_EVENTS.test(line)) this.onLost();
      return;
    }
    if (entry.event === null) return;
    if (entry.event === 'NEW') this.metrics.events.add(0);
    else if (entry.event === 'DESTROY') this.metrics.events.add(1);
    else this.metrics.eventsReceived.inc({ type: entry.event });
    this.handlers.entry(entry);
  }

  private onLost(): void {
    this.metrics.lostEvents.inc();
    this.handlers.lost();
  }
}
