// Per-Service correlation of the three-node lab's real records and service states
// (test/golden/analyze/lab-n*.ndjson), and the counting rules on named cases.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { FlowClassifier } from '../../agent/classify.js';
import { buildIpvsModel } from '../../agent/model/kube-proxy-ipvs.js';
import { buildNodeContext } from '../../agent/model/node.js';
import { serviceStates } from '../../agent/service-state.js';
import { parseConntrack } from '../../agent/sources/conntrack.js';
import { parseIpAddr } from '../../agent/sources/ip-addr.js';
import { parseIpset } from '../../agent/sources/ipset.js';
import { parseIptablesSave } from '../../agent/sources/iptables-save.js';
import { parseIpvsadm } from '../../agent/sources/ipvsadm.js';
import { parseKubectlServices } from '../../agent/sources/kubectl-services.js';
import { Correlator } from '../../collector/correlate.js';
import {
  cacheLimits,
  DEFAULT_MEMORY_BUDGET_BYTES,
  ENDPOINT_BYTES,
  SERVICE_STATE_BYTES,
} from '../../collector/memory-budget.js';
import { v1 } from '../../proto/index.js';
import { readFixture } from '../support/golden.js';

const { Kind, Cause } = v1.FlowRecord;
const NODES = ['n1', 'n2', 'n3'] as const;

/** What one lab node reported: its flow records and its service states. */
function lab(node: (typeof NODES)[number]): {
  flows: v1.IFlowRecord[];
  states: v1.IServiceState[];
} {
  const url = new URL(`../golden/analyze/lab-${node}.ndjson`, import.meta.url);
  const objects = readFileSync(url, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { kind: string });
  return {
    flows: objects
      .filter((o) => o.kind !== 'service')
      .map((o) => v1.FlowRecord.fromObject({ ...o, observedAt: 1000 })),
    states: objects.filter((o) => o.kind === 'service').map((o) => v1.ServiceState.fromObject(o)),
  };
}

function labCorrelator(options: ConstructorParameters<typeof Correlator>[0] = {}): Correlator {
  const correlator = new Correlator(options);
  for (const node of NODES) {
    const { flows, states } = lab(node);
    correlator.setServices(node, states);
    for (const record of flows) correlator.addFlow(record);
  }
  return correlator;
}

function summaryOf(correlator: Correlator, name: string): v1.IServiceSummary {
  const summary = correlator.summaries().find((s) => s.service?.name === name);
  assert.ok(summary, `no summary for ${name}`);
  return summary;
}

const flow = (overrides: v1.IFlowRecord = {}): v1.IFlowRecord => ({
  kind: Kind.flow,
  node: 'n1',
  protocol: 'tcp',
  client: { ip: '198.51.100.50', port: 49038 },
  entry: { ip: '203.0.113.11', port: 30080 },
  backend: { ip: '10.244.2.10', port: 8080 },
  observedSource: { ip: '203.0.113.11', port: 51539 },
  snat: true,
  cause: Cause.ClusterPolicyMasquerade,
  service: { namespace: 'shop', name: 'api', port: 'http' },
  externalTrafficPolicy: v1.TrafficPolicy.Cluster,
  endpointLocal: false,
  conntrackId: 461150749,
  observedAt: 1000,
  closed: false,
  ...overrides,
});

