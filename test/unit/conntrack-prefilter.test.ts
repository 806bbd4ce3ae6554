// The reconciliation's prefilter may only drop lines the classifier would not report: every
// classifiable line of the lab's dumps (all nodes' lines against each node's rules, both kube-proxy
// modes) is kept, and lines no Service port can match are dropped before they are parsed.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import { ConntrackPrefilter } from '../../agent/conntrack-prefilter.js';
import type { KubeProxyModel } from '../../agent/model/service-model.js';
import { nodeView } from '../../agent/snapshot.js';
import { parseConntrackLine } from '../../agent/sources/conntrack.js';
import { parseIpAddr } from '../../agent/sources/ip-addr.js';
import { modelOf } from '../support/text-node-reader.js';

const FIXTURES = 'test/fixtures';
const read = (name: string): Promise<string> => readFile(`${FIXTURES}/${name}`, 'utf8');

async function allLabLines(): Promise<string[]> {
  const files = [
    'lab-n1-conntrack-L-extended-id.txt',
    'lab-n2-conntrack-L-extended-id.txt',
    'lab-n3-conntrack-L-extended-id.txt',
    'lab-nft-n1-conntrack.txt',
    'generated-conntrack-L-extended-nodeport-cluster-snat.txt',
    'generated-conntrack-L-f-ipv6-extended.txt',
  ];
  const texts = await Promise.all(files.map(read));
  return texts.flatMap((text) => text.split('\n')).filter((line) => line.trim() !== '');
}

const keeps = (filter: ConntrackPrefilter, line: string): boolean => {
  const bytes = Buffer.from(line);
  return filter.keeps(bytes, 0, bytes.length);
};

async function nodes(): Promise<{ name: string; model: KubeProxyModel; addresses: string }[]> {
  const list = [];
  for (const name of ['n1', 'n2', 'n3']) {
    const addresses = await read(`lab-${name}-ip-addr.json`);
    const iptables = [await read(`lab-${name}-iptables-save-c.txt`)];
    list.push({ name, model: await modelOf({ iptables, addresses }), addresses });
  }
  const nft = [await read('lab-nft-n1-nft.json')];
  const addresses = await read('lab-n1-ip-addr.json');
  list.push({ name: 'n1 (nftables)', model: await modelOf({ nft, addresses }), addresses });
  return list;
}

describe('conntrack prefilter', () => {
  it('keeps every line the classifier reports, on every lab node and mode', async () => {
    const lines = await allLabLines();
    let classified = 0;
    let dropped = 0;
    for (const node of await nodes()) {
      const { classifier } = nodeView({
        name: node.name,
        model: node.model,
        interfaces: parseIpAddr(node.addresses, 'ip -j addr'),
        nodeIps: [],
        podCidrs: [],
        observedAt: 0,
      });
      const filter = new ConntrackPrefilter(node.model);
      for (const [index, line] of lines.entries()) {
        const entry = parseConntrackLine(line, index + 1, 'fixture');
        assert.ok(entry);
        if (classifier.classify(entry)) {
          classified++;
          assert.ok(keeps(filter, line), `${node.name} dropped a reported flow: ${line}`);
        } else if (!keeps(filter, line)) dropped++;
      }
    }
    assert.ok(classified > 20, `reported flows checked: ${classified}`);
    assert.ok(dropped > 0, 'lines of other nodes’ Services were dropped');
  });

  it('drops lines no Service port matches, keeps what it cannot read for the parser', async () => {
    const [n1] = await nodes();
    assert.ok(n1);
    const filter = new ConntrackPrefilter(n1.model);
    const tcp = (dst: string, dport: number) =>
      `ipv4     2 tcp      6 86399 ESTABLISHED src=10.244.1.7 dst=${dst} sport=40000 dport=${dport} src=${dst} dst=10.244.1.7 sport=${dport} dport=40000 [ASSURED] mark=0 use=1 id=5`;
    // The node's own SSH, a pod calling a pod on a port no exposed Service uses.
    assert.equal(keeps(filter, tcp('203.0.113.11', 22)), false);
    assert.equal(keeps(filter, tcp('10.244.2.99', 9999)), false);
    // An endpoint port at an address that is no endpoint: dropped; a NodePort: kept at any address.
    const endpoint = n1.model.services.find((s) => s.nodePort !== null)?.endpoints[0];
    assert.ok(endpoint);
    assert.equal(keeps(filter, tcp('10.244.250.250', endpoint.port)), false);
    assert.equal(keeps(filter, tcp(endpoint.ip, endpoint.port)), true);
    assert.equal(keeps(filter, tcp('198.18.0.1', 30080)), true);
    const icmp =
      'ipv4     2 icmp     1 29 src=10.244.1.7 dst=10.244.2.9 type=8 code=0 id=7 src=10.244.2.9 dst=10.244.1.7 type=0 code=0 id=7 mark=0 use=1 id=9';
    assert.equal(keeps(filter, icmp), false);
    assert.equal(keeps(filter, 'not conntrack output'), true);
    assert.equal(keeps(filter, tcp('203.0.113.11', 99999)), true);
  });
});
