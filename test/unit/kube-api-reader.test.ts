// The agent's Kubernetes API reader against a local HTTPS stand-in for the API server: there is
// no API server on these machines, so test/support/fake-kube-api.ts speaks the list/watch protocol
// (paged lists, chunked watch events, bookmarks, 410 Gone, 403, streams it ends) and serves
// recorded real objects (test/data/kube-api/SOURCES.md). Every wait is for a condition; backoff is
// asserted on the delays asked for, never on elapsed time.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';

import { KubeApiReader, SERVICE_ACCOUNT_DIR, type KubeApiLog } from '../../agent/kube/reader.js';
import { AgentMetrics } from '../../agent/metrics.js';
import type { ListWatchTiming } from '../../agent/kube/list-watch.js';
import { parseKubectlServices } from '../../agent/sources/kubectl-services.js';
import { generateTestCerts, type TestCerts } from '../support/certs.js';
import {
  FakeKubeResources,
  startFakeKubeApi,
  type FakeKubeApi,
  type FakeRequest,
  type FakeResource,
  type KubeJson,
} from '../support/fake-kube-api.js';

const DATA = join(import.meta.dirname, '../data/kube-api');
const TOKEN = 'agent-api-token';
const RESOURCES: FakeResource[] = ['services', 'endpointslices', 'pods', 'nodes'];

function recorded(resource: FakeResource): { items: KubeJson[] } {
  return JSON.parse(readFileSync(join(DATA, `${resource}.json`), 'utf8')) as { items: KubeJson[] };
}

