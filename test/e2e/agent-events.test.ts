// The continuous agent with conntrack events as its source, on the real kernel: one agent per lab
// node (the built CLI), every probe of the lab's ground truth, and each record must match what the
// answering pod's socket saw. Then again with a netlink buffer so small that a burst of connections
// makes the kernel drop events (ENOBUFS): the reconciliation that follows must still find every
// probe, and the agent must say that events were lost. Needs root (network namespaces), and
// `npm run build` first.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { defaultCluster, findNode, findPod } from '../../lab/cluster.js';
import { createLab, newPrefix, type Lab, type ProbeResult } from '../../lab/lab.js';
import { listNamespaces, runInNamespace } from '../../lab/netns.js';
import { parseNdjson } from '../support/cli.js';
import { eventually, startSnatscope, type Daemon } from '../support/daemon.js';
import { kubectlServicesJson } from '../support/kubectl-services.js';
import { expectations, hp } from '../support/lab-expectations.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cluster = defaultCluster();
type Json = Record<string, unknown>;
type HostPort = { ip: string; port: number };

// The kernel raises any smaller receive buffer to 2304 bytes: a handful of events.
const TINY_BUFFER = '2304';
// The burst that overflows it: new connections to n1's shop/api NodePort while the probes run. An
// agent that keeps up reads even 3,000 events/s through that buffer without a loss (measured
// here), so n1's agent is also stopped (SIGSTOP) for the burst, as a busy agent would be: its
// stdout pipe fills, conntrack blocks writing to it, and the kernel drops what the socket cannot
// hold.
const BURST = { rate: 3000, durationMs: 3000 };

