// Model tests: golden models of every iptables-save fixture, named facts checked against the
// fixtures by hand, the renderings agreeing with each other, and old (KUBE-XLB era) layouts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildIptablesModel } from '../../agent/model/kube-proxy-iptables.js';
import type { KubeProxyModel, ServicePortModel } from '../../agent/model/service-model.js';
import { NO_SNAT_RULES } from '../../agent/model/snat-rules.js';
import { parseIptablesSave, type IptablesParseOptions } from '../../agent/sources/iptables-save.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

function modelOf(text: string, source: string, options?: IptablesParseOptions): KubeProxyModel {
  const { tables, errors } = parseIptablesSave(text, source, options);
  assert.deepEqual(
    errors.map((e) => e.message),
    [],
  );
  return buildIptablesModel(tables);
}

function fixtureModel(name: string): KubeProxyModel {
  const options = name.includes('-S-') ? { defaultTable: 'nat' } : undefined;
  return modelOf(readFixture(name), name, options);
}

function service(model: KubeProxyModel, key: string): ServicePortModel {
  const found = model.services.find((s) => s.key === key);
  assert.ok(found, `service ${key} is in the model`);
  return found;
}

/** The model with every counter zeroed, to compare renderings that differ only in counters. */
function withoutCounters(model: KubeProxyModel): KubeProxyModel {
  return {
    ...model,
    services: model.services.map((s) => ({ ...s, noLocalEndpointDrops: { packets: 0, bytes: 0 } })),
  };
}

/** Golden text: the node-level fields on the first line, then one Service port per line. */
function goldenText(model: KubeProxyModel): string {
  const { services, ...node } = model;
  return toJsonLines([node, ...services]);
}

const GOLDEN_FIXTURES = [
  'iptables-1.28era-externalip-cluster-policy.txt',
  'iptables-1.28era-lb-local-with-local-endpoint-svl.txt',
  'iptables-1.28era-nodeport-local-ipv6.txt',
  'iptables-1.28era-nodeport-local-no-localdetector-ipv4.txt',
  'iptables-1.28era-overall-lb-local-nodeport-cluster.txt',
  'iptables-k8s-master-overall-lb-local-nodeport-cluster.txt',
  'iptables-pre1.21-clusterip-endpointslice-old-format.txt',
  'generated-iptables-nat-S-v-counters.txt',
  'generated-iptables-nft-save-c-nodeport-local-svl.txt',
  'generated-iptables-nft-save-c-overall-cluster-and-local-drop.txt',
  'generated-iptables-nft-save-nodeport-local-svl.txt',
  'lab-n1-iptables-save-c.txt',
  'lab-n2-iptables-save-c.txt',
  'lab-n3-iptables-save-c.txt',
];

void describe('buildIptablesModel: golden models', () => {
  for (const name of GOLDEN_FIXTURES) {
    void it(name, () => {
      assertGolden(
        `iptables/${name.replace(/\.txt$/, '')}.model.jsonl`,
        goldenText(fixtureModel(name)),
      );
    });
  }
});

