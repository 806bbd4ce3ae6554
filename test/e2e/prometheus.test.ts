// The shipped Grafana dashboard and Prometheus rules against a real Prometheus: a collector on the
// lab's router and one streaming agent per node (as collector-lab.test.ts runs them), traffic
// through every way into the lab (drops at nodes without a local endpoint included), then
// /usr/bin/prometheus inside the router namespace scrapes the collector every second with
// deploy/prometheus/rules.yaml loaded. Every dashboard variable and every panel target must return
// data through Prometheus' query API. Needs root (network namespaces) and the Debian prometheus
// package (scripts/install-system-deps.sh).
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { defaultCluster } from '../../lab/cluster.js';
import { createLab, newPrefix, type Lab } from '../../lab/lab.js';
import { listNamespaces } from '../../lab/netns.js';
import { eventually, startLabPipeline, type Daemon } from '../support/daemon.js';
import { expectations } from '../support/lab-expectations.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cluster = defaultCluster();
const PROMETHEUS = '/usr/bin/prometheus';
const GRPC_PORT = 9090;
const HTTP_PORT = 9108;
// Not 9090: that is Prometheus' default and the collector's gRPC port in the other lab tests.
const PROMETHEUS_ADDRESS = '127.0.0.1:9091';
const rulesFile = join(root, 'deploy', 'prometheus', 'rules.yaml');
const dashboardFile = join(root, 'deploy', 'grafana', 'snatscope-dashboard.json');
// A healthy lab has no ingest errors: their panel shows zeros, every other panel a positive value.
const ZERO_WHEN_HEALTHY = new Set(['Ingest errors']);
// Rates and histogram quantiles need several samples at a 1 s scrape, and drop counters reach the
// collector only when an agent re-reads the rules (every 10 s).
const DATA_TIMEOUT_MS = 90_000;

/** One query target of a dashboard panel. */
interface Target {
  readonly refId: string;
  readonly expr: string;
}
/** A dashboard panel (rows have no targets). */
interface Panel {
  readonly title: string;
  readonly type: string;
  readonly targets?: readonly Target[];
}
/** A dashboard template variable. */
interface Variable {
  readonly name: string;
  readonly type: string;
  readonly query: string | { readonly query: string };
}
/** The parts of the dashboard JSON this test reads. */
interface Dashboard {
  readonly schemaVersion: number;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly Variable[] };
}
/** One series of an instant query result. */
interface Sample {
  readonly metric: Record<string, string>;
  readonly value: [number, string];
}
/** A Prometheus HTTP API answer. */
interface ApiResponse<T> {
  readonly status: string;
  readonly data: T;
  readonly error?: string;
}
/** The vector (or scalar) data of /api/v1/query. */
interface QueryData {
  readonly resultType: string;
  readonly result: readonly Sample[] | [number, string];
}
/** The data of /api/v1/rules. */
interface RulesData {
  readonly groups: readonly {
    readonly name: string;
    readonly rules: readonly {
      readonly name: string;
      readonly type: string;
      readonly health: string;
      readonly lastError?: string;
    }[];
  }[];
}

const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as Dashboard;
const queryPanels = dashboard.panels.filter((p) => (p.targets?.length ?? 0) > 0);
const variableNames = dashboard.templating.list
  .filter((v) => v.type === 'query')
  .map((v) => v.name);

/**
 * A panel expression as Grafana would send it with every variable at "All": the query variables
 * become `.*` (their allValue), Grafana's interval macros fixed windows long enough for 1 s scrapes.
 */
function substitute(expr: string): string {
  let out = expr
    .replaceAll('$__rate_interval', '1m')
    .replaceAll('$__interval', '15s')
    .replaceAll('$__range', '5m');
  for (const name of variableNames) {
    // A multi-value variable expands to an alternation: only a regex matcher can take it.
    const uses = out.split(new RegExp(`\\$\\{?${name}\\b\\}?`)).length - 1;
    const inRegex = out.split(new RegExp(`=~\\s*"\\$\\{?${name}\\b\\}?"`)).length - 1;
    assert.equal(inRegex, uses, `every $${name} in a =~ matcher: ${expr}`);
    out = out.replace(new RegExp(`\\$\\{?${name}\\b\\}?`, 'g'), '.*');
  }
  assert.ok(!out.includes('$'), `no variable left unsubstituted in ${out}`);
  return out;
}

/** Names of the rules (alerts and recording rules) in the rule file. */
function ruleNames(): string[] {
  const text = readFileSync(rulesFile, 'utf8');
  return [...text.matchAll(/^\s*-\s*(?:alert|record):\s*(\S+)\s*$/gm)].map((m) => m[1] ?? '');
}

/** True when some sample of the result is a finite number above 0. */
function hasPositive(data: QueryData): boolean {
  const values =
    data.resultType === 'scalar'
      ? [(data.result as [number, string])[1]]
      : (data.result as readonly Sample[]).map((s) => s.value[1]);
  return values.some((v) => Number.isFinite(Number(v)) && Number(v) > 0);
}

