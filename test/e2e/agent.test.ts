// The live agent on the real kernel: probes go through the lab's kube-proxy rules, then
// `snatscope agent --once` runs inside each node's namespace, and every record must match what the
// answering pod's socket saw (the ground truth) and what `analyze` gives for the node's tables
// dumped right after. Needs root (network namespaces). IPVS mode: test/e2e/lab-ipvs.test.ts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { defaultCluster, findNode, findPod } from '../../lab/cluster.js';
import { createLab, newPrefix, type Lab, type ProbeResult } from '../../lab/lab.js';
import { listNamespaces } from '../../lab/netns.js';
import { parseNdjson } from '../support/cli.js';
import { kubectlServicesJson } from '../support/kubectl-services.js';
import { expectations, hp } from '../support/lab-expectations.js';
import { analyzeNodeDumps, timeless } from '../support/node-dumps.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cluster = defaultCluster();
type Json = Record<string, unknown>;
type HostPort = { ip: string; port: number };

function agentArgv(node: string, useBin: boolean, extra: readonly string[]): string[] {
  const cli = useBin
    ? ['npx', 'snatscope']
    : [process.execPath, '--import', 'tsx', join(root, 'cli', 'main.ts')];
  return [...cli, 'agent', '--once', '--node-name', node, '--output', 'json', ...extra];
}

/** kube-proxy's masquerade rule on node n1, read with `iptables-save` or `nft list chain`. */
async function kubeProxyMasquerade(lab: Lab, proxyMode: 'iptables' | 'nftables'): Promise<Json> {
  const namespace = lab.nodeNamespace('n1');
  if (proxyMode === 'iptables') {
    const saved = (await lab.exec(namespace, ['iptables-save', '-t', 'nat'])).stdout;
    const rule = saved.split('\n').find((line) => line.includes('requiring SNAT'));
    assert.ok(rule !== undefined, saved);
    return { table: 'nat', chain: 'KUBE-POSTROUTING', rule };
  }
  const argv = ['nft', 'list', 'chain', 'ip', 'kube-proxy', 'masquerading'];
  const listed = (await lab.exec(namespace, argv)).stdout;
  const rule = listed.split('\n').find((line) => line.trim().startsWith('masquerade'));
  assert.ok(rule !== undefined, listed);
  return { table: 'ip kube-proxy', chain: 'masquerading', rule: rule.trim() };
}