void describe('buildIptablesModel: facts read off the fixtures', () => {
  const cases: {
    name: string;
    fixture: string;
    key: string;
    expect: Partial<ServicePortModel>;
  }[] = [
    {
      name: 'LB+externalIP Local with a local endpoint (KUBE-SVL)',
      fixture: 'iptables-1.28era-lb-local-with-local-endpoint-svl.txt',
      key: 'ns1/svc1:p80',
      expect: {
        protocol: 'tcp',
        externalTrafficPolicy: 'Local',
        externalMasquerade: false,
        clusterIPs: ['172.30.0.41'],
        port: 80,
        nodePort: 3001,
        healthCheckNodePort: 30000,
        frontends: [
          { kind: 'ExternalIP', ip: '192.168.99.11', port: 80 },
          { kind: 'LoadBalancer', ip: '1.2.3.4', port: 80 },
        ],
        endpoints: [
          { ip: '10.180.0.1', port: 80, local: false },
          { ip: '10.180.2.1', port: 80, local: true },
        ],
        dropsWithoutLocalEndpoints: false,
      },
    },
    {
      name: 'iptables-save -c: Local without a local endpoint, drops counted',
      fixture: 'generated-iptables-nft-save-c-overall-cluster-and-local-drop.txt',
      key: 'ns2/svc2:p80',
      expect: {
        externalTrafficPolicy: 'Local',
        externalMasquerade: false,
        nodePort: 3001,
        healthCheckNodePort: 30000,
        noLocalEndpointDrops: { packets: 2, bytes: 120 },
        dropsWithoutLocalEndpoints: true,
        endpoints: [{ ip: '10.180.0.2', port: 80, local: false }],
      },
    },
    {
      name: 'iptables-save -c: NodePort Cluster is masqueraded',
      fixture: 'generated-iptables-nft-save-c-overall-cluster-and-local-drop.txt',
      key: 'ns3/svc3:p80',
      expect: {
        externalTrafficPolicy: 'Cluster',
        externalMasquerade: true,
        nodePort: 3003,
        healthCheckNodePort: null,
        endpoints: [{ ip: '10.180.0.3', port: 80, local: null }],
        dropsWithoutLocalEndpoints: false,
      },
    },
    {
      name: 'LB with source ranges goes KUBE-FW → KUBE-EXT (Cluster)',
      fixture: 'iptables-k8s-master-overall-lb-local-nodeport-cluster.txt',
      key: 'ns5/svc5:p80',
      expect: {
        externalTrafficPolicy: 'Cluster',
        externalMasquerade: true,
        nodePort: 3002,
        frontends: [{ kind: 'LoadBalancer', ip: '5.6.7.8', port: 80 }],
        endpoints: [{ ip: '10.180.0.3', port: 80, local: null }],
      },
    },
    {
      name: 'master: nfacct localhost rule does not change the NodePort',
      fixture: 'iptables-k8s-master-overall-lb-local-nodeport-cluster.txt',
      key: 'ns2/svc2:p80',
      expect: { nodePort: 3001, externalTrafficPolicy: 'Local', dropsWithoutLocalEndpoints: true },
    },
    {
      name: 'ClusterIP only is Cluster with unknown locality',
      fixture: 'iptables-k8s-master-overall-lb-local-nodeport-cluster.txt',
      key: 'ns1/svc1:p80',
      expect: {
        externalTrafficPolicy: 'Cluster',
        externalMasquerade: false,
        nodePort: null,
        frontends: [],
        endpoints: [{ ip: '10.180.0.1', port: 80, local: null }],
      },
    },
    {
      name: 'a port without endpoints is seen through its filter REJECT rule',
      fixture: 'iptables-k8s-master-overall-lb-local-nodeport-cluster.txt',
      key: 'ns6/svc6:p80',
      expect: { clusterIPs: ['172.30.0.46'], port: 80, endpoints: [] },
    },
    {
      name: 'externalIP with Cluster policy',
      fixture: 'iptables-1.28era-externalip-cluster-policy.txt',
      key: 'ns1/svc1:p80',
      expect: {
        externalTrafficPolicy: 'Cluster',
        externalMasquerade: true,
        frontends: [{ kind: 'ExternalIP', ip: '192.168.99.11', port: 80 }],
        endpoints: [
          { ip: '10.180.0.1', port: 80, local: null },
          { ip: '10.180.2.1', port: 80, local: null },
        ],
      },
    },
    {
      name: 'IPv6 Local NodePort',
      fixture: 'iptables-1.28era-nodeport-local-ipv6.txt',
      key: 'ns1/svc1:p80',
      expect: {
        clusterIPs: ['fd00:ab34::20'],
        nodePort: 30001,
        externalTrafficPolicy: 'Local',
        endpoints: [
          { ip: 'ff06::c1', port: 80, local: false },
          { ip: 'ff06::c2', port: 80, local: true },
        ],
      },
    },
    {
      name: 'Local without a local-traffic detector (no pod-traffic rule)',
      fixture: 'iptables-1.28era-nodeport-local-no-localdetector-ipv4.txt',
      key: 'ns1/svc1:p80',
      expect: {
        externalTrafficPolicy: 'Local',
        nodePort: 30001,
        endpoints: [
          { ip: '10.244.0.1', port: 80, local: false },
          { ip: '10.244.2.1', port: 80, local: true },
        ],
      },
    },
    {
      name: 'pre-1.21: ns/name key without port, masquerade in KUBE-SERVICES',
      fixture: 'iptables-pre1.21-clusterip-endpointslice-old-format.txt',
      key: 'ns1/svc1',
      expect: {
        ref: { namespace: 'ns1', name: 'svc1', port: '' },
        clusterIPs: ['172.20.1.1'],
        port: 0,
        externalTrafficPolicy: 'Cluster',
        endpoints: [
          { ip: '10.0.1.1', port: 80, local: null },
          { ip: '10.0.1.2', port: 80, local: null },
          { ip: '10.0.1.3', port: 80, local: null },
        ],
      },
    },
    {
      name: 'iptables -S -v (nat only): Local from the KUBE-EXT shape alone',
      fixture: 'generated-iptables-nat-S-v-counters.txt',
      key: 'ns1/svc1:p80',
      expect: {
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: null,
        endpoints: [
          { ip: '10.180.0.1', port: 80, local: false },
          { ip: '10.180.2.1', port: 80, local: true },
        ],
      },
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const found = service(fixtureModel(c.fixture), c.key);
      for (const [field, value] of Object.entries(c.expect)) {
        assert.deepEqual(found[field as keyof ServicePortModel], value, field);
      }
    });
  }

  const nodeCases: { name: string; fixture: string; expect: Partial<KubeProxyModel> }[] = [
    {
      name: 'IPv4 defaults',
      fixture: 'iptables-1.28era-lb-local-with-local-endpoint-svl.txt',
      expect: {
        proxyMode: 'iptables',
        masqueradeMark: '0x4000',
        clusterCidrs: ['10.0.0.0/8'],
        nodePortAddresses: 'local',
        localhostNodePorts: true,
      },
    },
    {
      name: 'iptables-save rewrites --or-mark as --set-xmark',
      fixture: 'generated-iptables-nft-save-nodeport-local-svl.txt',
      expect: { masqueradeMark: '0x4000' },
    },
    {
      name: 'IPv6: no localhost NodePorts (! -d ::1/128)',
      fixture: 'iptables-1.28era-nodeport-local-ipv6.txt',
      expect: { localhostNodePorts: false, nodePortAddresses: 'local', clusterCidrs: [] },
    },
    {
      name: 'pre-1.21: pod CIDR from the KUBE-SERVICES masquerade rule',
      fixture: 'iptables-pre1.21-clusterip-endpointslice-old-format.txt',
      expect: { clusterCidrs: ['10.0.0.0/24'] },
    },
    {
      name: 'no local detector: no pod CIDR',
      fixture: 'iptables-1.28era-nodeport-local-no-localdetector-ipv4.txt',
      expect: { clusterCidrs: [] },
    },
  ];
  for (const c of nodeCases) {
    void it(c.name, () => {
      const model = fixtureModel(c.fixture);
      for (const [field, value] of Object.entries(c.expect)) {
        assert.deepEqual(model[field as keyof KubeProxyModel], value, field);
      }
    });
  }

  void it('lists the six ports of the overall fixture in key order', () => {
    assert.deepEqual(
      fixtureModel('iptables-k8s-master-overall-lb-local-nodeport-cluster.txt').services.map(
        (s) => s.key,
      ),
      [
        'ns1/svc1:p80',
        'ns2/svc2:p80',
        'ns3/svc3:p80',
        'ns4/svc4:p80',
        'ns5/svc5:p80',
        'ns6/svc6:p80',
      ],
    );
  });
});

