// The lab's kube-proxy nftables-mode rule generator: golden files for the default cluster and the
// copied kube-proxy test dump (nftables-k8s-master-overall-knftables-dump.nft) as ground truth.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cluster, PodSpec, ServicePortSpec } from '../../lab/cluster.js';
import { defaultCluster, findService } from '../../lab/cluster.js';
import {
  nftChainNameBase,
  nftEndpointChain,
  nftServiceChains,
  renderNftables,
} from '../../lab/kube-proxy-nft-rules.js';
import { assertGolden, readFixture } from '../support/golden.js';

const fixtureName = 'nftables-k8s-master-overall-knftables-dump.nft';

// The kube-proxy unit-test conventions: pod CIDR 10.0.0.0/8, service CIDR 172.30.0.0/16, node
// "local" (192.168.0.2, the only nodeport-ips element) renders the rules.
function fixtureCluster(pods: PodSpec[], services: ServicePortSpec[]): Cluster {
  return {
    ...defaultCluster(),
    clusterCidr: '10.0.0.0/8',
    serviceCidr: '172.30.0.0/16',
    nodes: [
      { name: 'local', ip: '192.168.0.2', podCidr: '10.180.2.0/24' },
      { name: 'remote', ip: '192.168.0.3', podCidr: '10.180.0.0/24' },
    ],
    pods,
    services,
    natLoadBalancer: { internetIp: '198.51.100.10', lanIp: '203.0.113.5', forwards: [] },
  };
}

function servicePort(
  ns: string,
  overrides: Partial<ServicePortSpec> & Pick<ServicePortSpec, 'clusterIP' | 'endpoints'>,
): ServicePortSpec {
  return {
    namespace: ns,
    name: ns.replace('ns', 'svc'),
    portName: 'p80',
    type: 'ClusterIP',
    protocol: 'tcp',
    port: 80,
    targetPort: 80,
    externalTrafficPolicy: 'Cluster',
    loadBalancerIPs: [],
    externalIPs: [],
    ...overrides,
  };
}

// TestOverallNFTablesRules' services, all endpoints on the remote node. ns5 is left out: it uses
// session affinity and loadBalancerSourceRanges, which the lab does not model.
const overall = fixtureCluster(
  [1, 2, 3, 4, 5].map((i) => ({ name: `ep${i}`, node: 'remote', ip: `10.180.0.${i}` })),
  [
    servicePort('ns1', { clusterIP: '172.30.0.41', endpoints: ['ep1'] }),
    servicePort('ns2', {
      type: 'LoadBalancer',
      clusterIP: '172.30.0.42',
      nodePort: 3001,
      externalTrafficPolicy: 'Local',
      healthCheckNodePort: 30000,
      loadBalancerIPs: [{ ip: '1.2.3.4', announcedBy: 'local' }],
      externalIPs: [{ ip: '192.168.99.22', announcedBy: 'local' }],
      endpoints: ['ep2'],
    }),
    servicePort('ns3', {
      type: 'NodePort',
      clusterIP: '172.30.0.43',
      nodePort: 3003,
      endpoints: ['ep3'],
    }),
    servicePort('ns4', {
      clusterIP: '172.30.0.44',
      externalIPs: [{ ip: '192.168.99.33', announcedBy: 'local' }],
      endpoints: ['ep5', 'ep4'],
    }),
    servicePort('ns6', { clusterIP: '172.30.0.46', endpoints: [] }),
  ],
);

const isNs5 = (line: string): boolean => line.includes('ns5/') || line.includes('172.30.0.45');

// The commands of an nft -f file, without blank and comment lines.
function commands(text: string): string[] {
  return text.split('\n').filter((line) => line !== '' && !line.startsWith('#'));
}

function declaredChains(text: string): string[] {
  return commands(text)
    .map((line) => /^add chain ip kube-proxy (\S+)/.exec(line)?.[1])
    .filter((name): name is string => name !== undefined);
}

