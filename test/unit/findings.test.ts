// The finding rules, one named case per rule firing and not firing. Numbers follow the three-node
// lab: shop/api (NodePort 30080, Cluster), shop/checkout (LB 192.0.2.10, Local, hc port 32100).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  findingsFor,
  type NodeFlows,
  type NodeServiceState,
  type ServiceView,
} from '../../collector/findings.js';
import { v1 } from '../../proto/index.js';

const { Cause } = v1.FlowRecord;
const { Cluster, Local } = v1.TrafficPolicy;

/** Flows per cause as the view's array, from a partial map of cause → flows. */
function causes(counts: Partial<Record<v1.FlowRecord.Cause, number>>): number[] {
  const array = [0, 0, 0, 0, 0];
  for (const [cause, n] of Object.entries(counts)) array[Number(cause)] = n;
  return array;
}

/** Entry flows per node; `remote` of them (Local policy) went to an endpoint on another node. */
function nodes(
  perNode: Record<string, Partial<Record<v1.FlowRecord.Cause, number>>>,
  remote: Record<string, number> = {},
) {
  return new Map<string, NodeFlows>(
    Object.entries(perNode).map(([node, counts]) => {
      const array = causes(counts);
      const flows = array.reduce((a, b) => a + b, 0);
      return [node, { flows, causes: array, remoteEndpointFlows: remote[node] ?? 0 }];
    }),
  );
}

/** One node's programming of the Service. */
function nodeState(
  node: string,
  localEndpoints: number,
  droppedPackets: number,
  forwardsWithoutLocalEndpoints = false,
): NodeServiceState {
  return { node, localEndpoints, droppedPackets, forwardsWithoutLocalEndpoints };
}

/** shop/api: 4 flows, all masqueraded by kube-proxy (Cluster policy). */
const api: ServiceView = {
  service: { namespace: 'shop', name: 'api', port: 'http' },
  protocol: 'tcp',
  policy: Cluster,
  healthCheckNodePort: null,
  flows: 4,
  causes: causes({ [Cause.ClusterPolicyMasquerade]: 4 }),
  entryNodes: nodes({
    n1: { [Cause.ClusterPolicyMasquerade]: 2 },
    n2: { [Cause.ClusterPolicyMasquerade]: 1 },
    n3: { [Cause.ClusterPolicyMasquerade]: 1 },
  }),
  nodeStates: [nodeState('n1', 0, 0), nodeState('n2', 1, 0), nodeState('n3', 1, 0)],
  upstreamFlows: 0,
  topClients: [
    { ip: '198.51.100.50', flows: 3, upstream: false },
    { ip: '203.0.113.5', flows: 1, upstream: false },
  ],
};

/** shop/checkout: Local, endpoint on n2 only; n1 and n3 dropped one packet each. */
const checkout: ServiceView = {
  service: { namespace: 'shop', name: 'checkout', port: 'https' },
  protocol: 'tcp',
  policy: Local,
  healthCheckNodePort: 32100,
  flows: 4,
  causes: causes({ [Cause.None]: 3, [Cause.LocalOrigin]: 1 }),
  entryNodes: nodes({ n2: { [Cause.None]: 3, [Cause.LocalOrigin]: 1 } }),
  nodeStates: [nodeState('n1', 0, 1), nodeState('n2', 1, 0), nodeState('n3', 0, 1)],
  upstreamFlows: 0,
  topClients: [
    { ip: '198.51.100.50', flows: 1, upstream: false },
    { ip: '198.51.100.51', flows: 1, upstream: false },
  ],
};

/** 60 flows that kept their source, from 10 addresses mostly one. */
function busy(top: { ip: string; flows: number; upstream?: boolean }[]): ServiceView {
  return {
    ...checkout,
    flows: 60,
    causes: causes({ [Cause.None]: 60 }),
    entryNodes: nodes({ n2: { [Cause.None]: 60 } }),
    nodeStates: [nodeState('n2', 1, 0)],
    topClients: top.map((c) => ({ upstream: false, ...c })),
  };
}

interface Case {
  name: string;
  view: ServiceView;
  /** "code severity nodes" of every finding, worst first. */
  expected: string[];
}

