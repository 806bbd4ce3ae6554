// IPVS model tests: the golden model of node-a with and without Service names, the facts of
// FORMATS.md §2/§5 as named cases, the ipvsadm -Lnc fallback, and the classifier on node-a's
// conntrack table (IPVS with conntrack=1).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FlowClassifier } from '../../agent/classify.js';
import {
  buildIpvsModel,
  ipvsConnectionEntries,
  type IpvsModelInput,
} from '../../agent/model/kube-proxy-ipvs.js';
import { buildNodeContext } from '../../agent/model/node.js';
import { serviceStates } from '../../agent/service-state.js';
import type { KubeProxyModel, ServicePortModel } from '../../agent/model/service-model.js';
import { parseConntrack } from '../../agent/sources/conntrack.js';
import { parseIpAddr } from '../../agent/sources/ip-addr.js';
import { parseIpset } from '../../agent/sources/ipset.js';
import { parseIptablesSave } from '../../agent/sources/iptables-save.js';
import { parseIpvsadm, parseIpvsadmConnections } from '../../agent/sources/ipvsadm.js';
import { parseKubectlServices } from '../../agent/sources/kubectl-services.js';
import { v1 } from '../../proto/index.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

const { Cause, EntryKind, Kind } = v1.FlowRecord;
const DIR = 'ipvs-node-a/';

/** ipvsadm listings of node-a: the original two, and the constructed variants (README.md). */
type Listing =
  'save' | 'Ln' | 'save-no-local-empty' | 'save-hand-added-remote' | 'save-checkout-remote-only';

function nodeA(
  options: { names?: boolean; listing?: Listing; sets?: boolean; rules?: boolean } = {},
): IpvsModelInput {
  const ipvs = parseIpvsadm(readFixture(`${DIR}ipvsadm-${options.listing ?? 'save'}.txt`), 'ipvs');
  const sets = parseIpset(readFixture(`${DIR}ipset-save.txt`), 'ipset');
  const rules = parseIptablesSave(readFixture(`${DIR}iptables-save.txt`), 'iptables');
  const services = parseKubectlServices(readFixture(`${DIR}services.json`), 'services');
  assert.deepEqual([...ipvs.errors, ...sets.errors, ...rules.errors, ...services.errors], []);
  return {
    virtualServers: ipvs.virtualServers,
    ipsets: options.sets === false ? [] : sets.sets,
    iptables: options.rules === false ? [] : rules.tables,
    ...(options.names === false ? {} : { services: services.services }),
  };
}

function goldenText(model: KubeProxyModel): string {
  const { services, ...node } = model;
  return toJsonLines([node, ...services]);
}

function port(model: KubeProxyModel, key: string): ServicePortModel {
  const found = model.services.find((s) => s.key === key);
  assert.ok(found, `${key} is in the model`);
  return found;
}

