// Benchmark of reading a big rule set, on the real kernel (needs root and `npm run build`): a
// network namespace holding kube-proxy's iptables-mode rules for 5,000 Services (lab renderer,
// largeCluster), then
//  1. read: one full read of rules and addresses + model build (bench/rules-read-run.mjs), median
//     wall and CPU seconds (the agent's own and its tools');
//  2. idle: the continuous agent's CPU seconds per minute (with its tools, monitors included) with
//     the old periodic 10 s re-read (`--no-follow-tables`) vs following nft/ip monitor;
//  3. syncs: the same while a kube-proxy-like sync rewrites KUBE-SERVICES and KUBE-NODEPORTS (all
//     their rules, as kube-proxy does on every sync) every --sync-every seconds (a list: 10,30).
//  4. nft monitor alone: its CPU seconds to start (it lists the ruleset) and per sync.
//
//   flock /tmp/snatscope-lab.lock npx tsx bench/rules.bench.ts [--services N] [--reads N]
//     [--seconds N] [--sync-every S,S…]
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderIptablesRestore } from '../lab/kube-proxy-rules.js';
import { largeCluster } from './bench-cluster.js';
import { median } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    services: { type: 'string', default: '5000' },
    reads: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '60' },
    'sync-every': { type: 'string', default: '10,30' },
  },
});
const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};
const namespace = `ssrb${Math.random().toString(36).slice(2, 6)}`;

function runIn(argv: readonly string[], input?: string): string {
  const result = spawnSync('ip', ['netns', 'exec', namespace, ...argv], {
    encoding: 'utf8',
    input,
    maxBuffer: 1 << 28,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'inherit'],
  });
  if (result.status !== 0) throw new Error(`${argv.join(' ')} exited ${String(result.status)}`);
  return result.stdout;
}

const HZ = 100;
function statFields(pid: number | string): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}
const ticks = (f: string[], i: number): number => Number(f[i - 3]);

/** CPU seconds of a process, its reaped children, and its live descendants (the monitors). */
function treeCpuSeconds(pid: number): number {
  const fields = statFields(pid);
  if (!fields) return 0;
  let total = ticks(fields, 14) + ticks(fields, 15) + ticks(fields, 16) + ticks(fields, 17);
  let children: string[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) children = children.concat(text.split(' '));
    }
  } catch {
    // The process ended.
  }
  for (const child of children) total += treeCpuSeconds(Number(child)) * HZ;
  return total / HZ;
}

/** Runs the agent in the namespace until its first read is done; resolves with the process. */
async function startAgent(
  extra: readonly string[],
): Promise<{ child: ChildProcess; stderr: () => string }> {
  const argv = [
    'netns',
    'exec',
    namespace,
    process.execPath,
    join(root, 'bin', 'snatscope.js'),
    'agent',
    '--node-name',
    'n1',
    '--log-level',
    'debug',
    ...extra,
  ];
  const child = spawn('ip', argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let sawServices = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (!sawServices && chunk.includes('"kind":"service"')) sawServices = true;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 1 << 20) stderr += chunk.toString();
  });
  const following = !extra.includes('--no-follow-tables');
  // Ready: the first poll's service records are out and, when following, the armed read is done.
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (sawServices && (!following || /"reason":"armed"/.test(stderr))) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`agent exited: ${stderr}`));
      }
    }, 100);
  });
  // The armed read has just begun: as agent.bench.ts does, let start-up settle before measuring.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  return { child, stderr: () => stderr };
}

