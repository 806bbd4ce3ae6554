// Group commit: agent messages that arrive close together are stored in one transaction, so the
// cost of a durable commit (an fsync) is shared by every agent instead of paid per batch. One
// write is in flight at a time; what arrives meanwhile forms the next one.
import type { BackendLink, FlowStore, StoreBatch, WriteOutcome } from './store.js';
import type { CollectorMetrics } from './metrics.js';

/** When to commit: after `maxDelayMs` from the first queued message, or at `maxRecords` queued. */
export interface GroupWriterConfig {
  maxDelayMs: number;
  maxRecords: number;
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
  /** The store write in flight; its end starts the next one when messages queued meanwhile. */
  private writing = false;
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
      this.queuedRecords += batch.flows.length + (batch.services?.length ?? 0);
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
    if (this.queue.length === 0 && this.links.length === 0 && !this.writing) return;
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
    if (this.writing) return; // the write in flight commits this queue when it ends
    if (this.queue.length === 0 && this.links.length === 0) {
      this.settleIdle();
      return;
    }
    const queue = this.queue;
    const links = this.links;
    this.queue = [];
    this.links = [];
    this.queuedRecords = 0;
    this.writing = true;
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
        this.writing = false;
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
