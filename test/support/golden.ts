// Golden-file assertions: expected output lives in test/golden/; UPDATE_GOLDEN=1 rewrites it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Absolute path of a file under test/fixtures/. */
export function fixturePath(name: string): string {
  return join(root, 'test', 'fixtures', name);
}

/** Text of a file under test/fixtures/. */
export function readFixture(name: string): string {
  return readFileSync(fixturePath(name), 'utf8');
}

/** Compares `actual` with test/golden/<name>; with UPDATE_GOLDEN=1 it writes the file instead. */
export function assertGolden(name: string, actual: string): void {
  const path = join(root, 'test', 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  assert.ok(
    existsSync(path),
    `golden file ${path} is missing: run with UPDATE_GOLDEN=1 and review it`,
  );
  assert.equal(actual, readFileSync(path, 'utf8'), `output differs from golden file ${path}`);
}

/** Stable JSON for golden files: one value per line. */
export function toJsonLines(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join('\n') + '\n';
}
