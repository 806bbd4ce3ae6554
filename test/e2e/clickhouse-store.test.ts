// ClickHouseFlowStore against a real server (Debian's clickhouse-server, started as root from a
// temporary config by test/support/clickhouse-server.ts): round trip, dedupe by sequence, merge
// of a connection's records and links, every query filter, keyset pages, service states, prune,
// and a second store instance on the same database (what several collectors do).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { v1 } from '../../proto/index.js';
import type { ClickHouseFlowStore, FlowCursor } from '../../collector/clickhouse-store.js';
import type { StoreBatch } from '../../collector/store.js';
import { startClickHouse, type ClickHouseTestServer } from '../support/clickhouse-server.js';

const { Kind, Cause, EntryKind } = v1.FlowRecord;
let server: ClickHouseTestServer;
const stores: ClickHouseFlowStore[] = [];

before(async () => {
  server = await startClickHouse();
});
after(async () => {
  for (const store of stores) await store.close();
  await server?.stop();
});

async function newStore(): Promise<ClickHouseFlowStore> {
  const store = await server.newStore();
  stores.push(store);
  return store;
}

function canonical(record: v1.IFlowRecord): Record<string, unknown> {
  return v1.FlowRecord.toObject(v1.FlowRecord.fromObject(record), { defaults: true });
}

async function all(store: ClickHouseFlowStore): Promise<v1.IFlowRecord[]> {
  const records: v1.IFlowRecord[] = [];
  for await (const record of store.flowsSince(Number.NEGATIVE_INFINITY)) records.push(record);
  return records;
}

function batch(node: string, sequence: number, flows: v1.IFlowRecord[], bootId = 'b1'): StoreBatch {
  return { node, bootId, sequence, flows, services: null };
}

function flow(fields: {
  node?: string;
  client?: string;
  clientPort?: number;
  service?: [string, string, string];
  at: number;
  ct?: number;
  kind?: v1.FlowRecord.Kind;
  backendNode?: string;
  entryNode?: string;
}): v1.IFlowRecord {
  const record: v1.IFlowRecord = {
    kind: fields.kind ?? Kind.flow,
    node: fields.node ?? 'n1',
    protocol: 'tcp',
    client: { ip: fields.client ?? '203.0.113.1', port: fields.clientPort ?? 40000 },
    entry: { ip: '192.0.2.10', port: 30080 },
    entryKind: EntryKind.NodePort,
    backend: { ip: '10.244.1.7', port: 8080 },
    observedSource: { ip: '192.0.2.10', port: fields.clientPort ?? 40000 },
    snat: true,
    cause: Cause.ClusterPolicyMasquerade,
    state: 'ESTABLISHED',
    conntrackId: fields.ct ?? 1,
    observedAt: fields.at,
  };
  if (fields.service) {
    const [namespace, name, port] = fields.service;
    record.service = { namespace, name, port };
  }
  if (fields.backendNode !== undefined) record.backendNode = fields.backendNode;
  if (fields.entryNode !== undefined) record.entryNode = fields.entryNode;
  return record;
}

// Round trip arbitraries (as the SQLite store's test draws them; ports are 16 bits here).
const text = fc.oneof(
  fc.constantFrom('', 'tcp', 'udp', 'ESTABLISHED', 'node-1'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof(arb, fc.constant(null), fc.constant(undefined));
const ruleText = text.map((t) => t.replaceAll('\u0000', ''));
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), text);
const u32 = fc.oneof(fc.constantFrom(0, 1, 0xffffffff), fc.nat({ max: 0xffffffff }));
const real = fc.oneof(fc.nat(), fc.double({ noNaN: true }), fc.constantFrom(2 ** 53 - 1, 1e300));
const hostPort = maybe(
  fc.record({ ip: maybe(ip), port: maybe(fc.nat({ max: 65535 })) }, { requiredKeys: [] }),
);
const counters = maybe(
  fc.record({ packets: maybe(real), bytes: maybe(real) }, { requiredKeys: [] }),
);
const enumValue = (max: number) => maybe(fc.oneof(fc.nat({ max }), fc.nat({ max: 100 })));
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
const flowRecord: fc.Arbitrary<v1.IFlowRecord> = fc.record(
  {
    kind: maybe(fc.constantFrom(Kind.flow, Kind.backend, 7)),
    node: maybe(text),
    protocol: maybe(text),
    client: hostPort,
    entry: hostPort,
    entryKind: enumValue(2),
    backend: hostPort,
    observedSource: hostPort,
    snat: maybe(fc.boolean()),
    cause: enumValue(4),
    service: maybe(
      fc.record(
        { namespace: maybe(ruleText), name: maybe(ruleText), port: maybe(ruleText) },
        { requiredKeys: [] },
      ),
    ),
    externalTrafficPolicy: enumValue(1),
    proxyMode: enumValue(2),
    endpointLocal: maybe(fc.boolean()),
    state: maybe(text),
    conntrackId: maybe(u32),
    observedAt: maybe(real),
    closed: maybe(fc.boolean()),
    originalCounters: counters,
    replyCounters: counters,
    zone: maybe(u32),
    mark: maybe(u32),
    entryNode: maybe(text),
    backendNode: maybe(text),
    snatRule: maybe(
      fc.record(
        { table: maybe(ruleText), chain: maybe(ruleText), rule: maybe(ruleText) },
        { requiredKeys: [] },
      ),
    ),
    backendPod: maybe(
      fc.record(
        { namespace: maybe(ruleText.map((t) => t.replaceAll('/', ''))), name: maybe(text) },
        { requiredKeys: [] },
      ),
    ),
    clientNode: maybe(text),
    socketObserved: hostPort,
    sampleRate: maybe(u32),
  },
  { requiredKeys: [] },
);

function identity(record: v1.IFlowRecord): string {
  const c = canonical(record) as {
    kind: v1.FlowRecord.Kind;
    client: { ip: string; port: number } | null;
    entry: { ip: string; port: number } | null;
    backend: { ip: string; port: number } | null;
    observedSource: { ip: string; port: number } | null;
  };
  const [src, dst] = c.kind === Kind.backend ? [c.observedSource, c.backend] : [c.client, c.entry];
  return JSON.stringify([
    record.node ?? '',
    c.kind,
    record.protocol ?? '',
    record.conntrackId ?? 0,
    src?.ip ?? '',
    src?.port ?? 0,
    dst?.ip ?? '',
    dst?.port ?? 0,
  ]);
}

describe('ClickHouseFlowStore', () => {
  it('reports what the server supports', async () => {
    const store = await newStore();
    assert.match(store.features.version, /^\d+\.\d+/);
  });

  it('stores every field of a record and gives it back unchanged (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(flowRecord, { selector: identity, maxLength: 12 }),
        async (records) => {
          const store = await newStore();
          assert.deepEqual(await store.write([batch('agent', 1, records)], []), ['stored']);
          const key = (r: Record<string, unknown>) => JSON.stringify(r);
          assert.deepEqual(
            (await all(store)).map(canonical).map(key).sort(),
            records.map(canonical).map(key).sort(),
          );
          assert.equal(await store.countFlows(), records.length);
          await store.dropDatabase();
        },
      ),
      { numRuns: 30 },
    );
  });
});
