// The socket join: records and passive opens in either order, the local-endpoint filter, a
// rewritten peer, UDP, and the bounds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { AgentMetrics } from '../../agent/metrics.js';
import type { RecordSink } from '../../agent/pipeline.js';
import { SocketJoin } from '../../agent/socket-join.js';
import { v1 } from '../../proto/index.js';

const { Kind } = v1.FlowRecord;

class Collecting implements RecordSink {
  flows: v1.IFlowRecord[] = [];
  services(): void {}
  flow(record: v1.IFlowRecord): void {
    this.flows.push(record);
  }
  flush(): void {}
}

const backendHalf = (overrides: v1.IFlowRecord = {}): v1.IFlowRecord => ({
  kind: Kind.backend,
  node: 'n2',
  protocol: 'tcp',
  backend: { ip: '10.244.2.10', port: 8080 },
  observedSource: { ip: '203.0.113.11', port: 51539 },
  endpointLocal: true,
  closed: false,
  ...overrides,
});

const open = { serverIp: '10.244.2.10', serverPort: 8080, peerIp: '203.0.113.11', peerPort: 51539 };

function setup(options: { ttlMs?: number; maxEntries?: number } = {}) {
  const sink = new Collecting();
  const metrics = new AgentMetrics();
  let now = 0;
  const join = new SocketJoin(sink, metrics, pino({ level: 'silent' }), {
    ...options,
    now: () => now,
  });
  const state: v1.IServiceState = {
    endpoints: [
      { ip: '10.244.2.10', port: 8080, local: true },
      { ip: '10.244.3.10', port: 8080, local: false },
    ],
  };
  join.services([state], [state]);
  const count = async (name: string, labels: Record<string, string> = {}) => {
    const metric = (await metrics.registry.getSingleMetric(name)?.get())?.values ?? [];
    const found = metric.find((v) =>
      Object.entries(labels).every(([k, value]) => v.labels[k] === value),
    );
    return found?.value ?? 0;
  };
  return { sink, join, count, advance: (ms: number) => (now += ms) };
}

describe('SocketJoin', () => {
  it('socket first: the record leaves with socketObserved', async () => {
    const { sink, join, count } = setup();
    join.socket(open);
    join.flow(backendHalf());
    assert.deepEqual(sink.flows[0]?.socketObserved, { ip: '203.0.113.11', port: 51539 });
    assert.equal(await count('snatscope_agent_socket_events_total', { result: 'joined' }), 1);
    assert.equal(await count('snatscope_agent_socket_mismatch_total'), 0);
  });

  it('record first (late join): the record is sent again with socketObserved', async () => {
    const { sink, join, count } = setup();
    join.flow(backendHalf());
    assert.equal(sink.flows[0]?.socketObserved, undefined);
    join.socket(open);
    assert.equal(sink.flows.length, 2);
    assert.equal(sink.flows[0]?.socketObserved, undefined, 'the first record is not changed');
    assert.deepEqual(sink.flows[1], {
      ...backendHalf(),
      socketObserved: { ip: '203.0.113.11', port: 51539 },
    });
    assert.equal(await count('snatscope_agent_socket_events_total', { result: 'late' }), 1);
    join.socket(open);
    assert.equal(sink.flows.length, 2, 'joined once');
  });

  it('entry flows with a local endpoint join; remote endpoints and UDP do not', () => {
    const { sink, join } = setup();
    const local = backendHalf({ kind: Kind.flow, client: { ip: '198.51.100.50', port: 1 } });
    join.socket(open);
    join.flow(local);
    assert.deepEqual(local.socketObserved, { ip: '203.0.113.11', port: 51539 });
    const udp = backendHalf({ protocol: 'udp' });
    join.socket(open);
    join.flow(udp);
    assert.equal(udp.socketObserved, undefined);
    const remote = backendHalf({ kind: Kind.flow, endpointLocal: false });
    join.flow(remote);
    assert.equal(remote.socketObserved, undefined);
    assert.equal(sink.flows.length, 3);
  });

  it('keeps only sockets of local endpoints', async () => {
    const { join, count } = setup();
    join.socket({ ...open, serverIp: '10.244.3.10' });
    join.socket({ ...open, serverPort: 9999 });
    assert.equal(join.size.sockets, 0);
    assert.equal(await count('snatscope_agent_socket_events_total', { result: 'not-local' }), 2);
  });

  it('a peer other than conntrack’s source is joined by port, counted and kept', async () => {
    const { sink, join, count } = setup();
    join.flow(backendHalf());
    join.socket({ ...open, peerIp: '192.0.2.99' });
    assert.deepEqual(sink.flows[1]?.socketObserved, { ip: '192.0.2.99', port: 51539 });
    assert.equal(await count('snatscope_agent_socket_mismatch_total'), 1);
  });

  it('forgets sockets and waiting records after the TTL, and the oldest past the size', () => {
    const { sink, join, advance } = setup({ ttlMs: 1000, maxEntries: 2 });
    join.socket(open);
    advance(1001);
    join.flow(backendHalf());
    assert.equal(sink.flows[0]?.socketObserved, undefined, 'socket expired');
    advance(1001);
    join.socket(open);
    assert.equal(sink.flows.length, 1, 'waiting record expired');
    for (let port = 1; port <= 3; port++) join.socket({ ...open, peerPort: port });
    assert.equal(join.size.sockets, 2);
    join.flow(backendHalf({ observedSource: { ip: '203.0.113.11', port: 1 } }));
    assert.equal(sink.flows.at(-1)?.socketObserved, undefined, 'the oldest was dropped');
  });
});
