// One poll of a live node: read its tables through a NodeReader (node-read.ts, the same path as
// `analyze`), then classify. Tool failures and bad lines are handed to callbacks and counted; a
// poll never throws for them.
import type { Cidr } from '../common/cidr.js';
import type { v1 } from '../proto/index.js';
import type { FlowClassifier } from './classify.js';
import {
  readFlows,
  readNode,
  type ClusterView,
  type FlowReadOptions,
  type NodeTables,
} from './node-read.js';
import { serviceStates } from './service-state.js';
import { nodeView, type InputProblem } from './snapshot.js';
import type { ToolError } from './sources/exec.js';
import type { NodeReader } from './sources/node-reader.js';
import type { ConntrackEntry } from './sources/conntrack.js';

export type { NodeTables };

/** Static configuration of the polled node. */
export interface PollConfig {
  nodeName: string;
  nodeIps: readonly string[];
  podCidrs: readonly Cidr[];
  /** The Kubernetes API's Services and names (absent or null: the agent works without them). */
  cluster?: ClusterView | null;
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
  /**
   * The rules and addresses the poll used (for the next polls to reuse); `tables.model.proxyMode`
   * is the kube-proxy mode detected on the node.
   */
  tables: NodeTables;
  /** Whether every conntrack table the poll needed was read. */
  complete: boolean;
  /** Conntrack lines read per family; null when not read (failed, or skipped: no IPv6 Service). */
  conntrackLines: { ipv4: number | null; ipv6: number | null };
  servicePorts: number;
}

/** The node's tables and the classifier built from them: what events are classified with. */
export interface NodeViewResult {
  tables: NodeTables;
  classifier: FlowClassifier;
}

/**
 * Reads the node's rules and addresses (or reuses `tables` from an earlier read), builds the
 * classifier and reports the Service ports; conntrack is not read.
 */
export async function viewNode(
  reader: NodeReader,
  config: PollConfig,
  sink: Omit<PollSink, 'record' | 'isKnown'>,
  now: number,
  tables?: NodeTables,
): Promise<NodeViewResult> {
  const cluster = config.cluster ?? null;
  const node = tables ?? (await readNode(reader, sink, cluster));
  const { classifier } = nodeView({
    name: config.nodeName,
    model: node.model,
    interfaces: node.interfaces,
    routes: node.routes,
    nodeIps: config.nodeIps,
    podCidrs: config.podCidrs,
    observedAt: now,
    names: cluster?.names() ?? null,
  });
  if (node.rulesRead) sink.services(serviceStates(node.model, config.nodeName, classifier));
  return { tables: node, classifier };
}

/**
 * Reads and classifies the node once; records stream to the sink as conntrack is read (and, in
 * IPVS mode, the IPVS connections conntrack does not show, after it). `tables` from an earlier
 * poll may be passed to skip re-reading rules and addresses.
 */
export async function pollNode(
  reader: NodeReader,
  config: PollConfig,
  sink: PollSink,
  now: number,
  tables?: NodeTables,
): Promise<PollResult> {
  const view = await viewNode(reader, config, sink, now, tables);
  return { ...(await pollFlows(reader, view, sink)), tables: view.tables };
}

/** Reads the flows of the node with a classifier viewNode built (a poll, or a reconciliation). */
export async function pollFlows(
  reader: NodeReader,
  view: NodeViewResult,
  sink: Omit<PollSink, 'services'>,
  options: FlowReadOptions = {},
): Promise<Omit<PollResult, 'tables'>> {
  const flows = await readFlows(reader, view.tables, view.classifier, sink, options);
  return {
    complete: flows.complete,
    conntrackLines: flows.conntrackLines,
    servicePorts: view.tables.model.services.length,
  };
}
