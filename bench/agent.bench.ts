// Benchmarks of the live agent on the real kernel, in a lab of its own (needs root, and `npm run
// build` first: the measured processes run the compiled agent from dist/).
//  1. poll: a table of ≥ 250,000 real conntrack entries (UDP flows from many client addresses and
//     ports through a Local NodePort, long UDP timeout); one long-lived agent process polls it
//     (dump + parse + classify + track) vs `conntrack -L -o extended,id > /dev/null`; medians of 5.
//  2. steady: 1,000 new NodePort connections/s for 60 s with the agent in continuous mode (default
//     2 s poll), following conntrack events (the default) and again polling (--no-events; polling the
//     table); the agent's CPU time, with and without the tools it runs (conntrack -E included).
//
//   npx tsx bench/agent.bench.ts [--entries N] [--runs N] [--rate N] [--seconds N] [--skip-steady] [--skip-poll]
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultCluster, findNode, findPod, findService } from '../lab/cluster.js';
import { createLab, newPrefix, type Lab } from '../lab/lab.js';
import { spawnInNamespace } from '../lab/netns.js';
import { median } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// Without limits V8 lets garbage from a 260,000-line dump pile up to ~180 MB RSS before
// collecting; live data is ~50 MB. The agent image sets these (Dockerfile.agent, NODE_OPTIONS).
const AGENT_NODE_OPTIONS = '--max-semi-space-size=2 --max-old-space-size=128';
const { values } = parseArgs({
  options: {
    entries: { type: 'string', default: '260000' },
    runs: { type: 'string', default: '5' },
    rate: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '60' },
    'skip-steady': { type: 'boolean', default: false },
    'skip-poll': { type: 'boolean', default: false },
    // V8 heap flags for the measured agent process: the NODE_OPTIONS of Dockerfile.agent.
    'agent-node-flags': { type: 'string', default: AGENT_NODE_OPTIONS },
  },
});
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