/** Polls a condition (no fixed sleeps); fails with `what` after 30 s. */
async function waitFor(what: string, condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A log that keeps its lines. */
function memoryLog(): KubeApiLog & { lines: { level: string; message: string; object: object }[] } {
  const lines: { level: string; message: string; object: object }[] = [];
  return {
    lines,
    info: (object, message) => lines.push({ level: 'info', message, object }),
    warn: (object, message) => lines.push({ level: 'warn', message, object }),
  };
}

let certs: TestCerts;
before(() => {
  certs = generateTestCerts();
});
after(() => {
  certs.cleanup();
});

interface Setup {
  resources: FakeKubeResources;
  api: FakeKubeApi;
  reader: KubeApiReader;
  log: ReturnType<typeof memoryLog>;
  /** Every backoff delay the loops asked for, in order. */
  delays: number[];
  requests: (resource: FakeResource, watch?: boolean) => FakeRequest[];
}

const running: { reader: KubeApiReader; api: FakeKubeApi; dir: string }[] = [];
afterEach(async () => {
  for (const { reader, api, dir } of running.splice(0)) {
    await reader.stop();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

function kubeconfig(dir: string, server: string, token: string): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '  - name: fake',
      '    cluster:',
      `      server: ${server}`,
      `      certificate-authority: ${certs.caCert}`,
      'users:',
      '  - name: agent',
      '    user:',
      `      token: ${token}`,
      'contexts:',
      '  - name: fake',
      '    context: { cluster: fake, user: agent }',
      'current-context: fake',
      '',
    ].join('\n'),
  );
  return file;
}

async function setup(
  options: {
    timing?: Partial<ListWatchTiming>;
    prepare?: (resources: FakeKubeResources) => void;
    token?: string;
    start?: boolean;
  } = {},
): Promise<Setup> {
  const resources = new FakeKubeResources();
  for (const resource of RESOURCES) resources.load(resource, recorded(resource));
  options.prepare?.(resources);
  const api = await startFakeKubeApi({
    cert: readFileSync(certs.serverCert),
    key: readFileSync(certs.serverKey),
    callerToken: TOKEN,
    resources,
  });
  const dir = mkdtempSync(join(tmpdir(), 'snatscope-kube-'));
  const delays: number[] = [];
  const log = memoryLog();
  const reader = KubeApiReader.fromEnvironment({
    nodeName: 'm01',
    kubeconfig: kubeconfig(dir, api.url, options.token ?? TOKEN),
    log,
    timing: {
      random: () => 0.5,
      resyncMs: 0,
      watchTimeoutSeconds: () => 300,
      sleep: (ms) => {
        delays.push(ms);
        return new Promise((resolve) => setImmediate(resolve));
      },
      ...options.timing,
    },
  });
  running.push({ reader, api, dir });
  if (options.start !== false) reader.start();
  return {
    resources,
    api,
    reader,
    log,
    delays,
    requests: (resource, watch) =>
      resources.requests.filter(
        (r) => r.resource === resource && (watch === undefined || r.watch === watch),
      ),
  };
}

const pod = (namespace: string, name: string) => ({ namespace, name });

describe('KubeApiReader: first sync (kubeconfig with the fake server’s CA)', () => {
  it('lists the four resources, then watches each from its list’s resourceVersion', async () => {
    const { reader, requests } = await setup();
    assert.equal(await reader.whenSynced(), true);
    assert.deepEqual(reader.status(), { state: 'synced', detail: null });
    for (const resource of RESOURCES) {
      await waitFor(`${resource} watch`, () => requests(resource, true).length === 1);
      const [list] = requests(resource, false);
      const [watch] = requests(resource, true);
      assert.equal(list?.query.limit, '500');
      assert.equal(list.query.resourceVersion, undefined, 'the first list reads the latest state');
      assert.equal(watch?.query.allowWatchBookmarks, 'true');
      assert.ok(Number(watch.query.resourceVersion) > 1000, 'from the list’s resourceVersion');
      assert.ok(Number(watch.query.timeoutSeconds) > 0);
    }
    // Only this node's pods: the field selector goes to the server.
    assert.equal(requests('pods', false)[0]?.query.fieldSelector, 'spec.nodeName=m01');
    assert.equal(requests('pods', true)[0]?.query.fieldSelector, 'spec.nodeName=m01');
    assert.equal(requests('services', false)[0]?.query.fieldSelector, undefined);
  });

  it('names pods and nodes by address, from slices, local pods and node addresses', async () => {
    const { reader } = await setup();
    await reader.whenSynced();
    const names = reader.names();
    const cases: { name: string; got: unknown; want: unknown }[] = [
      {
        name: 'a pod named by its EndpointSlice (targetRef) and its Pod',
        got: names.podByIp('10.244.0.3'),
        want: pod('kube-system', 'coredns-66bff467f8-z8czk'),
      },
      {
        name: 'a remote backend pod, known from its slice alone',
        got: names.podByIp('10.244.1.7'),
        want: pod('kubelb', 'envoy-tenant-primary-default-tcp-gw-235977ec-6b9f8d7c5-mz4wq'),
      },
      {
        name: 'a hostNetwork pod’s address is the node’s: no pod',
        got: names.podByIp('172.17.0.2'),
        want: null,
      },
      { name: 'an endpoint without targetRef', got: names.podByIp('172.18.0.2'), want: null },
      { name: 'an unknown address', got: names.podByIp('192.0.2.1'), want: null },
      { name: 'a node’s InternalIP', got: names.nodeByIp('172.17.0.2'), want: 'm01' },
      { name: 'a node’s ExternalIP', got: names.nodeByIp('203.0.113.12'), want: 'm02' },
      { name: 'a pod address is no node’s', got: names.nodeByIp('10.244.0.3'), want: null },
    ];
    for (const c of cases) assert.deepEqual(c.got, c.want, c.name);
  });

  it('gives the Services exactly as --services FILE gives them (one parser for both)', async () => {
    const { reader } = await setup();
    await reader.whenSynced();
    const fromFile = parseKubectlServices(
      readFileSync(join(DATA, 'services.json'), 'utf8'),
      'services.json',
    );
    assert.deepEqual(fromFile.errors, []);
    const byName = (a: { namespace: string; name: string }, b: typeof a): number =>
      `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`);
    assert.deepEqual(reader.services(), [...fromFile.services].sort(byName));
    const gateway = reader.services()?.find((s) => s.name.includes('tcp-gw'));
    assert.deepEqual(gateway?.loadBalancerIPs, ['172.18.255.207']);
    assert.deepEqual(gateway.externalIPs, ['198.51.100.7']);
    assert.equal(gateway.externalTrafficPolicy, 'Local');
    assert.equal(gateway.ports[0]?.nodePort, 31729);
  });
});

describe('KubeApiReader: metrics', () => {
  it('the agent’s registry shows the state, the objects kept and the counters', async () => {
    const { reader } = await setup();
    const metrics = new AgentMetrics();
    metrics.observeKubeApi(reader);
    await reader.whenSynced();
    const text = await metrics.registry.metrics();
    for (const line of [
      'snatscope_agent_kube_api_state{state="synced"} 1',
      'snatscope_agent_kube_api_state{state="failing"} 0',
      'snatscope_agent_kube_api_objects{resource="services"} 4',
      'snatscope_agent_kube_api_objects{resource="pods"} 2',
      'snatscope_agent_kube_api_events_total{resource="nodes",event="lists"} 1',
      'snatscope_agent_kube_api_events_total{resource="nodes",event="watch_restarts"} 0',
    ]) {
      assert.ok(text.includes(line), line);
    }
  });
});

