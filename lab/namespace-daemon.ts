// Long-running processes the demo starts inside lab namespaces (collector, agents, the HTTP relay):
// output goes to a log file rather than memory, and they stop gracefully (SIGTERM, then SIGKILL),
// which netns.ts's spawnInNamespace (memory-buffered output, SIGKILL only) is not made for.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, openSync, readFileSync } from 'node:fs';

/** A process started by startNamespaceDaemon. */
export interface NamespaceDaemon {
  /** What it is, for messages: "collector", "agent n1". */
  readonly name: string;
  readonly pid: number;
  /** The file that receives its stdout and stderr. */
  readonly logFile: string;
  /** The exit code or signal once it has exited; null while it runs. */
  exitStatus(): string | null;
  /** Resolves when the process exits (with exitStatus()). */
  readonly exited: Promise<string>;
  /**
   * Sends SIGTERM, then SIGKILL after `graceMs`; resolves once it is gone, with true when it
   * stopped within the grace period.
   */
  stop(graceMs: number): Promise<boolean>;
  /** SIGKILL without waiting: for a process 'exit' handler. */
  killSync(): void;
  /** The last `lines` lines of its log, for error messages. */
  logTail(lines?: number): string;
}

/**
 * Starts `argv` inside network namespace `namespace` (`ip netns exec`, which execs the command, so
 * the PID is the command's own) with stdout and stderr appended to `logFile`. The child gets its own
 * process group: a Ctrl-C in the terminal reaches only the demo, which then stops its children in
 * order instead of them racing it.
 */
export function startNamespaceDaemon(
  name: string,
  namespace: string,
  argv: readonly string[],
  logFile: string,
): NamespaceDaemon {
  const fd = openSync(logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn('ip', ['netns', 'exec', namespace, ...argv], {
      stdio: ['ignore', fd, fd],
      detached: true,
    });
  } finally {
    // The child holds its own copy of the descriptor.
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) {
    throw new Error(`${name}: could not start ip netns exec ${namespace} ${argv.join(' ')}`);
  }
  let status: string | null = null;
  const exited = once(child, 'exit').then(([code, signal]) => {
    status = code === null ? `signal ${String(signal)}` : `exit code ${String(code)}`;
    return status;
  });
  // A spawn error (e.g. no `ip`) also ends in 'exit'; without a listener it would be thrown.
  child.on('error', () => undefined);

  const signal = (sig: NodeJS.Signals): void => {
    if (status !== null) return;
    try {
      process.kill(pid, sig);
    } catch {
      // Already gone between the check and the kill.
    }
  };

  return {
    name,
    pid,
    logFile,
    exitStatus: () => status,
    exited,
    async stop(graceMs: number): Promise<boolean> {
      if (status !== null) return true;
      signal('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceful = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((resolve) => {
          timer = setTimeout(() => {
            resolve(false);
          }, graceMs);
        }),
      ]);
      clearTimeout(timer);
      if (!graceful) {
        signal('SIGKILL');
        await exited;
      }
      return graceful;
    },
    killSync(): void {
      signal('SIGKILL');
    },
    logTail(lines = 15): string {
      try {
        return readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
}
