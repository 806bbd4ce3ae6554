// The collector's HTTP API in process (fastify's inject, no socket): which paths need a token,
// what the query-string schema refuses, and cursor pages over a real SQLite store.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { parseTokenFile } from '../../common/credentials.js';
import { Correlator } from '../../collector/correlate.js';
import { createHttpApi, createMetricsServer, type HttpApiDeps } from '../../collector/http-api.js';
import type { ApiRefuseReason } from '../../collector/metrics.js';
import { SqliteFlowStore } from '../../collector/sqlite-store.js';
import { v1 } from '../../proto/index.js';

const TOKEN = 'query-token-1';
const ROWS = 25;

let dir = '';
let store: SqliteFlowStore;
let deps: HttpApiDeps;
let api: FastifyInstance;
const refusals: ApiRefuseReason[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'snatscope-http-'));
  writeFileSync(join(dir, 'api-tokens'), `# readers\n${TOKEN}\nother-reader\n`);
  store = new SqliteFlowStore(join(dir, 'flows.db'));
  const flows: v1.IFlowRecord[] = Array.from({ length: ROWS }, (_, i) => ({
    kind: v1.FlowRecord.Kind.flow,
    node: 'n1',
    protocol: 'tcp',
    client: { ip: i % 2 === 0 ? '198.51.100.7' : '::ffff:198.51.100.7', port: 40_000 + i },
    entry: { ip: '192.0.2.10', port: 30080 },
    backend: { ip: '10.244.1.7', port: 8080 },
    observedSource: { ip: '192.0.2.10', port: 40_000 + i },
    conntrackId: i + 1,
    // Pairs of equal times: the row id must break the tie for pages to be stable.
    observedAt: 1_700_000_000 + Math.floor(i / 2),
  }));
  await store.write([{ node: 'n1', bootId: 'b', sequence: 1, flows, services: null }], []);
  deps = {
    store,
    correlator: new Correlator({ upstreamCidrs: [] }),
    registry: new Registry(),
    notReady: () => null,
    log: pino({ level: 'silent' }),
    refused: (reason) => refusals.push(reason),
  };
  api = createHttpApi(deps, {
    tokens: parseTokenFile(readFileSync(join(dir, 'api-tokens'), 'utf8'), 'api-tokens', {
      nodes: false,
    }),
    tls: null,
    health: true,
    maxConcurrent: 4,
  });
  await api.ready();
});

after(async () => {
  await api.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

describe('query API access', () => {
  const cases: [string, Record<string, string>, number][] = [
    ['no Authorization header', {}, 401],
    ['an unknown token', { authorization: 'Bearer nope' }, 401],
    ['a Basic credential', { authorization: `Basic ${TOKEN}` }, 401],
    ['a listed token', auth, 200],
    ['the second listed token', { authorization: 'bearer other-reader' }, 200],
  ];
  for (const [name, headers, status] of cases) {
    it(`${name}: ${status}`, async () => {
      for (const path of ['/api/v1/flows', '/api/v1/services', '/api/v1/findings']) {
        const response = await api.inject({ url: path, headers });
        assert.equal(response.statusCode, status, `${path}: ${response.body}`);
        if (status === 401) {
          assert.equal(response.headers['www-authenticate'], 'Bearer realm="snatscope"');
          assert.match(response.json<{ error: string }>().error, /Authorization: Bearer/);
        }
      }
    });
  }

  it('serves /metrics, /healthz and /readyz without a token', async () => {
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      assert.equal((await api.inject({ url: path })).statusCode, 200, path);
    }
  });

  it('asks for a token before saying a path does not exist', async () => {
    assert.equal((await api.inject({ url: '/api/v2/secrets' })).statusCode, 401);
    assert.equal((await api.inject({ url: '/api/v2/secrets', headers: auth })).statusCode, 404);
  });

  it('counts each refusal by reason', async () => {
    refusals.length = 0;
    await api.inject({ url: '/api/v1/flows' });
    await api.inject({ url: '/api/v1/flows?limit=0', headers: auth });
    await api.inject({ url: '/api/v1/flows?client=x', headers: auth });
    await api.inject({ url: `/api/v1/flows?node=${'x'.repeat(5000)}` });
    assert.deepEqual(refusals, ['unauthorized', 'bad_query', 'bad_query', 'url_too_long']);
  });

  it('refuses a URL longer than the limit with 414', async () => {
    const response = await api.inject({ url: `/api/v1/flows?node=${'x'.repeat(5000)}` });
    assert.equal(response.statusCode, 414);
  });

  it('keeps the API off the metrics listener', async () => {
    const metrics = createMetricsServer(deps);
    try {
      assert.equal((await metrics.inject({ url: '/healthz' })).statusCode, 200);
      const response = await metrics.inject({ url: '/api/v1/flows', headers: auth });
      assert.equal(response.statusCode, 404);
    } finally {
      await metrics.close();
    }
  });
});

describe('query API parameters', () => {
  const refused: [string, RegExp][] = [
    ['limit=0', /limit must be >= 1/],
    ['limit=5001', /limit must be <= 5000/],
    ['limit=ten', /limit must be integer/],
    ['colour=red', /must NOT have additional properties/],
    ['client=198.51.100.7&client=198.51.100.8', /client must be string/],
    ['client=nope', /client=nope: expected an IP address/],
    ['backend=maybe', /backend must be equal to one of the allowed values/],
    ['cursor=AAAA', /cursor=AAAA: not a cursor/],
  ];
  for (const [query, message] of refused) {
    it(`refuses ${query} with 400 and says why`, async () => {
      const response = await api.inject({ url: `/api/v1/flows?${query}`, headers: auth });
      assert.equal(response.statusCode, 400, response.body);
      assert.match(response.json<{ error: string }>().error, message);
    });
  }

  it('pages with cursors: every row once, newest first, next null at the end', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `limit=4${cursor === null ? '' : `&cursor=${cursor}`}`;
      const response = await api.inject({ url: `/api/v1/flows?${query}`, headers: auth });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json<{ flows: { conntrackId: number }[]; next: string | null }>();
      seen.push(...body.flows.map((flow) => flow.conntrackId));
      cursor = body.next;
      pages++;
    } while (cursor !== null && pages <= ROWS);
    assert.deepEqual(
      seen,
      Array.from({ length: ROWS }, (_, i) => ROWS - i),
    );
    assert.equal(pages, Math.ceil(ROWS / 4));
  });

  it('finds an IPv4 client by its IPv4-mapped form and the other way round', async () => {
    for (const client of ['198.51.100.7', '::ffff:198.51.100.7', '::ffff:c633:6407']) {
      const response = await api.inject({
        url: `/api/v1/flows?client=${encodeURIComponent(client)}&limit=100`,
        headers: auth,
      });
      assert.equal(response.json<{ flows: unknown[] }>().flows.length, ROWS, client);
    }
  });
});
