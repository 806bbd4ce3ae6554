// Stitching entry and backend halves of one connection, on the three-node lab's real records
// (test/golden/analyze/lab-n*.ndjson) and on named edge cases.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { cacheLimits, DEFAULT_MEMORY_BUDGET_BYTES } from '../../collector/memory-budget.js';
import { Stitcher } from '../../collector/stitch.js';
import { v1 } from '../../proto/index.js';

const { Kind } = v1.FlowRecord;

/** The flow and backend records the lab's node reported, observed at `at`. */
function labRecords(node: 'n1' | 'n2' | 'n3', at: number): v1.IFlowRecord[] {
  const url = new URL(`../golden/analyze/lab-${node}.ndjson`, import.meta.url);
  return readFileSync(url, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string; observedAt: number })
    .filter((json) => json.kind !== 'service')
    .map((json) => v1.FlowRecord.fromObject({ ...json, observedAt: at }));
}

const entry = (overrides: v1.IFlowRecord = {}): v1.IFlowRecord => ({
  kind: Kind.flow,
  node: 'n1',
  protocol: 'tcp',
  client: { ip: '198.51.100.50', port: 49038 },
  entry: { ip: '203.0.113.11', port: 30080 },
  backend: { ip: '10.244.2.10', port: 8080 },
  observedSource: { ip: '203.0.113.11', port: 51539 },
  snat: true,
  cause: v1.FlowRecord.Cause.ClusterPolicyMasquerade,
  endpointLocal: false,
  conntrackId: 461150749,
  observedAt: 1000,
  closed: false,
  ...overrides,
});

const backendHalf = (overrides: v1.IFlowRecord = {}): v1.IFlowRecord => ({
  kind: Kind.backend,
  node: 'n2',
  protocol: 'tcp',
  backend: { ip: '10.244.2.10', port: 8080 },
  observedSource: { ip: '203.0.113.11', port: 51539 },
  endpointLocal: true,
  conntrackId: 787233206,
  observedAt: 1001,
  closed: false,
  ...overrides,
});

describe('Stitcher on the lab records', () => {
  it('joins all seven cross-node connections and links the six entries stored before', () => {
    const stitcher = new Stitcher();
    const records = [
      ...labRecords('n1', 1000),
      ...labRecords('n2', 1001),
      ...labRecords('n3', 1002),
    ];
    const links = records
      .map((record) => stitcher.stitch(record))
      .filter((link) => link !== null)
      .map(
        (link) => `${link.entry.node ?? ''} ${link.entry.client?.port ?? 0} -> ${link.backendNode}`,
      );
    assert.deepEqual(links, [
      'n1 49038 -> n2', // shop/api via n1 to the endpoint on n2
      'n1 46918 -> n2',
      'n2 43478 -> n3', // shop/web via n2 to n3
      'n1 55020 -> n3', // dns/resolver (udp) via n1 to n3
      'n2 55526 -> n3',
      'n2 56088 -> n3',
    ]);
    assert.equal(stitcher.stitched, 7);
    assert.equal(stitcher.size, 7);
    assert.equal(stitcher.evicted, 0);
    // Every record knows both nodes now (directly, or for six entries through their links),
    // except a backend half that came before its entry half: BackendLink updates entry rows only.
    const withoutEntryNode = records
      .filter((r) => r.entryNode == null || r.backendNode == null)
      .map((r) => `${r.node ?? ''} ${Kind[r.kind ?? Kind.flow]} ${r.observedSource?.port ?? 0}`);
    assert.deepEqual(withoutEntryNode, [
      'n1 flow 50291',
      'n1 flow 36388',
      'n1 flow 51539',
      'n2 backend 17863',
      'n2 flow 10664',
      'n2 flow 20340',
      'n2 flow 57489',
    ]);
    const resolverViaN3 = records.find((r) => r.node === 'n3' && r.client?.port === 53904);
    assert.equal(resolverViaN3?.entryNode, 'n3');
    assert.equal(resolverViaN3.backendNode, 'n2');
    const localCheckout = records.filter((r) => r.service?.name === 'checkout');
    assert.deepEqual(
      localCheckout.map((r) => [r.entryNode, r.backendNode]),
      [
        ['n2', 'n2'],
        ['n2', 'n2'],
        ['n2', 'n2'],
        ['n2', 'n2'],
      ],
    );
  });
});

