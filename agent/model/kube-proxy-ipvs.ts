// Builds the mode-independent KubeProxyModel from kube-proxy's IPVS mode (FORMATS.md §2, §5):
// the virtual servers (`ipvsadm-save -n` / `-Ln`) give the frontends and the endpoints, the
// ipsets say which frontends are Cluster or Local, the nat rules (which match those ipsets) say
// what is masqueraded, and `kubectl get svc -o json` puts Service names on the virtual servers,
// which carry none.
//
// Two IPVS facts shape this module:
// * a NodePort is one virtual server per node address (`<nodeIP>:<nodePort>`), so the model's
//   nodePortAddresses is the explicit list of those addresses, never "local";
// * Local policy with no local endpoint still lists every cluster endpoint as real servers (to let
//   local pods in, kubernetes#97081), and nothing drops: external clients are forwarded without
//   SNAT and the reply goes astray. So dropsWithoutLocalEndpoints is always false here, endpoint
//   locality comes from the real-server sets only when they differ (otherwise it is null and the
//   classifier decides by the node's pod subnets), and the frontends' real servers are kept as
//   externalEndpoints: remote ones only, under Local, is a node that forwards without a local
//   endpoint (service-state.ts).
//
// Service ports that `services` cannot name get a placeholder ref: namespace "", port "" and the
// name `ipvs:<vip>:<port>` (`ipvs:[v6]:<port>`; `ipvs:nodePort:<port>` for a NodePort that no
// ClusterIP virtual server claims), so that the key reads `/ipvs:10.96.0.10:80:`.

import { CidrSet, canonicalIp } from '../../common/cidr.js';
import type { ConntrackEntry } from '../sources/conntrack.js';
import type { IptablesRule, IptablesTable } from '../sources/iptables-save.js';
import { readMasqueradeMark } from './kube-proxy-iptables.js';
import { readSnatRules } from './snat-rules.js';
import { findIpsetEntry, type Ipset } from '../sources/ipset.js';
import {
  formatIpvsAddress,
  type IpvsConnection,
  type IpvsProtocol,
  type IpvsVirtualServer,
} from '../sources/ipvsadm.js';
import {
  KubeServiceIndex,
  type KubeService,
  type KubeServicePortMatch,
} from '../sources/kubectl-services.js';
import { compareAddresses, compareFrontends, compareStrings } from './ordering.js';
import type {
  KubeProxyModel,
  ServiceEndpointModel,
  ServiceFrontend,
  ServicePortModel,
  ServicePortRef,
} from './service-model.js';

/** What buildIpvsModel reads; every part may be empty when its dump is missing. */
export interface IpvsModelInput {
  /** From parseIpvsadm (`ipvsadm-save -n` or `ipvsadm -Ln`). */
  virtualServers: readonly IpvsVirtualServer[];
  /** From parseIpset (`ipset save` or `ipset list`). */
  ipsets: readonly Ipset[];
  /** The IPVS-mode `iptables-save` (nat and filter) from parseIptablesSave. */
  iptables: readonly IptablesTable[];
  /** From parseKubectlServices; without it Service ports get placeholder names. */
  services?: readonly KubeService[];
}

/** What a virtual server is for, from the ipsets (or, without them, from the Services). */
export type IpvsVirtualServerRole = 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalIP';

const MARK_MASQ = 'KUBE-MARK-MASQ';

/** kube-proxy's ipset names (pkg/proxy/ipvs/ipset.go); IPv6 ones are `KUBE-6-…`, cut to 31. */
const SET = {
  loopBack: 'KUBE-LOOP-BACK',
  clusterIP: 'KUBE-CLUSTER-IP',
  loadBalancer: 'KUBE-LOAD-BALANCER',
  loadBalancerLocal: 'KUBE-LOAD-BALANCER-LOCAL',
  externalIP: 'KUBE-EXTERNAL-IP',
  externalIPLocal: 'KUBE-EXTERNAL-IP-LOCAL',
  nodePortTCP: 'KUBE-NODE-PORT-TCP',
  nodePortLocalTCP: 'KUBE-NODE-PORT-LOCAL-TCP',
  nodePortUDP: 'KUBE-NODE-PORT-UDP',
  nodePortLocalUDP: 'KUBE-NODE-PORT-LOCAL-UDP',
  nodePortSCTP: 'KUBE-NODE-PORT-SCTP-HASH',
  nodePortLocalSCTP: 'KUBE-NODE-PORT-LOCAL-SCTP-HASH',
} as const;

