// ClickHouseFlowStore against a real server (Debian's clickhouse-server, started as root from a
// temporary config by test/support/clickhouse-server.ts): round trip, dedupe by sequence, merge
// of a connection's records and links, every query filter, keyset pages, service states, prune,
// and a second store instance on the same database (what several collectors do).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { v1 } from '../../proto/index.js';
import {
  batch,
  canonical,
  flow,
  flowRecordArbitrary,
  storeIdentity,
} from '../support/store-records.js';
import {
  ClickHouseStoreError,
  openClickHouseStore,
  type ClickHouseFlowStore,
} from '../../collector/clickhouse-store.js';
import type { FlowCursor, FlowFilter } from '../../collector/store.js';
import { startClickHouse, type ClickHouseTestServer } from '../support/clickhouse-server.js';

const { Kind } = v1.FlowRecord;
let started: ClickHouseTestServer | undefined;
const stores: ClickHouseFlowStore[] = [];

before(async () => {
  started = await startClickHouse();
});
after(async () => {
  for (const store of stores) await store.close();
  await started?.stop();
});

/** The running server (before() failing fails every test with its error). */
function server(): ClickHouseTestServer {
  if (started === undefined) throw new Error('clickhouse-server did not start');
  return started;
}

async function newStore(): Promise<ClickHouseFlowStore> {
  const store = await server().newStore();
  stores.push(store);
  return store;
}

async function all(store: ClickHouseFlowStore): Promise<v1.IFlowRecord[]> {
  const records: v1.IFlowRecord[] = [];
  for await (const record of store.flowsSince(Number.NEGATIVE_INFINITY)) records.push(record);
  return records;
}

