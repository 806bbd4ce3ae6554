// The default FlowStore: the SQLite database (sqlite-flow-db.ts) on a worker thread of its own,
// so that SQLite's work (B-tree updates, the commit's fsync) runs beside the main thread's gRPC
// decoding, stitching and correlation instead of between them. Calls are posted in order and
// answered in order; a worker that dies fails every pending and later call, loudly.
import { Worker } from 'node:worker_threads';
import type { v1 } from '../proto/index.js';
import type { SqliteFlowDbOptions } from './sqlite-flow-db.js';
import { encodeWrite, type WireWrite } from './store-wire.js';
import {
  StoreError,
  type StoreErrorCode,
  type BackendLink,
  type FlowCursor,
  type FlowFilter,
  type FlowPage,
  type FlowStore,
  type StoreBatch,
  type WriteOutcome,
} from './store.js';

// The worker's live data is one write (at most the group writer's records) and SQLite's own
// cache (outside the V8 heap); without limits V8 let its garbage grow to ~250 MB before
// collecting, and the collector passed the deploy's 512Mi after a 60 s outage's backlog
// (lab-faults: 568 MB peak RSS).
const WORKER_LIMITS = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

/** The calls the worker answers, as the main thread sees them (arguments and result). */
export interface SqliteCalls {
  lastSequence(node: string, bootId: string): number;
  /** Batches and links encoded (store-wire.ts). */
  write(write: WireWrite): WriteOutcome[];
  /** Writes again after a failed one: until then the worker fails every write (see write()). */
  resumeWrites(): void;
  queryFlows(filter: FlowFilter): FlowPage;
  serviceStates(): v1.IServiceState[];
  flowsSincePage(
    since: number,
    after: FlowCursor | null,
  ): { flows: v1.IFlowRecord[]; next: FlowCursor | null };
  prune(before: number): number;
  countFlows(): number;
  close(): void;
}

/** One call posted to the worker. */
export interface SqliteCall {
  id: number;
  op: keyof SqliteCalls;
  args: unknown[];
}

/** A failure as it crosses the thread boundary. */
export interface WorkerFailure {
  code: StoreErrorCode | null;
  message: string;
}

/** The worker's answer to call `id` (id 0: the database is open, or why not). */
export type SqliteReply =
  { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WorkerFailure };

/** What the worker opens. */
export interface SqliteWorkerData {
  path: string;
  options: SqliteFlowDbOptions;
}

/** Tuning of the store, and who hears that its worker died. */
export interface SqliteFlowStoreOptions extends SqliteFlowDbOptions {
  /** Called once when the worker thread dies: every pending and later call has failed. */
  onWorkerDeath?: (error: StoreError) => void;
}

interface PendingCall {
  op: keyof SqliteCalls;
  /** What the call was about, for the error when the worker dies under it. */
  context: string;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

const WORKER_URL = new URL('./sqlite-worker.js', import.meta.url);

/** FlowStore on a SQLite file, served by a worker thread. */
export class SqliteFlowStore implements FlowStore {
  private readonly worker: Worker;
  private readonly pending = new Map<number, PendingCall>();
  private nextId = 1;
  /** Set once the worker is gone: every call fails with it. */
  private dead: StoreError | null = null;
  private closing: Promise<void> | null = null;
  /** Resolves when the database is open; rejects with the reason it could not be. */
  readonly opened: Promise<void>;

  /** Starts the worker, which opens (or creates) the file; see `opened`. */
  constructor(
    readonly path: string,
    private readonly options: SqliteFlowStoreOptions = {},
  ) {
    const dbOptions: SqliteFlowDbOptions = { ...options };
    delete (dbOptions as SqliteFlowStoreOptions).onWorkerDeath;
    const workerData: SqliteWorkerData = { path, options: dbOptions };
    this.worker = import.meta.url.endsWith('.ts')
      ? // Run from the TypeScript sources (tests, benchmarks): tsx's loader is not inherited
        // by worker threads, so the worker registers it before importing its module.
        new Worker(
          `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => {
             tsx.register();
             return import(${JSON.stringify(new URL('./sqlite-worker.ts', import.meta.url).href)});
           });`,
          { eval: true, workerData, resourceLimits: WORKER_LIMITS },
        )
      : new Worker(WORKER_URL, { workerData, resourceLimits: WORKER_LIMITS });
    this.opened = new Promise<void>((resolve, reject) => {
      this.pending.set(0, {
        op: 'lastSequence',
        context: `opening ${path}`,
        resolve: () => {
          resolve();
        },
        reject,
      });
    });
    // The open error is thrown by whoever awaits `opened`; unobserved, it must not crash.
    this.opened.catch(() => undefined);
    this.worker.on('message', (reply: SqliteReply) => {
      this.settle(reply);
    });
    this.worker.on('error', (error) => {
      this.die(`the SQLite worker thread failed: ${error.message}`, error);
    });
    this.worker.on('exit', (code) => {
      if (this.closing === null || this.pending.size > 0) {
        this.die(`the SQLite worker thread exited (code ${code})`, null);
      }
    });
  }

