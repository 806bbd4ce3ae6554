// The web page's server side: the path diagram counted from flows (pure), and the routes in
// process (fastify's inject): the shell and assets without a token and with their caching
// headers, the page's JSON behind the token, nothing outside the assets folder.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { Gauge, Registry } from 'prom-client';
import { parseTokenFile } from '../../common/credentials.js';
import { Correlator } from '../../collector/correlate.js';
import { createHttpApi, type HttpApiDeps } from '../../collector/http-api.js';
import { SqliteFlowStore } from '../../collector/sqlite-store.js';
import { DIAGRAM_CLIENTS, servicePaths } from '../../collector/ui/service-paths.js';
import { registerWebUi } from '../../collector/ui/web-ui.js';
import type { ServicePathsJson } from '../../collector/ui/wire.js';
import { v1 } from '../../proto/index.js';

const { Kind, Cause } = v1.FlowRecord;
const TOKEN = 'ui-token';
const MASQUERADE = {
  table: 'nat',
  chain: 'KUBE-POSTROUTING',
  rule: '-A KUBE-POSTROUTING -j MASQUERADE --random-fully',
};
const api = { namespace: 'shop', name: 'api', port: 'http' };

function flow(
  client: string,
  entryNode: string,
  backend: string,
  cause: v1.FlowRecord.Cause,
  extra: v1.IFlowRecord = {},
): v1.IFlowRecord {
  const snat = cause !== Cause.None;
  return {
    kind: Kind.flow,
    node: entryNode,
    protocol: 'tcp',
    client: { ip: client, port: 40_000 },
    entry: { ip: '203.0.113.11', port: 30080 },
    backend: { ip: backend, port: 8080 },
    observedSource: { ip: snat ? '203.0.113.11' : client, port: 40_000 },
    snat,
    cause,
    service: api,
    entryNode,
    backendNode: backend.startsWith('10.244.2.') ? 'n2' : 'n3',
    ...(snat ? { snatRule: MASQUERADE } : {}),
    ...extra,
  };
}

describe('servicePaths: the diagram of one Service port', () => {
  const upstream = (ip: string): boolean => ip === '192.0.2.5';
  const records = [
    flow('198.51.100.50', 'n1', '10.244.2.10', Cause.ClusterPolicyMasquerade),
    flow('198.51.100.50', 'n1', '10.244.2.10', Cause.ClusterPolicyMasquerade),
    flow('198.51.100.50', 'n2', '10.244.2.10', Cause.ClusterPolicyMasquerade, {
      backendPod: { namespace: 'shop', name: 'api-a' },
    }),
    flow('192.0.2.5', 'n2', '10.244.3.10', Cause.None),
    // Not counted: a backend half, and another protocol of the same Service.
    { ...flow('198.51.100.50', 'n1', '10.244.2.10', Cause.None), kind: Kind.backend },
    { ...flow('198.51.100.50', 'n1', '10.244.2.10', Cause.None), protocol: 'udp' },
  ];
  const paths = servicePaths(
    records,
    { service: 'shop/api:http', protocol: 'tcp', truncated: false },
    upstream,
  );

  it('counts entry flows of the protocol only', () => {
    assert.equal(paths.flows, 4);
    assert.deepEqual(paths.entryNodes, [
      { node: 'n1', flows: 2 },
      { node: 'n2', flows: 2 },
    ]);
  });

  it('marks the upstream balancer among the clients', () => {
    assert.deepEqual(paths.clients, [
      { ip: '198.51.100.50', upstream: false, flows: 3 },
      { ip: '192.0.2.5', upstream: true, flows: 1 },
    ]);
    assert.deepEqual(paths.clientEdges, [
      { client: '198.51.100.50', entryNode: 'n1', flows: 2 },
      { client: '198.51.100.50', entryNode: 'n2', flows: 1 },
      { client: '192.0.2.5', entryNode: 'n2', flows: 1 },
    ]);
  });

  it('puts the SNAT, its causes and rule on the entry node → backend edge', () => {
    const byKey = new Map(paths.backendEdges.map((e) => [`${e.entryNode}→${e.backend}`, e]));
    assert.deepEqual(byKey.get('n1→10.244.2.10'), {
      entryNode: 'n1',
      backend: '10.244.2.10',
      flows: 2,
      snatFlows: 2,
      causes: { ClusterPolicyMasquerade: 2 },
      rules: [{ ...MASQUERADE, flows: 2 }],
    });
    assert.deepEqual(byKey.get('n2→10.244.3.10'), {
      entryNode: 'n2',
      backend: '10.244.3.10',
      flows: 1,
      snatFlows: 0,
      causes: { None: 1 },
      rules: [],
    });
  });

  it('names backends by pod and node when known', () => {
    assert.deepEqual(paths.backends, [
      { ip: '10.244.2.10', pod: 'shop/api-a', node: 'n2', flows: 3 },
      { ip: '10.244.3.10', pod: null, node: 'n3', flows: 1 },
    ]);
  });

  it(`draws the ${DIAGRAM_CLIENTS} busiest clients and groups the rest`, () => {
    const many = Array.from({ length: DIAGRAM_CLIENTS + 3 }, (_, i) =>
      Array.from({ length: i + 1 }, () =>
        flow(`198.51.100.${i + 1}`, 'n1', '10.244.2.10', Cause.None),
      ),
    ).flat();
    const grouped = servicePaths(
      many,
      { service: 'shop/api:http', protocol: 'tcp', truncated: true },
      upstream,
    );
    assert.equal(grouped.clients.length, DIAGRAM_CLIENTS + 1);
    assert.deepEqual(grouped.clients.at(-1), { ip: null, upstream: false, flows: 1 + 2 + 3 });
    assert.equal(grouped.clients[0]?.ip, `198.51.100.${DIAGRAM_CLIENTS + 3}`);
    assert.equal(grouped.truncated, true);
  });
});