void describe('buildIpvsModel: node-a', () => {
  const model = buildIpvsModel(nodeA());

  void it('golden, named by services.json', () => {
    assertGolden('ipvs/ipvs-node-a.model.jsonl', goldenText(model));
  });

  void it('golden, without services.json (placeholder names)', () => {
    assertGolden(
      'ipvs/ipvs-node-a-unnamed.model.jsonl',
      goldenText(buildIpvsModel(nodeA({ names: false }))),
    );
  });

  void it('ipvsadm -Ln gives the same model as ipvsadm-save', () => {
    assert.deepEqual(buildIpvsModel(nodeA({ listing: 'Ln' })), model);
  });

  void it('node-level facts', () => {
    assert.equal(model.proxyMode, 'ipvs');
    assert.equal(model.masqueradeMark, '0x4000');
    assert.deepEqual(model.clusterCidrs, ['10.244.0.0/16']);
    assert.deepEqual(model.nodePortAddresses, ['10.244.1.1', '203.0.113.11']);
    assert.equal(model.localhostNodePorts, false);
    // The POSTROUTING path keeps the KUBE-LOOP-BACK hairpin rule and the one set it matches.
    const postrouting = model.snat.postrouting[0]?.chains['KUBE-POSTROUTING'] ?? [];
    assert.match(
      postrouting[0]?.text ?? '',
      /--match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE$/,
    );
    assert.deepEqual(
      model.snat.ipsets?.map((set) => set.name),
      ['KUBE-LOOP-BACK'],
    );
  });

  const cases: {
    name: string;
    key: string;
    expect: Partial<ServicePortModel>;
    local?: Record<string, boolean | null>;
  }[] = [
    {
      name: 'NodePort, Cluster: only in KUBE-NODE-PORT-TCP, so KUBE-MARK-MASQ',
      key: 'shop/api:http',
      expect: {
        nodePort: 30080,
        externalTrafficPolicy: 'Cluster',
        externalMasquerade: true,
        clusterIPs: ['10.96.0.10'],
      },
      // Not in KUBE-LOOP-BACK, which holds every local endpoint: remote.
      local: { '10.244.2.10': false, '10.244.3.10': false },
    },
    {
      name: 'LoadBalancer, Local, local endpoint: frontends list only it',
      key: 'shop/checkout:https',
      expect: {
        nodePort: 30443,
        externalTrafficPolicy: 'Local',
        externalMasquerade: false,
        healthCheckNodePort: 32100,
        frontends: [{ kind: 'LoadBalancer', ip: '192.0.2.10', port: 443 }],
      },
      local: { '10.244.1.20': true, '10.244.2.20': false },
    },
    {
      name: 'LoadBalancer, Local, no local endpoint: all endpoints listed, no drop rule (§5.8)',
      key: 'shop/reports:https',
      expect: {
        nodePort: 30444,
        externalTrafficPolicy: 'Local',
        externalMasquerade: false,
        dropsWithoutLocalEndpoints: false,
        noLocalEndpointDrops: { packets: 0, bytes: 0 },
      },
      local: { '10.244.2.50': false, '10.244.3.50': false },
    },
    {
      name: 'external IP, Cluster: KUBE-EXTERNAL-IP masquerades; unnamed port',
      key: 'shop/web:',
      expect: {
        ref: { namespace: 'shop', name: 'web', port: '' },
        nodePort: null,
        externalMasquerade: true,
        frontends: [{ kind: 'ExternalIP', ip: '192.0.2.100', port: 80 }],
      },
    },
    {
      name: 'UDP NodePort, Cluster',
      key: 'dns/resolver:dns',
      expect: { protocol: 'udp', nodePort: 30053, externalMasquerade: true, port: 53 },
    },
    {
      name: 'ClusterIP only: not exposed, never masqueraded as external',
      key: 'default/kubernetes:https',
      expect: { nodePort: null, frontends: [], externalMasquerade: false },
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const service = port(model, c.key);
      for (const [field, value] of Object.entries(c.expect)) {
        assert.deepEqual(service[field as keyof ServicePortModel], value, field);
      }
      for (const [ip, local] of Object.entries(c.local ?? {})) {
        assert.equal(service.endpoints.find((e) => e.ip === ip)?.local, local, ip);
      }
    });
  }

  void it('without ipsets, policy comes from services.json; without rules, masquerade from policy', () => {
    const bare = buildIpvsModel(nodeA({ sets: false, rules: false }));
    assert.equal(port(bare, 'shop/checkout:https').externalTrafficPolicy, 'Local');
    assert.equal(port(bare, 'shop/checkout:https').externalMasquerade, false);
    assert.equal(port(bare, 'shop/api:http').externalMasquerade, true);
    assert.equal(port(bare, 'shop/api:http').nodePort, 30080);
    assert.equal(bare.masqueradeMark, null);
  });

  void it('unnamed frontends join the ClusterIP virtual server whose real servers include theirs', () => {
    const unnamed = buildIpvsModel(nodeA({ names: false }));
    const checkout = port(unnamed, '/ipvs:10.96.0.20:443:');
    assert.equal(checkout.nodePort, 30443);
    assert.deepEqual(checkout.frontends, [{ kind: 'LoadBalancer', ip: '192.0.2.10', port: 443 }]);
    assert.equal(unnamed.services.length, 6);
  });

  void it('an old kube-proxy without KUBE-EXTERNAL-IP-LOCAL masquerades a Local external IP (#62537)', () => {
    const input = nodeA();
    const services = (input.services ?? []).map((s) =>
      s.name === 'web' ? { ...s, externalTrafficPolicy: 'Local' as const } : s,
    );
    const ipsets = input.ipsets.filter((set) => set.name !== 'KUBE-EXTERNAL-IP-LOCAL');
    const web = port(buildIpvsModel({ ...input, ipsets, services }), 'shop/web:');
    // No set to tell the policy: the spec says Local, and the rules still masquerade.
    assert.equal(web.externalTrafficPolicy, 'Local');
    assert.equal(web.externalMasquerade, true);
  });
});

