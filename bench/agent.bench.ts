// Benchmarks of the live agent on the real kernel, in a lab of its own (needs root, and `npm run
// build` first: the measured processes run the compiled agent from dist/).
//  1. poll: a table of ≥ 250,000 real conntrack entries (UDP flows from many client addresses and
//     ports through a Local NodePort, long UDP timeout); one long-lived agent process polls it
//     (dump + parse + classify + track) vs `conntrack -L -o extended,id > /dev/null`; medians of 5.
//  2. steady: 1,000 new NodePort connections/s for 60 s with the agent in continuous mode (default
//     2 s poll), following conntrack events (the default) and again polling (--no-events; polling the
//     table); the agent's CPU time, with and without the tools it runs (conntrack -E included), and
//     the latency from probe connections' SYN (connect()) to their record on the agent's stdout.
//     First on the node whose table the poll benchmark filled (≥ 250,000 entries), then on a node
//     with a small table.
//  3. flood: 20,000 new UDP NodePort flows/s for 30 s at one node (events, default --max-flow-rate):
//     records emitted and sampled, CPU, peak RSS.
//
//   npx tsx bench/agent.bench.ts [--entries N] [--runs N] [--rate N] [--seconds N] [--skip-steady]
//     [--skip-poll] [--skip-flood] [--flood-rate N] [--flood-seconds N]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultCluster, findNode, findPod, findService } from '../lab/cluster.js';
import { createLab, newPrefix, type Lab } from '../lab/lab.js';
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
    'skip-flood': { type: 'boolean', default: false },
    'flood-rate': { type: 'string', default: '20000' },
    'flood-seconds': { type: 'string', default: '30' },
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
    node: node.name,
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

/** The agent in continuous mode (NDJSON on stdout), started as operators run it. */
function startAgent(nodeNs: string, node: string, extra: readonly string[]): ChildProcess {
  return spawn(
    'ip',
    [
      ...['netns', 'exec', nodeNs, process.execPath],
      ...values['agent-node-flags'].split(' ').filter(Boolean),
      ...[join(root, 'bin', 'snatscope.js'), 'agent', '--node-name', node, '--log-level', 'warn'],
      ...['--no-kube-api', '--metrics-listen', '127.0.0.1:9108', ...extra],
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
}

/** Calls `line` with each stdout line of `child` and the time (epoch ms) its chunk arrived. */
function onLines(child: ChildProcess, line: (text: string, at: number) => void): void {
  let rest = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    const at = Date.now();
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const text of lines) line(text, at);
  });
}

async function stopAgent(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Peak RSS of a process so far (VmHWM), MB. */
function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

/** A metric's value from the agent's /metrics, read inside its namespace (sum over label sets). */
async function agentMetric(lab: Lab, nodeNs: string, name: string): Promise<number> {
  const script = `fetch('http://127.0.0.1:9108/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`;
  const text = (await lab.exec(nodeNs, [process.execPath, '-e', script])).stdout;
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) || line.startsWith(`${name} `)) {
      sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
  }
  return sum;
}

