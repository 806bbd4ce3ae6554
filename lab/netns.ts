// Network-namespace plumbing for the lab: the only module that runs commands. Every `ip` call
// names its namespace (`ip -n`), so nothing here can touch the root namespace by mistake.
import { execa, execaSync } from 'execa';

/** What a successful command printed. */
export interface CommandOutput {
  readonly stdout: string;
  readonly stderr: string;
}

/** A command that could not start or exited non-zero; the message quotes command, exit code and stderr. */
export class CommandError extends Error {
  override readonly name = 'CommandError';

  constructor(
    readonly command: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
    detail: string | undefined,
  ) {
    super(
      `command failed (exit code ${exitCode ?? 'none'}): ${command}\n${stderr.trim() || (detail ?? '')}`,
    );
  }
}

/** How to run a command. */
export interface RunOptions {
  /** Written to the command's stdin. */
  readonly input?: string;
  /** Exit codes that count as success; default `[0]`. */
  readonly allowExitCodes?: readonly number[];
  /** A hung command fails after this long; default 30 s (a load run says how long it lasts). */
  readonly timeoutMs?: number;
}

/** Runs `argv` (no shell); throws CommandError unless it exits with an allowed code in time. */
export async function run(
  argv: readonly string[],
  options: RunOptions = {},
): Promise<CommandOutput> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('run: empty command');
  const result = await execa(file, args, {
    reject: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : 'pipe',
    // A hung command fails instead of hanging the lab.
    timeout: options.timeoutMs ?? 30_000,
  });
  const allowed = options.allowExitCodes ?? [0];
  if (result.exitCode === undefined || result.timedOut || !allowed.includes(result.exitCode)) {
    throw new CommandError(argv.join(' '), result.exitCode, result.stderr, result.shortMessage);
  }
  return { stdout: result.stdout, stderr: result.stderr };
}

/** Runs `argv` inside network namespace `namespace` (`ip netns exec`). */
export function runInNamespace(
  namespace: string,
  argv: readonly string[],
  options: RunOptions = {},
): Promise<CommandOutput> {
  return run(['ip', 'netns', 'exec', namespace, ...argv], options);
}

function ip(namespace: string, args: readonly string[]): Promise<CommandOutput> {
  return run(['ip', '-n', namespace, ...args]);
}

/** Creates network namespace `name` with its loopback up. */
export async function addNamespace(name: string): Promise<void> {
  await run(['ip', 'netns', 'add', name]);
  await ip(name, ['link', 'set', 'lo', 'up']);
}

/** Names of all network namespaces (`ip netns list`). */
export async function listNamespaces(): Promise<string[]> {
  const { stdout } = await run(['ip', '-j', 'netns', 'list']);
  return parseNamespaceList(stdout);
}

function parseNamespaceList(json: string): string[] {
  // iproute2 prints nothing at all, not "[]", when there are no namespaces.
  if (json.trim() === '') return [];
  const parsed = JSON.parse(json) as { name: string }[];
  return parsed.map((entry) => entry.name);
}

function parsePids(text: string): number[] {
  return text
    .split(/\s+/)
    .filter((word) => /^\d+$/.test(word))
    .map(Number);
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // Already gone: that is what we wanted.
  }
}

/**
 * Kills every process still inside each namespace, by PID, then deletes the namespace. A deleted
 * namespace with a process left inside would live on unnamed, so the kill comes first.
 * Missing namespaces are skipped, which makes this idempotent.
 */
export async function removeNamespaces(names: readonly string[]): Promise<void> {
  const existing = new Set(await listNamespaces());
  await Promise.all(
    names
      .filter((name) => existing.has(name))
      .map(async (name) => {
        const { stdout } = await run(['ip', 'netns', 'pids', name]);
        for (const pid of parsePids(stdout)) killQuietly(pid);
        await run(['ip', 'netns', 'del', name]);
      }),
  );
}

/** removeNamespaces for a process 'exit' handler, where nothing asynchronous runs; never throws. */
export function removeNamespacesSync(names: readonly string[]): void {
  const listed = execaSync('ip', ['-j', 'netns', 'list'], { reject: false });
  const existing = new Set(listed.failed ? names : parseNamespaceList(listed.stdout));
  for (const name of names.filter((n) => existing.has(n))) {
    const pids = execaSync('ip', ['netns', 'pids', name], { reject: false });
    for (const pid of parsePids(pids.stdout)) killQuietly(pid);
    execaSync('ip', ['netns', 'del', name], { reject: false });
  }
}

/** Kills `pids` with SIGKILL, ignoring those already gone. */
export function killPids(pids: readonly number[]): void {
  for (const pid of pids) killQuietly(pid);
}

