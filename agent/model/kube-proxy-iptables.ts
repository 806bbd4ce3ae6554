// Builds the mode-independent KubeProxyModel from kube-proxy's iptables-mode rules
// (FORMATS.md §1). Comments name the Service ports at the entry points (KUBE-SERVICES,
// KUBE-NODEPORTS and the filter rules); from there the jumps decide the rest, because kube-proxy
// drops the per-endpoint comments in large clusters and changed them between releases.

import type { IptablesRule, IptablesTable } from '../sources/iptables-save.js';
import type { Ipset } from '../sources/ipset.js';
import { compareAddresses, compareFrontends, compareStrings } from './ordering.js';
import type {
  KubeProxyModel,
  RuleCounters,
  ServiceEndpointModel,
  ServiceFrontend,
  ServicePortModel,
  ServiceProtocol,
} from './service-model.js';
import { servicePortRef } from './service-model.js';
import { readSnatRules } from './snat-rules.js';

const MARK_MASQ = 'KUBE-MARK-MASQ';

/** What the comment of an entry or filter rule says about its Service port. */
type CommentRole =
  | 'clusterIP'
  | 'externalIP'
  | 'loadBalancerIP'
  | 'healthCheckNodePort'
  | 'noLocalEndpoints'
  | 'noEndpoints'
  | 'servicePort';

const SUFFIX_ROLES: readonly (readonly [string, CommentRole])[] = [
  [' cluster IP', 'clusterIP'],
  [' external IP', 'externalIP'],
  [' loadbalancer IP', 'loadBalancerIP'],
  [' health check node port', 'healthCheckNodePort'],
  [' has no local endpoints', 'noLocalEndpoints'],
  [' has no endpoints', 'noEndpoints'],
];

/** The KUBE-SERVICES rules that lead into a port's chains. */
const ENTRY_ROLES: ReadonlySet<CommentRole> = new Set([
  'clusterIP',
  'externalIP',
  'loadBalancerIP',
]);

/** The per-Service-port chains, which all share one hash; KUBE-XLB is the pre-1.24 Local chain. */
type ServiceChainKind = 'SVC' | 'SVL' | 'EXT' | 'FW' | 'XLB' | 'SEP';

const SERVICE_CHAIN_KINDS: readonly ServiceChainKind[] = ['SVC', 'SVL', 'EXT', 'FW', 'XLB', 'SEP'];

interface EndpointDraft {
  ip: string;
  port: number;
  /** Membership in the SVL/XLB chain; null when the table has no such chain for the port. */
  inLocalChain: boolean | null;
}

interface ServiceDraft {
  key: string;
  protocol: ServiceProtocol;
  clusterIPs: Set<string>;
  clusterPort: number | null;
  frontendPort: number | null;
  nodePort: number | null;
  /** From filter "has no (local) endpoints" `--dst-type LOCAL` rules, when nat has no NodePort. */
  filterNodePort: number | null;
  frontends: Map<string, ServiceFrontend>;
  localPolicy: boolean;
  externalMasquerade: boolean;
  healthCheckNodePort: number | null;
  endpoints: Map<string, EndpointDraft>;
  noLocalEndpointDrops: RuleCounters;
  dropsWithoutLocalEndpoints: boolean;
}

interface ModelDraft {
  services: Map<string, ServiceDraft>;
  /** The same ports by comment key alone, for rules that name no protocol. */
  servicesByKey: Map<string, ServiceDraft[]>;
  clusterCidrs: Set<string>;
  dstTypeLocalNodePorts: boolean;
  nodePortIPs: Set<string>;
  localhostNodePorts: boolean;
  masqueradeMark: string | null;
}

/**
 * Builds the model from the tables of one node's dump (IPv4, IPv6 or both concatenated), with the
 * node's ipsets when they were read (they decide `-m set` matches on the SNAT path).
 */
