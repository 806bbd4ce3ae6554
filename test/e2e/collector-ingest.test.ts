// The collector's ingest protocol over real gRPC on loopback with a real SQLite file: credentials
// are enforced, malformed messages are refused one by one while the stream goes on, and a
// collector killed with SIGKILL mid-stream loses nothing and stores nothing twice — on a SQLite
// file and on a real ClickHouse server (Debian's clickhouse-server, started by the test).
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { openClickHouseStore } from '../../collector/clickhouse-store.js';
import { SqliteFlowDb } from '../../collector/sqlite-flow-db.js';
import { startClickHouse } from '../support/clickhouse-server.js';
import { runCli } from '../support/cli.js';
import { eventually } from '../support/daemon.js';
import {
  flow,
  getJson,
  loopbackCollectorArgs,
  loopbackListenArgs,
  RawStream,
  startCollector,
  type RunningCollector,
} from '../support/ingest-stream.js';

type Json = Record<string, unknown>;

/** The query API token of the collector the protocol tests start (the others serve no-auth). */
const API_TOKEN = 'ingest-test-query-token';

describe('collector ingest protocol', () => {
  let dir: string;
  let collector: RunningCollector;
  let client: grpc.Client;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-ingest-'));
    writeFileSync(join(dir, 'tokens'), '# agent tokens\ngood-token\nn2-token n2\n');
    writeFileSync(join(dir, 'api-tokens'), `${API_TOKEN}\n`);
    collector = await startCollector([
      ...loopbackListenArgs(join(dir, 'flows.db')),
      '--insecure',
      '--token-file',
      join(dir, 'tokens'),
      '--api-token-file',
      join(dir, 'api-tokens'),
    ]);
    client = new grpc.Client(collector.grpcTarget, grpc.credentials.createInsecure());
  });

  after(async () => {
    client.close();
    await collector.daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a stream without a token, with a wrong token, or with a token bound to another node; stores nothing', async () => {
    for (const token of [undefined, 'wrong-token']) {
      const stream = new RawStream(client, token);
      stream.send({ hello: { node: 'n9', agentVersion: 't', bootId: 'b1' } });
      stream.send({ batch: { sequence: 1, records: [flow('n9', 1)] } });
      const status = await stream.status;
      assert.equal(status.code, grpc.status.UNAUTHENTICATED, status.details);
    }
    const bound = new RawStream(client, 'n2-token');
    bound.send({ hello: { node: 'n9', agentVersion: 't', bootId: 'b1' } });
    bound.send({ batch: { sequence: 1, records: [flow('n9', 1)] } });
    assert.equal((await bound.status).code, grpc.status.PERMISSION_DENIED);
    const stored = await getJson(`${collector.httpUrl}/api/v1/flows?node=n9`, API_TOKEN);
    assert.deepEqual(stored.flows, []);
    const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    assert.match(metrics, /^snatscope_ingest_auth_failures_total 3$/m);
  });

  it('refuses a malformed batch and an undecodable message with INVALID_ARGUMENT and goes on', async () => {
    const stream = new RawStream(client, 'good-token');
    stream.send({ hello: { node: 'n1', agentVersion: 't', bootId: 'malformed-test' } });
    stream.send({ batch: { sequence: 1, records: [flow('n1', 1), flow('n1', 2)] } });
    const bad = flow('n1', 3);
    bad.backend = { ip: 'not-an-ip', port: 8080 };
    stream.send({ batch: { sequence: 2, records: [flow('n1', 4), bad] } });
    stream.send(Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]));
    stream.send({ batch: { sequence: 3, records: [flow('n1', 5)] } });
    const answers = await stream.waitFor(5);
    assert.equal(answers[0]?.ack?.sequence, 0, 'hello is answered with the stored sequence');
    // One answer per message, in order; acks are cumulative (a later batch may already be stored).
    const acks = answers.filter((a) => a.ack).map((a) => a.ack?.sequence ?? 0);
    assert.deepEqual(
      acks,
      [...acks].sort((a, b) => a - b),
      'acks never go back',
    );
    assert.equal(acks.at(-1), 3);
    const rejections = answers.flatMap((a) => (a.rejection ? [a.rejection] : []));
    const [refused, undecodable, ...more] = rejections;
    assert.ok(refused && undecodable && more.length === 0, JSON.stringify(rejections));
    assert.equal(refused.sequence, 2);
    assert.equal(refused.code, grpc.status.INVALID_ARGUMENT);
    assert.match(refused.reason ?? '', /record 1: backend\.ip "not-an-ip"/);
    assert.equal(undecodable.sequence, 0);
    assert.match(undecodable.reason ?? '', /undecodable/);
    stream.end();
    assert.equal((await stream.status).code, grpc.status.OK);
    const stored = (await getJson(`${collector.httpUrl}/api/v1/flows?node=n1`, API_TOKEN))
      .flows as Json[];
    const ports = stored.map((f) => (f.client as { port: number }).port).sort();
    assert.deepEqual(ports, [20001, 20002, 20005], 'nothing of the refused batch was stored');
  });

  it('answers a replayed batch with an ack and stores it once', async () => {
    const first = new RawStream(client, 'good-token');
    first.send({ hello: { node: 'n3', agentVersion: 't', bootId: 'replay' } });
    first.send({ batch: { sequence: 1, records: [flow('n3', 1)] } });
    await first.waitFor(2);
    first.end();
    const second = new RawStream(client, 'good-token');
    second.send({ hello: { node: 'n3', agentVersion: 't', bootId: 'replay' } });
    second.send({ batch: { sequence: 1, records: [flow('n3', 1)] } });
    second.send({ batch: { sequence: 2, records: [flow('n3', 2)] } });
    const answers = await second.waitFor(3);
    assert.deepEqual(
      answers.map((a) => a.ack?.sequence),
      [1, 1, 2],
    );
    second.end();
    const services = (await getJson(`${collector.httpUrl}/api/v1/services`, API_TOKEN))
      .services as Json[];
    const metrics = await (await fetch(`${collector.httpUrl}/metrics`)).text();
    assert.match(
      metrics,
      /^snatscope_ingest_messages_total\{type="batch",result="duplicate"\} 1$/m,
    );
    assert.ok(services.length > 0, 'a services view');
  });
});

