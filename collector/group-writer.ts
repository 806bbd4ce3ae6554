// Group commit: agent messages that arrive close together are stored in one transaction, so the
// cost of a durable commit (an fsync) is shared by every agent instead of paid per batch. What
// arrives while writes are in flight forms the next one; two in flight let the store thread
// write one while this thread prepares the next.
import type { BackendLink, FlowStore, StoreBatch, WriteOutcome } from './store.js';
import type { CollectorMetrics } from './metrics.js';

/**
 * When to commit: after `maxDelayMs` from the first queued message, or at `maxRecords` queued;
 * at most `maxRecords` per write and `writesInFlight` writes at a time (the store applies them
 * in order; see FlowStore.write).
 */
export interface GroupWriterConfig {
  maxDelayMs: number;
  maxRecords: number;
  writesInFlight: number;
}

interface Pending {
  batch: StoreBatch;
  resolve: (outcome: WriteOutcome) => void;
  reject: (error: Error) => void;
}

/** Queues batches and links and commits them together; each batch learns its own outcome. */
export class GroupWriter {
  private queue: Pending[] = [];
  private links: BackendLink[] = [];
  private queuedRecords = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Store writes in flight; the end of one starts the next when messages queued meanwhile. */
  private writing = 0;
  private idle: (() => void)[] = [];

  constructor(
    private readonly store: FlowStore,
    private readonly metrics: CollectorMetrics,
    private readonly config: GroupWriterConfig,
  ) {}

  /** Queues a batch (and links learned with it); settles when it is durably stored or failed. */
  write(batch: StoreBatch, links: readonly BackendLink[]): Promise<WriteOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ batch, resolve, reject });
      this.links.push(...links);
      this.queuedRecords += recordsOf(batch);
      if (this.queuedRecords >= this.config.maxRecords) this.schedule(0);
      else this.schedule(this.config.maxDelayMs);
    });
  }

  /** Queues links alone (a backend half completing an entry flow stored earlier). */
  link(links: readonly BackendLink[]): void {
    if (links.length === 0) return;
    this.links.push(...links);
    this.schedule(this.config.maxDelayMs);
  }

  /** Commits what is queued now and resolves when the queue is empty and no write is in flight. */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && this.links.length === 0 && this.writing === 0) return;
    const done = new Promise<void>((resolve) => this.idle.push(resolve));
    this.schedule(0);
    await done;
  }

  private schedule(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.commit();
    }, delayMs);
  }

  private commit(): void {
    if (this.writing >= this.config.writesInFlight) return; // a write's end commits this queue
    if (this.queue.length === 0 && this.links.length === 0) {
      if (this.writing === 0) this.settleIdle();
      return;
    }
    // At most maxRecords per write (whole batches): what queued during a long write is not
    // stored as one huge transaction (its memory and its copy to the store thread).
    let count = 0;
    let take = 0;
    while (take < this.queue.length && (take === 0 || count < this.config.maxRecords)) {
      count += recordsOf(this.queue[take]?.batch);
      take++;
    }
    const queue = this.queue.splice(0, take);
    // Links apply after the batches of their write: they wait for the last part of the queue.
    const links = this.queue.length === 0 ? this.links : [];
    if (this.queue.length === 0) this.links = [];
    this.queuedRecords -= count;
    this.writing++;
    const end = this.metrics.storeWriteSeconds.startTimer();
    this.store
      .write(
        queue.map((p) => p.batch),
        links,
      )
      .then(
        (outcomes) => {
          end();
          this.metrics.storeBatchesPerWrite.observe(queue.length);
          queue.forEach((pending, index) => {
            pending.resolve(outcomes[index] ?? 'stored');
          });
        },
        (error: unknown) => {
          end();
          this.metrics.storeErrors.inc();
          const failure = new Error(
            `storing ${queue.length} batches failed: ${(error as Error).message}`,
            { cause: error },
          );
          // What was queued behind the failed write fails too: a later batch of the same boot
          // must not be stored past a lost one (its replay would then count as a duplicate).
          const behind = this.queue;
          this.queue = [];
          this.links = [];
          this.queuedRecords = 0;
          for (const pending of [...queue, ...behind]) pending.reject(failure);
        },
      )
      .finally(() => {
        this.writing--;
        // Settling callbacks ran first (ingest marks a failed boot before this queue is written).
        this.commit();
      });
  }

  private settleIdle(): void {
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}

function recordsOf(batch: StoreBatch | undefined): number {
  return batch === undefined ? 0 : batch.flows.length + (batch.services?.length ?? 0);
}