describe('Correlator on the lab', () => {
  const correlator = labCorrelator();

  it('orders Services: critical findings first, then lost client IPs', () => {
    assert.deepEqual(
      correlator.summaries().map((s) => `${s.service?.name ?? ''} ${s.verdict ?? ''}`),
      ['checkout partial', 'stream preserved', 'resolver lost', 'api lost', 'web lost'],
    );
  });

  it('summarises shop/api (NodePort 30080, Cluster): every flow masqueraded', () => {
    const api = summaryOf(correlator, 'api');
    const { findings, ...rest } = api;
    assert.deepEqual(rest, {
      service: { namespace: 'shop', name: 'api', port: 'http' },
      protocol: 'tcp',
      externalTrafficPolicy: v1.TrafficPolicy.Cluster,
      flows: 4,
      snatFlows: 4,
      preservedRatio: 0,
      entryNodes: ['n1', 'n2', 'n3'],
      backendNodes: ['n2', 'n3'],
      nodesDroppingWithoutLocalEndpoints: [],
      verdict: 'lost',
      nodePort: 30080,
      loadBalancerIPs: [],
      externalIPs: [],
      nodes: ['n1', 'n2', 'n3'],
      nodesWithLocalEndpoints: ['n2', 'n3'],
      noLocalEndpointDrops: { packets: 0, bytes: 0 },
      causes: { ClusterPolicyMasquerade: 4 },
      lastSeen: 1000,
      upstreamFlows: 0,
      keptFlows: 0,
      nodePreservedRatio: 0,
      nodesForwardingWithoutLocalEndpoints: [],
      sampledFlows: 0,
    });
    assert.deepEqual(
      findings?.map((f) => [f.code, f.severity, f.nodes]),
      [['ClusterPolicyMasquerade', 'warning', ['n1', 'n2', 'n3']]],
    );
  });

  it('summarises shop/checkout (LB 192.0.2.10, Local, hc 32100): drops on n1 and n3', () => {
    const checkout = summaryOf(correlator, 'checkout');
    assert.equal(checkout.flows, 4);
    assert.equal(checkout.snatFlows, 1);
    assert.equal(checkout.preservedRatio, 0.75);
    assert.deepEqual(checkout.causes, { None: 3, LocalOrigin: 1 });
    assert.deepEqual(checkout.loadBalancerIPs, ['192.0.2.10']);
    assert.equal(checkout.healthCheckNodePort, 32100);
    assert.equal(checkout.externalTrafficPolicy, v1.TrafficPolicy.Local);
    assert.deepEqual(checkout.nodesDroppingWithoutLocalEndpoints, ['n1', 'n3']);
    assert.deepEqual(checkout.nodesWithLocalEndpoints, ['n2']);
    assert.deepEqual(checkout.noLocalEndpointDrops, { packets: 2, bytes: 120 });
    assert.deepEqual(checkout.entryNodes, ['n2']);
    assert.deepEqual(checkout.backendNodes, ['n2']);
    assert.deepEqual(
      checkout.findings?.map((f) => [f.code, f.severity, f.nodes]),
      [['LocalPolicyTrafficToNodesWithoutEndpoints', 'critical', ['n1', 'n3']]],
    );
  });

  it('summarises the UDP Services: dns/resolver (Cluster) and media/stream (Local)', () => {
    const resolver = summaryOf(correlator, 'resolver');
    assert.deepEqual(
      [
        resolver.protocol,
        resolver.flows,
        resolver.snatFlows,
        resolver.entryNodes,
        resolver.backendNodes,
      ],
      ['udp', 3, 3, ['n1', 'n2', 'n3'], ['n3', 'n2']],
    );
    const stream = summaryOf(correlator, 'stream');
    assert.deepEqual(
      [
        stream.flows,
        stream.preservedRatio,
        stream.nodesDroppingWithoutLocalEndpoints,
        stream.healthCheckNodePort,
      ],
      [2, 1, ['n1', 'n2'], 32101],
    );
  });

  it('lists every finding in summary order', () => {
    assert.deepEqual(
      correlator.findings().map((f) => `${f.service?.name ?? ''} ${f.code ?? ''}`),
      [
        'checkout LocalPolicyTrafficToNodesWithoutEndpoints',
        'stream LocalPolicyTrafficToNodesWithoutEndpoints',
        'resolver ClusterPolicyMasquerade',
        'api ClusterPolicyMasquerade',
        'web ClusterPolicyMasquerade',
      ],
    );
  });

  it('counts flows from inside --upstream-cidr', () => {
    const withUpstream = labCorrelator({ upstreamCidrs: ['198.51.100.0/24'] });
    const api = summaryOf(withUpstream, 'api');
    const upstream = api.findings?.find((f) => f.code === 'ClientIpLostUpstream');
    assert.equal(upstream?.severity, 'warning');
    assert.match(upstream.explanation ?? '', /^3 of 4 \(75%\) flows of shop\/api:http \(tcp\)/);
    // Masqueraded on the node as well: the node's cause stays, the flow is counted upstream too.
    assert.deepEqual(
      [api.upstreamFlows, api.keptFlows, api.causes, api.verdict],
      [3, 0, { ClusterPolicyMasquerade: 4 }, 'lost'],
    );
  });

  it('shop/checkout through the NAT load balancer: kept against the real client, not 100 %', () => {
    // The lab's checkout flows that kept their source come from 198.51.100.50 and .51 (c1, c2).
    const withUpstream = labCorrelator({ upstreamCidrs: ['198.51.100.50/32'] });
    const checkout = summaryOf(withUpstream, 'checkout');
    const { flows, snatFlows, upstreamFlows, keptFlows, causes } = checkout;
    assert.deepEqual(
      { flows, snatFlows, upstreamFlows, keptFlows, causes },
      {
        flows: 4,
        snatFlows: 1,
        upstreamFlows: 1,
        keptFlows: 2,
        causes: { None: 2, LocalOrigin: 1, ClientIpLostUpstream: 1 },
      },
    );
    assert.equal(checkout.preservedRatio, 0.5);
    assert.equal(checkout.nodePreservedRatio, 0.75);
    assert.equal(checkout.verdict, 'partial');
  });
});

