// Long-running snatscope processes for end-to-end tests (a collector, agents), optionally inside a
// network namespace, with their output kept for assertions and failure messages.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Lab } from '../../lab/lab.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** A started process and what it printed so far. */
export interface Daemon {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stderr line matching `pattern`; rejects on exit or after `timeoutMs`. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Sends `signal` and waits for the exit; SIGKILL after `graceMs`. Resolves with the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** Runs the built CLI (`bin/snatscope.js`, as operators do) with `args`, inside `namespace` if given. */
export function startSnatscope(args: readonly string[], namespace?: string): Daemon {
  const argv = [process.execPath, join(root, 'bin', 'snatscope.js'), ...args];
  const command = namespace ? ['ip', 'netns', 'exec', namespace, ...argv] : argv;
  const child = spawn(command[0] ?? 'ip', command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForStderr(pattern, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const line = stderr.split('\n').find((l) => pattern.test(l));
          if (line === undefined) return false;
          clearInterval(timer);
          resolve(line);
          return true;
        };
        const started = Date.now();
        const timer = setInterval(() => {
          if (check()) return;
          if (child.exitCode !== null || Date.now() - started > timeoutMs) {
            clearInterval(timer);
            reject(
              new Error(`no stderr line matching ${pattern} (exit ${child.exitCode}):\n${stderr}`),
            );
          }
        }, 50);
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 10_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Polls `probe` every 200 ms until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(
    `timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/** A collector on the lab's router and one streaming agent per node, started as operators run them. */
export interface LabPipeline {
  collector: Daemon;
  agents: Daemon[];
  /** The query API token's file (next to the store), for `snatscope flows --token-file`. */
  apiTokenFile: string;
}

/** Where the collector was told to listen and store: a restart with the same options continues it. */
export interface LabCollectorOptions {
  dbPath: string;
  grpcPort: number;
  httpListen: string;
}

/**
 * Starts `snatscope collector` in the lab's router namespace and `snatscope agent` in every node
 * namespace with 1 s polls; resolves once the collector listens.
 */
export async function startLabPipeline(
  lab: Lab,
  options: LabCollectorOptions & {
    /** Extra flags per agent, e.g. a --metrics-listen address. */
    agentArgs?: (node: string) => readonly string[];
  },
): Promise<LabPipeline> {
  const collector = startLabCollector(lab, options);
  await collector.waitForStderr(/collector listening/);
  const agents = startLabAgents(lab, [options.grpcPort], options.agentArgs);
  return { collector, agents, apiTokenFile: labApiTokenFile(options) };
}

/**
 * Starts `snatscope agent` in every node namespace with 1 s polls, given one `--collector` per
 * gRPC port of a collector on the lab's router (several: replicas sharing one store).
 */
export function startLabAgents(
  lab: Lab,
  grpcPorts: readonly number[],
  agentArgs?: (node: string) => readonly string[],
): Daemon[] {
  const { cluster } = lab;
  return cluster.nodes.map((node) =>
    startSnatscope(
      [
        'agent',
        '--node-name',
        node.name,
        ...grpcPorts.flatMap((port) => ['--collector', `${cluster.lanRouterIp}:${port}`]),
        '--insecure',
        '--poll-interval',
        '1s',
        ...(agentArgs?.(node.name) ?? []),
      ],
      lab.nodeNamespace(node.name),
    ),
  );
}

/** The query API token file of a lab collector: next to its store. */
export function labApiTokenFile(options: LabCollectorOptions): string {
  return join(dirname(options.dbPath), 'api-token');
}

/**
 * Starts `snatscope collector` in the lab's router namespace: gRPC on the LAN address, plaintext,
 * the NAT load balancer as --upstream-cidr, a query API token (lab-query-token) written next to
 * the store. A restart with the same options continues on the same file and port.
 */
export function startLabCollector(lab: Lab, options: LabCollectorOptions): Daemon {
  const { cluster } = lab;
  const apiTokenFile = labApiTokenFile(options);
  writeFileSync(apiTokenFile, 'lab-query-token\n');
  return startSnatscope(
    [
      'collector',
      '--grpc-listen',
      `${cluster.lanRouterIp}:${options.grpcPort}`,
      '--http-listen',
      options.httpListen,
      '--api-token-file',
      apiTokenFile,
      '--db',
      options.dbPath,
      '--upstream-cidr',
      `${cluster.natLoadBalancer.lanIp}/32`,
      '--insecure',
    ],
    lab.routerNamespace,
  );
}
