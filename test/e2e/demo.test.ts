// `snatscope demo` end to end, run as the README's first set-up command runs it: the built CLI with
// --duration, as root. It must exit 0, show Cluster losing and Local keeping the client IP, serve
// /metrics on the host's loopback while it runs, and leave nothing behind: no namespace, process,
// veth or temp dir. Needs root and `npm run build` first.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { defaultCluster } from '../../lab/cluster.js';
import { listNamespaces } from '../../lab/netns.js';
import { demoProbes } from '../../lab/traffic.js';
import { sumMetric } from '../../lab/demo.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function veths(): Set<string> {
  const out = spawnSync('ip', ['-j', '-d', 'link', 'show'], { encoding: 'utf8' }).stdout;
  const links = JSON.parse(out || '[]') as { ifname: string; linkinfo?: { info_kind?: string } }[];
  return new Set(links.filter((l) => l.linkinfo?.info_kind === 'veth').map((l) => l.ifname));
}

function demoDirs(): Set<string> {
  return new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('snatscope-demo-')));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('demo probes', () => {
  it('cover Cluster and Local, TCP and UDP, NodePort, LoadBalancer, external IP and the NAT LB', () => {
    const cluster = defaultCluster();
    const probes = demoProbes(cluster);
    const names = probes.map((p) => p.name).join('\n');
    assert.ok(probes.some((p) => p.policy === 'Cluster' && p.expect === 'reply'));
    assert.ok(probes.some((p) => p.policy === 'Local' && p.expect === 'reply'));
    assert.ok(
      probes.some((p) => p.policy === 'Local' && p.expect === 'drop'),
      names,
    );
    assert.ok(probes.some((p) => p.request.protocol === 'udp'));
    assert.match(names, /NodePort via n1/);
    assert.match(names, /LoadBalancer 192\.0\.2\.10/);
    assert.match(names, /externalIP 192\.0\.2\.100/);
    assert.match(names, /NAT load balancer/);
    // Only the lab's clients send: node-local or hairpin SNAT would blur the Local verdict.
    const clients = new Set(cluster.clients.map((c) => c.name));
    assert.ok(probes.every((p) => clients.has(p.request.client)));
  });

  it('sumMetric adds every sample of one metric and no other', () => {
    const text =
      '# HELP snatscope_flows_total x\nsnatscope_flows_total{a="1"} 3\nsnatscope_flows_total{a="2"} 4\n' +
      'snatscope_flows_total_other 100\nsnatscope_agents_connected 3\n';
    assert.equal(sumMetric(text, 'snatscope_flows_total'), 7);
    assert.equal(sumMetric(text, 'snatscope_agents_connected'), 3);
  });
});

