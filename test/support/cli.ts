// Runs the snatscope CLI from the TypeScript sources, as a separate process.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Exit status and output of one CLI run. */
export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `snatscope <args>` (sources through tsx) and waits for it. */
export function runCli(args: readonly string[], options: { bin?: boolean } = {}): CliResult {
  const argv = options.bin
    ? [join(root, 'bin', 'snatscope.js'), ...args]
    : ['--import', 'tsx', join(root, 'cli', 'main.ts'), ...args];
  const result = spawnSync(process.execPath, argv, { cwd: root, encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Parses NDJSON output into objects. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
