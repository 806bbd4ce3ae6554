// Builds the mode-independent KubeProxyModel from kube-proxy's nftables-mode table (FORMATS.md §3,
// parsed by agent/sources/nft-json.ts). Base-chain names and priorities changed between releases
// (FORMATS.md §5.10), so the dispatch and check maps are found by what reaches them (a nat or a
// filter hook) and by their key types, and the "no endpoints" elements by their verdicts; only
// the per-Service-port chains are read by name, because the name is where kube-proxy writes the
// `ns/name/proto/port` they belong to.
import ipaddr from 'ipaddr.js';

import {
  isObject,
  type NftChain,
  type NftDocument,
  type NftJson,
  type NftRule,
  type NftSet,
  type NftSetElement,
  type NftStatement,
  type NftVerdict,
} from '../sources/nft-json.js';
import { nftRuleText } from '../sources/nft-text.js';
import type { IptablesTable } from '../sources/iptables-save.js';
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
import { readSnatRules, type NftMasquerade } from './snat-rules.js';

/** Hints a caller may know from elsewhere (the API server, a flag). */
export interface NftablesModelOptions {
  /**
   * What kind each non-cluster address of the service-ips map is. nftables mode sends LoadBalancer
   * and external IPs to the same `external-…` chain with no comment, so the rules alone cannot
   * tell them apart; addresses in `firewall-ips` (loadBalancerSourceRanges) are LoadBalancer IPs.
   */
  frontendKinds?: ReadonlyMap<string, ServiceFrontend['kind']>;
  /** The kind of frontends that neither a hint nor `firewall-ips` names (default LoadBalancer). */
  defaultFrontendKind?: ServiceFrontend['kind'];
  /**
   * The node's iptables tables (`iptables-save`): a CNI's or an admin's SNAT rules live there
   * (iptables-nft) even when kube-proxy runs in nftables mode.
   */
  iptables?: readonly IptablesTable[];
}

/** The per-Service-port chains; they share the `HASH-ns/name/proto/port` base. */
type PortChainKind = 'service' | 'local' | 'external' | 'firewall' | 'endpoint';

interface PortChainName {
  kind: PortChainKind;
  key: string;
  protocol: ServiceProtocol;
}

interface EndpointDraft {
  ip: string;
  port: number;
  inLocalChain: boolean;
}

interface ServiceDraft {
  key: string;
  protocol: ServiceProtocol;
  clusterIPs: Set<string>;
  clusterPort: number | null;
  frontendPort: number | null;
  nodePort: number | null;
  frontends: Map<string, { ip: string; port: number }>;
  localPolicy: boolean;
  externalMasquerade: boolean;
  hasLocalChain: boolean;
  endpoints: Map<string, EndpointDraft>;
  noLocalEndpointDrops: RuleCounters;
  dropsWithoutLocalEndpoints: boolean;
}

interface ModelDraft {
  services: Map<string, ServiceDraft>;
  clusterCidrs: Set<string>;
  /** True when some table opens NodePorts on every local address (`fib daddr type local`). */
  localNodePorts: boolean;
  nodePortIPs: Set<string>;
  localhostNodePorts: boolean;
  masqueradeMark: string | null;
  /** kube-proxy's masquerade rule (the one after the mark guard), per table. */
  nftMasquerade: NftMasquerade[];
  /** Addresses in firewall-ips: certainly LoadBalancer IPs. */
  firewalledIPs: Set<string>;
}

/** One table's objects, indexed. */
interface TableView {
  family: string;
  name: string;
  chains: Map<string, NftChain>;
  rules: Map<string, NftRule[]>;
  sets: Map<string, NftSet>;
}

/** Roles of the named maps, found from the rules that use them. */
interface MapRoles {
  /** Maps a nat hook dispatches through: service-ips, service-nodeports. */
  dispatch: NftSet[];
  /** Maps a filter hook checks: no-endpoint-services/-nodeports, firewall-ips. */
  checks: NftSet[];
}

// Names of the current release, used only when no base chain shows which map does what
// (a dump of part of the table).
const FALLBACK_DISPATCH = new Set(['service-ips', 'service-nodeports']);
const FALLBACK_CHECKS = new Set(['no-endpoint-services', 'no-endpoint-nodeports', 'firewall-ips']);

