// The demo's moving parts, started and stopped in one place: the lab, a collector on its router,
// one streaming agent per node, a loopback forward to the collector's HTTP API, and client traffic.
// Every resource is recorded before it is created so that stop() (or stopSync() from an 'exit'
// handler) removes exactly what this demo made, whatever step set-up failed or was interrupted at.
import { abortableSleep } from '../common/sleep.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultCluster, type Cluster } from './cluster.js';
import { checkHostPort, startHostForward, type HostForward } from './host-forward.js';
import { attachLab, createLab, type Lab } from './lab.js';
import { startNamespaceDaemon, type NamespaceDaemon } from './namespace-daemon.js';
import { listNamespaces, removeNamespaces, removeNamespacesSync, run } from './netns.js';
import { demoProbes, startTraffic, type TrafficDriver } from './traffic.js';

/** The collector's ports inside the router namespace (no clash with the host: another namespace). */
export const DEMO_GRPC_PORT = 9090;
/** The collector's HTTP port inside the router namespace. */
export const DEMO_HTTP_PORT = 9108;

const agentGraceMs = 5_000;
const collectorGraceMs = 10_000;
const readyTimeoutMs = 30_000;

/** What the demo is made of. */
export interface DemoConfig {
  /** Namespace prefix of the lab; must not be in use. */
  readonly prefix: string;
  /** The snatscope package root: `bin/snatscope.js` runs the collector and agents. */
  readonly packageRoot: string;
  /** Host loopback port for the collector's HTTP API. */
  readonly httpPort: number;
  /** Keep the work dir (logs, flow store) instead of removing it at the end. */
  readonly keepWorkDir: boolean;
  /** Where progress lines go. */
  readonly say: (line: string) => void;
}

/** Set-up stopped because the user asked (Ctrl-C, SIGTERM). */
export class DemoInterrupted extends Error {
  override readonly name = 'DemoInterrupted';
}

/** What the collector says about itself, read from /metrics. */
export interface CollectorStats {
  /** Entry flows counted (`snatscope_flows_total`, all labels). */
  readonly entryFlows: number;
  /** Flow rows in the store, entry and backend halves (`snatscope_store_flows`). */
  readonly storedRows: number;
  readonly agentsConnected: number;
}

/** What stop() did. */
export interface StopReport {
  /** "collector pid 123: exit code 0", one per process the demo started itself. */
  readonly processes: readonly string[];
  readonly namespacesRemoved: number;
  /** The work dir, and whether it was removed. */
  readonly workDir: { readonly path: string; readonly removed: boolean } | null;
  /** Anything that could not be cleaned up; empty when all is gone. */
  readonly problems: readonly string[];
}

/** Sums every sample of metric `name` (any labels) in a Prometheus text exposition. */
export function sumMetric(text: string, name: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!rest.startsWith('{') && !rest.startsWith(' ')) continue;
    const value = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

/**
 * The demo environment. The constructor does nothing; start() builds everything, stop() removes it
 * all (also after a failed or interrupted start), stopSync() is the last resort for 'exit'.
 */
export class DemoEnvironment {
  readonly cluster: Cluster = defaultCluster();
  private dir: string | null = null;
  private token: string | null = null;
  private namespaces: readonly string[] = [];
  private lab: Lab | null = null;
  private collector: NamespaceDaemon | null = null;
  private readonly agents: NamespaceDaemon[] = [];
  private forward: HostForward | null = null;
  private traffic: TrafficDriver | null = null;
  private stopping: Promise<StopReport> | undefined;

  constructor(private readonly config: DemoConfig) {}

  /** The temp dir holding logs, the flow store and the forward's socket; null before start(). */
  get workDir(): string | null {
    return this.dir;
  }

  /** The query API token (also in `<work dir>/api-token`); null before start(). */
  get apiToken(): string | null {
    return this.token;
  }