describe('Correlator counting', () => {
  const upstreamCases = [
    {
      name: '/32 matches only that address',
      cidr: '198.51.100.50/32',
      client: '198.51.100.50',
      upstream: true,
    },
    {
      name: '/32 does not match its neighbour',
      cidr: '198.51.100.50/32',
      client: '198.51.100.51',
      upstream: false,
    },
    {
      name: '/0 matches every IPv4 client',
      cidr: '0.0.0.0/0',
      client: '203.0.113.5',
      upstream: true,
    },
    {
      name: 'an IPv6 client inside an IPv6 CIDR',
      cidr: '2001:db8::/32',
      client: '2001:db8::5',
      upstream: true,
    },
    {
      name: 'an IPv4 client is not inside an IPv6 CIDR',
      cidr: '2001:db8::/32',
      client: '203.0.113.5',
      upstream: false,
    },
  ];
  for (const { name, cidr, client, upstream } of upstreamCases) {
    it(`--upstream-cidr: ${name}`, () => {
      const correlator = new Correlator({ upstreamCidrs: [cidr] });
      correlator.addFlow(flow({ client: { ip: client, port: 40000 } }));
      const codes = correlator.findings().map((f) => f.code);
      assert.equal(codes.includes('ClientIpLostUpstream'), upstream);
    });
  }

  it('a Local Service kept by every node still loses the client IP upstream', () => {
    // 68 flows from real clients, 32 through a NAT load balancer (192.0.2.200): none rewritten
    // by a node, so the node figures say 100 % while the real client was lost in 32 %.
    const correlator = new Correlator({ upstreamCidrs: ['192.0.2.200/32'] });
    for (let i = 0; i < 100; i++) {
      correlator.addFlow(
        flow({
          client: { ip: i < 32 ? '192.0.2.200' : `198.51.100.${i}`, port: 30000 + i },
          conntrackId: i + 1,
          snat: false,
          cause: Cause.None,
          externalTrafficPolicy: v1.TrafficPolicy.Local,
          endpointLocal: true,
        }),
      );
    }
    const [summary] = correlator.summaries();
    assert.ok(summary);
    assert.deepEqual(
      {
        verdict: summary.verdict,
        preservedRatio: summary.preservedRatio,
        nodePreservedRatio: summary.nodePreservedRatio,
        snatFlows: summary.snatFlows,
        upstreamFlows: summary.upstreamFlows,
        keptFlows: summary.keptFlows,
        causes: summary.causes,
      },
      {
        verdict: 'partial',
        preservedRatio: 0.68,
        nodePreservedRatio: 1,
        snatFlows: 0,
        upstreamFlows: 32,
        keptFlows: 68,
        causes: { None: 68, ClientIpLostUpstream: 32 },
      },
    );
    const [finding] = summary.findings ?? [];
    assert.equal(finding?.code, 'ClientIpLostUpstream');
    assert.match(
      finding.explanation ?? '',
      /^32 of 100 \(32%\) flows .* lost upstream, not on a node/,
    );
  });

  it('every flow through the upstream proxy: lost, though no node rewrote one', () => {
    const correlator = new Correlator({ upstreamCidrs: ['192.0.2.0/24'] });
    correlator.addFlow(
      flow({ client: { ip: '192.0.2.7', port: 1 }, snat: false, cause: Cause.None }),
    );
    const [summary] = correlator.summaries();
    assert.deepEqual(
      [summary?.verdict, summary?.preservedRatio, summary?.nodePreservedRatio],
      ['lost', 0, 1],
    );
  });

  it('counts Local-policy flows to remote endpoints on nodes that forward without a local one', () => {
    const correlator = new Correlator();
    const state = (node: string, forwards: boolean): v1.IServiceState => ({
      node,
      service: { namespace: 'shop', name: 'api', port: 'http' },
      protocol: 'tcp',
      externalTrafficPolicy: v1.TrafficPolicy.Local,
      proxyMode: v1.ProxyMode.ipvs,
      endpoints: [{ ip: '10.244.2.10', port: 8080, local: false }],
      localEndpoints: 0,
      forwardsWithoutLocalEndpoints: forwards,
    });
    correlator.setServices('n1', [state('n1', true)]);
    correlator.setServices('n3', [state('n3', false)]);
    const local = {
      snat: false,
      cause: Cause.None,
      externalTrafficPolicy: v1.TrafficPolicy.Local,
      proxyMode: v1.ProxyMode.ipvs,
      endpointLocal: false,
    };
    correlator.addFlow(flow({ ...local, conntrackId: 1 }));
    correlator.addFlow(flow({ ...local, conntrackId: 2, client: { ip: '198.51.100.9', port: 2 } }));
    // The node's own connection may use a remote endpoint by design: not counted.
    correlator.addFlow(
      flow({
        ...local,
        conntrackId: 3,
        snat: true,
        cause: Cause.LocalOrigin,
        client: { ip: '203.0.113.11', port: 3 },
      }),
    );
    const [summary] = correlator.summaries();
    assert.deepEqual(summary?.nodesForwardingWithoutLocalEndpoints, ['n1']);
    const forwarded = summary.findings?.find(
      (f) => f.code === 'LocalPolicyNoLocalEndpointForwarded',
    );
    assert.equal(forwarded?.severity, 'warning');
    assert.deepEqual(forwarded.nodes, ['n1']);
    assert.match(forwarded.explanation ?? '', /2 external flows entered there/);
    // Traffic still reaches a node without endpoints: that finding stays, and points here.
    const toNodes = summary.findings?.find(
      (f) => f.code === 'LocalPolicyTrafficToNodesWithoutEndpoints',
    );
    assert.match(toNodes?.explanation ?? '', /n1 forward it to other nodes instead/);
  });

  it('counts a connection once: its closed record after its open one does not count', () => {
    const correlator = new Correlator();
    correlator.addFlow(flow());
    correlator.addFlow(flow({ closed: true, observedAt: 1090 }));
    const [api] = correlator.summaries();
    assert.equal(api?.flows, 1);
    assert.equal(api.lastSeen, 1090);
  });

  it('counts a record sampled 1 in N as N flows, once, and says how many were estimated', () => {
    const correlator = new Correlator();
    correlator.addFlow(flow({ sampleRate: 10 }));
    correlator.addFlow(flow({ closed: true, observedAt: 1090 }));
    correlator.addFlow(flow({ conntrackId: 8, client: { ip: '198.51.100.9', port: 2 } }));
    const [api] = correlator.summaries();
    assert.equal(api?.flows, 11);
    assert.equal(api.snatFlows, 11);
    assert.equal(api.sampledFlows, 10);
    assert.deepEqual(api.causes, { ClusterPolicyMasquerade: 11 });
  });

  it('counts two incarnations of one conntrack id and tuple as two connections', () => {
    const correlator = new Correlator();
    correlator.addFlow(flow());
    correlator.addFlow(flow({ closed: true }));
    correlator.addFlow(flow({ incarnation: 1 }));
    correlator.addFlow(flow({ incarnation: 1, closed: true }));
    assert.equal(correlator.summaries()[0]?.flows, 2);
  });

  it('counts a closed record whose open record was never seen', () => {
    const correlator = new Correlator();
    correlator.addFlow(flow({ closed: true }));
    correlator.addFlow(
      flow({ closed: true, conntrackId: 7, client: { ip: '198.51.100.9', port: 1 } }),
    );
    assert.equal(correlator.summaries()[0]?.flows, 2);
  });

  it("skips the agent's closed records without a Service, and counts them", () => {
    const correlator = new Correlator();
    correlator.addFlow(flow());
    correlator.addFlow({
      kind: Kind.flow,
      node: 'n1',
      protocol: 'tcp',
      closed: true,
      conntrackId: 461150749,
    });
    assert.equal(correlator.summaries()[0]?.flows, 1);
    assert.equal(correlator.unattributedRecords, 1);
  });

  it('takes the policy from flows when no node reported the Service', () => {
    const correlator = new Correlator();
    correlator.addFlow(
      flow({ externalTrafficPolicy: v1.TrafficPolicy.Local, snat: false, cause: Cause.None }),
    );
    const [summary] = correlator.summaries();
    assert.equal(summary?.externalTrafficPolicy, v1.TrafficPolicy.Local);
    assert.equal(summary.verdict, 'preserved');
    assert.deepEqual(summary.nodes, []);
  });

  it('a Service with state but no flows has verdict no-traffic and no ratio', () => {
    const correlator = new Correlator();
    correlator.setServices('n1', lab('n1').states);
    const web = summaryOf(correlator, 'web');
    assert.equal(web.verdict, 'no-traffic');
    assert.equal(web.preservedRatio, undefined);
    assert.deepEqual(web.externalIPs, ['192.0.2.100']);
  });

  it("setServices replaces a node's states; an empty list forgets the node", () => {
    const correlator = new Correlator();
    correlator.setServices('n1', lab('n1').states);
    correlator.setServices('n2', lab('n2').states);
    assert.deepEqual(summaryOf(correlator, 'api').nodes, ['n1', 'n2']);
    correlator.setServices('n1', []);
    assert.deepEqual(summaryOf(correlator, 'api').nodes, ['n2']);
    assert.equal(correlator.serviceStates().length, 5);
  });

  it('suspects an upstream proxy when 58 of 60 flows come from one address', () => {
    const correlator = new Correlator({ topClients: 4 });
    for (let i = 0; i < 60; i++) {
      const ip = i < 58 ? '192.0.2.200' : `198.51.100.${i}`;
      correlator.addFlow(
        flow({
          client: { ip, port: 30000 + i },
          conntrackId: i + 1,
          snat: false,
          cause: Cause.None,
          externalTrafficPolicy: v1.TrafficPolicy.Local,
          endpointLocal: true,
        }),
      );
    }
    const [api] = correlator.summaries();
    assert.deepEqual(
      api?.findings?.map((f) => [f.code, f.severity]),
      [['ClientIpLostUpstream', 'info']],
    );
    assert.deepEqual(api.backendNodes, ['n1']);
  });

  it('keeps a heavy client in the top-k among many distinct ones (space-saving)', () => {
    const correlator = new Correlator({ topClients: 2 });
    // 100 flows: every 25th from a new address, the 96 others from one proxy address.
    for (let i = 0; i < 100; i++) {
      const ip = i % 25 === 0 ? `198.51.100.${i}` : '192.0.2.200';
      correlator.addFlow(flow({ client: { ip, port: 30000 + i }, conntrackId: i + 1 }));
    }
    const suspected = correlator.findings().find((f) => f.code === 'ClientIpLostUpstream');
    assert.match(
      suspected?.explanation ?? '',
      /^Suspected: 96 of 100 \(96%\) .* \(192\.0\.2\.200\)/,
    );
    const upstream = new Correlator({ topClients: 2, upstreamCidrs: ['192.0.2.200/32'] });
    for (let i = 0; i < 100; i++) {
      upstream.addFlow(
        flow({ client: { ip: '192.0.2.200', port: 30000 + i }, conntrackId: i + 1 }),
      );
    }
    // Inside --upstream-cidr: the definite rule, not the suspected one.
    assert.deepEqual(
      upstream.findings().map((f) => `${f.code ?? ''} ${f.severity ?? ''}`),
      ['ClusterPolicyMasquerade warning', 'ClientIpLostUpstream warning'],
    );
  });
});