// Round trip arbitraries (as the SQLite store's test draws them; ports are 16 bits here).
// The boundary's shared cases (dedupe, closed records, links, service states, queries, paging,
// prune, durability) run in clickhouse-contract.test.ts; these are the ClickHouse-specific ones.
describe('ClickHouseFlowStore', () => {
  it('reports what the server supports', async () => {
    const store = await newStore();
    assert.match(store.features.version, /^\d+\.\d+/);
  });

  it('stores every field of a record and gives it back unchanged (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(flowRecordArbitrary, { selector: storeIdentity, maxLength: 12 }),
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

  it('keeps connections apart that differ in any identity field', async () => {
    const store = await newStore();
    const base = flow({ at: 1, ct: 1 });
    const variants: v1.IFlowRecord[] = [
      base,
      { ...base, node: 'n2' },
      { ...base, protocol: 'udp' },
      { ...base, conntrackId: 2 },
      { ...base, client: { ip: '203.0.113.2', port: 40000 } },
      { ...base, client: { ip: '203.0.113.1', port: 40001 } },
      { ...base, entry: { ip: '192.0.2.11', port: 30080 } },
      { ...base, entry: { ip: '192.0.2.10', port: 30081 } },
      { ...base, kind: Kind.backend },
      { ...base, incarnation: 1 },
    ];
    await store.write([batch('n1', 1, variants)], []);
    assert.equal(await store.countFlows(), variants.length);
    const backend = { ...base, kind: Kind.backend, client: { ip: '198.51.100.9', port: 1 } };
    await store.write([batch('n1', 2, [backend])], []);
    assert.equal(await store.countFlows(), variants.length);
  });

  it('finds a client in its IPv4, IPv4-mapped and IPv6 forms', async () => {
    const store = await newStore();
    const v4 = flow({ client: '198.51.100.7', at: 10, ct: 1 });
    const mapped = flow({ client: '::ffff:198.51.100.7', at: 11, ct: 2 });
    const v6 = flow({ client: '2001:db8::7', at: 12, ct: 3 });
    const odd = flow({ client: '0.0.0.0', at: 13, ct: 4 });
    await store.write([batch('n1', 1, [v4, mapped, v6, odd])], []);
    const clients = async (client: string): Promise<string[]> =>
      (await store.queryFlows({ client, limit: 10 })).flows.map((r) => r.client?.ip ?? '');
    assert.deepEqual(await clients('198.51.100.7'), ['::ffff:198.51.100.7', '198.51.100.7']);
    assert.deepEqual(await clients('::ffff:198.51.100.7'), ['::ffff:198.51.100.7', '198.51.100.7']);
    assert.deepEqual(await clients('2001:db8:0::7'), ['2001:db8::7']);
    assert.deepEqual(await clients('::'), []);
    assert.deepEqual(await clients('not an ip'), []);
  });

  it('treats hostile filter text as data, never as SQL', async () => {
    const store = await newStore();
    await store.write([batch('n1', 1, [flow({ at: 1, service: ['shop', 'api', 'http'] })])], []);
    for (const text of [
      "n1' OR 1=1 --",
      "x\\' OR '1'='1",
      'a\u0000b',
      "shop/api' OR 1=1 --",
      '`; DROP TABLE flows',
    ]) {
      assert.deepEqual((await store.queryFlows({ node: text, limit: 5 })).flows, []);
      assert.deepEqual((await store.queryFlows({ service: `${text}/x`, limit: 5 })).flows, []);
      assert.deepEqual((await store.queryFlows({ client: text, limit: 5 })).flows, []);
      assert.equal(await store.lastSequence(text, text), 0);
    }
    assert.equal(await store.countFlows(), 1);
  });

  describe('queries', () => {
    let store: ClickHouseFlowStore;
    const records: v1.IFlowRecord[] = [];
    before(async () => {
      store = await newStore();
      const services: [string, string, string][] = [
        ['shop', 'api', 'http'],
        ['shop', 'api', 'grpc'],
        ['shop', 'web', 'http'],
        ['ops', 'api', 'http'],
      ];
      let ct = 0;
      for (let i = 0; i < 240; i++) {
        const node = `n${(i % 3) + 1}`;
        const backendKind = i % 5 === 0;
        records.push(
          flow({
            node,
            kind: backendKind ? Kind.backend : Kind.flow,
            client: `203.0.113.${i % 7}`,
            clientPort: 1000 + i,
            service: services[i % services.length],
            // Distinct times: the order between equal times is the store's own (tested below).
            at: 1000 + i / 2,
            ct: ++ct,
            ...(backendKind
              ? { entryNode: `n${((i + 1) % 3) + 1}` }
              : i % 4 === 0
                ? { backendNode: `n${((i + 2) % 3) + 1}` }
                : {}),
          }),
        );
      }
      records.push(
        v1.FlowRecord.fromObject({
          ...flow({ node: 'n2', entryNode: 'n1', at: 1050.25, ct: ++ct }),
          kind: 7,
        }),
      );
      await store.write(
        [batch('all', 1, records.slice(0, 100)), batch('all', 2, records.slice(100))],
        [],
      );
    });

    function model(filter: FlowFilter): v1.IFlowRecord[] {
      const service = filter.service;
      return records
        .filter((r) => {
          if (filter.includeBackend !== true && r.kind !== Kind.flow) return false;
          if (filter.client !== undefined && r.client?.ip !== filter.client) return false;
          if (service !== undefined) {
            const name = `${r.service?.namespace}/${r.service?.name}`;
            if (name !== service && `${name}:${r.service?.port}` !== service) return false;
          }
          if (
            filter.node !== undefined &&
            r.node !== filter.node &&
            r.entryNode !== filter.node &&
            r.backendNode !== filter.node
          ) {
            return false;
          }
          if (filter.since !== undefined && (r.observedAt ?? 0) < filter.since) return false;
          if (filter.until !== undefined && (r.observedAt ?? 0) >= filter.until) return false;
          return true;
        })
        .sort((a, b) => (b.observedAt ?? 0) - (a.observedAt ?? 0))
        .slice(0, filter.limit);
    }

    const cases: [string, FlowFilter][] = [
      ['no filter: the most recent entry flows', { limit: 15 }],
      ['limit larger than the data', { limit: 10_000 }],
      ['limit 0', { limit: 0 }],
      ['client', { client: '203.0.113.3', limit: 10 }],
      ['client unknown', { client: '203.0.113.99', limit: 10 }],
      ['service, every port', { service: 'shop/api', limit: 20 }],
      ['service, one port', { service: 'shop/api:grpc', limit: 20 }],
      ['service with the same name in another namespace', { service: 'ops/api', limit: 500 }],
      ['service unknown', { service: 'shop/nope', limit: 20 }],
      ['service port unknown', { service: 'shop/web:grpc', limit: 20 }],
      ['node: entry or backend node', { node: 'n2', limit: 500 }],
      ['node unknown', { node: 'n9', limit: 10 }],
      ['since', { since: 1100, limit: 500 }],
      ['until (exclusive)', { until: 1010, limit: 500 }],
      ['since and until', { since: 1020, until: 1030, limit: 500 }],
      ['client and service', { client: '203.0.113.2', service: 'shop/api', limit: 50 }],
      ['client, node and time', { client: '203.0.113.1', node: 'n3', since: 1030, limit: 50 }],
      ['service, node and until', { service: 'shop/web:http', node: 'n1', until: 1090, limit: 7 }],
      ['includeBackend', { includeBackend: true, limit: 30 }],
      ['includeBackend with node', { includeBackend: true, node: 'n1', limit: 500 }],
      ['includeBackend with client', { includeBackend: true, client: '203.0.113.0', limit: 500 }],
      ['includeBackend with service', { includeBackend: true, service: 'shop/api', limit: 33 }],
    ];
    for (const [name, filter] of cases) {
      it(name, async () => {
        const expected = model(filter).map(canonical);
        assert.deepEqual((await store.queryFlows(filter)).flows.map(canonical), expected);
        if (filter.limit > 0 && !name.endsWith('unknown')) {
          assert.ok(expected.length > 0, 'the case should match something');
        }
      });
    }

    it('pages through every case with cursors: each row exactly once, in query order', async () => {
      for (const [name, filter] of cases) {
        const expected = model({ ...filter, limit: 1_000_000 }).map(canonical);
        const seen: Record<string, unknown>[] = [];
        let after: FlowCursor | undefined;
        for (let pages = 0; pages <= expected.length; pages++) {
          const page = await store.queryFlows({ ...filter, limit: 7, ...(after ? { after } : {}) });
          seen.push(...page.flows.map(canonical));
          if (page.next === null) break;
          after = page.next;
        }
        assert.deepEqual(seen, expected, name);
      }
    });

    it('says there is no next page when the last page is exactly full', async () => {
      const total = model({ limit: 1_000_000 }).length;
      assert.equal((await store.queryFlows({ limit: total })).next, null);
      assert.notEqual((await store.queryFlows({ limit: total - 1 })).next, null);
    });

    it('gives every connection first seen since a time, oldest first, in pages', async () => {
      const since = await all(store);
      assert.equal(since.length, records.length);
      const times = since.map((r) => r.observedAt ?? 0);
      assert.deepEqual(
        times,
        [...times].sort((a, b) => a - b),
      );
      const later: v1.IFlowRecord[] = [];
      for await (const record of store.flowsSince(1100)) later.push(record);
      assert.equal(later.length, records.filter((r) => (r.observedAt ?? 0) >= 1100).length);
      // Small pages: the keyset walk neither skips nor repeats a connection.
      const paged = await openClickHouseStore({
        ...server().storeOptions(store.database.replaceAll('`', '')),
        scanPageRows: 7,
      });
      stores.push(paged);
      const walked: v1.IFlowRecord[] = [];
      for await (const record of paged.flowsSince(Number.NEGATIVE_INFINITY)) walked.push(record);
      assert.deepEqual(walked.map(canonical), since.map(canonical));
    });

    it('refuses a bad limit, cursor or service filter with an error naming the database', async () => {
      await assert.rejects(store.queryFlows({ limit: -1 }), ClickHouseStoreError);
      await assert.rejects(store.queryFlows({ limit: 1.5 }), ClickHouseStoreError);
      await assert.rejects(
        store.queryFlows({ limit: 1, after: { firstSeen: Number.NaN, key: 'x' } }),
        ClickHouseStoreError,
      );
      await assert.rejects(
        store.queryFlows({ limit: 1, after: { firstSeen: 1, key: "' OR 1=1 --" } }),
        ClickHouseStoreError,
      );
      await assert.rejects(
        store.queryFlows({ service: 'api', limit: 1 }),
        (error: unknown) =>
          error instanceof ClickHouseStoreError &&
          error.message.includes('database') &&
          error.code === 'STORE_INVALID_INPUT',
      );
    });
  });

  it('pages through connections of equal times without skipping or repeating one', async () => {
    const store = await newStore();
    const flows = Array.from({ length: 53 }, (_, i) =>
      flow({ at: 500, ct: i + 1, client: `198.51.100.${i % 5}` }),
    );
    await store.write([batch('n1', 1, flows)], []);
    const seen = new Set<number>();
    let after: FlowCursor | undefined;
    for (let pages = 0; pages < 60; pages++) {
      const page = await store.queryFlows({ limit: 4, ...(after ? { after } : {}) });
      for (const r of page.flows) {
        assert.ok(!seen.has(r.conntrackId ?? 0), `conntrack id ${r.conntrackId} repeated`);
        seen.add(r.conntrackId ?? 0);
      }
      // New flows arriving between pages do not disturb the pages after the cursor.
      if (pages === 2) await store.write([batch('n1', 2, [flow({ at: 600, ct: 999 })])], []);
      if (page.next === null) break;
      after = page.next;
    }
    assert.equal(seen.size, 53);
  });

  it('prunes connections last seen before a time, whole days and single rows alike', async () => {
    const store = await newStore();
    const DAY = 86_400;
    const old = flow({ at: 10 * DAY + 5, ct: 1 });
    const longLived = flow({ at: 10 * DAY + 6, ct: 2 });
    const sameDayOld = flow({ at: 12 * DAY + 10, ct: 3 });
    const sameDayNew = flow({ at: 12 * DAY + 500, ct: 4 });
    await store.write([batch('n1', 1, [old, longLived, sameDayOld, sameDayNew])], []);
    // The long-lived connection is seen again on day 12: its day-10 row must stay.
    await store.write([batch('n1', 2, [{ ...longLived, observedAt: 12 * DAY + 600 }])], []);
    await store.write([], [{ entry: old, backendNode: 'n2' }]);
    assert.equal(await store.countFlows(), 4);
    assert.equal(await store.prune(12 * DAY + 100), 2);
    assert.equal(await store.countFlows(), 2);
    const left = (await all(store)).map((r) => r.conntrackId);
    assert.deepEqual(left, [2, 4]);
    assert.equal((await all(store))[0]?.observedAt, 10 * DAY + 6); // first seen kept
    assert.equal(await store.prune(12 * DAY + 100), 0);
    assert.equal(await store.prune(13 * DAY), 2);
    assert.equal(await store.countFlows(), 0);
  });

  it('stores nothing of a write that fails, and stays usable', async () => {
    const store = await newStore();
    await store.write([batch('n1', 1, [flow({ at: 1, ct: 1 })])], []);
    const broken = { ...flow({ at: 3, ct: 3 }), observedAt: Number.NaN };
    await assert.rejects(
      store.write([batch('n1', 2, [flow({ at: 2, ct: 2 })]), batch('n1', 3, [broken])], []),
      (error: unknown) =>
        error instanceof ClickHouseStoreError && error.code === 'STORE_WRITE_FAILED',
    );
    assert.equal(await store.countFlows(), 1);
    assert.equal(await store.lastSequence('n1', 'b1'), 1);
    assert.deepEqual(await store.write([batch('n1', 2, [flow({ at: 2, ct: 2 })])], []), ['stored']);
  });

  it('shares rows and sequences between two store instances on one database', async () => {
    const first = await newStore();
    const second = await openClickHouseStore(
      server().storeOptions(first.database.replaceAll('`', '')),
    );
    stores.push(second);
    await first.write([batch('n1', 1, [flow({ at: 1, ct: 1 })])], []);
    assert.equal(await second.lastSequence('n1', 'b1'), 1);
    // The agent fails over to the second collector and replays: nothing is stored twice.
    assert.deepEqual(
      await second.write(
        [batch('n1', 1, [flow({ at: 1, ct: 1 })]), batch('n1', 2, [flow({ at: 2, ct: 2 })])],
        [],
      ),
      ['duplicate', 'stored'],
    );
    // Halves that reached different collectors: the entry via one, its link via the other.
    await second.write([], [{ entry: flow({ at: 1, ct: 1 }), backendNode: 'n2' }]);
    const [linked] = (await first.queryFlows({ node: 'n2', limit: 5 })).flows;
    assert.equal(linked?.conntrackId, 1);
    assert.equal(await first.countFlows(), 2);
    assert.equal(await second.countFlows(), 2);
    // Opening again migrates nothing and keeps the data.
    const third = await openClickHouseStore(
      server().storeOptions(first.database.replaceAll('`', '')),
    );
    stores.push(third);
    assert.equal(await third.countFlows(), 2);
  });

  it('refuses a database name that is not a plain identifier', async () => {
    await assert.rejects(
      openClickHouseStore(server().storeOptions('x`; DROP DATABASE system; --')),
      (error: unknown) =>
        error instanceof ClickHouseStoreError && error.code === 'STORE_INVALID_INPUT',
    );
  });

  it('refuses a wrong password with an error naming the server', async () => {
    await assert.rejects(
      openClickHouseStore({ ...server().storeOptions('wrong'), passwordFile: '/dev/null' }),
      (error: unknown) =>
        error instanceof ClickHouseStoreError &&
        error.code === 'STORE_OPEN_FAILED' &&
        error.message.includes(server().url),
    );
  });
});
