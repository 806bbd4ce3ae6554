// What kube-proxy's IPVS mode would program on one node of a lab cluster, split by what this
// kernel can and cannot run:
// - real: the ipsets (`ipset restore`) and the IPVS-mode iptables rules (`iptables-restore`) in
//   the form of test/fixtures/ipvs-node-a (kube-proxy's `writeIptablesRules`: rules only for
//   non-empty sets, KUBE-MARK-MASQ from KUBE-NODE-PORT / KUBE-LOAD-BALANCER / KUBE-EXTERNAL-IP,
//   KUBE-LOOP-BACK and the marked MASQUERADE in KUBE-POSTROUTING);
// - stand-in: the kernel has no IPVS, so the virtual servers are rendered twice: as
//   `ipvsadm-save -n` text for the stand-in ipvsadm tools (test/support/stand-in-tools.ts), and as
//   an nftables DNAT table (`ip ipvs-stand-in`) that forwards like IPVS does. Its nat chains run
//   after the iptables nat chains (priority -90 vs -100), as IPVS acts after them (LOCAL_IN), so
//   the KUBE-MARK-MASQ marks are set first; and an iptables ACCEPT in nat KUBE-SERVICES does not
//   stop a later nat chain. The DNAT leaves conntrack entries like IPVS with
//   net.ipv4.vs.conntrack=1: original client → virtual server, reply real server → client or node.
// Not modelled: session affinity, loadBalancerSourceRanges, the kube-ipvs0 dummy interface (this
// kernel has no dummy module: the VIPs are not local addresses, which the DNAT does not need).
import type { Cluster, NodeSpec, Protocol, ServicePortSpec } from './cluster.js';
import { findNode, findPod } from './cluster.js';

/** kube-proxy's masquerade mark, as in the iptables mode. */
const MASQUERADE_MARK = '0x4000';

/** One IPVS virtual server of a node and its real servers. */
export interface LabVirtualServer {
  protocol: Protocol;
  ip: string;
  port: number;
  realServers: { ip: string; port: number }[];
}

// The node's cni0 address: the first host of its pod CIDR (lab.ts gives cni0 that address).
function podGateway(node: NodeSpec): string {
  const [network = ''] = node.podCidr.split('/');
  const octets = network.split('.');
  octets[3] = String(Number(octets[3]) + 1);
  return octets.join('.');
}

function endpointsOf(
  cluster: Cluster,
  service: ServicePortSpec,
  nodeName: string,
): { all: { ip: string; port: number }[]; local: { ip: string; port: number }[] } {
  const all = service.endpoints.map((pod) => ({
    ip: findPod(cluster, pod).ip,
    port: service.targetPort,
  }));
  const local = service.endpoints
    .filter((pod) => findPod(cluster, pod).node === nodeName)
    .map((pod) => ({ ip: findPod(cluster, pod).ip, port: service.targetPort }));
  return { all, local };
}

/**
 * The node's virtual servers as kube-proxy's syncService/syncEndpoint make them: the ClusterIP
 * with every endpoint; NodePorts on the node's addresses (eth0 and cni0), LoadBalancer IPs and
 * external IPs on every node, with Local policy listing only the local endpoints when there are
 * some and every endpoint when there are none (FORMATS.md §2.1/§5.8).
 */
export function labVirtualServers(cluster: Cluster, nodeName: string): LabVirtualServer[] {
  const node = findNode(cluster, nodeName);
  const servers: LabVirtualServer[] = [];
  for (const service of cluster.services) {
    const { all, local } = endpointsOf(cluster, service, nodeName);
    const external = service.externalTrafficPolicy === 'Local' && local.length > 0 ? local : all;
    const add = (ip: string, port: number, realServers: { ip: string; port: number }[]): void => {
      servers.push({ protocol: service.protocol, ip, port, realServers });
    };
    add(service.clusterIP, service.port, all);
    if (service.nodePort !== undefined) {
      for (const ip of [node.ip, podGateway(node)]) add(ip, service.nodePort, external);
    }
    for (const routed of [...service.loadBalancerIPs, ...service.externalIPs]) {
      add(routed.ip, service.port, external);
    }
  }
  const ipKey = (ip: string): number =>
    ip.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
  return servers.sort(
    (a, b) => a.protocol.localeCompare(b.protocol) || ipKey(a.ip) - ipKey(b.ip) || a.port - b.port,
  );
}