describe('Stitcher cases', () => {
  it('sets entry and backend nodes from what it saw, never from what an agent claims', () => {
    const stitcher = new Stitcher();
    const claimedEntry = entry({ entryNode: 'victim', backendNode: 'victim' });
    stitcher.stitch(claimedEntry);
    assert.equal(claimedEntry.entryNode, 'n1');
    assert.equal(claimedEntry.backendNode, undefined, 'no backend half seen yet');
    const unmatched = backendHalf({
      entryNode: 'victim',
      observedSource: { ip: '192.0.2.9', port: 1 },
    });
    stitcher.stitch(unmatched);
    assert.equal(unmatched.backendNode, 'n2');
    assert.equal(unmatched.entryNode, undefined, 'no entry half seen');
  });

  it('backend half first: the entry gets its backend node and no link is needed', () => {
    const stitcher = new Stitcher();
    const backend = backendHalf();
    assert.equal(stitcher.stitch(backend), null);
    assert.equal(backend.backendNode, 'n2');
    assert.equal(backend.entryNode, undefined);
    const first = entry({ observedAt: 1002 });
    assert.equal(stitcher.stitch(first), null);
    assert.equal(first.entryNode, 'n1');
    assert.equal(first.backendNode, 'n2');
    assert.equal(stitcher.stitch(backendHalf({ closed: true, observedAt: 1030 })), null);
    assert.equal(stitcher.stitched, 1);
  });

  it('closed records of a stitched connection get the same nodes; both closed frees it', () => {
    const stitcher = new Stitcher();
    stitcher.stitch(entry());
    const link = stitcher.stitch(backendHalf());
    assert.equal(link?.backendNode, 'n2');
    const closedEntry = entry({ closed: true, observedAt: 1100 });
    assert.equal(stitcher.stitch(closedEntry), null);
    assert.deepEqual([closedEntry.entryNode, closedEntry.backendNode], ['n1', 'n2']);
    const closedBackend = backendHalf({ closed: true, observedAt: 1101 });
    assert.equal(stitcher.stitch(closedBackend), null, 'the entry row already has its backend');
    assert.deepEqual([closedBackend.entryNode, closedBackend.backendNode], ['n1', 'n2']);
    assert.equal(stitcher.size, 0);
    assert.equal(stitcher.stitched, 1);
  });

  it('links the latest entry record when the entry closed before its backend half came', () => {
    const stitcher = new Stitcher();
    stitcher.stitch(entry());
    const closed = entry({ closed: true, observedAt: 1005 });
    stitcher.stitch(closed);
    const link = stitcher.stitch(backendHalf({ observedAt: 1006 }));
    assert.equal(link?.entry, closed);
    assert.equal(stitcher.stitch(backendHalf({ closed: true, observedAt: 1007 })), null);
    assert.equal(stitcher.size, 0);
  });

  it('a local endpoint: the entry node is the backend node, nothing is remembered', () => {
    const stitcher = new Stitcher();
    const local = entry({ endpointLocal: true, snat: false });
    assert.equal(stitcher.stitch(local), null);
    assert.deepEqual([local.entryNode, local.backendNode], ['n1', 'n1']);
    assert.equal(stitcher.size, 0);
  });

  it("the agent's closed entry record without backend fields keeps only its entry node", () => {
    const stitcher = new Stitcher();
    const skeleton: v1.IFlowRecord = {
      kind: Kind.flow,
      node: 'n1',
      protocol: 'tcp',
      conntrackId: 461150749,
      closed: true,
      observedAt: 1100,
      client: { ip: '198.51.100.50', port: 49038 },
      entry: { ip: '203.0.113.11', port: 30080 },
    };
    assert.equal(stitcher.stitch(skeleton), null);
    assert.equal(skeleton.entryNode, 'n1');
    assert.equal(skeleton.backendNode, undefined);
    assert.equal(stitcher.size, 0);
  });

  const windows = [
    { name: 'halves 120 s apart are stitched', gap: 120, stitched: 1 },
    { name: 'halves 121 s apart are not', gap: 121, stitched: 0 },
    {
      name: 'a late entry half (agent spool replay) 30 s before is stitched',
      gap: -30,
      stitched: 1,
    },
  ];
  for (const { name, gap, stitched } of windows) {
    it(name, () => {
      const stitcher = new Stitcher({ windowSeconds: 120 });
      stitcher.stitch(backendHalf({ observedAt: 1000 }));
      const late = entry({ observedAt: 1000 + gap });
      stitcher.stitch(late);
      assert.equal(stitcher.stitched, stitched);
      assert.equal(late.backendNode ?? null, stitched === 1 ? 'n2' : null);
    });
  }

  it('a source port reused after the window starts a new connection', () => {
    const stitcher = new Stitcher();
    stitcher.stitch(entry());
    stitcher.stitch(backendHalf());
    const reused = entry({ node: 'n3', observedAt: 1500 });
    stitcher.stitch(reused);
    assert.equal(reused.backendNode, undefined);
    assert.equal(stitcher.size, 1);
  });

  it('evicts the oldest connection beyond maxEntries and counts it', () => {
    const stitcher = new Stitcher({ maxEntries: 2 });
    for (const port of [40001, 40002, 40003]) {
      stitcher.stitch(entry({ observedSource: { ip: '203.0.113.11', port } }));
    }
    assert.equal(stitcher.size, 2);
    assert.equal(stitcher.evicted, 1);
    const forgotten = stitcher.stitch(
      backendHalf({ observedSource: { ip: '203.0.113.11', port: 40001 } }),
    );
    assert.equal(forgotten, null);
    const kept = stitcher.stitch(
      backendHalf({ observedSource: { ip: '203.0.113.11', port: 40003 } }),
    );
    assert.equal(kept?.entry.observedSource?.port, 40003);
  });

  it('prune drops connections last seen before the window', () => {
    const stitcher = new Stitcher({ windowSeconds: 120 });
    stitcher.stitch(entry({ observedAt: 1000 }));
    stitcher.stitch(
      entry({ observedSource: { ip: '203.0.113.11', port: 40002 }, observedAt: 1100 }),
    );
    assert.equal(stitcher.prune(1200), 1);
    assert.equal(stitcher.size, 1);
    assert.equal(stitcher.stitch(backendHalf({ observedAt: 1201 })), null, 'pruned: no link');
  });
});

