// One read of a node, whoever serves the tables: the live tools (LiveNodeReader) or a support
// bundle's files (FileNodeReader). It detects the kube-proxy mode, builds the model of that mode,
// and reads the flows (conntrack, plus the IPVS connections conntrack does not show). `agent`
// (poll.ts) and `analyze` both go through here, so they give the same records for the same tables.
import type { v1 } from '../proto/index.js';
import type { FlowClassifier } from './classify.js';
import { ConntrackPrefilter } from './conntrack-prefilter.js';
import { buildIptablesModel } from './model/kube-proxy-iptables.js';
import {
  buildIpvsModel,
  ipvsConnectionEntries,
  ipvsConnectionKey,
  originalTupleKey,
} from './model/kube-proxy-ipvs.js';
import { buildNftablesModel } from './model/kube-proxy-nftables.js';
import type { KubeProxyModel, ProxyModeName, ServiceFrontend } from './model/service-model.js';
import { conntrackBytesHandler, iptablesTables, type InputProblem } from './snapshot.js';
import type { ConntrackEntry } from './sources/conntrack.js';
import { ToolError } from './sources/exec.js';
import { IpAddrParseError, parseIpAddr, type NodeInterface } from './sources/ip-addr.js';
import { IpRouteParseError, parseIpRoute, type NodeRoute } from './sources/ip-route.js';
import type { IptablesTable } from './sources/iptables-save.js';
import { parseIpset, type Ipset } from './sources/ipset.js';
import {
  parseIpvsadm,
  parseIpvsadmConnections,
  type IpvsConnection,
  type IpvsVirtualServer,
} from './sources/ipvsadm.js';
import type { ClusterNames } from './kube/cluster-names.js';
import { parseKubectlServices, type KubeService } from './sources/kubectl-services.js';
import { mergeNftDocuments, NftJsonParseError, parseNftJson } from './sources/nft-json.js';
import type { NodeReader, RuleText, TextDump } from './sources/node-reader.js';

/** Where a node read reports what it could not read. */
export interface NodeReadSink {
  /** A bad line or document; the read goes on without it. */
  problem(problem: InputProblem): void;
  /** A tool that failed (or a dump that is missing); the read goes on without it. */
  toolFailure(error: ToolError): void;
  /**
   * An `ip -j addr` or `ip -j route` document that cannot be read at all; reported as a problem
   * when not given (offline analysis makes it fatal: its addresses are what the user gave).
   */
  badDocument?(error: IpAddrParseError | IpRouteParseError): void;
}

/**
 * What the Kubernetes API tells a read (KubeApiReader): the Services, which win over a
 * `--services` dump (null until the first list), and pod and node names for the classifier.
 */
export interface ClusterView {
  services(): readonly KubeService[] | null;
  names(): ClusterNames;
}

/** What a read saw of the node besides its flows: reusable across polls. */
export interface NodeTables {
  /** kube-proxy's model; `model.proxyMode` is the mode detected by detectProxyMode. */
  model: KubeProxyModel;
  interfaces: NodeInterface[];
  routes: NodeRoute[];
  /** Whether the rules of the detected mode were read (else the model may miss Services). */
  rulesRead: boolean;
}

/** The evidence detectProxyMode weighs. */
export interface ProxyModeEvidence {
  /** Every `iptables-save` table read (IPv4 and IPv6). */
  iptables: readonly IptablesTable[];
  /** IPVS virtual servers of any kind (`ipvsadm-save -n`). */
  ipvsVirtualServers: number;
  /** Whether kube-proxy's nftables table (`ip kube-proxy` or `ip6 kube-proxy`) exists. */
  nftTable: boolean;
}

// Chains only kube-proxy's iptables mode jumps to from nat KUBE-SERVICES (KUBE-XLB- before 1.24,
// KUBE-EXT- since; KUBE-FW- for LB source ranges; KUBE-NODEPORTS; KUBE-SVL- is not reached from
// there, but KUBE-SVC- always is).
const IPTABLES_MODE_JUMP = /^KUBE-(?:SVC|EXT|XLB|FW)-|^KUBE-NODEPORTS$/;

