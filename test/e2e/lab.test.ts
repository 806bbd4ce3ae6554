// The lab on the real kernel: each case sends one probe through kube-proxy's rules and checks what
// the answering pod saw against the default cluster description. Needs root (network namespaces).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { defaultCluster, findNode, findPod, findService } from '../../lab/cluster.js';
import type { Lab, ProbeReply, ProbeRequest, ProbeResult } from '../../lab/lab.js';
import { createLab, newPrefix } from '../../lab/lab.js';
import { CommandError, listNamespaces } from '../../lab/netns.js';

const cluster = defaultCluster();
const nodeIp = (name: string): string => findNode(cluster, name).ip;
const nodePort = (service: string): number => {
  const port = findService(cluster, service).nodePort;
  assert.ok(port !== undefined, `${service} has a NodePort`);
  return port;
};
const clusterIp = (service: string): { ip: string; port: number } => {
  const spec = findService(cluster, service);
  return { ip: spec.clusterIP, port: spec.port };
};
// cni0's address: what MASQUERADE picks for traffic leaving towards a local pod.
const podGateway = (node: string): string =>
  findNode(cluster, node).podCidr.replace(/0\/\d+$/, '1');
const balancer = cluster.natLoadBalancer;
const checkoutLb = findService(cluster, 'shop/checkout:https').loadBalancerIPs[0];
const streamLb = findService(cluster, 'media/stream:rtp').loadBalancerIPs[0];
const webExternal = findService(cluster, 'shop/web:http').externalIPs[0];
assert.ok(checkoutLb && streamLb && webExternal);

function expectReply(result: ProbeResult): ProbeReply {
  if (result.outcome !== 'reply') assert.fail(`expected an answer, got ${JSON.stringify(result)}`);
  return result;
}

interface ReplyCase {
  readonly name: string;
  readonly probe: ProbeRequest;
  /** Pods allowed to answer. */
  readonly pods: readonly string[];
  /** The source address the pod must see, or 'client' for the client socket's exact address. */
  readonly observed: string;
}

const replyCases: readonly ReplyCase[] = [
  {
    name: 'Cluster NodePort via n1, endpoints on other nodes: pod sees n1 (203.0.113.11)',
    probe: { client: 'c1', ip: nodeIp('n1'), port: nodePort('shop/api:http'), protocol: 'tcp' },
    pods: ['api-a', 'api-b'],
    observed: nodeIp('n1'),
  },
  {
    name: 'Local LoadBalancer IP announced by n2, which has the endpoint: pod sees the client',
    probe: { client: 'c1', ip: checkoutLb.ip, port: 443, protocol: 'tcp' },
    pods: ['checkout-a'],
    observed: 'client',
  },
  {
    name: 'Local NodePort on n2, which has the endpoint: pod sees the client',
    probe: {
      client: 'c2',
      ip: nodeIp('n2'),
      port: nodePort('shop/checkout:https'),
      protocol: 'tcp',
    },
    pods: ['checkout-a'],
    observed: 'client',
  },
  {
    name: 'UDP Cluster NodePort via n1: pod sees n1',
    probe: { client: 'c1', ip: nodeIp('n1'), port: nodePort('dns/resolver:dns'), protocol: 'udp' },
    pods: ['resolver-a', 'resolver-b'],
    observed: nodeIp('n1'),
  },
  {
    name: 'UDP Local LoadBalancer IP announced by n3, which has the endpoint: pod sees the client',
    probe: { client: 'c2', ip: streamLb.ip, port: 5004, protocol: 'udp' },
    pods: ['stream-a'],
    observed: 'client',
  },
  {
    name: 'externalIP (Cluster) routed to n2, endpoints on n1 and n3: pod sees n2',
    probe: { client: 'c1', ip: webExternal.ip, port: 80, protocol: 'tcp' },
    pods: ['web-a', 'web-b'],
    observed: nodeIp(webExternal.announcedBy),
  },
  {
    name: 'external NAT LB to n1 NodePort (Cluster): pod sees n1, never the client',
    probe: { client: 'c1', ip: balancer.internetIp, port: 80, protocol: 'tcp' },
    pods: ['api-a', 'api-b'],
    observed: nodeIp('n1'),
  },
  {
    name: 'external NAT LB to n2 NodePort (Local, local endpoint): pod sees the LB, never the client',
    probe: { client: 'c1', ip: balancer.internetIp, port: 443, protocol: 'tcp' },
    pods: ['checkout-a'],
    observed: balancer.lanIp,
  },
  {
    name: 'hairpin: a pod reaching itself via its ClusterIP is masqueraded to its cni0 address',
    probe: { client: 'checkout-a', ...clusterIp('shop/checkout:https'), protocol: 'tcp' },
    pods: ['checkout-a'],
    observed: podGateway('n2'),
  },
  {
    name: 'node-local client to a Local NodePort is masqueraded ("masquerade LOCAL traffic")',
    probe: {
      client: 'n2',
      ip: nodeIp('n2'),
      port: nodePort('shop/checkout:https'),
      protocol: 'tcp',
    },
    pods: ['checkout-a'],
    observed: podGateway('n2'),
  },
  {
    name: 'pod to ClusterIP: no SNAT, the backend sees the pod IP',
    probe: { client: 'api-a', ...clusterIp('dns/resolver:dns'), protocol: 'udp' },
    pods: ['resolver-a', 'resolver-b'],
    observed: 'client',
  },
];

