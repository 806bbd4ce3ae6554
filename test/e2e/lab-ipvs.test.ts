// The live agent in kube-proxy IPVS mode. This kernel has no IPVS, so the test is part real and
// part stand-in, and says which:
// - real: the kernel's conntrack, kube-proxy's IPVS-mode ipsets (`ipset restore`, read back by the
//   agent with the real `ipset save`) and iptables rules (`iptables-restore`, read with the real
//   iptables-save), the masquerade they cause, the pods' sockets (the ground truth), `ip`, and the
//   agent itself (`bin/snatscope.js`, no test hooks);
// - stand-in: IPVS's forwarding (an nftables DNAT to the real servers, lab/kube-proxy-ipvs-rules.ts,
//   which leaves conntrack entries like IPVS with net.ipv4.vs.conntrack=1: reply from the real
//   server) and the `ipvsadm` / `ipvsadm-save` executables (test/support/stand-in-tools.ts) on
//   PATH, which print `ipvsadm-save -n` rendered from the lab's Services and an `ipvsadm -Lnc`
//   built from the node's real conntrack entries of the virtual servers (what IPVS would list),
//   plus on n1 one connection conntrack does not show (as with net.ipv4.vs.conntrack=0).
// The agent must detect IPVS mode, name the Services from `--services`, give every flow the source
// the pod really saw, and agree record for record with `analyze` on dumps taken at the same time,
// once (`--once`) and streaming (NDJSON on stdout). Needs root and `npm run build`.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { defaultCluster, findNode, findPod } from '../../lab/cluster.js';
import { labVirtualServers, renderIpvsadmSave } from '../../lab/kube-proxy-ipvs-rules.js';
import { createLab, newPrefix, type Lab, type ProbeResult } from '../../lab/lab.js';
import { listNamespaces } from '../../lab/netns.js';
import { parseNdjson } from '../support/cli.js';
import { kubectlServicesJson } from '../support/kubectl-services.js';
import { expectations, hp, type Expectation } from '../support/lab-expectations.js';
import { analyzeNodeDumps, timeless } from '../support/node-dumps.js';
import {
  renderIpvsadmConnections,
  STAND_IN_ENV,
  writeIpvsStandIns,
  type IpvsConnectionRow,
} from '../support/stand-in-tools.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cluster = defaultCluster();
const isRoot = process.getuid?.() === 0;
type Json = Record<string, unknown>;
type HostPort = { ip: string; port: number };

// On n1, a connection IPVS holds and conntrack does not (no packets were sent for it): the agent
// must classify it from the rules alone.
const UNSEEN = {
  client: '198.51.100.77:47000',
  virtual: `${findNode(cluster, 'n1').ip}:30080`,
  destination: `${findPod(cluster, 'api-a').ip}:8080`,
};

// conntrack's TCP state → IPVS's name for the same connection state.
const IPVS_STATE: Readonly<Record<string, string>> = { SYN_SENT: 'SYN_RECV' };

/** The `ipvsadm -Lnc` IPVS would show: the node's conntrack entries of its virtual servers. */
function ipvsConnectionsFrom(conntrack: string, node: string): IpvsConnectionRow[] {
  const servers = labVirtualServers(cluster, node);
  const rows: IpvsConnectionRow[] = [];
  for (const line of conntrack.split('\n')) {
    const tokens = line.trim().split(/\s+/);
    const protocol = tokens[2];
    if (protocol !== 'tcp' && protocol !== 'udp') continue;
    const values = [...line.matchAll(/\b(?:src|dst|sport|dport)=(\S+)/g)].map((m) => m[1] ?? '');
    const [src, dst, sport, dport, rsrc, , rsport] = values;
    const server = servers.find(
      (s) => s.protocol === protocol && s.ip === dst && String(s.port) === dport,
    );
    if (!server?.realServers.some((r) => r.ip === rsrc && String(r.port) === rsport)) continue;
    const state = protocol === 'udp' ? 'UDP' : (tokens[5] ?? '');
    rows.push({
      protocol,
      expiresInSeconds: Number(tokens[4]),
      state: IPVS_STATE[state] ?? state,
      client: `${src}:${sport}`,
      virtual: `${dst}:${dport}`,
      destination: `${rsrc}:${rsport}`,
    });
  }
  return rows;
}

/**
 * The cause in IPVS mode. It differs from iptables mode for a node's own connection to a Local
 * NodePort: kube-proxy's IPVS rules RETURN it from KUBE-NODE-PORT unmarked (no KUBE-MARK-MASQ for
 * `--src-type LOCAL`, unlike the iptables mode), so the pod sees the node's own address: the
 * client's, not rewritten.
 */