void describe('buildIptablesModel: renderings of the same rules agree', () => {
  const cases: { name: string; a: () => KubeProxyModel; b: () => KubeProxyModel }[] = [
    {
      name: 'restore input vs iptables-save (Local with KUBE-SVL)',
      a: () => fixtureModel('iptables-1.28era-lb-local-with-local-endpoint-svl.txt'),
      b: () => fixtureModel('generated-iptables-nft-save-nodeport-local-svl.txt'),
    },
    {
      name: 'iptables-save vs iptables-save -c',
      a: () => fixtureModel('generated-iptables-nft-save-nodeport-local-svl.txt'),
      b: () => fixtureModel('generated-iptables-nft-save-c-nodeport-local-svl.txt'),
    },
    {
      name: 'restore input vs iptables-save -c (overall, Cluster and Local drop)',
      a: () => fixtureModel('iptables-1.28era-overall-lb-local-nodeport-cluster.txt'),
      b: () => fixtureModel('generated-iptables-nft-save-c-overall-cluster-and-local-drop.txt'),
    },
    {
      name: 'iptables -t nat -S -v vs the nat table of iptables-save -c',
      a: () => fixtureModel('generated-iptables-nat-S-v-counters.txt'),
      b: () => {
        const name = 'generated-iptables-nft-save-c-nodeport-local-svl.txt';
        const { tables } = parseIptablesSave(readFixture(name), name);
        return buildIptablesModel(tables.filter((t) => t.name === 'nat'));
      },
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      // The SNAT path quotes each rule's text, which is what differs between renderings.
      const facts = (m: KubeProxyModel): KubeProxyModel => ({
        ...withoutCounters(m),
        snat: NO_SNAT_RULES,
      });
      assert.deepEqual(facts(c.a()), facts(c.b()));
    });
  }

  void it('the counters are what differs: drops only show in iptables-save -c', () => {
    const restore = fixtureModel('iptables-1.28era-overall-lb-local-nodeport-cluster.txt');
    const counted = fixtureModel(
      'generated-iptables-nft-save-c-overall-cluster-and-local-drop.txt',
    );
    assert.deepEqual(service(restore, 'ns2/svc2:p80').noLocalEndpointDrops, {
      packets: 0,
      bytes: 0,
    });
    assert.deepEqual(service(counted, 'ns2/svc2:p80').noLocalEndpointDrops, {
      packets: 2,
      bytes: 120,
    });
  });

  void it('merges IPv4 and IPv6 dumps of a dual-stack port, walking each table on its own', () => {
    const v4 = 'iptables-1.28era-nodeport-local-no-localdetector-ipv4.txt';
    const v6 = 'iptables-1.28era-nodeport-local-ipv6.txt';
    const model = modelOf(readFixture(v4) + readFixture(v6), 'dual');
    assert.equal(model.services.length, 1);
    const svc = service(model, 'ns1/svc1:p80');
    assert.deepEqual(svc.clusterIPs, ['10.69.0.10', 'fd00:ab34::20']);
    assert.equal(svc.nodePort, 30001);
    assert.equal(svc.externalTrafficPolicy, 'Local');
    assert.deepEqual(svc.endpoints, [
      { ip: '10.244.0.1', port: 80, local: false },
      { ip: '10.244.2.1', port: 80, local: true },
      { ip: 'ff06::c1', port: 80, local: false },
      { ip: 'ff06::c2', port: 80, local: true },
    ]);
    // The IPv4 table still answers on 127.0.0.0/8.
    assert.equal(model.localhostNodePorts, true);
  });
});

