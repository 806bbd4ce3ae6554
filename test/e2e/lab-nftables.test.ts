// The lab with kube-proxy in nftables mode on the real kernel: the same ground truth as the
// iptables lab (test/e2e/lab.test.ts) — every way into the default cluster, what the answering pod
// saw — through table `ip kube-proxy` instead of iptables. Needs root (network namespaces).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ServicePortSpec } from '../../lab/cluster.js';
import { defaultCluster, findNode, findPod, findService } from '../../lab/cluster.js';
import { renderNftables } from '../../lab/kube-proxy-nft-rules.js';
import type { Lab, ProbeReply, ProbeRequest, ProbeResult } from '../../lab/lab.js';
import { createLab } from '../../lab/lab.js';
import { listNamespaces } from '../../lab/netns.js';
import { nodeView } from '../../agent/snapshot.js';
import { modelOf } from '../support/text-node-reader.js';
import { parseConntrack } from '../../agent/sources/conntrack.js';
import { parseIpAddr } from '../../agent/sources/ip-addr.js';
import { v1 } from '../../proto/index.js';
import type { Expectation } from '../support/lab-expectations.js';
import { expectations } from '../support/lab-expectations.js';

const cluster = defaultCluster();
const { replies, drops } = expectations();
const nodeIp = (name: string): string => findNode(cluster, name).ip;
// cni0's address: what masquerade picks for traffic leaving towards a pod on the same node.
const podGateway = (node: string): string =>
  findNode(cluster, node).podCidr.replace(/0\/\d+$/, '1');
const nodeOfPod = (pod: string): string => findPod(cluster, pod).node;

function expectReply(result: ProbeResult): ProbeReply {
  if (result.outcome !== 'reply') assert.fail(`expected an answer, got ${JSON.stringify(result)}`);
  return result;
}

// Pods allowed to answer: Local policy without a short-circuit keeps traffic on the entry node.
function allowedPods(e: Expectation): string[] {
  const local = e.service.externalTrafficPolicy === 'Local' && e.cause === 'None';
  return e.service.endpoints.filter((pod) => !local || nodeOfPod(pod) === e.entryNode);
}

// The source the pod must see when the entry node masquerades: the address of the interface
// towards the chosen endpoint, i.e. cni0 for a local pod and the LAN address otherwise.
function masqueradedSource(entryNode: string, answeringPod: string): string {
  return nodeOfPod(answeringPod) === entryNode ? podGateway(entryNode) : nodeIp(entryNode);
}

// The chain names of an `nft -j list table` document.
function chainNames(json: string): string[] {
  const parsed = JSON.parse(json) as { nftables: Record<string, { name?: string }>[] };
  return parsed.nftables
    .map((entry) => entry.chain?.name)
    .filter((name): name is string => name !== undefined);
}

function declaredChains(rules: string): string[] {
  return [...rules.matchAll(/^add chain ip kube-proxy (\S+)/gm)].map((m) => m[1] ?? '');
}

// The original and reply tuples of one conntrack line (the first and second src/dst/sport/dport).
function conntrackTuples(line: string): { original: string[]; reply: string[] } {
  const values = [...line.matchAll(/\b(?:src|dst|sport|dport)=(\S+)/g)].map((m) => m[1] ?? '');
  return { original: values.slice(0, 4), reply: values.slice(4, 8) };
}

const isRoot = process.getuid?.() === 0;