for (const proxyMode of ['iptables', 'nftables'] as const)
  describe(`snatscope agent --once on a live three-node lab, kube-proxy ${proxyMode} mode`, () => {
    let lab: Lab;
    let dir: string;
    const { replies, drops } = expectations();
    const results = new Map<string, ProbeResult>();
    const records = new Map<string, Json[]>();
    const offline = new Map<string, Json[]>();
    // kube-proxy's masquerade rule as the node's own tools print it.
    let masquerade: Json = {};

    before(async () => {
      lab = await createLab(cluster, { prefix: newPrefix(), proxyMode });
      // nftables rules cannot tell LoadBalancer from external IPs: the agent reads the Services.
      dir = mkdtempSync(join(tmpdir(), 'snatscope-agent-'));
      writeFileSync(join(dir, 'services.json'), kubectlServicesJson(cluster));
      const extra = proxyMode === 'nftables' ? ['--services', join(dir, 'services.json')] : [];
      // UDP entries live 30 s by default: on a slow machine one could expire between the agent's
      // read and the dump taken after it. Long enough for this test's reads, however slow.
      for (const node of cluster.nodes) {
        await lab.exec(lab.nodeNamespace(node.name), [
          'sysctl',
          '-qw',
          'net.netfilter.nf_conntrack_udp_timeout=600',
          'net.netfilter.nf_conntrack_udp_timeout_stream=600',
        ]);
      }
      for (const e of [...replies, ...drops]) {
        results.set(e.name, await lab.probe({ ...e.probe, timeoutMs: 1000 }));
      }
      // All nodes at once, so that each node's read and dump see the same moment of the probes.
      const services = proxyMode === 'nftables' ? join(dir, 'services.json') : undefined;
      await Promise.all(
        cluster.nodes.map(async (node, i) => {
          // The first node runs exactly what an operator runs (npx, the installed bin).
          const out = await lab.exec(
            lab.nodeNamespace(node.name),
            agentArgv(node.name, i === 0, extra),
          );
          records.set(node.name, parseNdjson(out.stdout));
          // The same tables dumped right after by the real tools, for analyze.
          const given = services === undefined ? {} : { services };
          offline.set(node.name, await analyzeNodeDumps(lab, node.name, dir, given));
        }),
      );
      masquerade = await kubeProxyMasquerade(lab, proxyMode);
    });

    it('agent --once and analyze on the dumps taken with it give the same records', () => {
      for (const node of cluster.nodes) {
        const live = (records.get(node.name) ?? []).map(timeless).sort();
        assert.ok(live.length > 0);
        assert.deepEqual(live, (offline.get(node.name) ?? []).map(timeless).sort(), node.name);
      }
    });

    after(async () => {
      const prefix = lab.prefix;
      await lab.destroy();
      rmSync(dir, { recursive: true, force: true });
      const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
      assert.deepEqual(left, [], 'the lab removed every namespace it made');
    });

    for (const e of expectations().replies) {
      it(`${e.name}: the record shows what the pod saw`, () => {
        const result = results.get(e.name);
        assert.ok(result?.outcome === 'reply', `probe answered: ${JSON.stringify(result)}`);
        const pod = findPod(cluster, result.seenBy.pod);
        const flows = (records.get(e.entryNode) ?? []).filter((r) => r.kind === 'flow');
        const record = flows.find(
          (r) =>
            hp(r.observedSource) === hp(result.observedSource) &&
            (r.backend as HostPort).ip === pod.ip,
        );
        assert.ok(
          record,
          `a flow on ${e.entryNode} whose backend ${pod.ip} saw ${hp(result.observedSource)}`,
        );
        const client = record.client as HostPort;
        if (e.clientIp === null) assert.equal(hp(client), hp(result.clientAddress));
        else assert.equal(client.ip, e.clientIp);
        assert.equal(record.node, e.entryNode);
        assert.equal(record.proxyMode, proxyMode);
        assert.equal(record.entryKind, e.entryKind);
        assert.equal(record.protocol, e.probe.protocol);
        assert.equal(record.cause, e.cause);
        // Every kube-proxy cause (Cluster masquerade, node-local client, hairpin) is that rule.
        assert.deepEqual(record.snatRule, e.cause === 'None' ? null : masquerade);
        assert.equal(record.snat, (record.observedSource as HostPort).ip !== client.ip);
        assert.equal(record.snat, e.cause !== 'None');
        assert.deepEqual(record.service, {
          namespace: e.service.namespace,
          name: e.service.name,
          port: e.service.portName,
        });
        assert.equal(record.externalTrafficPolicy, e.service.externalTrafficPolicy);
        assert.equal(record.endpointLocal, pod.node === e.entryNode);
        assert.equal(typeof record.conntrackId, 'number');
        assert.notEqual(record.conntrackId, 0);
        if (pod.node !== e.entryNode) {
          const half = (records.get(pod.node) ?? []).find(
            (r) => r.kind === 'backend' && hp(r.observedSource) === hp(result.observedSource),
          );
          assert.ok(half, `the backend half on ${pod.node}`);
          assert.equal((half.backend as HostPort).ip, pod.ip);
        }
      });
    }

    for (const e of expectations().drops) {
      it(`${e.name}: dropped without a local endpoint, and counted`, () => {
        assert.equal(results.get(e.name)?.outcome, 'timeout');
        const state = (records.get(e.entryNode) ?? []).find(
          (r) =>
            r.kind === 'service' &&
            (r.service as { name: string }).name === e.service.name &&
            r.protocol === e.service.protocol,
        );
        assert.ok(state, `a service record for ${e.service.name} on ${e.entryNode}`);
        assert.equal(state.externalTrafficPolicy, 'Local');
        assert.equal(state.localEndpoints, 0);
        assert.equal(state.proxyMode, proxyMode);
        // kube-proxy's nftables rules carry no counters: only iptables mode can count the drops.
        if (proxyMode === 'iptables') {
          assert.ok(
            (state.noLocalEndpointDrops as { packets: number }).packets >= 1,
            JSON.stringify(state),
          );
        }
      });
    }
  });

