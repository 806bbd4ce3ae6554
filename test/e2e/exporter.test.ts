// The agent's exporter against a real grpc-js server over loopback. The server is a few lines of
// the Ingest protocol (hello → ack of the highest stored; store each sequence once; cumulative
// acks; rejections) with its "store" outside the server, so it survives a restart on the same port.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pino, type Logger } from 'pino';
import { CollectorExporter, type ExporterConfig } from '../../agent/export/exporter.js';
import { Spool } from '../../agent/export/spool.js';
import { AgentMetrics } from '../../agent/metrics.js';
import {
  bearerToken,
  channelCredentials,
  serverCredentials,
  type TransportSecurity,
} from '../../common/credentials.js';
import {
  COLLECTOR_SERVER_OPTIONS,
  ingestServiceDefinition,
  type IngestRequest,
  type IngestServerStream,
} from '../../common/ingest-rpc.js';
import { v1 } from '../../proto/index.js';
import { generateTestCerts, type TestCerts } from '../support/certs.js';

/** What a fake collector keeps across restarts: the highest stored sequence per (node, boot). */
class FakeStore {
  readonly highest = new Map<string, number>();
  /** Every stored message, in storing order: each sequence must appear once. */
  readonly stored: { sequence: number; type: 'batch' | 'services'; records: number }[] = [];
}

interface FakeOptions {
  store?: FakeStore;
  /** Required bearer token; other tokens get UNAUTHENTICATED. */
  token?: string;
  /** Sequences refused with INVALID_ARGUMENT. */
  reject?: ReadonlySet<number>;
  /** Store but never ack (a collector that dies before acking). */
  holdAcks?: boolean;
  /** Receive but neither store nor ack sequences at or above this (a crash before storing). */
  loseFrom?: number;
  /** Send a sequence-0 rejection after the hello's ack (an undecodable message). */
  rejectUndecodable?: boolean;
}

/** A minimal collector implementing the Ingest protocol. */
class FakeCollector {
  readonly store: FakeStore;
  readonly received: v1.AgentMessage[] = [];
  readonly tokens: (string | null)[] = [];
  /** When each stream arrived (performance.now()), in order. */
  readonly attemptTimes: number[] = [];
  private server: grpc.Server | null = null;
  port = 0;

  constructor(private readonly options: FakeOptions = {}) {
    this.store = options.store ?? new FakeStore();
  }

  /** Sequences of the batch and services messages received, in order. */
  get receivedSequences(): number[] {
    return this.received.flatMap((m) => {
      const body = m.batch ?? m.services;
      return body ? [Number(body.sequence)] : [];
    });
  }

  async start(
    credentials = grpc.ServerCredentials.createInsecure(),
    port = this.port,
  ): Promise<number> {
    const server = new grpc.Server(COLLECTOR_SERVER_OPTIONS);
    server.addService(ingestServiceDefinition, {
      Stream: (call: IngestServerStream) => {
        this.handle(call);
      },
    });
    this.port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) => {
        if (error) reject(error);
        else resolve(bound);
      });
    });
    this.server = server;
    return this.port;
  }

  /** Stops at once, like a crash: open streams end with UNAVAILABLE or CANCELLED. */
  stop(): void {
    this.server?.forceShutdown();
    this.server = null;
  }

  private handle(call: IngestServerStream): void {
    const token = bearerToken(call.metadata);
    this.tokens.push(token);
    this.attemptTimes.push(performance.now());
    if (this.options.token !== undefined && token !== this.options.token) {
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'unknown token' });
      return;
    }
    let key: string | null = null;
    call.on('data', (request: IngestRequest) => {
      if (!request.ok) {
        call.write({ rejection: { sequence: 0, reason: request.reason, code: 3 } });
        return;
      }
      const message = request.message;
      this.received.push(message);
      if (message.hello) {
        key = `${message.hello.node ?? ''}/${message.hello.bootId ?? ''}`;
        call.write({ ack: { sequence: this.store.highest.get(key) ?? 0 } });
        if (this.options.rejectUndecodable) {
          call.write({ rejection: { sequence: 0, reason: 'undecodable', code: 3 } });
        }
        return;
      }
      const body = message.batch ?? message.services;
      if (!body || key === null) return;
      const sequence = Number(body.sequence);
      if (this.options.reject?.has(sequence)) {
        call.write({ rejection: { sequence, reason: 'test refusal', code: 3 } });
        return;
      }
      if (this.options.loseFrom !== undefined && sequence >= this.options.loseFrom) return;
      if (sequence > (this.store.highest.get(key) ?? 0)) {
        this.store.highest.set(key, sequence);
        this.store.stored.push({
          sequence,
          type: message.batch ? 'batch' : 'services',
          records: message.batch?.records?.length ?? message.services?.services?.length ?? 0,
        });
      }
      if (!this.options.holdAcks) call.write({ ack: { sequence: this.store.highest.get(key) } });
    });
    call.on('end', () => {
      call.end();
    });
    call.on('error', () => undefined);
  }
}

