// Captures nftables-mode fixtures from a real lab: builds the default cluster with kube-proxy in
// nftables mode, sends a probe to every entry point (every NodePort on every node, every
// LB/external IP, the NAT LB, a hairpin, a node-local and a pod client), then saves node n1's
// `nft -j list table ip kube-proxy` and `conntrack -L -o extended,id` as
// test/fixtures/lab-nft-n1-nft.json and lab-nft-n1-conntrack.txt. Prints each probe's ground truth.
// Usage (root): npx tsx lab/capture-nft-fixtures.ts [--force]
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defaultCluster, findNode, findService } from './cluster.js';
import type { ProbeRequest } from './lab.js';
import { createLab } from './lab.js';

const cluster = defaultCluster();
const fixtures = fileURLToPath(new URL('../test/fixtures/', import.meta.url));
// n1 is the interesting node: Cluster NodePorts SNAT'd towards other nodes, a local web endpoint,
// and the Local Services' no-endpoint drops.
const node = 'n1';
const outputs = [
  { file: `lab-nft-${node}-nft.json`, argv: ['nft', '-j', 'list', 'table', 'ip', 'kube-proxy'] },
  { file: `lab-nft-${node}-conntrack.txt`, argv: ['conntrack', '-L', '-o', 'extended,id'] },
];

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
// The same probe set as capture-fixtures.ts (the iptables-mode capture), so the two compare.
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
  { client: 'checkout-a', ip: checkout.clusterIP, port: checkout.port, protocol: 'tcp' },
  { client: 'n2', ip: findNode(cluster, 'n2').ip, port: checkout.nodePort, protocol: 'tcp' },
  { client: 'api-a', ip: resolver.clusterIP, port: resolver.port, protocol: 'udp' },
];

const lab = await createLab(cluster, { proxyMode: 'nftables' });
try {
  const results = await Promise.all(
    probes.map((probe) => lab.probe({ ...probe, timeoutMs: 1000 })),
  );
  probes.forEach((probe, i) => {
    process.stdout.write(`${JSON.stringify({ probe, result: results[i] })}\n`);
  });
  for (const output of outputs) {
    const { stdout } = await lab.exec(lab.nodeNamespace(node), output.argv);
    writeFileSync(fixtures + output.file, stdout.endsWith('\n') ? stdout : stdout + '\n');
  }
  process.stdout.write(`wrote ${outputs.map((o) => o.file).join(', ')}\n`);
} finally {
  await lab.destroy();
}