describe('snatscope agent, continuous, on a live node', () => {
  let lab: Lab;
  let agent: ChildProcess | null = null;
  let stdout = '';

  before(async () => {
    lab = await createLab(cluster, { prefix: newPrefix() });
  });

  after(async () => {
    agent?.kill('SIGKILL');
    await lab.destroy();
  });

  async function waitFor(predicate: (records: Json[]) => boolean, what: string): Promise<Json[]> {
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline) {
      const records = parseNdjson(stdout.slice(0, stdout.lastIndexOf('\n') + 1));
      if (predicate(records)) return records;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.fail(`timed out waiting for ${what}; stdout so far:\n${stdout}`);
  }

  it('reports a flow when it appears and again when it ends, serves metrics, stops on SIGTERM', async () => {
    const ns = lab.nodeNamespace('n1');
    agent = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        ...agentArgv('n1', false, []).filter(
          (a) => a !== '--once' && a !== '--output' && a !== 'json',
        ),
        '--poll-interval',
        '300ms',
        '--metrics-listen',
        '127.0.0.1:9108',
        '--log-level',
        'warn',
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    agent.stdout?.setEncoding('utf8');
    agent.stdout?.on('data', (chunk: string) => {
      stdout += chunk;
    });
    await waitFor((records) => records.some((r) => r.kind === 'service'), 'service records');

    const probe = await lab.probe({
      client: 'c1',
      ip: findNode(cluster, 'n1').ip,
      port: 30080,
      protocol: 'tcp',
    });
    assert.equal(probe.outcome, 'reply');
    const client = hp(probe.clientAddress);
    const opened = await waitFor(
      (records) => records.some((r) => r.kind === 'flow' && hp(r.client) === client),
      `the flow of ${client}`,
    );
    const first = opened.filter((r) => r.kind === 'flow' && hp(r.client) === client);
    assert.equal(first.length, 1, 'a flow is reported once while it lasts');
    const [flow] = first;
    assert.ok(flow);
    assert.equal(flow.closed, false);
    assert.equal(flow.cause, 'ClusterPolicyMasquerade');

    await lab.exec(ns, [
      'conntrack',
      '-D',
      '-p',
      'tcp',
      '-s',
      probe.clientAddress.ip,
      '--sport',
      String(probe.clientAddress.port),
    ]);
    await waitFor(
      (records) =>
        records.some((r) => r.kind === 'flow' && hp(r.client) === client && r.closed === true),
      `the close of ${client}`,
    );

    const metrics = await lab.exec(ns, ['curl', '-sf', 'http://127.0.0.1:9108/metrics']);
    assert.match(
      metrics.stdout,
      /snatscope_agent_records_emitted_total\{kind="flow",phase="open"\} [1-9]/,
    );
    assert.match(
      metrics.stdout,
      /snatscope_agent_records_emitted_total\{kind="flow",phase="closed"\} [1-9]/,
    );
    assert.match(metrics.stdout, /snatscope_agent_poll_duration_seconds_count [1-9]/);
    assert.match(metrics.stdout, /snatscope_agent_tool_failures_total/);

    const exited = once(agent, 'exit');
    agent.kill('SIGTERM');
    const [code] = (await Promise.race([
      exited,
      new Promise((_, reject) =>
        setTimeout(() => {
          reject(new Error('agent did not stop on SIGTERM'));
        }, 30_000),
      ),
    ])) as [number | null];
    assert.equal(code, 0);
    agent = null;
  });
});

