// The pieces of one look at a node: iptables dumps → kube-proxy model, addresses → node context,
// conntrack lines → records. node-read.ts puts them together for the agent and `analyze` alike.
import type { Cidr } from '../common/cidr.js';
import type { v1 } from '../proto/index.js';
import { FlowClassifier } from './classify.js';
import type { ClusterNames } from './kube/cluster-names.js';
import { buildIptablesModel } from './model/kube-proxy-iptables.js';
import { buildNodeContext, type NodeContext } from './model/node.js';
import type { KubeProxyModel } from './model/service-model.js';
import {
  ConntrackParseError,
  parseConntrackBytes,
  type ConntrackEntry,
} from './sources/conntrack.js';
import type { NodeInterface } from './sources/ip-addr.js';
import type { NodeRoute } from './sources/ip-route.js';
import { parseIptablesSave, type IptablesTable } from './sources/iptables-save.js';
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
export function iptablesTables(
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
  /** Pod and node names (KubeApiReader.names()), when the agent reads the Kubernetes API. */
  names?: ClusterNames | null;
}): NodeView {
  const node = buildNodeContext(input);
  const classifier = new FlowClassifier(input.model, node, {
    observedAt: input.observedAt,
    names: input.names ?? null,
  });
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
