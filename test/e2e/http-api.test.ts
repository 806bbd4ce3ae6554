// The collector's query API over real loopback HTTP against the built CLI: tokens (401/200), the
// metrics listener, cursor pages that return every stored row exactly once, the concurrency cap,
// fuzzed query strings (only 200/400/401), and clients that stop reading a large answer (RSS stays
// under the deploy's memory limit and the process keeps serving).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { API_LIMITS } from '../../collector/http-api.js';
import { SqliteFlowStore } from '../../collector/sqlite-store.js';
import { v1 } from '../../proto/index.js';
import { generateTestCerts, type TestCerts } from '../support/certs.js';
import { parseNdjson } from '../support/cli.js';
import { eventually, startSnatscope, type Daemon } from '../support/daemon.js';
import { loopbackListenArgs } from '../support/ingest-stream.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TOKEN = 'e2e-query-token';
const ROWS = 12_000;
// deploy/: the collector container's memory limit (512Mi).
const DEPLOY_MEMORY_LIMIT_KIB = 512 * 1024;

// Names at Kubernetes' length limits make a full page (~7 MB) larger than what loopback's socket
// buffers take in (~4 MB here), so a client that stops reading really holds its answer back.
const longNode = (n: number): string => `node-${n}-${'x'.repeat(240)}.example.internal`;
const longName = (prefix: string): string => `${prefix}-${'y'.repeat(58)}`;

/** A stored flow; `index` makes it a distinct connection (and its conntrack id). */
function flow(index: number, at: number): v1.IFlowRecord {
  return {
    kind: v1.FlowRecord.Kind.flow,
    node: longNode(index % 3),
    entryNode: longNode(index % 3),
    backendNode: longNode((index + 1) % 3),
    protocol: 'tcp',
    client: { ip: `198.51.${(index >> 8) & 255}.${index & 255}`, port: 20_000 + (index % 40_000) },
    entry: { ip: '203.0.113.11', port: 30080 },
    entryKind: v1.FlowRecord.EntryKind.NodePort,
    backend: { ip: '10.244.2.10', port: 8080 },
    observedSource: { ip: '203.0.113.11', port: 40_000 + (index % 20_000) },
    snat: true,
    cause: v1.FlowRecord.Cause.ClusterPolicyMasquerade,
    service: { namespace: longName('shop'), name: longName('checkout'), port: 'https' },
    externalTrafficPolicy: v1.TrafficPolicy.Cluster,
    proxyMode: v1.ProxyMode.iptables,
    endpointLocal: false,
    state: 'ESTABLISHED',
    conntrackId: index + 1,
    // Groups of ten share a time: the row id must order them for pages to be exact.
    observedAt: at - Math.floor(index / 10),
  };
}