export function buildIptablesModel(
  tables: readonly IptablesTable[],
  ipsets: readonly Ipset[] | null = null,
): KubeProxyModel {
  const draft: ModelDraft = {
    services: new Map(),
    servicesByKey: new Map(),
    clusterCidrs: new Set(),
    dstTypeLocalNodePorts: false,
    nodePortIPs: new Set(),
    localhostNodePorts: false,
    masqueradeMark: null,
  };
  // IPv4 and IPv6 tables reuse the same chain names, so each nat table is walked on its own.
  for (const table of tables) {
    if (table.name === 'nat') readNatTable(table, draft);
  }
  // Filter (and old nat) rules attach to ports by comment; the nat pass created most ports first,
  // and the health checks go last because they never tell the port's protocol.
  const healthChecks: HealthCheck[] = [];
  for (const table of tables) readKeyedRules(table, draft, healthChecks);
  for (const check of healthChecks) {
    for (const service of servicesFor(draft, check.key, null, check.protocol)) {
      service.healthCheckNodePort ??= check.port;
    }
  }
  return {
    proxyMode: 'iptables',
    masqueradeMark: draft.masqueradeMark,
    services: [...draft.services.values()]
      .sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.protocol, b.protocol))
      .map(finishService),
    clusterCidrs: [...draft.clusterCidrs].sort(compareAddresses),
    nodePortAddresses: draft.dstTypeLocalNodePorts
      ? 'local'
      : [...draft.nodePortIPs].sort(compareAddresses),
    localhostNodePorts: draft.localhostNodePorts,
    snat: readSnatRules(tables, ipsets),
  };
}

function readNatTable(table: IptablesTable, draft: ModelDraft): void {
  const byChain = new Map<string, IptablesRule[]>();
  for (const rule of table.rules) {
    const list = byChain.get(rule.chain);
    if (list === undefined) byChain.set(rule.chain, [rule]);
    else list.push(rule);
  }
  draft.masqueradeMark ??= readMasqueradeMark(byChain.get(MARK_MASQ) ?? []);

  const entries = new Map<ServiceDraft, string[]>();
  const enter = (service: ServiceDraft, target: string | null): void => {
    if (target === null) return;
    const list = entries.get(service);
    if (list === undefined) entries.set(service, [target]);
    else list.push(target);
  };

  for (const rule of byChain.get('KUBE-SERVICES') ?? []) {
    if (rule.target === 'KUBE-NODEPORTS') {
      readNodePortsJump(rule, table.family === 'ipv6', draft);
      continue;
    }
    const tag = readComment(rule.comment);
    if (tag === null || !ENTRY_ROLES.has(tag.role)) continue;
    const service = serviceFor(draft, tag.key, rule.protocol);
    if (service === null) continue;
    if (tag.role === 'clusterIP') {
      if (rule.target === MARK_MASQ) {
        // Before 1.21 the off-cluster masquerade rule sat in KUBE-SERVICES itself.
        if (rule.notSource !== null) draft.clusterCidrs.add(rule.notSource);
        continue;
      }
      if (rule.destination !== null) service.clusterIPs.add(rule.destination);
      service.clusterPort ??= rule.dport;
      enter(service, rule.target);
    } else {
      if (rule.destination !== null && rule.dport !== null) {
        const kind = tag.role === 'externalIP' ? 'ExternalIP' : 'LoadBalancer';
        const frontend: ServiceFrontend = { kind, ip: rule.destination, port: rule.dport };
        service.frontends.set(`${kind} ${frontend.ip} ${frontend.port}`, frontend);
      }
      service.frontendPort ??= rule.dport;
      // Pre-1.24 Cluster policy masqueraded external IPs right here.
      if (rule.target === MARK_MASQ) service.externalMasquerade ||= matchesAllSources(rule);
      else enter(service, rule.target);
    }
  }

  for (const rule of byChain.get('KUBE-NODEPORTS') ?? []) {
    const tag = readComment(rule.comment);
    if (tag?.role !== 'servicePort') continue;
    const service = serviceFor(draft, tag.key, rule.protocol);
    if (service === null) continue;
    // The `-d 127.0.0.0/8 … nfacct` rule repeats the port only to count localhost traffic.
    if (rule.destination === null) service.nodePort ??= rule.dport;
    if (rule.target === MARK_MASQ) {
      // Pre-1.24 Cluster NodePorts were marked here; the `-s 127.0.0.0/8` form (martian-source
      // fix for Local policy) only covers localhost clients.
      service.externalMasquerade ||= matchesAllSources(rule);
    } else {
      enter(service, rule.target);
    }
  }

  for (const [service, starts] of entries) walkServiceChains(service, starts, byChain, draft);
}