  lastSequence(node: string, bootId: string): Promise<number> {
    return this.call('lastSequence', `reading the last sequence of ${node} boot ${bootId}`, [
      node,
      bootId,
    ]);
  }

  write(batches: StoreBatch[], links: BackendLink[]): Promise<WriteOutcome[]> {
    return this.call('write', describeWrite(batches, links), [encodeWrite(batches, links)]);
  }

  queryFlows(filter: FlowFilter): Promise<FlowPage> {
    return this.call('queryFlows', `querying flows ${JSON.stringify(filter)}`, [filter]);
  }

  serviceStates(): Promise<v1.IServiceState[]> {
    return this.call('serviceStates', 'reading service states', []);
  }

  /** Reads the rows page by page: writes posted meanwhile run between the pages. */
  async *flowsSince(since: number): AsyncIterable<v1.IFlowRecord> {
    let after: FlowCursor | null = null;
    do {
      const page: { flows: v1.IFlowRecord[]; next: FlowCursor | null } = await this.call(
        'flowsSincePage',
        `reading flows since ${since}`,
        [since, after],
      );
      yield* page.flows;
      after = page.next;
    } while (after !== null);
  }

  prune(before: number): Promise<number> {
    return this.call('prune', `pruning flows last seen before ${before}`, [before]);
  }

  countFlows(): Promise<number> {
    return this.call('countFlows', 'counting flows', []);
  }

  /** Closes the database after every call posted before, then ends the worker (idempotent). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.dead === null) {
        await this.call('close', 'closing', []).catch(() => undefined);
      }
      await this.worker.terminate();
    })();
    return this.closing;
  }

  private call<K extends keyof SqliteCalls>(
    op: K,
    context: string,
    args: Parameters<SqliteCalls[K]>,
  ): Promise<ReturnType<SqliteCalls[K]>> {
    if (this.dead !== null) return Promise.reject(this.dead);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, {
        op,
        context,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.worker.postMessage({ id, op, args } satisfies SqliteCall);
    });
  }

  private settle(reply: SqliteReply): void {
    const call = this.pending.get(reply.id);
    if (call === undefined) return;
    this.pending.delete(reply.id);
    if (reply.ok) {
      call.resolve(reply.value);
    } else {
      // Writes posted before this failure was seen here fail in the worker too (they may hold
      // later batches of the same agents); the ones posted from now on are written again.
      if (call.op === 'write') {
        this.call('resumeWrites', 'resuming writes', []).catch(() => undefined);
      }
      // The worker's message names the file and the statement or batch; the code is kept.
      const { code, message } = reply.error;
      call.reject(
        new StoreError(
          code ?? defaultCode(call.op),
          this.path,
          message.startsWith(`${this.path}: `) ? message.slice(this.path.length + 2) : message,
        ),
      );
    }
  }

  /** Fails every pending call with what each was doing, and every later one; tells the owner. */
  private die(reason: string, cause: Error | null): void {
    if (this.dead !== null) return;
    this.dead = new StoreError('STORE_WORKER_DIED', this.path, reason, { cause });
    for (const [, call] of this.pending) {
      call.reject(
        new StoreError('STORE_WORKER_DIED', this.path, `${call.context} failed: ${reason}`, {
          cause,
        }),
      );
    }
    this.pending.clear();
    this.options.onWorkerDeath?.(this.dead);
  }
}

/** A short description of a write, for the error when the worker dies under it. */
function describeWrite(batches: StoreBatch[], links: BackendLink[]): string {
  const records = batches.reduce((n, b) => n + b.flows.length, 0);
  const shown = batches
    .slice(0, 3)
    .map((b) => `${b.node} boot ${b.bootId} sequence ${b.sequence}`)
    .join(', ');
  const more = batches.length > 3 ? `, and ${batches.length - 3} more` : '';
  return `writing ${batches.length} batches (${records} records; ${shown}${more}) and ${links.length} links`;
}

function defaultCode(op: keyof SqliteCalls): StoreErrorCode {
  if (op === 'write') return 'STORE_WRITE_FAILED';
  if (op === 'prune') return 'STORE_PRUNE_FAILED';
  return 'STORE_READ_FAILED';
}
