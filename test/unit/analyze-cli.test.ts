// `snatscope analyze` as a user runs it: real files in, NDJSON or tables out, exit codes.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { assertGolden, fixturePath } from '../support/golden.js';
import { parseNdjson, runCli } from '../support/cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'snatscope-analyze-'));
after(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const clusterDump = [
  '--node-name',
  'node-a',
  '--iptables-save',
  fixturePath('generated-iptables-nft-save-c-overall-cluster-and-local-drop.txt'),
  '--conntrack',
  fixturePath('generated-conntrack-L-extended-nodeport-cluster-snat.txt'),
  '--node-ip',
  '192.168.0.2',
];

const localDump = [
  '--node-name',
  'node-a',
  '--iptables-save',
  fixturePath('generated-iptables-nft-save-c-nodeport-local-svl.txt'),
  '--conntrack',
  fixturePath('generated-conntrack-L-extended-id-ktimestamp-acct.txt'),
  '--node-ip',
  '192.168.0.2',
  '--node-ip',
  '10.180.2.254',
];

function flows(records: Record<string, unknown>[]): Record<string, unknown>[] {
  return records.filter((r) => r.kind === 'flow');
}

/** Drops the dump-time stamp, which follows the fixture file's mtime. */
function stable(records: Record<string, unknown>[]): Record<string, unknown>[] {
  return records.map((r) => (r.kind === 'service' ? r : { ...r, observedAt: 0 }));
}

describe('snatscope analyze', () => {
  it('reports Cluster-policy NodePort and external IP flows as masqueraded by kube-proxy', () => {
    const run = runCli(['analyze', ...clusterDump, '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const records = stable(parseNdjson(run.stdout));
    assertGolden(
      'analyze/cluster-snat.ndjson',
      records.map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    const entryFlows = flows(records);
    assert.equal(entryFlows.length, 3);
    for (const flow of entryFlows) {
      assert.equal(flow.snat, true);
      assert.equal(flow.cause, 'ClusterPolicyMasquerade');
      assert.deepEqual((flow.observedSource as { ip: string }).ip, '192.168.0.2');
      assert.equal(flow.externalTrafficPolicy, 'Cluster');
    }
    const viaExternalIp = entryFlows.find((f) => f.entryKind === 'ExternalIP');
    assert.deepEqual(viaExternalIp?.service, { namespace: 'ns4', name: 'svc4', port: 'p80' });
    const svc2 = records.find(
      (r) => r.kind === 'service' && (r.service as { name: string }).name === 'svc2',
    );
    assert.ok(svc2, 'a service record for ns2/svc2');
    assert.equal(svc2.externalTrafficPolicy, 'Local');
    assert.equal(svc2.healthCheckNodePort, 30000);
    assert.equal(svc2.localEndpoints, 0);
    assert.deepEqual(svc2.noLocalEndpointDrops, { packets: 2, bytes: 120 });
  });

  it('reports Local-policy flows as keeping the client IP, node-local clients as LocalOrigin', () => {
    const run = runCli(['analyze', ...localDump, '--output', 'json']);
    assert.equal(run.status, 0, run.stderr);
    const records = stable(parseNdjson(run.stdout));
    assertGolden(
      'analyze/local-svl.ndjson',
      records.map((r) => JSON.stringify(r)).join('\n') + '\n',
    );
    const entryFlows = flows(records);
    const kinds = entryFlows.map((f) => `${String(f.entryKind)}:${String(f.cause)}`).sort();
    assert.deepEqual(kinds, [
      'ExternalIP:None',
      'LoadBalancer:None',
      'NodePort:LocalOrigin',
      'NodePort:None',
      'NodePort:None',
      'NodePort:None',
    ]);
    for (const flow of entryFlows) {
      assert.equal(flow.endpointLocal, true);
      assert.equal(typeof flow.conntrackId, 'number');
      assert.notEqual(flow.conntrackId, 0);
    }
  });

  it('prints per-Service verdicts first, then flows, as a table', () => {
    const run = runCli(['analyze', ...clusterDump]);
    assert.equal(run.status, 0, run.stderr);
    const verdicts = run.stdout.indexOf('VERDICT');
    const flowTable = run.stdout.indexOf('Entry flows');
    assert.ok(verdicts >= 0 && flowTable > verdicts, run.stdout);
    assert.match(
      run.stdout,
      /ns3\/svc3:p80 tcp\s+Cluster\s+\S+\s+2\s+2\s+2\/2 SNATed by kube-proxy masquerade; backends see node IPs/,
    );
    assert.match(
      run.stdout,
      /ns2\/svc2:p80 tcp\s+Local .*no local endpoint on this node: external traffic is dropped \(2 packets\)/,
    );
    // The cause names the chain; the rule itself is listed once under the flows.
    assert.match(run.stdout, /\syes\s+ClusterPolicyMasquerade by KUBE-POSTROUTING\s/);
    assert.match(
      run.stdout,
      /Rules that rewrote the source:\n {2}nat KUBE-POSTROUTING: -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE\n/,
    );
  });

  it('skips a bad conntrack line with file, line number and text, and counts it', () => {
    const good = readFileSync(
      fixturePath('generated-conntrack-L-extended-nodeport-cluster-snat.txt'),
      'utf8',
    );
    const path = join(tmp, 'conntrack-bad.txt');
    const lines = good.trimEnd().split('\n');
    lines.splice(1, 0, 'ipv4     2 tcp      6 114 TIME_WAIT src=192.168.0.100 dst=');
    writeFileSync(path, lines.join('\n') + '\n');
    const args = [
      'analyze',
      '--node-name',
      'n',
      '--iptables-save',
      clusterDump[3] ?? '',
      '--conntrack',
      path,
      '--node-ip',
      '192.168.0.2',
      '--output',
      'json',
    ];
    const run = runCli(args);
    assert.equal(run.status, 0, run.stderr);
    assert.ok(run.stderr.includes(`${path}:2:`), run.stderr);
    assert.ok(run.stderr.includes('src=192.168.0.100 dst='), run.stderr);
    assert.match(run.stderr, /skipped 1 bad input line/);
    assert.equal(flows(parseNdjson(run.stdout)).length, 3);

    const strict = runCli([...args, '--strict']);
    assert.equal(strict.status, 2);
    assert.ok(strict.stderr.includes(`${path}:2:`), strict.stderr);
  });

  it('exits 2 with the path when a file is missing', () => {
    const missing = join(tmp, 'nope.txt');
    const run = runCli([
      'analyze',
      '--node-name',
      'n',
      '--iptables-save',
      missing,
      '--conntrack',
      missing,
    ]);
    assert.equal(run.status, 2);
    assert.ok(run.stderr.includes(missing), run.stderr);
  });

  it('exits 2 on a bad --pod-cidr and on a missing required flag', () => {
    const bad = runCli(['analyze', ...clusterDump, '--pod-cidr', '10.0.0.0/99']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--pod-cidr.*10\.0\.0\.0\/99.*expected a CIDR/);
    const missing = runCli(['analyze', '--node-name', 'n']);
    assert.equal(missing.status, 2);
  });

  it('has --help, also through the installed bin', () => {
    const help = runCli(['analyze', '--help'], { bin: true });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /--iptables-save <file>/);
    assert.match(help.stdout, /--strict/);
  });
});

describe('snatscope analyze in nftables and IPVS modes', () => {
  it('--nft: records of a real nftables-mode lab node, LB vs external IP from --services', () => {
    const result = runCli([
      'analyze',
      '--node-name',
      'n1',
      '--nft',
      fixturePath('lab-nft-n1-nft.json'),
      '--conntrack',
      fixturePath('lab-nft-n1-conntrack.txt'),
      '--node-ip',
      '203.0.113.11',
      '--output',
      'json',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const records = parseNdjson(result.stdout);
    const flows = records.filter((r) => r.kind === 'flow');
    assert.ok(flows.length > 0, result.stdout);
    assert.ok(
      records.every((r) => r.proxyMode === 'nftables'),
      'every record says nftables',
    );
    assert.ok(
      flows.every((f) => f.cause === 'ClusterPolicyMasquerade' && f.snat === true),
      'the node only took Cluster-policy traffic',
    );
  });

  it('--ipvs with --ipset, --services and --ipvs-connections: names, policies and causes', () => {
    const dir = (name: string): string => fixturePath(`ipvs-node-a/${name}`);
    const result = runCli([
      'analyze',
      '--node-name',
      'node-a',
      '--ipvs',
      dir('ipvsadm-save.txt'),
      '--ipset',
      dir('ipset-save.txt'),
      '--iptables-save',
      dir('iptables-save.txt'),
      '--services',
      dir('services.json'),
      '--conntrack',
      dir('conntrack.txt'),
      '--ipvs-connections',
      dir('ipvsadm-Lnc.txt'),
      '--addresses',
      dir('addr.json'),
      '--output',
      'json',
    ]);
    assert.equal(result.status, 0, result.stderr);
    const flows = parseNdjson(result.stdout).filter((r) => r.kind === 'flow');
    const cause = (name: string): unknown[] =>
      flows.filter((f) => (f.service as { name: string }).name === name).map((f) => f.cause);
    assert.ok(
      flows.every((f) => f.proxyMode === 'ipvs'),
      'every flow says ipvs',
    );
    assert.ok(
      cause('api').length > 0 && cause('api').every((c) => c === 'ClusterPolicyMasquerade'),
      JSON.stringify(cause('api')),
    );
    assert.ok(
      cause('checkout').length > 0 && cause('checkout').every((c) => c === 'None'),
      JSON.stringify(cause('checkout')),
    );
    // reports (Local, no endpoint on node-a): its virtual servers list the remote ones.
    const forwarding = parseNdjson(result.stdout)
      .filter((r) => r.kind === 'service' && r.forwardsWithoutLocalEndpoints === true)
      .map((r) => (r.service as { name: string }).name);
    assert.deepEqual(forwarding, ['reports']);
  });

  it('--ipvs table: a Local Service forwarded without a local endpoint is not "dropped"', () => {
    const dir = (name: string): string => fixturePath(`ipvs-node-a/${name}`);
    const result = runCli([
      'analyze',
      '--node-name',
      'node-a',
      '--ipvs',
      dir('ipvsadm-save.txt'),
      '--ipset',
      dir('ipset-save.txt'),
      '--iptables-save',
      dir('iptables-save.txt'),
      '--services',
      dir('services.json'),
      '--conntrack',
      dir('conntrack.txt'),
      '--addresses',
      dir('addr.json'),
    ]);
    assert.equal(result.status, 0, result.stderr);
    assert.match(
      result.stdout,
      /shop\/reports:https tcp\s+Local .*no local endpoint on this node, yet external traffic is forwarded to endpoints on other nodes/,
    );
  });

  it('refuses two modes at once, IPVS inputs without --ipvs and two IPVS dumps (exit 2)', () => {
    const both = runCli([
      'analyze',
      '--node-name',
      'n',
      '--nft',
      'a',
      '--ipvs',
      'b',
      '--conntrack',
      'c',
    ]);
    assert.equal(both.status, 2);
    assert.match(both.stderr, /--nft and --ipvs/);
    const orphan = runCli([
      'analyze',
      '--node-name',
      'n',
      '--iptables-save',
      'a',
      '--ipvs-connections',
      'b',
      '--conntrack',
      'c',
    ]);
    assert.equal(orphan.status, 2);
    assert.match(orphan.stderr, /needs --ipvs/);
    // ipvsadm-save lists both families: one dump per node.
    const twice = runCli([
      'analyze',
      '--node-name',
      'n',
      '--ipvs',
      'a',
      '--ipvs',
      'b',
      '--conntrack',
      'c',
    ]);
    assert.equal(twice.status, 2);
    assert.match(twice.stderr, /--ipvs given 2 times; a node has at most 1/);
  });
});