/**
 * Which kube-proxy mode programs this node. kube-proxy cleans up the other modes' rules only in
 * part (cmd/kube-proxy/app/server_linux.go `platformCleanup`): switching to nftables removes the
 * iptables and IPVS rules, switching to iptables or IPVS removes the nftables table, but between
 * iptables and IPVS nothing is removed: IPVS virtual servers outlive a switch to iptables mode,
 * and the iptables mode's KUBE-SVC-/KUBE-SEP- chains a switch to IPVS (only the iptables proxier
 * deletes stale service chains). Both rewrite nat KUBE-SERVICES on every sync, so what that chain
 * jumps to decides between them:
 * 1. nat KUBE-SERVICES jumps to KUBE-SVC-/KUBE-EXT-/KUBE-XLB-/KUBE-FW- or KUBE-NODEPORTS →
 *    iptables (even with leftover IPVS virtual servers);
 * 2. else IPVS virtual servers exist, or kube-proxy's IPVS-mode rules (a `--match-set KUBE-…`
 *    match in a KUBE- nat chain: KUBE-CLUSTER-IP, KUBE-NODE-PORT-TCP, …) do → ipvs;
 * 3. else kube-proxy's nftables table exists → nftables (kubelet's own KUBE-FIREWALL and
 *    KUBE-KUBELET-CANARY iptables chains do not count: they exist in every mode);
 * 4. else iptables (also when nothing of kube-proxy's is found).
 */
export function detectProxyMode(evidence: ProxyModeEvidence): ProxyModeName {
  const rules = kubeProxyRules(evidence.iptables);
  if (rules === 'iptables') return 'iptables';
  if (evidence.ipvsVirtualServers > 0 || rules === 'ipvs') return 'ipvs';
  return evidence.nftTable ? 'nftables' : 'iptables';
}

/** Which mode kube-proxy's iptables rules (nat) are of, if any: rules 1 and 2 of detectProxyMode. */
function kubeProxyRules(iptables: readonly IptablesTable[]): 'iptables' | 'ipvs' | null {
  const nat = iptables.filter((table) => table.name === 'nat').flatMap((t) => t.rules);
  const iptablesMode = nat.some(
    (rule) =>
      rule.chain === 'KUBE-SERVICES' &&
      rule.target !== null &&
      IPTABLES_MODE_JUMP.test(rule.target),
  );
  if (iptablesMode) return 'iptables';
  return nat.some((rule) => rule.chain.startsWith('KUBE-') && matchesKubeSet(rule.tokens))
    ? 'ipvs'
    : null;
}

function matchesKubeSet(tokens: readonly string[]): boolean {
  const at = tokens.indexOf('--match-set');
  return at >= 0 && (tokens[at + 1] ?? '').startsWith('KUBE-');
}

async function settle<T>(promise: Promise<T>, sink: NodeReadSink): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    sink.toolFailure(error);
    return null;
  }
}

function parseDocument<T>(parse: () => T[], sink: NodeReadSink): T[] {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof IpAddrParseError || error instanceof IpRouteParseError)) throw error;
    if (sink.badDocument) sink.badDocument(error);
    else sink.problem({ source: error.source, lineNumber: null, text: null, reason: error.reason });
    return [];
  }
}

/** `kubectl get svc -A -o json`: names IPVS virtual servers, tells LB from external IPs. */
function kubeServices(dump: TextDump | null, sink: NodeReadSink): KubeService[] | undefined {
  if (dump === null) return undefined;
  const parsed = parseKubectlServices(dump.text, dump.source);
  for (const error of parsed.errors) {
    sink.problem({
      source: error.source,
      lineNumber: error.lineNumber,
      text: error.path || null,
      reason: error.reason,
    });
  }
  return parsed.services;
}

function nftablesModel(
  dumps: readonly TextDump[],
  services: readonly KubeService[] | undefined,
  iptables: readonly IptablesTable[],
  sink: NodeReadSink,
): KubeProxyModel {
  const documents = [];
  for (const dump of dumps) {
    try {
      documents.push(parseNftJson(dump.text, dump.source));
    } catch (error) {
      if (!(error instanceof NftJsonParseError)) throw error;
      sink.problem(error);
    }
  }
  // The nftables rules put LoadBalancer IPs and external IPs in one map: only Services tell.
  const frontendKinds = new Map<string, ServiceFrontend['kind']>();
  for (const service of services ?? []) {
    for (const ip of service.externalIPs) frontendKinds.set(ip, 'ExternalIP');
    for (const ip of service.loadBalancerIPs) frontendKinds.set(ip, 'LoadBalancer');
  }
  // The iptables nat rules still hold a CNI's or an admin's SNAT rules (snat-rules.ts).
  return buildNftablesModel(mergeNftDocuments(documents), { frontendKinds, iptables });
}