type LogLine = { level: number; msg: string } & Record<string, unknown>;

function captureLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

async function metric(metrics: AgentMetrics, name: string, labels: Record<string, string> = {}) {
  const found = metrics.registry.getSingleMetric(name);
  assert.ok(found, `metric ${name} exists`);
  const { values } = await found.get();
  return values
    .filter((v) => Object.entries(labels).every(([key, value]) => v.labels[key] === value))
    .reduce((sum, v) => sum + v.value, 0);
}

async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const flow = (id: number): v1.IFlowRecord => ({
  node: 'n1',
  protocol: 'tcp',
  conntrackId: id,
  observedAt: 1,
});

interface Harness {
  exporter: CollectorExporter;
  spool: Spool;
  metrics: AgentMetrics;
  lines: LogLine[];
}

const insecure: TransportSecurity = { insecure: true };

async function harness(
  port: number,
  overrides: Partial<ExporterConfig> = {},
  spoolDir: string | null = null,
): Promise<Harness> {
  const metrics = new AgentMetrics();
  const { log, lines } = captureLog();
  const spool = await Spool.open({ maxRecords: 10_000, dir: spoolDir }, metrics, log);
  const exporter = new CollectorExporter(
    {
      collectors: [`127.0.0.1:${port}`],
      node: 'n1',
      agentVersion: 'test',
      proxyMode: () => v1.ProxyMode.iptables,
      credentials: () => channelCredentials(insecure),
      token: () => null,
      backoff: { initialMs: 20, maxMs: 100, multiplier: 2 },
      stopTimeoutMs: 500,
      ...overrides,
    },
    spool,
    metrics,
    log,
  );
  return { exporter, spool, metrics, lines };
}

