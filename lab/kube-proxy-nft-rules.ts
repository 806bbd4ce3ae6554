// Renders the rules kube-proxy (nftables mode) would write on one node of a lab cluster, as `nft -f`
// input for table `ip kube-proxy`.
//
// The text follows knftables' own dump syntax (`add chain …`, `add rule …`, `add element …`), the
// form of the copied fixture `nftables-k8s-master-overall-knftables-dump.nft` (FORMATS.md §3): the
// same table/set/map/base-chain preamble, the same rule strings, chain names `service-`, `local-`,
// `external-` + `H8-ns/name/proto/port` and `endpoint-H8'-ns/name/proto/port__IP/PORT` (H8 is the
// hash of the rest of the name), Services sorted by "ns/name" and endpoints by "ip:port".
//
// Intentional differences from kube-proxy's own transaction:
// - Each Service port's chains are all declared before its rules. The knftables dump adds a
//   service chain's `numgen … vmap { … goto endpoint-… }` before the endpoint chain exists, which
//   `nft -f` rejects (the fixture had to be reordered before loading); kube-proxy avoids it by
//   sending every `add chain` first.
// - No flush commands: the lab replaces the whole table at once (see lab.ts reloadRules).
// - `nodeport-ips` holds the node's LAN address only: nftables mode defaults
//   `--nodeport-addresses` to the node's primary IP, so NodePorts do not answer on cni0 or
//   localhost (FORMATS.md §3.1).
// - No rule for a healthCheckNodePort: unlike iptables mode (KUBE-NODEPORTS … ACCEPT), nftables
//   mode writes none; the health-check server just listens.
// - `masquerade fully-random` always: nftables mode has no non-random variant, so
//   Cluster.masqueradeRandomFully is ignored.
// - Not modelled: loadBalancerSourceRanges (firewall chains; the `firewall-ips` map stays empty),
//   session affinity, internalTrafficPolicy, `--masquerade-all`, IPv6 (`ip6 kube-proxy`).
import type { Cluster, ServicePortSpec } from './cluster.js';
import { findNode, findPod, servicePortName } from './cluster.js';
import { chainHash } from './kube-proxy-rules.js';

const table = 'ip kube-proxy';
// kube-proxy's masquerade mark (`--masquerade-bit` 14). The proxier formats it with `%#08x`
// (`0x004000`); its test data, and so the fixture, writes `0x4000`. nft lists both as 0x00004000.
const masqueradeMark = '0x4000';

// kube-proxy's chainNameBaseLengthMax: knftables.NameLengthMax (256) minus the longest prefix (16).
const chainNameBaseLengthMax = 240;

/**
 * kube-proxy's `hashAndTruncate`: `HASH-name`, where HASH is the first 8 characters of
 * base32(sha256(name)) — the first 8 of the iptables-mode chainHash, which is the same digest
 * truncated to 16 — cut to 240 characters (ending in "...") for names nft would refuse.
 */
export function nftChainNameBase(name: string): string {
  const based = `${chainHash(name).slice(0, 8)}-${name}`;
  return based.length > chainNameBaseLengthMax
    ? based.slice(0, chainNameBaseLengthMax - 3) + '...'
    : based;
}

/** The `ns/name/proto/portName` a Service port's nftables chains are named after. */
export function nftServicePortName(service: ServicePortSpec): string {
  return `${service.namespace}/${service.name}/${service.protocol}/${service.portName}`;
}

/** The names of a Service port's own chains (whether or not a node needs them). */
export interface NftServiceChains {
  /** `service-…`: every endpoint; Cluster policy and ClusterIP traffic. */
  readonly service: string;
  /** `local-…`: this node's endpoints only; Local policy. */
  readonly local: string;
  /** `external-…`: NodePort, LoadBalancer IP and externalIP traffic. */
  readonly external: string;
}

/** The chain names kube-proxy's newServiceInfo gives a Service port. */
export function nftServiceChains(service: ServicePortSpec): NftServiceChains {
  const base = nftChainNameBase(nftServicePortName(service));
  return { service: `service-${base}`, local: `local-${base}`, external: `external-${base}` };
}

/** kube-proxy's endpoint chain name for one endpoint `ip:port` of a Service port. */
export function nftEndpointChain(service: ServicePortSpec, ip: string, port: number): string {
  return `endpoint-${nftChainNameBase(`${nftServicePortName(service)}__${ip}/${port}`)}`;
}