/**
 * Follows the jumps from a port's entry rules through its KUBE-EXT/FW/XLB/SVC/SVL chains to the
 * KUBE-SEP DNATs, and reads the policy, masquerade and locality facts on the way.
 */
function walkServiceChains(
  service: ServiceDraft,
  starts: readonly string[],
  byChain: ReadonlyMap<string, IptablesRule[]>,
  draft: ModelDraft,
): void {
  const queue = [...starts];
  const seen = new Set<string>();
  const localSeps = new Set<string>();
  const dnats: { sep: string; ip: string; port: number }[] = [];
  let hasLocalChain = false;

  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    const kind = serviceChainKind(next);
    if (kind === null || seen.has(next)) continue;
    seen.add(next);
    const rules = byChain.get(next) ?? [];
    if (kind === 'SVL' || kind === 'XLB') hasLocalChain = true;
    if (kind === 'XLB') service.localPolicy = true;
    // Local policy's KUBE-EXT only masquerades node-local sources (the short-circuit form).
    if (kind === 'EXT' && rules.length > 0 && !rules.some(isUnconditionalMasq)) {
      service.localPolicy = true;
    }
    for (const rule of rules) {
      const target = rule.target;
      if (target === null) continue;
      if (target === MARK_MASQ) {
        if ((kind === 'EXT' || kind === 'FW') && matchesAllSources(rule)) {
          service.externalMasquerade = true;
        }
        if (kind === 'SVC' && rule.notSource !== null) draft.clusterCidrs.add(rule.notSource);
        continue;
      }
      const targetKind = serviceChainKind(target);
      // The pod short-circuit ("pod traffic for …", old "Redirect pods …") names the pod CIDR.
      if ((kind === 'EXT' || kind === 'XLB') && targetKind === 'SVC' && rule.source !== null) {
        draft.clusterCidrs.add(rule.source);
      }
      if (kind === 'SEP' && target === 'DNAT' && rule.toDestination !== null) {
        const endpoint = parseEndpoint(rule.toDestination);
        if (endpoint !== null) dnats.push({ sep: next, ...endpoint });
      }
      if (targetKind === 'SEP' && (kind === 'SVL' || kind === 'XLB')) localSeps.add(target);
      if (targetKind !== null) queue.push(target);
    }
  }

  for (const { sep, ip, port } of dnats) {
    const inLocalChain = hasLocalChain ? localSeps.has(sep) : null;
    const id = `${ip} ${port}`;
    const known = service.endpoints.get(id);
    if (known === undefined) service.endpoints.set(id, { ip, port, inLocalChain });
    else if (known.inLocalChain === true || inLocalChain === true) known.inLocalChain = true;
    else known.inLocalChain ??= inLocalChain;
  }
}

/** The `KUBE-SERVICES -j KUBE-NODEPORTS` rule(s) say where NodePorts are open. */
function readNodePortsJump(rule: IptablesRule, ipv6: boolean, draft: ModelDraft): void {
  if (rule.dstType === 'LOCAL') {
    draft.dstTypeLocalNodePorts = true;
    // Only IPv4 can route to 127.0.0.0/8 (route_localnet); kube-proxy excludes it otherwise.
    if (!ipv6 && rule.notDestination === null) draft.localhostNodePorts = true;
  } else if (rule.destination !== null) {
    draft.nodePortIPs.add(rule.destination);
    if (rule.destination.startsWith('127.')) draft.localhostNodePorts = true;
  }
}