/** Where a killed collector's flows are kept, and how the test reads them back. */
interface StoreUnderKill {
  /** The collector's store flags (the same on the restart). */
  args(): string[];
  /** Stored flow rows and the stored sequence of the test's agent. */
  stored(): Promise<{ flows: number; sequence: number }>;
  cleanup(): Promise<void>;
}

function sqliteUnderKill(): Promise<StoreUnderKill> {
  const dir = mkdtempSync(join(tmpdir(), 'snatscope-kill-'));
  const db = join(dir, 'flows.db');
  return Promise.resolve({
    args: () => ['--db', db],
    stored: () => {
      const store = new SqliteFlowDb(db);
      try {
        return Promise.resolve({
          flows: store.countFlows(),
          sequence: store.lastSequence('k1', 'kill-test'),
        });
      } finally {
        store.close();
      }
    },
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  });
}

async function clickhouseUnderKill(): Promise<StoreUnderKill> {
  const server = await startClickHouse();
  const options = server.storeOptions('kill_test');
  return {
    args: () => [
      ...['--store', 'clickhouse', '--clickhouse-url', server.url],
      ...['--clickhouse-database', options.database, '--clickhouse-user', server.username],
      ...['--clickhouse-password-file', server.passwordFile],
    ],
    stored: async () => {
      const store = await openClickHouseStore(options);
      try {
        return {
          flows: await store.countFlows(),
          sequence: await store.lastSequence('k1', 'kill-test'),
        };
      } finally {
        await store.close();
      }
    },
    cleanup: () => server.stop(),
  };
}

