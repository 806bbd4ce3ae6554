// The lab's kube-proxy rule generator against kube-proxy's own expected output (copied fixtures).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Cluster, PodSpec, ServicePortSpec } from '../../lab/cluster.js';
import { defaultCluster } from '../../lab/cluster.js';
import { chainHash, renderIptablesRestore } from '../../lab/kube-proxy-rules.js';
import { readFixture } from '../support/golden.js';

// kube-proxy installs these with `iptables -I`, so they are never in its restore input.
const jumpRule = /^-A (INPUT|FORWARD|OUTPUT|PREROUTING|POSTROUTING) /;

function withoutJumpRules(text: string): string {
  return text
    .split('\n')
    .filter((line) => !jumpRule.test(line))
    .join('\n');
}

// The kube-proxy unit-test conventions: pod CIDR 10.0.0.0/8, node "local" renders the rules.
function fixtureCluster(pods: PodSpec[], services: ServicePortSpec[]): Cluster {
  return {
    ...defaultCluster(),
    clusterCidr: '10.0.0.0/8',
    masqueradeRandomFully: false,
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

void describe('chainHash', () => {
  void it('gives the KUBE-SVC hash of FORMATS.md §1.2', () => {
    assert.equal(chainHash('ns1/svc1:p80' + 'tcp'), 'XPGD46QRK7WJZT7O');
  });
  void it('gives the KUBE-SEP hash of FORMATS.md §1.2', () => {
    assert.equal(chainHash('ns1/svc1:p80tcp10.180.0.1:80'), 'SXIVWICOYRO3J4NJ');
  });
});

void describe('renderIptablesRestore', () => {
  void it('reproduces iptables-1.28era-lb-local-with-local-endpoint-svl.txt exactly', () => {
    const cluster = fixtureCluster(
      [
        { name: 'ep-remote', node: 'remote', ip: '10.180.0.1' },
        { name: 'ep-local', node: 'local', ip: '10.180.2.1' },
      ],
      [
        servicePort('ns1', {
          type: 'LoadBalancer',
          clusterIP: '172.30.0.41',
          nodePort: 3001,
          externalTrafficPolicy: 'Local',
          healthCheckNodePort: 30000,
          loadBalancerIPs: [{ ip: '1.2.3.4', announcedBy: 'local' }],
          externalIPs: [{ ip: '192.168.99.11', announcedBy: 'local' }],
          endpoints: ['ep-local', 'ep-remote'],
        }),
      ],
    );
    const rendered = renderIptablesRestore(cluster, 'local');
    assert.equal(
      withoutJumpRules(rendered),
      readFixture('iptables-1.28era-lb-local-with-local-endpoint-svl.txt'),
    );
  });

  void it('reproduces iptables-1.28era-overall-lb-local-nodeport-cluster.txt except ns5 (source ranges)', () => {
    const cluster = fixtureCluster(
      [
        { name: 'ep1', node: 'remote', ip: '10.180.0.1' },
        { name: 'ep2', node: 'remote', ip: '10.180.0.2' },
        { name: 'ep3', node: 'remote', ip: '10.180.0.3' },
        { name: 'ep4', node: 'remote', ip: '10.180.0.4' },
        { name: 'ep5', node: 'remote', ip: '10.180.0.5' },
      ],
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
    const ns5 = /ns5\/svc5|NUKIZ6OKUXPJNT4C|I77PXRDZVX7PMWMN/;
    const expected = readFixture('iptables-1.28era-overall-lb-local-nodeport-cluster.txt')
      .split('\n')
      .filter((line) => !ns5.test(line))
      .join('\n');
    assert.equal(withoutJumpRules(renderIptablesRestore(cluster, 'local')), expected);
  });

  void it('adds the jump rules of FORMATS.md §1.3 and --random-fully when asked', () => {
    const rendered = renderIptablesRestore(defaultCluster(), 'n1');
    const jumps = rendered.split('\n').filter((line) => jumpRule.test(line));
    assert.equal(jumps.length, 14);
    assert.ok(
      jumps.includes(
        '-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL',
      ),
    );
    assert.ok(
      rendered.includes(
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully\n',
      ),
    );
  });

  void it('drops external traffic for a Local service only on nodes without a local endpoint', () => {
    const cluster = defaultCluster();
    const drop =
      '-A KUBE-EXTERNAL-SERVICES -m comment --comment "shop/checkout:https has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 30443 -j DROP';
    const svl = '-A KUBE-EXT-' + chainHash('shop/checkout:httpstcp') + ' -j KUBE-SVL-';
    assert.ok(renderIptablesRestore(cluster, 'n1').includes(drop));
    assert.ok(!renderIptablesRestore(cluster, 'n1').includes(svl));
    assert.ok(!renderIptablesRestore(cluster, 'n2').includes(drop));
    assert.ok(renderIptablesRestore(cluster, 'n2').includes(svl));
  });
});