describe('Correlator memory bounds', () => {
  /** A flow of Service port `svc-<i>`, seen at 1000 + i. */
  const flowOf = (i: number): v1.IFlowRecord =>
    flow({
      service: { namespace: 'shop', name: `svc-${i}`, port: 'http' },
      conntrackId: i + 1,
      observedAt: 1000 + i,
    });
  const names = (correlator: Correlator): string[] =>
    correlator.summaries().map((s) => s.service?.name ?? '');

  it('keeps at most the default budget’s Service ports, the most recently seen', () => {
    const correlator = new Correlator();
    const bound = cacheLimits(DEFAULT_MEMORY_BUDGET_BYTES).services;
    const total = bound + 1000;
    for (let i = 0; i < total; i++) correlator.addFlow(flowOf(i));
    assert.ok(correlator.serviceCount <= bound, `${correlator.serviceCount} > ${bound}`);
    assert.equal(correlator.serviceEvictions.size, total - correlator.serviceCount);
    const kept = new Set(names(correlator));
    assert.ok(kept.has(`svc-${total - 1}`), 'the newest is kept');
    assert.ok(!kept.has('svc-0'), 'the oldest is gone');
  });

  it('evicts the least recently seen Service ports, not the ones still busy', () => {
    const correlator = new Correlator({ maxServices: 16 });
    for (let i = 0; i < 16; i++) correlator.addFlow(flowOf(i));
    // svc-0 is busy again: it is now the most recently seen.
    correlator.addFlow(flow({ ...flowOf(0), conntrackId: 999, observedAt: 2000 }));
    correlator.addFlow(flowOf(100));
    const kept = new Set(names(correlator));
    assert.equal(correlator.serviceEvictions.size, 1);
    assert.ok(kept.has('svc-0') && kept.has('svc-100') && !kept.has('svc-1'), [...kept].join());
  });

  it('prune() forgets Service ports idle past idleSeconds or stamped in the future', () => {
    const correlator = new Correlator({ idleSeconds: 100 });
    correlator.addFlow(flowOf(0)); // seen at 1000
    correlator.addFlow(flowOf(500)); // seen at 1500
    correlator.addFlow(flow({ ...flowOf(7), observedAt: 1e12 }));
    assert.equal(correlator.prune(1550), 2);
    assert.deepEqual(names(correlator), ['svc-500']);
    assert.equal(correlator.serviceEvictions.age, 2);
  });

  it('bounds the nodes’ service states by estimated bytes, forgetting the least recent node', () => {
    const state = (node: string): v1.IServiceState => ({
      node,
      service: { namespace: 'shop', name: 'api', port: 'http' },
      protocol: 'tcp',
      endpoints: [{ ip: '10.244.2.10', port: 8080, local: false }],
    });
    const perNode = SERVICE_STATE_BYTES + ENDPOINT_BYTES;
    const correlator = new Correlator({ maxServiceStateBytes: 3 * perNode });
    for (const node of ['n1', 'n2', 'n3']) correlator.setServices(node, [state(node)]);
    correlator.setServices('n1', [state('n1')]); // n1 reported again: n2 is now the least recent
    correlator.setServices('n4', [state('n4')]);
    correlator.setServices('n5', [state('n5')]);
    assert.equal(correlator.nodeCount, 3);
    assert.deepEqual(
      correlator.serviceStates().map((s) => s.node),
      ['n1', 'n4', 'n5'],
    );
    assert.equal(correlator.nodeStateEvictions.size, 2);
    // A snapshot larger than the whole bound is kept alone: it is the newest truth.
    correlator.setServices('n6', [state('n6'), state('n6'), state('n6'), state('n6')]);
    assert.deepEqual([...new Set(correlator.serviceStates().map((s) => s.node))], ['n6']);
  });
});

