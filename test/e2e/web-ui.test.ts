// The collector's web page in a real browser (Debian's chromium through playwright-core) against a
// collector fed by the three-node lab's agents: sign-in and refusals, the Services view with the
// lab's verdicts, a client search that shows each probe's path and cause, the path diagram with
// the SNAT point on Cluster-policy Services, keyboard use, axe-core checks, and the page behind a
// path prefix. Saves a screenshot of each page into docs/. Needs root, `npm run build` and
// `flock /tmp/snatscope-lab.lock`.
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { defaultCluster } from '../../lab/cluster.js';
import { startHostForward, type HostForward } from '../../lab/host-forward.js';
import { createLab, newPrefix, type Lab } from '../../lab/lab.js';
import { listNamespaces } from '../../lab/netns.js';
import { launchChromium, seriousAxeViolations } from '../support/browser.js';
import { eventually, startLabPipeline, type Daemon } from '../support/daemon.js';
import { expectations } from '../support/lab-expectations.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const docs = join(root, 'docs');
const cluster = defaultCluster();
const GRPC_PORT = 9090;
const HTTP_PORT = 9108;
const TOKEN = 'lab-query-token';
const PREFIX = '/tools/snatscope/';
type Json = Record<string, unknown>;

/** A reverse proxy that serves the collector under PREFIX (as an ingress with a path would). */
function prefixProxy(target: string): Promise<{ url: string; server: Server }> {
  const upstream = new URL(target);
  const server = createServer((inbound, outbound) => {
    const url = inbound.url ?? '';
    if (!url.startsWith(PREFIX)) {
      outbound.writeHead(404).end('not under the prefix\n');
      return;
    }
    const forwarded = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: inbound.method,
        path: `/${url.slice(PREFIX.length)}`,
        headers: inbound.headers,
      },
      (answer) => {
        outbound.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outbound);
      },
    );
    forwarded.on('error', () => outbound.destroy());
    inbound.pipe(forwarded);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({ url: `http://127.0.0.1:${port}${PREFIX}`, server });
    });
  });
}