// The preamble exactly as the knftables dump has it (setupNFTables), in the dump's order.
function preamble(cluster: Cluster, nodeIp: string): string[] {
  return [
    `add table ${table} { comment "rules for kube-proxy" ; }`,
    '',
    `add set ${table} cluster-ips { type ipv4_addr ; comment "Active ClusterIPs" ; }`,
    `add set ${table} nodeport-ips { type ipv4_addr ; comment "IPs that accept NodePort traffic" ; }`,
    '',
    `add map ${table} firewall-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "destinations that are subject to LoadBalancerSourceRanges" ; }`,
    `add map ${table} no-endpoint-nodeports { type inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to service nodeports with no endpoints" ; }`,
    `add map ${table} no-endpoint-services { type ipv4_addr . inet_proto . inet_service : verdict ; comment "vmap to drop or reject packets to services with no endpoints" ; }`,
    `add map ${table} service-ips { type ipv4_addr . inet_proto . inet_service : verdict ; comment "ClusterIP, ExternalIP and LoadBalancer IP traffic" ; }`,
    `add map ${table} service-nodeports { type inet_proto . inet_service : verdict ; comment "NodePort traffic" ; }`,
    '',
    `add chain ${table} cluster-ips-check`,
    // Source-range checks must see the pre-DNAT destination, hence -110 (before dstnat at -100).
    `add chain ${table} filter-prerouting-pre-dnat { type filter hook prerouting priority -110 ; }`,
    `add chain ${table} filter-output-pre-dnat { type filter hook output priority -110 ; }`,
    `add chain ${table} filter-forward { type filter hook forward priority 0 ; }`,
    `add chain ${table} filter-input { type filter hook input priority 0 ; }`,
    `add chain ${table} filter-output { type filter hook output priority 0 ; }`,
    `add chain ${table} firewall-check`,
    `add chain ${table} mark-for-masquerade`,
    `add chain ${table} masquerading`,
    `add chain ${table} nat-output { type nat hook output priority -100 ; }`,
    `add chain ${table} nat-postrouting { type nat hook postrouting priority 100 ; }`,
    `add chain ${table} nat-prerouting { type nat hook prerouting priority -100 ; }`,
    `add chain ${table} nodeport-endpoints-check`,
    `add chain ${table} reject-chain { comment "helper for @no-endpoint-services / @no-endpoint-nodeports" ; }`,
    `add chain ${table} services`,
    `add chain ${table} service-endpoints-check`,
    '',
    `add rule ${table} cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"`,
    `add rule ${table} cluster-ips-check ip daddr { ${cluster.serviceCidr} } drop comment "Drop traffic to unallocated ClusterIPs"`,
    `add rule ${table} filter-prerouting-pre-dnat ct state new jump firewall-check`,
    `add rule ${table} filter-forward ct state new jump service-endpoints-check`,
    `add rule ${table} filter-forward ct state new jump cluster-ips-check`,
    `add rule ${table} filter-input ct state new jump nodeport-endpoints-check`,
    `add rule ${table} filter-input ct state new jump service-endpoints-check`,
    `add rule ${table} filter-output ct state new jump service-endpoints-check`,
    `add rule ${table} filter-output-pre-dnat ct state new jump firewall-check`,
    `add rule ${table} filter-output ct state new jump cluster-ips-check`,
    `add rule ${table} firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips`,
    `add rule ${table} mark-for-masquerade mark set mark or ${masqueradeMark}`,
    `add rule ${table} masquerading mark and ${masqueradeMark} == 0 return`,
    `add rule ${table} masquerading mark set mark xor ${masqueradeMark}`,
    `add rule ${table} masquerading masquerade fully-random`,
    `add rule ${table} nat-output jump services`,
    `add rule ${table} nat-postrouting jump masquerading`,
    `add rule ${table} nat-prerouting jump services`,
    `add rule ${table} nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports`,
    `add rule ${table} reject-chain reject`,
    `add rule ${table} services ip daddr . meta l4proto . th dport vmap @service-ips`,
    `add rule ${table} services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports`,
    '',
    `add element ${table} nodeport-ips { ${nodeIp} }`,
    `add rule ${table} service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services`,
  ];
}

