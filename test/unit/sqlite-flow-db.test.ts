// SqliteFlowDb (the synchronous database behind SqliteFlowDb) on real files in a temporary directory: round trip, upsert, dedupe, links,
// queries against a naive model, prune, reopen, index use, and a kill -9 in the middle of ingest.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { v1 } from '../../proto/index.js';
import {
  batch,
  canonical,
  flow,
  flowRecordArbitrary,
  storeIdentity,
} from '../support/store-records.js';
import { SCHEMA_VERSION, SqliteFlowDb } from '../../collector/sqlite-flow-db.js';
import { StoreError, type FlowCursor, type FlowFilter } from '../../collector/store.js';
import {
  CRASH_BATCH_RECORDS,
  CRASH_BOOT,
  CRASH_NODE,
  crashBatch,
} from '../support/store-crash-writer.js';

const { Kind } = v1.FlowRecord;
const here = dirname(fileURLToPath(import.meta.url));
let dir = '';
let files = 0;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'snatscope-store-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
});

function newPath(): string {
  return join(dir, `store-${++files}.db`);
}

function all(store: SqliteFlowDb): v1.IFlowRecord[] {
  const records: v1.IFlowRecord[] = [];
  let after: FlowCursor | null = null;
  do {
    const page = store.flowsSincePage(Number.NEGATIVE_INFINITY, after, 7);
    records.push(...page.flows);
    after = page.next;
  } while (after !== null);
  return records;
}