describe('KubeApiReader: watch', () => {
  it('ADDED, MODIFIED and DELETED events change the answers', async () => {
    const { reader, resources, requests } = await setup();
    await reader.whenSynced();
    for (const resource of RESOURCES) {
      await waitFor(`${resource} watch`, () => resources.openWatches(resource) === 1);
    }
    const names = reader.names();

    // A new pod on this node that no slice names yet: the pods list is the fallback.
    const coredns = resources.get('pods', 'kube-system', 'coredns-66bff467f8-z8czk');
    const web = structuredClone(coredns);
    web.metadata.name = 'web-5d7f9c6b8-q2x7z';
    web.metadata.namespace = 'shop';
    (web.status as { podIP: string; podIPs: { ip: string }[] }).podIP = '10.244.0.9';
    (web.status as { podIPs: { ip: string }[] }).podIPs = [{ ip: '10.244.0.9' }];
    resources.add('pods', web);
    // A pod on another node is not this agent's to watch.
    const elsewhere = structuredClone(web);
    elsewhere.metadata.name = 'web-5d7f9c6b8-zz9k1';
    (elsewhere.spec as { nodeName: string }).nodeName = 'm02';
    (elsewhere.status as { podIPs: { ip: string }[] }).podIPs = [{ ip: '10.244.1.9' }];
    resources.add('pods', elsewhere);
    await waitFor('the new pod', () => names.podByIp('10.244.0.9') !== null);
    assert.deepEqual(names.podByIp('10.244.0.9'), pod('shop', 'web-5d7f9c6b8-q2x7z'));
    assert.equal(names.podByIp('10.244.1.9'), null);

    // The remote backend moves to another address.
    const slice = resources.get(
      'endpointslices',
      'kubelb',
      'envoy-tenant-primary-default-tcp-gw-235977ec-x7k2p',
    );
    (slice.endpoints as [{ addresses: string[] }])[0].addresses = ['10.244.1.8'];
    resources.modify('endpointslices', slice);
    await waitFor('the moved endpoint', () => names.podByIp('10.244.1.8') !== null);
    assert.equal(names.podByIp('10.244.1.7'), null);

    // A node goes away; the Service gets another load-balancer IP.
    resources.remove('nodes', resources.get('nodes', '', 'm02'));
    await waitFor('the deleted node', () => names.nodeByIp('172.17.0.3') === null);
    const service = resources.get(
      'services',
      'kubelb',
      'envoy-tenant-primary-default-tcp-gw-235977ec',
    );
    (service.status as { loadBalancer: { ingress: { ip: string }[] } }).loadBalancer.ingress = [
      { ip: '172.18.255.220' },
    ];
    resources.modify('services', service);
    await waitFor('the new load-balancer IP', () =>
      (reader.services() ?? []).some((s) => s.loadBalancerIPs.includes('172.18.255.220')),
    );

    const counters = reader.counters();
    assert.equal(counters.get('pods')?.events, 1, 'the other node’s pod never arrived');
    assert.equal(counters.get('endpointslices')?.events, 1);
    assert.equal(counters.get('nodes')?.events, 1);
    for (const resource of RESOURCES) assert.equal(requests(resource, false).length, 1, resource);
  });

  it('a bookmark moves the resourceVersion the next watch starts from', async () => {
    const { reader, resources, requests } = await setup();
    await reader.whenSynced();
    await waitFor('services watch', () => resources.openWatches('services') === 1);
    const listed = requests('services', true)[0]?.query.resourceVersion;
    const bookmark = resources.bookmark();
    assert.notEqual(bookmark, listed);
    await waitFor('the bookmark', () => reader.counters().get('services')?.bookmarks === 1);
    resources.closeWatches();
    await waitFor('a second services watch', () => requests('services', true).length === 2);
    assert.equal(requests('services', true)[1]?.query.resourceVersion, bookmark);
    assert.equal(requests('services', false).length, 1, 'no relist');
  });

  it('the server ending a watch: the reader watches again from where it was', async () => {
    const { reader, resources, requests } = await setup();
    await reader.whenSynced();
    for (const resource of RESOURCES) {
      await waitFor(`${resource} watch`, () => resources.openWatches(resource) === 1);
    }
    const node = resources.get('nodes', '', 'm01');
    (node.metadata.labels as Record<string, string>).zone = 'a';
    resources.modify('nodes', node);
    await waitFor('the node event', () => reader.counters().get('nodes')?.events === 1);
    const afterEvent = node.metadata.resourceVersion;
    resources.closeWatches();
    for (const resource of RESOURCES) {
      await waitFor(`${resource} rewatch`, () => requests(resource, true).length === 2);
      assert.equal(requests(resource, false).length, 1, `${resource}: no relist`);
      assert.equal(reader.counters().get(resource)?.watchRestarts, 1);
    }
    assert.equal(
      requests('nodes', true)[1]?.query.resourceVersion,
      resources.get('nodes', '', 'm01').metadata.resourceVersion,
      `from the last event’s resourceVersion (not ${String(afterEvent)})`,
    );
    assert.equal(reader.status().state, 'synced');
  });
});