/** A nat table around `rules`, in iptables-save form. */
function natDump(...rules: string[]): string {
  return ['*nat', ...rules, 'COMMIT', ''].join('\n');
}

const OLD_MARKS = [
  '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
  '-A KUBE-MARK-DROP -j MARK --set-xmark 0x8000/0x8000',
];

/** A pre-1.24 (KUBE-XLB) Local LB port, written from FORMATS.md §1.6; `xlb` ends its XLB chain. */
function oldLocalDump(...xlb: string[]): string {
  return natDump(
    ...OLD_MARKS,
    '-A KUBE-SERVICES ! -s 10.244.0.0/16 -d 10.96.0.50/32 -p tcp -m comment --comment "web/front:http cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
    '-A KUBE-SERVICES -d 10.96.0.50/32 -p tcp -m comment --comment "web/front:http cluster IP" -m tcp --dport 80 -j KUBE-SVC-OLD',
    '-A KUBE-SERVICES -d 203.0.113.10/32 -p tcp -m comment --comment "web/front:http loadbalancer IP" -m tcp --dport 80 -j KUBE-FW-OLD',
    '-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS',
    '-A KUBE-NODEPORTS -s 127.0.0.0/8 -p tcp -m comment --comment "web/front:http" -m tcp --dport 31080 -j KUBE-MARK-MASQ',
    '-A KUBE-NODEPORTS -p tcp -m comment --comment "web/front:http" -m tcp --dport 31080 -j KUBE-XLB-OLD',
    '-A KUBE-FW-OLD -m comment --comment "web/front:http loadbalancer IP" -j KUBE-XLB-OLD',
    '-A KUBE-FW-OLD -m comment --comment "web/front:http loadbalancer IP" -j KUBE-MARK-DROP',
    '-A KUBE-XLB-OLD -s 10.244.0.0/16 -m comment --comment "Redirect pods trying to reach external loadbalancer VIP to clusterIP" -j KUBE-SVC-OLD',
    '-A KUBE-XLB-OLD -m comment --comment "masquerade LOCAL traffic for web/front:http LB IP" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ',
    '-A KUBE-XLB-OLD -m comment --comment "route LOCAL traffic for web/front:http LB IP to service chain" -m addrtype --src-type LOCAL -j KUBE-SVC-OLD',
    ...xlb,
    '-A KUBE-SVC-OLD -m comment --comment "web/front:http" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-OLDA',
    '-A KUBE-SVC-OLD -m comment --comment "web/front:http" -j KUBE-SEP-OLDB',
    '-A KUBE-SEP-OLDA -s 10.244.1.5/32 -m comment --comment "web/front:http" -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-OLDA -p tcp -m comment --comment "web/front:http" -m tcp -j DNAT --to-destination 10.244.1.5:8080',
    '-A KUBE-SEP-OLDB -s 10.244.2.7/32 -m comment --comment "web/front:http" -j KUBE-MARK-MASQ',
    '-A KUBE-SEP-OLDB -p tcp -m comment --comment "web/front:http" -m tcp -j DNAT --to-destination 10.244.2.7:8080',
  );
}

