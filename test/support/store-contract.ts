// The FlowStore contract (collector/store.ts): what every store must do, run against each one
// (test/unit/sqlite-store.contract.test.ts; a ClickHouse store calls it the same way). Times are
// whole or half seconds and ties in first-seen time are only checked as "each row once", since
// the tiebreak is the store's own.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { v1 } from '../../proto/index.js';
import {
  StoreError,
  type FlowCursor,
  type FlowFilter,
  type FlowStore,
} from '../../collector/store.js';
import { batch, canonical, flow } from './store-records.js';

/** A store to test, on fresh empty storage. */
export interface StoreUnderTest {
  store: FlowStore;
  /**
   * Opens another store on the same storage, after the test closed `store`: durability across a
   * close and reopen (a restarted collector). Without it, that case is skipped.
   */
  reopen?: () => Promise<FlowStore>;
  /** Closes what the factory opened (stores are closed by the tests) and removes the storage. */
  cleanup(): Promise<void>;
}

const { Kind } = v1.FlowRecord;

/** An entry flow (or backend half) with the fields the queries look at. */

async function all(store: FlowStore, since = Number.NEGATIVE_INFINITY): Promise<v1.IFlowRecord[]> {
  const records: v1.IFlowRecord[] = [];
  for await (const record of store.flowsSince(since)) records.push(record);
  return records;
}

/** Every page of a query, following `next`; fails if the pages do not end. */
async function allPages(
  store: FlowStore,
  filter: FlowFilter,
  between: (page: number) => Promise<void> = () => Promise.resolve(),
): Promise<v1.IFlowRecord[]> {
  const seen: v1.IFlowRecord[] = [];
  let after: FlowCursor | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await store.queryFlows({ ...filter, ...(after ? { after } : {}) });
    seen.push(...result.flows);
    if (result.next === null) return seen;
    after = result.next;
    await between(page);
  }
  throw new Error('the pages did not end');
}

const ids = (records: v1.IFlowRecord[]): number[] => records.map((r) => r.conntrackId ?? 0);