describe('web page on a collector fed by the lab’s agents (chromium)', () => {
  let lab: Lab;
  let dir: string;
  let collector: Daemon | null = null;
  const agents: Daemon[] = [];
  let forward: HostForward | null = null;
  let proxy: Server | null = null;
  let proxyUrl = '';
  let chromium: Browser | null = null;
  let base = '';
  const { replies, drops } = expectations();
  let apiServices: Json[] = [];

  async function api(path: string, token = TOKEN): Promise<Response> {
    return fetch(`${base}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    });
  }

  async function newPage(): Promise<Page> {
    assert.ok(chromium);
    const context = await chromium.newContext({ viewport: { width: 1440, height: 900 } });
    return context.newPage();
  }

  async function signIn(page: Page, url = base): Promise<void> {
    await page.goto(url);
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Services' }).waitFor();
  }

  async function assertAccessible(page: Page, what: string): Promise<void> {
    const violations = await seriousAxeViolations(page);
    assert.deepEqual(violations, [], `${what}: serious or critical axe-core violations`);
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-web-ui-'));
    lab = await createLab(cluster, { prefix: newPrefix() });
    const pipeline = await startLabPipeline(lab, {
      dbPath: join(dir, 'flows.db'),
      grpcPort: GRPC_PORT,
      httpListen: `0.0.0.0:${HTTP_PORT}`,
    });
    collector = pipeline.collector;
    agents.push(...pipeline.agents);
    forward = await startHostForward({
      hostPort: 0,
      namespace: lab.routerNamespace,
      targetHost: '127.0.0.1',
      targetPort: HTTP_PORT,
      socketPath: join(dir, 'http.sock'),
      logFile: join(dir, 'relay.log'),
    });
    base = `${forward.url}/`;
    for (const e of [...replies, ...drops]) await lab.probe({ ...e.probe, timeoutMs: 1000 });
    // Every answered probe stored and stitched, and the drop counters of checkout read (the agents
    // re-read the rules every 10 s).
    apiServices = await eventually(
      async () => {
        const flows = ((await (await api('api/v1/flows?limit=5000')).json()) as { flows: Json[] })
          .flows;
        const stitched = flows.filter((f) => f.backendNode !== null);
        if (stitched.length < replies.length) return undefined;
        const services = ((await (await api('api/v1/services')).json()) as { services: Json[] })
          .services;
        const checkout = services.find((s) => (s.service as Json).name === 'checkout');
        const dropping = checkout?.nodesDroppingWithoutLocalEndpoints as string[] | undefined;
        return dropping && dropping.length > 0 ? services : undefined;
      },
      'stitched flows of every probe and the nodes dropping checkout traffic',
      40_000,
    );
    const proxied = await prefixProxy(forward.url);
    proxy = proxied.server;
    proxyUrl = proxied.url;
    chromium = await launchChromium();
  });

  after(async () => {
    await chromium?.close();
    proxy?.close();
    await forward?.close(2000);
    await Promise.all(agents.map((a) => a.stop()));
    await collector?.stop();
    const prefix = lab.prefix;
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
    assert.deepEqual(left, [], 'the lab removed every namespace it made');
  });

  it('serves the page without a token but no data: / is no-cache, assets immutable, the API 401', async () => {
    const page = await fetch(base);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('cache-control'), 'no-cache');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await page.text();
    const assets = [...html.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(assets.length >= 2, `relative script and style URLs in ${html}`);
    for (const asset of assets) {
      const answer = await fetch(`${base}${asset ?? ''}`);
      assert.equal(answer.status, 200, String(asset));
      assert.equal(answer.headers.get('cache-control'), 'public, max-age=31536000, immutable');
    }
    assert.equal((await fetch(`${base}api/v1/ui/status`)).status, 401);
    assert.equal((await api('api/v1/ui/status', 'wrong-token')).status, 401);
    assert.equal((await api('api/v1/ui/status')).status, 200);
  });

  it('asks for the token, refuses a wrong one and keeps it out of URLs', async () => {
    const page = await newPage();
    const urls: string[] = [];
    page.on('request', (r) => urls.push(r.url()));
    await page.goto(base);
    await page.getByRole('heading', { name: 'Sign in to snatscope' }).waitFor();
    await assertAccessible(page, 'sign-in');
    await page.getByLabel('API token').fill('not-the-token');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'refused this token' }).waitFor();
    await page.screenshot({ path: join(docs, 'ui-sign-in.png') });
    await page.getByLabel('API token').fill(TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Services' }).waitFor();
    assert.ok(
      urls.every((u) => !u.includes(TOKEN) && !u.includes('not-the-token')),
      urls.join('\n'),
    );
    // A token the collector stops accepting sends the page back to the sign-in form.
    await page.evaluate("sessionStorage.setItem('snatscope.apiToken', 'revoked')");
    await page.getByRole('alert').filter({ hasText: 'refused the token' }).waitFor();
    await page.getByLabel('API token').waitFor();
    await page.context().close();
  });

  it('Services lists every lab Service with the verdict the collector gives', async () => {
    const page = await newPage();
    await signIn(page);
    const rows = page.locator('table.services tbody tr');
    await rows.first().waitFor();
    const shown: [string, string][] = [];
    for (const row of await rows.all()) {
      shown.push([
        (await row.getAttribute('data-service')) ?? '',
        (await row.getAttribute('data-verdict')) ?? '',
      ]);
    }
    const byKey = new Map(shown);
    for (const s of apiServices) {
      const service = s.service as { namespace: string; name: string; port: string };
      const key = `${service.namespace}/${service.name}${service.port === '' ? '' : `:${service.port}`}/${s.protocol as string}`;
      assert.equal(byKey.get(key), s.verdict, `${key} in ${JSON.stringify(shown)}`);
    }
    for (const spec of cluster.services) {
      assert.ok(
        shown.some(([key]) => key.startsWith(`${spec.namespace}/${spec.name}:`)),
        `${spec.namespace}/${spec.name} listed`,
      );
    }
    // The lab's ground truth: Cluster loses the client IP; Local checkout keeps it on the nodes
    // but loses the NAT load balancer's flows upstream.
    assert.equal(byKey.get('shop/api:http/tcp'), 'lost');
    assert.equal(byKey.get('shop/checkout:https/tcp'), 'partial');
    const api = page.locator('tr[data-service="shop/api:http/tcp"]');
    assert.match(await api.innerText(), /Cluster/);
    const checkout = page.locator('tr[data-service="shop/checkout:https/tcp"]');
    assert.match(await checkout.locator('td').nth(8).innerText(), /n\d/, 'dropping nodes shown');
    // Findings with their fix.
    const masquerade = page.locator('li[data-code="ClusterPolicyMasquerade"]').first();
    assert.match(await masquerade.innerText(), /Fix:/);
    // Filter and sort.
    await page.getByLabel('Filter').fill('checkout');
    await page.getByText(/^1 of \d+ Service ports$/).waitFor();
    await page.getByLabel('Filter').fill('');
    await page.getByRole('button', { name: 'Flows' }).click();
    await page.locator('th[aria-sort="ascending"]', { hasText: 'Flows' }).waitFor();
    // The Flows column: the row's 5th cell (the Service is the row's header cell).
    const flows = (await page.locator('table.services tbody td:nth-child(5)').allInnerTexts()).map(
      Number,
    );
    assert.deepEqual(
      flows,
      [...flows].sort((a, b) => a - b),
      'sorted by flows',
    );
    await page.getByRole('button', { name: 'Verdict' }).click();
    await assertAccessible(page, 'Services');
    await page.screenshot({ path: join(docs, 'ui-services.png'), fullPage: true });
    await page.context().close();
  });

  it('a client search finds the probes’ flows with their path and cause', async () => {
    const c1 = cluster.clients.find((c) => c.name === 'c1')?.ip ?? '';
    const direct = replies.filter((e) => e.probe.client === 'c1' && e.clientIp === null);
    assert.ok(direct.length > 0);
    const page = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Flow search' }).click();
    await page.getByLabel('Client IP (IPv4 or IPv6)').fill(c1);
    await page.getByRole('button', { name: 'Search' }).click();
    const items = page.locator('ul.flow-list > li');
    await items.first().waitFor();
    const expected = (
      (await (await api(`api/v1/flows?client=${c1}&limit=100`)).json()) as { flows: Json[] }
    ).flows.length;
    assert.equal(await items.count(), expected, 'every flow of the client');
    for (const e of direct) {
      const service = `${e.service.namespace}/${e.service.name}:${e.service.portName}`;
      const item = items
        .and(page.locator(`[data-service="${service}"]`))
        .and(page.locator(`[data-entry-node="${e.entryNode}"][data-entry-kind="${e.entryKind}"]`))
        .first();
      await item.locator('summary').click();
      const snat = item.locator('[data-step="snat"]');
      await snat.waitFor();
      assert.equal(await snat.getAttribute('data-cause'), e.cause, e.name);
      assert.match(await item.locator('[data-step="client"]').innerText(), new RegExp(c1));
      assert.match(await item.locator('[data-step="entry"]').innerText(), new RegExp(e.entryNode));
      const snatText = await snat.innerText();
      if (e.cause === 'None') assert.match(snatText, /^No SNAT/, e.name);
      else assert.match(snatText, new RegExp(`^SNAT on ${e.entryNode}.*rule in nat/`, 's'), e.name);
      const observed = await item.locator('[data-step="observed"]').innerText();
      assert.match(observed, e.cause === 'None' ? /the client/ : /not the client/, e.name);
      assert.match(observed, /Socket observed/);
    }
    await assertAccessible(page, 'Flow search');
    await page.screenshot({ path: join(docs, 'ui-flow-search.png'), fullPage: true });
    // An IPv6 client goes to the API as typed; none in the lab, so the empty state says what to try.
    await page.getByLabel('Client IP (IPv4 or IPv6)').fill('2001:db8::50');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText('No flows match').waitFor();
    // A search the API refuses says why.
    await page.getByLabel('Client IP (IPv4 or IPv6)').fill('not-an-ip');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('alert').filter({ hasText: 'expected an IP address' }).waitFor();
    await page.context().close();
  });

  it('the diagram marks the SNAT on Cluster-policy Services, and none on Local ones', async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'shop/api:http/tcp', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: /shop\/api:http\/tcp/ }).waitFor();
    await page.locator('.snat-marker').first().waitFor();
    const apiEntries = replies
      .filter((e) => e.service.name === 'api' && e.clientIp === null)
      .map((e) => e.entryNode);
    for (const node of new Set(apiEntries)) {
      await page.locator(`.snat-marker[data-snat-node="${node}"]`).waitFor();
    }
    const rows = page.locator('table.paths tbody tr');
    const snatRows = page.locator('table.paths tbody tr[data-snat="true"]');
    assert.equal(await snatRows.count(), await rows.count(), 'every api path is rewritten');
    assert.match(await snatRows.first().innerText(), /ClusterPolicyMasquerade/);
    assert.match(await snatRows.first().innerText(), /MASQUERADE/);
    await page.locator('ul.flow-list > li').first().waitFor();
    await assertAccessible(page, 'Service shop/api');
    await page.screenshot({ path: join(docs, 'ui-service.png'), fullPage: true });

    await page.getByLabel('Time range').selectOption('15m');
    await page.locator('.snat-marker').first().waitFor();

    // Local policy: a mark exactly on the entry nodes that rewrote some of its flows (none for
    // media/stream), and its flows through the NAT load balancer start at the upstream box.
    for (const [key, upstream] of [
      ['shop/checkout:https/tcp', true],
      ['media/stream:rtp/udp', false],
    ] as const) {
      const service = key.slice(0, key.lastIndexOf('/'));
      const protocol = key.slice(key.lastIndexOf('/') + 1);
      const flows = (
        (await (await api(`api/v1/flows?service=${service}&limit=5000`)).json()) as {
          flows: Json[];
        }
      ).flows.filter((f) => f.protocol === protocol);
      const rewriting = [...new Set(flows.filter((f) => f.snat === true).map((f) => f.entryNode))];
      await page.goto(`${base}#/service/${encodeURIComponent(key)}`);
      await page.getByRole('heading', { level: 1, name: key }).waitFor();
      await page.locator('figure.diagram svg').waitFor();
      const marked: (string | null)[] = [];
      for (const mark of await page.locator('.snat-marker').all()) {
        marked.push(await mark.getAttribute('data-snat-node'));
      }
      assert.deepEqual(marked.sort(), rewriting.sort(), `${key}: SNAT marks`);
      assert.equal(
        (await page.locator('.box-upstream').count()) > 0,
        upstream,
        `${key}: upstream box`,
      );
      if (upstream) {
        await page.screenshot({ path: join(docs, 'ui-service-local.png'), fullPage: true });
      }
    }
    const stream = apiServices.find((s) => (s.service as Json).name === 'stream');
    assert.equal(stream?.externalTrafficPolicy, 'Local');
    assert.equal(stream.snatFlows, 0, 'media/stream: no node rewrote its flows');
    await page.context().close();
  });

  it('works by keyboard: skip link, a Service link and a flow’s path', async () => {
    const page = await newPage();
    await signIn(page);
    // A fresh load (the token stays in the tab's session): Tab starts at the top of the page.
    await page.reload();
    await page.locator('table.services tbody tr').first().waitFor();
    await page.keyboard.press('Tab');
    const activeText = (): Promise<string> =>
      page.evaluate<string>('document.activeElement?.textContent ?? ""');
    assert.equal(await activeText(), 'Skip to content');
    const target = 'shop/api:http/tcp';
    let focused = '';
    for (let presses = 0; presses < 80 && focused !== target; presses++) {
      await page.keyboard.press('Tab');
      focused = await activeText();
    }
    assert.equal(focused, target, 'the Service link is reachable with Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /shop\/api:http\/tcp/ }).waitFor();
    const summary = page.locator('ul.flow-list summary').first();
    await summary.waitFor();
    await summary.focus();
    await page.keyboard.press('Enter');
    await page.locator('ul.flow-list details[open] [data-step="snat"]').first().waitFor();
    await page.context().close();
  });

  it('works behind a path prefix (relative URLs)', async () => {
    const page = await newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(new URL(r.url()).pathname));
    await signIn(page, proxyUrl);
    await page.locator('tr[data-service="shop/api:http/tcp"]').waitFor();
    assert.ok(
      requests.every((path) => path.startsWith(PREFIX)),
      `every request under ${PREFIX}: ${requests.join(' ')}`,
    );
    await page.context().close();
  });
});