interface VirtualServerDraft {
  server: IpvsVirtualServer & { protocol: IpvsProtocol; ip: string; port: number };
  role: IpvsVirtualServerRole | null;
  /** Membership in the role's *-LOCAL set; null when the ipsets are missing. */
  localSet: boolean | null;
}

interface PortDraft {
  ref: ServicePortRef;
  protocol: IpvsProtocol;
  named: KubeServicePortMatch | null;
  cluster: VirtualServerDraft[];
  external: VirtualServerDraft[];
}

/** Builds the model of one node from its IPVS, ipset, iptables and (optional) Service dumps. */
export function buildIpvsModel(input: IpvsModelInput): KubeProxyModel {
  const sets = new Map(input.ipsets.map((set) => [set.name, set]));
  const index = input.services === undefined ? null : new KubeServiceIndex(input.services);
  const nat = input.iptables.filter((table) => table.name === 'nat');
  const natChains = chainsOf(nat);

  const drafts: VirtualServerDraft[] = [];
  for (const server of input.virtualServers) {
    // fwmark services are not kube-proxy's (it never creates them): nothing to name.
    if (server.protocol === null || server.ip === null || server.port === null) continue;
    const typed = { ...server, protocol: server.protocol, ip: server.ip, port: server.port };
    const role = roleFromSets(typed, sets) ?? roleFromServices(typed, index);
    drafts.push({ server: typed, role, localSet: localFromSets(typed, role, sets) });
  }

  const ports = groupIntoPorts(drafts, index);
  const clusterCidrs = readClusterCidrs(natChains);
  const services = [...ports.values()].map((port) => finishPort(port, natChains, sets));
  const nodePortAddresses = [
    ...new Set(drafts.filter((d) => d.role === 'NodePort').map((d) => d.server.ip)),
  ].sort(compareAddresses);

  return {
    proxyMode: 'ipvs',
    masqueradeMark: readMasqueradeMark(natChains.get(MARK_MASQ) ?? []),
    services: services.sort(
      (a, b) => compareStrings(a.key, b.key) || compareStrings(a.protocol, b.protocol),
    ),
    clusterCidrs: [...clusterCidrs].sort(compareAddresses),
    nodePortAddresses,
    // kube-proxy's IPVS mode never binds NodePorts to 127.0.0.0/8; a hand-made one would show.
    localhostNodePorts: nodePortAddresses.some((ip) => ip.startsWith('127.') || ip === '::1'),
    snat: readSnatRules(input.iptables, input.ipsets.length > 0 ? input.ipsets : null),
  };
}

/** The set of the virtual server's family: IPv6 sets are `KUBE-6-…`, cut to 31 characters. */
function setNamed(sets: ReadonlyMap<string, Ipset>, name: string, ip: string): Ipset | undefined {
  if (!ip.includes(':')) return sets.get(name);
  return sets.get(`KUBE-6-${name.slice('KUBE-'.length)}`.slice(0, 31));
}

function inSet(
  sets: ReadonlyMap<string, Ipset>,
  name: string,
  server: { ip: string; protocol: IpvsProtocol; port: number },
  withIp: boolean,
): boolean {
  const set = setNamed(sets, name, server.ip);
  const match = withIp
    ? { ip: canonicalIp(server.ip), protocol: server.protocol, port: server.port }
    : { port: server.port };
  return findIpsetEntry(set, match) !== null;
}

function roleFromSets(
  server: { ip: string; protocol: IpvsProtocol; port: number },
  sets: ReadonlyMap<string, Ipset>,
): IpvsVirtualServerRole | null {
  if (sets.size === 0) return null;
  if (inSet(sets, SET.clusterIP, server, true)) return 'ClusterIP';
  if (inSet(sets, SET.loadBalancer, server, true)) return 'LoadBalancer';
  if (inSet(sets, SET.externalIP, server, true) || inSet(sets, SET.externalIPLocal, server, true)) {
    return 'ExternalIP';
  }
  const nodePort =
    server.protocol === 'sctp'
      ? inSet(sets, SET.nodePortSCTP, server, true)
      : inSet(sets, server.protocol === 'tcp' ? SET.nodePortTCP : SET.nodePortUDP, server, false);
  return nodePort ? 'NodePort' : null;
}