/** Waits until the agent serves /metrics (its first poll ran): a condition, not a fixed wait. */
async function agentReady(lab: Lab, nodeNs: string): Promise<void> {
  for (;;) {
    try {
      if ((await agentMetric(lab, nodeNs, 'snatscope_agent_polls_total')) > 0) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function steadyBenchmark(
  lab: Lab,
  nodeName: string,
  table: string,
  events: boolean,
): Promise<Record<string, unknown>> {
  const node = findNode(lab.cluster, nodeName);
  const service = findService(lab.cluster, 'shop/api:http');
  const nodeNs = lab.nodeNamespace(node.name);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const prober = lab.cluster.clients.find((c) => c.name === 'c2');
  if (!prober) throw new Error('the lab has no client c2');
  const agent = startAgent(nodeNs, node.name, events ? [] : ['--no-events']);
  // Probe connections come from c2, ports 61000…: their records' arrival times, by port.
  const arrived = new Map<number, number>();
  const needle = `"client":{"ip":"${prober.ip}","port":`;
  onLines(agent, (text, at) => {
    const i = text.indexOf(needle);
    if (i < 0 || !text.includes('"closed":false')) return;
    const port = Number.parseInt(text.slice(i + needle.length), 10);
    if (!arrived.has(port)) arrived.set(port, at);
  });
  try {
    await agentReady(lab, nodeNs);
    const before = cpuSeconds(agent.pid ?? 0);
    log(
      `${table} table, ${events ? 'events' : 'polling'}: ${rate} new connections/s to ${node.ip}:${service.nodePort ?? 0} for ${seconds} s…`,
    );
    const start = process.hrtime.bigint();
    const probeCount = Math.max(10, Math.floor(seconds * 2));
    const [load, probes] = await Promise.all([
      runInAsync(lab.clientNamespace('c1'), [
        process.execPath,
        join(root, 'bench', 'tcp-load.mjs'),
        node.ip,
        String(service.nodePort),
        String(rate),
        String(seconds),
      ]),
      runInAsync(lab.clientNamespace('c2'), [
        process.execPath,
        join(root, 'bench', 'syn-probes.mjs'),
        node.ip,
        String(service.nodePort),
        String(probeCount),
        String(Math.floor((seconds * 1000) / probeCount)),
        '61000',
      ]),
    ]);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const after = cpuSeconds(agent.pid ?? 0);
    const rssMb = peakRssMb(agent.pid ?? 0);
    const lostEventReports = await agentMetric(lab, nodeNs, 'snatscope_agent_lost_events_total');
    const reconciliations = await agentMetric(lab, nodeNs, 'snatscope_agent_reconciliations_total');
    const tableSize = Number((await lab.exec(nodeNs, ['conntrack', '-C'])).stdout.trim());
    // Records of the last probes may still be on their way (a poll is up to 2 s away).
    const sent = (JSON.parse(probes) as { started: [number, number][] }).started;
    const deadline = Date.now() + 10_000;
    while (sent.some(([port]) => !arrived.has(port)) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const latencies = sent
      .filter(([port]) => arrived.has(port))
      .map(([port, t]) => (arrived.get(port) ?? 0) - t)
      .sort((a, b) => a - b);
    const at = (q: number): number | null =>
      latencies.length === 0 ? null : (latencies[Math.ceil(q * latencies.length) - 1] ?? null);
    log(`load: ${load.trim()}`);
    return {
      benchmark: `agent steady state, continuous mode, --poll-interval 2s, ${events ? 'events' : 'polling'}, ${table} table`,
      node: node.name,
      connectionsPerSecond: rate,
      seconds,
      load: JSON.parse(load) as unknown,
      conntrackEntriesAtEnd: tableSize,
      agentCpuPercent: (100 * (after.own - before.own)) / wall,
      agentWithToolsCpuPercent:
        (100 * (after.own + after.children - before.own - before.children)) / wall,
      peakRssMb: Math.round(rssMb),
      lostEventReports,
      reconciliations,
      synToRecord: {
        probes: sent.length,
        recorded: latencies.length,
        p50Ms: at(0.5),
        p95Ms: at(0.95),
        maxMs: latencies.at(-1) ?? null,
      },
    };
  } finally {
    await stopAgent(agent);
  }
}

async function floodBenchmark(lab: Lab): Promise<Record<string, unknown>> {
  const node = findNode(lab.cluster, 'n1');
  const service = findService(lab.cluster, 'dns/resolver:dns');
  const nodeNs = lab.nodeNamespace(node.name);
  const clientNs = lab.clientNamespace('c1');
  const rate = Number(values['flood-rate']);
  const seconds = Number(values['flood-seconds']);
  // Short UDP timeouts keep the table under nf_conntrack_max while the flood runs.
  for (const n of lab.cluster.nodes) {
    await lab.exec(lab.nodeNamespace(n.name), [
      'sysctl',
      '-qw',
      'net.netfilter.nf_conntrack_udp_timeout=5',
      'net.netfilter.nf_conntrack_udp_timeout_stream=5',
    ]);
  }
  const ips = Array.from({ length: 20 }, (_, i) => `198.51.100.${220 + i}`);
  for (const ip of ips) await lab.exec(clientNs, ['ip', 'addr', 'add', `${ip}/24`, 'dev', 'eth0']);
  const agent = startAgent(nodeNs, node.name, []);
  let records = 0;
  let sampled = 0;
  onLines(agent, (text) => {
    if (!text.includes('"kind":"flow"') || !text.includes('"closed":false')) return;
    records++;
    if (!text.includes('"sampleRate":0')) sampled++;
  });
  try {
    await agentReady(lab, nodeNs);
    const before = cpuSeconds(agent.pid ?? 0);
    log(`flood: ${rate} new UDP flows/s to ${node.ip}:${service.nodePort ?? 0} for ${seconds} s…`);
    const start = process.hrtime.bigint();
    const flood = await runInAsync(clientNs, [
      process.execPath,
      join(root, 'bench', 'udp-rate.mjs'),
      node.ip,
      String(service.nodePort),
      ips.join(','),
      String(rate),
      String(seconds),
    ]);
    const wall = Number(process.hrtime.bigint() - start) / 1e9;
    const after = cpuSeconds(agent.pid ?? 0);
    const flowsCounted = await agentMetric(lab, nodeNs, 'snatscope_agent_service_flows_total');
    const sampledOut = await agentMetric(lab, nodeNs, 'snatscope_agent_flows_sampled_out_total');
    const lost = await agentMetric(lab, nodeNs, 'snatscope_agent_lost_events_total');
    const reconciliations = await agentMetric(lab, nodeNs, 'snatscope_agent_reconciliations_total');
    log(`flood: ${flood.trim()}`);
    return {
      benchmark: `agent under a flood of new UDP NodePort flows, events, --max-flow-rate default`,
      node: node.name,
      flood: JSON.parse(flood) as unknown,
      wallSeconds: wall,
      flowsCountedPerService: flowsCounted,
      entryRecordsEmitted: records,
      entryRecordsWithSampleRate: sampled,
      flowsSampledOut: sampledOut,
      lostEventReports: lost,
      reconciliations,
      agentCpuPercent: (100 * (after.own - before.own)) / wall,
      agentWithToolsCpuPercent:
        (100 * (after.own + after.children - before.own - before.children)) / wall,
      peakRssMb: Math.round(peakRssMb(agent.pid ?? 0)),
    };
  } finally {
    await stopAgent(agent);
  }
}

/** Runs a command inside a namespace without blocking this process; resolves with its stdout. */
function runInAsync(namespace: string, argv: readonly string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('ip', ['netns', 'exec', namespace, ...argv], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`${argv.join(' ')} exited ${String(code)}`));
    });
  });
}

