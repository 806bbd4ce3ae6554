// Table-driven classifier cases: one conntrack entry in, the record (or none) out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowClassifier } from '../../agent/classify.js';
import { buildNodeContext } from '../../agent/model/node.js';
import type { KubeProxyModel, ServicePortModel } from '../../agent/model/service-model.js';
import { NO_SNAT_RULES } from '../../agent/model/snat-rules.js';
import type { ConntrackEntry } from '../../agent/sources/conntrack.js';
import { parseCidr, type Cidr } from '../../common/cidr.js';
import { v1 } from '../../proto/index.js';

const { Cause, EntryKind, Kind } = v1.FlowRecord;

function service(overrides: Partial<ServicePortModel> & { key: string }): ServicePortModel {
  const [namespace = '', rest = ''] = overrides.key.split('/');
  const [name = '', port = ''] = rest.split(':');
  return {
    ref: { namespace, name, port },
    protocol: 'tcp',
    clusterIPs: [],
    port: 80,
    nodePort: null,
    frontends: [],
    externalTrafficPolicy: 'Cluster',
    externalMasquerade: true,
    healthCheckNodePort: null,
    endpoints: [],
    noLocalEndpointDrops: { packets: 0, bytes: 0 },
    dropsWithoutLocalEndpoints: false,
    ...overrides,
  };
}

const model: KubeProxyModel = {
  proxyMode: 'iptables',
  masqueradeMark: '0x4000',
  clusterCidrs: ['10.244.0.0/16'],
  nodePortAddresses: 'local',
  localhostNodePorts: true,
  snat: NO_SNAT_RULES,
  services: [
    service({
      key: 'shop/api:http',
      clusterIPs: ['10.96.0.10'],
      nodePort: 30080,
      endpoints: [
        { ip: '10.244.1.5', port: 8080, local: null },
        { ip: '10.244.2.5', port: 8080, local: null },
      ],
    }),
    service({
      key: 'shop/checkout:https',
      port: 443,
      nodePort: 30443,
      frontends: [{ kind: 'LoadBalancer', ip: '192.0.2.100', port: 443 }],
      externalTrafficPolicy: 'Local',
      externalMasquerade: false,
      healthCheckNodePort: 32100,
      endpoints: [
        { ip: '10.244.1.7', port: 8443, local: true },
        { ip: '10.244.3.7', port: 8443, local: false },
      ],
    }),
    service({
      key: 'web/legacy:',
      frontends: [{ kind: 'ExternalIP', ip: '192.0.2.200', port: 80 }],
      endpoints: [{ ip: '10.244.2.9', port: 80, local: null }],
    }),
    service({
      key: 'dns/resolver:dns',
      protocol: 'udp',
      port: 53,
      nodePort: 30053,
      endpoints: [{ ip: '10.244.2.53', port: 53, local: null }],
    }),
    service({
      key: 'v6/api:http',
      nodePort: 30600,
      externalTrafficPolicy: 'Local',
      externalMasquerade: false,
      endpoints: [{ ip: 'fd00:244:1::5', port: 8080, local: true }],
    }),
  ],
};

const podCidrs = ['10.244.1.0/24', 'fd00:244:1::/64'].map((c) => parseCidr(c) as Cidr);
const node = buildNodeContext({
  name: 'n1',
  interfaces: [],
  nodeIps: ['203.0.113.11', '10.244.1.1', '2001:db8::11', '127.0.0.1'],
  podCidrs,
  model,
});
const classifier = new FlowClassifier(model, node, { observedAt: 1700000000 });

interface Tuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

function entry(original: Tuple, reply: Tuple, protocol = 'tcp'): ConntrackEntry {
  return {
    event: null,
    eventTime: null,
    family: original.src.includes(':') ? 'ipv6' : 'ipv4',
    protocol,
    protocolNumber: protocol === 'udp' ? 17 : 6,
    timeout: 100,
    state: protocol === 'tcp' ? 'ESTABLISHED' : '',
    original,
    reply,
    originalIcmp: null,
    replyIcmp: null,
    originalCounters: null,
    replyCounters: null,
    unreplied: false,
    assured: true,
    offload: false,
    hwOffload: false,
    mark: 0,
    zone: 0,
    id: 42,
    labels: [],
  };
}