function roleFromServices(
  server: { ip: string; protocol: IpvsProtocol; port: number },
  index: KubeServiceIndex | null,
): IpvsVirtualServerRole | null {
  if (index === null) return null;
  const match = index.byServiceAddress(server.protocol, server.ip, server.port);
  if (match !== null) {
    const ip = canonicalIp(server.ip);
    if (match.service.clusterIPs.includes(ip)) return 'ClusterIP';
    if (match.service.loadBalancerIPs.includes(ip)) return 'LoadBalancer';
    return 'ExternalIP';
  }
  return index.byNode(server.protocol, server.port) === null ? null : 'NodePort';
}

/**
 * Local policy as the node programmed it: the frontend is in its *-LOCAL set. Null when that set
 * does not exist (no ipset dump, or a kube-proxy older than KUBE-EXTERNAL-IP-LOCAL, #62537).
 */
function localFromSets(
  server: { ip: string; protocol: IpvsProtocol; port: number },
  role: IpvsVirtualServerRole | null,
  sets: ReadonlyMap<string, Ipset>,
): boolean | null {
  if (role === null || role === 'ClusterIP') return null;
  const name =
    role === 'LoadBalancer'
      ? SET.loadBalancerLocal
      : role === 'ExternalIP'
        ? SET.externalIPLocal
        : server.protocol === 'sctp'
          ? SET.nodePortLocalSCTP
          : server.protocol === 'tcp'
            ? SET.nodePortLocalTCP
            : SET.nodePortLocalUDP;
  if (setNamed(sets, name, server.ip) === undefined) return null;
  return inSet(sets, name, server, role !== 'NodePort' || server.protocol === 'sctp');
}

/**
 * Puts the virtual servers of one Service port together: by Service name when `services` knows
 * the address, else a frontend joins the one ClusterIP virtual server of its protocol (and port,
 * except NodePorts) whose real servers include all of its own; else it stands alone.
 */
function groupIntoPorts(
  drafts: readonly VirtualServerDraft[],
  index: KubeServiceIndex | null,
): Map<string, PortDraft> {
  const ports = new Map<string, PortDraft>();
  const portFor = (
    ref: ServicePortRef,
    protocol: IpvsProtocol,
    named: KubeServicePortMatch | null,
  ): PortDraft => {
    const id = `${ref.namespace}/${ref.name}:${ref.port} ${protocol}`;
    let port = ports.get(id);
    if (port === undefined) {
      port = { ref, protocol, named, cluster: [], external: [] };
      ports.set(id, port);
    }
    return port;
  };
  const unnamedClusterPorts: PortDraft[] = [];
  const leftovers: VirtualServerDraft[] = [];

  for (const draft of drafts) {
    const { server } = draft;
    const named =
      index === null
        ? null
        : draft.role === 'NodePort'
          ? index.byNode(server.protocol, server.port)
          : index.byServiceAddress(server.protocol, server.ip, server.port);
    if (named !== null) {
      const ref = {
        namespace: named.service.namespace,
        name: named.service.name,
        port: named.port.name,
      };
      const port = portFor(ref, server.protocol, named);
      (draft.role === 'ClusterIP' ? port.cluster : port.external).push(draft);
    } else if (draft.role === 'ClusterIP' || draft.role === null) {
      // An unknown role is kept as internal: without ipsets or Services nothing shows it is exposed.
      const port = portFor(placeholderRef(server.ip, server.port), server.protocol, null);
      port.cluster.push(draft);
      unnamedClusterPorts.push(port);
    } else {
      leftovers.push(draft);
    }
  }

  for (const draft of leftovers) {
    const { server } = draft;
    const mine = serverSet(draft);
    const candidates = unnamedClusterPorts.filter((port) => {
      const cluster = port.cluster[0]?.server;
      if (cluster === undefined || cluster.protocol !== server.protocol) return false;
      if (draft.role !== 'NodePort' && cluster.port !== server.port) return false;
      const theirs = serverSet(port.cluster[0] as VirtualServerDraft);
      return mine.size > 0 && [...mine].every((id) => theirs.has(id));
    });
    const owner = candidates.length === 1 ? candidates[0] : undefined;
    if (owner !== undefined) {
      owner.external.push(draft);
    } else {
      const ref =
        draft.role === 'NodePort'
          ? { namespace: '', name: `ipvs:nodePort:${server.port}`, port: '' }
          : placeholderRef(server.ip, server.port);
      portFor(ref, server.protocol, null).external.push(draft);
    }
  }
  return ports;
}