// Runs a command inside a namespace to completion (no time limit: benchmarks run long) and
// returns its stdout and wall time.
function runIn(namespace: string, argv: readonly string[]): { stdout: string; seconds: number } {
  const start = process.hrtime.bigint();
  const result = spawnSync('ip', ['netns', 'exec', namespace, ...argv], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 26,
  });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${String(result.status)}`);
  return { stdout: result.stdout, seconds: Number(process.hrtime.bigint() - start) / 1e9 };
}

async function pollBenchmark(lab: Lab): Promise<Record<string, unknown>> {
  const cluster = lab.cluster;
  const service = findService(cluster, 'media/stream:rtp');
  const node = findNode(cluster, findPod(cluster, service.endpoints[0] ?? '').node);
  const nodeNs = lab.nodeNamespace(node.name);
  const clientNs = lab.clientNamespace('c1');
  const entries = Number(values.entries);
  const perIp = 2600;
  const ips = Array.from({ length: Math.ceil(entries / perIp) }, (_, i) => `198.51.100.${100 + i}`);
  for (const ip of ips) await lab.exec(clientNs, ['ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
  await lab.exec(nodeNs, [
    'sysctl',
    '-qw',
    'net.netfilter.nf_conntrack_udp_timeout=900',
    'net.netfilter.nf_conntrack_udp_timeout_stream=900',
  ]);
  log(`creating ${ips.length * perIp} UDP flows to ${node.ip}:${service.nodePort ?? 0}…`);
  const flood = runIn(clientNs, [
    process.execPath,
    join(root, 'bench', 'udp-flood.mjs'),
    node.ip,
    String(service.nodePort),
    ips.join(','),
    '20000',
    String(perIp),
  ]);
  log(`flood: ${flood.stdout.trim()}`);
  const count = Number((await lab.exec(nodeNs, ['conntrack', '-C'])).stdout.trim());
  log(`conntrack table of ${node.name}: ${count} entries`);

  const runs = Number(values.runs);
  const tool: number[] = [];
  for (let i = 0; i < runs; i++) {
    tool.push(runIn(nodeNs, ['sh', '-c', 'conntrack -L -o extended,id > /dev/null 2>&1']).seconds);
  }
  log(`conntrack -L: ${tool.map((s) => s.toFixed(2)).join(' ')} s`);
  const run = runIn(nodeNs, [
    process.execPath,
    ...values['agent-node-flags'].split(' ').filter(Boolean),
    join(root, 'bench', 'agent-poll-run.mjs'),
    node.name,
    String(runs + 1),
  ]);
  const agent = JSON.parse(run.stdout) as {
    seconds: number[];
    firstPollRecords: number;
    maxRssMb: number;
  };
  // The first poll also classifies and reports every flow as new; later polls are the steady state.
  const steadyPolls = agent.seconds.slice(1);
  log(
    `agent polls: ${agent.seconds.map((s) => s.toFixed(2)).join(' ')} s (first reports all flows)`,
  );
  return {
    benchmark: 'agent poll vs conntrack -L -o extended,id > /dev/null',
    entries: count,
    runs,
    medianConntrackSeconds: median(tool),
    medianPollSeconds: median(steadyPolls),
    firstPollSeconds: agent.seconds[0],
    ratio: median(steadyPolls) / median(tool),
    firstPollRecords: agent.firstPollRecords,
    peakRssMb: Math.round(agent.maxRssMb),
  };
}

// utime + stime of a process, of its waited-for children, and of its children still running (the
// long-lived conntrack -E), in seconds (from /proc/<pid>/stat).
function cpuSeconds(pid: number): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (i: number): number => Number(fields[i - 3]);
  const hz = 100;
  let running = 0;
  for (const child of liveChildren(pid)) running += cpuSeconds(child).own;
  return { own: (ticks(14) + ticks(15)) / hz, children: (ticks(16) + ticks(17)) / hz + running };
}

function liveChildren(pid: number): number[] {
  try {
    const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
    return text === '' ? [] : text.split(' ').map(Number);
  } catch {
    return [];
  }
}

async function steadyBenchmark(lab: Lab, events: boolean): Promise<Record<string, unknown>> {
  const node = findNode(lab.cluster, 'n1');
  const service = findService(lab.cluster, 'shop/api:http');
  const nodeNs = lab.nodeNamespace(node.name);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const agent = spawnInNamespace(
    nodeNs,
    [
      process.execPath,
      join(root, 'bin', 'snatscope.js'),
      'agent',
      '--node-name',
      node.name,
      '--log-level',
      'warn',
      ...(events ? [] : ['--no-events']),
    ],
    { detached: false },
  );
  try {
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const before = cpuSeconds(agent.pid);
    log(`load: ${rate} new connections/s to ${node.ip}:${service.nodePort ?? 0} for ${seconds} s…`);
    const start = process.hrtime.bigint();
    const load = runIn(lab.clientNamespace('c1'), [
      process.execPath,
      join(root, 'bench', 'tcp-load.mjs'),
      node.ip,
      String(service.nodePort),
      String(rate),
      String(seconds),
    ]);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const after = cpuSeconds(agent.pid);
    const tableSize = Number((await lab.exec(nodeNs, ['conntrack', '-C'])).stdout.trim());
    log(`load: ${load.stdout.trim()}`);
    return {
      benchmark: `agent steady state, continuous mode, --poll-interval 2s, ${events ? 'events' : 'polling'}`,
      connectionsPerSecond: rate,
      seconds,
      load: JSON.parse(load.stdout) as unknown,
      conntrackEntriesAtEnd: tableSize,
      agentCpuPercent: (100 * (after.own - before.own)) / wall,
      agentWithToolsCpuPercent:
        (100 * (after.own + after.children - before.own - before.children)) / wall,
    };
  } finally {
    await agent.kill();
  }
}

const lab = await createLab(defaultCluster(), { prefix: newPrefix() });
try {
  if (!values['skip-poll']) process.stdout.write(JSON.stringify(await pollBenchmark(lab)) + '\n');
  if (!values['skip-steady']) {
    for (const events of [true, false]) {
      // A fresh table: the flood's entries would dominate the steady-state polls.
      for (const node of lab.cluster.nodes)
        runIn(lab.nodeNamespace(node.name), ['conntrack', '-F']);
      process.stdout.write(JSON.stringify(await steadyBenchmark(lab, events)) + '\n');
    }
  }
} finally {
  await lab.destroy();
}