void describe('lab in kube-proxy nftables mode', { skip: isRoot ? false : 'needs root' }, () => {
  let lab: Lab | undefined;
  const current = (): Lab => {
    assert.ok(lab, 'lab was built');
    return lab;
  };
  const nodeExec = async (node: string, argv: string[]): Promise<string> =>
    (await current().exec(current().nodeNamespace(node), argv)).stdout;

  before(async () => {
    lab = await createLab(cluster, { proxyMode: 'nftables' });
  });

  after(async () => {
    if (!lab) return;
    const prefix = lab.prefix;
    await lab.destroy();
    const left = (await listNamespaces()).filter((name) => name.startsWith(`${prefix}-`));
    assert.deepEqual(left, [], 'every namespace of the lab is gone');
  });

  void it('every node carries table ip kube-proxy with the rendered chains and no iptables rules', async () => {
    assert.equal(current().proxyMode, 'nftables');
    for (const node of cluster.nodes) {
      // iptables-nft would show up here as tables ip filter / ip nat.
      assert.equal(
        (await nodeExec(node.name, ['nft', 'list', 'tables'])).trim(),
        'table ip kube-proxy',
      );
      assert.doesNotMatch(await nodeExec(node.name, ['iptables-save']), /KUBE-/);
      const listed = chainNames(
        await nodeExec(node.name, ['nft', '-j', 'list', 'table', 'ip', 'kube-proxy']),
      );
      const rendered = declaredChains(renderNftables(cluster, node.name));
      assert.deepEqual([...listed].sort(), [...rendered].sort());
    }
  });

  for (const e of replies) {
    void it(`${e.name}: answered, and the pod saw ${e.cause === 'None' ? 'the client' : 'a node address'}`, async () => {
      const reply = expectReply(await current().probe(e.probe));
      const pod = reply.seenBy.pod;
      assert.ok(allowedPods(e).includes(pod), `answered by ${pod}`);
      assert.equal(reply.seenBy.node, nodeOfPod(pod));
      const seen = reply.observedSource;
      switch (e.cause) {
        case 'None':
          // Local policy keeps the source; behind the NAT LB that source is already the LB's.
          if (e.clientIp === null) assert.deepEqual(seen, reply.clientAddress);
          else assert.equal(seen.ip, e.clientIp);
          break;
        case 'ClusterPolicyMasquerade':
          assert.equal(seen.ip, masqueradedSource(e.entryNode, pod));
          break;
        case 'LocalOrigin':
        case 'Hairpin':
          // Both are short-circuited to the service chain and masqueraded towards cni0.
          assert.equal(seen.ip, podGateway(e.entryNode));
          break;
        default:
          assert.fail(`no ground truth for cause ${e.cause}`);
      }
    });
  }

  for (const e of drops) {
    void it(`${e.name}: dropped (Local policy, no endpoint on ${e.entryNode})`, async () => {
      const result = await current().probe({ ...e.probe, timeoutMs: 1000 });
      assert.equal(result.outcome, 'timeout');
      const { protocol, port, ip } = e.probe;
      const [map, key] =
        e.entryKind === 'NodePort'
          ? ['no-endpoint-nodeports', `${protocol} . ${port}`]
          : ['no-endpoint-services', `${ip} . ${protocol} . ${port}`];
      const listed = await nodeExec(e.entryNode, ['nft', 'list', 'map', 'ip', 'kube-proxy', map]);
      assert.ok(
        listed.includes(
          `${key} comment "${e.service.namespace}/${e.service.name}:${e.service.portName}" : drop`,
        ),
        `${map} on ${e.entryNode} drops ${key}:\n${listed}`,
      );
    });
  }

  void it('the no-endpoint-nodeports drop is what stops it: without the element the node refuses', async () => {
    const checkout = findService(cluster, 'shop/checkout:https');
    assert.ok(checkout.nodePort !== undefined);
    const probe = {
      client: 'c1',
      ip: nodeIp('n1'),
      port: checkout.nodePort,
      protocol: 'tcp',
    } as const;
    const namespace = current().nodeNamespace('n1');
    await current().exec(namespace, [
      ...['nft', 'delete', 'element', 'ip', 'kube-proxy', 'no-endpoint-nodeports'],
      `{ tcp . ${checkout.nodePort} }`,
    ]);
    try {
      // The external chain has no endpoint to go to, so the SYN reaches n1 itself: a RST.
      const result = await current().probe({ ...probe, timeoutMs: 1000 });
      assert.equal(result.outcome, 'rejected', JSON.stringify(result));
    } finally {
      await current().reloadRules('n1');
    }
    assert.equal((await current().probe({ ...probe, timeoutMs: 1000 })).outcome, 'timeout');
  });

  const clusterIpProbe = (client: string, service: ServicePortSpec): ProbeRequest => ({
    client,
    ip: service.clusterIP,
    port: service.port,
    protocol: service.protocol,
  });

  void it('hairpin through the ClusterIP: the pod sees its cni0 address', async () => {
    const checkout = findService(cluster, 'shop/checkout:https');
    const reply = expectReply(await current().probe(clusterIpProbe('checkout-a', checkout)));
    assert.equal(reply.seenBy.pod, 'checkout-a');
    assert.equal(reply.observedSource.ip, podGateway('n2'));
  });

  void it('pod to ClusterIP: no SNAT, the backend sees the pod socket', async () => {
    const resolver = findService(cluster, 'dns/resolver:dns');
    const reply = expectReply(await current().probe(clusterIpProbe('api-a', resolver)));
    assert.ok(resolver.endpoints.includes(reply.seenBy.pod));
    assert.deepEqual(reply.observedSource, reply.clientAddress);
  });

  void it('masquerade is fully-random: the entry node picks a new source port, as conntrack shows', async () => {
    const api = findService(cluster, 'shop/api:http');
    assert.ok(api.nodePort !== undefined);
    const probe = { client: 'c2', ip: nodeIp('n1'), port: api.nodePort, protocol: 'tcp' } as const;
    let portChanged = 0;
    const attempts = 5;
    for (let i = 0; i < attempts; i++) {
      const reply = expectReply(await current().probe(probe));
      const { clientAddress: client, observedSource: seen } = reply;
      const conntrack = await nodeExec('n1', ['conntrack', '-L', '-o', 'extended,id']);
      const entry = conntrack
        .split('\n')
        .map(conntrackTuples)
        .find(({ original }) => original[0] === client.ip && original[2] === String(client.port));
      assert.ok(entry, `no conntrack entry from ${client.ip}:${client.port} in:\n${conntrack}`);
      assert.deepEqual(entry.original, [
        client.ip,
        probe.ip,
        String(client.port),
        String(probe.port),
      ]);
      assert.equal(entry.reply[0], findPod(cluster, reply.seenBy.pod).ip);
      assert.deepEqual([entry.reply[1], entry.reply[3]], [seen.ip, String(seen.port)]);
      if (seen.port !== client.port) portChanged++;
    }
    // A random port equals the client's about once in 64 000 tries; plain masquerade keeps it.
    assert.ok(portChanged >= attempts - 1, `source port changed in ${portChanged}/${attempts}`);
  });

  void it('the record of a masqueraded flow quotes the masquerade rule as `nft list` prints it', async () => {
    const api = findService(cluster, 'shop/api:http');
    assert.ok(api.nodePort !== undefined);
    const probe = { client: 'c1', ip: nodeIp('n1'), port: api.nodePort, protocol: 'tcp' } as const;
    const reply = expectReply(await current().probe(probe));
    const [table, conntrack, addresses, listed] = await Promise.all([
      nodeExec('n1', ['nft', '-j', 'list', 'table', 'ip', 'kube-proxy']),
      nodeExec('n1', ['conntrack', '-L', '-o', 'extended,id']),
      nodeExec('n1', ['ip', '-j', 'addr']),
      nodeExec('n1', ['nft', 'list', 'chain', 'ip', 'kube-proxy', 'masquerading']),
    ]);
    const model = await modelOf({ nft: [table] });
    const { classifier } = nodeView({
      name: 'n1',
      model,
      interfaces: parseIpAddr(addresses, 'ip -j addr'),
      nodeIps: [],
      podCidrs: [],
      observedAt: 0,
    });
    const records = parseConntrack(conntrack, 'conntrack').entries.map((e) =>
      classifier.classify(e),
    );
    const record = records.find(
      (r) => r?.client?.ip === reply.clientAddress.ip && r.client.port === reply.clientAddress.port,
    );
    assert.ok(record, `a record of the probe in:\n${conntrack}`);
    assert.equal(record.cause, v1.FlowRecord.Cause.ClusterPolicyMasquerade);
    const rule = listed.split('\n').find((line) => line.trim().startsWith('masquerade'));
    assert.ok(rule !== undefined, listed);
    assert.deepEqual(record.snatRule, {
      table: 'ip kube-proxy',
      chain: 'masquerading',
      rule: rule.trim(),
    });
  });

  void it('reloadRules replaces the table in place and traffic still flows', async () => {
    const before = await nodeExec('n1', ['nft', 'list', 'table', 'ip', 'kube-proxy']);
    await current().reloadRules('n1');
    assert.equal((await nodeExec('n1', ['nft', 'list', 'tables'])).trim(), 'table ip kube-proxy');
    // Handles are not printed without -a, so the same rules list the same.
    assert.equal(await nodeExec('n1', ['nft', 'list', 'table', 'ip', 'kube-proxy']), before);
    const api = findService(cluster, 'shop/api:http');
    assert.ok(api.nodePort !== undefined);
    const reply = expectReply(
      await current().probe({
        client: 'c1',
        ip: nodeIp('n1'),
        port: api.nodePort,
        protocol: 'tcp',
      }),
    );
    assert.equal(reply.observedSource.ip, nodeIp('n1'));
  });
});