for (const [label, open] of [
  ['SQLite', sqliteUnderKill],
  ['ClickHouse', clickhouseUnderKill],
] as const)
  describe(`collector killed with SIGKILL mid-stream (${label})`, () => {
    let under: StoreUnderKill;

    before(async () => {
      under = await open();
    });

    after(async () => {
      await under.cleanup();
    });

    it('a restart on the same store loses nothing and stores nothing twice', async () => {
      const args = (grpcPort = 0): string[] => [
        ...['--grpc-listen', `127.0.0.1:${grpcPort}`, '--http-listen', '127.0.0.1:0'],
        ...['--insecure', '--api-insecure-no-auth', ...under.args()],
      ];
      let collector = await startCollector(args());
      const target = collector.grpcTarget;
      const total = 4000;
      const batch = 50;
      const client = new grpc.Client(target, grpc.credentials.createInsecure());
      let acked = 0;
      let stream = new RawStream(client, undefined);
      const batches = total / batch;
      const hello = (s: RawStream): void => {
        s.send({ hello: { node: 'k1', agentVersion: 't', bootId: 'kill-test' } });
      };
      /** Sends batches `from`+1 … `to` (sequence numbers). */
      const send = (s: RawStream, from: number, to = batches): void => {
        for (let sequence = from + 1; sequence <= to; sequence++) {
          const start = (sequence - 1) * batch;
          const records = Array.from({ length: batch }, (_, i) => flow('k1', start + i));
          s.send({ batch: { sequence, records } });
        }
      };
      // The last quarter of the stream is held back until after the kill, so the collector is killed
      // mid-stream whatever the machine's speed: some batches acked, some in flight, some never sent.
      const heldBack = (batches * 3) / 4;
      hello(stream);
      send(stream, 0, batches / 2);
      await eventually(() => {
        acked = Math.max(0, ...stream.received.map((m) => m.ack?.sequence ?? 0));
        return acked >= 5 ? acked : undefined;
      }, 'some acks');
      send(stream, batches / 2, heldBack);
      await collector.daemon.stop('SIGKILL');
      acked = Math.max(0, ...stream.received.map((m) => m.ack?.sequence ?? 0));
      assert.ok(
        acked <= heldBack,
        `acked ${acked} of the ${heldBack} batches sent before the kill`,
      );
      client.close();

      collector = await startCollector(args(Number(target.split(':').at(-1))));
      const again = new grpc.Client(target, grpc.credentials.createInsecure());
      stream = new RawStream(again, undefined);
      // Replay from the first unacknowledged batch, as the agent's spool does, and one batch
      // that was acknowledged (the collector must store it once).
      hello(stream);
      send(stream, Math.max(0, acked - 1));
      await eventually(
        () =>
          stream.received.some((m) => (m.ack?.sequence ?? 0) === total / batch) ? true : undefined,
        'the last ack after the restart',
      );
      const helloAck = stream.received[0]?.ack?.sequence ?? -1;
      assert.ok(
        helloAck >= acked,
        `hello ack ${helloAck} covers what was acked before the kill (${acked})`,
      );
      stream.end();
      again.close();
      const services = (await getJson(`${collector.httpUrl}/api/v1/services`, API_TOKEN))
        .services as Json[];
      const api = services.find((s) => (s.service as Json).name === 'api');
      await collector.daemon.stop();
      if (label === 'SQLite') {
        assert.equal(api?.flows, total, 'every flow counted exactly once after the restart');
      } else {
        // ClickHouse has no transactions: rows are written before the progress, so a kill between
        // the two makes the rebuilt correlation and the replay count those flows twice (a known
        // gap, README "ClickHouse store"); the store itself holds each once (below).
        assert.ok((api?.flows as number) >= total, 'every flow counted after the restart');
      }
      assert.deepEqual(await under.stored(), { flows: total, sequence: total / batch });
    });
  });

describe('two collectors sharing one SQLite file', () => {
  it('an agent back on a collector it left is acked what the other stored meanwhile', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snatscope-replicas-'));
    const db = join(dir, 'flows.db');
    const a = await startCollector(loopbackCollectorArgs(db));
    const b = await startCollector(loopbackCollectorArgs(db));
    const clients = [a, b].map(
      (c) => new grpc.Client(c.grpcTarget, grpc.credentials.createInsecure()),
    );
    try {
      /** One stream to `client`: hello, then batches `from`…`to`; the hello's ack sequence. */
      const stream = async (client: grpc.Client, from: number, to: number): Promise<number> => {
        const s = new RawStream(client, undefined);
        s.send({ hello: { node: 'r1', agentVersion: 't', bootId: 'moving' } });
        for (let sequence = from; sequence <= to; sequence++) {
          s.send({ batch: { sequence, records: [flow('r1', sequence)] } });
        }
        const answers = await s.waitFor(1 + to - from + 1);
        s.end();
        await s.status;
        return answers[0]?.ack?.sequence ?? -1;
      };
      const [clientA, clientB] = clients as [grpc.Client, grpc.Client];
      assert.equal(await stream(clientA, 1, 3), 0);
      assert.equal(await stream(clientB, 4, 6), 3, 'B reads what A stored');
      // Back on A, which still knows this boot from the first stream.
      assert.equal(await stream(clientA, 7, 7), 6, 'A reads what B stored meanwhile');
      const store = new SqliteFlowDb(db);
      try {
        assert.equal(store.countFlows(), 7);
        assert.equal(store.lastSequence('r1', 'moving'), 7);
      } finally {
        store.close();
      }
    } finally {
      for (const client of clients) client.close();
      await Promise.all([a.daemon.stop(), b.daemon.stop()]);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('collector start-up errors', () => {
  it('says why it cannot start (exit 1, no stack) and makes a missing --db folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snatscope-startup-'));
    try {
      writeFileSync(join(dir, 'not-a-db'), 'plain text\n');
      const bad = runCli(['collector', ...loopbackCollectorArgs(join(dir, 'not-a-db'))]);
      assert.equal(bad.status, 1, bad.stderr);
      assert.match(
        bad.stderr,
        /^snatscope: collector: .*not-a-db: cannot open: file is not a database$/m,
      );
      assert.doesNotMatch(bad.stderr, /internal error|\n\s+at /);
      const fresh = await startCollector(loopbackCollectorArgs(join(dir, 'new', 'flows.db')));
      assert.equal(await fresh.daemon.stop(), 0, fresh.daemon.stderr());
      assert.ok(
        existsSync(join(dir, 'new', 'flows.db')),
        'the store file was made in a new folder',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
