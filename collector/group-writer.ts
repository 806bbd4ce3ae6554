// Group commit: agent messages that arrive close together are stored in one transaction, so the
// cost of a durable commit (an fsync) is shared by every agent instead of paid per batch.
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

  /** Commits what is queued now and resolves when the queue is empty. */
  async drain(): Promise<void> {
    if (this.queue.length === 0 && this.links.length === 0) return;
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
    const queue = this.queue;
    const links = this.links;
    this.queue = [];
    this.links = [];
    this.queuedRecords = 0;
    const end = this.metrics.storeWriteSeconds.startTimer();
    try {
      const outcomes = this.store.write(
        queue.map((p) => p.batch),
        links,
      );
      end();
      this.metrics.storeBatchesPerWrite.observe(queue.length);
      queue.forEach((pending, index) => {
        pending.resolve(outcomes[index] ?? 'stored');
      });
    } catch (error) {
      end();
      this.metrics.storeErrors.inc();
      const failure = new Error(
        `storing ${queue.length} batches failed: ${(error as Error).message}`,
        {
          cause: error,
        },
      );
      for (const pending of queue) pending.reject(failure);
    }
    const idle = this.idle;
    this.idle = [];
    for (const resolve of idle) resolve();
  }
}
