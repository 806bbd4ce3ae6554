// Hostile agents against the built collector over real gRPC on loopback, with a real SQLite file:
// protocol games (a second hello, claimed node fields, future times, label-bombing enums) and a
// property-based run of random and malformed messages. The collector must not crash, must store
// nothing malformed and nothing for another node, and must keep its metric series bounded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { SqliteFlowDb } from '../../collector/sqlite-flow-db.js';
import { checkFlowRecord } from '../../collector/validate.js';
import { encodeAgentMessage } from '../../common/ingest-rpc.js';
import { v1 } from '../../proto/index.js';
import { eventually, type Daemon } from '../support/daemon.js';
import {
  flow,
  loopbackCollectorArgs,
  RawStream,
  startCollector,
} from '../support/ingest-stream.js';

describe('collector against hostile agents', () => {
  let dir: string;
  let db: string;
  let daemon: Daemon;
  let client: grpc.Client;
  let httpUrl: string;

  const metrics = async (): Promise<string> => (await fetch(`${httpUrl}/metrics`)).text();
  /** Stored rows, read through a second connection to the collector's file. */
  const stored = (node: string): v1.IFlowRecord[] => {
    const store = new SqliteFlowDb(db);
    try {
      return store.queryFlows({ node, limit: 100_000, includeBackend: true }).flows;
    } finally {
      store.close();
    }
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-hostile-'));
    db = join(dir, 'flows.db');
    const collector = await startCollector(loopbackCollectorArgs(db));
    daemon = collector.daemon;
    httpUrl = collector.httpUrl;
    client = new grpc.Client(collector.grpcTarget, grpc.credentials.createInsecure());
  });

  after(async () => {
    client.close();
    const code = await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, `the collector stopped cleanly:\n${daemon.stderr()}`);
  });

  it('refuses a second hello: a stream cannot be re-bound to another node or boot', async () => {
    const stream = new RawStream(client);
    stream.send({ hello: { node: 'h1', agentVersion: 't', bootId: 'first' } });
    stream.send({ batch: { sequence: 1, records: [flow('h1', 1)] } });
    await eventually(() => (stream.highestAck() === 1 ? true : undefined), 'batch 1 acked');
    stream.send({ hello: { node: 'h2', agentVersion: 't', bootId: 'second' } });
    stream.send({ batch: { sequence: 1, records: [flow('h2', 2)] } });
    const status = await stream.status;
    assert.equal(status.code, grpc.status.INVALID_ARGUMENT);
    assert.match(status.details, /one hello/);
    assert.equal(stored('h2').length, 0, 'nothing stored for the second node');
  });

  it('sets entry and backend nodes itself, whatever the agent claims', async () => {
    const stream = new RawStream(client);
    stream.send({ hello: { node: 'h3', agentVersion: 't', bootId: 'claims' } });
    const claimed = { ...flow('h3', 7), entryNode: 'victim', backendNode: 'victim' };
    const backendHalf: v1.IFlowRecord = {
      ...flow('h3', 8),
      kind: v1.FlowRecord.Kind.backend,
      entryNode: 'victim',
    };
    stream.send({ batch: { sequence: 1, records: [claimed, backendHalf] } });
    await eventually(() => (stream.highestAck() === 1 ? true : undefined), 'the batch acked');
    stream.end();
    await stream.status;
    const rows = stored('h3');
    assert.equal(rows.length, 2);
    for (const row of rows) {
      assert.notEqual(row.entryNode, 'victim', JSON.stringify(row));
      assert.notEqual(row.backendNode, 'victim', JSON.stringify(row));
    }
    assert.equal(stored('victim').length, 0);
  });

  it('stores a future observation time as the arrival time', async () => {
    const stream = new RawStream(client);
    stream.send({ hello: { node: 'h4', agentVersion: 't', bootId: 'future' } });
    const farFuture = Date.now() / 1000 + 10 * 365 * 86_400;
    stream.send({ batch: { sequence: 1, records: [{ ...flow('h4', 1), observedAt: farFuture }] } });
    await eventually(() => (stream.highestAck() === 1 ? true : undefined), 'the batch acked');
    stream.end();
    await stream.status;
    const [row] = stored('h4');
    assert.ok((row?.observedAt ?? 0) <= Date.now() / 1000 + 1, `stored ${row?.observedAt}`);
    assert.match(await metrics(), /^snatscope_ingest_clamped_timestamps_total 1$/m);
  });

  it('refuses unknown enums and names that are not Kubernetes names: series stay bounded', async () => {
    const series = async (): Promise<number> =>
      (await metrics()).split('\n').filter((l) => l.startsWith('snatscope_flows_total{')).length;
    const before = await series();
    const stream = new RawStream(client);
    stream.send({ hello: { node: 'h5', agentVersion: 't', bootId: 'labels' } });
    for (let i = 0; i < 2000; i++) {
      const record = { ...flow('h5', i) };
      if (i % 2 === 0) Object.assign(record, { externalTrafficPolicy: i + 5 });
      else record.service = { namespace: `NS ${i}`, name: 'api', port: 'http' };
      stream.send({ batch: { sequence: i + 1, records: [record] } });
    }
    await stream.waitFor(2001);
    stream.end();
    await stream.status;
    assert.equal(stream.received.filter((m) => m.rejection).length, 2000);
    assert.equal(await series(), before, 'no new snatscope_flows_total series');
    assert.equal(stored('h5').length, 0);
  });

  it('survives random and malformed messages (property-based): stores only valid records of its own node', async (t) => {
    let inputs = 0;
    let boot = 0;
    const text = fc.oneof(fc.string({ maxLength: 80 }), fc.constantFrom('', 'n1', 'fz', 'shop'));
    const port = fc.oneof(fc.integer({ min: -1, max: 70_000 }), fc.constant(30080));
    const hostPort = fc.option(fc.record({ ip: fc.oneof(fc.ipV4(), fc.ipV6(), text), port }), {
      nil: undefined,
    });
    const anyInt = fc.oneof(
      fc.integer({ min: -3, max: 12 }),
      fc.constantFrom(2 ** 31, 2 ** 53 - 1, -(2 ** 31)),
    );
    const record = fc.record(
      {
        kind: anyInt,
        node: fc.oneof(fc.constant('fz'), text),
        protocol: fc.oneof(fc.constantFrom('tcp', 'udp'), text),
        client: hostPort,
        entry: hostPort,
        backend: hostPort,
        observedSource: hostPort,
        entryKind: anyInt,
        cause: anyInt,
        externalTrafficPolicy: anyInt,
        proxyMode: anyInt,
        service: fc.option(fc.record({ namespace: text, name: text, port: text }), {
          nil: undefined,
        }),
        state: text,
        entryNode: text,
        backendNode: text,
        observedAt: fc.oneof(fc.double(), fc.constant(Date.now() / 1000)),
        closed: fc.boolean(),
        conntrackId: fc.nat(),
      },
      { requiredKeys: [] },
    );
    const validBatch = fc.record({
      batch: fc.record({
        sequence: fc.integer({ min: 1, max: 60 }),
        records: fc.array(
          fc.nat(1_000_000).map((i) => flow('fz', i)),
          { minLength: 1, maxLength: 5 },
        ),
      }),
    });
    // Mostly batches (valid or not); now and then a second hello or bytes that are no message.
    const message = fc.oneof(
      { arbitrary: validBatch, weight: 4 },
      {
        arbitrary: fc.record({
          batch: fc.record({
            sequence: fc.oneof(anyInt, fc.double()),
            records: fc.array(record, { maxLength: 5 }),
          }),
        }),
        weight: 4,
      },
      { arbitrary: fc.record({ hello: fc.record({ node: text, bootId: text }) }), weight: 1 },
      {
        arbitrary: fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
        weight: 2,
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(message, { minLength: 1, maxLength: 60, size: 'max' }),
        async (messages) => {
          const stream = new RawStream(client);
          stream.send({ hello: { node: 'fz', agentVersion: 't', bootId: `fuzz-${++boot}` } });
          for (const m of messages) {
            inputs++;
            // An encoder refusing a value is the client's limit, not an input the collector sees.
            let bytes: Buffer;
            try {
              bytes = Buffer.isBuffer(m)
                ? m
                : Buffer.from(encodeAgentMessage(m as v1.IAgentMessage));
            } catch {
              continue;
            }
            stream.send(bytes);
          }
          stream.end();
          const status = await stream.status;
          assert.ok(
            [grpc.status.OK, grpc.status.INVALID_ARGUMENT].includes(status.code),
            `status ${status.code} ${status.details}`,
          );
        },
      ),
      { numRuns: 150 },
    );
    const rows = stored('fz');
    assert.ok(rows.length > 0, 'the valid batches among the random ones were stored');
    for (const row of rows) assert.equal(checkFlowRecord(row, 'fz'), null, JSON.stringify(row));
    const others = new SqliteFlowDb(db);
    try {
      const nodes = new Set(
        others.queryFlows({ limit: 100_000, includeBackend: true }).flows.map((r) => r.node),
      );
      for (const node of nodes) assert.ok(/^(h\d|fz)$/.test(node ?? ''), `stored for ${node}`);
    } finally {
      others.close();
    }
    assert.equal((await fetch(`${httpUrl}/healthz`)).status, 200);
    assert.equal(daemon.child.exitCode, null, 'the collector is alive');
    t.diagnostic(`hostile gRPC: ${inputs} inputs, ${rows.length} valid rows stored, 0 crashes`);
  });
});