// A CNI-like masquerade next to kube-proxy's: ip-masq-agent's chain on n2, configured without the
// pod CIDR in its nonMasqueradeCIDRs, masquerades outside clients even for a Local Service.
describe('snatscope agent --once names a foreign masquerade rule (ip-masq-agent on n2)', () => {
  let lab: Lab;
  const ipMasqAgent = [
    ['-N', 'IP-MASQ-AGENT'],
    [
      ...['-A', 'POSTROUTING', '-m', 'comment', '--comment'],
      'ip-masq-agent: ensure nat POSTROUTING directs all non-LOCAL destination traffic to our custom IP-MASQ-AGENT chain',
      ...['-m', 'addrtype', '!', '--dst-type', 'LOCAL', '-j', 'IP-MASQ-AGENT'],
    ],
    [
      ...['-A', 'IP-MASQ-AGENT', '-d', '169.254.0.0/16', '-m', 'comment', '--comment'],
      'ip-masq-agent: local traffic is not subject to MASQUERADE',
      ...['-j', 'RETURN'],
    ],
    [
      ...['-A', 'IP-MASQ-AGENT', '-m', 'comment', '--comment'],
      'ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)',
      ...['-j', 'MASQUERADE'],
    ],
  ];
  const checkout = cluster.services.find((s) => s.name === 'checkout');
  const api = cluster.services.find((s) => s.name === 'api');
  const n2 = findNode(cluster, 'n2').ip;
  const results: ProbeResult[] = [];
  let flows: Json[] = [];
  let saved = '';

  before(async () => {
    assert.ok(checkout?.nodePort !== undefined && api?.nodePort !== undefined);
    lab = await createLab(cluster, { prefix: newPrefix() });
    const namespace = lab.nodeNamespace('n2');
    for (const args of ipMasqAgent) await lab.exec(namespace, ['iptables', '-t', 'nat', ...args]);
    for (const port of [checkout.nodePort, api.nodePort]) {
      results.push(await lab.probe({ client: 'c1', ip: n2, port, protocol: 'tcp' }));
    }
    const out = await lab.exec(namespace, agentArgv('n2', false, []));
    flows = parseNdjson(out.stdout).filter((r) => r.kind === 'flow');
    saved = (await lab.exec(namespace, ['iptables-save', '-t', 'nat'])).stdout;
  });

  after(async () => {
    const prefix = lab.prefix;
    await lab.destroy();
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
    assert.deepEqual(left, [], 'the lab removed every namespace it made');
  });

  const recordFor = (result: ProbeResult | undefined): Json => {
    assert.ok(result?.outcome === 'reply', `probe answered: ${JSON.stringify(result)}`);
    const record = flows.find((r) => hp(r.observedSource) === hp(result.observedSource));
    assert.ok(record, `a flow whose backend saw ${hp(result.observedSource)}`);
    assert.equal(hp(record.client), hp(result.clientAddress));
    return record;
  };
  const savedRule = (pattern: string): string => {
    const rule = saved.split('\n').find((line) => line.includes(pattern));
    assert.ok(rule !== undefined, saved);
    return rule;
  };

  it('the Local Service’s client is masqueraded by IP-MASQ-AGENT: OtherSnat names that rule', () => {
    const record = recordFor(results[0]);
    // The pod saw cni0's address, not the client: the ground truth of the pod's socket.
    assert.equal((record.observedSource as HostPort).ip, '10.244.2.1');
    assert.equal(record.externalTrafficPolicy, 'Local');
    assert.equal(record.cause, 'OtherSnat');
    assert.deepEqual(record.snatRule, {
      table: 'nat',
      chain: 'IP-MASQ-AGENT',
      rule: savedRule('subject to MASQUERADE (must be last in chain)'),
    });
  });

  it('the Cluster Service’s flow is still kube-proxy’s masquerade (its jump comes first)', () => {
    const record = recordFor(results[1]);
    assert.equal(record.cause, 'ClusterPolicyMasquerade');
    assert.deepEqual(record.snatRule, {
      table: 'nat',
      chain: 'KUBE-POSTROUTING',
      rule: savedRule('requiring SNAT'),
    });
  });
});
