// The lab's IPVS-mode renderer against the agent's reading of it: the rendered ipvsadm-save, ipsets
// and iptables rules, read through the node read (no root), must give back the lab's Services with
// their policies, masquerade and local endpoints, in IPVS mode.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readNode } from '../../agent/node-read.js';
import { ToolError } from '../../agent/sources/exec.js';
import type { NodeReader } from '../../agent/sources/node-reader.js';
import { defaultCluster, findPod } from '../../lab/cluster.js';
import {
  renderIpsetRestore,
  renderIpvsadmSave,
  renderIpvsIptablesRestore,
} from '../../lab/kube-proxy-ipvs-rules.js';
import { kubectlServicesJson } from '../support/kubectl-services.js';

const cluster = defaultCluster();

function renderedNode(node: string): NodeReader {
  const dump = (text: string, source: string) => Promise.resolve({ text, source });
  // `ipset save` prints what the restore input creates and adds, without its flush lines.
  const ipsets = renderIpsetRestore(cluster, node)
    .split('\n')
    .filter((line) => !line.startsWith('flush '))
    .join('\n');
  return {
    iptablesSave: (family) =>
      family === 'ipv4'
        ? Promise.resolve({
            text: renderIpvsIptablesRestore(cluster, node),
            source: 'iptables',
            skipped: [],
          })
        : Promise.reject(new ToolError('ip6tables-save', [], 'missing', 'none')),
    conntrack: () => Promise.resolve(0),
    nftTable: () => Promise.resolve(null),
    kubeServices: () => dump(kubectlServicesJson(cluster), 'services'),
    addresses: () => Promise.resolve('[]'),
    routes: () => Promise.resolve('[]'),
    ipvsServices: () => dump(renderIpvsadmSave(cluster, node), 'ipvsadm-save'),
    ipvsConnections: () => Promise.resolve(null),
    ipsetSave: () => dump(ipsets, 'ipset'),
  };
}

void describe('lab IPVS mode, read back by the agent', () => {
  for (const node of cluster.nodes) {
    void it(`${node.name}: every lab Service port, its policy, masquerade and local endpoints`, async () => {
      const tables = await readNode(renderedNode(node.name), {
        problem: (problem) => assert.fail(JSON.stringify(problem)),
        toolFailure: (error) => {
          assert.equal(error.tool, 'ip6tables-save');
        },
      });
      assert.equal(tables.model.proxyMode, 'ipvs');
      assert.ok(tables.rulesRead);
      assert.deepEqual(
        tables.model.services.map((s) => s.key).sort(),
        cluster.services.map((s) => `${s.namespace}/${s.name}:${s.portName}`).sort(),
      );
      for (const spec of cluster.services) {
        const port = tables.model.services.find((s) => s.ref.name === spec.name);
        assert.ok(port, spec.name);
        assert.equal(port.externalTrafficPolicy, spec.externalTrafficPolicy, spec.name);
        assert.equal(port.externalMasquerade, spec.externalTrafficPolicy === 'Cluster', spec.name);
        assert.equal(port.nodePort, spec.nodePort ?? null, spec.name);
        assert.deepEqual(
          port.endpoints.map((e) => e.ip).sort(),
          spec.endpoints.map((pod) => findPod(cluster, pod).ip).sort(),
          spec.name,
        );
      }
    });
  }
});