describe('KubeApiReader: resync', () => {
  it('a resync relists not older than where the reader is, from the watch cache', async () => {
    const { reader, resources, requests } = await setup();
    await reader.whenSynced();
    for (const resource of RESOURCES) {
      await waitFor(`${resource} watch`, () => resources.openWatches(resource) === 1);
    }
    const at = requests('nodes', true)[0]?.query.resourceVersion;
    reader.resync();
    for (const resource of RESOURCES) {
      await waitFor(`${resource} resync`, () => requests(resource, true).length === 2);
      assert.equal(reader.counters().get(resource)?.resyncs, 1);
    }
    const relist = requests('nodes', false)[1];
    assert.equal(relist?.query.resourceVersion, at);
    assert.equal(relist?.query.resourceVersionMatch, 'NotOlderThan');
    assert.equal(reader.status().state, 'synced');
  });
});

describe('KubeApiReader: 410 Gone', () => {
  it('an ERROR event with a 410 Status: relist from the current state, then watch again', async () => {
    const { reader, resources, requests } = await setup();
    await reader.whenSynced();
    for (const resource of RESOURCES) {
      await waitFor(`${resource} watch`, () => resources.openWatches(resource) === 1);
    }
    resources.compact();
    for (const resource of RESOURCES) {
      await waitFor(`${resource} relist and rewatch`, () => requests(resource, true).length === 2);
      const lists = requests(resource, false);
      assert.equal(lists.length, 2, resource);
      assert.equal(lists[1]?.query.resourceVersion, undefined, 'the relist reads the latest state');
      assert.equal(reader.counters().get(resource)?.gone, 1);
      assert.equal(reader.counters().get(resource)?.errors, 0, '410 is no error');
    }
    assert.deepEqual(
      reader.names().podByIp('10.244.0.3'),
      pod('kube-system', 'coredns-66bff467f8-z8czk'),
    );
    assert.equal(reader.status().state, 'synced');
  });

  it('HTTP 410 on a list page (expired continue token): the list starts over', async () => {
    let compacted = false;
    const { reader, requests } = await setup({
      timing: { pageSize: 1 },
      prepare: (resources) => {
        resources.onRequest((request) => {
          if (!compacted && request.resource === 'services' && request.query.continue) {
            compacted = true;
            resources.compact();
          }
        });
      },
    });
    assert.equal(await reader.whenSynced(), true);
    const pages = requests('services', false);
    assert.deepEqual(
      pages.slice(0, 3).map((p) => [p.status, p.query.continue === undefined]),
      [
        [200, true],
        [410, false],
        [200, true],
      ],
    );
    assert.equal(pages.length, 2 + 4, 'then the four Services one page each');
    assert.equal(reader.counters().get('services')?.gone, 1);
    assert.equal(reader.services()?.length, 4);
  });
});