void describe('ipvsConnectionEntries: ipvsadm -Lnc when conntrack is missing', () => {
  const model = buildIpvsModel(nodeA());
  const { connections } = parseIpvsadmConnections(readFixture(`${DIR}ipvsadm-Lnc.txt`), 'lnc');
  const inferred = ipvsConnectionEntries(connections, model);

  void it('skips persistence templates (client port 0)', () => {
    assert.equal(connections.length, 10);
    assert.equal(inferred.length, 8);
  });

  const cases: { client: string; prediction: 'client' | 'masquerade'; replyDst: string }[] = [
    { client: '198.51.100.50:40000', prediction: 'masquerade', replyDst: '0.0.0.0' },
    { client: '198.51.100.51:41000', prediction: 'client', replyDst: '198.51.100.51' },
    { client: '198.51.100.51:42000', prediction: 'client', replyDst: '198.51.100.51' },
    { client: '198.51.100.51:43000', prediction: 'masquerade', replyDst: '0.0.0.0' },
    { client: '10.244.1.30:45000', prediction: 'masquerade', replyDst: '0.0.0.0' },
    { client: '10.244.1.30:46000', prediction: 'client', replyDst: '10.244.1.30' },
  ];
  for (const c of cases) {
    void it(`${c.client} → ${c.prediction}`, () => {
      const found = inferred.find(
        (e) => `${e.entry.original.src}:${e.entry.original.sport}` === c.client,
      );
      assert.ok(found);
      assert.equal(found.prediction, c.prediction);
      assert.equal(found.entry.reply.dst, c.replyDst);
    });
  }

  void it('drops connections that conntrack already shows', () => {
    const { entries } = parseConntrack(readFixture(`${DIR}conntrack.txt`), 'conntrack');
    assert.deepEqual(ipvsConnectionEntries(connections, model, entries), []);
    const some = entries.filter((e) => e.original.dport !== 30080);
    const left = ipvsConnectionEntries(connections, model, some);
    assert.deepEqual(
      left.map((e) => e.entry.original.sport),
      [40000],
    );
  });
});

