// Renders the rules kube-proxy (iptables mode, 1.28+) would restore on one node of a lab cluster.
//
// The text follows kube-proxy's iptables-restore input (see FORMATS.md §1): arguments in
// kube-proxy's order, comments quoted only when they contain spaces, no `/32`. Rules are laid out
// the way kube-proxy's own tests sort them (`sortIPTablesRules`: tables by name, KUBE-NODEPORTS and
// KUBE-SERVICES first, other KUBE-* chains alphabetically, rules grouped by chain), so the output
// can be compared line by line with the copied fixtures.
//
// Intentional differences from one real kube-proxy restore:
// - The top-level jump rules (FORMATS.md §1.3) are in the same input, after the KUBE-* chains.
//   kube-proxy installs them with `iptables -I` (EnsureRule, Prepend) and restores with
//   `--noflush`; the lab owns the node's tables, so one full restore is equivalent.
// - No `-m nfacct` rules: this kernel has no nfacct, and kube-proxy leaves them out then too.
// - Not modelled: loadBalancerSourceRanges (KUBE-FW chains), session affinity,
//   internalTrafficPolicy, `--nodeport-addresses`, IPv6.
import { createHash } from 'node:crypto';
import type { Cluster, ServicePortSpec } from './cluster.js';
import { findNode, findPod, servicePortName } from './cluster.js';

const base32Alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += base32Alphabet.charAt((buffer >>> bits) & 31);
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += base32Alphabet.charAt((buffer << (5 - bits)) & 31);
  return out;
}

/** kube-proxy's chain-name hash: the first 16 chars of RFC 4648 base32(sha256(text)). */
export function chainHash(text: string): string {
  return base32(createHash('sha256').update(text).digest()).slice(0, 16);
}

/** kube-proxy's masquerade mark (`--iptables-masquerade-bit` 14). */
const masqueradeMark = '0x4000';

// Comments with spaces are written pre-quoted by kube-proxy; bare servicePortNames are not.
function comment(text: string): string {
  return `-m comment --comment ${text.includes(' ') ? `"${text}"` : text}`;
}

class Table {
  private readonly declared = new Set<string>();
  private readonly rules = new Map<string, string[]>();

  constructor(private readonly name: string) {}

  declare(chain: string): void {
    this.declared.add(chain);
  }

  add(chain: string, ...args: string[]): void {
    const line = `-A ${chain} ${args.join(' ')}`;
    const existing = this.rules.get(chain);
    if (existing) existing.push(line);
    else this.rules.set(chain, [line]);
  }

  render(): string {
    const lines = [`*${this.name}`];
    for (const chain of [...this.declared].sort(compareChains)) lines.push(`:${chain} - [0:0]`);
    for (const chain of [...this.rules.keys()].sort(compareChains)) {
      lines.push(...(this.rules.get(chain) ?? []));
    }
    lines.push('COMMIT');
    return lines.join('\n') + '\n';
  }
}

