// The one place that spawns processes (execa 9). Every failure — a missing tool, a timeout, a
// non-zero exit, too much output — becomes a ToolError with the command and what went wrong, so
// callers can count it and go on instead of crashing.
import { execa, type ResultPromise } from 'execa';
import { ByteLineSplitter, LineSplitter, type ByteLineHandler } from './read-lines.js';

/** Why a tool run failed. */
export type ToolFailure = 'missing' | 'timeout' | 'exit' | 'output-cap' | 'signal';

/** A failed tool run. */
export class ToolError extends Error {
  constructor(
    readonly tool: string,
    readonly args: readonly string[],
    readonly failure: ToolFailure,
    readonly detail: string,
  ) {
    super(`${[tool, ...args].join(' ')}: ${failure}: ${detail}`);
    this.name = 'ToolError';
  }
}

/** Limits of one tool run. */
export interface ToolLimits {
  timeoutMs: number;
  /** Cap on stdout bytes; the tool is killed past it. */
  maxBytes: number;
}

/** Defaults sized for a node with a few hundred thousand conntrack entries. */
export const DEFAULT_LIMITS: ToolLimits = { timeoutMs: 30_000, maxBytes: 1 << 30 };

interface ExecaFailure {
  code?: string;
  timedOut?: boolean;
  isMaxBuffer?: boolean;
  isTerminated?: boolean;
  signal?: string;
  exitCode?: number;
  stderr?: unknown;
  shortMessage?: string;
}

function toToolError(tool: string, args: readonly string[], error: unknown): ToolError {
  const failure = error as ExecaFailure;
  const stderr = typeof failure.stderr === 'string' ? failure.stderr.trim().slice(0, 500) : '';
  if (failure.code === 'ENOENT')
    return new ToolError(tool, args, 'missing', 'not installed or not on PATH');
  if (failure.timedOut) return new ToolError(tool, args, 'timeout', 'timed out');
  if (failure.isMaxBuffer)
    return new ToolError(tool, args, 'output-cap', 'output larger than the cap');
  if (failure.isTerminated)
    return new ToolError(tool, args, 'signal', `killed by ${failure.signal ?? 'a signal'}`);
  const detail = stderr || failure.shortMessage || String(error);
  return new ToolError(tool, args, 'exit', `exit code ${failure.exitCode ?? '?'}: ${detail}`);
}

/** Runs a tool to completion and returns its stdout; throws ToolError. */
export async function runTool(
  tool: string,
  args: readonly string[],
  limits: ToolLimits = DEFAULT_LIMITS,
): Promise<string> {
  try {
    const result = await execa(tool, args, {
      timeout: limits.timeoutMs,
      maxBuffer: limits.maxBytes,
      stripFinalNewline: false,
      stdin: 'ignore',
    });
    return result.stdout;
  } catch (error) {
    throw toToolError(tool, args, error);
  }
}

/**
 * Runs a tool and hands its stdout to onLine line by line (as byte ranges, undecoded) as it
 * arrives, so big tables are never held in memory whole; resolves with the line count, throws
 * ToolError.
 */
export async function streamTool(
  tool: string,
  args: readonly string[],
  onLine: ByteLineHandler,
  limits: ToolLimits = DEFAULT_LIMITS,
): Promise<number> {
  const splitter = new ByteLineSplitter(onLine);
  // An object, not a let: the flag is set in an event callback.
  const output = { bytes: 0, capped: false };
  const subprocess: ResultPromise = execa(tool, args, {
    timeout: limits.timeoutMs,
    buffer: { stdout: false, stderr: true },
    stdin: 'ignore',
  });
  subprocess.stdout?.on('data', (chunk: Buffer) => {
    output.bytes += chunk.length;
    if (output.bytes > limits.maxBytes) {
      output.capped = true;
      subprocess.kill();
      return;
    }
    splitter.push(chunk);
  });
  try {
    await subprocess;
  } catch (error) {
    if (output.capped)
      throw new ToolError(tool, args, 'output-cap', `more than ${limits.maxBytes} bytes`);
    throw toToolError(tool, args, error);
  }
  return splitter.end();
}

/** A long-running tool (such as `conntrack -E`) whose output is read line by line. */
export interface RunningTool {
  /** Resolves when the tool exits (with its failure, if any). */
  done: Promise<ToolError | null>;
  stop(): void;
}

/** Starts a long-running tool; stdout and stderr lines go to the callbacks. */
export function startTool(
  tool: string,
  args: readonly string[],
  onLine: (line: string) => void,
  onStderrLine: (line: string) => void,
): RunningTool {
  const subprocess = execa(tool, args, { buffer: false, stdin: 'ignore' });
  const out = new LineSplitter(onLine);
  const err = new LineSplitter(onStderrLine);
  subprocess.stdout.setEncoding('utf8');
  subprocess.stderr.setEncoding('utf8');
  subprocess.stdout.on('data', (chunk: string) => {
    out.push(chunk);
  });
  subprocess.stderr.on('data', (chunk: string) => {
    err.push(chunk);
  });
  let stopping = false;
  const done = subprocess.then(
    () => null,
    (error: unknown) => (stopping ? null : toToolError(tool, args, error)),
  );
  return {
    done,
    stop: () => {
      stopping = true;
      subprocess.kill('SIGTERM');
    },
  };
}