void describe('classify node-a conntrack against the IPVS model', () => {
  const model = buildIpvsModel(nodeA());
  const node = buildNodeContext({
    name: 'node-a',
    interfaces: parseIpAddr(readFixture(`${DIR}addr.json`), 'addr'),
    nodeIps: [],
    podCidrs: [],
    model,
  });
  const classifier = new FlowClassifier(model, node, { observedAt: 1795878000 });
  const { entries, errors } = parseConntrack(readFixture(`${DIR}conntrack.txt`), 'conntrack');

  void it('derives the pod subnet from cni0 inside the cluster CIDR', () => {
    assert.deepEqual(errors, []);
    assert.equal(node.podSubnetSource, 'interfaces');
    assert.ok(node.podSubnets.contains('10.244.1.20'));
  });

  const cases: {
    name: string;
    clientPort: number;
    kind: v1.FlowRecord.Kind | null;
    service?: string;
    entryKind?: v1.FlowRecord.EntryKind;
    snat?: boolean;
    cause?: v1.FlowRecord.Cause;
    endpointLocal?: boolean | null;
  }[] = [
    {
      name: 'NodePort Cluster → remote pod: SNAT by kube-proxy',
      clientPort: 40000,
      kind: Kind.flow,
      service: 'shop/api:http',
      entryKind: EntryKind.NodePort,
      snat: true,
      cause: Cause.ClusterPolicyMasquerade,
      endpointLocal: false,
    },
    {
      name: 'UDP NodePort Cluster: SNAT by kube-proxy',
      clientPort: 53000,
      kind: Kind.flow,
      service: 'dns/resolver:dns',
      entryKind: EntryKind.NodePort,
      snat: true,
      cause: Cause.ClusterPolicyMasquerade,
      endpointLocal: false,
    },
    {
      name: 'LB Local with a local endpoint: client IP kept',
      clientPort: 41000,
      kind: Kind.flow,
      service: 'shop/checkout:https',
      entryKind: EntryKind.LoadBalancer,
      snat: false,
      cause: Cause.None,
      endpointLocal: true,
    },
    {
      name: 'NodePort Local with a local endpoint: client IP kept',
      clientPort: 41500,
      kind: Kind.flow,
      service: 'shop/checkout:https',
      entryKind: EntryKind.NodePort,
      snat: false,
      cause: Cause.None,
      endpointLocal: true,
    },
    {
      name: 'LB Local without a local endpoint: forwarded un-SNATed to a remote pod (unreplied)',
      clientPort: 42000,
      kind: Kind.flow,
      service: 'shop/reports:https',
      entryKind: EntryKind.LoadBalancer,
      snat: false,
      cause: Cause.None,
      endpointLocal: false,
    },
    {
      name: 'external IP Cluster: SNAT by kube-proxy',
      clientPort: 43000,
      kind: Kind.flow,
      service: 'shop/web:',
      entryKind: EntryKind.ExternalIP,
      snat: true,
      cause: Cause.ClusterPolicyMasquerade,
      endpointLocal: false,
    },
    {
      name: 'backend half of a connection that entered on n3',
      clientPort: 50001,
      kind: Kind.backend,
      service: 'shop/web:',
      snat: false,
      cause: Cause.None,
      endpointLocal: true,
    },
    { name: 'pod hairpin through a ClusterIP is not an entry flow', clientPort: 45000, kind: null },
    { name: 'pod → ClusterIP DNS is not an entry flow', clientPort: 46000, kind: null },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const entry = entries.find((e) => e.original.sport === c.clientPort);
      assert.ok(entry);
      const record = classifier.classify(entry);
      if (c.kind === null) {
        assert.equal(record, null);
        return;
      }
      assert.ok(record);
      assert.equal(record.kind, c.kind);
      assert.equal(record.proxyMode, v1.ProxyMode.ipvs);
      const ref = record.service;
      assert.equal(`${ref?.namespace ?? ''}/${ref?.name ?? ''}:${ref?.port ?? ''}`, c.service);
      if (c.entryKind !== undefined) assert.equal(record.entryKind, c.entryKind);
      assert.equal(record.snat, c.snat);
      assert.equal(record.cause, c.cause);
      assert.equal(record.endpointLocal, c.endpointLocal);
    });
  }

  void it('inferred -Lnc entries classify like the conntrack ones (observed source unknown)', () => {
    const { connections } = parseIpvsadmConnections(readFixture(`${DIR}ipvsadm-Lnc.txt`), 'lnc');
    const byPort = new Map(
      ipvsConnectionEntries(connections, model).map((e) => [
        e.entry.original.sport,
        classifier.classify(e.entry),
      ]),
    );
    assert.equal(byPort.get(40000)?.cause, Cause.ClusterPolicyMasquerade);
    assert.equal(byPort.get(41000)?.cause, Cause.None);
    assert.equal(byPort.get(43000)?.cause, Cause.ClusterPolicyMasquerade);
    assert.deepEqual(byPort.get(40000)?.observedSource, { ip: '0.0.0.0', port: 0 });
  });
});