function placeholderRef(ip: string, port: number): ServicePortRef {
  return { namespace: '', name: `ipvs:${formatIpvsAddress(ip, port)}`, port: '' };
}

function serverSet(draft: VirtualServerDraft): Set<string> {
  return new Set(draft.server.realServers.map((r) => formatIpvsAddress(r.ip, r.port)));
}

function finishPort(
  draft: PortDraft,
  natChains: ReadonlyMap<string, IptablesRule[]>,
  sets: ReadonlyMap<string, Ipset>,
): ServicePortModel {
  const { ref, protocol, named } = draft;
  const frontends = new Map<string, ServiceFrontend>();
  let nodePort: number | null = null;
  for (const { server, role } of draft.external) {
    if (role === 'NodePort') nodePort ??= server.port;
    else if (role === 'LoadBalancer' || role === 'ExternalIP') {
      frontends.set(`${role} ${server.ip} ${server.port}`, {
        kind: role,
        ip: server.ip,
        port: server.port,
      });
    }
  }
  nodePort ??= named?.port.nodePort ?? null;

  // The node's ipsets are what kube-proxy programmed; the Service spec is the fallback.
  const fromSets = draft.external.flatMap((d) => (d.localSet === null ? [] : [d.localSet]));
  const local =
    fromSets.length > 0
      ? fromSets.includes(true)
      : named?.service.externalTrafficPolicy === 'Local';
  const externalMasquerade =
    natChains.has('KUBE-SERVICES') && draft.external.length > 0
      ? draft.external.some((d) => masqueradesExternalClient(d, natChains, sets))
      : // Without rules to read, kube-proxy's own rule: Cluster policy masquerades.
        !local && (draft.external.length > 0 || nodePort !== null || frontends.size > 0);

  const clusterServers = new Map<string, { ip: string; port: number }>();
  for (const { server } of draft.cluster) {
    for (const real of server.realServers)
      clusterServers.set(formatIpvsAddress(real.ip, real.port), real);
  }
  const externalServers = new Map<string, { ip: string; port: number }>();
  for (const { server } of draft.external) {
    for (const real of server.realServers)
      externalServers.set(formatIpvsAddress(real.ip, real.port), real);
  }
  // Local policy with local endpoints: the frontends list only those, a strict subset of the
  // ClusterIP's. Equal sets are ambiguous (all local, or none local and kube-proxy fell back).
  // KUBE-LOOP-BACK overrules it where it can: kube-proxy adds every local endpoint to it (for the
  // hairpin masquerade), so one missing from the set is remote, even when a hand-made or buggy
  // virtual server lists it alone. Membership proves less (old releases added every endpoint).
  const loopBack = setNamed(sets, SET.loopBack, draft.cluster[0]?.server.ip ?? '');
  const remote = (real: { ip: string; port: number }): boolean =>
    loopBack !== undefined &&
    findIpsetEntry(loopBack, { ip: real.ip, protocol, port: real.port }) === null;
  // A frontend listing a remote endpoint breaks the premise of the subset rule.
  const subset =
    ![...externalServers.values()].some(remote) &&
    local &&
    clusterServers.size > 0 &&
    externalServers.size > 0 &&
    externalServers.size < clusterServers.size &&
    [...externalServers.keys()].every((id) => clusterServers.has(id));
  const endpoints = new Map<string, ServiceEndpointModel>();
  for (const [id, real] of [...clusterServers, ...externalServers]) {
    endpoints.set(id, {
      ip: real.ip,
      port: real.port,
      local: remote(real) ? false : subset ? externalServers.has(id) : null,
    });
  }

  const clusterIPs = [...new Set(draft.cluster.map((d) => d.server.ip))].sort(compareAddresses);
  const firstFrontendPort = draft.external.find((d) => d.role !== 'NodePort')?.server.port ?? null;
  return {
    key: `${ref.namespace}/${ref.name}:${ref.port}`,
    ref,
    protocol,
    clusterIPs,
    port: draft.cluster[0]?.server.port ?? firstFrontendPort ?? named?.port.port ?? null,
    nodePort,
    frontends: [...frontends.values()].sort(compareFrontends),
    externalTrafficPolicy: local ? 'Local' : 'Cluster',
    externalMasquerade,
    healthCheckNodePort: named?.service.healthCheckNodePort ?? null,
    endpoints: [...endpoints.values()].sort(
      (a, b) => compareAddresses(a.ip, b.ip) || a.port - b.port,
    ),
    // IPVS never drops for lack of a local endpoint (FORMATS.md §5.8): no such rule exists.
    noLocalEndpointDrops: { packets: 0, bytes: 0 },
    dropsWithoutLocalEndpoints: false,
    externalEndpoints: [...externalServers.values()]
      .map((real) => ({ ip: real.ip, port: real.port }))
      .sort((a, b) => compareAddresses(a.ip, b.ip) || a.port - b.port),
  };
}