  /** The file holding the query API token, for `--token-file`; null before start(). */
  get apiTokenFile(): string | null {
    return this.dir === null ? null : join(this.dir, 'api-token');
  }

  /** The collector's HTTP API on the host, `http://127.0.0.1:PORT`; null until it is up. */
  get collectorUrl(): string | null {
    return this.forward?.url ?? null;
  }

  /** The lab's router namespace (where the collector runs). */
  get routerNamespace(): string {
    return `${this.config.prefix}-rt`;
  }

  /** The processes the demo started itself, with their PIDs and logs. */
  get daemons(): readonly NamespaceDaemon[] {
    return [
      ...(this.collector ? [this.collector] : []),
      ...this.agents,
      ...(this.forward ? [this.forward.relay] : []),
    ];
  }

  /**
   * Builds the lab, starts the collector, the loopback forward (checked with /readyz) and the agents
   * (checked by the collector's connected-agents gauge). Throws DemoInterrupted if `signal` aborts
   * between steps; either way the caller runs stop().
   */
  async start(signal: AbortSignal): Promise<void> {
    const { prefix, packageRoot, say } = this.config;
    const checkpoint = (): void => {
      if (signal.aborted) throw new DemoInterrupted('interrupted during set-up');
    };
    // Minutes of set-up are wasted if the port turns out to be taken at the end of it.
    await checkHostPort(this.config.httpPort);
    this.dir = mkdtempSync(join(tmpdir(), 'snatscope-demo-'));
    const dir = this.dir;
    say(`work dir (logs, flow store): ${dir}`);

    const clash = (await listNamespaces()).find((name) => name.startsWith(`${prefix}-`));
    if (clash !== undefined)
      throw new Error(`namespace ${clash} exists: prefix ${prefix} is taken`);
    // Known before anything exists, so even a half-built lab is removed by exact name.
    this.namespaces = attachLab(prefix, this.cluster).namespaces;
    checkpoint();

    say(`building the lab ${prefix}: ${this.namespaces.length} network namespaces …`);
    const started = Date.now();
    // keepAlive: the lab must not install its own SIGINT/SIGTERM hooks, which would tear it down
    // under the running agents; this class stops everything in order instead.
    this.lab = await createLab(this.cluster, { prefix, keepAlive: true });
    const lab = this.lab;
    say(
      `lab ${prefix} is up in ${((Date.now() - started) / 1000).toFixed(1)} s: nodes ` +
        this.cluster.nodes.map((n) => `${n.name} ${n.ip}`).join(', ') +
        `; clients ${this.cluster.clients.map((c) => `${c.name} ${c.ip}`).join(', ')}`,
    );
    checkpoint();

    // A fresh token per run: the forward makes the API reachable to anyone on this host.
    this.token = randomBytes(24).toString('base64url');
    writeFileSync(join(dir, 'api-token'), `${this.token}\n`, { mode: 0o600 });
    const bin = join(packageRoot, 'bin', 'snatscope.js');
    const routerIp = this.cluster.lanRouterIp;
    this.collector = startNamespaceDaemon(
      'collector',
      lab.routerNamespace,
      [
        process.execPath,
        bin,
        'collector',
        ['--grpc-listen', `${routerIp}:${DEMO_GRPC_PORT}`],
        ['--http-listen', `0.0.0.0:${DEMO_HTTP_PORT}`],
        ['--api-token-file', join(dir, 'api-token')],
        ['--db', join(dir, 'flows.db')],
        // The NAT load balancer's LAN side: its clients lost their IP before reaching a node.
        ['--upstream-cidr', `${this.cluster.natLoadBalancer.lanIp}/32`],
        '--insecure',
      ].flat(),
      join(dir, 'collector.log'),
    );
    say(
      `collector (pid ${this.collector.pid}) in ${lab.routerNamespace}: gRPC ${routerIp}:${DEMO_GRPC_PORT}, ` +
        `HTTP :${DEMO_HTTP_PORT}`,
    );

    this.forward = await startHostForward({
      hostPort: this.config.httpPort,
      namespace: lab.routerNamespace,
      targetHost: '127.0.0.1',
      targetPort: DEMO_HTTP_PORT,
      socketPath: join(dir, 'collector-http.sock'),
      logFile: join(dir, 'relay.log'),
    });
    const url = this.forward.url;
    await this.waitFor(
      async () => (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) })).ok,
      `the collector to answer ${url}/readyz`,
      [this.collector],
      signal,
    );
    say(
      `collector API on the host: ${url} (forwarded into ${lab.routerNamespace}, relay pid ${this.forward.relay.pid}): /readyz answered`,
    );
    checkpoint();

    for (const node of this.cluster.nodes) {
      const agent = startNamespaceDaemon(
        `agent ${node.name}`,
        lab.nodeNamespace(node.name),
        [
          process.execPath,
          bin,
          'agent',
          ['--node-name', node.name],
          ['--collector', `${routerIp}:${DEMO_GRPC_PORT}`],
          '--insecure',
          ['--poll-interval', '1s'],
        ].flat(),
        join(dir, `agent-${node.name}.log`),
      );
      this.agents.push(agent);
    }
    const wanted = this.agents.length;
    await this.waitFor(
      async () => (await this.collectorStats()).agentsConnected >= wanted,
      `${wanted} agents to connect to the collector`,
      [this.collector, ...this.agents],
      signal,
    );
    say(
      `agents connected: ${this.agents.map((a) => `${a.name} (pid ${a.pid})`).join(', ')}, polling every 1 s`,
    );
    say(`pod servers: ${(await this.podServerPids()).join(' ')}`);
    checkpoint();
  }

  /** Starts the client traffic (every way in, round after round); returns its driver. */
  startTraffic(): TrafficDriver {
    if (this.lab === null) throw new Error('startTraffic before start()');
    this.traffic ??= startTraffic(this.lab, demoProbes(this.cluster));
    return this.traffic;
  }

  /** Counters from the collector's /metrics, through the loopback forward. */
  async collectorStats(): Promise<CollectorStats> {
    if (this.forward === null) throw new Error('the collector forward is not up');
    const response = await fetch(`${this.forward.url}/metrics`, {
      signal: AbortSignal.timeout(5000),
    });
    if (!response.ok) throw new Error(`GET /metrics: HTTP ${response.status}`);
    const text = await response.text();
    return {
      entryFlows: sumMetric(text, 'snatscope_flows_total'),
      storedRows: sumMetric(text, 'snatscope_store_flows'),
      agentsConnected: sumMetric(text, 'snatscope_agents_connected'),
    };
  }

  // PIDs of the lab's own processes (pod servers): everything in its namespaces but our daemons.
  private async podServerPids(): Promise<number[]> {
    const ours = new Set(this.daemons.map((d) => d.pid));
    const pids: number[] = [];
    for (const namespace of this.namespaces) {
      const { stdout } = await run(['ip', 'netns', 'pids', namespace]);
      for (const word of stdout.split(/\s+/)) {
        if (/^\d+$/.test(word) && !ours.has(Number(word))) pids.push(Number(word));
      }
    }
    return pids;
  }

  // Polls `ready` every 250 ms; fails early when one of `watched` exits, quoting its log.
  private async waitFor(
    ready: () => Promise<boolean>,
    what: string,
    watched: readonly NamespaceDaemon[],
    signal: AbortSignal,
  ): Promise<void> {
    const deadline = Date.now() + readyTimeoutMs;
    let last = '';
    for (;;) {
      if (signal.aborted) throw new DemoInterrupted(`interrupted while waiting for ${what}`);
      const dead = watched.find((d) => d.exitStatus() !== null);
      if (dead) {
        throw new Error(
          `${dead.name} exited (${dead.exitStatus() ?? ''}) while waiting for ${what}; ` +
            `last lines of ${dead.logFile}:\n${dead.logTail()}`,
        );
      }
      try {
        if (await ready()) return;
      } catch (error) {
        last = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
      }
      if (Date.now() > deadline) {
        const logs = watched.map((d) => `--- ${d.logFile}\n${d.logTail(8)}`).join('\n');
        throw new Error(
          `timed out after ${readyTimeoutMs / 1000} s waiting for ${what}` +
            `${last ? ` (last error: ${last})` : ''}\n${logs}`,
        );
      }
      await abortableSleep(250, signal);
    }
  }

  /**
   * Stops traffic, agents, then the collector (SIGTERM, SIGKILL after a grace period), closes the
   * forward, destroys the lab and removes the work dir (unless kept). Idempotent; never throws:
   * whatever could not be removed is listed in the report's problems.
   */
  stop(): Promise<StopReport> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<StopReport> {
    const problems: string[] = [];
    const attempt = async (what: string, step: () => Promise<unknown>): Promise<void> => {
      try {
        await step();
      } catch (error) {
        problems.push(`${what}: ${(error as Error).message}`);
      }
    };
    await attempt('stopping the traffic', async () => this.traffic?.stop());
    const daemons = this.daemons;
    const stopped = (d: NamespaceDaemon, graceful: boolean): string =>
      `${d.name} pid ${d.pid}: ${d.exitStatus() ?? 'still running'}${graceful ? '' : ' (killed after the grace period)'}`;
    const processes: string[] = [];
    // Agents first, so the collector stores and acknowledges their last batches before it stops.
    await attempt('stopping the agents', async () => {
      const results = await Promise.all(this.agents.map((a) => a.stop(agentGraceMs)));
      this.agents.forEach((a, i) => processes.push(stopped(a, results[i] ?? false)));
    });
    const collector = this.collector;
    if (collector !== null) {
      await attempt('stopping the collector', async () => {
        processes.unshift(stopped(collector, await collector.stop(collectorGraceMs)));
      });
    }
    const forward = this.forward;
    if (forward !== null) {
      await attempt('closing the HTTP forward', async () => {
        await forward.close(agentGraceMs);
        processes.push(stopped(forward.relay, true));
      });
    }
    let present: string[] = [];
    await attempt('listing network namespaces', async () => {
      const existing = new Set(await listNamespaces());
      present = this.namespaces.filter((name) => existing.has(name));
    });
    await attempt('destroying the lab', async () => this.lab?.destroy());
    await attempt('removing the lab namespaces', async () => {
      // What the lab did not remove (it failed half-way, or never returned): by our exact names.
      const existing = new Set(await listNamespaces());
      const left = this.namespaces.filter((name) => existing.has(name));
      if (left.length > 0) await removeNamespaces(left);
      const prefix = `${this.config.prefix}-`;
      const still = (await listNamespaces()).filter((name) => name.startsWith(prefix));
      if (still.length > 0) throw new Error(`namespaces still present: ${still.join(' ')}`);
    });
    for (const d of daemons.filter((d) => d.exitStatus() === null)) {
      problems.push(`${d.name} pid ${d.pid} is still running`);
    }
    let workDir: StopReport['workDir'] = null;
    if (this.dir !== null) {
      const path = this.dir;
      if (this.config.keepWorkDir) workDir = { path, removed: false };
      else {
        await attempt(`removing ${path}`, () => {
          rmSync(path, { recursive: true, force: true });
          return Promise.resolve();
        });
        workDir = { path, removed: true };
      }
    }
    return { processes, namespacesRemoved: present.length, workDir, problems };
  }

  /** For a process 'exit' handler, when stop() could not run or finish: kills and removes by name. */
  stopSync(): void {
    for (const daemon of this.daemons) daemon.killSync();
    removeNamespacesSync(this.namespaces);
    if (this.dir !== null && !this.config.keepWorkDir) {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}
