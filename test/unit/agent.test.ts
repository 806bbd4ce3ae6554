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
import { AgentPipeline, type RecordSink } from '../../agent/pipeline.js';
import {
  COLLECTOR_SERVER_OPTIONS,
  ingestServiceDefinition,
  type IngestRequest,
  type IngestServerStream,
} from '../../common/ingest-rpc.js';
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

    await pipeline.pollOnce('timer');
    const opened = sink.take();
    assert.equal(opened.length, conntrack.lines.length, 'one record per NodePort entry');
    assert.ok(opened.every((r) => r.closed === false && r.node === 'n1'));

    await pipeline.pollOnce('timer');
    assert.deepEqual(sink.take(), [], 'a flow still there is not reported again');

    // A failed dump says nothing about which flows ended.
    const gone = conntrack.lines.splice(1, 1);
    conntrack.failing = true;
    await pipeline.pollOnce('timer');
    assert.deepEqual(sink.take(), []);

    conntrack.failing = false;
    await pipeline.pollOnce('timer');
    const closed = sink.take();
    assert.equal(closed.length, 1, `closed: ${JSON.stringify(closed)}`);
    assert.equal(closed[0]?.closed, true);
    const ended = opened.find((r) => gone[0]?.includes(`id=${r.conntrackId}`));
    assert.ok(ended, 'the removed line was reported when it opened');
    assert.equal(recordConnectionKey(closed[0]), recordConnectionKey(ended));
  });

  it('polls sooner after a conntrack event and counts lost events', async () => {
    const { reader, rules, events } = await fakeNodeReader();
    rules.text = await labRules();
    const metrics = new AgentMetrics();
    const config = { ...PIPELINE_CONFIG, pollIntervalMs: 3_600_000, events: true };
    const pipeline = new AgentPipeline(reader, config, new CollectingSink(), metrics, silent);
    pipeline.start();
    try {
      await pipeline.firstPoll;
      assert.equal(events.started, 1);
      events.emit('[NEW] tcp 6 120 SYN_SENT src=198.51.100.50 dst=203.0.113.11 id=1');
      await eventually(
        async () =>
          (await counter(metrics, 'snatscope_agent_polls_total', { trigger: 'event' })) === 1 ||
          undefined,
        'a poll triggered by the event',
      );
      events.emitStderr('conntrack v1.4.7 (conntrack-tools): Operation failed: ENOBUFS');
      assert.equal(await counter(metrics, 'snatscope_agent_lost_events_total', {}), 1);
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
          collector: {
            address: `127.0.0.1:${collector.port}`,
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