/**
 * Builds the model from kube-proxy's nftables tables (`ip kube-proxy`, `ip6 kube-proxy`, or both
 * merged). Health check NodePorts are not in nftables rules, so they are always null.
 */
export function buildNftablesModel(
  doc: NftDocument,
  options: NftablesModelOptions = {},
): KubeProxyModel {
  const draft: ModelDraft = {
    services: new Map(),
    clusterCidrs: new Set(),
    localNodePorts: false,
    nodePortIPs: new Set(),
    localhostNodePorts: false,
    masqueradeMark: null,
    nftMasquerade: [],
    firewalledIPs: new Set(),
  };
  // IPv4 and IPv6 tables reuse every name, so each table is read on its own.
  for (const table of tableViews(doc)) readTable(table, draft);
  const kindOf = (ip: string): ServiceFrontend['kind'] =>
    options.frontendKinds?.get(ip) ??
    (draft.firewalledIPs.has(ip)
      ? 'LoadBalancer'
      : (options.defaultFrontendKind ?? 'LoadBalancer'));
  return {
    proxyMode: 'nftables',
    masqueradeMark: draft.masqueradeMark,
    services: [...draft.services.values()]
      .sort((a, b) => compareStrings(a.key, b.key) || compareStrings(a.protocol, b.protocol))
      .map((service) => finishService(service, kindOf)),
    clusterCidrs: [...draft.clusterCidrs].sort(compareAddresses),
    nodePortAddresses:
      draft.localNodePorts || draft.nodePortIPs.size === 0
        ? 'local'
        : [...draft.nodePortIPs].sort(compareAddresses),
    localhostNodePorts: draft.localhostNodePorts,
    snat: readSnatRules(options.iptables ?? [], null, draft.nftMasquerade),
  };
}

function tableViews(doc: NftDocument): TableView[] {
  const views = new Map<string, TableView>();
  const view = (family: string, name: string): TableView => {
    const id = `${family} ${name}`;
    let found = views.get(id);
    if (found === undefined) {
      found = { family, name, chains: new Map(), rules: new Map(), sets: new Map() };
      views.set(id, found);
    }
    return found;
  };
  for (const table of doc.tables) view(table.family, table.name);
  for (const chain of doc.chains) view(chain.family, chain.table).chains.set(chain.name, chain);
  for (const set of doc.sets) view(set.family, set.table).sets.set(set.name, set);
  for (const rule of doc.rules) {
    const rules = view(rule.family, rule.table).rules;
    const list = rules.get(rule.chain);
    if (list === undefined) rules.set(rule.chain, [rule]);
    else list.push(rule);
  }
  return [...views.values()];
}

function readTable(table: TableView, draft: ModelDraft): void {
  const markChains = readMasquerade(table, draft);
  const roles = mapRoles(table);
  const clusterIPSet = clusterIPsSet(table);

  const starts = new Map<ServiceDraft, string[]>();
  const enter = (service: ServiceDraft, chain: string): void => {
    const list = starts.get(service);
    if (list === undefined) starts.set(service, [chain]);
    else list.push(chain);
  };
  // Frontends found in service-ips, so that "no endpoints" elements can tell a cluster IP from
  // a LoadBalancer/external IP when the cluster-ips set is missing.
  const frontendIPs = new Set<string>();

  for (const map of roles.dispatch) {
    const fields = keyFields(map);
    if (fields.protocol < 0 || fields.port < 0) continue;
    if (fields.address < 0) readNodePortRule(map.name, table, draft);
    for (const element of map.elements) {
      const target = element.verdict?.target ?? null;
      const chain = target === null ? null : parsePortChain(target);
      if (chain === null || target === null) continue;
      const protocol = serviceProtocol(element.keyParts[fields.protocol]);
      const port = portNumber(element.keyParts[fields.port]);
      if (protocol === null || port === null) continue;
      const service = serviceFor(draft, chain.key, protocol);
      enter(service, target);
      if (fields.address < 0) {
        service.nodePort ??= port;
        continue;
      }
      const ip = addressOf(element.keyParts[fields.address]);
      if (ip === null) continue;
      // Internal traffic goes to the policy chain (service-/local-), external to external-.
      if (chain.kind === 'external' || chain.kind === 'firewall') {
        frontendIPs.add(ip);
        service.frontends.set(`${ip} ${port}`, { ip, port });
        service.frontendPort ??= port;
      } else {
        service.clusterIPs.add(ip);
        service.clusterPort ??= port;
      }
    }
  }

  for (const [service, chains] of starts)
    walkServiceChains(service, chains, table, markChains, draft);

  for (const map of roles.checks) readCheckMap(map, table, clusterIPSet, frontendIPs, draft);
}

