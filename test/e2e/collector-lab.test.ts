// The whole system on the real kernel: a collector on the lab's router, one streaming agent per
// node (the built CLI with the flags operators use), probes through kube-proxy's rules, then
// `snatscope flows|services` and /metrics must match what each pod's socket saw, stitched across
// nodes. Needs root (network namespaces).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { defaultCluster, findPod } from '../../lab/cluster.js';
import { createLab, newPrefix, type Lab, type ProbeResult } from '../../lab/lab.js';
import { listNamespaces } from '../../lab/netns.js';
import { generateTestCerts, type TestCerts } from '../support/certs.js';
import { parseNdjson } from '../support/cli.js';
import { eventually, startLabPipeline, startSnatscope, type Daemon } from '../support/daemon.js';
import { expectations, hp, type Expectation } from '../support/lab-expectations.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cluster = defaultCluster();
const GRPC_PORT = 9090;
const HTTP_PORT = 9108;
type Json = Record<string, unknown>;
type HostPort = { ip: string; port: number };

describe('collector + three streaming agents on a live lab', () => {
  let lab: Lab;
  let dir: string;
  let collector: Daemon | null = null;
  const agents: Daemon[] = [];
  const { replies, drops } = expectations();
  const results = new Map<string, ProbeResult>();
  const collectorUrl = `http://${cluster.lanRouterIp}:${HTTP_PORT}`;
  let apiTokenFile = '';

  /** Runs a query command inside the router namespace, where the collector's API is reachable. */
  async function cli(args: readonly string[]): Promise<string> {
    const out = await lab.exec(lab.routerNamespace, [
      process.execPath,
      join(root, 'bin', 'snatscope.js'),
      ...args,
      '--token-file',
      apiTokenFile,
    ]);
    return out.stdout;
  }

  async function flows(extra: readonly string[] = []): Promise<Json[]> {
    return parseNdjson(
      await cli(['flows', '--collector', collectorUrl, '--output', 'json', ...extra]),
    );
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-collector-lab-'));
    lab = await createLab(cluster, { prefix: newPrefix() });
    const pipeline = await startLabPipeline(lab, {
      dbPath: join(dir, 'flows.db'),
      grpcPort: GRPC_PORT,
      httpListen: `0.0.0.0:${HTTP_PORT}`,
    });
    collector = pipeline.collector;
    apiTokenFile = pipeline.apiTokenFile;
    agents.push(...pipeline.agents);
    for (const e of [...replies, ...drops]) {
      results.set(e.name, await lab.probe({ ...e.probe, timeoutMs: 1000 }));
    }
    // Every answered probe stored, and every remote backend half stitched.
    await eventually(async () => {
      const stored = await flows(['--limit', '10000']);
      const stitched = stored.filter((f) => f.backendNode !== null);
      return stored.length >= replies.length && stitched.length >= replies.length
        ? stored
        : undefined;
    }, `${replies.length} stitched flows in the collector`);
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await collector?.stop();
    const prefix = lab.prefix;
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
    assert.deepEqual(left, [], 'the lab removed every namespace it made');
  });

  function storedFlow(
    stored: readonly Json[],
    e: Expectation,
  ): { record: Json; result: ProbeResult & { outcome: 'reply' } } {
    const result = results.get(e.name);
    assert.ok(result?.outcome === 'reply', `probe answered: ${JSON.stringify(result)}`);
    const pod = findPod(cluster, result.seenBy.pod);
    const matches = stored.filter(
      (r) =>
        hp(r.observedSource) === hp(result.observedSource) && (r.backend as HostPort).ip === pod.ip,
    );
    assert.equal(
      matches.length,
      1,
      `one stored flow whose backend ${pod.ip} saw ${hp(result.observedSource)}`,
    );
    return { record: matches[0] as Json, result };
  }

  for (const e of replies) {
    it(`${e.name}: stored once, stitched, with what the pod saw`, async () => {
      const stored = await flows(['--limit', '10000']);
      const { record, result } = storedFlow(stored, e);
      const pod = findPod(cluster, result.seenBy.pod);
      assert.equal(record.kind, 'flow');
      assert.equal(record.entryNode, e.entryNode);
      assert.equal(record.node, e.entryNode);
      assert.equal(record.backendNode, pod.node, 'stitched to the node that hosts the pod');
      const client = record.client as HostPort;
      if (e.clientIp === null) assert.equal(hp(client), hp(result.clientAddress));
      else assert.equal(client.ip, e.clientIp);
      assert.equal(record.cause, e.cause);
      assert.equal(record.snat, e.cause !== 'None');
      assert.equal(record.entryKind, e.entryKind);
      assert.deepEqual(record.service, {
        namespace: e.service.namespace,
        name: e.service.name,
        port: e.service.portName,
      });
    });
  }

  it('flows --client, --service and --node select exactly the matching flows', async () => {
    const all = await flows(['--limit', '10000']);
    const c1 = cluster.clients.find((c) => c.name === 'c1')?.ip ?? '';
    const byClient = await flows(['--client', c1]);
    assert.ok(byClient.length > 0, `flows of client ${c1}`);
    assert.equal(byClient.length, all.filter((f) => (f.client as HostPort).ip === c1).length);
    const byService = await flows(['--service', 'shop/api']);
    assert.ok(byService.length > 0, 'flows of shop/api');
    assert.ok(
      byService.every((f) => (f.service as Json).name === 'api'),
      'only shop/api flows',
    );
    assert.equal(byService.length, all.filter((f) => (f.service as Json).name === 'api').length);
    const byNode = await flows(['--node', 'n2']);
    assert.equal(
      byNode.length,
      all.filter((f) => f.entryNode === 'n2' || f.backendNode === 'n2').length,
    );
    const table = await cli(['flows', '--collector', collectorUrl, '--client', c1]);
    assert.match(table, /^CLIENT IP\s+CAUSE/);
    assert.match(table, /LOST\s+ClusterPolicyMasquerade/);
  });

  it('services: Cluster loses the client IP, Local keeps it, and the findings say why', async () => {
    // Drop counters come from the rules, which the agents re-read every 10 s: wait for them.
    const services = await eventually(async () => {
      const list = parseNdjson(
        await cli(['services', '--collector', collectorUrl, '--output', 'json']),
      );
      const checkout = list.find((s) => (s.service as Json).name === 'checkout');
      const dropping = checkout?.nodesDroppingWithoutLocalEndpoints as string[] | undefined;
      return dropping && dropping.length > 0 ? list : undefined;
    }, 'a services view with the nodes that drop checkout traffic');
    const byName = new Map(
      services.map((s) => [`${(s.service as Json).name as string}/${s.protocol as string}`, s]),
    );
    for (const s of services) assert.equal(s.kind, 'service');
    const api = byName.get('api/tcp');
    assert.ok(api, JSON.stringify(services));
    assert.equal(api.externalTrafficPolicy, 'Cluster');
    assert.equal(api.verdict, 'lost');
    assert.equal(api.preservedRatio, 0);
    const apiFindings = (api.findings as Json[]).map((f) => f.code);
    assert.ok(apiFindings.includes('ClusterPolicyMasquerade'), JSON.stringify(apiFindings));
    const checkout = byName.get('checkout/tcp');
    assert.ok(checkout, 'a checkout summary');
    assert.equal(checkout.externalTrafficPolicy, 'Local');
    const checkoutSpec = cluster.services.find((s) => s.name === 'checkout');
    const localNodes = new Set(checkoutSpec?.endpoints.map((pod) => findPod(cluster, pod).node));
    const dropping = checkout.nodesDroppingWithoutLocalEndpoints as string[];
    assert.ok(dropping.length > 0, JSON.stringify(checkout));
    assert.ok(
      dropping.every((n) => !localNodes.has(n)),
      `dropping nodes ${dropping.join()} have no endpoint`,
    );
    const checkoutFindings = (checkout.findings as Json[]).map((f) => f.code);
    assert.ok(
      checkoutFindings.includes('LocalPolicyTrafficToNodesWithoutEndpoints'),
      JSON.stringify(checkoutFindings),
    );
    // The external NAT LB sits in --upstream-cidr: its Service's client IPs were lost before the node.
    const forwarded = cluster.natLoadBalancer.forwards.map(
      (f) => f.service.split(':')[0]?.split('/')[1],
    );
    const upstream = services.filter((s) => forwarded.includes((s.service as Json).name as string));
    assert.ok(
      upstream.some((s) => (s.findings as Json[]).some((f) => f.code === 'ClientIpLostUpstream')),
      JSON.stringify(upstream),
    );
    // Checkout's flows through the NAT LB kept their source on n2, yet the real client was lost:
    // kept is counted against the real client, and the upstream loss is shown apart.
    const upstreamFlows = checkout.upstreamFlows as number;
    const keptFlows = checkout.keptFlows as number;
    const checkoutFlows = checkout.flows as number;
    assert.ok(upstreamFlows > 0, JSON.stringify(checkout));
    assert.ok(keptFlows <= checkoutFlows - upstreamFlows, JSON.stringify(checkout));
    assert.equal(checkout.preservedRatio, keptFlows / checkoutFlows);
    assert.notEqual(checkout.verdict, 'preserved');
    assert.ok(
      ((checkout.causes as Record<string, number>).ClientIpLostUpstream ?? 0) > 0,
      JSON.stringify(checkout.causes),
    );
    const table = await cli(['services', '--collector', collectorUrl]);
    assert.match(table, /^VERDICT\s+CLIENT IP KEPT\s+FLOWS\s+SNAT ON NODE\s+LOST UPSTREAM/);
    assert.match(table, /Findings:/);
  });

  it('serves /metrics with per-Service flow counters, no client IPs, and connected agents', async () => {
    const out = await lab.exec(lab.routerNamespace, [
      process.execPath,
      '-e',
      `fetch('${collectorUrl}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`,
    ]);
    const text = out.stdout;
    assert.match(
      text,
      /^snatscope_flows_total\{(?=[^}]*service="api:http")(?=[^}]*namespace="shop")[^}]*\} [1-9]/m,
    );
    assert.match(text, /^snatscope_agents_connected 3$/m);
    for (const client of cluster.clients)
      assert.ok(!text.includes(client.ip), `no client IP ${client.ip} in metrics`);
  });
});