const cases: Case[] = [
  {
    name: 'ClusterPolicyMasquerade fires on Cluster policy with masqueraded flows',
    view: api,
    expected: ['ClusterPolicyMasquerade warning n1,n2,n3'],
  },
  {
    name: 'ClusterPolicyMasquerade does not fire without masqueraded flows',
    view: {
      ...api,
      causes: causes({ [Cause.None]: 4 }),
      entryNodes: nodes({ n1: { [Cause.None]: 4 } }),
    },
    expected: [],
  },
  {
    name: 'ClusterPolicyMasquerade does not fire under Local policy',
    view: {
      ...api,
      policy: Local,
      nodeStates: api.nodeStates.map((state) => ({ ...state, localEndpoints: 1 })),
    },
    expected: [],
  },
  {
    name: 'LocalPolicyTrafficToNodesWithoutEndpoints fires on drops on nodes without endpoints',
    view: checkout,
    expected: ['LocalPolicyTrafficToNodesWithoutEndpoints critical n1,n3'],
  },
  {
    name: 'LocalPolicyTrafficToNodesWithoutEndpoints fires on flows entering a node without endpoints',
    view: {
      ...checkout,
      entryNodes: nodes({ n1: { [Cause.None]: 2 }, n2: { [Cause.None]: 2 } }),
      nodeStates: [nodeState('n1', 0, 0), nodeState('n2', 1, 0)],
    },
    expected: ['LocalPolicyTrafficToNodesWithoutEndpoints critical n1'],
  },
  {
    name: 'LocalPolicyTrafficToNodesWithoutEndpoints ignores node-originated flows and zero drops',
    view: {
      ...checkout,
      entryNodes: nodes({ n1: { [Cause.LocalOrigin]: 3 } }),
      nodeStates: [nodeState('n1', 0, 0), nodeState('n2', 1, 0)],
    },
    expected: [],
  },
  {
    name: 'LocalPolicyTrafficToNodesWithoutEndpoints does not fire under Cluster policy',
    view: { ...checkout, policy: Cluster },
    expected: [],
  },
  {
    name: 'ClientIpLostUpstream fires (warning) on flows from inside --upstream-cidr',
    view: { ...api, upstreamFlows: 3 },
    expected: ['ClusterPolicyMasquerade warning n1,n2,n3', 'ClientIpLostUpstream warning n1,n2,n3'],
  },
  {
    name: 'ClientIpLostUpstream suspected (info): 58 of 60 flows from one address',
    view: busy([
      { ip: '192.0.2.200', flows: 58 },
      { ip: '198.51.100.7', flows: 1 },
    ]),
    expected: ['ClientIpLostUpstream info n2'],
  },
  {
    name: 'ClientIpLostUpstream suspected (info): 57 of 60 flows from two addresses',
    view: busy([
      { ip: '192.0.2.200', flows: 30 },
      { ip: '192.0.2.201', flows: 27 },
    ]),
    expected: ['ClientIpLostUpstream info n2'],
  },
  {
    name: 'ClientIpLostUpstream not suspected at 56 of 60 (93 %)',
    view: busy([
      { ip: '192.0.2.200', flows: 30 },
      { ip: '192.0.2.201', flows: 26 },
    ]),
    expected: [],
  },
  {
    name: 'ClientIpLostUpstream not suspected under 50 flows',
    view: { ...busy([{ ip: '192.0.2.200', flows: 49 }]), flows: 49 },
    expected: [],
  },
  {
    name: 'ClientIpLostUpstream not suspected when the top address is inside --upstream-cidr',
    view: busy([{ ip: '192.0.2.200', flows: 60, upstream: true }]),
    expected: [],
  },
  {
    name: 'OtherSnat fires and names the nodes that SNATed',
    view: {
      ...api,
      causes: causes({ [Cause.ClusterPolicyMasquerade]: 2, [Cause.OtherSnat]: 2 }),
      entryNodes: nodes({
        n1: { [Cause.ClusterPolicyMasquerade]: 2 },
        n3: { [Cause.OtherSnat]: 2 },
      }),
    },
    expected: ['ClusterPolicyMasquerade warning n1', 'OtherSnat warning n3'],
  },
  {
    name: 'LocalPolicyNoLocalEndpointForwarded fires on an IPVS node forwarding without a local endpoint',
    view: {
      ...checkout,
      nodeStates: [nodeState('n1', 0, 0, true), nodeState('n2', 1, 0)],
    },
    expected: ['LocalPolicyNoLocalEndpointForwarded warning n1'],
  },
  {
    name: 'LocalPolicyNoLocalEndpointForwarded: flows entering there also show traffic sent to it',
    view: {
      ...checkout,
      entryNodes: nodes({ n1: { [Cause.None]: 2 }, n2: { [Cause.None]: 2 } }, { n1: 2 }),
      nodeStates: [nodeState('n1', 0, 0, true), nodeState('n2', 1, 0)],
    },
    expected: [
      'LocalPolicyTrafficToNodesWithoutEndpoints critical n1',
      'LocalPolicyNoLocalEndpointForwarded warning n1',
    ],
  },
  {
    name: 'LocalPolicyNoLocalEndpointForwarded does not fire under Cluster policy',
    view: {
      ...api,
      nodeStates: [nodeState('n1', 0, 0, true)],
    },
    expected: ['ClusterPolicyMasquerade warning n1,n2,n3'],
  },
  {
    name: 'OtherSnat does not fire without such flows',
    view: { ...checkout, nodeStates: [] },
    expected: [],
  },
];

