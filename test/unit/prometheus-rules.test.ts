// The shipped Prometheus rules (deploy/prometheus/rules.yaml) must load in Prometheus' own checker
// and pass their unit tests (test/prometheus/rules.test.yaml), and those tests must cover every
// alert both firing and not firing. promtool is a test prerequisite: without it this fails rather
// than skips, so a machine that lacks it cannot report the rules as tested.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const rulesFile = join('deploy', 'prometheus', 'rules.yaml');
const testsFile = join('test', 'prometheus', 'rules.test.yaml');

/** Runs promtool from the repository root; fails with the install hint when it is missing. */
function promtool(args: readonly string[]): string {
  const result = spawnSync('promtool', args, { cwd: root, encoding: 'utf8', timeout: 60_000 });
  if (result.error && (result.error as NodeJS.ErrnoException).code === 'ENOENT') {
    assert.fail(
      'promtool is not installed: run `bash scripts/install-system-deps.sh` as root (Debian package prometheus)',
    );
  }
  const output = `${result.stdout}${result.stderr}`;
  assert.equal(result.status, 0, `promtool ${args.join(' ')} failed:\n${output}`);
  return output;
}

/** Alert names defined in the rule file (`- alert: Name` lines). */
function alertNames(): string[] {
  const text = readFileSync(join(root, rulesFile), 'utf8');
  return [...text.matchAll(/^\s*-\s*alert:\s*(\S+)\s*$/gm)].map((m) => m[1] ?? '');
}

/**
 * Every alert_rule_test case of the test file as (alert, fires): one case starts at its
 * `- eval_time:` line and fires when `exp_alerts:` is followed by a list rather than `[]`. A regex
 * walk instead of a YAML parser: the project has no YAML dependency, and the file's layout is ours.
 */
function testCases(): { alert: string; fires: boolean }[] {
  const text = readFileSync(join(root, testsFile), 'utf8');
  return text
    .split(/^\s*-\s*eval_time:/m)
    .slice(1)
    .flatMap((chunk) => {
      const alert = /^\s*alertname:\s*(\S+)\s*$/m.exec(chunk)?.[1];
      const expected = /^\s*exp_alerts:(.*)$/m.exec(chunk);
      if (alert === undefined || expected === null) return [];
      return [{ alert, fires: (expected[1] ?? '').trim() !== '[]' }];
    });
}

describe('Prometheus rules (promtool)', () => {
  it('promtool check rules accepts deploy/prometheus/rules.yaml', () => {
    const output = promtool(['check', 'rules', rulesFile]);
    assert.match(output, /SUCCESS: \d+ rules found/, output);
  });

  it('promtool test rules passes test/prometheus/rules.test.yaml', () => {
    const output = promtool(['test', 'rules', testsFile]);
    assert.match(output, /SUCCESS/, output);
  });

  it('the unit tests cover every alert both firing and not firing', () => {
    const alerts = alertNames();
    assert.deepEqual(
      [...alerts].sort(),
      [
        'SnatscopeAgentDown',
        'SnatscopeAgentStale',
        'SnatscopeClientIpLostOnLocalService',
        'SnatscopeCredentialsUnusable',
        'SnatscopeIngestErrors',
        'SnatscopeTrafficToNodesWithoutLocalEndpoints',
      ],
      'the alerts issues 6 and 10 ask for',
    );
    const cases = testCases();
    for (const alert of alerts) {
      assert.ok(
        cases.some((c) => c.alert === alert && c.fires),
        `${testsFile} has a case where ${alert} fires`,
      );
      assert.ok(
        cases.some((c) => c.alert === alert && !c.fires),
        `${testsFile} has a case where ${alert} does not fire`,
      );
    }
    for (const c of cases) {
      assert.ok(alerts.includes(c.alert), `${testsFile} tests a defined alert: ${c.alert}`);
    }
  });

  it('every alert has a for duration, a severity label and summary/description annotations', () => {
    const text = readFileSync(join(root, rulesFile), 'utf8');
    // Each alert's text runs from its `- alert:` line to the next rule (`- alert:` or `- record:`).
    const blocks = text
      .split(/^(?=\s*-\s*(?:alert|record):)/m)
      .filter((b) => /^\s*-\s*alert:/.test(b));
    assert.equal(blocks.length, alertNames().length, 'one block per alert');
    for (const block of blocks) {
      const name = /alert:\s*(\S+)/.exec(block)?.[1] ?? '?';
      assert.match(block, /^\s*for:\s*\d+[smh]\s*$/m, `${name} has a for duration`);
      assert.match(block, /^\s*severity:\s*(critical|warning|info)\s*$/m, `${name} has a severity`);
      assert.match(block, /^\s*summary:/m, `${name} has a summary`);
      assert.match(block, /^\s*description:/m, `${name} has a description`);
    }
  });
});