/**
 * The chains that set the masquerade mark (`mark-for-masquerade`) and the mark itself, read off
 * `meta mark set meta mark | 0x4000`; `masquerade` statements elsewhere than after the
 * `meta mark & 0x4000 == 0 return` guard is kube-proxy's masquerade rule, which records quote.
 */
function readMasquerade(table: TableView, draft: ModelDraft): Set<string> {
  const markChains = new Set<string>();
  for (const [chain, rules] of table.rules) {
    let guardedByMark = false;
    for (const rule of rules) {
      for (const statement of rule.statements) {
        if (statement.kind === 'mangle' && isMetaMark(statement.key)) {
          const orBits = binaryOperand(statement.value, '|');
          if (orBits !== null) {
            markChains.add(chain);
            draft.masqueradeMark ??= hexMark(orBits);
          }
        }
        if (statement.kind === 'match' && isObject(statement.left)) {
          const andBits = binaryOperand(statement.left, '&');
          if (andBits !== null) {
            guardedByMark = true;
            draft.masqueradeMark ??= hexMark(andBits);
          }
        }
        if (statement.kind === 'nat' && statement.type === 'masquerade' && guardedByMark) {
          const family = table.family === 'ip6' ? 'ipv6' : 'ipv4';
          if (!draft.nftMasquerade.some((m) => m.family === family)) {
            const ref = { table: `${table.family} ${table.name}`, chain, rule: nftRuleText(rule) };
            draft.nftMasquerade.push({ family, rule: ref });
          }
        }
      }
    }
  }
  // A mark written some other way: the chain every port's rules jump to still has this name.
  if (markChains.size === 0 && table.chains.has('mark-for-masquerade')) {
    markChains.add('mark-for-masquerade');
  }
  return markChains;
}

/** Finds which named maps a nat hook dispatches through and which a filter hook checks. */
function mapRoles(table: TableView): MapRoles {
  const roles: MapRoles = { dispatch: [], checks: [] };
  const reached = { nat: new Set<string>(), filter: new Set<string>() };
  for (const chain of table.chains.values()) {
    if (chain.hook === null) continue;
    if (chain.type === 'nat') collectReachable(chain.name, table, reached.nat);
    else if (chain.type === 'filter') collectReachable(chain.name, table, reached.filter);
  }
  const dispatchNames = new Set<string>();
  const checkNames = new Set<string>();
  for (const [kind, chains] of [
    ['nat', reached.nat],
    ['filter', reached.filter],
  ] as const) {
    for (const chain of chains) {
      // Per-port chains only use inline maps; the named ones hang off the top-level chains.
      if (parsePortChain(chain) !== null) continue;
      for (const rule of table.rules.get(chain) ?? []) {
        for (const statement of rule.statements) {
          if (statement.kind !== 'vmap' || statement.map === null) continue;
          (kind === 'nat' ? dispatchNames : checkNames).add(statement.map);
        }
      }
    }
  }
  if (dispatchNames.size === 0 && checkNames.size === 0) {
    for (const name of table.sets.keys()) {
      if (FALLBACK_DISPATCH.has(name)) dispatchNames.add(name);
      if (FALLBACK_CHECKS.has(name)) checkNames.add(name);
    }
  }
  for (const name of dispatchNames) {
    const map = table.sets.get(name);
    if (map?.kind === 'map') roles.dispatch.push(map);
  }
  for (const name of checkNames) {
    const map = table.sets.get(name);
    if (map?.kind === 'map' && !dispatchNames.has(name)) roles.checks.push(map);
  }
  return roles;
}

/** Every chain reachable from `start` through jump/goto and vmap verdicts. */
function collectReachable(start: string, table: TableView, seen: Set<string>): void {
  const queue = [start];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    for (const rule of table.rules.get(next) ?? []) {
      for (const target of ruleTargets(rule, table)) queue.push(target);
    }
  }
}