describe('Stitcher memory bound', () => {
  /** The entry half of connection `i`, decoded from the wire as the ingest holds it. */
  const pending = (i: number): v1.IFlowRecord =>
    v1.FlowRecord.decode(
      v1.FlowRecord.encode(
        entry({
          client: { ip: `198.51.${(i >> 8) & 255}.${i & 255}`, port: 20000 + (i % 40000) },
          observedSource: {
            ip: `203.0.${(i >> 16) & 255}.${(i >> 8) & 255}`,
            port: 1024 + (i & 255),
          },
          conntrackId: i + 1,
          observedAt: 1000 + i / 1000,
        }),
      ).finish(),
    );
  const limits = cacheLimits(DEFAULT_MEMORY_BUDGET_BYTES);

  it('holds at most the default budget’s connections, the newest, and counts the evictions', () => {
    const stitcher = new Stitcher();
    const total = limits.stitchConnections + 5000;
    for (let i = 0; i < total; i++) stitcher.stitch(pending(i));
    assert.equal(stitcher.size, limits.stitchConnections);
    assert.equal(stitcher.evictions.size, 5000);
    assert.equal(stitcher.evicted, 5000);
    const newest = pending(total - 1);
    const link = stitcher.stitch(
      backendHalf({ observedSource: newest.observedSource, observedAt: newest.observedAt }),
    );
    assert.equal(link?.entry.conntrackId, total, 'the newest half is still waiting');
  });

  it('keeps 200,000 pending halves within the stitcher’s share of the budget', () => {
    // gc() without --expose-gc on the command line, so the test runs like every other one.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    gc();
    const before = process.memoryUsage().heapUsed;
    const stitcher = new Stitcher();
    for (let i = 0; i < 200_000; i++) stitcher.stitch(pending(i));
    gc();
    const retained = process.memoryUsage().heapUsed - before;
    assert.equal(stitcher.size, limits.stitchConnections);
    // Half of the budget is the stitcher's (memory-budget.ts).
    const share = DEFAULT_MEMORY_BUDGET_BYTES / 2;
    assert.ok(retained < share, `${Math.round(retained / 2 ** 20)} MiB retained`);
  });

  it('prune drops connections stamped beyond the clock skew in the future', () => {
    const stitcher = new Stitcher();
    stitcher.stitch(entry({ observedAt: 1e12 }));
    stitcher.stitch(entry({ observedSource: { ip: '203.0.113.11', port: 40002 } }));
    assert.equal(stitcher.prune(1050), 1);
    assert.equal(stitcher.size, 1);
    assert.equal(stitcher.evictions.age, 1);
  });
});

describe('Stitcher and the backend socket', () => {
  const socket = { ip: '203.0.113.11', port: 51539 };

  it('a later backend record bringing the socket links the entry again with it', () => {
    const stitcher = new Stitcher();
    const first = entry();
    stitcher.stitch(first);
    const link = stitcher.stitch(backendHalf());
    assert.deepEqual(link, { entry: first, backendNode: 'n2', socketObserved: null });
    const late = stitcher.stitch(backendHalf({ socketObserved: socket, observedAt: 1002 }));
    assert.deepEqual(late, { entry: first, backendNode: 'n2', socketObserved: socket });
    assert.equal(stitcher.stitch(backendHalf({ socketObserved: socket })), null, 'once');
    const closed = entry({ closed: true, observedAt: 1100 });
    stitcher.stitch(closed);
    assert.deepEqual(closed.socketObserved, socket);
  });

  it('backend half with its socket first: the entry record carries the socket itself', () => {
    const stitcher = new Stitcher();
    assert.equal(stitcher.stitch(backendHalf({ socketObserved: socket })), null);
    const first = entry({ observedAt: 1002 });
    assert.equal(stitcher.stitch(first), null);
    assert.deepEqual(first.socketObserved, socket);
  });

  it('an entry of a remote endpoint drops an agent’s own socket claim; UDP needs none', () => {
    const stitcher = new Stitcher();
    const claimed = entry({ socketObserved: { ip: '192.0.2.1', port: 1 } });
    stitcher.stitch(claimed);
    assert.equal(claimed.socketObserved, undefined);
    const local = entry({ endpointLocal: true, socketObserved: socket, client: { port: 9 } });
    stitcher.stitch(local);
    assert.deepEqual(local.socketObserved, socket, 'its own node saw the socket');
    const udp = new Stitcher();
    udp.stitch(entry({ protocol: 'udp' }));
    assert.notEqual(udp.stitch(backendHalf({ protocol: 'udp' })), null);
    assert.equal(udp.stitch(backendHalf({ protocol: 'udp', observedAt: 1003 })), null);
  });
});
