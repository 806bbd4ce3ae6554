// The continuous agent without root or tools: the Agent class and its pipeline polling a fake
// NodeReader (canned rules and conntrack lines of lab node n1, an event stream the test drives),
// against a minimal Ingest server on loopback for the hello.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { Agent } from '../../agent/agent.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { AgentPipeline, type PipelineConfig, type RecordSink } from '../../agent/pipeline.js';
import {
  COLLECTOR_SERVER_OPTIONS,
  ingestServiceDefinition,
  type IngestRequest,
  type IngestServerStream,
} from '../../common/ingest-rpc.js';
import { ToolError } from '../../agent/sources/exec.js';
import { recordConnectionKey } from '../../proto/identity.js';
import { v1 } from '../../proto/index.js';
import { fakeNodeReader, labRules, PIPELINE_CONFIG } from '../support/agent-parts.js';
import { eventually } from '../support/daemon.js';

const silent = pino({ level: 'silent' });

/** A sink that keeps what the pipeline emits. */
class CollectingSink implements RecordSink {
  readonly flows: v1.IFlowRecord[] = [];
  snapshots = 0;
  services(): void {
    this.snapshots++;
  }
  flow(record: v1.IFlowRecord): void {
    this.flows.push(record);
  }
  flush(): void {
    // Records are kept as they come.
  }
  take(): v1.IFlowRecord[] {
    return this.flows.splice(0);
  }
}

async function counter(metrics: AgentMetrics, name: string, labels: Record<string, string>) {
  const metric = (await metrics.registry.getSingleMetric(name)?.get()) ?? { values: [] };
  const match = metric.values.find((v) =>
    Object.entries(labels).every(([k, value]) => v.labels[k] === value),
  );
  return match?.value ?? 0;
}

async function labConntrack(): Promise<string[]> {
  const text = await readFile('test/fixtures/lab-n1-conntrack-L-extended-id.txt', 'utf8');
  return text.split('\n').filter((line) => line !== '');
}

describe('agent pipeline on a fake node', () => {
  it('reports each flow when it appears and once more when its entry is gone', async () => {
    const { reader, rules, conntrack } = await fakeNodeReader();
    rules.text = await labRules();
    conntrack.lines = await labConntrack();
    const sink = new CollectingSink();
    const pipeline = new AgentPipeline(reader, PIPELINE_CONFIG, sink, new AgentMetrics(), silent);

    await pipeline.pollOnce();
    const opened = sink.take();
    assert.equal(opened.length, conntrack.lines.length, 'one record per NodePort entry');
    assert.ok(opened.every((r) => r.closed === false && r.node === 'n1'));

    await pipeline.pollOnce();
    assert.deepEqual(sink.take(), [], 'a flow still there is not reported again');

    // A failed dump says nothing about which flows ended.
    const gone = conntrack.lines.splice(1, 1);
    conntrack.failing = true;
    await pipeline.pollOnce();
    assert.deepEqual(sink.take(), []);

    conntrack.failing = false;
    await pipeline.pollOnce();
    const closed = sink.take();
    assert.equal(closed.length, 1, `closed: ${JSON.stringify(closed)}`);
    assert.equal(closed[0]?.closed, true);
    const ended = opened.find((r) => gone[0]?.includes(`id=${r.conntrackId}`));
    assert.ok(ended, 'the removed line was reported when it opened');
    assert.equal(recordConnectionKey(closed[0]), recordConnectionKey(ended));
  });
});

/** The event line conntrack -E prints for a table line (`-o extended,id`). */
const event = (type: 'NEW' | 'DESTROY', line: string): string => `[${type}] ${line}`;

/** A pipeline following events on the fake node n1; it never polls by itself after the first. */
async function eventsPipeline(overrides: Partial<PipelineConfig> = {}) {
  const node = await fakeNodeReader();
  node.rules.text = await labRules();
  const metrics = new AgentMetrics();
  const sink = new CollectingSink();
  const config = {
    ...PIPELINE_CONFIG,
    pollIntervalMs: 3_600_000,
    reconcileIntervalMs: 3_600_000,
    events: true,
    eventBufferBytes: 65_536,
    ...overrides,
  };
  const pipeline = new AgentPipeline(node.reader, config, sink, metrics, silent);
  const table = await labConntrack();
  return { ...node, metrics, sink, pipeline, table };
}

const reconciliations = (metrics: AgentMetrics, reason: string) =>
  counter(metrics, 'snatscope_agent_reconciliations_total', { reason });

