// Two ClickHouse servers as the two shards of a cluster (remote_servers, no ZooKeeper), one
// store per shard as two collectors would have: each writes to its own shard and reads all of
// them through Distributed tables. The groundwork of "several collectors, one truth".
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { v1 } from '../../proto/index.js';
import { openClickHouseStore, type ClickHouseFlowStore } from '../../collector/clickhouse-store.js';
import { startClickHouseCluster, type ClickHouseTestServer } from '../support/clickhouse-server.js';

let servers: ClickHouseTestServer[] = [];
const stores: ClickHouseFlowStore[] = [];

before(async () => {
  servers = await startClickHouseCluster(2);
});
after(async () => {
  for (const store of stores) await store.close();
  for (const server of servers) await server.stop();
});

async function storeOn(shard: number): Promise<ClickHouseFlowStore> {
  const server = servers[shard];
  if (server === undefined) throw new Error(`no shard ${shard}`);
  const store = await openClickHouseStore({
    ...server.storeOptions('shared'),
    cluster: 'snatscope',
  });
  stores.push(store);
  return store;
}

const entry: v1.IFlowRecord = {
  kind: v1.FlowRecord.Kind.flow,
  node: 'n1',
  protocol: 'tcp',
  client: { ip: '198.51.100.7', port: 40000 },
  entry: { ip: '192.0.2.10', port: 30080 },
  backend: { ip: '10.244.1.7', port: 8080 },
  observedSource: { ip: '192.0.2.10', port: 40000 },
  snat: true,
  state: 'ESTABLISHED',
  conntrackId: 5,
  observedAt: 1_000,
  service: { namespace: 'shop', name: 'api', port: 'http' },
};

it('answers the same from either shard: rows, sequences, merges across shards, prune', async () => {
  const a = await storeOn(0);
  const b = await storeOn(1);
  const batch = { node: 'n1', bootId: 'b1', sequence: 1, flows: [entry], services: null };
  assert.deepEqual(await a.write([batch], []), ['stored']);
  // The agent fails over to the collector on the other shard and replays: a duplicate there.
  assert.equal(await b.lastSequence('n1', 'b1'), 1);
  assert.deepEqual(await b.write([batch], []), ['duplicate']);
  // The closed record and the backend link land on the other shard: one connection, merged.
  const closed: v1.IFlowRecord = {
    kind: v1.FlowRecord.Kind.flow,
    node: 'n1',
    protocol: 'tcp',
    conntrackId: 5,
    client: entry.client,
    entry: entry.entry,
    closed: true,
    observedAt: 1_060,
  };
  await b.write(
    [{ ...batch, sequence: 2, flows: [closed] }],
    [{ entry, backendNode: 'n2', socketObserved: { ip: '198.51.100.7', port: 40000 } }],
  );
  for (const store of [a, b]) {
    const { flows } = await store.queryFlows({ client: '198.51.100.7', limit: 10 });
    const [merged] = flows;
    assert.equal(flows.length, 1);
    assert.equal(merged?.closed, true);
    assert.equal(merged.backendNode, 'n2');
    assert.equal(merged.observedAt, 1_000);
    assert.equal(merged.service?.name, 'api');
    assert.equal((await store.queryFlows({ node: 'n2', limit: 10 })).flows.length, 1);
    assert.equal(await store.countFlows(), 1);
    assert.equal(await store.lastSequence('n1', 'b1'), 2);
  }
  // Service snapshots written through different shards: the latest per node wins.
  const state = (name: string): v1.IServiceState => ({
    node: 'n1',
    service: { namespace: 'shop', name, port: 'http' },
    protocol: 'tcp',
  });
  await a.write(
    [{ node: 'n1', bootId: 'b1', sequence: 3, flows: [], services: [state('old')] }],
    [],
  );
  await b.write(
    [{ node: 'n1', bootId: 'b1', sequence: 4, flows: [], services: [state('new')] }],
    [],
  );
  assert.deepEqual(
    (await a.serviceStates()).map((s) => s.service?.name),
    ['new'],
  );
  // Each collector prunes its own shard; "last seen" is decided over both.
  assert.equal(await a.prune(1_030), 0);
  assert.equal(await b.prune(1_030), 0);
  assert.equal(await a.countFlows(), 1);
  assert.equal(await a.prune(2_000), 1); // the open record's row is on shard a
  assert.equal(await b.prune(2_000), 1); // the closed record's row is on shard b
  assert.equal(await b.countFlows(), 0);
});

it('stitches in the store the halves that reached different collectors', async () => {
  const a = await storeOn(0);
  const b = await storeOn(1);
  // Entry half on n1 via the collector of shard 0; its backend half on n2 via shard 1. Neither
  // collector saw both, so neither record names the other node.
  const half: v1.IFlowRecord = {
    kind: v1.FlowRecord.Kind.backend,
    node: 'n2',
    protocol: 'tcp',
    backend: { ip: '10.244.2.9', port: 8080 },
    observedSource: { ip: '192.0.2.10', port: 41000 },
    state: 'ESTABLISHED',
    conntrackId: 77,
    observedAt: 5_000.5,
    backendNode: 'n2',
    socketObserved: { ip: '192.0.2.10', port: 41000 },
  };
  const far: v1.IFlowRecord = {
    ...entry,
    conntrackId: 76,
    client: { ip: '203.0.113.50', port: 41000 },
    backend: { ip: '10.244.2.9', port: 8080 },
    observedSource: { ip: '192.0.2.10', port: 41000 },
    observedAt: 5_000,
    endpointLocal: false,
  };
  // Same join key, but far outside the window: an older connection that reused the port.
  const stale = { ...half, conntrackId: 78, observedAt: 9_000 };
  await a.write([{ node: 'n1', bootId: 'b2', sequence: 1, flows: [far], services: null }], []);
  await b.write(
    [{ node: 'n2', bootId: 'b2', sequence: 1, flows: [half, stale], services: null }],
    [],
  );
  assert.equal((await a.queryFlows({ node: 'n2', limit: 10 })).flows.length, 0);
  assert.equal(await a.stitchAcross(4_000, 120), 2);
  assert.equal(await b.stitchAcross(4_000, 120), 0); // another replica finds nothing left to do
  const [linked] = (await b.queryFlows({ client: '203.0.113.50', limit: 10 })).flows;
  assert.equal(linked?.backendNode, 'n2');
  assert.deepEqual(linked.socketObserved, { ip: '192.0.2.10', port: 41000 });
  const backends = (await a.queryFlows({ node: 'n2', includeBackend: true, limit: 10 })).flows;
  const byCt = new Map(backends.map((r) => [r.conntrackId, r]));
  assert.equal(byCt.get(77)?.entryNode, 'n1');
  assert.equal(byCt.get(78)?.entryNode, undefined);
  assert.equal(await a.countFlows(), 3);
});