describe('web page routes', () => {
  let dir = '';
  let store: SqliteFlowStore;
  let deps: HttpApiDeps;
  let app: FastifyInstance;
  let page: FastifyInstance;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-web-ui-'));
    mkdirSync(join(dir, 'ui', 'assets'), { recursive: true });
    writeFileSync(join(dir, 'ui', 'index.html'), '<script src="./assets/index-abc.js"></script>');
    writeFileSync(join(dir, 'ui', 'assets', 'index-abc.js'), 'console.log(1)');
    writeFileSync(join(dir, 'secret.txt'), 'not an asset');
    store = new SqliteFlowStore(join(dir, 'flows.db'));
    store.write(
      [
        {
          node: 'n1',
          bootId: 'b',
          sequence: 1,
          flows: [
            {
              ...flow('198.51.100.50', 'n1', '10.244.2.10', Cause.ClusterPolicyMasquerade),
              observedAt: Date.now() / 1000,
            },
          ],
          services: null,
        },
      ],
      [],
    );
    const registry = new Registry();
    new Gauge({ name: 'snatscope_agents_connected', help: 'x', registers: [registry] }).set(3);
    deps = {
      store,
      correlator: new Correlator({ upstreamCidrs: ['192.0.2.0/24'] }),
      registry,
      notReady: () => null,
      log: pino({ level: 'silent' }),
      refused: () => undefined,
    };
    app = createHttpApi(deps, {
      tokens: parseTokenFile(`${TOKEN}\n`, 'tokens', { nodes: false }),
      tls: null,
      health: true,
      maxConcurrent: 4,
    });
    page = Fastify();
    registerWebUi(page, deps, join(dir, 'ui'));
    await Promise.all([app.ready(), page.ready()]);
  });

  after(async () => {
    await Promise.all([app.close(), page.close()]);
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the shell with no-cache and a strict CSP', async () => {
    const answer = await page.inject({ url: '/' });
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers['cache-control'], 'no-cache');
    assert.match(String(answer.headers['content-security-policy']), /default-src 'none'/);
    assert.match(answer.body, /index-abc\.js/);
  });

  it('serves hashed assets as immutable, and nothing outside the assets folder', async () => {
    const asset = await page.inject({ url: '/assets/index-abc.js' });
    assert.equal(asset.statusCode, 200);
    assert.equal(asset.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.match(String(asset.headers['content-type']), /^text\/javascript/);
    for (const url of [
      '/assets/..%2Fsecret.txt',
      '/assets/..%2F..%2Fsecret.txt',
      '/assets/nope.js',
      '/assets/.hidden.js',
    ]) {
      assert.equal((await page.inject({ url })).statusCode, 404, url);
    }
  });

  it('says how to build the page when it is not built', async () => {
    const bare = Fastify();
    registerWebUi(bare, deps, join(dir, 'missing'));
    const answer = await bare.inject({ url: '/' });
    assert.equal(answer.statusCode, 503);
    assert.match(answer.body, /npm run build/);
    await bare.close();
  });

  it('on the API listener: / needs no token, the page’s JSON does', async () => {
    assert.notEqual((await app.inject({ url: '/' })).statusCode, 401);
    assert.equal((await app.inject({ url: '/api/v1/ui/status' })).statusCode, 401);
    const status = await app.inject({
      url: '/api/v1/ui/status',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.deepEqual(status.json(), { notReady: null, agentsConnected: 3 });
    const paths = await app.inject({
      url: '/api/v1/ui/service-paths?service=shop/api:http&protocol=tcp&since=1h',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const body = paths.json<ServicePathsJson>();
    assert.equal(body.flows, 1);
    assert.equal(body.backendEdges[0]?.snatFlows, 1);
    const bad = await app.inject({
      url: '/api/v1/ui/service-paths?service=nonsense&protocol=tcp',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    assert.equal(bad.statusCode, 400);
  });
});