/** One GET over a fresh connection; resolves with status and body. */
function get(
  port: number,
  path: string,
  token: string | null = TOKEN,
): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        agent: false,
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
      },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, body, headers: response.headers });
        });
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** A client that asks for a full page and then never reads: the socket stays paused. */
function slowReader(port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`,
      );
      socket.pause();
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

/** VmRSS and VmHWM (peak) of a process, in KiB. */
function memoryKib(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string): number =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Runs the built CLI; resolves with its exit code and output (never rejects on exit codes). */
async function cli(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(root, 'bin', 'snatscope.js'), ...args],
      { env: { PATH: process.env.PATH, ...env }, maxBuffer: 256 * 1024 * 1024 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('collector query API over loopback HTTP', () => {
  let dir = '';
  let collector: Daemon;
  let apiPort = 0;
  let metricsPort = 0;
  let url = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-http-api-'));
    writeFileSync(join(dir, 'api-tokens'), `# query clients\n${TOKEN}\n`);
    writeFileSync(join(dir, 'token'), `${TOKEN}\n`);
    writeFileSync(join(dir, 'wrong-token'), 'not-a-listed-token\n');
    // Two hours old: inside retention, outside the hour rebuilt into the correlator at start.
    const at = Date.now() / 1000 - 7200;
    const store = new SqliteFlowStore(join(dir, 'flows.db'));
    const flows = Array.from({ length: ROWS }, (_, i) => flow(i, at));
    store.write([{ node: 'seed', bootId: 'b', sequence: 1, flows, services: null }], []);
    store.close();
    collector = startSnatscope([
      'collector',
      ...loopbackListenArgs(join(dir, 'flows.db')),
      '--insecure',
      '--metrics-listen',
      '127.0.0.1:0',
      '--api-token-file',
      join(dir, 'api-tokens'),
    ]);
    const line = await collector.waitForStderr(/collector listening/);
    ({ http: apiPort, metrics: metricsPort } = JSON.parse(line) as {
      http: number;
      metrics: number;
    });
    url = `http://127.0.0.1:${apiPort}`;
  });

  after(async () => {
    await collector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start without --api-token-file unless --api-insecure-no-auth says so', async () => {
    const common = ['collector', '--grpc-listen', '127.0.0.1:0', '--insecure'];
    const refused = await cli([
      ...common,
      '--http-listen',
      '127.0.0.1:0',
      '--db',
      join(dir, 'x.db'),
    ]);
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(
      refused.stderr,
      /^snatscope: the query API needs --api-token-file .*--api-insecure-no-auth$/m,
    );
  });

  it('answers /api/* with 401 and WWW-Authenticate without a valid token, 200 with one', async () => {
    for (const path of ['/api/v1/flows?limit=1', '/api/v1/services', '/api/v1/findings']) {
      for (const token of [null, 'wrong']) {
        const refused = await get(apiPort, path, token);
        assert.equal(refused.status, 401, `${path} with ${token}`);
        assert.equal(refused.headers['www-authenticate'], 'Bearer realm="snatscope"');
        assert.match((JSON.parse(refused.body) as { error: string }).error, /Bearer/);
      }
      assert.equal((await get(apiPort, path)).status, 200, path);
    }
  });

  it('serves /metrics, /healthz and /readyz on the metrics listener without a token, and no API there', async () => {
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      assert.equal((await get(metricsPort, path, null)).status, 200, path);
    }
    assert.equal((await get(metricsPort, '/api/v1/flows', TOKEN)).status, 404);
    // And not on the API listener: that port can be closed to everyone but query clients.
    assert.equal((await get(apiPort, '/metrics', TOKEN)).status, 404);
  });

  it('refuses a page larger than the maximum', async () => {
    const answer = await get(apiPort, `/api/v1/flows?limit=${API_LIMITS.maxPageSize + 1}`);
    assert.equal(answer.status, 400);
    assert.equal((await get(apiPort, '/api/v1/flows?limit=100000')).status, 400);
  });

  it('returns every stored row exactly once through cursor pages, newest first', async () => {
    const ids: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const path: string = `/api/v1/flows?limit=${API_LIMITS.maxPageSize}${cursor === null ? '' : `&cursor=${cursor}`}`;
      const answer = await get(apiPort, path);
      assert.equal(answer.status, 200, answer.body);
      const body = JSON.parse(answer.body) as {
        flows: { conntrackId: number }[];
        next: string | null;
      };
      ids.push(...body.flows.map((f) => f.conntrackId));
      cursor = body.next;
      pages++;
    } while (cursor !== null && pages <= ROWS);
    assert.equal(pages, Math.ceil(ROWS / API_LIMITS.maxPageSize));
    assert.equal(ids.length, ROWS);
    assert.equal(new Set(ids).size, ROWS, 'no row twice');
    // Newest first; within one time, the later-stored row first.
    assert.deepEqual(
      ids.slice(0, 12),
      [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 20, 19].map((n) => n),
    );
  });

  it('`snatscope flows` follows cursors up to --limit, with --token-file or SNATSCOPE_TOKEN', async () => {
    const all = await cli([
      'flows',
      '--collector',
      url,
      '--token-file',
      join(dir, 'token'),
      '--limit',
      '100000',
      '--output',
      'json',
    ]);
    assert.equal(all.code, 0, all.stderr);
    const flows = parseNdjson(all.stdout);
    assert.equal(flows.length, ROWS);
    assert.equal(new Set(flows.map((f) => f.conntrackId)).size, ROWS);
    const some = await cli(['flows', '--collector', url, '--limit', '7001', '--output', 'json'], {
      SNATSCOPE_TOKEN: TOKEN,
    });
    assert.equal(some.code, 0, some.stderr);
    assert.equal(parseNdjson(some.stdout).length, 7001);
  });

  it('says in one line that the collector wants a token (exit 1)', async () => {
    const none = await cli(['services', '--collector', url]);
    assert.equal(none.code, 1);
    assert.match(
      none.stderr,
      /^snatscope: the collector at http:\/\/127\.0\.0\.1:\d+ refused the query \(HTTP 401\): it needs an API token: give --token-file FILE or set SNATSCOPE_TOKEN\n$/,
    );
    const wrong = await cli([
      'flows',
      '--collector',
      url,
      '--token-file',
      join(dir, 'wrong-token'),
    ]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, /^snatscope: .*HTTP 401.*not one of its --api-token-file tokens\n$/);
  });

  it('answers fuzzed query strings with 200, 400 or 401 only, and keeps serving', async () => {
    const keys = fc.oneof(
      fc.constantFrom('client', 'service', 'node', 'since', 'until', 'limit', 'cursor', 'backend'),
      fc.string({ maxLength: 8 }),
    );
    const values = fc.oneof(
      fc.constantFrom(
        '1h',
        '0',
        '-1',
        '5000',
        '5001',
        '1e3',
        'NaN',
        '::ffff:198.51.100.7',
        'shop/api:https',
        'true',
        '%',
        '%zz',
        '',
      ),
      fc.string({ maxLength: 40 }),
      fc.string({ unit: 'grapheme', maxLength: 12 }),
      fc.integer().map(String),
    );
    const raw = fc.stringMatching(/^[A-Za-z0-9%&=+[\].~_-]{0,60}$/);
    const query = fc.oneof(
      fc
        .array(fc.tuple(keys, values), { maxLength: 6 })
        .map((pairs) =>
          pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
        ),
      raw,
    );
    const path = fc.constantFrom('/api/v1/flows', '/api/v1/services', '/api/v1/findings');
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(path, query, fc.boolean(), async (p, q, withToken) => {
        const answer = await get(apiPort, `${p}?${q}`, withToken ? TOKEN : null);
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        assert.ok(
          [200, 400, 401].includes(answer.status),
          `${p}?${q}: ${answer.status} ${answer.body}`,
        );
        assert.doesNotThrow(() => JSON.parse(answer.body), `${p}?${q}: JSON body`);
      }),
      { numRuns: 400 },
    );
    assert.ok(
      (statuses.get(400) ?? 0) > 0 && (statuses.get(200) ?? 0) > 0,
      JSON.stringify([...statuses]),
    );
    assert.equal((await get(metricsPort, '/healthz', null)).status, 200);
    assert.equal(collector.child.exitCode, null, 'the collector is still running');
  });

  it('caps concurrent requests, and slow readers of large pages stay under the memory limit', async (t) => {
    const pid = collector.child.pid ?? 0;
    const before = memoryKib(pid);
    const readers: Socket[] = [];
    try {
      // Twice the cap: the first ones hold every slot (their answers wait on the paused sockets).
      for (let i = 0; i < 2 * API_LIMITS.defaultMaxConcurrent; i++) {
        readers.push(await slowReader(apiPort, `/api/v1/flows?limit=${API_LIMITS.maxPageSize}`));
      }
      const busy = await eventually(async () => {
        const answer = await get(apiPort, '/api/v1/flows?limit=1');
        return answer.status === 503 ? answer : undefined;
      }, 'a request past the concurrency cap to get 503');
      assert.equal(busy.headers['retry-after'], '1');
      assert.match(busy.body, /busy/);
      // Health stays reachable while the API is saturated, and the refusals are counted.
      assert.equal((await get(metricsPort, '/healthz', null)).status, 200);
      const metrics = (await get(metricsPort, '/metrics', null)).body;
      assert.match(metrics, /^snatscope_api_refused_total\{reason="busy"\} [1-9]/m);
      const during = memoryKib(pid);
      t.diagnostic(
        `${readers.length} slow readers of ${API_LIMITS.maxPageSize}-row pages: RSS ${before.rss} → ${during.rss} KiB, peak ${during.peak} KiB`,
      );
      assert.ok(
        during.peak < DEPLOY_MEMORY_LIMIT_KIB,
        `peak RSS ${during.peak} KiB (before ${before.rss} KiB) under the ${DEPLOY_MEMORY_LIMIT_KIB} KiB limit`,
      );
    } finally {
      for (const reader of readers) reader.destroy();
    }
    // The slots come back once the slow clients are gone.
    await eventually(
      async () => ((await get(apiPort, '/api/v1/flows?limit=1')).status === 200 ? true : undefined),
      'the API to answer again',
    );
    assert.equal((await get(metricsPort, '/healthz', null)).status, 200);
    assert.ok(memoryKib(pid).peak < DEPLOY_MEMORY_LIMIT_KIB);
  });
});

