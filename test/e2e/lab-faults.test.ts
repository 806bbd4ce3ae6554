// The collector down for 60 s while the lab's agents keep seeing 1,000 new connections a second, on
// the real kernel: every record the agents emitted is stored once after the collector is back
// (counted against the agents' own emitted counters), and every flow is counted once per Service.
// Needs root (network namespaces).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { storedRows } from '../support/stored-rows.js';
import { defaultCluster } from '../../lab/cluster.js';
import { createLab, newPrefix, type Lab } from '../../lab/lab.js';
import { listNamespaces, runInNamespace } from '../../lab/netns.js';
import {
  eventually,
  labApiTokenFile,
  startLabCollector,
  startLabPipeline,
  type Daemon,
} from '../support/daemon.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cluster = defaultCluster();
const GRPC_PORT = 9090;
const HTTP_PORT = 9108;
const AGENT_METRICS = '127.0.0.1:9400';
const RATE = 1000;
const OUTAGE_MS = 60_000;

/** Sums the samples of `name` whose labels include `labels` in Prometheus text `text`. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match?.[1] !== name) continue;
    const set = match[2] ?? '';
    if (Object.entries(labels).every(([k, v]) => set.includes(`${k}="${v}"`))) {
      sum += Number(match[3]);
    }
  }
  return sum;
}

describe('collector down for 60 s under 1,000 new flows/s on a live lab', () => {
  let lab: Lab;
  let dir: string;
  let collector: Daemon | null = null;
  const agents: Daemon[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-lab-faults-'));
    lab = await createLab(cluster, { prefix: newPrefix() });
  });

  after(async () => {
    await collector?.stop();
    await Promise.all(agents.map((agent) => agent.stop()));
    const prefix = lab.prefix;
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(`${prefix}-`));
    assert.deepEqual(left, [], 'every namespace of the lab was removed');
  });

  /** An agent's /metrics, read inside its node's namespace. */
  async function agentMetrics(node: string): Promise<string> {
    const script = `fetch('http://${AGENT_METRICS}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t))`;
    return (await lab.exec(lab.nodeNamespace(node), [process.execPath, '-e', script])).stdout;
  }

  it('stores every record the agents emitted, once', async (t) => {
    const db = join(dir, 'flows.db');
    const options = { dbPath: db, grpcPort: GRPC_PORT, httpListen: `0.0.0.0:${HTTP_PORT}` };
    const pipeline = await startLabPipeline(lab, {
      ...options,
      agentArgs: () => ['--metrics-listen', AGENT_METRICS],
    });
    collector = pipeline.collector;
    agents.push(...pipeline.agents);
    const entry = cluster.nodes[0];
    assert.ok(entry);
    // shop/api (Cluster policy, backends on n2 and n3) through n1's NodePort: an entry half on
    // n1 and a backend half on the backend's node for every connection.
    const loadMs = OUTAGE_MS + 20_000;
    // Two clients at half the rate each, with the whole ephemeral port range: no connection reuses
    // an earlier one's addresses and ports (the kernel would give it the same conntrack id, and the
    // store rightly takes it for the same connection).
    const clients = ['c1', 'c2'];
    const loads = clients.map(async (client) => {
      const namespace = lab.clientNamespace(client);
      await lab.exec(namespace, ['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535']);
      const { stdout } = await runInNamespace(
        namespace,
        [
          process.execPath,
          join(root, 'lab', 'load-client.mjs'),
          '--ip',
          entry.ip,
          '--port',
          '30080',
          '--rate',
          String(RATE / clients.length),
          '--duration-ms',
          String(loadMs),
        ],
        { timeoutMs: loadMs + 60_000 },
      );
      return JSON.parse(stdout) as { opened: number; answered: number };
    });
    const emittedOpen = async (node: string): Promise<number> => {
      const text = await agentMetrics(node);
      return (
        sample(text, 'snatscope_agent_records_emitted_total', { phase: 'open', kind: 'flow' }) +
        sample(text, 'snatscope_agent_records_emitted_total', { phase: 'open', kind: 'backend' })
      );
    };
    await eventually(
      async () => ((await emittedOpen(entry.name)) > 1000 ? true : undefined),
      'the agents reporting the load',
      60_000,
    );
    await collector.stop('SIGKILL');
    const downAt = Date.now();
    const emittedAtKill = await emittedOpen(entry.name);
    // The outage itself is the scenario: its length is what is being tested, not a wait for a result.
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - downAt))),
    );
    const emittedDuringOutage = (await emittedOpen(entry.name)) - emittedAtKill;
    collector = startLabCollector(lab, options);
    await collector.waitForStderr(/collector listening/);
    const summaries = await Promise.all(loads);
    const loadSummary = {
      opened: summaries.reduce((sum, s) => sum + s.opened, 0),
      answered: summaries.reduce((sum, s) => sum + s.answered, 0),
    };

    // Everything the agents emitted (their own counters) is stored: one row per record.
    let last = '';
    await eventually(
      async () => {
        const stored = storedRows(db).rows;
        const differences: string[] = [];
        for (const node of cluster.nodes) {
          const text = await agentMetrics(node.name);
          if (sample(text, 'snatscope_agent_spool_records') > 0) {
            differences.push(`${node.name}: spool not empty`);
          }
          for (const kind of ['flow', 'backend']) {
            const emitted = sample(text, 'snatscope_agent_records_emitted_total', {
              phase: 'open',
              kind,
            });
            const rows = stored.get(`${node.name} ${kind}`) ?? 0;
            if (emitted !== rows)
              differences.push(`${node.name} ${kind}: emitted ${emitted}, stored ${rows}`);
          }
        }
        last = differences.join('; ');
        return differences.length === 0 ? true : undefined;
      },
      'every emitted record stored',
      120_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}: ${last}`);
    });
    const stored = storedRows(db).rows;
    const entryRows = cluster.nodes.reduce(
      (sum, n) => sum + (stored.get(`${n.name} flow`) ?? 0),
      0,
    );
    const { stdout: services } = await lab.exec(lab.routerNamespace, [
      process.execPath,
      '-e',
      `fetch('http://${cluster.lanRouterIp}:${HTTP_PORT}/api/v1/services', { headers: { authorization: 'Bearer ${readFileSync(labApiTokenFile(options), 'utf8').trim()}' } }).then((r) => r.text()).then((t) => process.stdout.write(t))`,
    ]);
    const counted = (JSON.parse(services) as { services: { flows: number }[] }).services.reduce(
      (sum, s) => sum + s.flows,
      0,
    );
    assert.ok(
      emittedDuringOutage > 10_000,
      `${emittedDuringOutage} records emitted during the outage`,
    );
    // The restarted collector took the agents' whole replay: its peak resident set (VmHWM).
    const status = readFileSync(`/proc/${String(collector.child.pid)}/status`, 'utf8');
    const peakMb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) / 1024;
    t.diagnostic(
      `collector down ${OUTAGE_MS / 1000} s: ${loadSummary.opened} connections opened (${loadSummary.answered} answered), ${emittedDuringOutage} records emitted by ${entry.name} during the outage, ${entryRows} entry flows stored, 0 lost, 0 twice; ${counted} flows counted per Service; restarted collector's peak RSS ${peakMb.toFixed(0)} MB`,
    );
    assert.ok(peakMb < 512, `peak RSS ${peakMb} MB within the deploy's 512Mi limit`);
    assert.equal(counted, entryRows, 'each stored flow counted once per Service');
  });
});