const t = (src: string, sport: number, dst: string, dport: number): Tuple => ({
  src,
  sport,
  dst,
  dport,
});

interface Case {
  name: string;
  entry: ConntrackEntry;
  want: Partial<v1.IFlowRecord> | null;
}

const cases: Case[] = [
  {
    name: 'Cluster policy to a remote endpoint: masqueraded to the node IP',
    entry: entry(
      t('198.51.100.50', 40000, '203.0.113.11', 30080),
      t('10.244.2.5', 8080, '203.0.113.11', 61000),
    ),
    want: {
      kind: Kind.flow,
      entryKind: EntryKind.NodePort,
      snat: true,
      cause: Cause.ClusterPolicyMasquerade,
      endpointLocal: false,
      observedSource: { ip: '203.0.113.11', port: 61000 },
      service: { namespace: 'shop', name: 'api', port: 'http' },
    },
  },
  {
    name: 'Cluster policy to a local endpoint: masqueraded to the pod bridge address',
    entry: entry(
      t('198.51.100.50', 40001, '203.0.113.11', 30080),
      t('10.244.1.5', 8080, '10.244.1.1', 40001),
    ),
    want: { snat: true, cause: Cause.ClusterPolicyMasquerade, endpointLocal: true },
  },
  {
    name: 'Local policy preserves the client IP',
    entry: entry(
      t('198.51.100.50', 40002, '203.0.113.11', 30443),
      t('10.244.1.7', 8443, '198.51.100.50', 40002),
    ),
    want: {
      entryKind: EntryKind.NodePort,
      snat: false,
      cause: Cause.None,
      endpointLocal: true,
      externalTrafficPolicy: v1.TrafficPolicy.Local,
    },
  },
  {
    name: 'LoadBalancer IP with Local policy',
    entry: entry(
      t('198.51.100.51', 40003, '192.0.2.100', 443),
      t('10.244.1.7', 8443, '198.51.100.51', 40003),
    ),
    want: { entryKind: EntryKind.LoadBalancer, snat: false, cause: Cause.None },
  },
  {
    name: 'external IP with Cluster policy',
    entry: entry(
      t('198.51.100.52', 40004, '192.0.2.200', 80),
      t('10.244.2.9', 80, '203.0.113.11', 40004),
    ),
    want: {
      entryKind: EntryKind.ExternalIP,
      snat: true,
      cause: Cause.ClusterPolicyMasquerade,
      service: { namespace: 'web', name: 'legacy', port: '' },
    },
  },
  {
    name: 'node-local origin is masqueraded even with Local policy',
    entry: entry(
      t('203.0.113.11', 40005, '203.0.113.11', 30443),
      t('10.244.1.7', 8443, '10.244.1.1', 40005),
    ),
    want: { snat: true, cause: Cause.LocalOrigin },
  },
  {
    name: 'localhost NodePort is a local origin',
    entry: entry(
      t('127.0.0.1', 40006, '127.0.0.1', 30080),
      t('10.244.2.5', 8080, '203.0.113.11', 40006),
    ),
    want: { entryKind: EntryKind.NodePort, cause: Cause.LocalOrigin },
  },
  {
    name: 'hairpin: a backend reaching itself through the NodePort',
    entry: entry(
      t('10.244.1.7', 40007, '203.0.113.11', 30443),
      t('10.244.1.7', 8443, '10.244.1.1', 40007),
    ),
    want: { snat: true, cause: Cause.Hairpin },
  },
  {
    name: 'UDP NodePort with Cluster policy',
    entry: entry(
      t('198.51.100.50', 5353, '203.0.113.11', 30053),
      t('10.244.2.53', 53, '203.0.113.11', 5353),
      'udp',
    ),
    want: {
      protocol: 'udp',
      snat: true,
      cause: Cause.ClusterPolicyMasquerade,
      endpointLocal: false,
    },
  },
  {
    name: 'IPv6 NodePort with Local policy',
    entry: entry(
      t('2001:db8::100', 40008, '2001:db8::11', 30600),
      t('fd00:244:1::5', 8080, '2001:db8::100', 40008),
    ),
    want: { snat: false, cause: Cause.None, endpointLocal: true },
  },
  {
    name: 'a MASQUERADE that is not kube-proxy’s is OtherSnat',
    entry: entry(
      t('198.51.100.50', 40009, '203.0.113.11', 30443),
      t('10.244.1.7', 8443, '203.0.113.11', 40009),
    ),
    want: { snat: true, cause: Cause.OtherSnat },
  },
  {
    name: 'a fully-random port change alone is not SNAT of the address',
    entry: entry(
      t('198.51.100.50', 40010, '203.0.113.11', 30443),
      t('10.244.1.7', 8443, '198.51.100.50', 9161),
    ),
    want: { snat: false, cause: Cause.None, observedSource: { ip: '198.51.100.50', port: 9161 } },
  },
  {
    name: 'ClusterIP-only flow from a pod is ignored',
    entry: entry(
      t('10.244.1.9', 40011, '10.96.0.10', 80),
      t('10.244.2.5', 8080, '10.244.1.9', 40011),
    ),
    want: null,
  },
  {
    name: 'NodePort number on an address that is not the node’s is not an entry',
    entry: entry(
      t('198.51.100.50', 40012, '198.51.100.99', 30080),
      t('198.51.100.99', 30080, '198.51.100.50', 40012),
    ),
    want: null,
  },
  {
    name: 'backend half: another node’s address reaching a local endpoint un-NATed',
    entry: entry(
      t('203.0.113.12', 61000, '10.244.1.5', 8080),
      t('10.244.1.5', 8080, '203.0.113.12', 61000),
    ),
    want: {
      kind: Kind.backend,
      observedSource: { ip: '203.0.113.12', port: 61000 },
      backend: { ip: '10.244.1.5', port: 8080 },
      endpointLocal: true,
    },
  },
  {
    name: 'pod to pod traffic to an endpoint is not a backend half',
    entry: entry(
      t('10.244.2.77', 50000, '10.244.1.5', 8080),
      t('10.244.1.5', 8080, '10.244.2.77', 50000),
    ),
    want: null,
  },
  {
    name: 'ICMP is never a Service flow',
    entry: entry(
      t('198.51.100.50', 0, '203.0.113.11', 0),
      t('203.0.113.11', 0, '198.51.100.50', 0),
      'icmp',
    ),
    want: null,
  },
];

describe('classifier', () => {
  for (const c of cases) {
    it(c.name, () => {
      const record = classifier.classify(c.entry);
      if (c.want === null) {
        assert.equal(record, null);
        return;
      }
      assert.ok(record, 'expected a record');
      for (const [key, value] of Object.entries(c.want)) {
        assert.deepEqual(record[key as keyof v1.IFlowRecord], value, `field ${key}`);
      }
      assert.equal(record.node, 'n1');
      assert.equal(record.conntrackId, 42);
    });
  }

  it('endpointLocal is null when neither rules nor pod subnets tell', () => {
    const blind = new FlowClassifier(
      model,
      buildNodeContext({
        name: 'n1',
        interfaces: [],
        nodeIps: ['203.0.113.11'],
        podCidrs: [],
        model,
      }),
      { observedAt: 0 },
    );
    const record = blind.classify(
      entry(
        t('198.51.100.50', 40000, '203.0.113.11', 30080),
        t('10.244.2.5', 8080, '203.0.113.11', 61000),
      ),
    );
    assert.equal(record?.endpointLocal, null);
  });
});
