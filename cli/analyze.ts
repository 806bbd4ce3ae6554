// `snatscope analyze`: offline analysis of one node's dumps.
import { statSync } from 'node:fs';
import { Command } from 'commander';
import { analyze, AnalyzeInputError, type InputProblem } from '../agent/analyze.js';
import { stdoutWriter } from '../agent/output.js';
import type { Cidr } from '../common/cidr.js';
import {
  collect,
  collectCidr,
  describeProblem,
  outputOption,
  positiveInteger,
  UsageError,
} from './options.js';

// Enough bad lines on the terminal to see the pattern; the count covers the rest.
const SHOWN_PROBLEMS = 20;

function dumpTime(paths: readonly string[]): number {
  const first = paths[0];
  if (first === undefined) return Date.now() / 1000;
  try {
    return statSync(first).mtimeMs / 1000;
  } catch {
    return Date.now() / 1000;
  }
}

/** The analyze command. */
export function analyzeCommand(): Command {
  return new Command('analyze')
    .description(
      'Analyse dumps taken on one node (iptables-save -c, or nft -j list table ip kube-proxy, or ' +
        'ipvsadm-save -n + ipset save; conntrack -L -o extended,id; ip -j addr): ' +
        'which source address each backend saw for NodePort/LoadBalancer/externalIP flows, and why.',
    )
    .requiredOption('--node-name <name>', 'name of the node the dumps come from')
    .option(
      '--iptables-save <file>',
      'iptables-save [-c] output (nat and filter; in IPVS mode its rules); repeat for ip6tables-save',
      collect,
      [],
    )
    .option(
      '--nft <file>',
      'nftables mode: nft -j list table ip kube-proxy (repeat for ip6)',
      collect,
      [],
    )
    .option('--ipvs <file>', 'IPVS mode: ipvsadm-save -n or ipvsadm -Ln', collect, [])
    .option(
      '--ipvs-connections <file>',
      'IPVS mode: ipvsadm -Lnc (connections conntrack does not show)',
      collect,
      [],
    )
    .option(
      '--ipset <file>',
      'ipset save (IPVS mode; in any mode it decides -m set matches of SNAT rules)',
      collect,
      [],
    )
    .option(
      '--services <file>',
      'kubectl get svc -A -o json: names IPVS virtual servers, tells LB from external IPs in nftables mode',
    )
    .option(
      '--conntrack <file>',
      'conntrack -L [-o extended,id] output; repeat for -f ipv6',
      collect,
      [],
    )
    .option('--addresses <file>', 'ip -j addr output of the node')
    .option('--node-ip <ip>', 'an address of the node (repeatable)', collect, [])
    .option('--pod-cidr <cidr>', "the node's pod subnet (repeatable)", collectCidr, [])
    .addOption(outputOption())
    .option('--limit <n>', 'flows shown per table (json prints all)', positiveInteger, 200)
    .option('--strict', 'treat any bad input line as fatal (exit 2)', false)
    .addHelpText(
      'after',
      '\nBad lines are skipped with a warning on stderr (file:line: reason: "line"); --strict makes them fatal.\n' +
        'Exit codes: 0 ok, 2 bad usage, unreadable file, or a bad line with --strict.',
    )
    .action(async (options: AnalyzeOptions) => {
      await runAnalyze(options);
    });
}

interface AnalyzeOptions {
  nodeName: string;
  iptablesSave: string[];
  nft: string[];
  ipvs: string[];
  ipvsConnections: string[];
  ipset: string[];
  services?: string;
  conntrack: string[];
  addresses?: string;
  nodeIp: string[];
  podCidr: Cidr[];
  output: 'table' | 'json';
  limit: number;
  strict: boolean;
}

async function runAnalyze(options: AnalyzeOptions): Promise<void> {
  if (options.iptablesSave.length === 0 && options.nft.length === 0 && options.ipvs.length === 0)
    throw new UsageError('analyze: rules are required: --iptables-save, --nft or --ipvs');
  if (options.nft.length > 0 && options.ipvs.length > 0)
    throw new UsageError('analyze: --nft and --ipvs are two different kube-proxy modes; give one');
  if (options.ipvsConnections.length > 0 && options.ipvs.length === 0)
    throw new UsageError('analyze: --ipvs-connections needs --ipvs');
  if (options.conntrack.length === 0) throw new UsageError('analyze: --conntrack is required');
  const writer = stdoutWriter(options.output, options.nodeName, options.limit);
  let shown = 0;
  const onProblem = (problem: InputProblem): void => {
    if (options.strict)
      throw new AnalyzeInputError(`bad input (--strict): ${describeProblem(problem)}`);
    if (shown++ < SHOWN_PROBLEMS)
      process.stderr.write(`warning: skipped ${describeProblem(problem)}\n`);
  };
  try {
    const summary = await analyze(
      {
        nodeName: options.nodeName,
        iptablesFiles: options.iptablesSave,
        nftFiles: options.nft,
        ipvsFiles: options.ipvs,
        ipvsConnectionFiles: options.ipvsConnections,
        ipsetFiles: options.ipset,
        servicesFile: options.services ?? null,
        conntrackFiles: options.conntrack,
        addressesFile: options.addresses ?? null,
        nodeIps: options.nodeIp,
        podCidrs: options.podCidr,
        observedAt: dumpTime(options.conntrack),
      },
      writer,
      onProblem,
    );
    for (const warning of summary.warnings) process.stderr.write(`warning: ${warning}\n`);
    if (summary.problems > 0) {
      process.stderr.write(
        `warning: skipped ${summary.problems} bad input line(s)${summary.problems > SHOWN_PROBLEMS ? ` (first ${SHOWN_PROBLEMS} shown)` : ''}\n`,
      );
    }
  } catch (error) {
    if (error instanceof AnalyzeInputError) throw new UsageError(error.message);
    throw error;
  }
}