describe('Correlator on the IPVS node-a (Local with no local endpoint forwards)', () => {
  it('finds LocalPolicyNoLocalEndpointForwarded and counts the external flow that took that path', () => {
    const dir = 'ipvs-node-a/';
    const model = buildIpvsModel({
      virtualServers: parseIpvsadm(readFixture(`${dir}ipvsadm-save.txt`), 'ipvs').virtualServers,
      ipsets: parseIpset(readFixture(`${dir}ipset-save.txt`), 'ipset').sets,
      iptables: parseIptablesSave(readFixture(`${dir}iptables-save.txt`), 'iptables').tables,
      services: parseKubectlServices(readFixture(`${dir}services.json`), 'services').services,
    });
    const node = buildNodeContext({
      name: 'node-a',
      interfaces: parseIpAddr(readFixture(`${dir}addr.json`), 'addr'),
      nodeIps: [],
      podCidrs: [],
      model,
    });
    const classifier = new FlowClassifier(model, node, { observedAt: 1000 });
    const correlator = new Correlator();
    correlator.setServices('node-a', serviceStates(model, 'node-a', classifier));
    for (const entry of parseConntrack(readFixture(`${dir}conntrack.txt`), 'conntrack').entries) {
      const record = classifier.classify(entry);
      if (record) correlator.addFlow(record);
    }
    const reports = summaryOf(correlator, 'reports');
    assert.deepEqual(reports.nodesForwardingWithoutLocalEndpoints, ['node-a']);
    assert.deepEqual(
      reports.findings?.map((f) => [f.code, f.severity, f.nodes]),
      [
        ['LocalPolicyTrafficToNodesWithoutEndpoints', 'critical', ['node-a']],
        ['LocalPolicyNoLocalEndpointForwarded', 'warning', ['node-a']],
      ],
    );
    const forwarded = reports.findings[1];
    assert.match(forwarded?.explanation ?? '', /1 external flow entered there/);
    assert.match(reports.findings[0]?.explanation ?? '', /node-a forward it to other nodes/);
  });
});