interface Endpoint {
  readonly ip: string;
  readonly address: string;
  readonly chain: string;
  readonly local: boolean;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `nft -f` input kube-proxy (nftables mode) would write on `nodeName` for `cluster`. */
export function renderNftables(cluster: Cluster, nodeName: string): string {
  // A mistyped node would otherwise render as a node without any local endpoint.
  const node = findNode(cluster, nodeName);
  const lines = preamble(cluster, node.ip);
  // kube-proxy walks a Go map; its tests sort by "ns/name", and a stable sort keeps port order.
  const services = [...cluster.services].sort((a, b) =>
    compareStrings(`${a.namespace}/${a.name}`, `${b.namespace}/${b.name}`),
  );
  for (const service of services) {
    lines.push(
      '',
      `# ${servicePortName(service)}`,
      ...renderServicePort(cluster, nodeName, service),
    );
  }
  return lines.join('\n') + '\n';
}

// One Service port, following the nftables proxier's syncProxyRules loop body.
function renderServicePort(cluster: Cluster, nodeName: string, service: ServicePortSpec): string[] {
  const name = servicePortName(service);
  const protocol = service.protocol;
  const chains = nftServiceChains(service);
  const endpoints: Endpoint[] = service.endpoints
    .map((podName) => {
      const pod = findPod(cluster, podName);
      return {
        ip: pod.ip,
        address: `${pod.ip}:${service.targetPort}`,
        chain: nftEndpointChain(service, pod.ip, service.targetPort),
        local: pod.node === nodeName,
      };
    })
    .sort((a, b) => compareStrings(a.address, b.address));
  const localEndpoints = endpoints.filter((e) => e.local);

  const hasEndpoints = endpoints.length > 0;
  const externalPolicyLocal = service.externalTrafficPolicy === 'Local';
  const hasExternalEndpoints = hasEndpoints && (!externalPolicyLocal || localEndpoints.length > 0);
  const usesLocalChain = externalPolicyLocal && localEndpoints.length > 0;
  const externallyAccessible =
    service.nodePort !== undefined ||
    service.externalIPs.length > 0 ||
    service.loadBalancerIPs.length > 0;
  // The external chain exists whenever there are endpoints anywhere: a Local service on a node
  // without one still needs its pod/local-traffic short-circuits.
  const usesExternalChain = hasEndpoints && externallyAccessible;
  // No endpoints at all: reject like the iptables REJECT; none on this node for Local: drop what
  // the external chain did not short-circuit.
  const filterVerdict = hasEndpoints ? 'drop' : 'goto reject-chain';

  const declared: string[] = [];
  const rules: string[] = [];
  const declare = (chain: string): void => {
    declared.push(`add chain ${table} ${chain}`);
  };
  const rule = (chain: string, text: string): void => {
    rules.push(`add rule ${table} ${chain} ${text}`);
  };
  const loadBalance = (chain: string, targets: readonly Endpoint[]): void => {
    const map = targets.map((e, i) => `${i} : goto ${e.chain}`).join(' , ');
    rule(chain, `numgen random mod ${targets.length} vmap { ${map} }`);
  };

  if (hasEndpoints) {
    declare(chains.service);
    // Masquerade off-cluster sources reaching the ClusterIP (the --cluster-cidr local detector):
    // they may be routed to any node and bounce to another.
    rule(
      chains.service,
      `ip daddr ${service.clusterIP} ip saddr != ${cluster.clusterCidr} jump mark-for-masquerade`,
    );
    loadBalance(chains.service, endpoints);
  }
  if (usesLocalChain) {
    declare(chains.local);
    loadBalance(chains.local, localEndpoints);
  }
  if (usesExternalChain) {
    declare(chains.external);
    if (!externalPolicyLocal) {
      // The endpoint may be on another node, whose reply must come back through this one.
      rule(chains.external, 'jump mark-for-masquerade');
    } else {
      rule(
        chains.external,
        `ip saddr ${cluster.clusterCidr} goto ${chains.service} comment "short-circuit pod traffic"`,
      );
      // The node's own address would be the source, which the pod cannot answer without SNAT.
      rule(
        chains.external,
        'fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"',
      );
      rule(
        chains.external,
        `fib saddr type local goto ${chains.service} comment "short-circuit local traffic"`,
      );
    }
    if (hasExternalEndpoints) {
      rule(chains.external, `goto ${externalPolicyLocal ? chains.local : chains.service}`);
    }
  }
  // kube-proxy's test dumps list a service's endpoint chains by name.
  for (const endpoint of [...endpoints].sort((a, b) => compareStrings(a.chain, b.chain))) {
    declare(endpoint.chain);
    // Hairpin: an endpoint reaching itself through the Service must be masqueraded.
    rule(endpoint.chain, `ip saddr ${endpoint.ip} jump mark-for-masquerade`);
    rule(endpoint.chain, `meta l4proto ${protocol} dnat to ${endpoint.address}`);
  }

  const elements: string[] = [];
  const element = (map: string, key: string, verdict: string, comment?: string): void => {
    const commented = comment === undefined ? key : `${key} comment "${comment}"`;
    elements.push(`add element ${table} ${map} { ${commented} : ${verdict} }`);
  };
  const ipKey = (ip: string): string => `${ip} . ${protocol} . ${service.port}`;
  elements.push(`add element ${table} cluster-ips { ${service.clusterIP} }`);
  if (hasEndpoints) {
    element('service-ips', ipKey(service.clusterIP), `goto ${chains.service}`);
    for (const { ip } of [...service.externalIPs, ...service.loadBalancerIPs]) {
      element('service-ips', ipKey(ip), `goto ${chains.external}`);
    }
    if (service.nodePort !== undefined) {
      element('service-nodeports', `${protocol} . ${service.nodePort}`, `goto ${chains.external}`);
    }
  }
  if (!hasExternalEndpoints && service.nodePort !== undefined) {
    element('no-endpoint-nodeports', `${protocol} . ${service.nodePort}`, filterVerdict, name);
  }
  if (!hasEndpoints) element('no-endpoint-services', ipKey(service.clusterIP), filterVerdict, name);
  if (!hasExternalEndpoints) {
    for (const { ip } of [...service.loadBalancerIPs, ...service.externalIPs]) {
      element('no-endpoint-services', ipKey(ip), filterVerdict, name);
    }
  }

  return [...declared, ...rules, ...elements];
}
