// nftables-mode model tests: golden models of the nft -j captures, named facts read off the
// fixtures by hand, agreement with the iptables model of the same Services, layouts of other
// releases (renamed base chains, `fib daddr type local` NodePorts, IPv6), and the classifier
// on nftables-mode conntrack entries.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FlowClassifier } from '../../agent/classify.js';
import { buildIptablesModel } from '../../agent/model/kube-proxy-iptables.js';
import {
  buildNftablesModel,
  type NftablesModelOptions,
} from '../../agent/model/kube-proxy-nftables.js';
import { buildNodeContext } from '../../agent/model/node.js';
import type { KubeProxyModel, ServicePortModel } from '../../agent/model/service-model.js';
import { NO_SNAT_RULES } from '../../agent/model/snat-rules.js';
import { parseConntrack } from '../../agent/sources/conntrack.js';
import { parseIptablesSave } from '../../agent/sources/iptables-save.js';
import { mergeNftDocuments, parseNftJson, type NftJson } from '../../agent/sources/nft-json.js';
import { parseCidr, type Cidr } from '../../common/cidr.js';
import { v1 } from '../../proto/index.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

const { Cause, EntryKind, Kind } = v1.FlowRecord;

const OVERALL = 'generated-nftables-mode-nft-j-list-table-ip-kube-proxy.json';
const OVERALL_REAL = 'nft-j-knftables-overall-2026-11-28.json';
const LOCAL_ENDPOINT = 'nft-j-knftables-local-endpoint-2026-11-28.json';

function modelOf(text: string, options?: NftablesModelOptions): KubeProxyModel {
  return buildNftablesModel(parseNftJson(text, 'test'), options);
}

function fixtureModel(name: string, options?: NftablesModelOptions): KubeProxyModel {
  return modelOf(readFixture(name), options);
}

function service(model: KubeProxyModel, key: string): ServicePortModel {
  const found = model.services.find((s) => s.key === key);
  assert.ok(found, `service ${key} is in the model`);
  return found;
}

function goldenText(model: KubeProxyModel): string {
  const { services, ...node } = model;
  return toJsonLines([node, ...services]);
}

/** The fixture's text with every occurrence of `from` replaced (JSON is compact, no spaces). */
function rewritten(name: string, replacements: readonly [string, string][]): string {
  // Re-serialised compactly, so that replacements need not mind nft's spacing.
  let text = JSON.stringify(JSON.parse(readFixture(name)));
  for (const [from, to] of replacements) {
    assert.ok(text.includes(from), `fixture contains ${from}`);
    text = text.replaceAll(from, to);
  }
  return text;
}

void describe('buildNftablesModel: golden models', () => {
  for (const name of [OVERALL, OVERALL_REAL, LOCAL_ENDPOINT]) {
    void it(name, () => {
      assertGolden(
        `nftables/${name.replace(/\.json$/, '')}.model.jsonl`,
        goldenText(fixtureModel(name)),
      );
    });
  }
});