/**
 * Reads kube-proxy's tables (all modes' sources, v4 and v6), the node's addresses and routes,
 * detects the mode and builds its model. IPVS virtual servers are read only where iptables or
 * nftables mode is not plain from the rules, ipsets only in IPVS mode (other CNIs keep big ones). Tool failures and bad lines go to the sink; it throws only what the reader throws
 * besides ToolError.
 */
export async function readNode(
  reader: NodeReader,
  sink: NodeReadSink,
  cluster: ClusterView | null = null,
): Promise<NodeTables> {
  const apiServices = cluster?.services() ?? null;
  const [v4, v6, nft4, nft6, servicesText, addrText, routeText] = await Promise.all([
    settle(reader.iptablesSave('ipv4'), sink),
    settle(reader.iptablesSave('ipv6'), sink),
    settle(reader.nftTable('ipv4'), sink),
    settle(reader.nftTable('ipv6'), sink),
    // The API's Services win: the --services file is read only without them.
    apiServices === null ? settle(reader.kubeServices(), sink) : null,
    settle(reader.addresses(), sink),
    settle(reader.routes(), sink),
  ]);
  const iptablesDumps = [v4, v6].filter((dump): dump is RuleText => dump !== null);
  for (const dump of iptablesDumps) for (const error of dump.skipped) sink.problem(error);
  const tables = iptablesTables(iptablesDumps, (problem) => {
    sink.problem(problem);
  });
  const nftDumps = [nft4, nft6].filter((dump): dump is TextDump => dump !== null);
  // ipvsadm only where IPVS may be in use: on a kernel whose ip_vs module is not loaded, ipvsadm
  // runs `/sbin/modprobe -- ip_vs` (ipvsadm 1.31, seen with strace here), which an observer must
  // not do; and it saves two process spawns per read on iptables- and nftables-mode nodes.
  const rules = kubeProxyRules(tables);
  const ipvsText =
    rules === 'ipvs' || (rules === null && nftDumps.length === 0)
      ? await settle(reader.ipvsServices(), sink)
      : null;
  const virtualServers: IpvsVirtualServer[] = [];
  if (ipvsText !== null) {
    const parsed = parseIpvsadm(ipvsText.text, ipvsText.source);
    for (const error of parsed.errors) sink.problem(error);
    virtualServers.push(...parsed.virtualServers);
  }
  const mode = detectProxyMode({
    iptables: tables,
    ipvsVirtualServers: virtualServers.length,
    nftTable: nftDumps.length > 0,
  });
  const services = apiServices ?? kubeServices(servicesText, sink);

  let model: KubeProxyModel;
  let rulesRead: boolean;
  if (mode === 'nftables') {
    model = nftablesModel(nftDumps, services, tables, sink);
    rulesRead = true;
  } else if (mode === 'ipvs') {
    const ipsets = (await readIpsets(reader, sink)) ?? [];
    if (ipvsText === null) {
      // IPVS-mode rules without a table to read: an empty model would claim every Service gone.
      sink.toolFailure(
        new ToolError(
          'ipvsadm',
          ['-Ln'],
          'missing',
          'kube-proxy runs in IPVS mode (its ipset rules are there) but ipvsadm cannot list the virtual servers',
        ),
      );
    }
    model = buildIpvsModel({
      virtualServers,
      ipsets,
      iptables: tables,
      ...(services ? { services } : {}),
    });
    rulesRead = ipvsText !== null && iptablesDumps.length > 0;
  } else {
    // ipsets only where a foreign SNAT rule matches on one (Calico's pools): other sets can be big.
    const ipsets = foreignSnatUsesIpsets(tables) ? await readIpsets(reader, sink) : null;
    model = buildIptablesModel(tables, ipsets);
    rulesRead = iptablesDumps.length > 0;
  }
  const interfaces: NodeInterface[] =
    addrText === null ? [] : parseDocument(() => parseIpAddr(addrText, 'ip -j addr'), sink);
  const routes: NodeRoute[] =
    routeText === null ? [] : parseDocument(() => parseIpRoute(routeText, 'ip -j route'), sink);
  return { model, interfaces, routes, rulesRead };
}

async function readIpsets(reader: NodeReader, sink: NodeReadSink): Promise<Ipset[] | null> {
  const text = await settle(reader.ipsetSave(), sink);
  if (text === null) return null;
  const parsed = parseIpset(text.text, text.source);
  for (const error of parsed.errors) sink.problem(error);
  return parsed.sets;
}