/** `ipvsadm-save -n` of the node (ipvsadm.c FMT_RULE: `-A -t vip:port -s rr`, `-a … -m -w 1`). */
export function renderIpvsadmSave(cluster: Cluster, nodeName: string): string {
  const lines: string[] = [];
  for (const server of labVirtualServers(cluster, nodeName)) {
    const flag = server.protocol === 'tcp' ? '-t' : '-u';
    const address = `${server.ip}:${server.port}`;
    lines.push(`-A ${flag} ${address} -s rr`);
    for (const real of server.realServers) {
      lines.push(`-a ${flag} ${address} -r ${real.ip}:${real.port} -m -w 1`);
    }
  }
  return lines.map((line) => line + '\n').join('');
}

interface IpsetMembers {
  name: string;
  type: string;
  members: string[];
}

function ipsets(cluster: Cluster, nodeName: string): IpsetMembers[] {
  const hash = 'family inet hashsize 1024 maxelem 65536';
  const set = (name: string, type: string): IpsetMembers => ({
    name,
    type: type.startsWith('bitmap') ? `${type} range 0-65535` : `${type} ${hash}`,
    members: [],
  });
  const sets = {
    loopBack: set('KUBE-LOOP-BACK', 'hash:ip,port,ip'),
    clusterIp: set('KUBE-CLUSTER-IP', 'hash:ip,port'),
    externalIp: set('KUBE-EXTERNAL-IP', 'hash:ip,port'),
    externalIpLocal: set('KUBE-EXTERNAL-IP-LOCAL', 'hash:ip,port'),
    loadBalancer: set('KUBE-LOAD-BALANCER', 'hash:ip,port'),
    loadBalancerLocal: set('KUBE-LOAD-BALANCER-LOCAL', 'hash:ip,port'),
    nodePortTcp: set('KUBE-NODE-PORT-TCP', 'bitmap:port'),
    nodePortLocalTcp: set('KUBE-NODE-PORT-LOCAL-TCP', 'bitmap:port'),
    nodePortUdp: set('KUBE-NODE-PORT-UDP', 'bitmap:port'),
    nodePortLocalUdp: set('KUBE-NODE-PORT-LOCAL-UDP', 'bitmap:port'),
    healthCheck: set('KUBE-HEALTH-CHECK-NODE-PORT', 'bitmap:port'),
    ipvsIps: set('KUBE-IPVS-IPS', 'hash:ip'),
  };
  for (const service of cluster.services) {
    const local = service.externalTrafficPolicy === 'Local';
    const proto = `${service.protocol}:${service.port}`;
    for (const endpoint of endpointsOf(cluster, service, nodeName).local) {
      sets.loopBack.members.push(
        `${endpoint.ip},${service.protocol}:${endpoint.port},${endpoint.ip}`,
      );
    }
    sets.clusterIp.members.push(`${service.clusterIP},${proto}`);
    sets.ipvsIps.members.push(service.clusterIP);
    if (service.nodePort !== undefined) {
      const tcp = service.protocol === 'tcp';
      (tcp ? sets.nodePortTcp : sets.nodePortUdp).members.push(String(service.nodePort));
      if (local) {
        (tcp ? sets.nodePortLocalTcp : sets.nodePortLocalUdp).members.push(
          String(service.nodePort),
        );
      }
    }
    for (const routed of service.loadBalancerIPs) {
      sets.loadBalancer.members.push(`${routed.ip},${proto}`);
      if (local) sets.loadBalancerLocal.members.push(`${routed.ip},${proto}`);
      sets.ipvsIps.members.push(routed.ip);
    }
    for (const routed of service.externalIPs) {
      (local ? sets.externalIpLocal : sets.externalIp).members.push(`${routed.ip},${proto}`);
      sets.ipvsIps.members.push(routed.ip);
    }
    if (service.healthCheckNodePort !== undefined) {
      sets.healthCheck.members.push(String(service.healthCheckNodePort));
    }
  }
  return Object.values(sets);
}