/** Registers the contract's tests for the store `factory` makes (one fresh store per test). */
export function describeStoreContract(name: string, factory: () => Promise<StoreUnderTest>): void {
  /** Runs `body` on a fresh store, closes it and cleans up whatever happens. */
  const withStore =
    (body: (store: FlowStore, under: StoreUnderTest) => Promise<void>) =>
    async (): Promise<void> => {
      const under = await factory();
      try {
        await body(under.store, under);
      } finally {
        await under.store.close();
        await under.cleanup();
      }
    };

  void describe(`FlowStore contract: ${name}`, () => {
    void it(
      'stores a batch once per (node, boot id, sequence) and knows the last sequence',
      withStore(async (store) => {
        assert.equal(await store.lastSequence('n1', 'b1'), 0);
        const b1 = batch('n1', 1, [flow({ at: 1, ct: 1 }), flow({ at: 1, ct: 2 })]);
        const b2 = batch('n1', 2, [flow({ at: 2, ct: 3 })]);
        assert.deepEqual(await store.write([b1], []), ['stored']);
        assert.deepEqual(await store.write([b1], []), ['duplicate']);
        // A duplicate stores nothing of it, even records that would be new.
        assert.deepEqual(await store.write([{ ...b1, flows: [flow({ at: 9, ct: 99 })] }], []), [
          'duplicate',
        ]);
        assert.equal(await store.countFlows(), 2);
        // Within one call, in batch order; other agents and boots are independent.
        const other = batch('n2', 1, [flow({ node: 'n2', at: 3, ct: 4 })]);
        const reboot = batch('n1', 1, [flow({ at: 4, ct: 5 })], 'b2');
        assert.deepEqual(await store.write([b2, b2, b1, other, reboot], []), [
          'stored',
          'duplicate',
          'duplicate',
          'stored',
          'stored',
        ]);
        assert.equal(await store.countFlows(), 5);
        assert.equal(await store.lastSequence('n1', 'b1'), 2);
        assert.equal(await store.lastSequence('n1', 'b2'), 1);
        assert.equal(await store.lastSequence('n2', 'b1'), 1);
        assert.equal(await store.lastSequence('n3', 'b1'), 0);
        // Gaps are fine (a refused batch was dropped by the agent); older ones stay duplicates.
        assert.deepEqual(await store.write([batch('n1', 10, []), batch('n1', 5, [])], []), [
          'stored',
          'duplicate',
        ]);
        assert.equal(await store.lastSequence('n1', 'b1'), 10);
      }),
    );

    void it(
      'updates a connection with its closed record and keeps its first-seen time',
      withStore(async (store) => {
        const open = flow({ at: 100, ct: 7 });
        open.originalCounters = { packets: 3, bytes: 180 };
        const closed: v1.IFlowRecord = {
          ...open,
          state: 'TIME_WAIT',
          closed: true,
          observedAt: 160,
          originalCounters: { packets: 10, bytes: 900 },
          replyCounters: { packets: 8, bytes: 4000 },
          endpointLocal: false,
          backendNode: 'n2',
        };
        await store.write([batch('n1', 1, [open])], []);
        await store.write([batch('n1', 2, [closed])], []);
        // A later record without backend node, then the open record resent (an agent restart):
        // neither may erase what is known nor reopen the flow.
        await store.write(
          [batch('n1', 3, [{ ...closed, backendNode: null, observedAt: 170 }])],
          [],
        );
        await store.write([batch('n1', 1, [open], 'b2')], []);
        assert.equal(await store.countFlows(), 1);
        const { flows } = await store.queryFlows({ limit: 10 });
        assert.deepEqual(flows.map(canonical), [canonical({ ...closed, observedAt: 100 })]);
      }),
    );

    void it(
      'keeps two incarnations of one conntrack id and tuple apart; each close updates its own',
      withStore(async (store) => {
        const first = flow({ at: 100, ct: 7 });
        const second: v1.IFlowRecord = { ...flow({ at: 101, ct: 7 }), incarnation: 1 };
        await store.write(
          [batch('n1', 1, [first, { ...first, closed: true, observedAt: 101 }, second])],
          [],
        );
        await store.write([batch('n1', 2, [{ ...second, closed: true, observedAt: 150 }])], []);
        assert.equal(await store.countFlows(), 2);
        const { flows } = await store.queryFlows({ limit: 10 });
        assert.deepEqual(flows.map((r) => [r.incarnation ?? 0, r.closed]).sort(), [
          [0, true],
          [1, true],
        ]);
      }),
    );

    void it(
      'sets the backend node and socket of a stored entry flow from later links',
      withStore(async (store) => {
        const entry = flow({ at: 5, ct: 11 });
        await store.write([batch('n1', 1, [entry])], []);
        // A link to an unknown connection updates nothing and does not fail.
        await store.write(
          [],
          [
            { entry, backendNode: 'n3', socketObserved: null },
            { entry: flow({ at: 5, ct: 12 }), backendNode: 'n2' },
          ],
        );
        assert.equal(await store.countFlows(), 1);
        let [stored] = (await store.queryFlows({ node: 'n3', limit: 5 })).flows;
        assert.equal(stored?.backendNode, 'n3');
        assert.equal(stored.socketObserved ?? null, null);
        const socketObserved = { ip: '203.0.113.11', port: 51539 };
        await store.write([], [{ entry, backendNode: 'n3', socketObserved }]);
        [stored] = (await store.queryFlows({ node: 'n3', limit: 5 })).flows;
        assert.deepEqual(stored?.socketObserved, socketObserved);
        // Links in the same call as the batch that stores the entry apply after it.
        const later = flow({ at: 6, ct: 13 });
        await store.write([batch('n1', 2, [later])], [{ entry: later, backendNode: 'n2' }]);
        assert.deepEqual(ids((await store.queryFlows({ node: 'n2', limit: 5 })).flows), [13]);
      }),
    );

    void describe('queries', () => {
      let under: StoreUnderTest;
      let store: FlowStore;
      // Distinct times (the order is then the contract's, not a store's tiebreak).
      const records: v1.IFlowRecord[] = [];
      const services: [string, string, string][] = [
        ['shop', 'api', 'http'],
        ['shop', 'api', 'grpc'],
        ['shop', 'web', 'http'],
        ['ops', 'api', 'http'],
      ];
      before(async () => {
        under = await factory();
        store = under.store;
        for (let i = 0; i < 120; i++) {
          const backendHalf = i % 5 === 0;
          records.push(
            flow({
              node: `n${(i % 3) + 1}`,
              kind: backendHalf ? Kind.backend : Kind.flow,
              // Every third client in its IPv4-mapped IPv6 form, as an IPv6 entry shows it.
              client: i % 3 === 2 ? `::ffff:203.0.113.${i % 7}` : `203.0.113.${i % 7}`,
              clientPort: 1000 + i,
              service: services[i % services.length],
              at: 1000 + i * 1.5,
              ct: i + 1,
              ...(backendHalf
                ? { entryNode: `n${((i + 1) % 3) + 1}` }
                : i % 4 === 1
                  ? { backendNode: `n${((i + 2) % 3) + 1}` }
                  : {}),
            }),
          );
        }
        await store.write(
          [batch('all', 1, records.slice(0, 50)), batch('all', 2, records.slice(50))],
          [],
        );
      });
      after(async () => {
        await store.close();
        await under.cleanup();
      });

      /** The naive answer: scan, filter, newest first. */
      function model(filter: FlowFilter): number[] {
        const forms = (ip: string): string[] => [
          ip.replace(/^::ffff:/, ''),
          `::ffff:${ip.replace(/^::ffff:/, '')}`,
        ];
        return ids(
          records
            .filter((r) => {
              if (filter.includeBackend !== true && r.kind !== Kind.flow) return false;
              if (
                filter.client !== undefined &&
                !forms(filter.client).includes(r.client?.ip ?? '')
              ) {
                return false;
              }
              if (filter.service !== undefined) {
                const name = `${r.service?.namespace}/${r.service?.name}`;
                if (name !== filter.service && `${name}:${r.service?.port}` !== filter.service) {
                  return false;
                }
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
            .slice(0, filter.limit),
        );
      }

      const cases: [string, FlowFilter][] = [
        ['no filter: the most recent entry flows', { limit: 15 }],
        ['limit larger than the data', { limit: 10_000 }],
        ['limit 0', { limit: 0 }],
        ['client (IPv4), stored in both forms', { client: '203.0.113.3', limit: 50 }],
        [
          'client (IPv4-mapped IPv6), stored in both forms',
          { client: '::ffff:203.0.113.5', limit: 50 },
        ],
        ['client unknown', { client: '203.0.113.99', limit: 10 }],
        ['service, every port', { service: 'shop/api', limit: 20 }],
        ['service, one port', { service: 'shop/api:grpc', limit: 20 }],
        ['service with the same name in another namespace', { service: 'ops/api', limit: 500 }],
        ['service unknown', { service: 'shop/nope', limit: 20 }],
        ['service port unknown', { service: 'shop/web:grpc', limit: 20 }],
        ['node: entry or backend node', { node: 'n2', limit: 500 }],
        ['node unknown', { node: 'n9', limit: 10 }],
        ['since (inclusive)', { since: 1090, limit: 500 }],
        ['until (exclusive)', { until: 1015, limit: 500 }],
        ['since and until', { since: 1030, until: 1060, limit: 500 }],
        ['client and service', { client: '203.0.113.2', service: 'shop/api', limit: 50 }],
        ['client, node and time', { client: '203.0.113.1', node: 'n3', since: 1030, limit: 50 }],
        [
          'service, node and until',
          { service: 'shop/web:http', node: 'n1', until: 1150, limit: 7 },
        ],
        ['includeBackend', { includeBackend: true, limit: 30 }],
        ['includeBackend with node', { includeBackend: true, node: 'n1', limit: 500 }],
        ['includeBackend with client', { includeBackend: true, client: '203.0.113.0', limit: 500 }],
        ['includeBackend with service', { includeBackend: true, service: 'shop/api', limit: 33 }],
      ];
      for (const [name, filter] of cases) {
        void it(name, async () => {
          const expected = model(filter);
          assert.deepEqual(ids((await store.queryFlows(filter)).flows), expected);
          if (filter.limit > 0 && !name.endsWith('unknown')) {
            assert.ok(expected.length > 0, 'the case should match something');
          }
        });
      }

      void it('returns every field of a record as written', async () => {
        const { flows } = await store.queryFlows({ includeBackend: true, limit: 10_000 });
        const byId = new Map(records.map((r) => [r.conntrackId, canonical(r)]));
        for (const record of flows)
          assert.deepEqual(canonical(record), byId.get(record.conntrackId));
        assert.equal(flows.length, records.length);
      });

      void it('pages through every case with cursors: each row once, in query order', async () => {
        for (const [name, filter] of cases) {
          if (filter.limit === 0) continue;
          const expected = model({ ...filter, limit: 1_000_000 });
          assert.deepEqual(ids(await allPages(store, { ...filter, limit: 7 })), expected, name);
        }
      });

      void it('says there is no next page when the last page is exactly full', async () => {
        const total = model({ limit: 1_000_000 }).length;
        assert.equal((await store.queryFlows({ limit: total })).next, null);
        assert.notEqual((await store.queryFlows({ limit: total - 1 })).next, null);
      });

      void it('refuses a cursor it did not give out with STORE_INVALID_INPUT', async () => {
        const { next } = await store.queryFlows({ limit: 1 });
        assert.ok(next);
        await assert.rejects(
          store.queryFlows({ limit: 1, after: { firstSeen: next.firstSeen, key: 'not a key' } }),
          (error: unknown) => error instanceof StoreError && error.code === 'STORE_INVALID_INPUT',
        );
      });
    });

    void it(
      'pages without skips or repeats while new rows arrive, ties in time included',
      withStore(async (store) => {
        // Pairs of equal times: the store's tiebreak must keep pages apart.
        const first = Array.from({ length: 30 }, (_, i) =>
          flow({ at: 2000 + Math.floor(i / 2), ct: i + 1, clientPort: 1000 + i }),
        );
        await store.write([batch('n1', 1, first)], []);
        let sequence = 1;
        const seen = await allPages(store, { limit: 4 }, async (page) => {
          // Newer rows (and one with a time equal to the newest) come in between pages.
          sequence++;
          await store.write(
            [
              batch('n1', sequence, [
                flow({ at: 3000 + page, ct: 100 + page, clientPort: 5000 + page }),
                flow({ at: 2014, ct: 200 + page, clientPort: 6000 + page }),
              ]),
            ],
            [],
          );
        });
        const times = seen.map((r) => r.observedAt ?? 0);
        assert.deepEqual(
          times,
          [...times].sort((a, b) => b - a),
          'newest first',
        );
        const original = ids(seen).filter((id) => id <= 30);
        assert.deepEqual(
          [...original].sort((a, b) => a - b),
          ids(first),
          'every row there at the first page is seen once',
        );
        assert.equal(new Set(ids(seen)).size, seen.length, 'no row twice');
      }),
    );

    void it(
      'replaces a node’s service states with each snapshot',
      withStore(async (store) => {
        const state = (node: string, name: string): v1.IServiceState => ({
          node,
          service: { namespace: 'shop', name, port: 'http' },
          protocol: 'tcp',
          nodePort: 30080,
          loadBalancerIPs: ['192.0.2.50'],
          externalTrafficPolicy: v1.TrafficPolicy.Local,
          endpoints: [
            { ip: '10.244.1.7', port: 8080, local: true },
            { ip: '10.244.2.7', port: 8080 },
          ],
          localEndpoints: 1,
          noLocalEndpointDrops: { packets: 2, bytes: 120 },
          port: 80,
        });
        const canon = (s: v1.IServiceState) =>
          v1.ServiceState.toObject(v1.ServiceState.fromObject(s), { defaults: true });
        const states = async () => (await store.serviceStates()).map(canon);
        await store.write(
          [
            { ...batch('n1', 1, []), services: [state('n1', 'api'), state('n1', 'web')] },
            { ...batch('n2', 1, []), services: [state('n2', 'api')] },
          ],
          [],
        );
        assert.deepEqual(await states(), [
          canon(state('n1', 'api')),
          canon(state('n1', 'web')),
          canon(state('n2', 'api')),
        ]);
        // null: a flow batch, services untouched; a duplicate snapshot is not applied.
        await store.write([batch('n1', 2, [flow({ at: 1, ct: 1 })])], []);
        await store.write([{ ...batch('n2', 1, []), services: [] }], []);
        assert.equal((await states()).length, 3);
        await store.write([{ ...batch('n1', 3, []), services: [state('n1', 'db')] }], []);
        assert.deepEqual(await states(), [canon(state('n1', 'db')), canon(state('n2', 'api'))]);
        await store.write([{ ...batch('n2', 2, []), services: [] }], []);
        assert.deepEqual(await states(), [canon(state('n1', 'db'))]);
      }),
    );

    void it(
      'gives every record first seen since a time, oldest first',
      withStore(async (store) => {
        const flows = [5, 1, 4, 2, 3].map((at) => flow({ at: 100 + at, ct: at }));
        await store.write([batch('n1', 1, flows)], []);
        // A later record of connection 1 keeps its first-seen time.
        await store.write([batch('n1', 2, [{ ...flow({ at: 200, ct: 1 }), closed: true }])], []);
        assert.deepEqual(ids(await all(store)), [1, 2, 3, 4, 5]);
        assert.deepEqual(ids(await all(store, 103)), [3, 4, 5]);
        assert.deepEqual(ids(await all(store, 106)), []);
      }),
    );

    void it(
      'prunes rows last seen before a time, keeping long-lived ones, and counts rows',
      withStore(async (store) => {
        const flows: v1.IFlowRecord[] = [];
        for (let i = 0; i < 20; i++) flows.push(flow({ at: 100 + i, ct: i + 1 }));
        await store.write([batch('n1', 1, flows)], []);
        assert.equal(await store.countFlows(), 20);
        // Connections 1..5 are still alive at 500: first seen early, last seen late.
        await store.write(
          [
            batch(
              'n1',
              2,
              flows.slice(0, 5).map((f) => ({ ...f, observedAt: 500 })),
            ),
          ],
          [],
        );
        assert.equal(await store.countFlows(), 20);
        // Last seen before 110: connections 6..10 (seen once, at 105..109).
        assert.equal(await store.prune(110), 5);
        assert.equal(await store.countFlows(), 15);
        assert.equal(await store.prune(110), 0);
        assert.deepEqual(ids(await all(store)), [
          1,
          2,
          3,
          4,
          5,
          ...flows.slice(10).map((f) => f.conntrackId ?? 0),
        ]);
        assert.equal(await store.prune(1000), 15);
        assert.equal(await store.countFlows(), 0);
      }),
    );

    void it('keeps flows, services and sequences across close and reopen', async (t) => {
      const under = await factory();
      try {
        if (under.reopen === undefined) {
          t.skip('this store gives no reopen hook');
          return;
        }
        const flows = [
          flow({ at: 1, ct: 1, service: ['a', 'b', 'c'] }),
          flow({ at: 2, ct: 2, backendNode: 'n2' }),
        ];
        await under.store.write(
          [{ ...batch('n1', 7, flows), services: [{ node: 'n1', port: 80 }] }],
          [],
        );
        const written = (await all(under.store)).map(canonical);
        await under.store.close();
        await under.store.close(); // idempotent
        under.store = await under.reopen();
        const reopened = under.store;
        assert.deepEqual((await all(reopened)).map(canonical), written);
        assert.equal(await reopened.lastSequence('n1', 'b1'), 7);
        assert.equal((await reopened.serviceStates())[0]?.port, 80);
        assert.equal(await reopened.countFlows(), 2);
        assert.deepEqual(
          ids((await reopened.queryFlows({ service: 'a/b:c', limit: 5 })).flows),
          [1],
        );
        assert.deepEqual(await reopened.write([batch('n1', 7, flows)], []), ['duplicate']);
      } finally {
        await under.store.close();
        await under.cleanup();
      }
    });
  });
}