describe('agent pipeline following conntrack events', () => {
  it('opens flows on NEW and closes them on DESTROY without reading the table again', async () => {
    const { pipeline, sink, events, conntrack, metrics, table } = await eventsPipeline();
    pipeline.start();
    try {
      await pipeline.firstPoll;
      assert.equal(events.started, 1);
      assert.equal(events.bufferBytes, 65_536);
      assert.equal(conntrack.reads, 1, 'the start reconciliation');
      assert.equal(await reconciliations(metrics, 'start'), 1);
      assert.equal(await reconciliations(metrics, 'timer'), 0);
      for (const line of table) events.emit(event('NEW', line));
      // A flow the agent does not report (no Service) is parsed and dropped.
      events.emit(
        '[NEW] ipv4     2 tcp      6 120 SYN_SENT src=198.51.100.50 dst=198.51.100.60 sport=1 dport=2 [UNREPLIED] src=198.51.100.60 dst=198.51.100.50 sport=2 dport=1 id=7',
      );
      const opened = sink.take();
      assert.equal(opened.length, table.length, 'one open record per NodePort entry');
      assert.ok(opened.every((r) => r.closed === false && r.node === 'n1'));
      events.emit(event('NEW', table[0] ?? ''));
      assert.deepEqual(sink.take(), [], 'a repeated NEW is not reported twice');

      const destroyed = table[1] ?? '';
      events.emit(event('DESTROY', destroyed));
      const closed = sink.take();
      assert.equal(closed.length, 1);
      assert.equal(closed[0]?.closed, true);
      const ended = opened.find((r) => destroyed.endsWith(`id=${r.conntrackId}`));
      assert.ok(ended);
      assert.equal(recordConnectionKey(closed[0]), recordConnectionKey(ended));
      const counters = closed[0].originalCounters;
      assert.ok(counters, 'the counters of the DESTROY');
      assert.equal(Number(counters.packets), 4);
      assert.equal(conntrack.reads, 1, 'events alone, no table read');
      assert.equal(
        await counter(metrics, 'snatscope_agent_conntrack_events_total', { type: 'NEW' }),
        table.length + 2,
      );
      assert.equal(
        await counter(metrics, 'snatscope_agent_conntrack_events_total', { type: 'DESTROY' }),
        1,
      );
    } finally {
      await pipeline.stop();
    }
  });

  it('numbers the entries of a recycled id and tuple: a TIME_WAIT reopen is a second connection', async () => {
    const { pipeline, sink, events, table } = await eventsPipeline();
    pipeline.start();
    try {
      await pipeline.firstPoll;
      sink.take();
      const line = table[0] ?? '';
      // A SYN reopening the TIME_WAIT entry: the kernel destroys it and creates one with the same
      // id and tuple (the id hashes the entry's address and tuples; the freed slot is reused).
      for (const type of ['NEW', 'DESTROY', 'NEW', 'DESTROY', 'NEW'] as const) {
        events.emit(event(type, line));
      }
      const records = sink.take();
      assert.deepEqual(
        records.map((r) => [r.closed === true ? 'closed' : 'open', r.incarnation ?? 0]),
        [
          ['open', 0],
          ['closed', 0],
          ['open', 1],
          ['closed', 1],
          ['open', 2],
        ],
      );
      const keys = records.map((r) => recordConnectionKey(r));
      assert.equal(keys[0], keys[1], 'open and close of one entry share the identity');
      assert.equal(keys[2], keys[3]);
      assert.equal(new Set(keys).size, 3, 'three entries, three identities');
    } finally {
      await pipeline.stop();
    }
  });

  it('under overload reports 1 in N flows (N in the record), counts every flow per Service, closes only reported ones', async () => {
    const {
      pipeline,
      sink,
      events,
      conntrack,
      metrics,
      table: lab,
    } = await eventsPipeline({
      maxFlowRate: 2,
    });
    // 200 connections like the lab's TIME_WAIT one, each with its own port and id.
    const model = lab.find((line) => line.includes(' tcp ')) ?? '';
    const table = Array.from({ length: 200 }, (_, i) =>
      model
        .replace(/sport=46918/, `sport=${20_000 + i}`)
        .replace(/dport=36388/, `dport=${20_000 + i}`)
        .replace(/id=\d+/, `id=${1000 + i}`),
    );
    pipeline.start();
    try {
      await pipeline.firstPoll;
      sink.take();
      for (const line of table) events.emit(event('NEW', line));
      const opened = sink.take();
      assert.ok(opened.length < table.length, `${opened.length} of ${table.length} reported`);
      // The burst allowance first (a few seconds of budget), then 1 in N.
      const firstSampled = opened.findIndex((r) => (r.sampleRate ?? 0) >= 2);
      assert.ok(firstSampled >= 2, `the budget is reported in full (${firstSampled})`);
      assert.ok(opened.slice(firstSampled).every((r) => (r.sampleRate ?? 0) >= 2));
      const sampledOut = await counter(metrics, 'snatscope_agent_flows_sampled_out_total', {
        kind: 'flow',
      });
      assert.equal(sampledOut + opened.length, table.length);
      const perService = await metrics.registry
        .getSingleMetric('snatscope_agent_service_flows_total')
        ?.get();
      const counted = (perService?.values ?? []).reduce((sum, v) => sum + v.value, 0);
      assert.equal(counted, table.length, 'per-Service counts are exact');
      assert.ok((await counter(metrics, 'snatscope_agent_sample_rate', {})) >= 2);

      // Closing every flow reports the close of the reported ones only; a table read that lists
      // sampled-out flows does not report them either (they are tracked).
      conntrack.lines = [...table];
      const before = pipeline.lastGoodPollAtMs;
      events.emitStderr('WARNING: We have hit ENOBUFS! We are losing events.');
      // The read is over when the poll that did it ended well.
      await eventually(
        () => (pipeline.lastGoodPollAtMs !== before ? true : undefined),
        'the reconciliation after the loss',
      );
      assert.equal(await reconciliations(metrics, 'lost-events'), 1);
      assert.deepEqual(sink.take(), [], 'a reconciliation does not report sampled-out flows');
      for (const line of table) events.emit(event('DESTROY', line));
      const closed = sink.take();
      assert.equal(closed.length, opened.length);
      assert.ok(closed.every((r) => r.closed === true));
    } finally {
      await pipeline.stop();
    }
  });

  it('after lost events reads the table: finds flows whose NEW was lost, closes those whose DESTROY was', async () => {
    const { pipeline, sink, events, conntrack, metrics, table } = await eventsPipeline();
    const [a = '', b = '', c = ''] = table;
    pipeline.start();
    try {
      await pipeline.firstPoll;
      events.emit(event('NEW', a));
      events.emit(event('NEW', b));
      assert.equal(sink.take().length, 2);
      // a ended and c started while the kernel dropped events.
      conntrack.lines = [b, c];
      events.emitStderr('WARNING: We have hit ENOBUFS! We are losing events.');
      assert.equal(await counter(metrics, 'snatscope_agent_lost_events_total', {}), 1);
      const records = await eventually(() => {
        const taken = sink.flows.length >= 2 ? sink.take() : [];
        return taken.length > 0 ? taken : undefined;
      }, 'the reconciliation after the loss');
      assert.equal(await reconciliations(metrics, 'lost-events'), 1);
      const opened = records.filter((r) => !r.closed);
      const closed = records.filter((r) => r.closed);
      assert.equal(opened.length, 1);
      assert.ok(c.includes(`id=${opened[0]?.conntrackId}`), 'the flow whose NEW was lost');
      assert.equal(closed.length, 1);
      assert.ok(a.includes(`id=${closed[0]?.conntrackId}`), 'the flow whose DESTROY was lost');
    } finally {
      await pipeline.stop();
    }
  });

  it('restarts a dead event stream and reads the table after it', async () => {
    const { pipeline, sink, events, conntrack, metrics, table } = await eventsPipeline();
    pipeline.start();
    try {
      await pipeline.firstPoll;
      conntrack.lines = table.slice(0, 2);
      events.exit(new ToolError('conntrack', ['-E'], 'signal', 'killed by SIGKILL'));
      await eventually(() => (events.started === 2 ? true : undefined), 'a restarted stream');
      await eventually(
        async () => ((await reconciliations(metrics, 'restart')) === 1 ? true : undefined),
        'a reconciliation after the restart',
      );
      await eventually(() => (sink.flows.length === 2 ? true : undefined), 'the flows of the gap');
      assert.equal(await counter(metrics, 'snatscope_agent_event_stream_restarts_total', {}), 1);
      assert.equal(
        await counter(metrics, 'snatscope_agent_tool_failures_total', {
          tool: 'conntrack',
          failure: 'signal',
        }),
        1,
      );
      // Events flow again through the new stream.
      events.emit(event('NEW', table[2] ?? ''));
      assert.equal(sink.flows.length, 3);
    } finally {
      await pipeline.stop();
    }
  });

  it('neither loses nor repeats flows whose events come while the table is read', async () => {
    const { pipeline, sink, events, conntrack, table } = await eventsPipeline();
    const [a = '', b = '', c = ''] = table;
    // A fourth connection: c's client from another port.
    const d = c.replace(/ sport=\d+/, ' sport=49999').replace(/id=\d+/, 'id=99');
    const id = (line: string) => /id=(\d+)/.exec(line)?.[1];
    pipeline.start();
    try {
      await pipeline.firstPoll;
      events.emit(event('NEW', d));
      assert.equal(sink.take().length, 1);
      // The dump lists a, then b and d, whose DESTROY events come before their (stale) lines; c
      // starts after the dump passed its slot.
      conntrack.lines = [a, b, d];
      conntrack.afterLine = (index) => {
        if (index !== 0) return;
        events.emit(event('NEW', a));
        events.emit(event('DESTROY', b));
        events.emit(event('DESTROY', d));
        events.emit(event('NEW', c));
      };
      events.emitStderr('WARNING: We have hit ENOBUFS! We are losing events.');
      await eventually(() => (conntrack.reads === 2 ? true : undefined), 'the reconciliation');
      await pipeline.stop();
      const records = sink.take().map((r) => `${r.closed ? 'closed' : 'open'} ${r.conntrackId}`);
      assert.deepEqual(
        records.sort(),
        [
          `closed ${id(b)}`,
          `closed ${id(d)}`,
          `open ${id(a)}`,
          `open ${id(b)}`,
          `open ${id(c)}`,
        ].sort(),
      );
    } finally {
      await pipeline.stop();
    }
  });

  it('reads the table again on the reconcile timer, not on every poll', async () => {
    const { reader, rules, conntrack } = await fakeNodeReader();
    rules.text = await labRules();
    const metrics = new AgentMetrics();
    const config = {
      ...PIPELINE_CONFIG,
      pollIntervalMs: 10,
      reconcileIntervalMs: 300,
      events: true,
    };
    const pipeline = new AgentPipeline(reader, config, new CollectingSink(), metrics, silent);
    const started = Date.now();
    pipeline.start();
    try {
      await eventually(
        async () => ((await reconciliations(metrics, 'timer')) >= 1 ? true : undefined),
        'a timer reconciliation',
      );
      assert.ok(Date.now() - started >= 300, 'not before the interval');
      const polls = await counter(metrics, 'snatscope_agent_polls_total', { trigger: 'timer' });
      assert.ok(polls > conntrack.reads, `${polls} polls, ${conntrack.reads} table reads`);
    } finally {
      await pipeline.stop();
    }
  });

  it('polls the table when the node reader has no events', async () => {
    const { reader, rules, conntrack } = await fakeNodeReader();
    rules.text = await labRules();
    conntrack.lines = (await labConntrack()).slice(0, 1);
    // A support bundle's reader: no live events.
    const withoutEvents = { ...reader };
    delete withoutEvents.conntrackEvents;
    const sink = new CollectingSink();
    const config = { ...PIPELINE_CONFIG, pollIntervalMs: 3_600_000, events: true };
    const pipeline = new AgentPipeline(withoutEvents, config, sink, new AgentMetrics(), silent);
    pipeline.start();
    try {
      await pipeline.firstPoll;
      assert.equal(sink.take().length, 1);
      await pipeline.pollOnce();
      assert.equal(conntrack.reads, 2, 'every poll reads the table');
    } finally {
      await pipeline.stop();
    }
  });
});

