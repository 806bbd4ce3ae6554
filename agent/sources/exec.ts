// The one place that spawns processes (execa 9). Every failure — a missing tool, a timeout, a
// non-zero exit, too much output — becomes a ToolError with the command and what went wrong, so
// callers can count it and go on instead of crashing. Output is read as it arrives and bounded:
// what is kept whole has a cap, lines have a maximum length, and stderr is kept only in part.
import { execa } from 'execa';
import type { LineParseError } from './line-error.js';
import { ByteLineSplitter, DEFAULT_MAX_LINE_BYTES, type ByteLineHandler } from './read-lines.js';

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

const MIB = 1024 * 1024;

/** Limits of one tool run. */
export interface ToolLimits {
  timeoutMs: number;
  /** Cap on the stdout of a tool whose output is kept whole (rules, JSON); it is killed past it. */
  maxBufferedBytes: number;
  /** Cap on all stdout of a tool read line by line (conntrack -L; skipped lines of iptables-save). */
  maxStreamedBytes: number;
  /** Longest line kept of line-based output; a longer one is skipped and reported. */
  maxLineBytes: number;
}

/**
 * Defaults for the DaemonSet's 128 MB heap. Kept output and the model parsed from it must fit in
 * that heap together, so kept output stops at 32 MiB. Conntrack output is parsed as it arrives and
 * never kept (a few hundred bytes per entry; 1M entries are some 350 MB), so its cap only stops a
 * runaway tool.
 */
export const DEFAULT_LIMITS: Readonly<ToolLimits> = Object.freeze({
  timeoutMs: 30_000,
  maxBufferedBytes: 32 * MIB,
  maxStreamedBytes: 1024 * MIB,
  maxLineBytes: DEFAULT_MAX_LINE_BYTES,
});

// Only the start of stderr is kept, for the error message: it says what went wrong.
const STDERR_KEPT_CHARS = 4096;

interface ExecaFailure {
  code?: string;
  timedOut?: boolean;
  isTerminated?: boolean;
  signal?: string;
  exitCode?: number;
  shortMessage?: string;
}

function toToolError(
  tool: string,
  args: readonly string[],
  error: unknown,
  stderr: string,
): ToolError {
  const failure = error as ExecaFailure;
  if (failure.code === 'ENOENT')
    return new ToolError(tool, args, 'missing', 'not installed or not on PATH');
  if (failure.timedOut) return new ToolError(tool, args, 'timeout', 'timed out');
  if (failure.isTerminated)
    return new ToolError(tool, args, 'signal', `killed by ${failure.signal ?? 'a signal'}`);
  const detail = stderr.trim().slice(0, 500) || failure.shortMessage || String(error);
  return new ToolError(tool, args, 'exit', `exit code ${failure.exitCode ?? '?'}: ${detail}`);
}