async function stopAgent(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** CPU seconds per minute of the agent tree over `seconds`, optionally with syncs running. */
async function agentCpuPerMinute(
  extra: readonly string[],
  sync: string | null,
  everySeconds: number,
): Promise<{ cpuSecondsPerMinute: number; syncs: number; reads: number }> {
  const { child: agent, stderr } = await startAgent(extra);
  const pid = agent.pid ?? 0;
  // Reads of rules and addresses, from the agent's debug log.
  const reads = (): number => stderr().match(/reading rules and addresses/g)?.length ?? 0;
  const readsBefore = reads();
  const seconds = Number(values.seconds);
  const every = everySeconds * 1000;
  let syncs = 0;
  const before = treeCpuSeconds(pid);
  const start = Date.now();
  while (Date.now() - start < seconds * 1000) {
    const next = Math.min(start + seconds * 1000, Date.now() + every);
    await new Promise((resolve) => setTimeout(resolve, next - Date.now()));
    if (sync !== null && Date.now() - start < seconds * 1000) {
      runIn(['iptables-restore', '--noflush'], sync);
      syncs++;
    }
  }
  const cpu = treeCpuSeconds(pid) - before;
  const wall = (Date.now() - start) / 1000;
  const readsInWindow = reads() - readsBefore;
  await stopAgent(agent);
  return { cpuSecondsPerMinute: (cpu * 60) / wall, syncs, reads: readsInWindow };
}

/** What kube-proxy restores on every sync: KUBE-SERVICES and KUBE-NODEPORTS flushed and refilled. */
function syncInput(rules: string): string {
  const nat = rules.slice(rules.indexOf('*nat'));
  const lines = nat
    .split('\n')
    .filter((l) => l.startsWith('-A KUBE-SERVICES ') || l.startsWith('-A KUBE-NODEPORTS '));
  return ['*nat', ':KUBE-SERVICES - [0:0]', ':KUBE-NODEPORTS - [0:0]', ...lines, 'COMMIT', ''].join(
    '\n',
  );
}

/** `nft monitor` by itself: CPU seconds to start (it lists the ruleset) and per sync. */
function nftMonitorCost(sync: string): { startCpuSeconds: number; cpuSecondsPerSync: number } {
  const monitor = spawn('ip', ['netns', 'exec', namespace, 'nft', 'monitor'], {
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  const pid = monitor.pid ?? 0;
  const cpu = (): number => {
    const fields = statFields(pid);
    return fields ? (ticks(fields, 14) + ticks(fields, 15)) / HZ : 0;
  };
  // Started: its CPU time stops growing once the ruleset is listed.
  let start = -1;
  for (let now = cpu(), i = 0; (now !== start || now === 0) && i < 60; now = cpu(), i++) {
    start = now;
    spawnSync('sleep', ['0.5']);
  }
  const syncs = 3;
  for (let i = 0; i < syncs; i++) runIn(['iptables-restore', '--noflush'], sync);
  // Done with the syncs' lines: again until its CPU time stops growing.
  let end = -1;
  for (let now = cpu(); now !== end; now = cpu()) {
    end = now;
    spawnSync('sleep', ['0.5']);
  }
  monitor.kill();
  return { startCpuSeconds: start, cpuSecondsPerSync: (end - start) / syncs };
}

spawnSync('ip', ['netns', 'add', namespace], { stdio: 'inherit' });
try {
  runIn(['ip', 'link', 'set', 'lo', 'up']);
  runIn(['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
  runIn(['ip', 'link', 'set', 'eth0', 'up']);
  runIn(['ip', 'addr', 'add', '203.0.113.11/24', 'dev', 'eth0']);
  const cluster = largeCluster(Number(values.services));
  const rules = renderIptablesRestore(cluster, 'n1');
  runIn(['iptables-restore'], rules);
  const ruleCount = runIn(['iptables-save'])
    .split('\n')
    .filter((l) => l.startsWith('-A')).length;
  const saveBytes = runIn(['iptables-save', '-c']).length;
  log(
    `${cluster.services.length} Services: ${ruleCount} rules, iptables-save -c ${saveBytes} bytes`,
  );

  const reads = JSON.parse(
    runIn([process.execPath, join(root, 'bench', 'rules-read-run.mjs'), values.reads]),
  ) as { wall: number; ownCpu: number; toolsCpu: number; services: number }[];
  log(`reads: ${reads.map((r) => r.wall.toFixed(2)).join(' ')} s wall`);
  const variants = [
    { name: 'periodic10s', extra: ['--no-follow-tables'] },
    { name: 'followed', extra: [] },
  ];
  const sync = syncInput(rules);
  const monitor = nftMonitorCost(sync);
  log(
    `nft monitor: ${monitor.startCpuSeconds} CPU s to start, ${monitor.cpuSecondsPerSync} per sync`,
  );
  const idle: Record<string, number> = {};
  const syncing: Record<string, Record<string, number>> = {};
  const readsBySync: Record<string, Record<string, number>> = {};
  const intervals = values['sync-every'].split(',').map(Number);
  for (const variant of variants) {
    idle[variant.name] = (await agentCpuPerMinute(variant.extra, null, 60)).cpuSecondsPerMinute;
    log(`idle ${variant.name}: ${idle[variant.name]?.toFixed(2)} CPU s/min`);
    for (const every of intervals) {
      const withSyncs = await agentCpuPerMinute(variant.extra, sync, every);
      (syncing[`every${every}s`] ??= {})[variant.name] = withSyncs.cpuSecondsPerMinute;
      (readsBySync[`every${every}s`] ??= {})[variant.name] = withSyncs.reads;
      log(
        `syncs every ${every} s (${withSyncs.syncs}) ${variant.name}: ${withSyncs.cpuSecondsPerMinute.toFixed(2)} CPU s/min, ${withSyncs.reads} reads`,
      );
    }
  }
  const ratio = (table: Record<string, number>): number =>
    (table.periodic10s ?? 0) / (table.followed ?? 1);
  process.stdout.write(
    JSON.stringify({
      benchmark: 'rules and addresses: full read cost; agent CPU, periodic 10 s vs followed',
      services: cluster.services.length,
      rules: ruleCount,
      iptablesSaveBytes: saveBytes,
      modelServicePorts: reads[0]?.services,
      reads: reads.length,
      medianReadWallSeconds: median(reads.map((r) => r.wall)),
      medianReadAgentCpuSeconds: median(reads.map((r) => r.ownCpu)),
      medianReadToolsCpuSeconds: median(reads.map((r) => r.toolsCpu)),
      windowSeconds: Number(values.seconds),
      pollInterval: '2s (default)',
      idleCpuSecondsPerMinute: idle,
      idleRatio: ratio(idle),
      nftMonitor: monitor,
      syncCpuSecondsPerMinute: syncing,
      syncReadsInWindow: readsBySync,
      syncRatios: Object.fromEntries(
        Object.entries(syncing).map(([every, table]) => [every, ratio(table)]),
      ),
    }) + '\n',
  );
} finally {
  spawnSync('ip', ['netns', 'del', namespace], { stdio: 'inherit' });
}