/** Series count (1 for a scalar) of a query result. */
function seriesCount(data: QueryData): number {
  return data.resultType === 'scalar' ? 1 : (data.result as readonly Sample[]).length;
}

/** "{labels} value" lines of a result, for the test's diagnostics. */
function describeResult(data: QueryData): string {
  if (data.resultType === 'scalar') return (data.result as [number, string])[1];
  return (data.result as readonly Sample[])
    .map((s) => {
      const labels = Object.entries(s.metric)
        .filter(([k]) => k !== 'job' && k !== 'instance')
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
      return `{${labels}} ${s.value[1]}`;
    })
    .join('; ');
}

describe('Prometheus scrapes the collector: rules load, every dashboard query has data', () => {
  let lab: Lab;
  let dir: string;
  let collector: Daemon | null = null;
  const agents: Daemon[] = [];
  let prometheus: ChildProcess | null = null;
  let prometheusLog = '';
  const { replies, drops } = expectations();

  /**
   * GETs each path from Prometheus inside the router namespace (its listener exists only there)
   * with one short node process, and returns the parsed JSON bodies in order.
   */
  async function get<T>(paths: readonly string[]): Promise<ApiResponse<T>[]> {
    const script =
      'const [base, ...paths] = JSON.parse(process.argv[1]);' +
      'Promise.all(paths.map((p) => fetch(base + p).then((r) => r.text())))' +
      '.then((bodies) => process.stdout.write(JSON.stringify(bodies)));';
    const out = await lab.exec(lab.routerNamespace, [
      process.execPath,
      '-e',
      script,
      JSON.stringify([`http://${PROMETHEUS_ADDRESS}`, ...paths]),
    ]);
    return (JSON.parse(out.stdout) as string[]).map((body) => JSON.parse(body) as ApiResponse<T>);
  }

  /** Instant queries, each answered with its data; a query error fails the test at once. */
  async function query(exprs: readonly string[]): Promise<QueryData[]> {
    const answers = await get<QueryData>(
      exprs.map((e) => `/api/v1/query?query=${encodeURIComponent(e)}`),
    );
    return answers.map((a, i) => {
      if (a.status !== 'success') {
        throw new assert.AssertionError({
          message: `query failed: ${exprs[i] ?? ''}: ${a.error ?? ''}`,
        });
      }
      return a.data;
    });
  }

  /** Sends every probe of the lab once: answered ways in, and drops at nodes without endpoints. */
  async function probeAll(): Promise<void> {
    for (const e of [...replies, ...drops]) {
      await lab.probe({ ...e.probe, timeoutMs: 1000 });
    }
  }

  before(async () => {
    assert.ok(
      existsSync(PROMETHEUS),
      `${PROMETHEUS} is missing: run \`bash scripts/install-system-deps.sh\` as root`,
    );
    dir = mkdtempSync(join(tmpdir(), 'snatscope-prometheus-'));
    lab = await createLab(cluster, { prefix: newPrefix() });
    const pipeline = await startLabPipeline(lab, {
      dbPath: join(dir, 'flows.db'),
      grpcPort: GRPC_PORT,
      httpListen: `127.0.0.1:${HTTP_PORT}`,
    });
    collector = pipeline.collector;
    agents.push(...pipeline.agents);
    // First round before Prometheus runs: every Service, node and cause gets its series.
    await probeAll();

    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global:',
        '  scrape_interval: 1s',
        '  evaluation_interval: 1s',
        'rule_files:',
        `  - ${JSON.stringify(rulesFile)}`,
        'scrape_configs:',
        '  - job_name: snatscope-collector',
        '    static_configs:',
        `      - targets: ['127.0.0.1:${HTTP_PORT}']`,
        '',
      ].join('\n'),
    );
    // `ip netns exec` execs Prometheus after setns, so the child's PID is Prometheus' own.
    const child = spawn(
      'ip',
      [
        'netns',
        'exec',
        lab.routerNamespace,
        PROMETHEUS,
        `--config.file=${join(dir, 'prometheus.yml')}`,
        `--storage.tsdb.path=${join(dir, 'tsdb')}`,
        `--web.listen-address=${PROMETHEUS_ADDRESS}`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    prometheus = child;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (prometheusLog += chunk));
    await eventually(
      async () => {
        assert.equal(child.exitCode, null, `prometheus exited:\n${prometheusLog}`);
        const [up] = await query(['up{job="snatscope-collector"} == 1']);
        return up && seriesCount(up) === 1 ? true : undefined;
      },
      'Prometheus to scrape the collector',
      30_000,
    );
    // Second round while Prometheus scrapes: rates over the last minute see the counters grow.
    await probeAll();
  });

  after(async () => {
    if (prometheus && prometheus.exitCode === null && prometheus.signalCode === null) {
      const exited = once(prometheus, 'exit');
      prometheus.kill('SIGTERM');
      const timer = setTimeout(() => prometheus?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all(agents.map((a) => a.stop()));
    await collector?.stop();
    const prefix = lab.prefix;
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
    assert.ok(!existsSync(dir), `temp dir ${dir} removed`);
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
    assert.deepEqual(left, [], 'the lab removed every namespace it made');
  });

  it('loads every rule of deploy/prometheus/rules.yaml and evaluates it without error', async () => {
    const expected = ruleNames();
    assert.ok(expected.length >= 5, `rules found in ${rulesFile}: ${expected.join()}`);
    const rules = await eventually(
      async () => {
        const [answer] = await get<RulesData>(['/api/v1/rules']);
        const loaded = (answer?.data.groups ?? []).flatMap((g) => g.rules);
        // health stays "unknown" until the first evaluation.
        return expected.every((name) => loaded.some((r) => r.name === name && r.health === 'ok'))
          ? loaded
          : undefined;
      },
      'every rule loaded and evaluated',
      30_000,
    );
    for (const name of expected) {
      const rule = rules.find((r) => r.name === name);
      assert.ok(rule, `rule ${name} loaded`);
      assert.equal(rule.health, 'ok', `${name}: ${rule.lastError ?? ''}`);
    }
  });

  it('every dashboard variable has values', async (t) => {
    assert.ok(dashboard.schemaVersion >= 36, `schemaVersion ${dashboard.schemaVersion}`);
    const datasource = dashboard.templating.list.find((v) => v.name === 'datasource');
    assert.ok(datasource, 'a datasource variable');
    assert.equal(datasource.type, 'datasource', 'the datasource variable picks a data source');
    assert.equal(datasource.query, 'prometheus', 'of Prometheus data sources');
    for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
      const text = typeof variable.query === 'string' ? variable.query : variable.query.query;
      const match = /^label_values\((\w+),\s*(\w+)\)$/.exec(text);
      assert.ok(match, `$${variable.name} is label_values(metric, label): ${text}`);
      const [, metric = '', label = ''] = match;
      const values = await eventually(
        async () => {
          const [answer] = await get<string[]>([
            `/api/v1/label/${label}/values?match[]=${encodeURIComponent(metric)}`,
          ]);
          return answer && answer.data.length > 0 ? answer.data : undefined;
        },
        `values of $${variable.name}`,
        DATA_TIMEOUT_MS,
      );
      t.diagnostic(`$${variable.name} = ${values.join(', ')}`);
    }
  });

  it('on live data: the drop alert goes pending, the alerts for faults the lab lacks stay silent', async (t) => {
    // The lab drops Local-policy traffic at nodes without endpoints (the probes above), masquerades
    // Local traffic only for node-local and hairpin clients, and runs every agent without errors.
    const alerts = await eventually(
      async () => {
        const [answer] = await get<{ alerts: { labels: Record<string, string>; state: string }[] }>(
          ['/api/v1/alerts'],
        );
        const list = answer?.data.alerts ?? [];
        return list.some(
          (a) => a.labels.alertname === 'SnatscopeTrafficToNodesWithoutLocalEndpoints',
        )
          ? list
          : undefined;
      },
      'SnatscopeTrafficToNodesWithoutLocalEndpoints pending',
      DATA_TIMEOUT_MS,
    );
    for (const a of alerts) t.diagnostic(`${a.state}: ${JSON.stringify(a.labels)}`);
    const names = new Set(alerts.map((a) => a.labels.alertname));
    for (const silent of [
      'SnatscopeClientIpLostOnLocalService',
      'SnatscopeAgentDown',
      'SnatscopeAgentStale',
      'SnatscopeIngestErrors',
    ]) {
      assert.ok(!names.has(silent), `${silent} is not active: ${JSON.stringify(alerts)}`);
    }
  });

  for (const panel of queryPanels) {
    it(`panel "${panel.title}" (${panel.type}): every target returns data`, async (t) => {
      const targets = panel.targets ?? [];
      const exprs = targets.map((target) => substitute(target.expr));
      const zeroOk = ZERO_WHEN_HEALTHY.has(panel.title);
      let last: QueryData[] = [];
      const results = await eventually(
        async () => {
          last = await query(exprs);
          const complete = last.every((d) => seriesCount(d) > 0);
          return complete && (zeroOk || last.some(hasPositive)) ? last : undefined;
        },
        `data for every target of "${panel.title}"`,
        DATA_TIMEOUT_MS,
      ).catch((error: unknown) => {
        const seen = exprs.map((e, i) => `${e} → ${last[i] ? describeResult(last[i]) : '?'}`);
        throw new Error(`${(error as Error).message}\n${seen.join('\n')}`);
      });
      results.forEach((data, i) => {
        assert.ok(seriesCount(data) > 0, `${exprs[i] ?? ''} returned a result`);
        t.diagnostic(`${targets[i]?.refId ?? '?'}: ${exprs[i] ?? ''} → ${describeResult(data)}`);
      });
    });
  }
});