/**
 * `ipset restore` input: every set created (`-exist`), flushed and filled, so that loading it
 * again replaces the members of a previous load.
 */
export function renderIpsetRestore(cluster: Cluster, nodeName: string): string {
  const all = ipsets(cluster, nodeName);
  return [
    ...all.map((s) => `create ${s.name} ${s.type} -exist`),
    ...all.map((s) => `flush ${s.name}`),
    ...all.flatMap((s) => s.members.map((member) => `add ${s.name} ${member} -exist`)),
  ]
    .map((line) => line + '\n')
    .join('');
}

/** kube-proxy's IPVS-mode filter and nat rules for the node (iptables-restore input). */
export function renderIpvsIptablesRestore(cluster: Cluster, nodeName: string): string {
  const filled = new Set(
    ipsets(cluster, nodeName)
      .filter((s) => s.members.length > 0)
      .map((s) => s.name),
  );
  const ifSet = (name: string, rules: string[]): string[] => (filled.has(name) ? rules : []);
  const masquerade = cluster.masqueradeRandomFully ? 'MASQUERADE --random-fully' : 'MASQUERADE';
  const filter = [
    '*filter',
    ':INPUT ACCEPT [0:0]',
    ':FORWARD ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':KUBE-FORWARD - [0:0]',
    ':KUBE-NODE-PORT - [0:0]',
    ':KUBE-IPVS-FILTER - [0:0]',
    '-A INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT',
    '-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER',
    '-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD',
    `-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark ${MASQUERADE_MARK}/${MASQUERADE_MARK} -j ACCEPT`,
    '-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT',
    ...ifSet('KUBE-HEALTH-CHECK-NODE-PORT', [
      '-A KUBE-NODE-PORT -m comment --comment "Kubernetes health check node port" -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT',
    ]),
    ...['KUBE-LOAD-BALANCER', 'KUBE-CLUSTER-IP', 'KUBE-EXTERNAL-IP', 'KUBE-EXTERNAL-IP-LOCAL']
      .filter((name) => filled.has(name))
      .map((name) => `-A KUBE-IPVS-FILTER -m set --match-set ${name} dst,dst -j RETURN`),
    '-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT',
    'COMMIT',
  ];
  const nat = [
    '*nat',
    ':PREROUTING ACCEPT [0:0]',
    ':INPUT ACCEPT [0:0]',
    ':OUTPUT ACCEPT [0:0]',
    ':POSTROUTING ACCEPT [0:0]',
    ':KUBE-SERVICES - [0:0]',
    ':KUBE-POSTROUTING - [0:0]',
    ':KUBE-NODE-PORT - [0:0]',
    ':KUBE-LOAD-BALANCER - [0:0]',
    ':KUBE-MARK-MASQ - [0:0]',
    '-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES',
    '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
    '-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN',
    ...ifSet('KUBE-LOOP-BACK', [
      '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
    ]),
    ...ifSet('KUBE-LOAD-BALANCER', [
      '-A KUBE-SERVICES -m comment --comment "Kubernetes service lb portal" -m set --match-set KUBE-LOAD-BALANCER dst,dst -j KUBE-LOAD-BALANCER',
    ]),
    ...ifSet('KUBE-LOAD-BALANCER-LOCAL', [
      '-A KUBE-LOAD-BALANCER -m comment --comment "Kubernetes service load balancer ip + port with externalTrafficPolicy=local" -m set --match-set KUBE-LOAD-BALANCER-LOCAL dst,dst -j RETURN',
    ]),
    ...ifSet('KUBE-NODE-PORT-LOCAL-TCP', [
      '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port with externalTrafficPolicy=local" -m set --match-set KUBE-NODE-PORT-LOCAL-TCP dst -j RETURN',
    ]),
    ...ifSet('KUBE-NODE-PORT-TCP', [
      '-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ',
    ]),
    ...ifSet('KUBE-NODE-PORT-LOCAL-UDP', [
      '-A KUBE-NODE-PORT -p udp -m comment --comment "Kubernetes nodeport UDP port with externalTrafficPolicy=local" -m set --match-set KUBE-NODE-PORT-LOCAL-UDP dst -j RETURN',
    ]),
    ...ifSet('KUBE-NODE-PORT-UDP', [
      '-A KUBE-NODE-PORT -p udp -m comment --comment "Kubernetes nodeport UDP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-UDP dst -j KUBE-MARK-MASQ',
    ]),
    `-A KUBE-SERVICES -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst ! -s ${cluster.clusterCidr} -j KUBE-MARK-MASQ`,
    ...ifSet('KUBE-EXTERNAL-IP', [
      '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ',
      '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT',
      '-A KUBE-SERVICES -m comment --comment "Kubernetes service external ip + port for masquerade and filter purpose" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m addrtype --dst-type LOCAL -j ACCEPT',
    ]),
    '-A KUBE-SERVICES -m addrtype --dst-type LOCAL -j KUBE-NODE-PORT',
    ...ifSet('KUBE-LOAD-BALANCER', ['-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ']),
    '-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT',
    ...ifSet('KUBE-LOAD-BALANCER', [
      '-A KUBE-SERVICES -m set --match-set KUBE-LOAD-BALANCER dst,dst -j ACCEPT',
    ]),
    `-A KUBE-POSTROUTING -m mark ! --mark ${MASQUERADE_MARK}/${MASQUERADE_MARK} -j RETURN`,
    `-A KUBE-POSTROUTING -j MARK --xor-mark ${MASQUERADE_MARK}`,
    `-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j ${masquerade}`,
    `-A KUBE-MARK-MASQ -j MARK --or-mark ${MASQUERADE_MARK}`,
    'COMMIT',
  ];
  return [...filter, ...nat].map((line) => line + '\n').join('');
}