/** A filter KUBE-NODEPORTS "<key> health check node port" rule. */
interface HealthCheck {
  key: string;
  /** Always tcp: the health check is HTTP whatever the Service's protocol. */
  protocol: string | null;
  port: number;
}

/** Rules keyed by comment alone: health check ports and the "has no (local) endpoints" drops. */
function readKeyedRules(
  table: IptablesTable,
  draft: ModelDraft,
  healthChecks: HealthCheck[],
): void {
  for (const rule of table.rules) {
    const tag = readComment(rule.comment);
    if (tag === null) continue;
    if (tag.role === 'healthCheckNodePort') {
      if (table.name === 'filter' && rule.dport !== null) {
        healthChecks.push({ key: tag.key, protocol: rule.protocol, port: rule.dport });
      }
    } else if (tag.role === 'noLocalEndpoints') {
      for (const service of servicesFor(draft, tag.key, rule.protocol)) {
        service.dropsWithoutLocalEndpoints = true;
        service.noLocalEndpointDrops.packets += rule.counters?.packets ?? 0;
        service.noLocalEndpointDrops.bytes += rule.counters?.bytes ?? 0;
        // The same comment guards a Local internalTrafficPolicy ClusterIP (filter
        // KUBE-SERVICES) and a 1.24 KUBE-SVL; only the external forms imply Local here.
        if (rule.chain === 'KUBE-EXTERNAL-SERVICES' || rule.chain.startsWith('KUBE-XLB-')) {
          service.localPolicy = true;
        }
        if (table.name === 'filter') readFilterAddresses(service, rule);
      }
    } else if (tag.role === 'noEndpoints' && table.name === 'filter') {
      for (const service of servicesFor(draft, tag.key, rule.protocol)) {
        readFilterAddresses(service, rule);
      }
    }
  }
}

/** A port whose rules nat does not carry (no endpoints) is still visible in filter. */
function readFilterAddresses(service: ServiceDraft, rule: IptablesRule): void {
  if (rule.chain === 'KUBE-SERVICES' && rule.destination !== null) {
    service.clusterIPs.add(rule.destination);
    service.clusterPort ??= rule.dport;
  } else if (rule.chain === 'KUBE-EXTERNAL-SERVICES' && rule.dstType === 'LOCAL') {
    service.filterNodePort ??= rule.dport;
  }
}

/**
 * The ports a keyed rule applies to: the one with the rule's protocol, or every port with the
 * key when the rule has none (old nat KUBE-XLB drops). A port is created when none exists yet,
 * with `fallbackProtocol` if the rule itself names none.
 */
function servicesFor(
  draft: ModelDraft,
  key: string,
  protocol: string | null,
  fallbackProtocol: string | null = null,
): ServiceDraft[] {
  if (protocol !== null) {
    const service = serviceFor(draft, key, protocol);
    return service === null ? [] : [service];
  }
  const matching = draft.servicesByKey.get(key);
  if (matching !== undefined) return matching;
  const created = serviceFor(draft, key, fallbackProtocol);
  return created === null ? [] : [created];
}

function serviceFor(draft: ModelDraft, key: string, protocol: string | null): ServiceDraft | null {
  const proto = protocol === null ? null : serviceProtocol(protocol);
  if (proto === null) return null;
  const id = `${key} ${proto}`;
  let service = draft.services.get(id);
  if (service === undefined) {
    service = {
      key,
      protocol: proto,
      clusterIPs: new Set(),
      clusterPort: null,
      frontendPort: null,
      nodePort: null,
      filterNodePort: null,
      frontends: new Map(),
      localPolicy: false,
      externalMasquerade: false,
      healthCheckNodePort: null,
      endpoints: new Map(),
      noLocalEndpointDrops: { packets: 0, bytes: 0 },
      dropsWithoutLocalEndpoints: false,
    };
    draft.services.set(id, service);
    const sameKey = draft.servicesByKey.get(key);
    if (sameKey === undefined) draft.servicesByKey.set(key, [service]);
    else sameKey.push(service);
  }
  return service;
}

