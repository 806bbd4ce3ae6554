// The agent's health, for Kubernetes probes. Liveness asks "is the agent still reading the node?":
// a recent poll that read the rules and every conntrack table it needed. Readiness adds "do its
// records reach the collector?": a connected stream, or an outage short enough that the spool
// still holds everything. Each answer that is not ok says why.

/** One health answer: ok, or the reason it is not. */
export type HealthStatus = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** What the exporter tells about the stream to the collector. */
export interface ExportState {
  /** A stream is open and its hello was acknowledged. */
  readonly connected: boolean;
  /** Since when (ms since the epoch) no stream has been connected; meaningless while connected. */
  readonly disconnectedSinceMs: number;
  /** The spool holds its bound of records: the oldest unacknowledged ones are being dropped. */
  readonly spoolFull: boolean;
}

/** Where the health checks read their facts. */
export interface HealthSources {
  /** When the last good poll ended (ms since the epoch), or null before the first. */
  lastGoodPollAtMs(): number | null;
  /** The stream's state; null when records go to stdout (nothing to be ready for). */
  exportState: (() => ExportState) | null;
}

/** Health bounds. */
export interface HealthConfig {
  /** When the agent started: the first poll is given maxPollAgeMs from here. */
  readonly startedAtMs: number;
  /** Longest time without a good poll before liveness fails. */
  readonly maxPollAgeMs: number;
  /** Longest collector outage before readiness fails, even with room in the spool. */
  readonly maxDisconnectedMs: number;
}

// A poll can take a tool's whole timeout (30 s) before it fails: a window shorter than that would
// call an agent dead for one slow poll. Past it, five missed intervals.
const MIN_POLL_AGE_MS = 30_000;
const POLL_AGE_INTERVALS = 5;
/** Collector outages shorter than this are reconnects and rollouts, not a reason to be unready. */
export const DEFAULT_MAX_DISCONNECTED_MS = 60_000;

/** The liveness window for a poll interval: five intervals, at least 30 s. */
export function maxPollAgeFor(pollIntervalMs: number): number {
  return Math.max(MIN_POLL_AGE_MS, POLL_AGE_INTERVALS * pollIntervalMs);
}

// Tenths of a second: a limit of 200 ms must not read as "0 s".
const seconds = (ms: number): string => `${Math.round(ms / 100) / 10} s`;

/** Answers the probes from the pipeline's and the exporter's state. */
export class AgentHealth {
  constructor(
    private readonly sources: HealthSources,
    private readonly config: HealthConfig,
    private readonly now: () => number = Date.now,
  ) {}

  /** Liveness: a good poll within maxPollAgeMs (counted from the start before the first). */
  liveness(): HealthStatus {
    const last = this.sources.lastGoodPollAtMs();
    const age = this.now() - (last ?? this.config.startedAtMs);
    if (age <= this.config.maxPollAgeMs) return { ok: true };
    const what = last === null ? 'no good poll since the start' : 'no good poll';
    return {
      ok: false,
      reason:
        `${what} ${seconds(age)} ago (limit ${seconds(this.config.maxPollAgeMs)}): ` +
        'the rules or the conntrack table could not be read (see snatscope_agent_tool_failures_total)',
    };
  }

  /** Readiness: live, and the collector connected or out for a short while with room in the spool. */
  readiness(): HealthStatus {
    const live = this.liveness();
    if (!live.ok || this.sources.exportState === null) return live;
    const state = this.sources.exportState();
    if (state.connected) return { ok: true };
    const outage = this.now() - state.disconnectedSinceMs;
    if (state.spoolFull) {
      return {
        ok: false,
        reason: `collector not connected for ${seconds(outage)} and the spool is full: dropping the oldest records`,
      };
    }
    if (outage > this.config.maxDisconnectedMs) {
      return {
        ok: false,
        reason: `collector not connected for ${seconds(outage)} (limit ${seconds(this.config.maxDisconnectedMs)})`,
      };
    }
    return { ok: true };
  }
}