/** The nftables table that stands in for IPVS's forwarding (see the top of this file). */
const IPVS_STAND_IN_TABLE = 'ip ipvs-stand-in';

/**
 * `nft -f` input for the stand-in: a nat chain per hook (prerouting for traffic that arrives,
 * output for the node's own) that sends each virtual server to a chain picking one of its real
 * servers at random, as IPVS's rr scheduler spreads them. Loading it replaces a previous load.
 */
export function renderIpvsStandIn(cluster: Cluster, nodeName: string): string {
  const table = IPVS_STAND_IN_TABLE;
  const lines = [
    `add table ${table}`,
    `delete table ${table}`,
    `add table ${table}`,
    `add chain ${table} prerouting { type nat hook prerouting priority -90 ; }`,
    `add chain ${table} output { type nat hook output priority -90 ; }`,
  ];
  labVirtualServers(cluster, nodeName).forEach((server, index) => {
    if (server.realServers.length === 0) return;
    const chain = `vs-${index}`;
    lines.push(`add chain ${table} ${chain}`);
    const targets = server.realServers.map((real) => `${real.ip} . ${real.port}`);
    const pick =
      targets.length === 1
        ? `dnat ip addr . port to ${targets[0] ?? ''}`
        : `dnat ip addr . port to numgen random mod ${targets.length} map { ${targets.map((t, i) => `${i} : ${t}`).join(', ')} }`;
    lines.push(`add rule ${table} ${chain} meta l4proto ${server.protocol} ${pick}`);
    const match = `ip daddr ${server.ip} ${server.protocol} dport ${server.port}`;
    for (const hook of ['prerouting', 'output']) {
      lines.push(`add rule ${table} ${hook} ${match} goto ${chain}`);
    }
  });
  return lines.map((line) => line + '\n').join('');
}
