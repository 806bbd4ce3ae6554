// Captures offline-analyzer fixtures from a real lab: builds the default cluster, sends a probe to
// every entry point (every NodePort on every node, every LB/external IP, the NAT LB, a hairpin, a
// node-local and a pod client), then saves per node `iptables-save -c`, `conntrack -L -o
// extended,id` and `ip -j addr` under test/fixtures/lab-<node>-*. Prints each probe's ground truth.
// With --nftables, kube-proxy runs in nftables mode and node n1's `nft -j list table ip kube-proxy`
// and conntrack table are saved as test/fixtures/lab-nft-n1-nft.json and lab-nft-n1-conntrack.txt.
// Usage (root): npx tsx lab/capture-fixtures.ts [--nftables] [--force]
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultCluster, findNode, findService, servicePortName } from './cluster.js';
import type { ProbeRequest } from './lab.js';
import { createLab } from './lab.js';

const cluster = defaultCluster();
const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
const nftables = process.argv.includes('--nftables');
// In nftables mode n1 is the interesting node: Cluster NodePorts SNAT'd towards other nodes, a
// local web endpoint, and the Local Services' no-endpoint drops.
const nftOutputs = [
  {
    node: 'n1',
    file: 'lab-nft-n1-nft.json',
    argv: ['nft', '-j', 'list', 'table', 'ip', 'kube-proxy'],
  },
  { node: 'n1', file: 'lab-nft-n1-conntrack.txt', argv: ['conntrack', '-L', '-o', 'extended,id'] },
];
const iptablesOutputs = cluster.nodes.flatMap((node) => [
  { node: node.name, file: `lab-${node.name}-iptables-save-c.txt`, argv: ['iptables-save', '-c'] },
  {
    node: node.name,
    file: `lab-${node.name}-conntrack-L-extended-id.txt`,
    argv: ['conntrack', '-L', '-o', 'extended,id'],
  },
  { node: node.name, file: `lab-${node.name}-ip-addr.json`, argv: ['ip', '-j', 'addr'] },
]);
const outputs = nftables ? nftOutputs : iptablesOutputs;

// Fixtures are captured once and then reviewed; overwriting them must be deliberate.
if (!process.argv.includes('--force')) {
  const existing = outputs.filter((o) => existsSync(fixtures + o.file)).map((o) => o.file);
  if (existing.length > 0) {
    process.stderr.write(`refusing to overwrite ${existing.join(', ')} (use --force)\n`);
    process.exit(1);
  }
}

const [c1, c2] = cluster.clients;
if (!c1 || !c2) throw new Error('the default cluster has two clients');
const checkout = findService(cluster, 'shop/checkout:https');
if (checkout.nodePort === undefined) throw new Error('shop/checkout:https has a NodePort');
const resolver = findService(cluster, 'dns/resolver:dns');
const probes: ProbeRequest[] = [
  ...cluster.services.flatMap((service) => {
    const { nodePort, port, protocol } = service;
    const viaNodePorts =
      nodePort === undefined
        ? []
        : cluster.nodes.map((n) => ({ client: c1.name, ip: n.ip, port: nodePort, protocol }));
    return [
      ...viaNodePorts,
      ...[...service.loadBalancerIPs, ...service.externalIPs].map(({ ip }) => ({
        client: c2.name,
        ip,
        port,
        protocol,
      })),
    ];
  }),
  ...cluster.natLoadBalancer.forwards.map(({ port, protocol }) => ({
    client: c1.name,
    ip: cluster.natLoadBalancer.internetIp,
    port,
    protocol,
  })),
  // Hairpin, node-local and pod-to-ClusterIP traffic, each with its own kube-proxy rule.
  { client: 'checkout-a', ip: checkout.clusterIP, port: checkout.port, protocol: 'tcp' },
  { client: 'n2', ip: findNode(cluster, 'n2').ip, port: checkout.nodePort, protocol: 'tcp' },
  { client: 'api-a', ip: resolver.clusterIP, port: resolver.port, protocol: 'udp' },
];

const lab = await createLab(cluster, { proxyMode: nftables ? 'nftables' : 'iptables' });
try {
  const results = await Promise.all(
    probes.map((probe) => lab.probe({ ...probe, timeoutMs: 1000 })),
  );
  probes.forEach((probe, i) => {
    process.stdout.write(`${JSON.stringify({ probe, result: results[i] })}\n`);
  });
  for (const output of outputs) {
    const { stdout } = await lab.exec(lab.nodeNamespace(output.node), output.argv);
    writeFileSync(fixtures + output.file, stdout.endsWith('\n') ? stdout : stdout + '\n');
  }
  process.stdout.write(
    `wrote ${outputs.length} files for services ${cluster.services.map(servicePortName).join(', ')}\n`,
  );
} finally {
  await lab.destroy();
}