/** The chains a rule can continue in: its jump/goto and the verdicts of its vmaps. */
function ruleTargets(rule: NftRule, table: TableView): string[] {
  const targets: string[] = [];
  const add = (verdict: NftVerdict | null): void => {
    if (verdict?.target != null) targets.push(verdict.target);
  };
  for (const statement of rule.statements) {
    if (statement.kind === 'verdict') add(statement.verdict);
    else if (statement.kind === 'vmap') {
      for (const entry of statement.entries) add(entry.verdict);
      const named = statement.map === null ? undefined : table.sets.get(statement.map);
      for (const element of named?.elements ?? []) add(element.verdict);
    }
  }
  return targets;
}

/**
 * The rule that dispatches through a NodePort map says where NodePorts are open:
 * `ip daddr @nodeport-ips` (the `--nodeport-addresses` IPs), or `fib daddr type local` with
 * `ip daddr != 127.0.0.0/8` when they match every address.
 */
function readNodePortRule(mapName: string, table: TableView, draft: ModelDraft): void {
  for (const rules of table.rules.values()) {
    for (const rule of rules) {
      const usesMap = rule.statements.some((s) => s.kind === 'vmap' && s.map === mapName);
      if (!usesMap) continue;
      let addressSet: string | null = null;
      let fibLocal = false;
      let excludesLoopback = false;
      for (const statement of rule.statements) {
        if (statement.kind !== 'match') continue;
        const field = payloadField(statement.left);
        if (field === 'daddr' && statement.op === '==' && typeof statement.right === 'string') {
          if (statement.right.startsWith('@')) addressSet = statement.right.slice(1);
        }
        if (field === 'daddr' && statement.op === '!=' && isLoopback(statement.right)) {
          excludesLoopback = true;
        }
        if (isFibDaddrType(statement.left) && statement.right === 'local') fibLocal = true;
      }
      if (addressSet !== null) {
        for (const element of table.sets.get(addressSet)?.elements ?? []) {
          const ip = addressOf(element.key);
          if (ip === null) continue;
          draft.nodePortIPs.add(ip);
          if (isLoopback(ip)) draft.localhostNodePorts = true;
        }
      } else {
        draft.localNodePorts = true;
        if (fibLocal && !excludesLoopback && table.family === 'ip') draft.localhostNodePorts = true;
      }
    }
  }
}

/** The set of active ClusterIPs: the one `ip daddr @set reject` guards (named cluster-ips). */
function clusterIPsSet(table: TableView): Set<string> | null {
  for (const rules of table.rules.values()) {
    for (const rule of rules) {
      const rejects = rule.statements.some((s) => s.kind === 'reject');
      if (!rejects) continue;
      for (const statement of rule.statements) {
        if (statement.kind !== 'match' || payloadField(statement.left) !== 'daddr') continue;
        if (typeof statement.right !== 'string' || !statement.right.startsWith('@')) continue;
        const set = table.sets.get(statement.right.slice(1));
        if (set?.kind === 'set') return new Set(set.elements.map((e) => addressOf(e.key) ?? ''));
      }
    }
  }
  const named = table.sets.get('cluster-ips');
  return named === undefined ? null : new Set(named.elements.map((e) => addressOf(e.key) ?? ''));
}

/**
 * Follows a port's chains from its dispatch targets: `external-…` tells the policy (Cluster
 * jumps to the mark chain unconditionally; Local only for node-local sources, then goes to
 * `local-…` when this node has endpoints), `service-`/`local-` chains pick an `endpoint-…` chain,
 * and that one DNATs.
 */
