// Option parsers and errors shared by the commands.
import { InvalidArgumentError, Option } from 'commander';

/** Bad input or usage: the process exits with code 2 and the message. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
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

/** The `--output table|json` option every reporting command has. */
export function outputOption(): Option {
  return new Option('--output <format>', 'table for people, json for NDJSON records')
    .choices(['table', 'json'])
    .default('table');
}