/** `33554432` → `32 MiB`: limits in errors read as they were set. */
function formatBytes(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`;
}

/** The failure of a tool stopped for printing more than `maxBytes`. */
function outputCap(tool: string, args: readonly string[], maxBytes: number): ToolError {
  return new ToolError(
    tool,
    args,
    'output-cap',
    `output over the ${formatBytes(maxBytes)} limit; stopped it`,
  );
}

/**
 * Runs a tool and hands each stdout chunk to onChunk as it arrives. Past `maxBytes` of output, or
 * when onChunk throws (outputCap's error when what it keeps is over its own limit), the tool is
 * killed and the run fails with that error. Throws ToolError, or what onChunk threw.
 */
async function pipeTool(
  tool: string,
  args: readonly string[],
  timeoutMs: number,
  maxBytes: number,
  onChunk: (chunk: Buffer) => void,
): Promise<void> {
  // An object, not lets: the fields are set in event callbacks.
  const output: { bytes: number; stopped: Error | null; stderr: string } = {
    bytes: 0,
    stopped: null,
    stderr: '',
  };
  const subprocess = execa(tool, args, { timeout: timeoutMs, buffer: false, stdin: 'ignore' });
  subprocess.stdout.on('data', (chunk: Buffer) => {
    if (output.stopped !== null) return;
    output.bytes += chunk.length;
    try {
      if (output.bytes > maxBytes) throw outputCap(tool, args, maxBytes);
      onChunk(chunk);
    } catch (error) {
      // Thrown in an event handler it would be uncaught: it fails the run instead.
      output.stopped = error instanceof Error ? error : new Error(String(error));
      subprocess.kill();
    }
  });
  subprocess.stderr.on('data', (chunk: Buffer) => {
    const room = STDERR_KEPT_CHARS - output.stderr.length;
    if (room > 0) output.stderr += chunk.toString('utf8', 0, Math.min(chunk.length, room));
  });
  try {
    await subprocess;
  } catch (error) {
    if (output.stopped !== null) throw output.stopped;
    throw toToolError(tool, args, error, output.stderr);
  }
  // A tool may exit by itself before the kill lands.
  if (output.stopped !== null) throw output.stopped;
}

/** Runs a tool to completion and returns its whole stdout (JSON documents); throws ToolError. */
export async function runTool(
  tool: string,
  args: readonly string[],
  limits: ToolLimits = DEFAULT_LIMITS,
): Promise<string> {
  const chunks: Buffer[] = [];
  await pipeTool(tool, args, limits.timeoutMs, limits.maxBufferedBytes, (chunk) => {
    chunks.push(chunk);
  });
  return Buffer.concat(chunks).toString('utf8');
}

/** Line-based output kept whole, and the over-long lines left out of it. */
export interface ToolText {
  /** The output with every over-long line replaced by an empty one, so line numbers stay right. */
  text: string;
  /** One error per over-long line, quoting its start. */
  skipped: LineParseError[];
}

/**
 * Runs a tool whose output is read as lines and kept (iptables-save): over-long lines are left out
 * as they arrive, never held whole. The kept lines are capped by maxBufferedBytes, the whole output
 * (skipped lines too) by maxStreamedBytes; throws ToolError.
 */
export async function runLineTool(
  tool: string,
  args: readonly string[],
  limits: ToolLimits = DEFAULT_LIMITS,
): Promise<ToolText> {
  const lines: string[] = [];
  const skipped: LineParseError[] = [];
  let kept = 0;
  const splitter = new ByteLineSplitter(
    (bytes, start, end) => {
      kept += end - start + 1;
      if (kept > limits.maxBufferedBytes) throw outputCap(tool, args, limits.maxBufferedBytes);
      lines.push(bytes.toString('utf8', start, end));
    },
    {
      maxLineBytes: limits.maxLineBytes,
      source: tool,
      onOverlong: (error) => {
        skipped.push(error);
        // Parsers skip blank lines, and the lines after it keep their numbers.
        lines.push('');
      },
    },
  );
  await pipeTool(tool, args, limits.timeoutMs, limits.maxStreamedBytes, (chunk) => {
    splitter.push(chunk);
  });
  splitter.end();
  return { text: lines.join('\n'), skipped };
}

/**
 * Runs a tool and hands its stdout to onLine line by line (as byte ranges, undecoded) as it
 * arrives, so big tables are never held in memory whole; over-long lines go to onOverlong. Resolves
 * with the line count, throws ToolError.
 */
export async function streamTool(
  tool: string,
  args: readonly string[],
  onLine: ByteLineHandler,
  onOverlong: (error: LineParseError) => void,
  limits: ToolLimits = DEFAULT_LIMITS,
): Promise<number> {
  const splitter = new ByteLineSplitter(onLine, {
    maxLineBytes: limits.maxLineBytes,
    source: tool,
    onOverlong,
  });
  await pipeTool(tool, args, limits.timeoutMs, limits.maxStreamedBytes, (chunk) => {
    splitter.push(chunk);
  });
  return splitter.end();
}

/** A long-running tool (such as `conntrack -E`) whose output is read line by line. */
export interface RunningTool {
  /** Resolves when the tool exits (with its failure, if any). */
  done: Promise<ToolError | null>;
  stop(): void;
}

/** Callbacks of a long-running tool: its stdout and stderr lines, and over-long lines skipped. */
export interface RunningToolHandlers {
  line: (line: string) => void;
  stderrLine: (line: string) => void;
  overlong: (error: LineParseError) => void;
}

/**
 * Starts a long-running tool; its output goes to the handlers line by line. With `coalesceMs`,
 * stdout is read at most that often: a tool that writes a line per event (conntrack -E flushes
 * each) would otherwise wake the agent once per line, which cost more than the lines; meanwhile
 * the output waits in the pipe (and, when that is full, in the tool).
 */
export function startTool(
  tool: string,
  args: readonly string[],
  handlers: RunningToolHandlers,
  maxLineBytes: number = DEFAULT_LIMITS.maxLineBytes,
  coalesceMs = 0,
): RunningTool {
  const subprocess = execa(tool, args, { buffer: false, stdin: 'ignore' });
  const splitter = (source: string, onLine: (line: string) => void): ByteLineSplitter =>
    new ByteLineSplitter(
      (bytes, start, end) => {
        onLine(bytes.toString('utf8', start, end));
      },
      { maxLineBytes, source, onOverlong: handlers.overlong },
    );
  const out = splitter(tool, handlers.line);
  const err = splitter(`${tool} (stderr)`, handlers.stderrLine);
  let resumeTimer: NodeJS.Timeout | null = null;
  subprocess.stdout.on('data', (chunk: Buffer) => {
    out.push(chunk);
    if (coalesceMs > 0 && resumeTimer === null) {
      subprocess.stdout.pause();
      resumeTimer = setTimeout(() => {
        resumeTimer = null;
        subprocess.stdout.resume();
      }, coalesceMs);
    }
  });
  subprocess.stderr.on('data', (chunk: Buffer) => {
    err.push(chunk);
  });
  let stopping = false;
  const done = subprocess.then(
    () => null,
    (error: unknown) => (stopping ? null : toToolError(tool, args, error, '')),
  );
  return {
    done,
    stop: () => {
      stopping = true;
      if (resumeTimer !== null) clearTimeout(resumeTimer);
      subprocess.stdout.resume();
      subprocess.kill('SIGTERM');
    },
  };
}
