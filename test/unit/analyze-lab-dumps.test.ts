// `snatscope analyze` on the dumps of a three-node lab cluster, checked against what each pod's
// socket really saw (the ground-truth table in test/fixtures/SOURCES.md, "lab-n*" section).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertGolden, fixturePath } from '../support/golden.js';
import { parseNdjson, runCli } from '../support/cli.js';

interface Truth {
  node: string;
  client: string;
  entry: string;
  entryKind: string;
  sawSource: string;
  cause: string;
  service: string;
  endpointLocal: boolean;
}

// One row per probe that entered the cluster; timeouts (drops) have no conntrack entry.
const TRUTH: Truth[] = [
  {
    node: 'n1',
    client: '198.51.100.50:49038',
    entry: '203.0.113.11:30080',
    entryKind: 'NodePort',
    sawSource: '203.0.113.11:51539',
    cause: 'ClusterPolicyMasquerade',
    service: 'shop/api:http',
    endpointLocal: false,
  },
  {
    node: 'n2',
    client: '198.51.100.50:55526',
    entry: '203.0.113.12:30080',
    entryKind: 'NodePort',
    sawSource: '203.0.113.12:10664',
    cause: 'ClusterPolicyMasquerade',
    service: 'shop/api:http',
    endpointLocal: false,
  },
  {
    node: 'n3',
    client: '198.51.100.50:41240',
    entry: '203.0.113.13:30080',
    entryKind: 'NodePort',
    sawSource: '10.244.3.1:19086',
    cause: 'ClusterPolicyMasquerade',
    service: 'shop/api:http',
    endpointLocal: true,
  },
  {
    node: 'n2',
    client: '198.51.100.50:37954',
    entry: '203.0.113.12:30443',
    entryKind: 'NodePort',
    sawSource: '198.51.100.50:37954',
    cause: 'None',
    service: 'shop/checkout:https',
    endpointLocal: true,
  },
  {
    node: 'n2',
    client: '198.51.100.51:54514',
    entry: '192.0.2.10:443',
    entryKind: 'LoadBalancer',
    sawSource: '198.51.100.51:54514',
    cause: 'None',
    service: 'shop/checkout:https',
    endpointLocal: true,
  },
  {
    node: 'n1',
    client: '198.51.100.50:55020',
    entry: '203.0.113.11:30053',
    entryKind: 'NodePort',
    sawSource: '203.0.113.11:50291',
    cause: 'ClusterPolicyMasquerade',
    service: 'dns/resolver:dns',
    endpointLocal: false,
  },
  {
    node: 'n2',
    client: '198.51.100.50:56088',
    entry: '203.0.113.12:30053',
    entryKind: 'NodePort',
    sawSource: '203.0.113.12:20340',
    cause: 'ClusterPolicyMasquerade',
    service: 'dns/resolver:dns',
    endpointLocal: false,
  },
  {
    node: 'n3',
    client: '198.51.100.50:53904',
    entry: '203.0.113.13:30053',
    entryKind: 'NodePort',
    sawSource: '203.0.113.13:17863',
    cause: 'ClusterPolicyMasquerade',
    service: 'dns/resolver:dns',
    endpointLocal: false,
  },
  {
    node: 'n2',
    client: '198.51.100.51:43478',
    entry: '192.0.2.100:80',
    entryKind: 'ExternalIP',
    sawSource: '203.0.113.12:57489',
    cause: 'ClusterPolicyMasquerade',
    service: 'shop/web:http',
    endpointLocal: false,
  },
  {
    node: 'n3',
    client: '198.51.100.50:35426',
    entry: '203.0.113.13:30504',
    entryKind: 'NodePort',
    sawSource: '198.51.100.50:35426',
    cause: 'None',
    service: 'media/stream:rtp',
    endpointLocal: true,
  },
  {
    node: 'n3',
    client: '198.51.100.51:38545',
    entry: '192.0.2.20:5004',
    entryKind: 'LoadBalancer',
    sawSource: '198.51.100.51:38545',
    cause: 'None',
    service: 'media/stream:rtp',
    endpointLocal: true,
  },
  // Through the external NAT load balancer: the node sees the LB's LAN address as the client.
  {
    node: 'n1',
    client: '203.0.113.5:46918',
    entry: '203.0.113.11:30080',
    entryKind: 'NodePort',
    sawSource: '203.0.113.11:36388',
    cause: 'ClusterPolicyMasquerade',
    service: 'shop/api:http',
    endpointLocal: false,
  },
  {
    node: 'n2',
    client: '203.0.113.5:40526',
    entry: '203.0.113.12:30443',
    entryKind: 'NodePort',
    sawSource: '203.0.113.5:40526',
    cause: 'None',
    service: 'shop/checkout:https',
    endpointLocal: true,
  },
  {
    node: 'n2',
    client: '203.0.113.12:52738',
    entry: '203.0.113.12:30443',
    entryKind: 'NodePort',
    sawSource: '10.244.2.1:23411',
    cause: 'LocalOrigin',
    service: 'shop/checkout:https',
    endpointLocal: true,
  },
];