/** A metric's value in Prometheus text (0 when absent). */
function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels} `));
  return line === undefined ? 0 : Number(line.split(' ')[1]);
}

const variants = [
  { name: 'events', extra: [] as string[], loss: false },
  // The burst is above the default --max-flow-rate: sampling is off here, every probe must show.
  {
    name: 'forced event loss',
    extra: ['--event-buffer-size', TINY_BUFFER, '--max-flow-rate', '0'],
    loss: true,
  },
];

for (const proxyMode of ['iptables', 'nftables'] as const)
  for (const variant of variants)
    describe(`continuous agent, ${variant.name}, kube-proxy ${proxyMode} mode`, () => {
      let lab: Lab;
      let dir: string;
      const agents = new Map<string, Daemon>();
      const { replies } = expectations();
      const results = new Map<string, ProbeResult>();
      const metrics = new Map<string, string>();

      const records = (node: string): Json[] => {
        const out = agents.get(node)?.stdout() ?? '';
        return parseNdjson(out.slice(0, out.lastIndexOf('\n') + 1));
      };
      const agentMetrics = async (node: string): Promise<string> =>
        (await lab.exec(lab.nodeNamespace(node), ['curl', '-sf', 'http://127.0.0.1:9108/metrics']))
          .stdout;
      /** The entry node's open flow of a probe: the backend saw what the pod's socket saw. */
      const flowOf = (node: string, result: ProbeResult & { outcome: 'reply' }): Json[] => {
        const pod = findPod(cluster, result.seenBy.pod);
        return records(node).filter(
          (r) =>
            r.kind === 'flow' &&
            r.closed === false &&
            hp(r.observedSource) === hp(result.observedSource) &&
            (r.backend as HostPort).ip === pod.ip,
        );
      };

      /** The backend half of a probe on the pod's node. */
      const backendHalfOf = (
        node: string,
        e: { probe: { protocol: string } },
        result: ProbeResult & { outcome: 'reply' },
      ): Json | undefined =>
        // The protocol too: the burst's TCP connections leave n1 from its address with ports that
        // a UDP probe's masquerade may also have been given.
        records(node).find(
          (r) =>
            r.kind === 'backend' &&
            r.protocol === e.probe.protocol &&
            hp(r.observedSource) === hp(result.observedSource),
        );

      before(async () => {
        lab = await createLab(cluster, { prefix: newPrefix(), proxyMode });
        dir = mkdtempSync(join(tmpdir(), 'snatscope-agent-events-'));
        writeFileSync(join(dir, 'services.json'), kubectlServicesJson(cluster));
        // nftables rules cannot tell LoadBalancer from external IPs: the agent reads the Services.
        const services = proxyMode === 'nftables' ? ['--services', join(dir, 'services.json')] : [];
        for (const node of cluster.nodes) {
          const args = ['agent', '--node-name', node.name, '--metrics-listen', '127.0.0.1:9108'];
          const agent = startSnatscope(
            [...args, '--log-level', 'warn', '--no-kube-api', ...services, ...variant.extra],
            lab.nodeNamespace(node.name),
          );
          agents.set(node.name, agent);
        }
        // The start reconciliation has run once the first Service records are out.
        for (const node of cluster.nodes) {
          await eventually(
            () => (records(node.name).some((r) => r.kind === 'service') ? true : undefined),
            `${node.name}'s first records`,
          );
        }
        const paused = variant.loss ? agents.get('n1') : undefined;
        paused?.child.kill('SIGSTOP');
        const burst = variant.loss ? startBurst() : Promise.resolve(null);
        for (const e of replies) {
          results.set(e.name, await lab.probe({ ...e.probe, timeoutMs: 2000 }));
        }
        const load = await burst;
        paused?.child.kill('SIGCONT');
        if (load)
          assert.ok(load.answered > BURST.rate, `the burst went through: ${JSON.stringify(load)}`);
        // Every probe reported by its entry node, and its backend half by the pod's node when that
        // is another (after a loss, by a reconciliation: every agent has the tiny buffer, and
        // reconciliations after losses are spaced).
        await eventually(
          () =>
            replies.every((e) => {
              const result = results.get(e.name);
              if (result?.outcome !== 'reply') return true;
              if (flowOf(e.entryNode, result).length === 0) return false;
              const pod = findPod(cluster, result.seenBy.pod);
              return pod.node === e.entryNode || backendHalfOf(pod.node, e, result) !== undefined;
            }) || undefined,
          'a record for every answered probe',
          30_000,
        );
        for (const node of cluster.nodes) metrics.set(node.name, await agentMetrics(node.name));
      });

      /** shop/api through n1's NodePort from client c2, at BURST's rate. */
      async function startBurst(): Promise<{ opened: number; answered: number }> {
        const namespace = lab.clientNamespace('c2');
        await lab.exec(namespace, ['sysctl', '-qw', 'net.ipv4.ip_local_port_range=1024 65535']);
        const { stdout } = await runInNamespace(
          namespace,
          [
            process.execPath,
            join(root, 'lab', 'load-client.mjs'),
            ...['--ip', findNode(cluster, 'n1').ip, '--port', '30080'],
            ...['--rate', String(BURST.rate), '--duration-ms', String(BURST.durationMs)],
          ],
          { timeoutMs: BURST.durationMs + 60_000 },
        );
        return JSON.parse(stdout) as { opened: number; answered: number };
      }

      after(async () => {
        agents.get('n1')?.child.kill('SIGCONT');
        await Promise.all([...agents.values()].map((a) => a.stop()));
        const prefix = lab.prefix;
        await lab.destroy();
        rmSync(dir, { recursive: true, force: true });
        const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
        assert.deepEqual(left, [], 'the lab removed every namespace it made');
      });

      it('follows events: NEW events counted, no table read but the start one unless events were lost', () => {
        for (const node of cluster.nodes) {
          const text = metrics.get(node.name) ?? '';
          assert.ok(
            sample(text, 'snatscope_agent_conntrack_events_total', '{type="NEW"}') > 0,
            node.name,
          );
          assert.equal(
            sample(text, 'snatscope_agent_reconciliations_total', '{reason="start"}'),
            1,
          );
          if (!variant.loss) {
            assert.equal(sample(text, 'snatscope_agent_lost_events_total'), 0, node.name);
          }
        }
      });

      if (variant.loss) {
        it('the tiny buffer lost events on the burst’s node, and the agent read the table again', () => {
          const text = metrics.get('n1') ?? '';
          assert.ok(sample(text, 'snatscope_agent_lost_events_total') > 0, text);
          assert.ok(
            sample(text, 'snatscope_agent_reconciliations_total', '{reason="lost-events"}') > 0,
          );
        });
      }

      it('reports every connection open once on each node', () => {
        for (const node of cluster.nodes) {
          const keys = records(node.name)
            .filter((r) => r.kind !== 'service' && r.closed === false)
            .map((r) => `${r.kind as string} ${r.conntrackId as number} ${hp(r.observedSource)}`);
          const repeated = keys.filter((key, i) => keys.indexOf(key) !== i);
          assert.deepEqual(repeated, [], `${node.name}: connections reported open twice`);
        }
      });

      for (const e of replies) {
        it(`${e.name}: the record shows what the pod saw`, () => {
          const result = results.get(e.name);
          assert.ok(result?.outcome === 'reply', `probe answered: ${JSON.stringify(result)}`);
          const pod = findPod(cluster, result.seenBy.pod);
          const flows = flowOf(e.entryNode, result);
          assert.equal(
            flows.length,
            1,
            `one flow on ${e.entryNode} for ${hp(result.observedSource)}`,
          );
          const record = flows[0] as Json;
          const client = record.client as HostPort;
          if (e.clientIp === null) assert.equal(hp(client), hp(result.clientAddress));
          else assert.equal(client.ip, e.clientIp);
          assert.equal(record.proxyMode, proxyMode);
          assert.equal(record.entryKind, e.entryKind);
          assert.equal(record.protocol, e.probe.protocol);
          assert.equal(record.cause, e.cause);
          assert.equal(record.snat, e.cause !== 'None');
          assert.deepEqual(record.service, {
            namespace: e.service.namespace,
            name: e.service.name,
            port: e.service.portName,
          });
          assert.equal(record.endpointLocal, pod.node === e.entryNode);
          if (pod.node !== e.entryNode) {
            const half = backendHalfOf(pod.node, e, result);
            assert.ok(half, `the backend half on ${pod.node}`);
            assert.equal((half.backend as HostPort).ip, pod.ip);
          }
        });
      }
    });