describe('collector exporter over loopback gRPC', () => {
  it('says hello, batches by size, and flush() closes the partial batch', async (t) => {
    const collector = new FakeCollector();
    const port = await collector.start();
    t.after(() => {
      collector.stop();
    });
    const { exporter, spool, metrics } = await harness(port, {
      batchMaxRecords: 3,
      batchMaxDelayMs: 60_000,
    });
    exporter.start();
    for (let i = 0; i < 7; i++) exporter.flow(flow(i));
    await waitFor('two full batches', () => collector.store.stored.length === 2);
    exporter.flush();
    await waitFor('the partial batch', () => collector.store.stored.length === 3);
    const hello = collector.received[0]?.hello;
    assert.ok(hello, 'the first message is the hello');
    assert.equal(hello.node, 'n1');
    assert.equal(hello.agentVersion, 'test');
    assert.equal(hello.bootId, spool.bootId);
    assert.deepEqual(
      collector.store.stored.map((m) => [m.sequence, m.records]),
      [
        [1, 3],
        [2, 3],
        [3, 1],
      ],
    );
    await waitFor('acks trim the spool', () => spool.length === 0);
    assert.equal(await metric(metrics, 'snatscope_agent_export_records_acked_total'), 7);
    assert.equal(
      await metric(metrics, 'snatscope_agent_export_messages_total', {
        type: 'batch',
        result: 'acked',
      }),
      3,
    );
    assert.equal(await metric(metrics, 'snatscope_agent_collector_connected'), 1);
    const latency = await metric(metrics, 'snatscope_agent_ack_latency_seconds');
    assert.ok(latency > 0, 'ack latency observed');
    await exporter.stop();
    assert.equal(await metric(metrics, 'snatscope_agent_collector_connected'), 0);
  });

  it('sends a partial batch batchMaxDelayMs after its first record, without flush()', async (t) => {
    const collector = new FakeCollector();
    const port = await collector.start();
    t.after(() => {
      collector.stop();
    });
    const { exporter } = await harness(port, { batchMaxRecords: 100, batchMaxDelayMs: 150 });
    exporter.start();
    await waitFor('hello', () => collector.received.length === 1);
    const started = Date.now();
    exporter.flow(flow(1));
    await sleep(50);
    exporter.flow(flow(2));
    await waitFor('the timed batch', () => collector.store.stored.length === 1);
    const elapsed = Date.now() - started;
    // Timers never fire early, so only the lower bound is a property (a slow CI may be late).
    assert.ok(elapsed >= 140, `batch went out after ${elapsed} ms, before its 150 ms delay`);
    assert.equal(collector.store.stored[0]?.records, 2);
    await exporter.stop();
  });

  it('spools each full set of Service ports as one snapshot, a port gone included', async (t) => {
    const collector = new FakeCollector();
    const port = await collector.start();
    t.after(() => {
      collector.stop();
    });
    const { exporter, spool } = await harness(port);
    exporter.start();
    const service = (name: string, localEndpoints: number): v1.IServiceState => ({
      node: 'n1',
      service: { namespace: 'shop', name, port: 'http' },
      protocol: 'tcp',
      localEndpoints,
    });
    const web = service('web', 1);
    exporter.services([service('api', 0), web]);
    exporter.flow(flow(1));
    exporter.flush();
    exporter.flush(); // no new set: no second snapshot
    // Acked first: an unacked snapshot would be superseded by the next (test/unit/spool.test.ts).
    await waitFor('first snapshot acked', () => spool.length === 0);
    exporter.services([web]); // api is gone
    exporter.flush();
    await waitFor('three messages stored', () => collector.store.stored.length === 3);
    await waitFor('acked', () => spool.length === 0);
    assert.deepEqual(
      collector.store.stored.map((m) => [m.type, m.records]),
      [
        ['services', 2],
        ['batch', 1],
        ['services', 1],
      ],
    );
    const last = collector.received.at(-1)?.services?.services ?? [];
    assert.deepEqual(
      last.map((s) => [s.service?.name, s.localEndpoints]),
      [['web', 1]],
    );
    await exporter.stop();
  });

  it('after a collector restart on the same port, replays what was not stored, exactly once', async (t) => {
    const store = new FakeStore();
    // The first collector stores sequence 1, then "crashes" before storing anything else, and
    // never acks: the agent cannot know what was stored.
    const first = new FakeCollector({ store, holdAcks: true, loseFrom: 2 });
    const port = await first.start();
    const { exporter, spool, metrics } = await harness(port, { batchMaxRecords: 2 });
    exporter.start();
    for (let i = 0; i < 4; i++) exporter.flow(flow(i));
    await waitFor('both batches received', () => first.receivedSequences.length === 2);
    assert.deepEqual(first.receivedSequences, [1, 2]);
    assert.equal(spool.length, 2, 'nothing acked');
    first.stop();
    await waitFor(
      'disconnected',
      async () => (await metric(metrics, 'snatscope_agent_collector_connected')) === 0,
    );
    // Records keep coming while the collector is away, and reconnects fail for a while.
    for (let i = 4; i < 6; i++) exporter.flow(flow(i));
    assert.equal(spool.length, 3);
    await waitFor(
      'a failed reconnect',
      async () => (await metric(metrics, 'snatscope_agent_export_reconnects_total')) >= 1,
    );

    const second = new FakeCollector({ store });
    t.after(() => {
      second.stop();
    });
    await second.start(undefined, port);
    await waitFor('everything acked', () => spool.length === 0);
    assert.deepEqual(second.receivedSequences, [2, 3], 'sequence 1 was stored: not resent');
    assert.deepEqual(
      store.stored.map((m) => m.sequence),
      [1, 2, 3],
      'each sequence stored once',
    );
    assert.ok((await metric(metrics, 'snatscope_agent_export_reconnects_total')) >= 2);
    assert.ok(
      (await metric(metrics, 'snatscope_agent_export_errors_total', { code: 'CANCELLED' })) >= 1,
      'the shut-down server cancelled the open stream',
    );
    assert.ok(
      (await metric(metrics, 'snatscope_agent_export_errors_total', { code: 'UNAVAILABLE' })) >= 1,
      'reconnects failed while the port was closed',
    );
    await exporter.stop();
  });

  describe('several collector replicas sharing one store', () => {
    const connectedTo = (metrics: AgentMetrics, collector: string) =>
      metric(metrics, 'snatscope_agent_collector_target_connected', { collector });

    it('starts past a replica that refuses connections and labels the one it is on', async (t) => {
      const live = new FakeCollector();
      const port = await live.start();
      t.after(() => {
        live.stop();
      });
      const dead = '127.0.0.1:1'; // nothing listens: connection refused
      const alive = `127.0.0.1:${port}`;
      // random 0: the rotation starts at the first target (and backoff delays are 0).
      const { exporter, spool, metrics } = await harness(port, {
        collectors: [dead, alive],
        random: () => 0,
      });
      exporter.start();
      exporter.flow(flow(1));
      exporter.flush();
      await waitFor('acked by the live replica', () => spool.length === 0);
      assert.deepEqual(live.receivedSequences, [1]);
      assert.equal(await connectedTo(metrics, alive), 1);
      assert.equal(await connectedTo(metrics, dead), 0);
      assert.equal(await metric(metrics, 'snatscope_agent_export_failovers_total'), 1);
      assert.equal(exporter.state().connected, true);
      await exporter.stop();
      assert.equal(await connectedTo(metrics, alive), 0);
    });

    it('fails over when its replica dies unacked; the shared store gets each sequence once', async (t) => {
      const store = new FakeStore();
      // The first replica stores but dies before acking: only the store knows what it took.
      const first = new FakeCollector({ store, holdAcks: true });
      const second = new FakeCollector({ store });
      const [firstPort, secondPort] = [await first.start(), await second.start()];
      t.after(() => {
        first.stop();
        second.stop();
      });
      const targets = [`127.0.0.1:${firstPort}`, `127.0.0.1:${secondPort}`];
      const { exporter, spool, metrics, lines } = await harness(firstPort, {
        collectors: targets,
        batchMaxRecords: 2,
        random: () => 0,
      });
      exporter.start();
      for (let i = 0; i < 6; i++) exporter.flow(flow(i));
      await waitFor('three batches stored by the first', () => store.stored.length === 3);
      assert.equal(spool.length, 3, 'nothing acked');
      assert.deepEqual(second.received, [], 'one stream at a time');
      first.stop();
      for (let i = 6; i < 8; i++) exporter.flow(flow(i));
      await waitFor('everything acked', () => spool.length === 0);
      assert.deepEqual(second.receivedSequences, [4], 'the hello ack covered 1-3: not resent');
      assert.deepEqual(
        store.stored.map((m) => m.sequence),
        [1, 2, 3, 4],
      );
      assert.equal(await metric(metrics, 'snatscope_agent_export_failovers_total'), 1);
      assert.equal(await connectedTo(metrics, targets[1] ?? ''), 1);
      assert.equal(await connectedTo(metrics, targets[0] ?? ''), 0);
      const failover = lines.find((l) => l.msg === 'failing over to the next collector');
      assert.deepEqual([failover?.from, failover?.to], targets);

      // The second dies too and the first comes back on its port: the rotation wraps around.
      const back = new FakeCollector({ store });
      second.stop();
      await back.start(undefined, firstPort);
      t.after(() => {
        back.stop();
      });
      for (let i = 8; i < 10; i++) exporter.flow(flow(i));
      await waitFor('acked by the returned first replica', () => spool.length === 0);
      assert.deepEqual(back.receivedSequences, [5]);
      assert.deepEqual(
        store.stored.map((m) => m.sequence),
        [1, 2, 3, 4, 5],
      );
      assert.equal(await metric(metrics, 'snatscope_agent_export_failovers_total'), 2);
      assert.equal(await connectedTo(metrics, targets[0] ?? ''), 1);
      await exporter.stop();
    });

    it('a target with several addresses: the next stream goes to an address that lives', async (t) => {
      // ipv4:A,B resolves to two addresses like a DNS name of a headless Service does; grpc-js
      // balances among them inside the one target, so this is no failover between targets.
      const store = new FakeStore();
      const replicas = [new FakeCollector({ store }), new FakeCollector({ store })];
      const ports = [await replicas[0]?.start(), await replicas[1]?.start()];
      t.after(() => {
        for (const replica of replicas) replica.stop();
      });
      const target = `ipv4:127.0.0.1:${ports[0]},127.0.0.1:${ports[1]}`;
      const { exporter, spool, metrics } = await harness(0, { collectors: [target] });
      exporter.start();
      exporter.flow(flow(1));
      exporter.flush();
      await waitFor('acked', () => spool.length === 0);
      const serving = replicas.findIndex((r) => r.receivedSequences.length === 1);
      assert.ok(serving >= 0, 'one replica took the batch');
      const other = replicas[1 - serving];
      assert.ok(other);
      assert.deepEqual(other.received, [], 'pick_first: one connection, one stream');
      replicas[serving]?.stop();
      exporter.flow(flow(2));
      exporter.flush();
      await waitFor('acked by the other address', () => spool.length === 0);
      assert.deepEqual(other.receivedSequences, [2]);
      assert.deepEqual(
        store.stored.map((m) => m.sequence),
        [1, 2],
      );
      assert.equal(await metric(metrics, 'snatscope_agent_export_failovers_total'), 0);
      assert.equal(await connectedTo(metrics, target), 1);
      await exporter.stop();
    });
  });

  it('drops a rejected message, counts it, logs the reason, and goes on', async (t) => {
    const collector = new FakeCollector({ reject: new Set([2]), rejectUndecodable: true });
    const port = await collector.start();
    t.after(() => {
      collector.stop();
    });
    const { exporter, spool, metrics, lines } = await harness(port, { batchMaxRecords: 1 });
    exporter.start();
    for (let i = 0; i < 3; i++) exporter.flow(flow(i));
    await waitFor('spool empty', () => spool.length === 0);
    assert.deepEqual(
      collector.store.stored.map((m) => m.sequence),
      [1, 3],
    );
    assert.equal(
      await metric(metrics, 'snatscope_agent_export_messages_total', {
        type: 'batch',
        result: 'rejected',
      }),
      1,
    );
    assert.equal(
      await metric(metrics, 'snatscope_agent_export_messages_total', {
        type: 'unknown',
        result: 'rejected',
      }),
      1,
      'the sequence-0 rejection is counted',
    );
    assert.equal(await metric(metrics, 'snatscope_agent_export_records_rejected_total'), 1);
    const refusals = lines.filter((line) => line.msg.startsWith('collector refused a message'));
    assert.deepEqual(
      refusals.map((line) => [line.sequence, line.reason, line.level]),
      [
        [0, 'undecodable', 40],
        [2, 'test refusal', 40],
      ],
    );
    assert.equal(await metric(metrics, 'snatscope_agent_export_errors_total'), 0, 'stream went on');
    await exporter.stop();
  });

  it('keeps unacked messages in the spool directory when stop() times out', async (t) => {
    const collector = new FakeCollector({ holdAcks: true });
    const port = await collector.start();
    t.after(() => {
      collector.stop();
    });
    const dir = await mkdtemp(join(tmpdir(), 'snatscope-exporter-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const first = await harness(port, { stopTimeoutMs: 200 }, dir);
    first.exporter.start();
    first.exporter.flow(flow(1));
    first.exporter.flush();
    const started = Date.now();
    await first.exporter.stop();
    assert.ok(Date.now() - started >= 190, 'stop waited for acks');
    assert.equal(first.spool.length, 1);
    const second = await harness(port, {}, dir);
    assert.equal(second.spool.bootId, first.spool.bootId, 'the restart keeps the boot id');
    assert.equal(second.spool.length, 1);
  });

  describe('credentials', () => {
    let certs: TestCerts;
    before(() => {
      certs = generateTestCerts();
    });
    after(() => {
      certs.cleanup();
    });

    const mtlsServer = () =>
      serverCredentials({
        insecure: false,
        tlsCert: certs.serverCert,
        tlsKey: certs.serverKey,
        tlsCa: certs.caCert,
      });

    it('streams over mutual TLS with a client certificate from the trusted CA', async (t) => {
      const collector = new FakeCollector();
      const port = await collector.start(mtlsServer());
      t.after(() => {
        collector.stop();
      });
      const security: TransportSecurity = {
        insecure: false,
        tlsCa: certs.caCert,
        tlsCert: certs.clientCert,
        tlsKey: certs.clientKey,
      };
      const { exporter, spool } = await harness(port, {
        credentials: () => channelCredentials(security),
      });
      exporter.start();
      exporter.flow(flow(1));
      exporter.flush();
      await waitFor('acked over mTLS', () => spool.length === 0);
      await exporter.stop();
    });

    it('is refused with a client certificate from a foreign CA, and without one', async (t) => {
      const collector = new FakeCollector();
      const port = await collector.start(mtlsServer());
      t.after(() => {
        collector.stop();
      });
      for (const security of [
        {
          insecure: false,
          tlsCa: certs.caCert,
          tlsCert: certs.foreignClientCert,
          tlsKey: certs.foreignClientKey,
        },
        { insecure: false, tlsCa: certs.caCert },
      ]) {
        const { exporter, spool, metrics } = await harness(port, {
          credentials: () => channelCredentials(security),
          stopTimeoutMs: 50,
        });
        exporter.start();
        exporter.flow(flow(1));
        exporter.flush();
        await waitFor(
          'a failed stream',
          async () => (await metric(metrics, 'snatscope_agent_export_errors_total')) >= 1,
        );
        assert.equal(collector.received.length, 0, 'the server never saw a message');
        assert.equal(spool.length, 1);
        await exporter.stop();
      }
    });

    it('sends the bearer token as metadata', async (t) => {
      const collector = new FakeCollector({ token: 's3cret' });
      const port = await collector.start();
      t.after(() => {
        collector.stop();
      });
      const { exporter, spool } = await harness(port, { token: () => 's3cret' });
      exporter.start();
      exporter.flow(flow(1));
      exporter.flush();
      await waitFor('acked', () => spool.length === 0);
      assert.deepEqual(collector.tokens, ['s3cret']);
      await exporter.stop();
    });

    it('backs off and counts UNAUTHENTICATED, logging that credentials were refused', async (t) => {
      const collector = new FakeCollector({ token: 's3cret' });
      const port = await collector.start();
      t.after(() => {
        collector.stop();
      });
      const { exporter, metrics, lines } = await harness(port, {
        token: () => 'wrong',
        // Always the full ceiling: 100, 200, 400 ms...
        random: () => 0.999_999,
        backoff: { initialMs: 100, maxMs: 10_000, multiplier: 2 },
        stopTimeoutMs: 0,
      });
      exporter.start();
      exporter.flow(flow(1));
      await waitFor('three attempts', () => collector.tokens.length >= 3, 10_000);
      const [first = 0, second = 0, third = 0] = collector.attemptTimes;
      // Without backoff the retries would come at once; with it each waits its full ceiling
      // (timers never fire early; a small allowance for the two clocks' rounding).
      assert.ok(second - first >= 95, `second attempt ${second - first} ms after the first`);
      assert.ok(third - second >= 195, `third attempt ${third - second} ms after the second`);
      assert.ok(
        (await metric(metrics, 'snatscope_agent_export_errors_total', {
          code: 'UNAUTHENTICATED',
        })) >= 2,
      );
      const refused = lines.filter((line) =>
        line.msg.startsWith('collector refused our credentials'),
      );
      assert.ok(refused.length >= 1);
      assert.equal(refused[0]?.level, 50, 'logged as an error');
      await exporter.stop();
    });
  });
});