// nf_conntrack_max is one limit for the whole machine (writable from the host's namespace only):
// a table of `entries` plus a minute of new connections (TIME_WAIT lasts 120 s) must fit, or the
// kernel drops new connections and the steady state measures a full table. Restored at the end.
const CONNTRACK_MAX = '/proc/sys/net/netfilter/nf_conntrack_max';
const savedConntrackMax = readFileSync(CONNTRACK_MAX, 'utf8').trim();
const neededConntrackMax =
  Number(values.entries) + 2 * Number(values.rate) * Number(values.seconds);
if (Number(savedConntrackMax) < neededConntrackMax) {
  writeFileSync(CONNTRACK_MAX, String(neededConntrackMax));
  log(`nf_conntrack_max ${savedConntrackMax} → ${neededConntrackMax} for this run`);
}
const lab = await createLab(defaultCluster(), { prefix: newPrefix() });
const print = (result: Record<string, unknown>): void => {
  process.stdout.write(JSON.stringify(result) + '\n');
};
try {
  if (!values['skip-poll']) {
    const poll = await pollBenchmark(lab);
    print(poll);
    // The same node, its table still full: the steady state where it costs most.
    if (!values['skip-steady']) {
      for (const events of [true, false]) {
        print(await steadyBenchmark(lab, String(poll.node), 'large', events));
      }
    }
  }
  if (!values['skip-steady']) {
    for (const events of [true, false]) {
      // A fresh table: only the load's own entries.
      for (const node of lab.cluster.nodes)
        runIn(lab.nodeNamespace(node.name), ['conntrack', '-F']);
      print(await steadyBenchmark(lab, 'n1', 'small', events));
    }
  }
  if (!values['skip-flood']) {
    for (const node of lab.cluster.nodes) runIn(lab.nodeNamespace(node.name), ['conntrack', '-F']);
    print(await floodBenchmark(lab));
  }
} finally {
  await lab.destroy();
  writeFileSync(CONNTRACK_MAX, savedConntrackMax);
}