function walkServiceChains(
  service: ServiceDraft,
  starts: readonly string[],
  table: TableView,
  markChains: ReadonlySet<string>,
  draft: ModelDraft,
): void {
  const queue = [...starts];
  const seen = new Set<string>();
  const localEndpointChains = new Set<string>();
  const dnats: { chain: string; ip: string; port: number }[] = [];

  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    if (seen.has(next)) continue;
    seen.add(next);
    const name = parsePortChain(next);
    // A Service's chains only lead to its own chains and to the mark chain.
    if (name === null || name.key !== service.key || name.protocol !== service.protocol) continue;
    const rules = table.rules.get(next) ?? [];
    if (name.kind === 'local') service.hasLocalChain = true;
    if (name.kind === 'external' && rules.length > 0) {
      const masqueradesAll = rules.some(
        (rule) => isUnconditional(rule) && jumpsTo(rule, markChains),
      );
      if (masqueradesAll) service.externalMasquerade = true;
      else service.localPolicy = true;
    }
    for (const rule of rules) {
      if (jumpsTo(rule, markChains)) {
        // The ClusterIP rule masquerades sources outside the cluster CIDR (IfNotLocalNFT).
        if (name.kind === 'service' || name.kind === 'local') {
          const cidr = sourceMatch(rule, '!=');
          if (cidr !== null) draft.clusterCidrs.add(cidr);
        }
        continue;
      }
      const targets = ruleTargets(rule, table);
      // The pod short-circuit ("short-circuit pod traffic", IfLocalNFT) names the cluster CIDR.
      if (name.kind === 'external') {
        const cidr = sourceMatch(rule, '==');
        if (cidr !== null && targets.some((t) => parsePortChain(t)?.kind === 'service')) {
          draft.clusterCidrs.add(cidr);
        }
      }
      for (const target of targets) {
        if (name.kind === 'local' && parsePortChain(target)?.kind === 'endpoint') {
          localEndpointChains.add(target);
        }
        queue.push(target);
      }
      if (name.kind === 'endpoint') {
        for (const statement of rule.statements) {
          if (statement.kind !== 'nat' || statement.type !== 'dnat') continue;
          if (statement.addr === null || statement.port === null) continue;
          dnats.push({ chain: next, ip: statement.addr, port: statement.port });
        }
      }
    }
  }

  for (const { chain, ip, port } of dnats) {
    const id = `${ip} ${port}`;
    const inLocalChain = localEndpointChains.has(chain);
    const known = service.endpoints.get(id);
    if (known === undefined) service.endpoints.set(id, { ip, port, inLocalChain });
    else known.inLocalChain ||= inLocalChain;
  }
}

/**
 * Elements of the filter-side maps: `drop` means the port has endpoints but none on this node for
 * that traffic (Local policy), `reject` (or a chain that only rejects) means it has none at all.
 * Elements that go to a `firewall-…` chain mark LoadBalancer IPs.
 */
function readCheckMap(
  map: NftSet,
  table: TableView,
  clusterIPSet: ReadonlySet<string> | null,
  frontendIPs: ReadonlySet<string>,
  draft: ModelDraft,
): void {
  const fields = keyFields(map);
  if (fields.protocol < 0 || fields.port < 0) return;
  for (const element of map.elements) {
    const verdict = element.verdict;
    if (verdict === null) continue;
    const ip = fields.address < 0 ? null : addressOf(element.keyParts[fields.address]);
    const target = verdict.target === null ? null : parsePortChain(verdict.target);
    if (target?.kind === 'firewall') {
      if (ip !== null) draft.firewalledIPs.add(ip);
      continue;
    }
    const outcome = checkOutcome(verdict, table);
    if (outcome === null) continue;
    const protocol = serviceProtocol(element.keyParts[fields.protocol]);
    const port = portNumber(element.keyParts[fields.port]);
    const key = element.comment;
    if (protocol === null || port === null || key === null || !isServicePortName(key)) continue;
    const service = serviceFor(draft, key, protocol);
    if (outcome === 'drop') {
      service.dropsWithoutLocalEndpoints = true;
      addCounters(service.noLocalEndpointDrops, element);
    }
    if (fields.address < 0) {
      service.nodePort ??= port;
      // Only external traffic is dropped for lack of a local endpoint.
      if (outcome === 'drop') service.localPolicy = true;
      continue;
    }
    if (ip === null) continue;
    // Without the cluster-ips set: a port with endpoints dispatches its frontends through
    // service-ips, so a dropped address that is not there is its ClusterIP; a port with none
    // dispatches nothing, and its rejected addresses cannot be told apart.
    let isClusterIP: boolean | null;
    if (clusterIPSet !== null) isClusterIP = clusterIPSet.has(ip);
    else if (frontendIPs.has(ip)) isClusterIP = false;
    else isClusterIP = outcome === 'drop' ? true : null;
    if (isClusterIP === true) {
      // A `drop` on a ClusterIP is internalTrafficPolicy Local without a local endpoint.
      service.clusterIPs.add(ip);
      service.clusterPort ??= port;
    } else if (isClusterIP === false) {
      service.frontends.set(`${ip} ${port}`, { ip, port });
      service.frontendPort ??= port;
      if (outcome === 'drop') service.localPolicy = true;
    }
  }
}

