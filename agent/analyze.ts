// Offline analysis of one node's dumps (a support bundle): rules, addresses and conntrack files in,
// records out. Reading files is the only side effect; parsing and classification are pure.
import { readFile } from 'node:fs/promises';
import type { Cidr } from '../common/cidr.js';
import type { RecordWriter } from './output.js';
import { serviceStates } from './service-state.js';
import {
  conntrackBytesHandler,
  modelFromDumps,
  nodeView,
  type InputProblem,
  type RuleDump,
} from './snapshot.js';
import { IpAddrParseError, parseIpAddr, type NodeInterface } from './sources/ip-addr.js';
import { forEachLine } from './sources/read-lines.js';

export type { InputProblem };

/** What `snatscope analyze` was given. */
export interface AnalyzeInput {
  nodeName: string;
  iptablesFiles: readonly string[];
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

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new AnalyzeInputError(`cannot read ${flag} ${path}: ${(error as Error).message}`);
  }
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
  let problems = 0;
  const report = (problem: InputProblem): void => {
    problems++;
    onProblem(problem);
  };

  const dumps: RuleDump[] = [];
  for (const path of input.iptablesFiles) {
    dumps.push({ text: await readText(path, '--iptables-save'), source: path });
  }
  const model = modelFromDumps(dumps, report);

  let interfaces: NodeInterface[] = [];
  if (input.addressesFile !== null) {
    const text = await readText(input.addressesFile, '--addresses');
    try {
      interfaces = parseIpAddr(text, input.addressesFile);
    } catch (error) {
      if (!(error instanceof IpAddrParseError)) throw error;
      throw new AnalyzeInputError(error.message);
    }
  }
  const { node, classifier } = nodeView({
    name: input.nodeName,
    model,
    interfaces,
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

  for (const state of serviceStates(model, input.nodeName, classifier)) writer.service(state);

  for (const path of input.conntrackFiles) {
    try {
      const onLine = conntrackBytesHandler(classifier, path, report, (record) => {
        writer.flow(record);
      });
      await forEachLine(path, onLine);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      throw new AnalyzeInputError(`cannot read --conntrack ${path}: ${(error as Error).message}`);
    }
  }
  writer.end();
  return { problems, warnings };
}