// The chain order of kube-proxy's test helper sortIPTablesRules, which the fixtures are in.
function compareChains(a: string, b: string): number {
  const rank = (chain: string): number => {
    if (chain === 'KUBE-NODEPORTS') return 0;
    if (chain === 'KUBE-SERVICES') return 1;
    return chain.startsWith('KUBE-') ? 2 : 3;
  };
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

// FORMATS.md §1.3 ("<chain> <args>"), in the order the chains end up in after kube-proxy's
// prepends and kubelet's appends.
const filterJumps = [
  'INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
  'INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS',
  'INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
  'INPUT -j KUBE-FIREWALL',
  'FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
  'FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
  'FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  'FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES',
  'OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
  'OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  'OUTPUT -j KUBE-FIREWALL',
];
const natJumps = [
  'PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  'OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
  'POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
];

function addJumps(table: Table, jumps: readonly string[]): void {
  for (const jump of jumps) {
    const space = jump.indexOf(' ');
    table.add(jump.slice(0, space), jump.slice(space + 1));
  }
}

interface Endpoint {
  readonly address: string;
  readonly ip: string;
  readonly local: boolean;
}

/** The iptables-restore input kube-proxy (iptables mode) would write on `nodeName` for `cluster`. */
export function renderIptablesRestore(cluster: Cluster, nodeName: string): string {
  // A mistyped node would otherwise render as a node without any local endpoint.
  findNode(cluster, nodeName);
  const filter = new Table('filter');
  const nat = new Table('nat');

  for (const chain of [
    'KUBE-SERVICES',
    'KUBE-EXTERNAL-SERVICES',
    'KUBE-FORWARD',
    'KUBE-NODEPORTS',
    'KUBE-PROXY-FIREWALL',
    'KUBE-FIREWALL',
  ]) {
    filter.declare(chain);
  }
  for (const chain of ['KUBE-SERVICES', 'KUBE-NODEPORTS', 'KUBE-POSTROUTING', 'KUBE-MARK-MASQ']) {
    nat.declare(chain);
  }
  nat.add('KUBE-POSTROUTING', `-m mark ! --mark ${masqueradeMark}/${masqueradeMark} -j RETURN`);
  nat.add('KUBE-POSTROUTING', `-j MARK --xor-mark ${masqueradeMark}`);
  nat.add(
    'KUBE-POSTROUTING',
    comment('kubernetes service traffic requiring SNAT'),
    cluster.masqueradeRandomFully ? '-j MASQUERADE --random-fully' : '-j MASQUERADE',
  );
  nat.add('KUBE-MARK-MASQ', `-j MARK --or-mark ${masqueradeMark}`);
  // kube-proxy pairs route_localnet (localhost NodePorts, on by default) with this guard.
  filter.add(
    'KUBE-FIREWALL',
    comment('block incoming localnet connections'),
    '-d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP',
  );

  // kube-proxy walks a Go map; its tests sort by "ns/name", and a stable sort keeps port order.
  const services = [...cluster.services].sort((a, b) => {
    const [x, y] = [`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`];
    return x < y ? -1 : x > y ? 1 : 0;
  });
  for (const service of services) renderServicePort(cluster, nodeName, service, filter, nat);

  nat.add(
    'KUBE-SERVICES',
    comment('kubernetes service nodeports; NOTE: this must be the last rule in this chain'),
    '-m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
  );
  filter.add('KUBE-FORWARD', '-m conntrack --ctstate INVALID -j DROP');
  filter.add(
    'KUBE-FORWARD',
    comment('kubernetes forwarding rules'),
    `-m mark --mark ${masqueradeMark}/${masqueradeMark} -j ACCEPT`,
  );
  filter.add(
    'KUBE-FORWARD',
    comment('kubernetes forwarding conntrack rule'),
    '-m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
  );
  addJumps(filter, filterJumps);
  addJumps(nat, natJumps);

  return filter.render() + nat.render();
}

// One service port, in the order of kube-proxy 1.28's syncProxyRules loop body.
function renderServicePort(
  cluster: Cluster,
  nodeName: string,
  service: ServicePortSpec,
  filter: Table,
  nat: Table,
): void {
  const name = servicePortName(service);
  const protocol = service.protocol;
  const hash = chainHash(name + protocol);
  const svcChain = `KUBE-SVC-${hash}`;
  const svlChain = `KUBE-SVL-${hash}`;
  const extChain = `KUBE-EXT-${hash}`;
  const match = `-m ${protocol} -p ${protocol}`;

  // kube-proxy sorts a service's endpoints by their "ip:port" string.
  const endpoints: Endpoint[] = service.endpoints
    .map((podName) => {
      const pod = findPod(cluster, podName);
      return {
        address: `${pod.ip}:${service.targetPort}`,
        ip: pod.ip,
        local: pod.node === nodeName,
      };
    })
    .sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const localEndpoints = endpoints.filter((e) => e.local);

  const hasEndpoints = endpoints.length > 0;
  const externalPolicyLocal = service.externalTrafficPolicy === 'Local';
  const hasExternalEndpoints = hasEndpoints && (!externalPolicyLocal || localEndpoints.length > 0);
  const externallyAccessible =
    service.nodePort !== undefined ||
    service.externalIPs.length > 0 ||
    service.loadBalancerIPs.length > 0;
  const externalPolicyChain = externalPolicyLocal ? svlChain : svcChain;
  // With no endpoints at all kube-proxy REJECTs; with none on this node for Local it DROPs
  // whatever the EXT chain's short-circuits did not take.
  const filterComment = hasEndpoints
    ? `${name} has no local endpoints`
    : `${name} has no endpoints`;
  const filterTarget = hasEndpoints ? 'DROP' : 'REJECT';

  if (hasEndpoints) {
    nat.add(
      'KUBE-SERVICES',
      comment(`${name} cluster IP`),
      match,
      `-d ${service.clusterIP} --dport ${service.port} -j ${svcChain}`,
    );
  } else {
    filter.add(
      'KUBE-SERVICES',
      comment(`${name} has no endpoints`),
      match,
      `-d ${service.clusterIP} --dport ${service.port} -j REJECT`,
    );
  }

  for (const { ip } of service.externalIPs) {
    if (hasEndpoints) {
      nat.add(
        'KUBE-SERVICES',
        comment(`${name} external IP`),
        match,
        `-d ${ip} --dport ${service.port} -j ${extChain}`,
      );
    }
    if (!hasExternalEndpoints) {
      filter.add(
        'KUBE-EXTERNAL-SERVICES',
        comment(filterComment),
        match,
        `-d ${ip} --dport ${service.port} -j ${filterTarget}`,
      );
    }
  }

  for (const { ip } of service.loadBalancerIPs) {
    if (hasEndpoints) {
      nat.add(
        'KUBE-SERVICES',
        comment(`${name} loadbalancer IP`),
        match,
        `-d ${ip} --dport ${service.port} -j ${extChain}`,
      );
    }
  }
  if (!hasExternalEndpoints) {
    for (const { ip } of service.loadBalancerIPs) {
      filter.add(
        'KUBE-EXTERNAL-SERVICES',
        comment(filterComment),
        match,
        `-d ${ip} --dport ${service.port} -j ${filterTarget}`,
      );
    }
  }

  if (service.nodePort !== undefined) {
    if (hasEndpoints) {
      nat.add('KUBE-NODEPORTS', comment(name), match, `--dport ${service.nodePort} -j ${extChain}`);
    }
    if (!hasExternalEndpoints) {
      filter.add(
        'KUBE-EXTERNAL-SERVICES',
        comment(filterComment),
        '-m addrtype --dst-type LOCAL',
        match,
        `--dport ${service.nodePort} -j ${filterTarget}`,
      );
    }
  }

  if (service.healthCheckNodePort !== undefined) {
    // Health checks are always TCP, whatever the Service's protocol.
    filter.add(
      'KUBE-NODEPORTS',
      comment(`${name} health check node port`),
      `-m tcp -p tcp --dport ${service.healthCheckNodePort} -j ACCEPT`,
    );
  }

  if (!hasEndpoints) return;

  // Masquerade off-cluster sources reaching the ClusterIP (the --cluster-cidr local detector).
  nat.add(
    svcChain,
    comment(`${name} cluster IP`),
    match,
    `-d ${service.clusterIP} --dport ${service.port} ! -s ${cluster.clusterCidr} -j KUBE-MARK-MASQ`,
  );

  if (externallyAccessible) {
    nat.declare(extChain);
    if (!externalPolicyLocal) {
      nat.add(
        extChain,
        comment(`masquerade traffic for ${name} external destinations`),
        '-j KUBE-MARK-MASQ',
      );
    } else {
      nat.add(
        extChain,
        comment(`pod traffic for ${name} external destinations`),
        `-s ${cluster.clusterCidr} -j ${svcChain}`,
      );
      nat.add(
        extChain,
        comment(`masquerade LOCAL traffic for ${name} external destinations`),
        '-m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
      );
      nat.add(
        extChain,
        comment(`route LOCAL traffic for ${name} external destinations`),
        `-m addrtype --src-type LOCAL -j ${svcChain}`,
      );
    }
    if (hasExternalEndpoints) nat.add(extChain, `-j ${externalPolicyChain}`);
  }

  nat.declare(svcChain);
  writeEndpointJumps(nat, name, svcChain, endpoints, protocol);
  if (externalPolicyLocal && localEndpoints.length > 0) {
    nat.declare(svlChain);
    writeEndpointJumps(nat, name, svlChain, localEndpoints, protocol);
  }

  for (const endpoint of endpoints) {
    const sepChain = `KUBE-SEP-${chainHash(name + protocol + endpoint.address)}`;
    nat.declare(sepChain);
    // Hairpin: an endpoint reaching itself through the Service must be masqueraded.
    nat.add(sepChain, comment(name), `-s ${endpoint.ip} -j KUBE-MARK-MASQ`);
    nat.add(sepChain, comment(name), match, `-j DNAT --to-destination ${endpoint.address}`);
  }
}

function writeEndpointJumps(
  nat: Table,
  name: string,
  chain: string,
  endpoints: readonly Endpoint[],
  protocol: string,
): void {
  endpoints.forEach((endpoint, i) => {
    const sepChain = `KUBE-SEP-${chainHash(name + protocol + endpoint.address)}`;
    const remaining = endpoints.length - i;
    // Each rule takes 1/remaining of what is left, so every endpoint gets an equal share.
    const statistic =
      remaining > 1
        ? ` -m statistic --mode random --probability ${(1 / remaining).toFixed(10)}`
        : '';
    nat.add(chain, comment(`${name} -> ${endpoint.address}`) + statistic, `-j ${sepChain}`);
  });
}