/** A packet from an off-cluster client to a frontend, as the nat rules see it in PREROUTING. */
interface ExternalPacket {
  protocol: IpvsProtocol;
  dst: string;
  dport: number;
}

/**
 * Walks nat KUBE-SERVICES for an off-cluster client's first packet to the frontend and says
 * whether it reaches KUBE-MARK-MASQ. The client address is unknown, so source matches are read
 * as "an external, allowed client": `-s X` and `--src-type LOCAL` do not match, `! -s X` does,
 * and a set match with a `src` dimension (LB source ranges) matches on its dst dimensions alone.
 */
function masqueradesExternalClient(
  draft: VirtualServerDraft,
  chains: ReadonlyMap<string, IptablesRule[]>,
  sets: ReadonlyMap<string, Ipset>,
): boolean {
  const { server } = draft;
  const packet: ExternalPacket = { protocol: server.protocol, dst: server.ip, dport: server.port };
  const state = { marked: false, stopped: false };
  walkChain('KUBE-SERVICES', packet, chains, sets, state, 0);
  return state.marked;
}

function walkChain(
  chain: string,
  packet: ExternalPacket,
  chains: ReadonlyMap<string, IptablesRule[]>,
  sets: ReadonlyMap<string, Ipset>,
  state: { marked: boolean; stopped: boolean },
  depth: number,
): void {
  // kube-proxy's chains nest two deep; a loop in hand-written rules must not hang the agent.
  if (depth > 8) return;
  for (const rule of chains.get(chain) ?? []) {
    if (!ruleMatches(rule, packet, sets)) continue;
    const target = rule.target;
    if (target === null) continue;
    if (target === MARK_MASQ) {
      state.marked = true;
    } else if (target === 'RETURN') {
      return;
    } else if (
      target === 'ACCEPT' ||
      target === 'DROP' ||
      target === 'REJECT' ||
      target === 'KUBE-MARK-DROP'
    ) {
      state.stopped = true;
      return;
    } else if (chains.has(target)) {
      walkChain(target, packet, chains, sets, state, depth + 1);
      if (state.stopped) return;
      if (rule.goto) return;
    }
  }
}