void describe('buildNftablesModel: facts read off the fixtures', () => {
  const overall = fixtureModel(OVERALL);
  const local = fixtureModel(LOCAL_ENDPOINT);

  void it('node-level facts: mode, mark, cluster CIDR, nodeport-ips', () => {
    assert.equal(overall.proxyMode, 'nftables');
    // `meta mark set meta mark | 0x00004000`, printed by nft -j as 16384.
    assert.equal(overall.masqueradeMark, '0x4000');
    // `ip saddr != 10.0.0.0/8 jump mark-for-masquerade` and "short-circuit pod traffic".
    assert.deepEqual(overall.clusterCidrs, ['10.0.0.0/8']);
    // `ip daddr @nodeport-ips … vmap @service-nodeports`, nodeport-ips = { 192.168.0.2 }.
    assert.deepEqual(overall.nodePortAddresses, ['192.168.0.2']);
    assert.equal(overall.localhostNodePorts, false);
    // The rule after the `meta mark & 0x00004000 == 0x00000000 return` guard, as nft prints it.
    assert.deepEqual(overall.snat.nftMasquerade, [
      {
        family: 'ipv4',
        rule: { table: 'ip kube-proxy', chain: 'masquerading', rule: 'masquerade fully-random' },
      },
    ]);
  });

  void it('the six Services of TestOverallNFTablesRules, and nothing else', () => {
    assert.deepEqual(
      overall.services.map((s) => `${s.key} ${s.protocol}`),
      [1, 2, 3, 4, 5, 6].map((n) => `ns${n}/svc${n}:p80 tcp`),
    );
  });

  const cases: {
    name: string;
    model: KubeProxyModel;
    key: string;
    expect: Partial<ServicePortModel>;
  }[] = [
    {
      name: 'ClusterIP only: no NodePort, no frontends, locality unknown',
      model: overall,
      key: 'ns1/svc1:p80',
      expect: {
        clusterIPs: ['172.30.0.41'],
        port: 80,
        nodePort: null,
        frontends: [],
        externalTrafficPolicy: 'Cluster',
        externalMasquerade: false,
        endpoints: [{ ip: '10.180.0.1', port: 80, local: null }],
      },
    },
    {
      name: 'Local, no local endpoint: NodePort 3001, LB and external IP dropped (no counters)',
      model: overall,
      key: 'ns2/svc2:p80',
      expect: {
        clusterIPs: ['172.30.0.42'],
        nodePort: 3001,
        frontends: [
          { kind: 'LoadBalancer', ip: '1.2.3.4', port: 80 },
          { kind: 'LoadBalancer', ip: '192.168.99.22', port: 80 },
        ],
        externalTrafficPolicy: 'Local',
        externalMasquerade: false,
        healthCheckNodePort: null,
        endpoints: [{ ip: '10.180.0.2', port: 80, local: false }],
        noLocalEndpointDrops: { packets: 0, bytes: 0 },
        dropsWithoutLocalEndpoints: true,
      },
    },
    {
      name: 'Cluster NodePort 3003: external chain jumps to mark-for-masquerade first',
      model: overall,
      key: 'ns3/svc3:p80',
      expect: {
        nodePort: 3003,
        externalTrafficPolicy: 'Cluster',
        externalMasquerade: true,
        endpoints: [{ ip: '10.180.0.3', port: 80, local: null }],
        dropsWithoutLocalEndpoints: false,
      },
    },
    {
      name: 'external IP, Cluster, two endpoints from one numgen vmap',
      model: overall,
      key: 'ns4/svc4:p80',
      expect: {
        nodePort: null,
        frontends: [{ kind: 'LoadBalancer', ip: '192.168.99.33', port: 80 }],
        externalMasquerade: true,
        endpoints: [
          { ip: '10.180.0.4', port: 80, local: null },
          { ip: '10.180.0.5', port: 80, local: null },
        ],
      },
    },
    {
      name: 'LB with source ranges (firewall-ips) and affinity: NodePort 3002, Cluster',
      model: overall,
      key: 'ns5/svc5:p80',
      expect: {
        nodePort: 3002,
        frontends: [{ kind: 'LoadBalancer', ip: '5.6.7.8', port: 80 }],
        externalTrafficPolicy: 'Cluster',
        externalMasquerade: true,
        endpoints: [{ ip: '10.180.0.3', port: 80, local: null }],
      },
    },
    {
      name: 'no endpoints at all: only the reject element names it',
      model: overall,
      key: 'ns6/svc6:p80',
      expect: {
        clusterIPs: ['172.30.0.46'],
        port: 80,
        nodePort: null,
        endpoints: [],
        externalTrafficPolicy: 'Cluster',
        dropsWithoutLocalEndpoints: false,
      },
    },
    {
      name: 'Local with a local endpoint: local-… chain members are local, the others are not',
      model: local,
      key: 'ns2/svc2:p80',
      expect: {
        nodePort: 3001,
        externalTrafficPolicy: 'Local',
        externalMasquerade: false,
        endpoints: [
          { ip: '10.180.0.2', port: 80, local: false },
          { ip: '10.180.2.1', port: 80, local: true },
        ],
        dropsWithoutLocalEndpoints: false,
      },
    },
  ];
  for (const { name, model, key, expect } of cases) {
    void it(name, () => {
      const found = service(model, key);
      for (const [field, value] of Object.entries(expect)) {
        assert.deepEqual(found[field as keyof ServicePortModel], value, `${key} ${field}`);
      }
    });
  }

  void it('the local-endpoint capture changes ns2 only', () => {
    const others = (m: KubeProxyModel) => m.services.filter((s) => s.key !== 'ns2/svc2:p80');
    assert.deepEqual(others(local), others(overall));
  });
});

