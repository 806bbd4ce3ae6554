// The backend's own view of a TCP connection: bpftrace on the tracepoint sock:inet_sock_set_state
// (no kprobes needed, tracefs gives the argument layout) prints every passive open — SYN_RECV →
// ESTABLISHED — with the server socket's address and its peer, in every network namespace of the
// kernel. The program runs through the exec edge; its JSON lines are read by a pure parser.
import { existsSync } from 'node:fs';
import { runTool, startTool, ToolError, type RunningTool } from './exec.js';
import type { LineParseError } from './line-error.js';

/** One passive TCP open: the server socket's own address and its peer's. */
export interface SocketOpen {
  serverIp: string;
  serverPort: number;
  peerIp: string;
  peerPort: number;
}

/** What one line of `bpftrace -f json` output says. */
export type TracerLine =
  { type: 'attached'; probes: number } | { type: 'open'; open: SocketOpen } | { type: 'other' };

// oldstate 3 = TCP_SYN_RECV, newstate 1 = TCP_ESTABLISHED, protocol 6 = IPPROTO_TCP (MPTCP's
// subflows report 262), family 2 = AF_INET, else AF_INET6. `sport` is the server's own port.
export const PASSIVE_OPEN_PROGRAM = `tracepoint:sock:inet_sock_set_state
/args->oldstate == 3 && args->newstate == 1 && args->protocol == 6/
{
  if (args->family == 2) {
    printf("%s %d %s %d", ntop(args->saddr), args->sport, ntop(args->daddr), args->dport);
  } else {
    printf("%s %d %s %d", ntop(args->saddr_v6), args->sport, ntop(args->daddr_v6), args->dport);
  }
}`;

/** `-B line`: one event per write, not a 4 KiB block later (the join waits for it). */
export const BPFTRACE_ARGS: readonly string[] = [
  '-B',
  'line',
  '-f',
  'json',
  '-e',
  PASSIVE_OPEN_PROGRAM,
];

// A socket of an IPv6 listener that accepted IPv4 (dual stack) reports v4-mapped addresses;
// conntrack names the same connection by its IPv4 addresses.
const V4_MAPPED = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

function unmapped(ip: string): string {
  return V4_MAPPED.exec(ip)?.[1] ?? ip;
}

function port(text: string | undefined): number | null {
  if (text === undefined || !/^\d{1,5}$/.test(text)) return null;
  const value = Number(text);
  return value <= 65535 ? value : null;
}

/**
 * Reads one line of the program's `-f json` output; throws Error naming what is wrong with a
 * line that is not what the program prints. Blank lines (bpftrace's exit) are `other`.
 */
export function parseTracerLine(line: string): TracerLine {
  if (line.trim() === '') return { type: 'other' };
  const parsed = JSON.parse(line) as { type?: unknown; data?: unknown };
  if (parsed.type === 'attached_probes') {
    const data = parsed.data as { probes?: unknown } | undefined;
    return { type: 'attached', probes: typeof data?.probes === 'number' ? data.probes : 0 };
  }
  if (parsed.type !== 'printf') return { type: 'other' };
  if (typeof parsed.data !== 'string') throw new Error('printf line without text data');
  const fields = parsed.data.trim().split(' ');
  const [serverIp, serverPortText, peerIp, peerPortText] = fields;
  const serverPort = port(serverPortText);
  const peerPort = port(peerPortText);
  if (fields.length !== 4 || !serverIp || !peerIp || serverPort === null || peerPort === null) {
    throw new Error(`not "server-ip server-port peer-ip peer-port": ${parsed.data}`);
  }
  return {
    type: 'open',
    open: { serverIp: unmapped(serverIp), serverPort, peerIp: unmapped(peerIp), peerPort },
  };
}

/** Why the tracer is not running. */
export type TracerUnavailable =
  'no-bpftrace' | 'no-tracefs' | 'no-permission' | 'no-btf' | 'exited';

/**
 * The reason in bpftrace's own words (test/fixtures/bpftrace-0.17-*.stderr.txt): without tracefs
 * the tracepoint is "not found"; without CAP_BPF/CAP_PERFMON map creation is "Operation not
 * permitted"; as a non-root user it refuses to start.
 */
export function unavailableReason(error: ToolError, stderr: string): TracerUnavailable {
  if (error.failure === 'missing') return 'no-bpftrace';
  const text = `${stderr}\n${error.detail}`;
  if (/tracepoint not found|tracefs/i.test(text)) return 'no-tracefs';
  if (/Operation not permitted|Permission denied|only supports running as the root/i.test(text))
    return 'no-permission';
  if (/\bBTF\b/.test(text)) return 'no-btf';
  return 'exited';
}

/** Where the tracer reports. */
export interface TracerHandlers {
  open(open: SocketOpen): void;
  /** The probe is attached: opens from now on are seen. */
  attached(): void;
  /** A line the parser refused, or one over the length limit. */
  problem(error: LineParseError | Error): void;
}

/** The tracepoint's directory, in tracefs at either of its usual mount points. */
export const TRACEFS_DIRS: readonly string[] = ['/sys/kernel/tracing', '/sys/kernel/debug/tracing'];

/** Whether tracefs is mounted where bpftrace looks for the tracepoint's format. */
export function tracefsMounted(exists: (path: string) => boolean = existsSync): boolean {
  return TRACEFS_DIRS.some((dir) => exists(`${dir}/events/sock/inet_sock_set_state/format`));
}

/** Mounts tracefs at /sys/kernel/tracing (only when the operator allowed it: --mount-tracefs). */
export async function mountTracefs(): Promise<void> {
  await runTool('mount', ['-t', 'tracefs', 'nodev', '/sys/kernel/tracing']);
}

/** Why the tracer stopped by itself, and the start of bpftrace's stderr. */
export interface TracerStop {
  reason: TracerUnavailable;
  detail: string;
}

/** The running tracer; `done` resolves with why it stopped (null: stopped by stop()). */
export interface RunningTracer {
  done: Promise<TracerStop | null>;
  stop(): void;
}

/** Starts bpftrace with the passive-open program; its lines go to the handlers. */
export function startSocketTracer(handlers: TracerHandlers): RunningTracer {
  // The start of stderr says why bpftrace stopped; the RLIMIT_MEMLOCK warning is harmless.
  let stderr = '';
  const tool: RunningTool = startTool('bpftrace', BPFTRACE_ARGS, {
    line: (line) => {
      let parsed: TracerLine;
      try {
        parsed = parseTracerLine(line);
      } catch (error) {
        handlers.problem(
          new Error(`bpftrace: ${(error as Error).message}: "${line.slice(0, 200)}"`),
        );
        return;
      }
      if (parsed.type === 'open') handlers.open(parsed.open);
      else if (parsed.type === 'attached') handlers.attached();
    },
    stderrLine: (line) => {
      if (stderr.length < 4096) stderr += `${line}\n`;
    },
    overlong: (error) => {
      handlers.problem(error);
    },
  });
  let stopped = false;
  return {
    done: tool.done.then((error) => {
      if (stopped) return null;
      // bpftrace never ends by itself while attached: an exit without error is a failure too.
      const failure = error ?? new ToolError('bpftrace', [], 'exit', 'exited');
      return {
        reason: unavailableReason(failure, stderr),
        detail: stderr.trim() || failure.message,
      };
    }),
    stop: () => {
      stopped = true;
      tool.stop();
    },
  };
}