void describe('nftables chain names', () => {
  void it('hash "ns/name/proto/port" like the fixture (SOURCES.md, FORMATS.md §3.1)', () => {
    assert.equal(nftChainNameBase('ns1/svc1/tcp/p80'), 'ULMVA6XW-ns1/svc1/tcp/p80');
    assert.equal(
      nftChainNameBase('ns1/svc1/tcp/p80__10.180.0.1/80'),
      '5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80',
    );
  });

  void it("match every service, external and endpoint chain of the fixture's Services", () => {
    const fixture = readFixture(fixtureName);
    const expected = new Set(
      declaredChains(fixture).filter((name) => /^(service|external|endpoint)-/.test(name)),
    );
    // A Service without endpoints (ns6) has no chains at all, only a reject element.
    for (const service of overall.services.filter((s) => s.endpoints.length > 0)) {
      const chains = nftServiceChains(service);
      const endpoints = service.endpoints.map((ep) => {
        const ip = overall.pods.find((p) => p.name === ep)?.ip ?? '';
        return nftEndpointChain(service, ip, service.targetPort);
      });
      for (const chain of [chains.service, ...endpoints]) {
        assert.ok(expected.has(chain), `${chain} is in the fixture`);
      }
      if (service.type !== 'ClusterIP' || service.externalIPs.length > 0) {
        assert.ok(expected.has(chains.external), `${chains.external} is in the fixture`);
      }
    }
    // ns5's own names, computed from its Service port name alone.
    assert.ok(expected.has('service-HVFWP5L3-ns5/svc5/tcp/p80'));
    assert.equal(
      nftServiceChains(servicePort('ns5', { clusterIP: '172.30.0.45', endpoints: [] })).service,
      'service-HVFWP5L3-ns5/svc5/tcp/p80',
    );
  });

  void it('truncate over-long names the way kube-proxy does', () => {
    const base = nftChainNameBase('a'.repeat(300));
    assert.equal(base.length, 240);
    assert.ok(base.endsWith('...'));
  });
});

void describe('renderNftables', () => {
  void it("has exactly the fixture's commands, apart from ns5 and the order", () => {
    const rendered = commands(renderNftables(overall, 'local'));
    const expected = commands(readFixture(fixtureName)).filter((line) => !isNs5(line));
    assert.deepEqual([...rendered].sort(), [...expected].sort());
  });

  void it('declares every chain before a rule or element refers to it (nft -f rejects otherwise)', () => {
    for (const [cluster, node] of [
      [overall, 'local'],
      ...defaultCluster().nodes.map((n) => [defaultCluster(), n.name] as const),
    ] as const) {
      const declared = new Set<string>();
      for (const line of commands(renderNftables(cluster, node))) {
        const chain = /^add chain ip kube-proxy (\S+)/.exec(line)?.[1];
        if (chain !== undefined) {
          declared.add(chain);
          continue;
        }
        for (const match of line.matchAll(/\b(?:goto|jump) (\S+?)(?= |,|$)/g)) {
          const target = match[1] ?? '';
          assert.ok(declared.has(target), `${node}: ${target} used before it is declared: ${line}`);
        }
      }
    }
  });

  for (const node of defaultCluster().nodes) {
    void it(`renders node ${node.name} of the default cluster (golden)`, () => {
      assertGolden(`lab-nft/${node.name}.nft`, renderNftables(defaultCluster(), node.name));
    });
  }

  void it('sends Local external traffic to the local chain only where an endpoint runs', () => {
    const cluster = defaultCluster();
    const chains = nftServiceChains(findService(cluster, 'shop/checkout:https'));
    const toLocal = `add rule ip kube-proxy ${chains.external} goto ${chains.local}`;
    const drop =
      'add element ip kube-proxy no-endpoint-nodeports { tcp . 30443 comment "shop/checkout:https" : drop }';
    const n1 = renderNftables(cluster, 'n1');
    const n2 = renderNftables(cluster, 'n2');
    assert.ok(n2.includes(toLocal) && !n2.includes(drop));
    assert.ok(n1.includes(drop) && !n1.includes(toLocal) && !n1.includes(chains.local));
  });

  void it('rejects a node the cluster does not have', () => {
    assert.throws(() => renderNftables(defaultCluster(), 'n9'), /no node "n9"/);
  });
});