void describe('buildNftablesModel: the same Services as the iptables model', () => {
  // iptables-k8s-master-overall-… and the nftables fixture both come from kube-proxy's
  // TestOverall*Rules for the same six Services; the models may differ only where nftables mode
  // differs or its rules say less.
  const iptables = buildIptablesModel(
    parseIptablesSave(
      readFixture('iptables-k8s-master-overall-lb-local-nodeport-cluster.txt'),
      'iptables',
    ).tables,
  );
  const externalIPs = new Map([
    ['192.168.99.22', 'ExternalIP' as const],
    ['192.168.99.33', 'ExternalIP' as const],
  ]);
  const nftables = fixtureModel(OVERALL, { frontendKinds: externalIPs });

  void it('Services, ports, frontends (with hints), policies, endpoints and drops agree', () => {
    const comparable = (s: ServicePortModel) => ({ ...s, healthCheckNodePort: null });
    assert.deepEqual(nftables.services, iptables.services.map(comparable));
  });

  void it('differences: health check ports, NodePort addresses, localhost NodePorts', () => {
    assert.equal(service(iptables, 'ns2/svc2:p80').healthCheckNodePort, 30000);
    assert.equal(service(nftables, 'ns2/svc2:p80').healthCheckNodePort, null);
    assert.equal(iptables.nodePortAddresses, 'local');
    assert.deepEqual(nftables.nodePortAddresses, ['192.168.0.2']);
    assert.equal(iptables.localhostNodePorts, true);
    assert.equal(nftables.localhostNodePorts, false);
    const nodeFacts = (m: KubeProxyModel) => [m.masqueradeMark, m.clusterCidrs];
    assert.deepEqual(nodeFacts(nftables), nodeFacts(iptables));
  });
});