describe('query API tokens renewed without a restart', () => {
  it('accepts the new token and refuses the old one once the file changes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'snatscope-api-rotate-'));
    const tokens = join(dir, 'api-tokens');
    writeFileSync(tokens, 'old-query-token\n');
    const collector = startSnatscope([
      'collector',
      ...loopbackListenArgs(join(dir, 'flows.db')),
      '--insecure',
      '--api-token-file',
      tokens,
      '--credentials-poll',
      '100ms',
    ]);
    try {
      const { http } = JSON.parse(await collector.waitForStderr(/collector listening/)) as {
        http: number;
      };
      const status = async (token: string): Promise<number> =>
        (await get(http, '/api/v1/services', token)).status;
      assert.equal(await status('old-query-token'), 200);
      // A half-written renewal (an empty file) is not used: the old token keeps working.
      writeFileSync(tokens, '');
      await collector.waitForStderr(/lists no token/);
      assert.equal(await status('old-query-token'), 200);
      writeFileSync(tokens, 'new-query-token\n');
      await eventually(
        async () => ((await status('new-query-token')) === 200 ? true : undefined),
        'the renewed token accepted',
      );
      assert.equal(await status('old-query-token'), 401);
    } finally {
      await collector.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('collector query API over HTTPS', () => {
  let dir = '';
  let certs: TestCerts;
  let collector: Daemon;
  let url = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-https-api-'));
    certs = generateTestCerts();
    writeFileSync(join(dir, 'api-tokens'), `${TOKEN}\n`);
    collector = startSnatscope([
      'collector',
      ...loopbackListenArgs(join(dir, 'flows.db')),
      '--insecure',
      '--api-token-file',
      join(dir, 'api-tokens'),
      '--api-tls-cert',
      certs.serverCert,
      '--api-tls-key',
      certs.serverKey,
    ]);
    const line = await collector.waitForStderr(/collector listening/);
    url = `https://127.0.0.1:${(JSON.parse(line) as { http: number }).http}`;
  });

  after(async () => {
    await collector.stop();
    certs.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers `snatscope services --ca` with the token, and refuses a client that does not trust it', async () => {
    const ok = await cli(
      ['services', '--collector', url, '--ca', certs.caCert, '--output', 'json'],
      {
        SNATSCOPE_TOKEN: TOKEN,
      },
    );
    assert.equal(ok.code, 0, ok.stderr);
    const untrusted = await cli(['services', '--collector', url, '--ca', certs.foreignCaCert], {
      SNATSCOPE_TOKEN: TOKEN,
    });
    assert.equal(untrusted.code, 1);
    assert.match(untrusted.stderr, /^snatscope: cannot reach the collector at https:.*: .*\n$/);
    const plain = await get(Number(new URL(url).port), '/healthz', null).catch(
      (error: unknown) => error,
    );
    assert.ok(
      plain instanceof Error || (plain as { status: number }).status === 400,
      'plain HTTP is not served on the TLS port',
    );
  });
});
