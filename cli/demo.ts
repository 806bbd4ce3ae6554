// `snatscope demo`: the whole system on the real kernel in one command. Builds the three-node
// kube-proxy lab in network namespaces, runs the real collector and agents in it, drives client
// traffic through every way in, prints the per-Service verdicts and removes everything at the end.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { accessSync, constants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { delimiter, join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { DemoEnvironment, DemoInterrupted, type StopReport } from '../lab/demo.js';
import { newPrefix } from '../lab/lab.js';
import type { TrafficStats } from '../lab/traffic.js';
import { packageRoot } from '../common/package-root.js';
import { durationMs } from './options.js';
import { fetchServices, servicesTable } from './query.js';

/** Tools the lab runs; the install script provides them on Debian. */
export const DEMO_TOOLS = ['ip', 'iptables-restore', 'nft', 'conntrack', 'ipset'] as const;

const progressEveryMs = 5_000;
const firstVerdictsAfterMs = 15_000;

interface DemoOptions {
  duration?: number;
  httpPort: number;
  keepLogs: boolean;
}

/** A demo that could not run or clean up; the action prints it and sets the exit code. */
export class DemoFailure extends Error {
  override readonly name = 'DemoFailure';

  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

function tcpPort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidArgumentError('expected a TCP port, 1-65535');
  }
  return port;
}

/** The tools among `tools` that are not executable anywhere on PATH. */
export function missingTools(tools: readonly string[], path = process.env.PATH ?? ''): string[] {
  const dirs = path.split(delimiter).filter((d) => d !== '');
  return tools.filter(
    (tool) =>
      !dirs.some((dir) => {
        try {
          accessSync(join(dir, tool), constants.X_OK);
          return true;
        } catch {
          return false;
        }
      }),
  );
}

