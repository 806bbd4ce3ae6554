// Offline analysis of one node's dumps (a support bundle): rules, addresses and conntrack files in,
// records out. Reading files is the only side effect; parsing and classification are pure.
import { readFile } from 'node:fs/promises';
import type { Cidr } from '../common/cidr.js';
import type { RecordWriter } from './output.js';
import { serviceStates } from './service-state.js';
import {
  conntrackBytesHandler,
  modelFromModeDumps,
  nodeView,
  type InputProblem,
  type RuleDump,
} from './snapshot.js';
import { IpAddrParseError, parseIpAddr, type NodeInterface } from './sources/ip-addr.js';
import { DEFAULT_MAX_LINE_BYTES, forEachLine } from './sources/read-lines.js';
import { ipvsConnectionEntries } from './model/kube-proxy-ipvs.js';
import type { ConntrackEntry } from './sources/conntrack.js';
import { parseIpvsadmConnections } from './sources/ipvsadm.js';

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

  const read = async (paths: readonly string[], flag: string): Promise<RuleDump[]> =>
    Promise.all(paths.map(async (path) => ({ text: await readText(path, flag), source: path })));
  const model = modelFromModeDumps(
    {
      iptables: await read(input.iptablesFiles, '--iptables-save'),
      nft: await read(input.nftFiles, '--nft'),
      ipvs: await read(input.ipvsFiles, '--ipvs'),
      ipset: await read(input.ipsetFiles, '--ipset'),
      services:
        (await read(input.servicesFile === null ? [] : [input.servicesFile], '--services'))[0] ??
        null,
    },
    report,
  );

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

  const present: ConntrackEntry[] = [];
  for (const path of input.conntrackFiles) {
    try {
      const onLine = conntrackBytesHandler(classifier, path, report, (record, entry) => {
        if (input.ipvsConnectionFiles.length > 0) present.push(entry);
        writer.flow(record);
      });
      await forEachLine(path, onLine, {
        maxLineBytes: DEFAULT_MAX_LINE_BYTES,
        source: path,
        onOverlong: report,
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === undefined) throw error;
      throw new AnalyzeInputError(`cannot read --conntrack ${path}: ${(error as Error).message}`);
    }
  }
  for (const path of input.ipvsConnectionFiles) {
    const parsed = parseIpvsadmConnections(await readText(path, '--ipvs-connections'), path);
    for (const error of parsed.errors) report(error);
    for (const inferred of ipvsConnectionEntries(parsed.connections, model, present)) {
      const record = classifier.classify(inferred.entry);
      if (record) writer.flow(record);
    }
  }
  writer.end();
  return { problems, warnings };
}