function checkOutcome(verdict: NftVerdict, table: TableView): 'drop' | 'reject' | null {
  if (verdict.kind === 'drop') return 'drop';
  if (verdict.target === null) return null;
  const rules = table.rules.get(verdict.target) ?? [];
  const onlyRejects =
    rules.length > 0 && rules.every((r) => r.statements.some((s) => s.kind === 'reject'));
  return onlyRejects ? 'reject' : null;
}

function addCounters(sum: RuleCounters, element: NftSetElement): void {
  sum.packets += element.counters?.packets ?? 0;
  sum.bytes += element.counters?.bytes ?? 0;
}

function serviceFor(draft: ModelDraft, key: string, protocol: ServiceProtocol): ServiceDraft {
  const id = `${key} ${protocol}`;
  let service = draft.services.get(id);
  if (service === undefined) {
    service = {
      key,
      protocol,
      clusterIPs: new Set(),
      clusterPort: null,
      frontendPort: null,
      nodePort: null,
      frontends: new Map(),
      localPolicy: false,
      externalMasquerade: false,
      hasLocalChain: false,
      endpoints: new Map(),
      noLocalEndpointDrops: { packets: 0, bytes: 0 },
      dropsWithoutLocalEndpoints: false,
    };
    draft.services.set(id, service);
  }
  return service;
}

function finishService(
  service: ServiceDraft,
  kindOf: (ip: string) => ServiceFrontend['kind'],
): ServicePortModel {
  const endpoints: ServiceEndpointModel[] = [...service.endpoints.values()]
    .sort((a, b) => compareAddresses(a.ip, b.ip) || a.port - b.port)
    .map(({ ip, port, inLocalChain }) => ({
      ip,
      port,
      // A local-… chain lists exactly this node's endpoints. Local policy without one means
      // none is here; Cluster policy without one cannot tell (the node context decides later).
      local: service.hasLocalChain ? inLocalChain : service.localPolicy ? false : null,
    }));
  const frontends: ServiceFrontend[] = [...service.frontends.values()]
    .map(({ ip, port }) => ({ kind: kindOf(ip), ip, port }))
    .sort(compareFrontends);
  return {
    key: service.key,
    ref: servicePortRef(service.key),
    protocol: service.protocol,
    clusterIPs: [...service.clusterIPs].sort(compareAddresses),
    port: service.clusterPort ?? service.frontendPort,
    nodePort: service.nodePort,
    frontends,
    externalTrafficPolicy: service.localPolicy ? 'Local' : 'Cluster',
    externalMasquerade: service.externalMasquerade,
    // kube-proxy serves health checks on its own socket; nftables mode writes no rule for them.
    healthCheckNodePort: null,
    endpoints,
    noLocalEndpointDrops: service.noLocalEndpointDrops,
    dropsWithoutLocalEndpoints: service.dropsWithoutLocalEndpoints,
  };
}

const PORT_CHAIN =
  /^(service|local|external|firewall|endpoint)-[A-Z2-7]{8}-([^/\s]+)\/([^/\s]+)\/(tcp|udp|sctp)\/([^/\s]*?)(?:__(\S+)\/(\d+))?$/;

/**
 * Reads `service-ULMVA6XW-ns1/svc1/tcp/p80` or
 * `endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80` into the `ns/name:port` key kube-proxy's
 * comments use (`ns/name` for an unnamed port) and the protocol.
 */
function parsePortChain(chain: string): PortChainName | null {
  const match = PORT_CHAIN.exec(chain);
  if (match === null) return null;
  const [, kind, namespace, name, protocol, port, endpointIp] = match;
  if (kind === undefined || namespace === undefined || name === undefined) return null;
  if (protocol === undefined || port === undefined) return null;
  // Only endpoint chains carry the `__IP/PORT` suffix.
  if ((kind === 'endpoint') !== (endpointIp !== undefined)) return null;
  return {
    kind: kind as PortChainKind,
    key: port === '' ? `${namespace}/${name}` : `${namespace}/${name}:${port}`,
    protocol: protocol as ServiceProtocol,
  };
}

