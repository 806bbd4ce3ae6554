// The agent's read of a node with the Kubernetes API: a fake NodeReader (lab node n1's rules and
// conntrack lines) and the local HTTPS list/watch stand-in for the API server (no API server runs
// on these machines). The objects are shaped like the recorded ones in test/data/kube-api, with the
// lab's addresses: an EndpointSlice naming the pod behind 10.244.2.10 and a Node owning
// 203.0.113.5 (in the lab that address is the NAT load balancer's; here it plays a node).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { kubeApiReader, snapshotNode } from '../../agent/agent.js';
import type { RecordWriter } from '../../agent/output.js';
import type { v1 } from '../../proto/index.js';
import { generateTestCerts, type TestCerts } from '../support/certs.js';
import { fakeNodeReader, labRules } from '../support/agent-parts.js';
import { FakeKubeResources, startFakeKubeApi, type KubeJson } from '../support/fake-kube-api.js';

const TOKEN = 'agent-api-token';
let certs: TestCerts;
let dir = '';
before(() => {
  certs = generateTestCerts();
  dir = mkdtempSync(join(tmpdir(), 'snatscope-agent-kube-'));
});
after(() => {
  certs.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(server: string): string {
  const file = join(dir, 'kubeconfig');
  writeFileSync(
    file,
    `apiVersion: v1
kind: Config
clusters:
  - name: fake
    cluster: { server: "${server}", certificate-authority: "${certs.caCert}" }
users:
  - name: agent
    user: { token: ${TOKEN} }
contexts:
  - name: fake
    context: { cluster: fake, user: agent }
current-context: fake
`,
  );
  return file;
}

function slice(pod: string, ip: string): KubeJson {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: 'web-7xk2p',
      namespace: 'shop',
      resourceVersion: '1',
      labels: { 'kubernetes.io/service-name': 'web' },
    },
    addressType: 'IPv4',
    endpoints: [
      {
        addresses: [ip],
        conditions: { ready: true },
        nodeName: 'n2',
        targetRef: { kind: 'Pod', namespace: 'shop', name: pod },
      },
    ],
    ports: [{ name: 'http', protocol: 'TCP', port: 8080 }],
  };
}

function node(name: string, ip: string): KubeJson {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, resourceVersion: '1' },
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  };
}

/** The flows a snapshot writes. */
function collectFlows(): { writer: RecordWriter; flows: v1.IFlowRecord[] } {
  const flows: v1.IFlowRecord[] = [];
  return {
    flows,
    writer: {
      service: () => undefined,
      flow: (record) => {
        flows.push(record);
      },
      end: () => undefined,
    },
  };
}

describe('agent with the Kubernetes API', () => {
  it('names the backend pod and a client that is a node; nothing where the API is silent', async () => {
    const resources = new FakeKubeResources();
    resources.load('services', { items: [] });
    resources.load('endpointslices', { items: [slice('web-5d9c7b8f6-x2x7q', '10.244.2.10')] });
    resources.load('pods', { items: [] });
    resources.load('nodes', { items: [node('gateway-node', '203.0.113.5')] });
    const api = await startFakeKubeApi({
      cert: readFileSync(certs.serverCert),
      key: readFileSync(certs.serverKey),
      callerToken: TOKEN,
      resources,
    });
    const kube = kubeApiReader(
      'n1',
      { kubeconfig: kubeconfig(api.url) },
      pino({ level: 'silent' }),
    );
    try {
      kube.start();
      assert.equal(await kube.whenSynced(), true);
      const { reader, rules, conntrack } = await fakeNodeReader();
      rules.text = await labRules();
      conntrack.lines = readFileSync('test/fixtures/lab-n1-conntrack-L-extended-id.txt', 'utf8')
        .split('\n')
        .filter((line) => line !== '');
      const { writer, flows } = collectFlows();
      const result = await snapshotNode(
        reader,
        { nodeName: 'n1', nodeIps: [], podCidrs: [], cluster: kube },
        writer,
        (problem) => assert.fail(`unexpected problem: ${problem.reason}`),
      );
      assert.equal(result.complete, true);
      const toWeb = flows.filter((f) => f.backend?.ip === '10.244.2.10');
      assert.equal(toWeb.length, 2);
      for (const flow of toWeb) {
        assert.deepEqual(flow.backendPod, { namespace: 'shop', name: 'web-5d9c7b8f6-x2x7q' });
      }
      const fromNode = flows.filter((f) => f.client?.ip === '203.0.113.5');
      assert.deepEqual(
        fromNode.map((f) => f.clientNode),
        ['gateway-node'],
      );
      // No slice names the DNS backend and no node owns the other client: nothing is guessed.
      const others = flows.filter((f) => f.backend?.ip !== '10.244.2.10');
      assert.ok(others.length > 0);
      for (const flow of others) assert.equal(flow.backendPod, null);
      for (const flow of flows.filter((f) => f.client?.ip !== '203.0.113.5')) {
        assert.equal(flow.clientNode, null);
      }
    } finally {
      await kube.stop();
      await api.close();
    }
  });

  it('reads the node as before when there is no API to read', async () => {
    const kube = kubeApiReader(
      'n1',
      { kubeconfig: join(dir, 'no-such-kubeconfig') },
      pino({ level: 'silent' }),
    );
    kube.start();
    assert.equal(await kube.whenSynced(), false);
    assert.equal(kube.status().state, 'disabled');
    const { reader, rules, conntrack } = await fakeNodeReader();
    rules.text = await labRules();
    conntrack.lines = readFileSync('test/fixtures/lab-n1-conntrack-L-extended-id.txt', 'utf8')
      .split('\n')
      .filter((line) => line !== '');
    const { writer, flows } = collectFlows();
    await snapshotNode(
      reader,
      { nodeName: 'n1', nodeIps: [], podCidrs: [], cluster: kube },
      writer,
      () => assert.fail('no problem expected'),
    );
    assert.equal(flows.length, conntrack.lines.length);
    assert.ok(flows.every((f) => f.backendPod === null && f.clientNode === null));
    await kube.stop();
  });
});
