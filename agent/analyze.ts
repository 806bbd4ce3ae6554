// Offline analysis of one node's dumps (a support bundle): the agent's node read (node-read.ts)
// over a file-backed NodeReader, so `analyze` and the live agent give the same records for the
// same tables. Reading files is the only side effect; parsing and classification are pure.
import type { Cidr } from '../common/cidr.js';
import type { v1 } from '../proto/index.js';
import { readFlows, readNode, type FlowSink } from './node-read.js';
import type { RecordWriter } from './output.js';
import { serviceStates } from './service-state.js';
import { nodeView, type InputProblem } from './snapshot.js';
import { DumpFileError, FileNodeReader } from './sources/file-node-reader.js';

export type { InputProblem };

/** What `snatscope analyze` was given. */
export interface AnalyzeInput {
  nodeName: string;
  iptablesFiles: readonly string[];
  /** `nft -j list table ip|ip6 kube-proxy` (nftables mode). */
  nftFiles: readonly string[];
  /** `ipvsadm-save -n` or `ipvsadm -Ln` (IPVS mode). */
  ipvsFiles: readonly string[];
  /** `ipvsadm -Lnc`: IPVS connections, reported when conntrack does not show them. */
  ipvsConnectionFiles: readonly string[];
  /** `ipset save` (IPVS mode). */
  ipsetFiles: readonly string[];
  /** `kubectl get svc -A -o json`. */
  servicesFile: string | null;
  conntrackFiles: readonly string[];
  addressesFile: string | null;
  nodeIps: readonly string[];
  podCidrs: readonly Cidr[];
  /** Seconds since the epoch for records (the dump's time); conntrack -L lines carry none. */
  observedAt: number;
}

/** Input that cannot be analysed at all (unreadable file, bad flag value, or --strict). */
export class AnalyzeInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AnalyzeInputError';
  }
}

/** Counts of one analysis run. */
export interface AnalyzeSummary {
  problems: number;
  warnings: string[];
}

/**
 * Runs the analysis: services first, then one record per entry or backend flow, streamed to
 * `writer`. Bad lines go to `onProblem`; it may throw to stop (that is how --strict works).
 */
export async function analyze(
  input: AnalyzeInput,
  writer: RecordWriter,
  onProblem: (problem: InputProblem) => void,
): Promise<AnalyzeSummary> {
  try {
    return await analyzeFiles(input, writer, onProblem);
  } catch (error) {
    if (error instanceof DumpFileError) throw new AnalyzeInputError(error.message);
    throw error;
  }
}

async function analyzeFiles(
  input: AnalyzeInput,
  writer: RecordWriter,
  onProblem: (problem: InputProblem) => void,
): Promise<AnalyzeSummary> {
  let problems = 0;
  const report = (problem: InputProblem): void => {
    problems++;
    onProblem(problem);
  };

  const reader = new FileNodeReader({
    iptables: input.iptablesFiles,
    nft: input.nftFiles,
    ipvs: input.ipvsFiles,
    ipvsConnections: input.ipvsConnectionFiles,
    ipset: input.ipsetFiles,
    services: input.servicesFile,
    conntrack: input.conntrackFiles,
    addresses: input.addressesFile,
    routes: null,
  });
  const sink: FlowSink = {
    problem: report,
    // Only files not given fail as tools do (FileNodeReader): they are simply not there.
    toolFailure: () => undefined,
    // The addresses are the user's: a file that is no `ip -j addr` is an error, not a skip.
    badDocument: (error) => {
      throw new AnalyzeInputError(`${input.addressesFile ?? ''}: ${error.reason}`);
    },
    record: (record: v1.IFlowRecord) => {
      writer.flow(record);
    },
  };
  const tables = await readNode(reader, sink);
  const { node, classifier } = nodeView({
    name: input.nodeName,
    model: tables.model,
    interfaces: tables.interfaces,
    nodeIps: input.nodeIps,
    podCidrs: input.podCidrs,
    observedAt: input.observedAt,
  });
  const warnings: string[] = [];
  if (node.addresses.size === 0) {
    warnings.push('no --addresses or --node-ip: every destination of a NodePort counts as local');
  }
  if (node.podSubnetSource === 'unknown') {
    warnings.push(
      'pod subnets unknown (give --pod-cidr): endpointLocal is null where rules do not tell',
    );
  }

  for (const state of serviceStates(tables.model, input.nodeName, classifier)) {
    writer.service(state);
  }
  await readFlows(reader, tables, classifier, sink);
  writer.end();
  return { problems, warnings };
}
