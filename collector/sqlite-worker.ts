// The SQLite store's worker thread: owns the SqliteFlowDb connection and answers the calls that
// sqlite-store.ts posts, one at a time in arrival order (so a write's dedupe sees every earlier
// write). Runs only inside a Worker started by SqliteFlowStore.
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteFlowDb } from './sqlite-flow-db.js';
import { StoreError } from './store.js';
import { decodeWrite } from './store-wire.js';
import type {
  SqliteCall,
  SqliteCalls,
  SqliteReply,
  SqliteWorkerData,
  WorkerFailure,
} from './sqlite-store.js';

const port = parentPort;
if (port === null) throw new Error('sqlite-worker.ts runs as a worker thread only');
const { path, options } = workerData as SqliteWorkerData;

let db: SqliteFlowDb;
try {
  db = new SqliteFlowDb(path, options);
  port.postMessage({ id: 0, ok: true, value: null } satisfies SqliteReply);
} catch (error) {
  port.postMessage({ id: 0, ok: false, error: failure(error) } satisfies SqliteReply);
  process.exit(1);
}

// Pages of the correlation rebuild: large enough to amortise a message, small enough that a
// write waits at most one page.
const REBUILD_PAGE_ROWS = 5000;

// Set by a failed write until the main thread has seen it (resumeWrites): a write sent meanwhile
// may hold later batches of the same agent boots, which must not be stored past the lost ones.
let failedWrite: string | null = null;

/** The synchronous calls, by name; prune is asynchronous so that writes run between its steps. */
const calls: { [K in keyof SqliteCalls]: (...args: Parameters<SqliteCalls[K]>) => unknown } = {
  lastSequence: (node, bootId) => db.lastSequence(node, bootId),
  write: (wire) => {
    if (failedWrite !== null) {
      throw new StoreError(
        'STORE_WRITE_FAILED',
        path,
        `not written: it was sent before an earlier write failed (${failedWrite})`,
      );
    }
    const { batches, links } = decodeWrite(wire);
    try {
      return db.write(batches, links);
    } catch (error) {
      failedWrite = error instanceof Error ? error.message : String(error);
      throw error;
    }
  },
  resumeWrites: () => {
    failedWrite = null;
  },
  queryFlows: (filter) => db.queryFlows(filter),
  serviceStates: () => db.serviceStates(),
  flowsSincePage: (since, after) => db.flowsSincePage(since, after, REBUILD_PAGE_ROWS),
  prune: (before) => prune(before),
  countFlows: () => db.countFlows(),
  close: () => {
    db.close();
  },
};

port.on('message', (call: SqliteCall) => {
  let value: unknown;
  try {
    const run = calls[call.op] as (...args: unknown[]) => unknown;
    value = run(...call.args);
  } catch (error) {
    reply(call.id, error);
    return;
  }
  if (value instanceof Promise) {
    value.then(
      (resolved: unknown) => {
        port.postMessage({ id: call.id, ok: true, value: resolved } satisfies SqliteReply);
      },
      (error: unknown) => {
        reply(call.id, error);
      },
    );
  } else {
    port.postMessage({ id: call.id, ok: true, value } satisfies SqliteReply);
    if (call.op === 'close') port.close();
  }
});

/** Runs the prune one short transaction at a time, letting queued calls (writes) run between. */
async function prune(before: number): Promise<number> {
  let total = 0;
  for (const deleted of db.pruneSteps(before)) {
    total += deleted;
    await new Promise((resolve) => setImmediate(resolve));
    if (!db.open) break;
  }
  return total;
}

function reply(id: number, error: unknown): void {
  port?.postMessage({ id, ok: false, error: failure(error) } satisfies SqliteReply);
}

/** What crosses back to the main thread: a StoreError's code and message, or an Error's. */
function failure(error: unknown): WorkerFailure {
  if (error instanceof StoreError) return { code: error.code, message: error.message };
  return { code: null, message: error instanceof Error ? error.message : String(error) };
}