function finishService(service: ServiceDraft): ServicePortModel {
  const endpoints: ServiceEndpointModel[] = [...service.endpoints.values()]
    .sort((a, b) => compareAddresses(a.ip, b.ip) || a.port - b.port)
    .map(({ ip, port, inLocalChain }) => ({
      ip,
      port,
      // Local policy without a local chain means no endpoint is on this node; with Cluster
      // policy and no KUBE-SVL the rules cannot tell.
      local: inLocalChain ?? (service.localPolicy ? false : null),
    }));
  return {
    key: service.key,
    ref: servicePortRef(service.key),
    protocol: service.protocol,
    clusterIPs: [...service.clusterIPs].sort(compareAddresses),
    port: service.clusterPort ?? service.frontendPort,
    nodePort: service.nodePort ?? service.filterNodePort,
    frontends: [...service.frontends.values()].sort(compareFrontends),
    externalTrafficPolicy: service.localPolicy ? 'Local' : 'Cluster',
    externalMasquerade: service.externalMasquerade,
    healthCheckNodePort: service.healthCheckNodePort,
    endpoints,
    noLocalEndpointDrops: service.noLocalEndpointDrops,
    dropsWithoutLocalEndpoints: service.dropsWithoutLocalEndpoints,
  };
}

function readComment(comment: string | null): { role: CommentRole; key: string } | null {
  if (comment === null) return null;
  for (const [suffix, role] of SUFFIX_ROLES) {
    if (comment.endsWith(suffix)) {
      const key = comment.slice(0, -suffix.length);
      return isServicePortName(key) ? { role, key } : null;
    }
  }
  return isServicePortName(comment) ? { role: 'servicePort', key: comment } : null;
}

/** `ns/name:port`, or `ns/name` as releases before ~1.21 wrote an unnamed port. */
function isServicePortName(text: string): boolean {
  return /^[^\s/]+\/[^\s/:]+(?::\S*)?$/.test(text);
}

function serviceProtocol(protocol: string): ServiceProtocol | null {
  switch (protocol) {
    case 'tcp':
    case '6':
      return 'tcp';
    case 'udp':
    case '17':
      return 'udp';
    case 'sctp':
    case '132':
      return 'sctp';
    default:
      return null;
  }
}

function serviceChainKind(chain: string): ServiceChainKind | null {
  for (const kind of SERVICE_CHAIN_KINDS) {
    if (chain.startsWith(`KUBE-${kind}-`)) return kind;
  }
  return null;
}

function matchesAllSources(rule: IptablesRule): boolean {
  return (
    rule.source === null &&
    rule.notSource === null &&
    rule.srcType === null &&
    rule.notSrcType === null &&
    rule.inInterface === null &&
    rule.notInInterface === null
  );
}

function isUnconditionalMasq(rule: IptablesRule): boolean {
  return rule.target === MARK_MASQ && matchesAllSources(rule);
}

/** kube-proxy writes `--or-mark 0x4000`; iptables-save shows it as `--set-xmark 0x4000/0x4000`. */
export function readMasqueradeMark(rules: readonly IptablesRule[]): string | null {
  for (const rule of rules) {
    if (rule.target !== 'MARK') continue;
    const args = rule.targetArgs;
    for (const flag of ['--or-mark', '--set-xmark', '--set-mark']) {
      const index = args.indexOf(flag);
      const value = index < 0 ? undefined : args[index + 1];
      if (value !== undefined) return value.split('/')[0] ?? value;
    }
  }
  return null;
}

/** `10.180.0.1:80` or `[ff06::c1]:80`; null for forms kube-proxy never writes (ranges, no port). */
function parseEndpoint(text: string): { ip: string; port: number } | null {
  let ip: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']:');
    if (close < 0) return null;
    ip = text.slice(1, close);
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return null;
    ip = text.slice(0, colon);
    portText = text.slice(colon + 1);
  }
  if (!/^\d{1,5}$/.test(portText) || ip === '') return null;
  const port = Number(portText);
  return port <= 65535 ? { ip, port } : null;
}