void describe('buildIptablesModel: older layouts and other node settings', () => {
  void it('pre-1.24 Local with a local endpoint: KUBE-XLB "Balancing rule" marks it local', () => {
    const model = modelOf(
      oldLocalDump(
        '-A KUBE-XLB-OLD -m comment --comment "Balancing rule 0 for web/front:http" -j KUBE-SEP-OLDB',
      ),
      'old-local',
    );
    const svc = service(model, 'web/front:http');
    assert.equal(svc.externalTrafficPolicy, 'Local');
    assert.equal(svc.externalMasquerade, false, 'the 127.0.0.0/8 masquerade is not external');
    assert.equal(svc.nodePort, 31080);
    assert.deepEqual(svc.frontends, [{ kind: 'LoadBalancer', ip: '203.0.113.10', port: 80 }]);
    assert.deepEqual(svc.endpoints, [
      { ip: '10.244.1.5', port: 8080, local: false },
      { ip: '10.244.2.7', port: 8080, local: true },
    ]);
    assert.equal(svc.dropsWithoutLocalEndpoints, false);
    assert.deepEqual(model.clusterCidrs, ['10.244.0.0/16']);
  });

  void it('pre-1.24 Local without a local endpoint: nat KUBE-MARK-DROP counted', () => {
    const model = modelOf(
      oldLocalDump(
        '[3:180] -A KUBE-XLB-OLD -m comment --comment "web/front:http has no local endpoints" -j KUBE-MARK-DROP',
      ),
      'old-local-drop',
    );
    const svc = service(model, 'web/front:http');
    assert.equal(svc.externalTrafficPolicy, 'Local');
    assert.equal(svc.dropsWithoutLocalEndpoints, true);
    assert.deepEqual(svc.noLocalEndpointDrops, { packets: 3, bytes: 180 });
    assert.deepEqual(
      svc.endpoints.map((e) => e.local),
      [false, false],
    );
  });

  void it('pre-1.24 Cluster: masquerade in KUBE-NODEPORTS, external IP rules and KUBE-FW', () => {
    const model = modelOf(
      natDump(
        ...OLD_MARKS,
        '-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "dns/ext:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-UDP',
        '-A KUBE-SERVICES -d 192.168.99.50/32 -p udp -m comment --comment "dns/ext:dns external IP" -m udp --dport 53 -j KUBE-MARK-MASQ',
        '-A KUBE-SERVICES -d 192.168.99.50/32 -p udp -m comment --comment "dns/ext:dns external IP" -m udp --dport 53 -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j KUBE-SVC-UDP',
        '-A KUBE-SERVICES -d 192.168.99.50/32 -p udp -m comment --comment "dns/ext:dns external IP" -m udp --dport 53 -m addrtype --dst-type LOCAL -j KUBE-SVC-UDP',
        '-A KUBE-SERVICES -d 10.96.0.20/32 -p tcp -m comment --comment "web/lb:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-LB',
        '-A KUBE-SERVICES -d 198.51.100.7/32 -p tcp -m comment --comment "web/lb:https loadbalancer IP" -m tcp --dport 443 -j KUBE-FW-LB',
        '-A KUBE-NODEPORTS -p udp -m comment --comment "dns/ext:dns" -m udp --dport 30053 -j KUBE-MARK-MASQ',
        '-A KUBE-NODEPORTS -p udp -m comment --comment "dns/ext:dns" -m udp --dport 30053 -j KUBE-SVC-UDP',
        '-A KUBE-FW-LB -m comment --comment "web/lb:https loadbalancer IP" -j KUBE-MARK-MASQ',
        '-A KUBE-FW-LB -m comment --comment "web/lb:https loadbalancer IP" -j KUBE-SVC-LB',
        '-A KUBE-FW-LB -m comment --comment "web/lb:https loadbalancer IP" -j KUBE-MARK-DROP',
        '-A KUBE-SVC-UDP -m comment --comment "dns/ext:dns" -j KUBE-SEP-UDP',
        '-A KUBE-SEP-UDP -p udp -m comment --comment "dns/ext:dns" -m udp -j DNAT --to-destination 10.244.3.3:5353',
        '-A KUBE-SVC-LB -m comment --comment "web/lb:https" -j KUBE-SEP-LB',
        '-A KUBE-SEP-LB -p tcp -m comment --comment "web/lb:https" -m tcp -j DNAT --to-destination 10.244.4.4:8443',
      ),
      'old-cluster',
    );
    const dns = service(model, 'dns/ext:dns');
    assert.equal(dns.protocol, 'udp');
    assert.equal(dns.externalTrafficPolicy, 'Cluster');
    assert.equal(dns.externalMasquerade, true);
    assert.equal(dns.nodePort, 30053);
    assert.deepEqual(dns.frontends, [{ kind: 'ExternalIP', ip: '192.168.99.50', port: 53 }]);
    assert.deepEqual(dns.endpoints, [{ ip: '10.244.3.3', port: 5353, local: null }]);
    const lb = service(model, 'web/lb:https');
    assert.equal(lb.externalTrafficPolicy, 'Cluster');
    assert.equal(lb.externalMasquerade, true);
    assert.deepEqual(lb.endpoints, [{ ip: '10.244.4.4', port: 8443, local: null }]);
  });

  const nodePortCases: {
    name: string;
    jumps: string[];
    addresses: 'local' | string[];
    localhost: boolean;
  }[] = [
    {
      name: '--nodeport-addresses: one -d rule per IP, sorted numerically',
      jumps: [
        '-A KUBE-SERVICES -d 192.168.0.2/32 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -j KUBE-NODEPORTS',
        '-A KUBE-SERVICES -d 10.1.1.1/32 -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -j KUBE-NODEPORTS',
      ],
      addresses: ['10.1.1.1', '192.168.0.2'],
      localhost: false,
    },
    {
      name: '--nodeport-addresses including 127.0.0.1',
      jumps: ['-A KUBE-SERVICES -d 127.0.0.1/32 -j KUBE-NODEPORTS'],
      addresses: ['127.0.0.1'],
      localhost: true,
    },
    {
      name: 'localhost NodePorts disabled (! -d 127.0.0.0/8)',
      jumps: ['-A KUBE-SERVICES -m addrtype --dst-type LOCAL ! -d 127.0.0.0/8 -j KUBE-NODEPORTS'],
      addresses: 'local',
      localhost: false,
    },
    { name: 'no KUBE-NODEPORTS jump at all', jumps: [], addresses: [], localhost: false },
  ];
  for (const c of nodePortCases) {
    void it(c.name, () => {
      const model = modelOf(natDump(...c.jumps), c.name);
      assert.deepEqual(model.nodePortAddresses, c.addresses);
      assert.equal(model.localhostNodePorts, c.localhost);
    });
  }

  void it('keeps the POSTROUTING path (rules without counters), not chains it never reaches', () => {
    const cni =
      '[7:420] -A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE --random-fully';
    const snat = '-A CNI-SNAT -s 10.244.0.0/16 -o eth0 -j SNAT --to-source 192.168.0.2';
    const model = modelOf(
      natDump(
        '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
        '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
        cni,
        snat,
      ) + '*filter\n-A FORWARD -j MASQUERADE\nCOMMIT\n',
      'snat',
    );
    const [nat, ...others] = model.snat.postrouting;
    assert.equal(others.length, 0, 'only nat tables have a SNAT path');
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(nat?.chains ?? {}).map(([chain, rules]) => [
          chain,
          rules.map((r) => r.text),
        ]),
      ),
      {
        POSTROUTING: [
          '-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING',
          '-A POSTROUTING -s 10.244.0.0/16 ! -d 10.244.0.0/16 -j MASQUERADE --random-fully',
        ],
        'KUBE-POSTROUTING': [
          '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
        ],
      },
    );
    assert.equal(model.masqueradeMark, null);
  });

  void it('attaches the TCP health check port to a UDP port by key', () => {
    const model = modelOf(
      [
        '*filter',
        '-A KUBE-NODEPORTS -p tcp -m comment --comment "dns/ext:dns health check node port" -m tcp --dport 32000 -j ACCEPT',
        '-A KUBE-EXTERNAL-SERVICES -p udp -m comment --comment "dns/ext:dns has no local endpoints" -m addrtype --dst-type LOCAL -m udp --dport 30053 -j DROP',
        'COMMIT',
        '',
      ].join('\n'),
      'udp-local',
    );
    assert.deepEqual(
      model.services.map((s) => [s.key, s.protocol, s.healthCheckNodePort, s.nodePort]),
      [['dns/ext:dns', 'udp', 32000, 30053]],
    );
    assert.equal(model.services[0]?.externalTrafficPolicy, 'Local');
  });

  void it('a Local internalTrafficPolicy drop does not make external traffic Local', () => {
    const model = modelOf(
      [
        '*filter',
        '[4:240] -A KUBE-SERVICES -d 172.30.0.47/32 -p tcp -m comment --comment "ns7/svc7:p80 has no local endpoints" -m tcp --dport 80 -j DROP',
        'COMMIT',
        '',
      ].join('\n'),
      'itp-local',
    );
    const svc = service(model, 'ns7/svc7:p80');
    assert.equal(svc.externalTrafficPolicy, 'Cluster');
    assert.equal(svc.dropsWithoutLocalEndpoints, true);
    assert.deepEqual(svc.noLocalEndpointDrops, { packets: 4, bytes: 240 });
    assert.deepEqual(svc.clusterIPs, ['172.30.0.47']);
  });

  void it('sorts ports by key then protocol and parses empty port names', () => {
    const model = modelOf(
      natDump(
        '-A KUBE-SERVICES -d 10.96.0.9/32 -p udp -m comment --comment "a/b:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-B',
        '-A KUBE-SERVICES -d 10.96.0.9/32 -p tcp -m comment --comment "a/b:dns cluster IP" -m tcp --dport 53 -j KUBE-SVC-A',
        '-A KUBE-SERVICES -d 10.96.0.8/32 -p tcp -m comment --comment "a/a: cluster IP" -m tcp --dport 80 -j KUBE-SVC-C',
      ),
      'sort',
    );
    assert.deepEqual(
      model.services.map((s) => [s.key, s.protocol, s.ref.port]),
      [
        ['a/a:', 'tcp', ''],
        ['a/b:dns', 'tcp', 'dns'],
        ['a/b:dns', 'udp', 'dns'],
      ],
    );
  });

  void it('ignores rules whose comments do not name a Service port', () => {
    const model = modelOf(
      natDump(
        '-A KUBE-SERVICES -p tcp -m comment --comment "not a key cluster IP" -d 10.0.0.1 --dport 80 -j KUBE-SVC-X',
        '-A KUBE-SERVICES -p gre -m comment --comment "a/b:c cluster IP" -d 10.0.0.2 -j KUBE-SVC-Y',
      ),
      'junk',
    );
    assert.deepEqual(model.services, []);
  });
});