describe('KubeApiReader: no access', () => {
  it('403: failing, one warning, growing backoff; synced once RBAC allows it', async () => {
    const { reader, resources, requests, log, delays } = await setup({
      prepare: (r) => {
        r.deny('services');
      },
    });
    // The sixth delay is asked for after the sixth 403 is handled, a moment after the server saw it.
    await waitFor(
      'six denied lists and their retry delays',
      () => requests('services', false).length >= 6 && delays.length >= 6,
    );
    const status = reader.status();
    assert.equal(status.state, 'failing');
    assert.match(status.detail ?? '', /403 services is forbidden/);
    // random() = 0.5: half of each ceiling, 500 ms doubling.
    assert.deepEqual(delays.slice(0, 6), [250, 500, 1000, 2000, 4000, 8000]);
    assert.ok(requests('services', false).every((r) => r.status === 403));
    // The other resources still work (their lists run beside the denied one, at their own pace).
    await waitFor('nodes listed', () => reader.names().nodeByIp('172.17.0.2') === 'm01');
    assert.equal(reader.services(), null, 'no Services: the agent falls back to --services');

    resources.deny('services', false);
    assert.equal(await reader.whenSynced(), true);
    assert.equal(reader.status().state, 'synced');
    const warnings = log.lines.filter((l) => l.level === 'warn');
    assert.equal(warnings.length, 1, 'said once');
    assert.match(warnings[0]?.message ?? '', /access denied/);
    assert.ok(log.lines.some((l) => /succeed again/.test(l.message)));
  });

  it('401 (a token the server does not know): failing, access denied', async () => {
    const { reader, log } = await setup({ token: 'not-the-agent-token' });
    await waitFor('failing', () => reader.status().state === 'failing');
    assert.match(reader.status().detail ?? '', /401/);
    assert.match(log.lines.find((l) => l.level === 'warn')?.message ?? '', /access denied/);
  });

  it('no in-cluster environment and no kubeconfig: disabled, said once', async () => {
    const saved = process.env.KUBERNETES_SERVICE_HOST;
    delete process.env.KUBERNETES_SERVICE_HOST;
    try {
      const log = memoryLog();
      const reader = KubeApiReader.fromEnvironment({ nodeName: 'm01', log });
      reader.start();
      reader.start();
      assert.equal(reader.status().state, 'disabled');
      assert.match(reader.status().detail ?? '', /KUBERNETES_SERVICE_HOST/);
      assert.equal(await reader.whenSynced(), false);
      assert.equal(log.lines.length, 1);
      assert.equal(reader.names().podByIp('10.244.0.3'), null);
      assert.equal(reader.services(), null);
      await reader.stop();
    } finally {
      if (saved !== undefined) process.env.KUBERNETES_SERVICE_HOST = saved;
    }
  });

  it('an unreadable kubeconfig: disabled with the reason', () => {
    const reader = KubeApiReader.fromEnvironment({
      nodeName: 'm01',
      kubeconfig: '/nonexistent/kubeconfig',
      log: memoryLog(),
    });
    assert.equal(reader.status().state, 'disabled');
    assert.match(reader.status().detail ?? '', /nonexistent/);
  });
});

describe('KubeApiReader: in-cluster configuration', () => {
  it('uses KUBERNETES_SERVICE_HOST/PORT and the service account token and CA', async () => {
    const resources = new FakeKubeResources();
    for (const resource of RESOURCES) resources.load(resource, recorded(resource));
    const api = await startFakeKubeApi({
      cert: readFileSync(certs.serverCert),
      key: readFileSync(certs.serverKey),
      callerToken: TOKEN,
      resources,
    });
    const root = mkdtempSync(join(tmpdir(), 'snatscope-sa-'));
    const accountDir = join(root, SERVICE_ACCOUNT_DIR);
    mkdirSync(accountDir, { recursive: true });
    writeFileSync(join(accountDir, 'token'), TOKEN);
    writeFileSync(join(accountDir, 'ca.crt'), readFileSync(certs.caCert));
    writeFileSync(join(accountDir, 'namespace'), 'snatscope');
    const saved = {
      host: process.env.KUBERNETES_SERVICE_HOST,
      port: process.env.KUBERNETES_SERVICE_PORT,
    };
    process.env.KUBERNETES_SERVICE_HOST = '127.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = new URL(api.url).port;
    const log = memoryLog();
    let reader: KubeApiReader;
    try {
      reader = KubeApiReader.fromEnvironment({
        nodeName: 'm01',
        log,
        serviceAccountRoot: root,
        timing: { resyncMs: 0 },
      });
    } finally {
      for (const [key, value] of [
        ['KUBERNETES_SERVICE_HOST', saved.host],
        ['KUBERNETES_SERVICE_PORT', saved.port],
      ] as const) {
        if (value === undefined) Reflect.deleteProperty(process.env, key);
        else process.env[key] = value;
      }
    }
    running.push({ reader, api, dir: root });
    reader.start();
    assert.equal(await reader.whenSynced(), true);
    assert.match(String((log.lines[0]?.object as { source?: string }).source), /in-cluster/);
    assert.equal(reader.names().nodeByIp('172.17.0.3'), 'm02');
  });
});