async function ensureTools(root: string, say: (line: string) => void): Promise<void> {
  const missing = missingTools(DEMO_TOOLS);
  if (missing.length === 0) return;
  const script = join(root, 'scripts', 'install-system-deps.sh');
  say(`missing tools: ${missing.join(', ')}; installing the Debian packages with ${script}`);
  const child = spawn('bash', [script], { stdio: ['ignore', 'inherit', 'inherit'] });
  const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
  if (code !== 0) {
    throw new DemoFailure(
      `${script} failed (${code === null ? `signal ${String(signal)}` : `exit code ${code}`}); ` +
        `install iptables, nftables, conntrack, ipset and iproute2, then run the demo again`,
      1,
    );
  }
  const still = missingTools(DEMO_TOOLS);
  if (still.length > 0) {
    throw new DemoFailure(
      `still missing after installing: ${still.join(', ')} (is /usr/sbin on PATH?)`,
      1,
    );
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)
    .toString()
    .padStart(3)}s`;
}

function progressLine(elapsedMs: number, traffic: TrafficStats, collector: string): string {
  const unexpected =
    traffic.unexpected > 0 && traffic.lastUnexpected !== null
      ? `${traffic.unexpected} unexpected (last: ${traffic.lastUnexpected})`
      : `${traffic.unexpected} unexpected`;
  return (
    `[${seconds(elapsedMs)}] probes: ${traffic.sent} sent, ${traffic.answered} answered, ` +
    `${traffic.droppedAsExpected} dropped as expected (Local policy, no local endpoint), ${unexpected}` +
    ` | collector: ${collector}`
  );
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, Math.max(0, ms));
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function describeReport(report: StopReport): string[] {
  const lines = report.processes.map((p) => `stopped ${p}`);
  if (report.namespacesRemoved > 0) {
    lines.push(
      `removed ${report.namespacesRemoved} network namespaces (and every veth inside them)`,
    );
  }
  if (report.workDir !== null) {
    lines.push(
      report.workDir.removed
        ? `removed ${report.workDir.path}`
        : `kept ${report.workDir.path} (--keep-logs): collector.log, agent-*.log, relay.log, flows.db`,
    );
  }
  return lines;
}

async function runDemo(options: DemoOptions): Promise<void> {
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const say = (line: string): void => {
    out(`demo: ${line}`);
  };
  if (process.getuid?.() !== 0) {
    throw new DemoFailure(
      'needs root: it creates network namespaces and loads iptables rules (try: sudo npx snatscope demo)',
      1,
    );
  }
  const root = packageRoot();
  await ensureTools(root, say);

  const prefix = newPrefix();
  const env = new DemoEnvironment({
    prefix,
    packageRoot: root,
    httpPort: options.httpPort,
    keepWorkDir: options.keepLogs,
    say,
  });
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      out(`\ndemo: ${signal}: stopping and cleaning up (send it again to force) …`);
      controller.abort(signal);
      return;
    }
    out(`demo: ${signal} again: forcing the clean-up`);
    // The 'exit' handler below kills what is left and deletes the namespaces synchronously.
    process.exit(128 + osConstants.signals[signal]);
  };
  // Last resort (an uncaught error, a forced exit): nothing of the demo may outlive the process.
  const onExit = (): void => {
    env.stopSync();
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  process.on('exit', onExit);

  say(
    `lab prefix: ${prefix} (namespaces ${prefix}-*); ` +
      (options.duration === undefined
        ? 'runs until Ctrl-C'
        : `runs for ${options.duration / 1000} s after set-up, or until Ctrl-C`),
  );
  let failure: unknown = null;
  try {
    await env.start(controller.signal);
    await drive(env, options, controller.signal, out, say);
  } catch (error) {
    failure = error;
  }
  const report = await env.stop();
  for (const line of describeReport(report)) say(line);
  for (const signal of signals) process.off(signal, onSignal);
  process.off('exit', onExit);

  if (failure instanceof DemoInterrupted) {
    // The handler aborts with the signal's name as the reason.
    const signal = controller.signal.reason as NodeJS.Signals;
    throw new DemoFailure(
      `interrupted during set-up by ${signal}; everything it made was removed`,
      128 + osConstants.signals[signal],
    );
  }
  if (failure !== null) {
    const message = failure instanceof Error ? failure.message : JSON.stringify(failure);
    const cleaned =
      report.problems.length === 0
        ? 'everything it made was removed'
        : `and the clean-up failed too:\n  ${report.problems.join('\n  ')}`;
    throw new DemoFailure(`${message}\n(${cleaned})`, 1);
  }
  if (report.problems.length > 0) {
    throw new DemoFailure(`clean-up incomplete:\n  ${report.problems.join('\n  ')}`, 1);
  }
  say('done: nothing left behind');
}

// The running phase: traffic, progress every 5 s, verdicts after 15 s and at the end.
async function drive(
  env: DemoEnvironment,
  options: DemoOptions,
  signal: AbortSignal,
  out: (line: string) => void,
  say: (line: string) => void,
): Promise<void> {
  const url = env.collectorUrl;
  if (url === null) throw new Error('the collector forward is not up');
  const traffic = env.startTraffic();
  const started = Date.now();
  const end = options.duration === undefined ? Infinity : started + options.duration;
  const client = env.cluster.clients[0]?.ip ?? '';
  say(
    'sending traffic from the clients through every way in: NodePorts on n1-n3, LoadBalancer IPs, ' +
      'the external IP and the external NAT load balancer (TCP and UDP; Cluster and Local policy)',
  );
  const whereToLook = (): void => {
    out('');
    out('Where to look (while the demo runs):');
    // A throwaway token of a loopback-only lab: printed so it can be pasted into the page.
    out(`  web page: ${url}/ (sign in with the API token ${env.apiToken ?? '-'})`);
    out(`  curl ${url}/metrics`);
    out(`  export SNATSCOPE_TOKEN=$(cat ${env.apiTokenFile ?? '<work dir>/api-token'})`);
    out(`  npx snatscope services --collector ${url}`);
    out(`  npx snatscope flows --collector ${url} --client ${client}`);
    out(`  logs: ${env.workDir ?? '-'} (collector.log, agent-n1.log … ; kept with --keep-logs)`);
    out('');
  };
  whereToLook();

  const verdicts = async (title: string): Promise<void> => {
    try {
      const services = await fetchServices({
        collector: new URL(url),
        token: env.apiToken,
        ca: null,
      });
      out('');
      out(`${title} (the same as \`snatscope services --collector ${url}\`):`);
      out('');
      process.stdout.write(
        services.length === 0 ? 'no Services reported yet\n' : servicesTable(services),
      );
      out('');
      out(
        'CLIENT IP KEPT counts against the real client: SNAT ON NODE are flows a node rewrote, ' +
          'LOST UPSTREAM those that came through the NAT load balancer (--upstream-cidr), whose ' +
          'client was gone before any node saw them.',
      );
      out('');
    } catch (error) {
      say(`could not read the verdicts: ${(error as Error).message}`);
    }
  };
  const progress = async (): Promise<void> => {
    let collector: string;
    try {
      const stats = await env.collectorStats();
      collector =
        `${stats.entryFlows} entry flows (${stats.storedRows} rows stored), ` +
        `${stats.agentsConnected} agents connected`;
    } catch (error) {
      collector = `unreachable (${(error as Error).message})`;
    }
    say(progressLine(Date.now() - started, traffic.stats(), collector));
  };

  // A 15 s table in a run that ends soon after would only repeat the final one.
  let verdictsDue = end - started >= firstVerdictsAfterMs + progressEveryMs;
  let nextProgress = started + progressEveryMs;
  // A function, not signal.aborted read in place: it is re-checked after every await.
  const stopped = (): boolean => signal.aborted;
  while (!stopped() && Date.now() < end) {
    const wakeAt = Math.min(
      nextProgress,
      verdictsDue ? started + firstVerdictsAfterMs : Infinity,
      end,
    );
    await sleep(wakeAt - Date.now(), signal);
    // The final progress line and verdicts follow the loop.
    if (stopped() || Date.now() >= end) break;
    const dead = env.daemons.find((d) => d.exitStatus() !== null);
    if (dead) {
      throw new Error(
        `${dead.name} (pid ${dead.pid}) exited unexpectedly (${dead.exitStatus() ?? ''}); ` +
          `last lines of ${dead.logFile}:\n${dead.logTail()}`,
      );
    }
    const now = Date.now();
    if (now >= nextProgress) {
      await progress();
      nextProgress += progressEveryMs;
    }
    if (verdictsDue && now >= started + firstVerdictsAfterMs) {
      verdictsDue = false;
      await verdicts(`Per-Service verdicts after ${Math.round((now - started) / 1000)} s`);
      whereToLook();
    }
  }
  await traffic.stop();
  await progress();
  await verdicts(`Final per-Service verdicts after ${Math.round((Date.now() - started) / 1000)} s`);
}

