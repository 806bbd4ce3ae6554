// The backend socket's own view on the real kernel: three streaming agents with the eBPF socket
// tracer (bpftrace on sock:inet_sock_set_state) and a collector. Every TCP probe's stitched flow
// must carry `socketObserved` equal to the peer the pod's server reported, every UDP probe none.
// Needs root and bpftrace; run under `flock /tmp/snatscope-lab.lock`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { defaultCluster, findPod } from '../../lab/cluster.js';
import { createLab, newPrefix, type Lab, type ProbeResult } from '../../lab/lab.js';
import { listNamespaces } from '../../lab/netns.js';
import { parseNdjson } from '../support/cli.js';
import { eventually, startLabPipeline, type Daemon } from '../support/daemon.js';
import { expectations, hp } from '../support/lab-expectations.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cluster = defaultCluster();
const GRPC_PORT = 9091;
const HTTP_PORT = 9109;
type Json = Record<string, unknown>;

describe('socketObserved: the backend socket’s peer, stitched into the entry flow', () => {
  let lab: Lab;
  let dir: string;
  let collector: Daemon | null = null;
  const agents: Daemon[] = [];
  const { replies } = expectations();
  const results = new Map<string, ProbeResult>();
  let stored: Json[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-socket-truth-'));
    lab = await createLab(cluster, { prefix: newPrefix() });
    // `ip netns exec` gives each agent its own /sys without tracefs: it mounts its own.
    const pipeline = await startLabPipeline(lab, {
      dbPath: join(dir, 'flows.db'),
      grpcPort: GRPC_PORT,
      httpListen: `0.0.0.0:${HTTP_PORT}`,
      agentArgs: () => ['--mount-tracefs'],
    });
    collector = pipeline.collector;
    agents.push(...pipeline.agents);
    // bpftrace takes a while to compile and attach: probes before that would go unseen.
    await Promise.all(agents.map((a) => a.waitForStderr(/socket tracer attached/, 60_000)));
    for (const e of replies) {
      results.set(e.name, await lab.probe({ ...e.probe, timeoutMs: 1000 }));
    }
    const url = `http://${cluster.lanRouterIp}:${HTTP_PORT}`;
    const tcp = replies.filter((e) => e.probe.protocol === 'tcp').length;
    stored = await eventually(async () => {
      const out = await lab.exec(lab.routerNamespace, [
        process.execPath,
        join(root, 'bin', 'snatscope.js'),
        'flows',
        '--collector',
        url,
        '--output',
        'json',
        '--limit',
        '10000',
        '--token-file',
        pipeline.apiTokenFile,
      ]);
      const flows = parseNdjson(out.stdout);
      const withSocket = flows.filter((f) => f.socketObserved !== null);
      return flows.length >= replies.length && withSocket.length >= tcp ? flows : undefined;
    }, `${tcp} TCP flows with socketObserved in the collector`);
  });

  after(async () => {
    await Promise.all(agents.map((a) => a.stop()));
    await collector?.stop();
    const prefix = lab.prefix;
    await lab.destroy();
    rmSync(dir, { recursive: true, force: true });
    const left = (await listNamespaces()).filter((ns) => ns.startsWith(prefix));
    assert.deepEqual(left, [], 'the lab removed every namespace it made');
  });

  for (const e of replies) {
    it(`${e.name}: socketObserved is ${e.probe.protocol === 'tcp' ? 'the pod’s peer' : 'null'}`, () => {
      const result = results.get(e.name);
      assert.ok(result?.outcome === 'reply', `probe answered: ${JSON.stringify(result)}`);
      const pod = findPod(cluster, result.seenBy.pod);
      const matches = stored.filter(
        (r) =>
          r.kind === 'flow' &&
          hp(r.observedSource) === hp(result.observedSource) &&
          (r.backend as { ip: string }).ip === pod.ip,
      );
      assert.equal(
        matches.length,
        1,
        `one entry flow to ${pod.ip} from ${hp(result.observedSource)}`,
      );
      const record = matches[0] as Json;
      if (e.probe.protocol === 'tcp') {
        assert.equal(hp(record.socketObserved), hp(result.observedSource), 'what the pod saw');
      } else {
        assert.equal(record.socketObserved, null);
      }
    });
  }

  it('no agent saw a socket peer other than conntrack’s source', () => {
    for (const agent of agents) {
      assert.doesNotMatch(agent.stderr(), /something rewrote it after conntrack/);
      assert.doesNotMatch(agent.stderr(), /socket tracer unavailable/);
    }
  });
});