/** An Ingest server that keeps the hellos it receives and acks everything. */
async function helloRecorder(): Promise<{ hellos: v1.IAgentHello[]; port: number; stop(): void }> {
  const hellos: v1.IAgentHello[] = [];
  const server = new grpc.Server(COLLECTOR_SERVER_OPTIONS);
  server.addService(ingestServiceDefinition, {
    Stream: (call: IngestServerStream) => {
      call.on('data', (request: IngestRequest) => {
        if (!request.ok) return;
        const { hello, batch, services } = request.message;
        if (hello) hellos.push(hello);
        const sequence = batch?.sequence ?? services?.sequence ?? 0;
        call.write({ ack: { sequence } });
      });
      call.on('end', () => call.end());
      call.on('error', () => undefined);
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error) reject(error);
      else resolve(bound);
    });
  });
  return {
    hellos,
    port,
    stop: () => {
      server.forceShutdown();
    },
  };
}

describe('Agent', () => {
  for (const mode of ['iptables', 'nftables'] as const) {
    it(`says in its hello the proxy mode it detected (${mode})`, async () => {
      const { reader, rules, nft } = await fakeNodeReader();
      if (mode === 'iptables') rules.text = await labRules();
      else nft.text = await readFile('test/fixtures/lab-nft-n1-nft.json', 'utf8');
      const collector = await helloRecorder();
      const agent = await Agent.create(
        {
          nodeName: 'n1',
          nodeIps: [],
          podCidrs: [],
          pollIntervalMs: 3_600_000,
          events: false,
          reconcileIntervalMs: 300_000,
          eventBufferBytes: 8 * 1024 * 1024,
          collector: {
            addresses: [`127.0.0.1:${collector.port}`],
            security: { insecure: true, tokenFile: null },
            spoolDir: null,
            spoolMaxRecords: 1000,
            batchSize: 500,
            batchDelayMs: 10,
          },
          metricsListen: null,
          kubeApi: null,
        },
        reader,
        silent,
      );
      try {
        await agent.start();
        const hello = await eventually(() => collector.hellos[0], 'a hello');
        assert.equal(hello.proxyMode, v1.ProxyMode[mode]);
        assert.equal(hello.node, 'n1');
      } finally {
        await agent.stop();
        collector.stop();
      }
    });
  }
});