function ruleMatches(
  rule: IptablesRule,
  packet: ExternalPacket,
  sets: ReadonlyMap<string, Ipset>,
): boolean {
  if (rule.protocol !== null && !sameProtocol(rule.protocol, packet.protocol)) return false;
  if (rule.dport !== null && rule.dport !== packet.dport) return false;
  if (rule.source !== null && !isAnyAddress(rule.source)) return false;
  if (rule.srcType === 'LOCAL' || rule.inInterface !== null) return false;
  // IPVS binds every frontend to kube-ipvs0 (NodePorts are node addresses): all are LOCAL.
  if (rule.notDstType === 'LOCAL') return false;
  if (rule.destination !== null && !CidrSet.parse([rule.destination]).contains(packet.dst)) {
    return false;
  }
  if (rule.notDestination !== null && CidrSet.parse([rule.notDestination]).contains(packet.dst)) {
    return false;
  }
  const tokens = rule.tokens;
  for (let i = 0; i < tokens.length; i++) {
    const negated = tokens[i - 1] === '!';
    const token = tokens[i];
    if (token === '--match-set') {
      const member = setMatches(sets, tokens[i + 1] ?? '', tokens[i + 2] ?? '', packet);
      if (member === negated) return false;
    } else if (token === '--physdev-is-in' || token === '--mark') {
      // An external client arrives on the uplink (not a bridge port) with no packet mark yet.
      if (!negated) return false;
    }
  }
  return true;
}

/** Set membership for the dst dimensions of a `--match-set NAME dst,dst[,src]` match. */
function setMatches(
  sets: ReadonlyMap<string, Ipset>,
  name: string,
  flags: string,
  packet: ExternalPacket,
): boolean {
  const set = sets.get(name);
  if (set === undefined) return false;
  const directions = flags.split(',');
  const colon = set.type.indexOf(':');
  const dimensions = colon < 0 ? [] : set.type.slice(colon + 1).split(',');
  const match: { ip?: string; protocol?: string; port?: number } = {};
  dimensions.forEach((dimension, i) => {
    if (directions[i] !== 'dst') return;
    if (dimension === 'port') {
      match.port = packet.dport;
      if (!set.type.startsWith('bitmap:')) match.protocol = packet.protocol;
    } else if (i === 0 && (dimension === 'ip' || dimension === 'net')) {
      match.ip = packet.dst;
    }
  });
  return findIpsetEntry(set, match) !== null;
}

function sameProtocol(ruleProtocol: string, protocol: IpvsProtocol): boolean {
  const numbers: Record<IpvsProtocol, string> = { tcp: '6', udp: '17', sctp: '132' };
  return ruleProtocol === protocol || ruleProtocol === numbers[protocol];
}

function isAnyAddress(cidr: string): boolean {
  return cidr === '0.0.0.0/0' || cidr === '::/0';
}

function chainsOf(tables: readonly IptablesTable[]): Map<string, IptablesRule[]> {
  const chains = new Map<string, IptablesRule[]>();
  for (const table of tables) {
    for (const rule of table.rules) {
      const list = chains.get(rule.chain);
      if (list === undefined) chains.set(rule.chain, [rule]);
      else list.push(rule);
    }
  }
  return chains;
}

/** The pod CIDR of the KUBE-CLUSTER-IP masquerade rule (`! -s <podCIDR> -j KUBE-MARK-MASQ`). */
function readClusterCidrs(chains: ReadonlyMap<string, IptablesRule[]>): Set<string> {
  const cidrs = new Set<string>();
  for (const rule of chains.get('KUBE-SERVICES') ?? []) {
    const clusterSet = rule.tokens.some((t) => t === SET.clusterIP || t === 'KUBE-6-CLUSTER-IP');
    if (rule.target === MARK_MASQ && clusterSet && rule.notSource !== null) {
      cidrs.add(rule.notSource);
    }
  }
  return cidrs;
}

/** What the rules predict about the source a backend saw for an IPVS connection. */
export type IpvsSourcePrediction = 'client' | 'masquerade';

/** A conntrack-shaped entry inferred from one `ipvsadm -Lnc` connection. */
export interface IpvsInferredEntry {
  /**
   * original = client → virtual server; reply.src = the real server. reply.dst is the client when
   * the rules say it is not masqueraded, else the unspecified address (`0.0.0.0`/`::`, port 0):
   * IPVS does not know the MASQUERADE address, so it must be shown as unknown, not guessed.
   */
  entry: ConntrackEntry;
  prediction: IpvsSourcePrediction;
  connection: IpvsConnection;
}

const PROTOCOL_NUMBERS: Readonly<Record<string, number>> = { tcp: 6, udp: 17, sctp: 132 };

