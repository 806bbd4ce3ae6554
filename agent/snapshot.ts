// One look at a node: rules → kube-proxy model, addresses → node context, conntrack lines →
// records. Shared by offline analysis (files) and the live agent (tools); only the readers differ.
import type { Cidr } from '../common/cidr.js';
import type { v1 } from '../proto/index.js';
import { FlowClassifier } from './classify.js';
import { buildIptablesModel } from './model/kube-proxy-iptables.js';
import { buildNodeContext, type NodeContext } from './model/node.js';
import { buildIpvsModel } from './model/kube-proxy-ipvs.js';
import { buildNftablesModel } from './model/kube-proxy-nftables.js';
import type { KubeProxyModel, ServiceFrontend } from './model/service-model.js';
import {
  ConntrackParseError,
  parseConntrackBytes,
  type ConntrackEntry,
} from './sources/conntrack.js';
import type { NodeInterface } from './sources/ip-addr.js';
import type { NodeRoute } from './sources/ip-route.js';
import { parseIptablesSave, type IptablesTable } from './sources/iptables-save.js';
import { parseIpset } from './sources/ipset.js';
import { parseIpvsadm } from './sources/ipvsadm.js';
import { parseKubectlServices, type KubeService } from './sources/kubectl-services.js';
import { mergeNftDocuments, NftJsonParseError, parseNftJson } from './sources/nft-json.js';
import type { ByteLineHandler } from './sources/read-lines.js';

/** A bad line or document in the input: where it is and why it was not understood. */
export interface InputProblem {
  source: string;
  lineNumber: number | null;
  text: string | null;
  reason: string;
}

/** Text of one iptables-save dump and where it came from. */
export interface RuleDump {
  text: string;
  source: string;
}

/** Parses iptables-save dumps (v4 and v6) into tables; bad lines go to report. */
function iptablesTables(
  dumps: readonly RuleDump[],
  report: (problem: InputProblem) => void,
): IptablesTable[] {
  const tables: IptablesTable[] = [];
  for (const dump of dumps) {
    const parsed = parseIptablesSave(dump.text, dump.source);
    for (const error of parsed.errors) report(error);
    tables.push(...parsed.tables);
  }
  return tables;
}

/** Parses iptables-save dumps (v4 and v6) into the kube-proxy model; bad lines go to report. */
export function modelFromDumps(
  dumps: readonly RuleDump[],
  report: (problem: InputProblem) => void,
): KubeProxyModel {
  return buildIptablesModel(iptablesTables(dumps, report));
}

/**
 * One node's rule dumps in whichever mode kube-proxy runs: nftables when `nft` dumps are given,
 * IPVS when `ipvs` dumps are (with the IPVS-mode iptables rules and ipsets), iptables otherwise.
 * `services` (`kubectl get svc -A -o json`) names IPVS virtual servers and tells LoadBalancer
 * from external IPs in nftables mode, where the rules cannot.
 */
export interface ModeDumps {
  iptables: readonly RuleDump[];
  nft: readonly RuleDump[];
  ipvs: readonly RuleDump[];
  ipset: readonly RuleDump[];
  services: RuleDump | null;
}

function kubeServices(
  dump: RuleDump | null,
  report: (problem: InputProblem) => void,
): KubeService[] | undefined {
  if (dump === null) return undefined;
  const parsed = parseKubectlServices(dump.text, dump.source);
  for (const error of parsed.errors) {
    report({
      source: error.source,
      lineNumber: error.lineNumber,
      text: error.path || null,
      reason: error.reason,
    });
  }
  return parsed.services;
}

/** The kube-proxy model of one node from its dumps in any mode (see ModeDumps); problems go to report. */
export function modelFromModeDumps(
  dumps: ModeDumps,
  report: (problem: InputProblem) => void,
): KubeProxyModel {
  const services = kubeServices(dumps.services, report);
  // Every mode's model reads the iptables nat rules: a CNI's or an admin's SNAT rules live there.
  const tables = iptablesTables(dumps.iptables, report);
  const ipsets = [];
  for (const dump of dumps.ipset) {
    const parsed = parseIpset(dump.text, dump.source);
    for (const error of parsed.errors) report(error);
    ipsets.push(...parsed.sets);
  }
  if (dumps.nft.length > 0) {
    const documents = [];
    for (const dump of dumps.nft) {
      try {
        documents.push(parseNftJson(dump.text, dump.source));
      } catch (error) {
        if (!(error instanceof NftJsonParseError)) throw error;
        report(error);
      }
    }
    const frontendKinds = new Map<string, ServiceFrontend['kind']>();
    for (const service of services ?? []) {
      for (const ip of service.externalIPs) frontendKinds.set(ip, 'ExternalIP');
      for (const ip of service.loadBalancerIPs) frontendKinds.set(ip, 'LoadBalancer');
    }
    return buildNftablesModel(mergeNftDocuments(documents), {
      frontendKinds,
      iptables: tables,
    });
  }
  if (dumps.ipvs.length === 0) {
    return buildIptablesModel(tables, dumps.ipset.length > 0 ? ipsets : null);
  }
  const virtualServers = [];
  for (const dump of dumps.ipvs) {
    const parsed = parseIpvsadm(dump.text, dump.source);
    for (const error of parsed.errors) report(error);
    virtualServers.push(...parsed.virtualServers);
  }
  return buildIpvsModel({
    virtualServers,
    ipsets,
    iptables: tables,
    ...(services ? { services } : {}),
  });
}

/** What a snapshot knows about the node before it reads conntrack. */
export interface NodeView {
  model: KubeProxyModel;
  node: NodeContext;
  classifier: FlowClassifier;
}

/** Builds the classifier for one node from its model and addresses. */
export function nodeView(input: {
  name: string;
  model: KubeProxyModel;
  interfaces: readonly NodeInterface[];
  routes?: readonly NodeRoute[];
  nodeIps: readonly string[];
  podCidrs: readonly Cidr[];
  observedAt: number;
}): NodeView {
  const node = buildNodeContext(input);
  const classifier = new FlowClassifier(input.model, node, { observedAt: input.observedAt });
  return { model: input.model, node, classifier };
}

/**
 * A per-line callback for conntrack output given as byte ranges (files and tool output alike):
 * parses in place, classifies and hands records on; bad lines go to report (which may throw to
 * stop, as --strict does). Entries for which `skip` answers true (flows a live agent already
 * reported) are not classified again.
 */
export function conntrackBytesHandler(
  classifier: FlowClassifier,
  source: string,
  report: (problem: InputProblem) => void,
  onRecord: (record: v1.IFlowRecord, entry: ConntrackEntry) => void,
  skip: (entry: ConntrackEntry) => boolean = () => false,
): ByteLineHandler {
  return (bytes, start, end, lineNumber, ascii) => {
    let entry;
    try {
      entry = parseConntrackBytes(bytes, start, end, lineNumber, source, ascii);
    } catch (error) {
      if (!(error instanceof ConntrackParseError)) throw error;
      report(error);
      return;
    }
    if (entry === null || skip(entry)) return;
    const record = classifier.classify(entry);
    if (record) onRecord(record, entry);
  };
}
