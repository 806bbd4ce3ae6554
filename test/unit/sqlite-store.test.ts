// SqliteFlowStore's thread boundary: errors from the worker carry the statement's context, and a
// worker that dies fails every pending and later call and tells the owner (no silent acks).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteFlowStore } from '../../collector/sqlite-store.js';
import { StoreError, type StoreBatch } from '../../collector/store.js';
import { v1 } from '../../proto/index.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'snatscope-store-worker-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function batch(sequence: number, observedAt: number): StoreBatch {
  const record: v1.IFlowRecord = {
    kind: v1.FlowRecord.Kind.flow,
    node: 'n1',
    protocol: 'tcp',
    client: { ip: '203.0.113.1', port: 40000 + sequence },
    entry: { ip: '192.0.2.10', port: 30080 },
    conntrackId: sequence,
    observedAt,
  };
  return { node: 'n1', bootId: 'b1', sequence, flows: [record], services: null };
}

describe('SqliteFlowStore (worker thread)', () => {
  it('fails a write with the file, the batch and SQLite’s reason; the store stays usable', async () => {
    const path = join(dir, 'errors.db');
    const store = new SqliteFlowStore(path, { busyTimeoutMs: 50 });
    try {
      await store.opened;
      await assert.rejects(
        store.write([batch(-1, 1)], []),
        (error: unknown) =>
          error instanceof StoreError &&
          error.code === 'STORE_INVALID_INPUT' &&
          error.message.includes(path) &&
          error.message.includes('node n1 boot b1 has sequence -1'),
      );
      // Another process holds the write lock (a backup, a stuck writer): SQLite's reason crosses.
      const other = new Database(path);
      other.exec('BEGIN EXCLUSIVE');
      try {
        await assert.rejects(
          store.write([batch(2, 2), batch(3, 3)], []),
          (error: unknown) =>
            error instanceof StoreError &&
            error.code === 'STORE_WRITE_FAILED' &&
            error.message.includes(path) &&
            error.message.includes('writing 2 batches (2 records)') &&
            /database is locked/.test(error.message),
        );
      } finally {
        other.exec('ROLLBACK');
        other.close();
      }
      assert.deepEqual(await store.write([batch(2, 2)], []), ['stored']);
      assert.equal(await store.countFlows(), 1);
    } finally {
      await store.close();
    }
  });

  it('refuses a file that is not a store when opened, naming it', async () => {
    const path = join(dir, 'not-a-db');
    writeFileSync(path, 'not SQLite at all, and long enough to be read as a header.........');
    const store = new SqliteFlowStore(path);
    await assert.rejects(
      store.opened,
      (error: unknown) =>
        error instanceof StoreError &&
        error.code === 'STORE_OPEN_FAILED' &&
        error.message.includes(path),
    );
    await store.close();
  });

  it('fails pending and later calls when the worker dies, and tells the owner once', async () => {
    const deaths: StoreError[] = [];
    const store = new SqliteFlowStore(join(dir, 'dies.db'), {
      onWorkerDeath: (error) => deaths.push(error),
    });
    await store.opened;
    // What a crash of the thread looks like from the main thread (an abort, an OOM kill of it);
    // the write is posted after the thread was told to stop, so it never runs.
    const stopped = store['worker'].terminate();
    const pending = store.write([batch(1, 1)], []);
    await stopped;
    await assert.rejects(
      pending,
      (error: unknown) =>
        error instanceof StoreError &&
        error.code === 'STORE_WORKER_DIED' &&
        error.message.includes('n1 boot b1 sequence 1'),
    );
    await assert.rejects(store.countFlows(), (error: unknown) => {
      return error instanceof StoreError && error.code === 'STORE_WORKER_DIED';
    });
    assert.equal(deaths.length, 1);
    await store.close();
  });
});