/**
 * Turns `ipvsadm -Lnc` connections into conntrack-shaped entries for the classifier, for nodes
 * where conntrack shows nothing (net.ipv4.vs.conntrack=0, or conntrack not dumped). Persistence
 * templates (client port 0) are skipped, and so is every connection already in `present` (the
 * conntrack entries of the same snapshot, which know the real observed source).
 */
export function ipvsConnectionEntries(
  connections: readonly IpvsConnection[],
  model: KubeProxyModel,
  present: readonly ConntrackEntry[] = [],
): IpvsInferredEntry[] {
  const seen = new Set(present.map(originalTupleKey));
  const clusterCidrs = CidrSet.parse(model.clusterCidrs);
  const nodePortIps = new Set(model.nodePortAddresses === 'local' ? [] : model.nodePortAddresses);
  const result: IpvsInferredEntry[] = [];
  for (const connection of connections) {
    const number = PROTOCOL_NUMBERS[connection.protocol];
    const { client, virtual, destination } = connection;
    if (number === undefined || client.port === 0) continue;
    if (seen.has(ipvsConnectionKey(connection))) continue;
    const masquerade = predictsMasquerade(connection, model, nodePortIps, clusterCidrs);
    const ipv6 = client.ip.includes(':');
    result.push({
      prediction: masquerade ? 'masquerade' : 'client',
      connection,
      entry: {
        event: null,
        eventTime: null,
        family: ipv6 ? 'ipv6' : 'ipv4',
        protocol: connection.protocol,
        protocolNumber: number,
        timeout: connection.expiresIn,
        // IPVS names TCP states like conntrack; UDP's pseudo-state "UDP" has no conntrack twin.
        state: connection.protocol === 'udp' ? '' : connection.state,
        original: { src: client.ip, dst: virtual.ip, sport: client.port, dport: virtual.port },
        reply: {
          src: destination.ip,
          sport: destination.port,
          dst: masquerade ? (ipv6 ? '::' : '0.0.0.0') : client.ip,
          dport: masquerade ? 0 : client.port,
        },
        originalIcmp: null,
        replyIcmp: null,
        originalCounters: null,
        replyCounters: null,
        unreplied: false,
        assured: false,
        offload: false,
        hwOffload: false,
        mark: 0,
        zone: 0,
        id: null,
        labels: [],
        deltaTime: null,
      },
    });
  }
  return result;
}

function tupleKey(
  protocol: string,
  src: string,
  sport: number,
  dst: string,
  dport: number,
): string {
  return `${protocol} ${src} ${sport} ${dst} ${dport}`;
}

/** The client → virtual server tuple of an IPVS connection, as originalTupleKey of its entry. */
export function ipvsConnectionKey(connection: IpvsConnection): string {
  const { client, virtual } = connection;
  return tupleKey(connection.protocol, client.ip, client.port, virtual.ip, virtual.port);
}

/** The original-direction tuple of a conntrack entry (what IPVS lists as client → virtual). */
export function originalTupleKey(entry: ConntrackEntry): string {
  const o = entry.original;
  return tupleKey(entry.protocol, o.src, o.sport, o.dst, o.dport);
}

/**
 * kube-proxy's IPVS masquerade, from the model: KUBE-LOOP-BACK (a backend calling itself),
 * KUBE-NODE-PORT / KUBE-LOAD-BALANCER / KUBE-EXTERNAL-IP for a masqueraded frontend, and
 * KUBE-CLUSTER-IP for an off-cluster client of a ClusterIP.
 */
function predictsMasquerade(
  connection: IpvsConnection,
  model: KubeProxyModel,
  nodePortIps: ReadonlySet<string>,
  clusterCidrs: CidrSet,
): boolean {
  const { client, virtual, destination } = connection;
  if (client.ip === destination.ip) return true;
  for (const service of model.services) {
    if (service.protocol !== connection.protocol) continue;
    const frontend = service.frontends.some((f) => f.ip === virtual.ip && f.port === virtual.port);
    const nodePort = service.nodePort === virtual.port && nodePortIps.has(virtual.ip);
    if (frontend || nodePort) return service.externalMasquerade;
    if (service.clusterIPs.includes(virtual.ip) && service.port === virtual.port) {
      return !clusterCidrs.empty && !clusterCidrs.contains(client.ip);
    }
  }
  return false;
}