/** `ns/name:port`, or `ns/name` for an unnamed port (the no-endpoint elements' comments). */
function isServicePortName(text: string): boolean {
  return /^[^\s/]+\/[^\s/:]+(?::\S*)?$/.test(text);
}

/** Positions of the address, protocol and port in a map's concatenated key. */
function keyFields(map: NftSet): { address: number; protocol: number; port: number } {
  return {
    address: map.keyType.findIndex((t) => t === 'ipv4_addr' || t === 'ipv6_addr'),
    protocol: map.keyType.indexOf('inet_proto'),
    port: map.keyType.indexOf('inet_service'),
  };
}

function serviceProtocol(value: NftJson | undefined): ServiceProtocol | null {
  switch (value) {
    case 'tcp':
    case 6:
      return 'tcp';
    case 'udp':
    case 17:
      return 'udp';
    case 'sctp':
    case 132:
      return 'sctp';
    default:
      return null;
  }
}

function portNumber(value: NftJson | undefined): number | null {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 65535
    ? value
    : null;
}

/** A literal address element; null for prefixes, ranges and anything else. */
function addressOf(value: NftJson | undefined): string | null {
  return typeof value === 'string' && ipaddr.isValid(value) ? value : null;
}

function isLoopback(value: NftJson): boolean {
  const text =
    typeof value === 'string'
      ? value
      : isObject(value) && isObject(value.prefix) && typeof value.prefix.addr === 'string'
        ? value.prefix.addr
        : null;
  return text !== null && (text.startsWith('127.') || text === '::1');
}

/** `ip saddr` / `ip6 daddr` → `saddr` / `daddr`; null for other expressions. */
function payloadField(value: NftJson): string | null {
  if (!isObject(value) || !isObject(value.payload)) return null;
  const { protocol, field } = value.payload;
  return (protocol === 'ip' || protocol === 'ip6') && typeof field === 'string' ? field : null;
}

function isFibDaddrType(value: NftJson): boolean {
  if (!isObject(value) || !isObject(value.fib)) return false;
  const flags = value.fib.flags;
  const hasDaddr = Array.isArray(flags) ? flags.includes('daddr') : flags === 'daddr';
  return value.fib.result === 'type' && hasDaddr;
}

/** The CIDR (or address) of an `ip saddr OP X` match in the rule. */
function sourceMatch(rule: NftRule, op: '==' | '!='): string | null {
  for (const statement of rule.statements) {
    if (statement.kind !== 'match' || statement.op !== op) continue;
    if (payloadField(statement.left) !== 'saddr') continue;
    const right = statement.right;
    if (typeof right === 'string' && !right.startsWith('@')) return right;
    if (isObject(right) && isObject(right.prefix)) {
      const { addr, len } = right.prefix;
      if (typeof addr === 'string' && typeof len === 'number') return `${addr}/${len}`;
    }
  }
  return null;
}

function isMetaMark(value: NftJson): boolean {
  return isObject(value) && isObject(value.meta) && value.meta.key === 'mark';
}

/** For `{"|": [meta mark, 16384]}` and operator `|`, the 16384. */
function binaryOperand(value: NftJson, operator: '|' | '&'): number | null {
  if (!isObject(value)) return null;
  const operands = value[operator];
  if (!Array.isArray(operands) || operands.length !== 2) return null;
  const [left, right] = operands;
  return left !== undefined && isMetaMark(left) && typeof right === 'number' ? right : null;
}

/** nft -j prints marks in decimal; the iptables model (and kube-proxy's flag) use hex. */
function hexMark(bits: number): string {
  return `0x${bits.toString(16)}`;
}

/** True when the rule matches every packet (no `match` statement before its verdict). */
function isUnconditional(rule: NftRule): boolean {
  return !rule.statements.some((s: NftStatement) => s.kind === 'match' || s.kind === 'other');
}

function jumpsTo(rule: NftRule, chains: ReadonlySet<string>): boolean {
  return rule.statements.some(
    (s) => s.kind === 'verdict' && s.verdict.target !== null && chains.has(s.verdict.target),
  );
}