// ---- arbitraries for the round trip ----
describe('SqliteFlowDb', () => {
  it('stores every field of a record and gives it back unchanged (property)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(flowRecordArbitrary, { selector: storeIdentity, maxLength: 12 }),
        (records) => {
          const store = new SqliteFlowDb(newPath());
          try {
            assert.deepEqual(store.write([batch('agent', 1, records)], []), ['stored']);
            // flowsSincePage is oldest first, ties in insertion order (a stable sort).
            const expected = records
              .map(canonical)
              .sort((a, b) => (a.observedAt as number) - (b.observedAt as number));
            assert.deepEqual(all(store).map(canonical), expected);
            assert.equal(store.countFlows(), records.length);
          } finally {
            store.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('keeps connections apart that differ in any identity field', () => {
    const store = new SqliteFlowDb(newPath());
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
    ];
    store.write([batch('n1', 1, variants)], []);
    assert.equal(store.countFlows(), variants.length);
    // Backend halves are identified by observed source and backend, not by client and entry.
    const backend = { ...base, kind: Kind.backend, client: { ip: '198.51.100.9', port: 1 } };
    store.write([batch('n1', 2, [backend])], []);
    assert.equal(store.countFlows(), variants.length);
    store.close();
  });

  it('stores nothing of a write that fails, and stays usable', () => {
    const store = new SqliteFlowDb(newPath());
    store.write([batch('n1', 1, [flow({ at: 1, ct: 1 })])], []);
    const fresh = flow({ node: 'fresh', service: ['new', 'svc', 'p'], at: 2, ct: 2 });
    // NaN is bound as NULL: the NOT NULL time column fails the statement mid-transaction.
    const broken = { ...flow({ at: 3, ct: 3 }), observedAt: Number.NaN };
    assert.throws(
      () => store.write([batch('n1', 2, [fresh]), batch('n1', 3, [broken])], []),
      (error: unknown) =>
        error instanceof StoreError &&
        error.code === 'STORE_WRITE_FAILED' &&
        error.message.includes(store.path),
    );
    assert.equal(store.countFlows(), 1);
    assert.equal(store.lastSequence('n1', 'b1'), 1);
    // Names interned by the failed transaction were rolled back with it.
    assert.deepEqual(store.write([batch('n1', 2, [fresh])], []), ['stored']);
    assert.equal(store.queryFlows({ node: 'fresh', limit: 5 }).flows.length, 1);
    assert.equal(store.queryFlows({ service: 'new/svc:p', limit: 5 }).flows.length, 1);
    assert.equal(store.countFlows(), 2);
    store.close();
  });

  describe('queries', () => {
    let store: SqliteFlowDb;
    const records: v1.IFlowRecord[] = [];
    before(() => {
      store = new SqliteFlowDb(newPath());
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
            // Equal times on purpose: ties are ordered by insertion, newest first.
            at: 1000 + Math.floor(i / 2),
            ct: ++ct,
            ...(backendKind
              ? { entryNode: `n${((i + 1) % 3) + 1}` }
              : i % 4 === 0
                ? { backendNode: `n${((i + 2) % 3) + 1}` }
                : {}),
          }),
        );
      }
      // A kind this code does not know (proto3 enums are open) still counts as a backend-side row.
      records.push(
        v1.FlowRecord.fromObject({
          ...flow({ node: 'n2', entryNode: 'n1', at: 1050, ct: ++ct }),
          kind: 7,
        }),
      );
      // One agent's two batches: rows are inserted in this order.
      store.write(
        [batch('all', 1, records.slice(0, 100)), batch('all', 2, records.slice(100))],
        [],
      );
    });
    after(() => {
      store.close();
    });

    it('refuses a bad limit or service filter with an error naming the file', () => {
      assert.throws(() => store.queryFlows({ limit: -1 }), StoreError);
      assert.throws(() => store.queryFlows({ limit: 1.5 }), StoreError);
      assert.throws(
        () => store.queryFlows({ limit: 1, after: { firstSeen: Number.NaN, key: '1' } }),
        StoreError,
      );
      assert.throws(
        () => store.queryFlows({ limit: 1, after: { firstSeen: 1, key: 'x' } }),
        StoreError,
      );
      assert.throws(
        () => store.queryFlows({ service: 'api', limit: 1 }),
        (error: unknown) =>
          error instanceof StoreError &&
          error.message.includes(store.path) &&
          error.code === 'STORE_INVALID_INPUT',
      );
    });

    it('answers each filter from its index, in index order (EXPLAIN QUERY PLAN)', () => {
      const plans: [FlowFilter, string[]][] = [
        [{ client: '203.0.113.3', limit: 100 }, ['flows_client']],
        [{ client: '203.0.113.3', since: 1, until: 2000, limit: 100 }, ['flows_client']],
        [{ service: 'shop/api:http', limit: 100 }, ['flows_service']],
        [{ service: 'shop/api', limit: 100 }, ['flows_service']],
        [{ node: 'n1', limit: 100 }, ['flows_node', 'flows_entry_node', 'flows_backend_node']],
        [
          { node: 'n1', includeBackend: true, limit: 100 },
          ['flows_node', 'flows_entry_node', 'flows_backend_node'],
        ],
        [{ since: 1000, limit: 100 }, ['flows_time']],
        [{ client: '203.0.113.3', service: 'shop/api', node: 'n1', limit: 100 }, ['flows_client']],
      ];
      for (const [filter, indexes] of plans) {
        const explained = store.explainQuery(filter);
        assert.ok(explained);
        const text = explained.plan.join('\n');
        for (const index of indexes) assert.match(text, new RegExp(`USING INDEX ${index}\\b`));
        assert.doesNotMatch(text, /SCAN flows(?! USING)/, text);
        // Each range is read in index order with its LIMIT; only the merge of several ranges
        // sorts, and then just the <= limit rows each range returned.
        const lines = explained.plan;
        lines.forEach((line, i) => {
          if (!line.includes('TEMP B-TREE')) return;
          const previous = lines[i - 1] ?? '';
          // Unknown kinds (kind > 1, kind < 0) are an index range that is sorted: empty in practice.
          if (/kind[<>]/.test(previous)) return;
          assert.match(previous, /^SCAN \(subquery/, text);
        });
        if (lines.filter((line) => line.startsWith('SEARCH flows')).length === 1) {
          assert.doesNotMatch(text, /TEMP B-TREE/, text);
        } else {
          assert.match(text, /MERGE \(UNION\)/, text);
        }
      }
    });
  });

  it('prunes rows last seen before a time, in chunks, keeping long-lived ones', () => {
    const store = new SqliteFlowDb(newPath(), { pruneChunkRows: 3 });
    const flows: v1.IFlowRecord[] = [];
    for (let i = 0; i < 20; i++) flows.push(flow({ at: 100 + i, ct: i + 1 }));
    store.write([batch('n1', 1, flows)], []);
    // Connections 1..5 are still alive at 500: first seen early, last seen late.
    store.write(
      [
        batch(
          'n1',
          2,
          flows.slice(0, 5).map((f) => ({ ...f, observedAt: 500 })),
        ),
      ],
      [],
    );
    // Last seen before 110: connections 6..10 (seen once, at 105..109).
    assert.equal(store.prune(110), 5);
    assert.equal(store.countFlows(), 15);
    assert.equal(store.prune(110), 0);
    assert.equal(store.prune(1000), 15);
    assert.equal(store.countFlows(), 0);
    store.close();
  });

  it('keeps the SNAT rule, backend pod and client node when later records lack them', () => {
    const store = new SqliteFlowDb(newPath());
    const open: v1.IFlowRecord = {
      ...flow({ at: 100, ct: 9 }),
      snatRule: {
        table: 'nat',
        chain: 'KUBE-POSTROUTING',
        rule: '-A KUBE-POSTROUTING -j MASQUERADE --random-fully',
      },
      backendPod: { namespace: 'shop', name: 'api-7d4b9c' },
      clientNode: 'n3',
    };
    store.write([batch('n1', 1, [open])], []);
    // The agent's closed record carries only the identity.
    const closed = { ...flow({ at: 160, ct: 9 }), closed: true };
    store.write([batch('n1', 2, [closed])], []);
    const [row] = store.queryFlows({ limit: 10 }).flows;
    assert.ok(row);
    assert.deepEqual(row.snatRule, open.snatRule);
    assert.deepEqual(row.backendPod, open.backendPod);
    assert.equal(row.clientNode, 'n3');
    assert.equal(row.closed, true);
    store.close();
  });

  it('migrates a version 1 file: old rows stay, new fields are stored', () => {
    const path = newPath();
    const store = new SqliteFlowDb(path);
    store.write([batch('n1', 1, [flow({ at: 1, ct: 1 })])], []);
    store.close();
    // Turn the file back into version 1 (the columns that version did not have).
    const raw = new Database(path);
    raw.exec(`DROP VIEW flows_readable;
      ALTER TABLE flows DROP COLUMN snat_rule;
      ALTER TABLE flows DROP COLUMN backend_pod;
      ALTER TABLE flows DROP COLUMN client_node;
      ALTER TABLE flows DROP COLUMN socket_ip;
      ALTER TABLE flows DROP COLUMN socket_port;
      ALTER TABLE flows DROP COLUMN sample_rate;
      ALTER TABLE flows DROP COLUMN incarnation;`);
    raw.pragma('user_version = 1');
    raw.close();

    const migrated = new SqliteFlowDb(path);
    const pod = { namespace: 'shop', name: 'web-1' };
    migrated.write([batch('n1', 2, [{ ...flow({ at: 2, ct: 2 }), backendPod: pod }])], []);
    const flows = all(migrated);
    assert.equal(flows.length, 2);
    assert.equal(flows[0]?.backendPod, undefined);
    assert.deepEqual(flows[1]?.backendPod, pod);
    migrated.close();
    const check = new Database(path, { readonly: true });
    assert.equal(check.pragma('user_version', { simple: true }), SCHEMA_VERSION);
    const readable = check.prepare('SELECT backend_pod FROM flows_readable ORDER BY id').all();
    assert.deepEqual(readable, [{ backend_pod: null }, { backend_pod: 'shop/web-1' }]);
    check.close();
  });

  it('refuses a file with a newer schema, or not ours, naming the file', () => {
    const newer = newPath();
    new SqliteFlowDb(newer).close();
    const raw = new Database(newer);
    raw.pragma('user_version = 99');
    raw.close();
    assert.throws(
      () => new SqliteFlowDb(newer),
      (error: unknown) =>
        error instanceof StoreError &&
        error.code === 'STORE_SCHEMA_TOO_NEW' &&
        error.message.includes(newer) &&
        error.message.includes('99'),
    );
    const garbage = newPath();
    writeFileSync(garbage, 'this is not a database, it is a text file of some length'.repeat(100));
    assert.throws(
      () => new SqliteFlowDb(garbage),
      (error: unknown) => error instanceof StoreError && error.message.includes(garbage),
    );
    const foreign = newPath();
    const other = new Database(foreign);
    other.pragma('application_id = 42');
    other.close();
    assert.throws(
      () => new SqliteFlowDb(foreign),
      (error: unknown) => error instanceof StoreError && error.code === 'STORE_NOT_SNATSCOPE',
    );
    assert.throws(
      () => new SqliteFlowDb(join(dir, 'missing-dir', 'x.db')),
      (error: unknown) => error instanceof StoreError && error.code === 'STORE_OPEN_FAILED',
    );
  });

  describe('kill -9', () => {
    const writer = join(here, '..', 'support', 'store-crash-writer.ts');

    /** Starts the writer, waits for "stored <ackedAt>", SIGKILLs it; the last acked sequence. */
    async function killAfter(path: string, args: string[], ackedAt: number): Promise<number> {
      const child = spawn(process.execPath, ['--import', 'tsx', writer, path, ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let acked = 0;
      let buffered = '';
      await new Promise<void>((resolve, reject) => {
        child.on('error', reject);
        child.on('exit', (code, signal) => {
          if (signal === 'SIGKILL') resolve();
          else reject(new Error(`writer exited by itself: ${code} ${signal}`));
        });
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (chunk: string) => {
          buffered += chunk;
          const lines = buffered.split('\n');
          buffered = lines.pop() ?? '';
          for (const line of lines) acked = Math.max(acked, Number(line.split(' ')[1]));
          if (acked >= ackedAt && !child.killed) child.kill('SIGKILL');
        });
      });
      return acked;
    }

    function assertExactly(path: string, sequence: number): void {
      const store = new SqliteFlowDb(path);
      try {
        assert.equal(store.lastSequence(CRASH_NODE, CRASH_BOOT), sequence);
        assert.equal(store.countFlows(), sequence * CRASH_BATCH_RECORDS);
        const expected: v1.IFlowRecord[] = [];
        for (let s = 1; s <= sequence; s++) expected.push(...crashBatch(s).flows);
        assert.deepEqual(all(store).map(canonical), expected.map(canonical));
      } finally {
        store.close();
      }
    }

    it('keeps every acknowledged batch when killed right after write() returns', async () => {
      const path = newPath();
      const acked = await killAfter(path, ['stop', '25'], 25);
      assert.equal(acked, 25);
      assertExactly(path, 25);
    });

    it('keeps whole batches only when killed in the middle of writing', async () => {
      const path = newPath();
      const acked = await killAfter(path, ['run'], 40);
      const store = new SqliteFlowDb(path);
      const stored = store.lastSequence(CRASH_NODE, CRASH_BOOT);
      store.close();
      // The kill lands while later writes go on: those may or may not be committed, but an
      // acknowledged one always is, and no batch is half there.
      assert.ok(stored >= acked, `stored ${stored} < acked ${acked}`);
      assertExactly(path, stored);
    });
  });
});
