// Store faults under a live collector (real gRPC on loopback, a real SQLite file): a write that
// fails because another process holds the database locked must not let the collector acknowledge
// past the first unstored batch, and store errors on timers never stop the process.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import Database from 'better-sqlite3';
import { SqliteFlowDb } from '../../collector/sqlite-flow-db.js';
import { eventually } from '../support/daemon.js';
import {
  flow,
  loopbackCollectorArgs,
  RawStream,
  startCollector,
} from '../support/ingest-stream.js';

/** Entry records the collector took from agents (snatscope_ingest_records_total, kind flow). */
async function takenRecords(httpUrl: string): Promise<number> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text();
  const match = /^snatscope_ingest_records_total\{kind="flow"\} (\d+)$/m.exec(text);
  return Number(match?.[1] ?? 0);
}

/** Another process's write lock on the store file, as a backup tool or a stuck writer holds it. */
function lockStore(db: string): { release: () => void } {
  const other = new Database(db);
  other.exec('BEGIN EXCLUSIVE');
  return {
    release: () => {
      if (!other.open) return;
      other.exec('ROLLBACK');
      other.close();
    },
  };
}

describe('collector store faults', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-faults-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('after a failed write, acknowledges nothing past the first unstored batch', async () => {
    // Out of process, as in production: the store's worker thread waits for the lock while the
    // next batch reaches the collector, as it does for an agent under load.
    const db = join(dir, 'busy.db');
    const { daemon, grpcTarget, httpUrl } = await startCollector(loopbackCollectorArgs(db));
    const client = new grpc.Client(grpcTarget, grpc.credentials.createInsecure());
    try {
      const stream = new RawStream(client);
      stream.send({ hello: { node: 'b1', agentVersion: 't', bootId: 'busy' } });
      stream.send({ batch: { sequence: 1, records: [flow('b1', 1)] } });
      await eventually(() => (stream.highestAck() === 1 ? true : undefined), 'batch 1 acked');

      const lock = lockStore(db);
      stream.send({ batch: { sequence: 2, records: [flow('b1', 2)] } });
      // Taken by the ingest (counted before it is queued for the write that waits for the lock).
      await eventually(
        async () => ((await takenRecords(httpUrl)) >= 2 ? true : undefined),
        'the collector took batch 2',
      );
      // Batch 3 arrives while batch 2's commit waits for the lock; the lock goes once 2 failed.
      stream.send({ batch: { sequence: 3, records: [flow('b1', 3)] } });
      const status = await stream.status;
      lock.release();
      assert.equal(status.code, grpc.status.UNAVAILABLE, status.details);
      assert.ok(stream.highestAck() < 2, `acked ${stream.highestAck()} with batch 2 unstored`);

      // The agent reconnects: the hello's ack says where to replay from.
      const again = new RawStream(client);
      again.send({ hello: { node: 'b1', agentVersion: 't', bootId: 'busy' } });
      const [helloAck] = await again.waitFor(1);
      assert.equal(helloAck?.ack?.sequence, 1, 'replay starts at batch 2');
      again.send({ batch: { sequence: 2, records: [flow('b1', 2)] } });
      again.send({ batch: { sequence: 3, records: [flow('b1', 3)] } });
      await eventually(() => (again.highestAck() === 3 ? true : undefined), 'the replay acked');
      again.end();
      assert.equal((await again.status).code, grpc.status.OK);
    } finally {
      client.close();
      await daemon.stop();
    }
    const store = new SqliteFlowDb(db);
    try {
      const ports = store
        .queryFlows({ node: 'b1', limit: 10 })
        .flows.map((f) => f.client?.port)
        .sort();
      assert.deepEqual(ports, [20001, 20002, 20003], 'every batch stored once');
    } finally {
      store.close();
    }
  });

  it('keeps serving when pruning fails (store locked at start) and prunes once it is free', async () => {
    const db = join(dir, 'prune.db');
    const seeded = new SqliteFlowDb(db);
    const dayAgo = Date.now() / 1000 - 86_400;
    seeded.write(
      [
        {
          node: 'p1',
          bootId: 'old',
          sequence: 1,
          flows: [1, 2, 3].map((i) => ({ ...flow('p1', i), observedAt: dayAgo })),
          services: null,
        },
      ],
      [],
    );
    seeded.close();
    const lock = lockStore(db);
    const { daemon, httpUrl } = await startCollector([
      ...loopbackCollectorArgs(db),
      '--retention',
      '1h',
    ]);
    try {
      await daemon.waitForStderr(/pruning the store failed; will retry/, 60_000);
      const metrics = async (): Promise<string> => (await fetch(`${httpUrl}/metrics`)).text();
      assert.match(await metrics(), /^snatscope_store_errors_total [1-9]/m);
      assert.equal((await fetch(`${httpUrl}/healthz`)).status, 200);
      lock.release();
      await eventually(
        async () => (/^snatscope_store_pruned_total 3$/m.test(await metrics()) ? true : undefined),
        'the retried prune',
      );
      assert.equal(daemon.child.exitCode, null, 'the collector is still running');
    } finally {
      lock.release();
      await daemon.stop();
    }
  });
});