/** Whether a nat rule outside kube-proxy's chains matches on an ipset. */
function foreignSnatUsesIpsets(tables: readonly IptablesTable[]): boolean {
  return tables.some(
    (table) =>
      table.name === 'nat' &&
      table.rules.some(
        (rule) => !rule.chain.startsWith('KUBE-') && rule.tokens.includes('--match-set'),
      ),
  );
}

/** Where the flows of a read go. */
export interface FlowSink extends NodeReadSink {
  record(record: v1.IFlowRecord, entry: ConntrackEntry): void;
  /** True for entries the sink already knows: they are not classified again. */
  isKnown?(entry: ConntrackEntry): boolean;
}

/** How readFlows reads. */
export interface FlowReadOptions {
  /**
   * Skip lines that cannot be reported flows before parsing them (conntrack-prefilter.ts): the
   * live agent's table reads; malformed lines among them go unreported.
   */
  prefilter?: boolean;
}

/** What readFlows saw. */
export interface FlowReadResult {
  /** Whether every conntrack table needed was read. */
  complete: boolean;
  /** Conntrack lines read per family; null when not read (failed, or skipped: no IPv6 Service). */
  conntrackLines: { ipv4: number | null; ipv6: number | null };
}

const FAMILIES = ['ipv4', 'ipv6'] as const;

// Without an IPv6 Service there is no IPv6 flow to report: the IPv6 table is skipped.
function hasIpv6Services(model: KubeProxyModel): boolean {
  return model.services.some(
    (s) =>
      s.clusterIPs.some((ip) => ip.includes(':')) || s.endpoints.some((e) => e.ip.includes(':')),
  );
}

/** `ipvsadm -Lnc` by tuple, for the connections conntrack does not show to be found after it. */
async function ipvsConnections(
  reader: NodeReader,
  sink: FlowSink,
): Promise<Map<string, IpvsConnection>> {
  const dump = await settle(reader.ipvsConnections(), sink);
  const byTuple = new Map<string, IpvsConnection>();
  if (dump === null) return byTuple;
  const parsed = parseIpvsadmConnections(dump.text, dump.source);
  for (const error of parsed.errors) sink.problem(error);
  for (const connection of parsed.connections)
    byTuple.set(ipvsConnectionKey(connection), connection);
  return byTuple;
}

/**
 * Reads the flows: conntrack per family (streamed, classified as read), then in IPVS mode the
 * IPVS connections that conntrack did not show (net.ipv4.vs.conntrack=0), whose observed source
 * is predicted from the rules. IPVS connections are listed before conntrack: a connection IPVS
 * holds then is in conntrack too (when IPVS keeps conntrack entries) unless it ended in between.
 */
export async function readFlows(
  reader: NodeReader,
  tables: NodeTables,
  classifier: FlowClassifier,
  sink: FlowSink,
  options: FlowReadOptions = {},
): Promise<FlowReadResult> {
  const { model } = tables;
  const unseen =
    model.proxyMode === 'ipvs' ? await ipvsConnections(reader, sink) : new Map<string, never>();
  const report = (problem: InputProblem): void => {
    sink.problem(problem);
  };
  const onRecord = (record: v1.IFlowRecord, entry: ConntrackEntry): void => {
    sink.record(record, entry);
  };
  const known = (entry: ConntrackEntry): boolean => sink.isKnown?.(entry) ?? false;
  const skip =
    unseen.size === 0
      ? known
      : (entry: ConntrackEntry): boolean => {
          unseen.delete(originalTupleKey(entry));
          return known(entry);
        };
  const conntrackLines: FlowReadResult['conntrackLines'] = { ipv4: null, ipv6: null };
  let complete = true;
  const prefilter = options.prefilter ? new ConntrackPrefilter(model) : null;
  for (const family of hasIpv6Services(model) ? FAMILIES : (['ipv4'] as const)) {
    const lines = (source: string) => {
      const handler = conntrackBytesHandler(classifier, source, report, onRecord, skip);
      return prefilter ? prefilter.filter(handler) : handler;
    };
    conntrackLines[family] = await settle(reader.conntrack(family, lines, report), sink);
    if (conntrackLines[family] === null) complete = false;
  }
  // After a failed conntrack read every IPVS connection would look unseen: none is inferred then.
  const inferredEntries = complete ? ipvsConnectionEntries([...unseen.values()], model) : [];
  for (const inferred of inferredEntries) {
    if (known(inferred.entry)) continue;
    const record = classifier.classify(inferred.entry);
    if (record) sink.record(record, inferred.entry);
  }
  return { complete, conntrackLines };
}