void describe('buildNftablesModel: other layouts and options', () => {
  const overall = fixtureModel(OVERALL);

  void it('roles, not names: renamed base and top-level chains give the same model', () => {
    // The older layout (FORMATS.md §5.10) used filter-prerouting at dstnat-10 and an
    // `endpoints-check` chain; rename every non-per-Service chain to something unknown.
    const text = rewritten(OVERALL, [
      ['"filter-prerouting-pre-dnat"', '"filter-prerouting"'],
      ['"service-endpoints-check"', '"endpoints-check"'],
      ['"nodeport-endpoints-check"', '"endpoints-check-np"'],
      ['"services"', '"dispatch"'],
      ['"nat-prerouting"', '"kp-pre"'],
      ['"nat-output"', '"kp-out"'],
      ['"masquerading"', '"snat-if-marked"'],
      ['"mark-for-masquerade"', '"mark-it"'],
    ]);
    const renamed = modelOf(text);
    assert.deepEqual({ ...renamed, snat: overall.snat }, overall);
    assert.equal(renamed.snat.nftMasquerade[0]?.rule.chain, 'snat-if-marked');
  });

  void it('maps found by name when no base chain is in the dump', () => {
    const entries = (JSON.parse(readFixture(OVERALL)) as { nftables: NftJson[] }).nftables;
    const withoutBaseChains = entries.filter((entry) => {
      const chain = (entry as { chain?: { hook?: string } }).chain;
      return chain?.hook === undefined;
    });
    assert.deepEqual(modelOf(JSON.stringify({ nftables: withoutBaseChains })), overall);
  });

  void it('`fib daddr type local ip daddr != 127.0.0.0/8` NodePorts (nodeport-addresses unset)', () => {
    const text = rewritten(OVERALL, [
      [
        '{"match":{"op":"==","left":{"payload":{"protocol":"ip","field":"daddr"}},"right":"@nodeport-ips"}},{"vmap":{"key":{"concat":[{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}}]},"data":"@service-nodeports"}}',
        '{"match":{"op":"==","left":{"fib":{"result":"type","flags":["daddr"]}},"right":"local"}},{"match":{"op":"!=","left":{"payload":{"protocol":"ip","field":"daddr"}},"right":{"prefix":{"addr":"127.0.0.0","len":8}}}},{"vmap":{"key":{"concat":[{"meta":{"key":"l4proto"}},{"payload":{"protocol":"th","field":"dport"}}]},"data":"@service-nodeports"}}',
      ],
    ]);
    const model = modelOf(text);
    assert.equal(model.nodePortAddresses, 'local');
    assert.equal(model.localhostNodePorts, false);
    assert.deepEqual(model.services, overall.services);
  });

  void it('element counters on "no endpoint" drops are summed per Service', () => {
    const text = rewritten(OVERALL, [
      [
        '"val":{"concat":["tcp",3001]},"comment":"ns2/svc2:p80"',
        '"val":{"concat":["tcp",3001]},"comment":"ns2/svc2:p80","counter":{"packets":2,"bytes":120}',
      ],
      [
        '"val":{"concat":["1.2.3.4","tcp",80]},"comment":"ns2/svc2:p80"',
        '"val":{"concat":["1.2.3.4","tcp",80]},"comment":"ns2/svc2:p80","counter":{"packets":1,"bytes":60}',
      ],
    ]);
    const found = service(modelOf(text), 'ns2/svc2:p80');
    assert.deepEqual(found.noLocalEndpointDrops, { packets: 3, bytes: 180 });
  });

  void it('IPv6 table merged with IPv4: one model, dual-stack ClusterIPs', () => {
    const ip6 = rewritten(OVERALL, [
      ['"family":"ip"', '"family":"ip6"'],
      ['"protocol":"ip"', '"protocol":"ip6"'],
      ['"172.30.0.4', '"fd00:30::4'],
      ['"10.180.0.', '"fd00:180::'],
      ['"addr":"10.0.0.0","len":8', '"addr":"fd00::","len":16'],
      ['"192.168.0.2"', '"2001:db8:0:1::2"'],
    ]);
    const doc = mergeNftDocuments([
      parseNftJson(readFixture(OVERALL), 'v4'),
      parseNftJson(ip6, 'v6'),
    ]);
    const model = buildNftablesModel(doc);
    assert.deepEqual(model.clusterCidrs, ['10.0.0.0/8', 'fd00::/16']);
    assert.deepEqual(model.nodePortAddresses, ['192.168.0.2', '2001:db8:0:1::2']);
    const svc3 = service(model, 'ns3/svc3:p80');
    assert.deepEqual(svc3.clusterIPs, ['172.30.0.43', 'fd00:30::43']);
    assert.deepEqual(
      svc3.endpoints.map((e) => e.ip),
      ['10.180.0.3', 'fd00:180::3'],
    );
    assert.equal(svc3.externalMasquerade, true);
  });

  void it('frontend kinds: firewall-ips means LoadBalancer; hints and a default decide the rest', () => {
    const model = fixtureModel(OVERALL, { defaultFrontendKind: 'ExternalIP' });
    assert.deepEqual(
      model.services.flatMap((s) => s.frontends.map((f) => `${f.ip} ${f.kind}`)),
      [
        '1.2.3.4 ExternalIP',
        '192.168.99.22 ExternalIP',
        '192.168.99.33 ExternalIP',
        '5.6.7.8 LoadBalancer',
      ],
    );
  });

  void it('an empty document is an empty model', () => {
    const model = modelOf('{"nftables": []}');
    assert.deepEqual(model, {
      proxyMode: 'nftables',
      masqueradeMark: null,
      services: [],
      clusterCidrs: [],
      nodePortAddresses: 'local',
      localhostNodePorts: false,
      snat: NO_SNAT_RULES,
    });
  });
});