void describe('Local policy with no local endpoint that still forwards (node-a variants)', () => {
  const addr = parseIpAddr(readFixture(`${DIR}addr.json`), 'addr');
  /** node-a's service states for one ipvsadm listing, as the agent reports them. */
  function states(listing: Listing, interfaces = addr): Map<string, v1.IServiceState> {
    const model = buildIpvsModel(nodeA({ listing }));
    const node = buildNodeContext({ name: 'node-a', interfaces, nodeIps: [], podCidrs: [], model });
    const classifier = new FlowClassifier(model, node, { observedAt: 1795878000 });
    return new Map(
      serviceStates(model, 'node-a', classifier).map((state) => [state.service?.name ?? '', state]),
    );
  }
  const forwarding = (map: Map<string, v1.IServiceState>): string[] =>
    [...map.values()]
      .filter((s) => s.forwardsWithoutLocalEndpoints)
      .map((s) => s.service?.name ?? '');

  void it('kubernetes#97081 (node-a as captured): reports lists every remote endpoint', () => {
    const model = buildIpvsModel(nodeA());
    assert.deepEqual(port(model, 'shop/reports:https').externalEndpoints, [
      { ip: '10.244.2.50', port: 8443 },
      { ip: '10.244.3.50', port: 8443 },
    ]);
    const byName = states('save');
    assert.deepEqual(forwarding(byName), ['reports']);
    assert.equal(byName.get('reports')?.localEndpoints, 0);
    // Cluster policy forwards to remote endpoints by design; checkout has its local one.
    assert.equal(byName.get('api')?.forwardsWithoutLocalEndpoints, false);
    assert.equal(byName.get('checkout')?.forwardsWithoutLocalEndpoints, false);
  });

  void it('frontends without real servers (releases before #97081) forward nothing', () => {
    const model = buildIpvsModel(nodeA({ listing: 'save-no-local-empty' }));
    assert.deepEqual(port(model, 'shop/reports:https').externalEndpoints, []);
    assert.deepEqual(forwarding(states('save-no-local-empty')), []);
  });

  void it('a remote real server added by hand to one frontend', () => {
    const model = buildIpvsModel(nodeA({ listing: 'save-hand-added-remote' }));
    const reports = port(model, 'shop/reports:https');
    assert.deepEqual(reports.externalEndpoints, [{ ip: '10.244.2.50', port: 8443 }]);
    // The frontend's list is a subset of the ClusterIP's, yet KUBE-LOOP-BACK says it is remote.
    assert.equal(reports.endpoints.find((e) => e.ip === '10.244.2.50')?.local, false);
    assert.deepEqual(forwarding(states('save-hand-added-remote')), ['reports']);
  });

  void it('frontends that list a remote endpoint instead of the local one (checkout)', () => {
    const model = buildIpvsModel(nodeA({ listing: 'save-checkout-remote-only' }));
    const checkout = port(model, 'shop/checkout:https');
    // The subset rule is not trusted once a listed endpoint is proven remote: the local one is
    // left to the node's pod subnets.
    assert.deepEqual(checkout.endpoints, [
      { ip: '10.244.1.20', port: 8443, local: null },
      { ip: '10.244.2.20', port: 8443, local: false },
    ]);
    const byName = states('save-checkout-remote-only');
    assert.deepEqual(forwarding(byName), ['checkout', 'reports']);
    assert.equal(byName.get('checkout')?.localEndpoints, 1);
  });

  void it('unknown locality is never taken for remote (no ipsets, no node addresses)', () => {
    const model = buildIpvsModel(nodeA({ sets: false }));
    const node = buildNodeContext({
      name: 'node-a',
      interfaces: [],
      nodeIps: [],
      podCidrs: [],
      model,
    });
    const classifier = new FlowClassifier(model, node, { observedAt: 1795878000 });
    const reports = serviceStates(model, 'node-a', classifier).find(
      (s) => s.service?.name === 'reports',
    );
    assert.equal(reports?.forwardsWithoutLocalEndpoints, false);
  });
});
