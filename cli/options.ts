// Option parsers and errors shared by the commands.
import { InvalidArgumentError, Option } from 'commander';
import { parseCidr, type Cidr } from '../common/cidr.js';
import { parseByteSize } from '../common/byte-size.js';
import { parseDuration } from '../common/duration.js';
import type { InputProblem } from '../agent/snapshot.js';

/** Bad input or usage: the process exits with code 2 and the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The command could not do its job (exit code 1); the message says why, without a stack. */
export class CommandFailure extends Error {
  readonly exitCode = 1;
}

/** Accumulates a repeatable option. */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** Parses a positive integer option value. */
export function positiveInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number <= 0) {
    throw new InvalidArgumentError('expected a positive integer');
  }
  return number;
}

/** A whole number ≥ 0 (0 usually turns a limit off). */
export function nonNegativeInteger(value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) {
    throw new InvalidArgumentError('expected a whole number ≥ 0');
  }
  return number;
}

/** The `--output table|json` option every reporting command has. */
export function outputOption(): Option {
  return new Option('--output <format>', 'table for people, json for NDJSON records')
    .choices(['table', 'json'])
    .default('table');
}

/** Parses a duration option value ("500ms", "2s", "1m", "7d") into milliseconds. */
export function durationMs(value: string): number {
  const ms = parseDuration(value);
  if (ms === null) throw new InvalidArgumentError('expected a duration such as 500ms, 2s, 1m, 7d');
  return ms;
}

/** Parses a size option value ("256Mi", "1Gi", "500M") into bytes. */
export function byteSize(value: string): number {
  const bytes = parseByteSize(value);
  if (bytes === null) throw new InvalidArgumentError('expected a size such as 256Mi, 1Gi, 500M');
  return bytes;
}

/** Parses "host:port" (IPv6 as "[::1]:9100") for listen options. */
export function listenAddress(value: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value);
  const port = Number(match?.[3]);
  if (!match || port > 65535)
    throw new InvalidArgumentError('expected HOST:PORT, e.g. 0.0.0.0:9108');
  return { host: match[1] ?? (match[2] || '0.0.0.0'), port };
}

/** file:line: reason: "text" — how bad input is shown to people. */
export function describeProblem(problem: InputProblem): string {
  const where =
    problem.lineNumber === null ? problem.source : `${problem.source}:${problem.lineNumber}`;
  return problem.text === null
    ? `${where}: ${problem.reason}`
    : `${where}: ${problem.reason}: "${problem.text}"`;
}

/** Accumulates a repeatable CIDR option (`--pod-cidr`), rejecting malformed values. */
export function collectCidr(value: string, previous: Cidr[]): Cidr[] {
  const cidr = parseCidr(value);
  if (!cidr) throw new InvalidArgumentError('expected a CIDR such as 10.244.1.0/24');
  return [...previous, cidr];
}