/** The demo command. */
export function demoCommand(): Command {
  return new Command('demo')
    .description(
      'Run a three-node kube-proxy lab in network namespaces with the real agent and collector: ' +
        'client traffic through NodePorts, LoadBalancer IPs and a NAT load balancer, then the ' +
        'per-Service verdicts (Cluster policy loses the client IP, Local keeps it, the NAT load ' +
        'balancer loses it upstream). Needs root.',
    )
    .option(
      '--duration <duration>',
      'stop after this long of traffic, e.g. 40s or 5m (default: until Ctrl-C)',
      durationMs,
    )
    .addOption(
      new Option('--http-port <port>', 'host loopback port of the collector’s HTTP API')
        .argParser(tcpPort)
        .default(9108),
    )
    .option('--keep-logs', 'keep the temp dir with the logs and the flow store', false)
    .addHelpText(
      'after',
      '\nWhat it does: checks root and the tools (ip, iptables-restore, nft, conntrack, ipset; missing\n' +
        'ones are installed with scripts/install-system-deps.sh), builds the lab (namespaces named\n' +
        '<prefix>-*, nothing added to the host’s interfaces), starts a collector on the lab’s router\n' +
        'and an agent on each node, forwards the collector’s API and web page to http://127.0.0.1:<--http-port>,\n' +
        'sends probes continuously, prints progress every 5 s and the verdicts after 15 s and at the\n' +
        'end. Ctrl-C, SIGTERM or --duration stops it: agents and collector get SIGTERM (SIGKILL after\n' +
        'a grace period), the lab and the temp dir are removed. Exit 0 when all went well and nothing\n' +
        'is left behind; 1 on a failure (after cleaning up); 128+signal when interrupted in set-up.',
    )
    .action(async (options: DemoOptions) => {
      try {
        await runDemo(options);
      } catch (error) {
        if (!(error instanceof DemoFailure)) throw error;
        process.stderr.write(`snatscope demo: ${error.message}\n`);
        process.exitCode = error.exitCode;
      }
    });
}
