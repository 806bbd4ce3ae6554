// When the agent reads the node's rules and addresses again. A read is five tool runs and a model
// rebuild (megabytes of rules with thousands of Services), while the tables change only when
// kube-proxy syncs or an address moves. So the agent follows `nft monitor` and `ip monitor`
// (NodeReader.followTableChanges): a change marks the tables dirty, and the next poll re-reads
// them once the burst is over; a slow safety refresh catches what no event shows (an IPVS real
// server removed after its graceful termination). Drop rules' counters change without any event:
// while the node has such rules, the tables are read on the short period as before. Where the streams cannot see the
// rules (iptables-legacy backend, no nft, a stream that died) it reads on a short period as before,
// and says so once.
import type { Logger } from 'pino';
import type { AgentMetrics } from './metrics.js';
import type { NodeReader, TableFollower } from './sources/node-reader.js';
import type { TableEvent } from './sources/table-monitor.js';

/** How often the tables are read, per mode. */
export interface TablesFreshnessConfig {
  /** While following changes: read at least this often anyway (`--tables-refresh`). */
  safetyRefreshMs: number;
  /** Where changes cannot be followed: read this often (the agent's behaviour before following). */
  periodicRefreshMs: number;
  /** After a change, wait until no other came for this long: one kube-proxy sync, one read. */
  quietMs: number;
  /** …but no longer than this after the first change of a burst. */
  maxDelayMs: number;
  /**
   * Reads for changes are at least this far apart: kube-proxy syncs as often as every second
   * under endpoint churn (`--iptables-min-sync-period`, 1 s), and each sync rewrites
   * KUBE-SERVICES whole, so following must never read more often than the periodic reads did.
   */
  minChangeGapMs: number;
  /**
   * The streams subscribe some time after they start: a read that began sooner is done again
   * once this long has passed, so a change in between is not missed.
   */
  armMs: number;
}

/** Defaults: a read at most 5 minutes old, or 10 s where changes cannot be followed. */
export const DEFAULT_TABLES_FRESHNESS: Readonly<TablesFreshnessConfig> = Object.freeze({
  safetyRefreshMs: 5 * 60_000,
  periodicRefreshMs: 10_000,
  quietMs: 200,
  maxDelayMs: 2_000,
  minChangeGapMs: 10_000,
  armMs: 1_000,
});

/** Why the tables are read (a metric label). */
export type TablesReadReason = 'first' | 'change' | 'safety' | 'periodic' | 'armed' | 'counters';

/** Decides when the tables are read again. Does nothing until start(); stop() ends the streams. */
export class TablesFreshness {
  private follower: TableFollower | null = null;
  private stopping = false;
  private fallbackReason: string | null = null;
  private startedAt: number | null = null;
  private lastReadAt: number | null = null;
  // Changes seen, and how many of them the last read saw (it began after them).
  private changes = 0;
  private changesRead = 0;
  private firstUnreadChangeAt = 0;
  private lastChangeAt = 0;
  private generation: number | null = null;
  private countersWatched = false;

  constructor(
    private readonly reader: Pick<NodeReader, 'followTableChanges'>,
    private readonly config: TablesFreshnessConfig,
    private readonly now: () => number,
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
  ) {}

  /** Starts following changes, or falls back to periodic reads when that is not possible. */
  start(): void {
    this.stopping = false;
    this.startedAt = this.now();
    if (!this.reader.followTableChanges) {
      this.fallBack('this node reader cannot follow rule and address changes');
      return;
    }
    const follower = this.reader.followTableChanges({
      event: (event, tool) => {
        this.onEvent(event, tool);
      },
      overlong: () => {
        // A line too long to read is still a change.
        this.onEvent({ kind: 'change', what: 'over-long line' }, 'nft');
      },
    });
    this.follower = follower;
    this.metrics.tablesFollowed.set(1);
    void follower.done.then((error) => {
      if (this.stopping) return;
      if (error) this.metrics.toolFailures.inc({ tool: error.tool, failure: error.failure });
      this.fallBack(
        error ? `a change stream failed: ${error.message}` : 'a change stream ended by itself',
      );
    });
  }

  /** Stops the change streams. */
  async stop(): Promise<void> {
    this.stopping = true;
    const follower = this.follower;
    this.follower = null;
    follower?.stop();
    await follower?.done;
  }

  /** Whether changes are followed (else tables are read on the periodic refresh). */
  get following(): boolean {
    return this.fallbackReason === null && this.follower !== null;
  }

  /** Why the tables must be read again now, or null when the last read is still good. */
  readReason(): TablesReadReason | null {
    const now = this.now();
    if (this.lastReadAt === null) return 'first';
    const age = now - this.lastReadAt;
    // Which backend holds the rules is known only after a read: asked each time.
    const blindSpot = this.follower?.blindSpot() ?? null;
    if (blindSpot !== null) this.fallBack(blindSpot);
    if (!this.following) {
      return age >= Math.min(this.config.periodicRefreshMs, this.config.safetyRefreshMs)
        ? 'periodic'
        : null;
    }
    if (age >= this.config.safetyRefreshMs) return 'safety';
    const armedAt = (this.startedAt ?? 0) + this.config.armMs;
    if (this.lastReadAt < armedAt && now >= armedAt) return 'armed';
    if (this.changes !== this.changesRead && age >= this.config.minChangeGapMs) {
      const quiet = now - this.lastChangeAt >= this.config.quietMs;
      const late = now - this.firstUnreadChangeAt >= this.config.maxDelayMs;
      if (quiet || late) return 'change';
    }
    if (this.countersWatched && age >= this.config.periodicRefreshMs) return 'counters';
    return null;
  }

  /** Call as a read of the tables begins: it sees every change made before now. */
  reading(reason: TablesReadReason): void {
    this.lastReadAt = this.now();
    this.changesRead = this.changes;
    this.metrics.tablesReads.inc({ reason });
    this.log.debug({ reason }, 'reading rules and addresses');
  }

  /**
   * Whether the tables last read hold "has no local endpoints" drop rules: their packet counters
   * (service records' noLocalEndpointDrops) change with no commit to tell of it, so the tables are
   * then read on the periodic refresh as before.
   */
  watchCounters(watched: boolean): void {
    this.countersWatched = watched;
  }

  private onEvent(event: TableEvent, tool: 'nft' | 'ip'): void {
    this.metrics.tableEvents.inc({ tool, kind: event.kind });
    if (event.kind === 'ignored') return;
    if (event.kind === 'generation') {
      // One generation per nf_tables commit: a gap is a commit whose lines never came.
      const previous = this.generation;
      this.generation = event.generation;
      if (previous === null || event.generation === previous + 1) return;
      this.log.warn(
        { previous, generation: event.generation },
        'nft monitor skipped a ruleset generation; reading the rules again',
      );
    } else if (event.kind === 'lost') {
      this.log.warn({ tool }, 'the change stream lost events; reading the rules again');
    }
    const now = this.now();
    if (this.changes === this.changesRead) this.firstUnreadChangeAt = now;
    this.lastChangeAt = now;
    this.changes++;
  }

  /** Periodic reads from now on; said once. */
  private fallBack(reason: string): void {
    if (this.fallbackReason !== null) return;
    this.fallbackReason = reason;
    // Streams that cannot tell of every change only cost: stopped (stop() still awaits them).
    this.follower?.stop();
    this.metrics.tablesFollowed.set(0);
    this.metrics.tablesFallbacks.inc();
    this.log.warn(
      { reason, periodicRefreshMs: this.config.periodicRefreshMs },
      'cannot follow rule and address changes; reading them periodically',
    );
  }
}