describe('findingsFor', () => {
  for (const { name, view, expected } of cases) {
    it(name, () => {
      const actual = findingsFor(view).map(
        (f) => `${f.code ?? ''} ${f.severity ?? ''} ${(f.nodes ?? []).join(',')}`,
      );
      assert.deepEqual(actual, expected);
    });
  }

  it('explains ClusterPolicyMasquerade with the numbers and the fix', () => {
    const [finding] = findingsFor({
      ...api,
      flows: 3,
      causes: causes({ [Cause.ClusterPolicyMasquerade]: 2, [Cause.None]: 1 }),
    });
    assert.equal(
      finding?.explanation,
      '2 of 3 (66.7%) flows of shop/api:http (tcp) reached backends with a node address as source: ' +
        'kube-proxy masquerades external traffic of a Service with externalTrafficPolicy: Cluster, ' +
        'so the backends saw node IPs, not client IPs.',
    );
    assert.match(finding.fix ?? '', /externalTrafficPolicy: Local on Service shop\/api/);
    assert.match(finding.fix ?? '', /PROXY protocol or an X-Forwarded-For/);
    assert.deepEqual(finding.service, api.service);
  });

  it('explains LocalPolicyTrafficToNodesWithoutEndpoints with the health check port', () => {
    const [finding] = findingsFor(checkout);
    assert.equal(
      finding?.explanation,
      'shop/checkout:https (tcp) has externalTrafficPolicy: Local, but nodes without a local ' +
        'endpoint receive its traffic: 2 packets dropped by kube-proxy\'s "has no local endpoints" ' +
        'rule on n1, n3. Under Local such traffic is dropped; the load balancer ignores ' +
        'healthCheckNodePort 32100, which answers 503 on nodes without an endpoint.',
    );
    assert.equal(
      finding.fix,
      'Make the load balancer health-check http://<node>:32100/healthz (kube-proxy answers 200 ' +
        'only on nodes with a local endpoint), or send traffic only to the nodes with endpoints (n2).',
    );
  });

  it('explains LocalPolicyNoLocalEndpointForwarded with the flows forwarded and the fix', () => {
    const [, forwarded] = findingsFor({
      ...checkout,
      entryNodes: nodes({ n1: { [Cause.None]: 3 } }, { n1: 3 }),
      nodeStates: [nodeState('n1', 0, 0, true), nodeState('n2', 1, 0)],
    });
    assert.equal(forwarded?.code, 'LocalPolicyNoLocalEndpointForwarded');
    assert.equal(
      forwarded.explanation,
      'shop/checkout:https (tcp) has externalTrafficPolicy: Local, but n1 has no local endpoint ' +
        'and still sends external traffic to endpoints on other nodes (IPVS virtual servers with ' +
        'remote real servers only). Without masquerade the backend sees the client but answers ' +
        "from its own node, past this node's reverse NAT, so the client drops the reply and the " +
        'connection breaks; with masquerade the backend sees a node address instead of the ' +
        'client. 3 external flows entered there and went to a remote endpoint.',
    );
    assert.match(forwarded.fix ?? '', /^Keep external traffic off n1: .*:32100\/healthz/);
    assert.match(forwarded.fix ?? '', /ipvsadm -Ln -t <frontend>/);
  });

  it('names the suspected addresses', () => {
    const [finding] = findingsFor(busy([{ ip: '192.0.2.200', flows: 58 }]));
    assert.match(
      finding?.explanation ?? '',
      /^Suspected: 58 of 60 \(96\.7%\) flows of shop\/checkout:https \(tcp\) came from only 1 client address \(192\.0\.2\.200\)/,
    );
  });
});
