// One poll of a live node: read its tables through a NodeReader, then classify. Tool failures and
// bad lines are handed to callbacks and counted; a poll never throws for them.
import type { Cidr } from '../common/cidr.js';
import type { v1 } from '../proto/index.js';
import { serviceStates } from './service-state.js';
import {
  conntrackBytesHandler,
  modelFromModeDumps,
  nodeView,
  type InputProblem,
  type RuleDump,
} from './snapshot.js';
import { ToolError } from './sources/exec.js';
import { IpAddrParseError, parseIpAddr, type NodeInterface } from './sources/ip-addr.js';
import { IpRouteParseError, parseIpRoute, type NodeRoute } from './sources/ip-route.js';
import { kubeRuleCount, type NodeReader, type RuleText } from './sources/node-reader.js';
import type { KubeProxyModel } from './model/service-model.js';
import type { ConntrackEntry } from './sources/conntrack.js';

/** Static configuration of the polled node. */
export interface PollConfig {
  nodeName: string;
  nodeIps: readonly string[];
  podCidrs: readonly Cidr[];
}

/** Callbacks a poll reports to. */
export interface PollSink {
  /**
   * Called once per poll, before any flow, with every exposed Service port of the node; not called
   * when no rules could be read, since an empty set would then claim every Service is gone.
   */
  services(states: v1.IServiceState[]): void;
  record(record: v1.IFlowRecord, entry: ConntrackEntry): void;
  /** True for entries the sink already knows: they are not classified again. */
  isKnown?(entry: ConntrackEntry): boolean;
  problem(problem: InputProblem): void;
  toolFailure(error: ToolError): void;
}

/** What one poll saw. */
export interface PollResult {
  /** The rules and addresses the poll used (for the next polls to reuse). */
  tables: NodeTables;
  /** Whether every conntrack table the poll needed was read. */
  complete: boolean;
  /** Conntrack lines read per family; null when not read (failed, or skipped: no IPv6 Service). */
  conntrackLines: { ipv4: number | null; ipv6: number | null };
  servicePorts: number;
}

const FAMILIES = ['ipv4', 'ipv6'] as const;

async function settle<T>(promise: Promise<T>, sink: PollSink): Promise<T | null> {
  try {
    return await promise;
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    sink.toolFailure(error);
    return null;
  }
}

function parseDocument<T>(parse: () => T[], sink: PollSink): T[] {
  try {
    return parse();
  } catch (error) {
    if (!(error instanceof IpAddrParseError || error instanceof IpRouteParseError)) throw error;
    sink.problem({ source: error.source, lineNumber: null, text: null, reason: error.reason });
    return [];
  }
}

/** What a poll read about the node besides conntrack: rules and addresses, reusable across polls. */
export interface NodeTables {
  model: KubeProxyModel;
  interfaces: NodeInterface[];
  routes: NodeRoute[];
  rulesRead: boolean;
}

/** Reads kube-proxy's rules (v4 and v6) and the node's addresses and routes. */
export async function readNodeTables(reader: NodeReader, sink: PollSink): Promise<NodeTables> {
  const [v4, v6, nft4, nft6, services, addrText, routeText] = await Promise.all([
    settle(reader.iptablesSave('ipv4'), sink),
    settle(reader.iptablesSave('ipv6'), sink),
    settle(reader.nftTable('ipv4'), sink),
    settle(reader.nftTable('ipv6'), sink),
    settle(reader.kubeServices(), sink),
    settle(reader.addresses(), sink),
    settle(reader.routes(), sink),
  ]);
  const iptables = [v4, v6].filter((dump): dump is RuleText => dump !== null);
  for (const dump of iptables) for (const error of dump.skipped) sink.problem(error);
  // nftables mode: kube-proxy's own table exists and no KUBE- iptables rules do.
  const nft = [nft4, nft6].filter((dump): dump is RuleDump => dump !== null);
  const nftablesMode = nft.length > 0 && !iptables.some((dump) => kubeRuleCount(dump.text) > 0);
  const model = modelFromModeDumps(
    { iptables, nft: nftablesMode ? nft : [], ipvs: [], ipset: [], services },
    (problem) => {
      sink.problem(problem);
    },
  );
  const interfaces: NodeInterface[] =
    addrText === null ? [] : parseDocument(() => parseIpAddr(addrText, 'ip -j addr'), sink);
  const routes: NodeRoute[] =
    routeText === null ? [] : parseDocument(() => parseIpRoute(routeText, 'ip -j route'), sink);
  return { model, interfaces, routes, rulesRead: iptables.length > 0 || nftablesMode };
}

// Without an IPv6 Service there is no IPv6 flow to report: the IPv6 dump is skipped.
function hasIpv6Services(model: KubeProxyModel): boolean {
  return model.services.some(
    (s) =>
      s.clusterIPs.some((ip) => ip.includes(':')) || s.endpoints.some((e) => e.ip.includes(':')),
  );
}

/**
 * Reads and classifies the node once; records stream to the sink as conntrack is read. `tables`
 * from an earlier poll may be passed to skip re-reading rules and addresses.
 */
export async function pollNode(
  reader: NodeReader,
  config: PollConfig,
  sink: PollSink,
  now: number,
  tables?: NodeTables,
): Promise<PollResult> {
  const node = tables ?? (await readNodeTables(reader, sink));
  const { model } = node;
  const { classifier } = nodeView({
    name: config.nodeName,
    model,
    interfaces: node.interfaces,
    routes: node.routes,
    nodeIps: config.nodeIps,
    podCidrs: config.podCidrs,
    observedAt: now,
  });
  if (node.rulesRead) sink.services(serviceStates(model, config.nodeName, classifier));
  const conntrackLines: PollResult['conntrackLines'] = { ipv4: null, ipv6: null };
  const report = (problem: InputProblem): void => {
    sink.problem(problem);
  };
  const onRecord = (record: v1.IFlowRecord, entry: ConntrackEntry): void => {
    sink.record(record, entry);
  };
  const skip = sink.isKnown?.bind(sink);
  const families = hasIpv6Services(model) ? FAMILIES : (['ipv4'] as const);
  let complete = true;
  for (const family of families) {
    const source = `conntrack -L -f ${family}`;
    const onLine = conntrackBytesHandler(classifier, source, report, onRecord, skip);
    conntrackLines[family] = await settle(reader.conntrack(family, onLine, report), sink);
    if (conntrackLines[family] === null) complete = false;
  }
  return {
    tables: node,
    complete,
    conntrackLines,
    servicePorts: model.services.length,
  };
}