function ipvsCause(e: Expectation): string {
  return e.cause === 'LocalOrigin' ? 'None' : e.cause;
}

void describe(
  'snatscope agent on a kube-proxy IPVS-mode lab (stand-in ipvsadm)',
  {
    skip: isRoot ? false : 'needs root',
  },
  () => {
    let lab: Lab;
    let dir: string;
    const results = new Map<string, ProbeResult>();
    const snapshots = new Map<string, Json[]>();
    const offline = new Map<string, Json[]>();
    const { replies, drops } = expectations();

    const nodeEnv = (node: string): string[] => [
      'env',
      `PATH=${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
      `${STAND_IN_ENV.rules}=${join(dir, `${node}-ipvsadm-save.txt`)}`,
      `${STAND_IN_ENV.connections}=${join(dir, `${node}-ipvsadm-Lnc.txt`)}`,
    ];
    const agentArgv = (node: string, extra: readonly string[]): string[] => [
      ...nodeEnv(node),
      process.execPath,
      join(root, 'bin', 'snatscope.js'),
      'agent',
      '--node-name',
      node,
      '--services',
      join(dir, 'services.json'),
      ...extra,
    ];

    before(async () => {
      lab = await createLab(cluster, { prefix: newPrefix(), proxyMode: 'ipvs' });
      dir = mkdtempSync(join(tmpdir(), 'snatscope-ipvs-'));
      await writeIpvsStandIns(join(dir, 'bin'));
      writeFileSync(join(dir, 'services.json'), kubectlServicesJson(cluster));
      // IPVS keeps UDP connections 300 s; conntrack's 30 s default would end the UDP flows while
      // the test runs, and the stand-in -Lnc would still list them.
      for (const node of cluster.nodes) {
        await lab.exec(lab.nodeNamespace(node.name), [
          'sysctl',
          '-qw',
          'net.netfilter.nf_conntrack_udp_timeout=300',
          'net.netfilter.nf_conntrack_udp_timeout_stream=300',
        ]);
      }
      for (const e of [...replies, ...drops]) {
        results.set(e.name, await lab.probe({ ...e.probe, timeoutMs: 1000 }));
      }
      for (const node of cluster.nodes) {
        const ns = lab.nodeNamespace(node.name);
        writeFileSync(
          join(dir, `${node.name}-ipvsadm-save.txt`),
          renderIpvsadmSave(cluster, node.name),
        );
        const conntrack = (await lab.exec(ns, ['conntrack', '-L', '-o', 'extended,id'])).stdout;
        const rows = ipvsConnectionsFrom(conntrack, node.name);
        if (node.name === 'n1') {
          rows.push({ protocol: 'tcp', expiresInSeconds: 890, state: 'ESTABLISHED', ...UNSEEN });
        }
        writeFileSync(join(dir, `${node.name}-ipvsadm-Lnc.txt`), renderIpvsadmConnections(rows));

        // The agent, then the same tables dumped by the real tools for analyze, back to back.
        const live = await lab.exec(ns, agentArgv(node.name, ['--once', '--output', 'json']));
        snapshots.set(node.name, parseNdjson(live.stdout));
        offline.set(
          node.name,
          await analyzeNodeDumps(lab, node.name, dir, {
            services: join(dir, 'services.json'),
            ipvs: {
              rules: join(dir, `${node.name}-ipvsadm-save.txt`),
              connections: join(dir, `${node.name}-ipvsadm-Lnc.txt`),
            },
          }),
        );
      }
    });

    after(async () => {
      const prefix = lab.prefix;
      await lab.destroy();
      rmSync(dir, { recursive: true, force: true });
      const left = (await listNamespaces()).filter((ns) => ns.startsWith(`${prefix}-`));
      assert.deepEqual(left, [], 'the lab removed every namespace it made');
    });

    void it('every record says ipvs, and every Service port is named from --services', () => {
      for (const node of cluster.nodes) {
        const records = snapshots.get(node.name) ?? [];
        assert.ok(
          records.some((r) => r.kind === 'service'),
          `service records on ${node.name}`,
        );
        for (const record of records) {
          assert.equal(record.proxyMode, 'ipvs', JSON.stringify(record));
          const service = record.service as { namespace: string; name: string };
          assert.ok(
            cluster.services.some(
              (s) => s.namespace === service.namespace && s.name === service.name,
            ),
            `a lab Service, not a placeholder: ${JSON.stringify(service)}`,
          );
        }
      }
    });

    void it('agent --once and analyze on the dumps taken with it give the same records', () => {
      for (const node of cluster.nodes) {
        const live = (snapshots.get(node.name) ?? []).map(timeless).sort();
        const files = (offline.get(node.name) ?? []).map(timeless).sort();
        assert.ok(live.length > 0);
        assert.deepEqual(live, files, `node ${node.name}`);
      }
    });

    for (const e of replies) {
      const title =
        ipvsCause(e) === e.cause ? e.name : `${e.name.replace(/ is masqueraded$/, '')} (IPVS: not)`;
      void it(`${title}: the record shows what the pod saw`, () => {
        const result = results.get(e.name);
        assert.ok(result?.outcome === 'reply', `probe answered: ${JSON.stringify(result)}`);
        const pod = findPod(cluster, result.seenBy.pod);
        const record = (snapshots.get(e.entryNode) ?? []).find(
          (r) =>
            r.kind === 'flow' &&
            hp(r.observedSource) === hp(result.observedSource) &&
            (r.backend as HostPort).ip === pod.ip,
        );
        assert.ok(
          record,
          `a flow on ${e.entryNode} whose backend ${pod.ip} saw ${hp(result.observedSource)}`,
        );
        const client = record.client as HostPort;
        if (e.clientIp === null) assert.equal(hp(client), hp(result.clientAddress));
        else assert.equal(client.ip, e.clientIp);
        assert.equal(record.entryKind, e.entryKind);
        assert.equal(record.protocol, e.probe.protocol);
        assert.equal(record.cause, ipvsCause(e));
        assert.equal(record.snat, (record.observedSource as HostPort).ip !== client.ip);
        assert.deepEqual(record.service, {
          namespace: e.service.namespace,
          name: e.service.name,
          port: e.service.portName,
        });
        assert.equal(record.externalTrafficPolicy, e.service.externalTrafficPolicy);
        assert.notEqual(record.conntrackId, 0, 'from conntrack, not inferred');
      });
    }

    for (const e of drops) {
      void it(`${e.name}: no answer (IPVS forwards without SNAT, the reply goes astray)`, () => {
        const result = results.get(e.name);
        assert.notEqual(result?.outcome, 'reply', JSON.stringify(result));
        const state = (snapshots.get(e.entryNode) ?? []).find(
          (r) =>
            r.kind === 'service' &&
            (r.service as { name: string }).name === e.service.name &&
            r.protocol === e.probe.protocol,
        );
        assert.ok(state, `a service record for ${e.service.name} on ${e.entryNode}`);
        assert.equal(state.externalTrafficPolicy, 'Local');
        assert.equal(state.localEndpoints, 0);
      });
    }

    void it('an IPVS connection conntrack does not show is classified from the rules', () => {
      const record = (snapshots.get('n1') ?? []).find(
        (r) => r.kind === 'flow' && hp(r.client) === UNSEEN.client,
      );
      assert.ok(record, 'a record for the connection only ipvsadm -Lnc lists');
      assert.equal(record.cause, 'ClusterPolicyMasquerade');
      assert.equal(hp(record.backend), UNSEEN.destination);
      assert.equal((record.service as { name: string }).name, 'api');
      // IPVS does not know the masquerade address: unknown, not guessed.
      assert.equal(hp(record.observedSource), '0.0.0.0:0');
    });

    void describe('streaming (continuous agent, NDJSON on stdout)', () => {
      let agent: ChildProcess | null = null;
      let stdout = '';

      after(() => {
        agent?.kill('SIGKILL');
      });

      void it('gives the same flow records as agent --once, then stops on SIGTERM', async () => {
        const expected = (snapshots.get('n1') ?? []).filter((r) => r.kind === 'flow');
        agent = spawn(
          'ip',
          [
            'netns',
            'exec',
            lab.nodeNamespace('n1'),
            ...agentArgv('n1', ['--poll-interval', '500ms', '--log-level', 'warn']),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        agent.stdout?.setEncoding('utf8');
        agent.stdout?.on('data', (chunk: string) => {
          stdout += chunk;
        });
        const deadline = Date.now() + 15_000;
        let flows: Json[] = [];
        while (Date.now() < deadline) {
          flows = parseNdjson(stdout.slice(0, stdout.lastIndexOf('\n') + 1)).filter(
            (r) => r.kind === 'flow',
          );
          if (flows.length >= expected.length) break;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        // The same flows, each once (no close: nothing ended), with the streaming `closed: false`.
        assert.deepEqual(flows.map(timeless).sort(), expected.map(timeless).sort());
        const exited = once(agent, 'exit');
        agent.kill('SIGTERM');
        const [code] = (await exited) as [number | null];
        assert.equal(code, 0);
        agent = null;
      });
    });
  },
);
