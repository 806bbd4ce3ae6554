// Two collector replicas sharing one SQLite file, the lab's agents given both: one replica is
// killed (SIGKILL) while the agents see 300 new connections a second, the agents fail over to the
// other, and every record each agent emitted (its own counters) is stored once, with the spools
// drained. The store dedupes by (node, boot id, sequence), so the replica an agent moves to takes
// up where the dead one stopped. What two replicas do not give yet (stitching across replicas,
// per-Service summaries that cover the other replica's flows) is measured, not asserted: see the
// README's "Several collectors". Needs root (network namespaces).
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
  startLabAgents,
  startLabCollector,
  type Daemon,
  type LabCollectorOptions,
} from '../support/daemon.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cluster = defaultCluster();
const AGENT_METRICS = '127.0.0.1:9400';
const RATE = 300;
const LOAD_MS = 30_000;

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

describe('two collector replicas on one SQLite file, one killed under load', () => {
  let lab: Lab;
  let dir: string;
  const collectors: Daemon[] = [];
  let agents: Daemon[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-replicas-'));
    lab = await createLab(cluster, { prefix: newPrefix() });
  });

  after(async () => {
    await Promise.all(collectors.map((collector) => collector.stop()));
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

  /** GET `path` from the collector listening on `httpPort` (its query API, with the lab token). */
  async function collectorGet(options: LabCollectorOptions, path: string): Promise<string> {
    const token = readFileSync(labApiTokenFile(options), 'utf8').trim();
    const url = `http://${cluster.lanRouterIp}:${options.httpListen.split(':')[1] ?? ''}${path}`;
    const script = `fetch('${url}', { headers: { authorization: 'Bearer ${token}' } }).then((r) => r.text()).then((t) => process.stdout.write(t))`;
    return (await lab.exec(lab.routerNamespace, [process.execPath, '-e', script])).stdout;
  }

  it('stores every record the agents emitted once, across the failover', async (t) => {
    const db = join(dir, 'flows.db');
    const replicas: LabCollectorOptions[] = [
      { dbPath: db, grpcPort: 9090, httpListen: '0.0.0.0:9108' },
      { dbPath: db, grpcPort: 9091, httpListen: '0.0.0.0:9109' },
    ];
    for (const options of replicas) {
      const collector = startLabCollector(lab, options);
      collectors.push(collector);
      await collector.waitForStderr(/collector listening/);
    }
    const targets = replicas.map((r) => `${cluster.lanRouterIp}:${r.grpcPort}`);
    agents = startLabAgents(
      lab,
      replicas.map((r) => r.grpcPort),
      () => ['--metrics-listen', AGENT_METRICS],
    );

    /** The target index each node's agent is connected to (-1: none). */
    const connections = async (): Promise<Map<string, number>> => {
      const found = new Map<string, number>();
      for (const node of cluster.nodes) {
        const text = await agentMetrics(node.name);
        found.set(
          node.name,
          targets.findIndex(
            (collector) =>
              sample(text, 'snatscope_agent_collector_target_connected', { collector }) === 1,
          ),
        );
      }
      return found;
    };
    const initial = await eventually(
      async () => {
        const found = await connections();
        return [...found.values()].every((i) => i >= 0) ? found : undefined;
      },
      'every agent connected to a replica',
      60_000,
    );

    const entry = cluster.nodes[0];
    assert.ok(entry);
    // shop/api (Cluster policy, backends on n2 and n3) through n1's NodePort: an entry half on n1
    // and a backend half on the backend's node. Two clients with the whole ephemeral port range,
    // as in lab-faults.test.ts, so no connection reuses an earlier one's conntrack tuple.
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
          String(LOAD_MS),
        ],
        { timeoutMs: LOAD_MS + 60_000 },
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

    // Kill the replica the entry node streams to: the node with the most records fails over.
    const victim = initial.get(entry.name) ?? 0;
    const survivor = 1 - victim;
    await collectors[victim]?.stop('SIGKILL');
    const killedAt = Date.now();
    const movedNodes = [...initial].filter(([, i]) => i === victim).map(([node]) => node);
    await eventually(
      async () => {
        const found = await connections();
        return [...found.values()].every((i) => i === survivor) ? true : undefined;
      },
      'every agent on the surviving replica',
      60_000,
    );
    const failoverMs = Date.now() - killedAt;
    const summaries = await Promise.all(loads);

    // Everything the agents emitted (their own counters) is stored: one row per record.
    let last = '';
    await eventually(
      async () => {
        const { rows } = storedRows(db);
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
            const stored = rows.get(`${node.name} ${kind}`) ?? 0;
            if (emitted !== stored)
              differences.push(`${node.name} ${kind}: emitted ${emitted}, stored ${stored}`);
          }
        }
        last = differences.join('; ');
        return differences.length === 0 ? true : undefined;
      },
      'every emitted record stored once',
      120_000,
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}: ${last}`);
    });

    let failovers = 0;
    for (const node of movedNodes) {
      failovers += sample(await agentMetrics(node), 'snatscope_agent_export_failovers_total');
    }
    assert.ok(failovers >= movedNodes.length, `${failovers} failovers of ${movedNodes.join(',')}`);

    // Measured, not asserted (README "Several collectors": gaps): stitching needs both halves in
    // one replica's memory, and a replica's per-Service counts cover only the flows it took.
    const { rows, stitched } = storedRows(db);
    const entryRows = cluster.nodes.reduce((sum, n) => sum + (rows.get(`${n.name} flow`) ?? 0), 0);
    const survivorOptions = replicas[survivor];
    assert.ok(survivorOptions);
    const services = JSON.parse(await collectorGet(survivorOptions, '/api/v1/services')) as {
      services: { flows: number }[];
    };
    const counted = services.services.reduce((sum, s) => sum + s.flows, 0);
    const survivorMetrics = await collectorGet(survivorOptions, '/metrics');
    const duplicates = sample(survivorMetrics, 'snatscope_ingest_messages_total', {
      result: 'duplicate',
    });
    const storeFailures = collectors
      .map(
        (c) =>
          c
            .stderr()
            .split('\n')
            .filter((l) => l.includes('store write failed')).length,
      )
      .reduce((a, b) => a + b, 0);
    t.diagnostic(
      `replicas ${targets.join(' + ')} on one SQLite file; killed ${targets[victim]} with ` +
        `${movedNodes.join(',')} on it; all agents on ${targets[survivor]} ${failoverMs} ms after ` +
        `the kill; ${summaries.reduce((s, x) => s + x.opened, 0)} connections opened; ` +
        `${entryRows} entry flows stored, 0 lost, 0 twice; ${stitched} of them stitched; ` +
        `${counted} flows counted per Service by the survivor; ${duplicates} duplicate messages ` +
        `refused by the survivor; ${storeFailures} store write failures logged`,
    );
  });
});