void describe('classifier on nftables-mode conntrack entries', () => {
  // The lab of test/fixtures/SOURCES.md: node 192.168.0.2, local pod 10.180.2.1 behind the
  // node's veth 10.180.2.254, client 192.168.0.100.
  const podCidrs = [parseCidr('10.180.2.0/24')].filter((c): c is Cidr => c !== null);

  function classifyAll(model: KubeProxyModel, conntrackFixture: string) {
    const node = buildNodeContext({
      name: 'node-a',
      interfaces: [],
      nodeIps: ['192.168.0.2', '10.180.2.254'],
      podCidrs,
      model,
    });
    const classifier = new FlowClassifier(model, node, { observedAt: 0 });
    const { entries, errors } = parseConntrack(readFixture(conntrackFixture), conntrackFixture);
    assert.deepEqual(errors, []);
    return entries.map((entry) => {
      const record = classifier.classify(entry);
      return record === null
        ? null
        : {
            kind: record.kind,
            entry: `${record.entry?.ip}:${record.entry?.port}`,
            entryKind: record.entryKind,
            service: `${record.service?.namespace}/${record.service?.name}:${record.service?.port}`,
            observed: `${record.observedSource?.ip}:${record.observedSource?.port}`,
            snat: record.snat,
            cause: record.cause,
            policy: record.externalTrafficPolicy,
            mode: record.proxyMode,
            endpointLocal: record.endpointLocal,
          };
    });
  }

  void it('fully-random SNAT on Cluster policy (scenC capture against its own rules)', () => {
    const model = fixtureModel(OVERALL, {
      frontendKinds: new Map([['192.168.99.33', 'ExternalIP']]),
    });
    const records = classifyAll(
      model,
      'generated-conntrack-L-extended-nftables-mode-fully-random-snat.txt',
    );
    assert.deepEqual(records, [
      {
        kind: Kind.flow,
        entry: '192.168.99.33:80',
        entryKind: EntryKind.ExternalIP,
        service: 'ns4/svc4:p80',
        // fully-random: the port changed as well (34452 → 28960).
        observed: '192.168.0.2:28960',
        snat: true,
        cause: Cause.ClusterPolicyMasquerade,
        policy: v1.TrafficPolicy.Cluster,
        mode: v1.ProxyMode.nftables,
        endpointLocal: false,
      },
      {
        kind: Kind.flow,
        entry: '192.168.0.2:3003',
        entryKind: EntryKind.NodePort,
        service: 'ns3/svc3:p80',
        observed: '192.168.0.2:9161',
        snat: true,
        cause: Cause.ClusterPolicyMasquerade,
        policy: v1.TrafficPolicy.Cluster,
        mode: v1.ProxyMode.nftables,
        endpointLocal: false,
      },
      // Pod → ClusterIP is not an entry into the cluster.
      null,
    ]);
  });

  void it('Local policy with a local endpoint keeps the client IP; node-local clients are masqueraded', () => {
    // These entries are the iptables-mode capture of the same Service (ns2/svc2: LB 1.2.3.4,
    // NodePort 3001, local endpoint 10.180.2.1) in the same lab; in nftables mode the Local path
    // NATs the same way (DNAT only, masquerade only for node-local sources).
    const model = fixtureModel(LOCAL_ENDPOINT);
    const records = classifyAll(model, 'generated-conntrack-L-default-nodeport-local-no-snat.txt')
      .filter((r) => r !== null)
      .map(
        (r) =>
          `${r.entry} ${r.service} ${r.observed} ${v1.FlowRecord.Cause[r.cause ?? 0]} ${r.endpointLocal}`,
      );
    assert.deepEqual(records, [
      '1.2.3.4:80 ns2/svc2:p80 192.168.0.100:44432 None true',
      '192.168.0.2:3001 ns2/svc2:p80 10.180.2.254:39068 LocalOrigin true',
      '192.168.0.2:3001 ns2/svc2:p80 192.168.0.100:55320 None true',
      '192.168.0.2:3001 ns2/svc2:p80 192.168.0.100:55302 None true',
      '192.168.0.2:3001 ns2/svc2:p80 192.168.0.100:55306 None true',
    ]);
  });

  void it('NodePorts outside nodeport-ips are not entries', () => {
    const model = fixtureModel(OVERALL);
    const node = buildNodeContext({
      name: 'node-a',
      interfaces: [],
      nodeIps: ['192.168.0.2', '192.168.1.2'],
      podCidrs,
      model,
    });
    const classifier = new FlowClassifier(model, node, { observedAt: 0 });
    const { entries } = parseConntrack(
      'ipv4     2 tcp      6 116 TIME_WAIT src=192.168.0.100 dst=192.168.1.2 sport=51668 dport=3003 packets=6 bytes=400 src=10.180.0.3 dst=192.168.1.2 sport=80 dport=9161 packets=4 bytes=279 [ASSURED] mark=0 delta-time=3 use=1\n',
      'case',
    );
    assert.equal(entries.length, 1);
    assert.equal(classifier.classify(entries[0] ?? assert.fail('entry')), null);
  });
});