// "[packets:bytes] -A …" from iptables-save -c: the packet count of the first line matching all parts.
function packetCount(save: string, ...parts: string[]): number {
  const line = save.split('\n').find((l) => parts.every((part) => l.includes(part)));
  assert.ok(line, `no rule with ${parts.join(' … ')} in:\n${save}`);
  const counters = /^\[(\d+):\d+\]/.exec(line);
  assert.ok(counters?.[1], `no counters on ${line}`);
  return Number(counters[1]);
}

// The original and reply tuples of one conntrack line (the first and second src/dst/sport/dport).
function conntrackTuples(line: string): { original: string[]; reply: string[] } {
  const values = [...line.matchAll(/\b(?:src|dst|sport|dport)=(\S+)/g)].map((m) => m[1] ?? '');
  return { original: values.slice(0, 4), reply: values.slice(4, 8) };
}

const isRoot = process.getuid?.() === 0;

void describe('lab on the real kernel', { skip: isRoot ? false : 'needs root' }, () => {
  let lab: Lab | undefined;
  const current = (): Lab => {
    assert.ok(lab, 'lab was built');
    return lab;
  };

  before(async () => {
    lab = await createLab(cluster);
  });

  after(async () => {
    if (!lab) return;
    await lab.destroy();
    const left = (await listNamespaces()).filter((name) =>
      name.startsWith(`${lab?.prefix ?? ''}-`),
    );
    assert.deepEqual(left, [], 'every namespace of the lab is gone');
  });

  for (const testCase of replyCases) {
    void it(testCase.name, async () => {
      const reply = expectReply(await current().probe(testCase.probe));
      assert.ok(testCase.pods.includes(reply.seenBy.pod), `answered by ${reply.seenBy.pod}`);
      assert.equal(reply.seenBy.node, findPod(cluster, reply.seenBy.pod).node);
      const external = cluster.clients.find((c) => c.name === testCase.probe.client);
      if (external) assert.equal(reply.clientAddress.ip, external.ip);
      if (testCase.observed === 'client') {
        assert.deepEqual(reply.observedSource, reply.clientAddress);
      } else {
        assert.equal(reply.observedSource.ip, testCase.observed);
        assert.notEqual(reply.observedSource.ip, reply.clientAddress.ip);
      }
    });
  }

  void it('the entry node has a conntrack entry for the probe: original src is the client socket, reply dst what the pod saw', async () => {
    const probe = {
      client: 'c2',
      ip: nodeIp('n1'),
      port: nodePort('shop/api:http'),
      protocol: 'tcp',
    } as const;
    const reply = expectReply(await current().probe(probe));
    const { stdout } = await current().exec(current().nodeNamespace('n1'), [
      'conntrack',
      '-L',
      '-o',
      'extended,id',
    ]);
    const { clientAddress: client, observedSource: seen } = reply;
    const entry = stdout
      .split('\n')
      .map(conntrackTuples)
      .find(({ original }) => original[0] === client.ip && original[2] === String(client.port));
    assert.ok(entry, `no conntrack entry from ${client.ip}:${client.port} in:\n${stdout}`);
    assert.deepEqual(entry.original, [
      client.ip,
      probe.ip,
      String(client.port),
      String(probe.port),
    ]);
    assert.equal(entry.reply[0], findPod(cluster, reply.seenBy.pod).ip);
    assert.deepEqual([entry.reply[1], entry.reply[3]], [seen.ip, String(seen.port)]);
  });

  for (const protocol of ['tcp', 'udp'] as const) {
    const service = protocol === 'tcp' ? 'shop/checkout:https' : 'media/stream:rtp';
    void it(`${protocol.toUpperCase()} Local NodePort on n1 (no local endpoint) times out and counts on the "has no local endpoints" DROP`, async () => {
      const port = nodePort(service);
      const rule = [
        `"${service} has no local endpoints"`,
        '--dst-type LOCAL',
        `--dport ${port} -j DROP`,
      ];
      const namespace = current().nodeNamespace('n1');
      const save = async (): Promise<string> =>
        (await current().exec(namespace, ['iptables-save', '-c', '-t', 'filter'])).stdout;
      const dropsBefore = packetCount(await save(), ...rule);
      const result = await current().probe({
        client: 'c1',
        ip: nodeIp('n1'),
        port,
        protocol,
        timeoutMs: 1000,
      });
      assert.equal(result.outcome, 'timeout');
      assert.ok(
        packetCount(await save(), ...rule) > dropsBefore,
        'the DROP rule counted the probe',
      );
    });
  }
});

void describe('createLab failing halfway', { skip: isRoot ? false : 'needs root' }, () => {
  void it('rejects with the failed command, its exit code and stderr, and leaves no namespace behind', async () => {
    // An address iproute2 refuses, on a client (not in any rule): everything else gets built.
    const broken = {
      ...cluster,
      clients: cluster.clients.map((c) => (c.name === 'c2' ? { ...c, ip: '198.51.100.300' } : c)),
    };
    const prefix = newPrefix();
    await assert.rejects(createLab(broken, { prefix }), (error: unknown) => {
      assert.ok(error instanceof CommandError);
      assert.match(
        error.message,
        /\(exit code 1\): ip -n \S+-c2 addr add 198\.51\.100\.300\/24 dev eth0/,
      );
      assert.notEqual(error.stderr, '');
      return true;
    });
    const left = (await listNamespaces()).filter((name) => name.startsWith(`${prefix}-`));
    assert.deepEqual(left, []);
  });
});