describe('snatscope demo --duration 25s (as root, built CLI)', () => {
  it('shows the verdicts, serves /metrics on localhost and leaves nothing behind', async () => {
    const vethsBefore = veths();
    const dirsBefore = demoDirs();
    const child = spawn(
      process.execPath,
      [join(root, 'bin', 'snatscope.js'), 'demo', '--duration', '25s'],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    const killer = setTimeout(() => child.kill('SIGTERM'), 150_000);

    // While it runs: the PIDs inside its namespaces, and /metrics through the loopback forward.
    const seenPids = new Set<number>();
    let metrics = '';
    let page = '';
    const running = (): boolean => child.exitCode === null && child.signalCode === null;
    while (running() && (!/snatscope_flows_total\{[^}]*\} [1-9]/.test(metrics) || page === '')) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const prefix = /lab prefix: (\w+)/.exec(stdout)?.[1];
      const url = /collector API on the host: (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)?.[1];
      if (prefix === undefined || url === undefined || !/pod servers:/.test(stdout)) continue;
      for (const ns of (await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`))) {
        const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout;
        for (const pid of pids.split(/\s+/).filter((w) => /^\d+$/.test(w)))
          seenPids.add(Number(pid));
      }
      try {
        if (page === '') {
          const answer = await fetch(`${url}/`, { signal: AbortSignal.timeout(3000) });
          if (answer.ok) page = await answer.text();
        }
        metrics = await (
          await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(3000) })
        ).text();
      } catch {
        // Not up yet or between connections: try again.
      }
    }
    const [code, signal] = await exited;
    clearTimeout(killer);
    const output = `stdout:\n${stdout}\nstderr:\n${stderr}`;
    assert.equal(code, 0, `exit code ${code} (signal ${signal})\n${output}`);
    assert.match(metrics, /^snatscope_flows_total\{[^}]*\} [1-9]/m, 'the metrics URL answered');
    assert.match(metrics, /^snatscope_agents_connected 3$/m);
    // The web page: its address printed, and served at / while the demo ran.
    assert.match(
      stdout,
      /web page: http:\/\/127\.0\.0\.1:9108\/ \(sign in with the API token \S+\)/,
    );
    assert.match(page, /<div id="app"><\/div>/, 'the web page was served at /');

    // The final table: Cluster loses the client IP; Local keeps it on the nodes (SNAT ON NODE 0),
    // but the flows through the NAT load balancer lost it upstream, so checkout is partial.
    const final = stdout.slice(stdout.indexOf('Final per-Service verdicts'));
    assert.ok(final.length < stdout.length, output);
    assert.match(final, /^lost\s.*\sshop\/api:http\/tcp\s+Cluster\s/m, output);
    assert.match(
      final,
      /^partial\s+\d+\.\d%\s+\d+\s+0\s+[1-9]\d*\s+\d+\s+shop\/checkout:https\/tcp\s+Local\s/m,
      output,
    );
    assert.match(final, /ClientIpLostUpstream — shop\/checkout:https/);
    assert.match(final, /ClusterPolicyMasquerade — shop\/api:http/);
    assert.match(final, /LocalPolicyTrafficToNodesWithoutEndpoints — shop\/checkout:https/);
    assert.match(stdout, /Per-Service verdicts after 1\d s/, 'the verdicts after ~15 s');
    assert.match(stdout, /\[ +5s\] probes: \d+ sent, \d+ answered, \d+ dropped as expected/);
    assert.match(stdout, /curl http:\/\/127\.0\.0\.1:9108\/metrics/);
    assert.match(
      stdout,
      /snatscope flows --collector http:\/\/127\.0\.0\.1:9108 --client 198\.51\.100\.50/,
    );

    // Nothing left behind.
    const prefix = /lab prefix: (\w+)/.exec(stdout)?.[1] ?? '';
    assert.ok(prefix !== '', output);
    assert.deepEqual(
      (await listNamespaces()).filter((n) => n.startsWith(`${prefix}-`)),
      [],
      'no namespace of the demo',
    );
    const printed = [...stdout.matchAll(/pid (\d+)/g)].map((m) => Number(m[1]));
    const podServers =
      /pod servers: ([\d ]+)/.exec(stdout)?.[1]?.trim().split(' ').map(Number) ?? [];
    const all = [...new Set([...printed, ...podServers, ...seenPids])];
    assert.ok(printed.length >= 5, `collector, 3 agents and the relay printed: ${printed.join()}`);
    assert.ok(seenPids.size >= 8 + 4, `processes seen in the namespaces: ${[...seenPids].join()}`);
    assert.deepEqual(all.filter(alive), [], 'no process of the demo is alive');
    const pgrep = spawnSync('pgrep', ['-f', prefix], { encoding: 'utf8' }).stdout.trim();
    assert.equal(pgrep, '', `no process mentions ${prefix}`);
    const workDir = /work dir \(logs, flow store\): (\S+)/.exec(stdout)?.[1] ?? '';
    assert.ok(workDir !== '' && !existsSync(workDir), `${workDir} removed`);
    assert.deepEqual(
      [...demoDirs()].filter((d) => !dirsBefore.has(d)),
      [],
      'no new temp dir',
    );
    assert.deepEqual(
      [...veths()].filter((v) => !vethsBefore.has(v)),
      [],
      'no new veth on the host',
    );
  });
});