// The far halves: on the backend's node, the entry node's masqueraded address reaching the pod.
const BACKEND_HALVES: Record<string, string[]> = {
  n1: [],
  n2: ['203.0.113.11:36388', '203.0.113.11:51539', '203.0.113.13:17863'],
  n3: ['203.0.113.11:50291', '203.0.113.12:10664', '203.0.113.12:20340', '203.0.113.12:57489'],
};

type HostPort = { ip: string; port: number };
const hp = (value: unknown): string => `${(value as HostPort).ip}:${(value as HostPort).port}`;
const name = (value: unknown): string => {
  const s = value as { namespace: string; name: string; port: string };
  return `${s.namespace}/${s.name}:${s.port}`;
};

describe('analyze on a three-node lab cluster', () => {
  for (const node of ['n1', 'n2', 'n3']) {
    it(`${node}: every entry flow shows the source its pod really saw`, () => {
      const run = runCli([
        'analyze',
        '--node-name',
        node,
        '--iptables-save',
        fixturePath(`lab-${node}-iptables-save-c.txt`),
        '--conntrack',
        fixturePath(`lab-${node}-conntrack-L-extended-id.txt`),
        '--addresses',
        fixturePath(`lab-${node}-ip-addr.json`),
        '--output',
        'json',
      ]);
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stderr, '', 'no warnings: addresses give node IPs and pod subnets');
      const records = parseNdjson(run.stdout).map((r) =>
        r.kind === 'service' ? r : { ...r, observedAt: 0 },
      );
      assertGolden(
        `analyze/lab-${node}.ndjson`,
        records.map((r) => JSON.stringify(r)).join('\n') + '\n',
      );

      const flows = records.filter((r) => r.kind === 'flow');
      const expected = TRUTH.filter((t) => t.node === node);
      assert.equal(flows.length, expected.length);
      for (const truth of expected) {
        const flow = flows.find((f) => hp(f.client) === truth.client);
        assert.ok(flow, `a record for client ${truth.client}`);
        assert.equal(hp(flow.entry), truth.entry);
        assert.equal(flow.entryKind, truth.entryKind);
        assert.equal(
          hp(flow.observedSource),
          truth.sawSource,
          `observed source of ${truth.client}`,
        );
        assert.equal(flow.cause, truth.cause);
        assert.equal(flow.snat, truth.cause !== 'None');
        assert.equal(name(flow.service), truth.service);
        assert.equal(flow.endpointLocal, truth.endpointLocal);
      }
      const halves = records
        .filter((r) => r.kind === 'backend')
        .map((r) => hp(r.observedSource))
        .sort();
      assert.deepEqual(halves, BACKEND_HALVES[node]);
    });
  }
});