/** Creates a veth pair with one end in each namespace (created in place, never in the root namespace). */
export async function addVethPair(
  namespace: string,
  name: string,
  peerNamespace: string,
  peerName: string,
): Promise<void> {
  await ip(namespace, [
    'link',
    'add',
    name,
    'type',
    'veth',
    'peer',
    'name',
    peerName,
    'netns',
    peerNamespace,
  ]);
}

/** Creates bridge `name` in `namespace` and brings it up. */
export async function addBridge(namespace: string, name: string): Promise<void> {
  await ip(namespace, ['link', 'add', name, 'type', 'bridge']);
  await linkUp(namespace, name);
}

/**
 * Enslaves `device` to `bridge`. `hairpin` lets a frame leave by the port it came in on: with
 * br_netfilter, a pod reaching itself through its Service is DNATed back to its own port
 * (kubelet and the CNI bridge plugin turn it on for the same reason).
 */
export async function attachToBridge(
  namespace: string,
  device: string,
  bridge: string,
  options: { hairpin: boolean },
): Promise<void> {
  await ip(namespace, ['link', 'set', device, 'master', bridge]);
  if (options.hairpin) {
    await ip(namespace, ['link', 'set', device, 'type', 'bridge_slave', 'hairpin', 'on']);
  }
}

/** Brings `device` up. */
export async function linkUp(namespace: string, device: string): Promise<void> {
  await ip(namespace, ['link', 'set', device, 'up']);
}

/** Adds `cidr` (address/prefix) to `device`. */
export async function addAddress(namespace: string, device: string, cidr: string): Promise<void> {
  await ip(namespace, ['addr', 'add', cidr, 'dev', device]);
}

/** Adds a route to `destination` (`default` or a prefix) via gateway `via`. */
export async function addRoute(namespace: string, destination: string, via: string): Promise<void> {
  await ip(namespace, ['route', 'add', destination, 'via', via]);
}

/**
 * Sets sysctls inside `namespace`. With `ignoreMissing`, keys this kernel lacks are skipped
 * (`sysctl -e`) instead of failing.
 */
export async function setSysctls(
  namespace: string,
  settings: Readonly<Record<string, string | number>>,
  options: { ignoreMissing: boolean } = { ignoreMissing: false },
): Promise<void> {
  const assignments = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  const flags = options.ignoreMissing ? ['-q', '-e', '-w'] : ['-q', '-w'];
  await runInNamespace(namespace, ['sysctl', ...flags, ...assignments]);
}

/** A long-running process started inside a namespace. */
export interface NamespaceProcess {
  readonly pid: number;
  /** Resolves once the process prints `line` on stdout; rejects if it exits first or `timeoutMs` passes. */
  waitForLine(line: string, timeoutMs: number): Promise<void>;
  /** Lets this Node.js process exit while the child keeps running (for a lab that outlives its CLI). */
  release(): void;
  /** SIGKILLs the process and waits for it to be gone. */
  kill(): Promise<void>;
}

/** Starts `argv` inside `namespace` in the background; `detached` children survive this process. */
export function spawnInNamespace(
  namespace: string,
  argv: readonly string[],
  options: { detached: boolean },
): NamespaceProcess {
  const command = ['ip', 'netns', 'exec', namespace, ...argv];
  // `ip netns exec` execs the command after setns, so the PID is the command's own.
  const subprocess = execa(command[0] ?? 'ip', command.slice(1), {
    reject: false,
    buffer: false,
    stdin: 'ignore',
    detached: options.detached,
    // execa's cleanup kills children when this process exits: wrong for a lab meant to outlive it.
    cleanup: !options.detached,
  });
  const pid = subprocess.pid;
  if (pid === undefined) {
    throw new CommandError(command.join(' '), undefined, '', 'the process did not start');
  }
  let stdout = '';
  let stderr = '';
  subprocess.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  subprocess.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = subprocess.then((result) => result);
  let released = false;

  return {
    pid,
    waitForLine(line: string, timeoutMs: number): Promise<void> {
      return new Promise<void>((resolve, reject) => {
        let settled = false;
        const settle = (error?: Error): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          subprocess.stdout.off('data', check);
          if (error) reject(error);
          else resolve();
        };
        const check = (): void => {
          if (stdout.split('\n').includes(line)) settle();
        };
        const timer = setTimeout(() => {
          const detail = `no "${line}" within ${timeoutMs} ms`;
          settle(new CommandError(command.join(' '), undefined, stderr, detail));
        }, timeoutMs);
        subprocess.stdout.on('data', check);
        void exited.then((result) => {
          settle(new CommandError(command.join(' '), result.exitCode, stderr, result.shortMessage));
        });
        check();
      });
    },
    release(): void {
      released = true;
      subprocess.stdout.destroy();
      subprocess.stderr.destroy();
      subprocess.unref();
    },
    async kill(): Promise<void> {
      killQuietly(pid);
      // A released child no longer keeps this process alive, so its exit might never be seen.
      if (!released) await exited;
    },
  };
}