describe('collector with mutual TLS and tokens on a live lab', () => {
  const SECURE_GRPC = 9443;
  const SECURE_HTTP = 9444;
  let lab: Lab;
  let dir: string;
  let certs: TestCerts;
  let collector: Daemon | null = null;
  const agents = new Map<string, Daemon>();

  async function metrics(): Promise<string> {
    const out = await lab.exec(lab.routerNamespace, [
      process.execPath,
      '-e',
      `fetch('http://127.0.0.1:${SECURE_HTTP}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`,
    ]);
    return out.stdout;
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-secure-lab-'));
    certs = generateTestCerts({ extraIps: [cluster.lanRouterIp] });
    writeFileSync(join(dir, 'tokens'), 'n1-secret n1\nn2-secret n2\n');
    writeFileSync(join(dir, 'n1.token'), 'n1-secret\n');
    writeFileSync(join(dir, 'wrong.token'), 'not-the-secret\n');
    writeFileSync(join(dir, 'api-token'), 'secure-lab-query-token\n');
    lab = await createLab(cluster, { prefix: newPrefix() });
    collector = startSnatscope(
      [
        'collector',
        '--grpc-listen',
        `${cluster.lanRouterIp}:${SECURE_GRPC}`,
        '--http-listen',
        `127.0.0.1:${SECURE_HTTP}`,
        '--api-token-file',
        join(dir, 'api-token'),
        '--db',
        join(dir, 'flows.db'),
        '--tls-cert',
        certs.serverCert,
        '--tls-key',
        certs.serverKey,
        '--tls-ca',
        certs.caCert,
        '--token-file',
        join(dir, 'tokens'),
      ],
      lab.routerNamespace,
    );
    await collector.waitForStderr(/collector listening/);
    const start = (name: string, node: string, cert: string, key: string, token: string): void => {
      agents.set(
        name,
        startSnatscope(
          [
            'agent',
            '--node-name',
            node,
            '--collector',
            `${cluster.lanRouterIp}:${SECURE_GRPC}`,
            '--tls-cert',
            cert,
            '--tls-key',
            key,
            '--tls-ca',
            certs.caCert,
            '--token-file',
            join(dir, token),
            '--poll-interval',
            '1s',
          ],
          lab.nodeNamespace(node),
        ),
      );
    };
    start('good', 'n1', certs.clientCert, certs.clientKey, 'n1.token');
    start('wrong-token', 'n2', certs.clientCert, certs.clientKey, 'wrong.token');
    start('foreign-ca', 'n3', certs.foreignClientCert, certs.foreignClientKey, 'n1.token');
  });

  after(async () => {
    await Promise.all([...agents.values()].map((a) => a.stop()));
    await collector?.stop();
    await lab.destroy();
    certs.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores what the authenticated agent sends and nothing from the refused ones', async () => {
    const n1 = cluster.nodes.find((n) => n.name === 'n1');
    const api = cluster.services.find((s) => s.name === 'api');
    assert.ok(n1 && api?.nodePort !== undefined, 'the lab has n1 and shop/api');
    for (const node of cluster.nodes) {
      const reply = await lab.probe({
        client: 'c1',
        ip: node.ip,
        port: api.nodePort,
        protocol: 'tcp',
      });
      assert.equal(reply.outcome, 'reply');
    }
    const text = await eventually(async () => {
      const body = await metrics();
      return /^snatscope_flows_total\{[^}]*node="n1"[^}]*\} [1-9]/m.test(body) ? body : undefined;
    }, 'flows from the authenticated agent');
    assert.match(text, /^snatscope_agents_connected 1$/m);
    assert.ok(
      !/node="n2"|node="n3"/.test(
        text
          .split('\n')
          .filter((l) => l.startsWith('snatscope_flows_total'))
          .join('\n'),
      ),
    );
    const refusals = await eventually(async () => {
      const match = /^snatscope_ingest_auth_failures_total (\d+)/m.exec(await metrics());
      return match && Number(match[1]) >= 1 ? Number(match[1]) : undefined;
    }, 'the wrong token refused');
    assert.ok(refusals >= 1, `auth failures ${refusals}`);
    await eventually(
      () =>
        /refused our credentials/.test(agents.get('wrong-token')?.stderr() ?? '')
          ? true
          : undefined,
      'the agent with the wrong token to log the refusal',
    );
    const flows = parseNdjson(
      (
        await lab.exec(lab.routerNamespace, [
          process.execPath,
          join(root, 'bin', 'snatscope.js'),
          'flows',
          '--collector',
          `http://127.0.0.1:${SECURE_HTTP}`,
          '--token-file',
          join(dir, 'api-token'),
          '--output',
          'json',
        ])
      ).stdout,
    );
    assert.ok(flows.length >= 1, 'flows stored from n1');
    assert.ok(
      flows.every((f) => f.node === 'n1'),
      'only the authenticated node’s flows were stored',
    );
  });
});
