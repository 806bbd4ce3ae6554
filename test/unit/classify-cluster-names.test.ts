// The classifier names the backend pod and the client's node when it has the Kubernetes API's
// names (ClusterNameIndex filled directly: pure, no API), and leaves both null otherwise: canned
// conntrack lines in, contract JSON out.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FlowClassifier } from '../../agent/classify.js';
import { ClusterNameIndex, type ClusterNames } from '../../agent/kube/cluster-names.js';
import { buildNodeContext } from '../../agent/model/node.js';
import { NO_SNAT_RULES } from '../../agent/model/snat-rules.js';
import type { KubeProxyModel } from '../../agent/model/service-model.js';
import { parseConntrackLine } from '../../agent/sources/conntrack.js';
import { parseCidr, type Cidr } from '../../common/cidr.js';
import { flowToJson } from '../../proto/json.js';

const model: KubeProxyModel = {
  proxyMode: 'iptables',
  masqueradeMark: '0x4000',
  clusterCidrs: ['10.244.0.0/16'],
  nodePortAddresses: 'local',
  localhostNodePorts: true,
  snat: NO_SNAT_RULES,
  services: [
    {
      key: 'shop/api:http',
      ref: { namespace: 'shop', name: 'api', port: 'http' },
      protocol: 'tcp',
      clusterIPs: ['10.96.0.10'],
      port: 80,
      nodePort: 30080,
      frontends: [],
      externalTrafficPolicy: 'Cluster',
      externalMasquerade: true,
      healthCheckNodePort: null,
      endpoints: [{ ip: '10.244.2.10', port: 8080, local: null }],
      noLocalEndpointDrops: { packets: 0, bytes: 0 },
      dropsWithoutLocalEndpoints: false,
    },
  ],
};

function names(): ClusterNameIndex {
  const index = new ClusterNameIndex();
  index.slices.set('shop/api-7x2k9', {
    namespace: 'shop',
    name: 'api-7x2k9',
    endpoints: [{ ip: '10.244.2.10', pod: { namespace: 'shop', name: 'api-6d5f8-kq4zt' } }],
  });
  index.nodes.set('n1', { name: 'n1', ips: ['203.0.113.11'] });
  index.nodes.set('n2', { name: 'n2', ips: ['203.0.113.12', '198.51.100.12'] });
  return index;
}

function classifier(
  node: string,
  addresses: string[],
  podCidr: string,
  clusterNames: ClusterNames | null,
): FlowClassifier {
  const context = buildNodeContext({
    name: node,
    interfaces: [],
    nodeIps: addresses,
    podCidrs: [parseCidr(podCidr) as Cidr],
    model,
  });
  return new FlowClassifier(model, context, { observedAt: 1_700_000_000, names: clusterNames });
}

function classify(line: string, flows: FlowClassifier): Record<string, unknown> | null {
  const entry = parseConntrackLine(line, 1, 'canned');
  assert.ok(entry);
  const record = flows.classify(entry);
  return record === null ? null : flowToJson(record);
}

// Lab lines (test/fixtures/lab-n1-conntrack-L-extended-id.txt): a client outside the cluster, and a
// client that is another node, both entering on n1's NodePort 30080 to the backend on n2.
const EXTERNAL =
  'ipv4     2 tcp      6 118 TIME_WAIT src=198.51.100.50 dst=203.0.113.11 sport=49038 dport=30080 packets=5 bytes=268 src=10.244.2.10 dst=203.0.113.11 sport=8080 dport=51539 packets=4 bytes=286 [ASSURED] mark=0 use=1 id=461150749';
const FROM_NODE =
  'ipv4     2 tcp      6 119 TIME_WAIT src=203.0.113.12 dst=203.0.113.11 sport=46918 dport=30080 packets=4 bytes=216 src=10.244.2.10 dst=203.0.113.11 sport=8080 dport=36388 packets=4 bytes=286 [ASSURED] mark=0 use=1 id=1367453116';
// The same connection's half on n2, the backend's node: from n1's address, not NATed.
const BACKEND_HALF =
  'ipv4     2 tcp      6 118 TIME_WAIT src=203.0.113.11 dst=10.244.2.10 sport=51539 dport=8080 packets=5 bytes=268 src=10.244.2.10 dst=203.0.113.11 sport=8080 dport=51539 packets=4 bytes=286 [ASSURED] mark=0 use=1 id=2201';

const n1 = (clusterNames: ClusterNames | null): FlowClassifier =>
  classifier('n1', ['203.0.113.11', '10.244.1.1'], '10.244.1.0/24', clusterNames);
const n2 = (clusterNames: ClusterNames | null): FlowClassifier =>
  classifier('n2', ['203.0.113.12', '10.244.2.1'], '10.244.2.0/24', clusterNames);

const cases: {
  name: string;
  line: string;
  flows: FlowClassifier;
  want: { kind: string; backendPod: unknown; clientNode: unknown };
}[] = [
  {
    name: 'entry flow from outside: the backend pod, no client node',
    line: EXTERNAL,
    flows: n1(names()),
    want: {
      kind: 'flow',
      backendPod: { namespace: 'shop', name: 'api-6d5f8-kq4zt' },
      clientNode: null,
    },
  },
  {
    name: 'entry flow whose client is another node',
    line: FROM_NODE,
    flows: n1(names()),
    want: {
      kind: 'flow',
      backendPod: { namespace: 'shop', name: 'api-6d5f8-kq4zt' },
      clientNode: 'n2',
    },
  },
  {
    name: 'backend half: the pod; the client node is the entry side’s to say',
    line: BACKEND_HALF,
    flows: n2(names()),
    want: {
      kind: 'backend',
      backendPod: { namespace: 'shop', name: 'api-6d5f8-kq4zt' },
      clientNode: null,
    },
  },
  {
    name: 'without the API: both null, never guessed',
    line: FROM_NODE,
    flows: n1(null),
    want: { kind: 'flow', backendPod: null, clientNode: null },
  },
];

describe('classifier + cluster names', () => {
  for (const c of cases) {
    it(c.name, () => {
      const json = classify(c.line, c.flows);
      assert.ok(json);
      assert.deepEqual(
        { kind: json.kind, backendPod: json.backendPod, clientNode: json.clientNode },
        c.want,
      );
    });
  }

  it('an address two pods claim (a stale slice and a new pod) names no pod', () => {
    const index = names();
    index.pods.set('shop/api-6d5f8-new', {
      namespace: 'shop',
      name: 'api-6d5f8-new',
      ips: ['10.244.2.10'],
    });
    const json = classify(EXTERNAL, n1(index));
    assert.equal(json?.backendPod, null);
  });

  it('names learnt after the classifier was built are used (live lookups)', () => {
    const index = new ClusterNameIndex();
    const flows = n1(index);
    assert.equal(classify(FROM_NODE, flows)?.clientNode, null);
    index.nodes.set('n2', { name: 'n2', ips: ['203.0.113.12'] });
    assert.equal(classify(FROM_NODE, flows)?.clientNode, 'n2');
  });
});
