// Which rule rewrote the source: lab node n2's kube-proxy rules combined with the SNAT rules of
// flannel, Calico, Cilium, ip-masq-agent, Weave and an administrator (test/fixtures/snat/, real
// iptables-save/ipset save output), classified end to end as `analyze` does.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  readSnatRules,
  ruleTextWithoutCounters,
  SnatRuleFinder,
  type SnatFlow,
} from '../../agent/model/snat-rules.js';
import { nodeView } from '../../agent/snapshot.js';
import { modelOf } from '../support/text-node-reader.js';
import { parseConntrackLine } from '../../agent/sources/conntrack.js';
import { parseIptablesSave } from '../../agent/sources/iptables-save.js';
import { parseIpAddr, type NodeInterface } from '../../agent/sources/ip-addr.js';
import { v1 } from '../../proto/index.js';
import { readFixture } from '../support/golden.js';

const { Cause } = v1.FlowRecord;

/** Node n2 of the lab: eth0 203.0.113.12, cni0 10.244.2.1, pods 10.244.2.0/24. */
async function classifierFor(
  component: string,
  options: { ipset?: boolean; extraInterfaces?: NodeInterface[] } = {},
) {
  const model = await modelOf({
    iptables: [readFixture(`snat/${component}.iptables-save.txt`)],
    ...(options.ipset === true ? { ipset: readFixture(`snat/${component}.ipset-save.txt`) } : {}),
  });
  return nodeView({
    name: 'n2',
    model,
    interfaces: [
      ...parseIpAddr(readFixture('lab-n2-ip-addr.json'), 'lab-n2-ip-addr.json'),
      ...(options.extraInterfaces ?? []),
    ],
    nodeIps: [],
    podCidrs: [],
    observedAt: 0,
  }).classifier;
}

/** A conntrack -L line: client → entry, answered by backend, which saw `observed`. */
function line(client: string, entry: string, backend: string, observed: string): string {
  const [cip, cport] = client.split(':');
  const [eip, eport] = entry.split(':');
  const [bip, bport] = backend.split(':');
  const [oip, oport] = observed.split(':');
  return (
    `ipv4     2 tcp      6 118 TIME_WAIT src=${cip} dst=${eip} sport=${cport} dport=${eport} ` +
    `src=${bip} dst=${oip} sport=${bport} dport=${oport} [ASSURED] mark=0 use=1 id=7`
  );
}

/** An interface of a CNI that the lab's nodes do not have. */
function iface(name: string, ip: string, prefixLength: number): NodeInterface {
  return { name, addresses: [{ family: 'ipv4', ip, prefixLength, scope: 'global' }] };
}

const KUBE_POSTROUTING = {
  table: 'nat',
  chain: 'KUBE-POSTROUTING',
  rule: '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
};

interface Case {
  name: string;
  component: string;
  options?: { ipset?: boolean; extraInterfaces?: NodeInterface[] };
  conntrack: string;
  cause: v1.FlowRecord.Cause;
  rule: { table: string; chain: string; rule: string } | null;
}

const CLIENT = '198.51.100.50:40001';
// shop/api:http NodePort 30080 (Cluster) → 10.244.2.10 (n2), 10.244.3.10 (n3).
const API = '203.0.113.12:30080';
// shop/checkout:https NodePort 30443 (Local) → 10.244.2.20 (n2).
const CHECKOUT = '203.0.113.12:30443';

const cases: Case[] = [
  // flannel: FLANNEL-POSTRTG first returns for kube-proxy's mark and for the node's own lease.
  {
    name: 'flannel: a Cluster NodePort to a remote pod is kube-proxy’s masquerade',
    component: 'flannel',
    conntrack: line(CLIENT, API, '10.244.3.10:8080', '203.0.113.12:20001'),
    cause: Cause.ClusterPolicyMasquerade,
    rule: KUBE_POSTROUTING,
  },
  {
    name: 'flannel: a Local NodePort to the local pod keeps the client',
    component: 'flannel',
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', CLIENT),
    cause: Cause.None,
    rule: null,
  },
  {
    name: 'flannel: its RETURN for the node’s lease comes first, so no rule explains this SNAT',
    component: 'flannel',
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', '203.0.113.12:20002'),
    cause: Cause.OtherSnat,
    rule: null,
  },
  {
    name: 'flannel: an outside client sent to a remote pod without kube-proxy’s mark (as IPVS forwards Local)',
    component: 'flannel',
    // flannel.1 holds 10.244.2.0/32, the address MASQUERADE takes towards other nodes' pods.
    options: { extraInterfaces: [iface('flannel.1', '10.244.2.0', 32)] },
    conntrack: line(CLIENT, CHECKOUT, '10.244.3.20:8443', '10.244.2.0:20003'),
    cause: Cause.OtherSnat,
    rule: {
      table: 'nat',
      chain: 'FLANNEL-POSTRTG',
      rule: '-A FLANNEL-POSTRTG ! -s 10.244.0.0/16 -d 10.244.0.0/16 -m comment --comment "flanneld masq" -j MASQUERADE --random-fully',
    },
  },
  // Calico: cali-POSTROUTING comes before kube-proxy's jump.
  {
    name: 'Calico: the Cluster masquerade is kube-proxy’s, pools known',
    component: 'calico',
    options: { ipset: true },
    conntrack: line(CLIENT, API, '10.244.3.10:8080', '203.0.113.12:20004'),
    cause: Cause.ClusterPolicyMasquerade,
    rule: KUBE_POSTROUTING,
  },
  {
    name: 'Calico: the Cluster masquerade is kube-proxy’s even when the pools are unknown',
    component: 'calico',
    conntrack: line(CLIENT, API, '10.244.3.10:8080', '203.0.113.12:20005'),
    cause: Cause.ClusterPolicyMasquerade,
    rule: KUBE_POSTROUTING,
  },
  {
    name: 'Calico: nat-outgoing only takes sources in the pools, the tunnel rule only local ones',
    component: 'calico',
    options: { ipset: true },
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', '203.0.113.12:20006'),
    cause: Cause.OtherSnat,
    rule: null,
  },
  {
    name: 'Calico: without the ipset dump, nat-outgoing may have matched',
    component: 'calico',
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', '203.0.113.12:20007'),
    cause: Cause.OtherSnat,
    rule: {
      table: 'nat',
      chain: 'cali-nat-outgoing',
      rule: '-A cali-nat-outgoing -m comment --comment "cali:flqWnvo8yq4ULQLa" -m set --match-set cali40masq-ipam-pools src -m set ! --match-set cali40all-ipam-pools dst -j MASQUERADE --random-fully',
    },
  },
  {
    name: 'Calico: the node’s own client leaving by vxlan.calico is Calico’s tunnel masquerade, first on the path',
    component: 'calico',
    options: { ipset: true, extraInterfaces: [iface('vxlan.calico', '10.244.2.192', 32)] },
    conntrack: line('203.0.113.12:40003', API, '10.244.3.10:8080', '10.244.2.192:20018'),
    cause: Cause.LocalOrigin,
    rule: {
      table: 'nat',
      chain: 'cali-POSTROUTING',
      rule: '-A cali-POSTROUTING -o vxlan.calico -m comment --comment "cali:e9dnSgSVNmIcpVhP" -m addrtype ! --src-type LOCAL --limit-iface-out -m addrtype --src-type LOCAL -j MASQUERADE --random-fully',
    },
  },
  {
    name: 'Calico: an outside client leaving by vxlan.calico is not host traffic: kube-proxy’s',
    component: 'calico',
    options: { ipset: true, extraInterfaces: [iface('vxlan.calico', '10.244.2.192', 32)] },
    conntrack: line(CLIENT, API, '10.244.3.10:8080', '10.244.2.192:20019'),
    cause: Cause.ClusterPolicyMasquerade,
    rule: KUBE_POSTROUTING,
  },
  // Cilium: CILIUM_POST_nat comes first; cilium_host holds 10.244.2.97.
  {
    name: 'Cilium: a Cluster NodePort to a remote pod leaves by cilium_host and takes its address',
    component: 'cilium',
    options: { ipset: true, extraInterfaces: [iface('cilium_host', '10.244.2.97', 32)] },
    conntrack: line(CLIENT, API, '10.244.3.10:8080', '10.244.2.97:20008'),
    cause: Cause.ClusterPolicyMasquerade,
    rule: {
      table: 'nat',
      chain: 'CILIUM_POST_nat',
      rule: '-A CILIUM_POST_nat ! -s 10.244.2.0/24 ! -d 10.244.2.0/24 -o cilium_host -m comment --comment "cilium host->cluster masquerade" -j SNAT --to-source 10.244.2.97',
    },
  },
  {
    name: 'Cilium: SNAT to another address than the one seen is not it; kube-proxy’s is',
    component: 'cilium',
    options: { ipset: true, extraInterfaces: [iface('cilium_host', '10.244.2.97', 32)] },
    conntrack: line(CLIENT, API, '10.244.3.10:8080', '203.0.113.12:20009'),
    cause: Cause.ClusterPolicyMasquerade,
    rule: KUBE_POSTROUTING,
  },
  {
    name: 'Cilium: an unmarked outside client to a remote pod is Cilium’s host->cluster SNAT',
    component: 'cilium',
    options: { ipset: true, extraInterfaces: [iface('cilium_host', '10.244.2.97', 32)] },
    conntrack: line(CLIENT, CHECKOUT, '10.244.3.20:8443', '10.244.2.97:20010'),
    cause: Cause.OtherSnat,
    rule: {
      table: 'nat',
      chain: 'CILIUM_POST_nat',
      rule: '-A CILIUM_POST_nat ! -s 10.244.2.0/24 ! -d 10.244.2.0/24 -o cilium_host -m comment --comment "cilium host->cluster masquerade" -j SNAT --to-source 10.244.2.97',
    },
  },
  // ip-masq-agent whose nonMasqueradeCIDRs miss the pod CIDR.
  {
    name: 'ip-masq-agent: a Local-policy flow masqueraded by the agent is OtherSnat',
    component: 'ip-masq-agent',
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', '10.244.2.1:20011'),
    cause: Cause.OtherSnat,
    rule: {
      table: 'nat',
      chain: 'IP-MASQ-AGENT',
      rule: '-A IP-MASQ-AGENT -m comment --comment "ip-masq-agent: outbound traffic is subject to MASQUERADE (must be last in chain)" -j MASQUERADE',
    },
  },
  {
    name: 'ip-masq-agent: kube-proxy’s jump comes first for the Cluster masquerade',
    component: 'ip-masq-agent',
    conntrack: line(CLIENT, API, '10.244.3.10:8080', '203.0.113.12:20012'),
    cause: Cause.ClusterPolicyMasquerade,
    rule: KUBE_POSTROUTING,
  },
  {
    name: 'ip-masq-agent: MASQUERADE cannot give an address that is not the node’s',
    component: 'ip-masq-agent',
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', '192.0.2.77:20013'),
    cause: Cause.OtherSnat,
    rule: null,
  },
  // Weave masquerades whatever enters its network from outside.
  {
    name: 'Weave: an outside client reaching a local pod is masqueraded by WEAVE',
    component: 'weave',
    options: { ipset: true },
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', '10.244.2.1:20014'),
    cause: Cause.OtherSnat,
    rule: {
      table: 'nat',
      chain: 'WEAVE',
      rule: '-A WEAVE ! -s 10.244.0.0/16 -d 10.244.0.0/16 -j MASQUERADE',
    },
  },
  // An administrator's rules.
  {
    name: 'hand-written: SNAT to the cni0 address hides Local clients',
    component: 'hand-written',
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', '10.244.2.1:20015'),
    cause: Cause.OtherSnat,
    rule: {
      table: 'nat',
      chain: 'POSTROUTING',
      rule: '-A POSTROUTING -d 10.244.2.0/24 -o cni0 -j SNAT --to-source 10.244.2.1',
    },
  },
  {
    name: 'hand-written: a pod client is excluded from the egress masquerade by `! -d 10.0.0.0/8`',
    component: 'hand-written',
    conntrack: line('10.244.1.5:40002', CHECKOUT, '10.244.2.20:8443', '10.244.2.1:20016'),
    cause: Cause.OtherSnat,
    rule: {
      table: 'nat',
      chain: 'POSTROUTING',
      rule: '-A POSTROUTING -d 10.244.2.0/24 -o cni0 -j SNAT --to-source 10.244.2.1',
    },
  },
  {
    name: 'hand-written: SNAT to another address than the one seen is not reported',
    component: 'hand-written',
    conntrack: line(CLIENT, CHECKOUT, '10.244.2.20:8443', '203.0.113.12:20017'),
    cause: Cause.OtherSnat,
    rule: null,
  },
];

void describe('snatRule: the rule that rewrote the source, per CNI', () => {
  for (const c of cases) {
    void it(c.name, async () => {
      const entry = parseConntrackLine(c.conntrack, 1, c.name);
      assert.ok(entry !== null);
      const record = (await classifierFor(c.component, c.options)).classify(entry);
      assert.ok(record !== null, 'an entry flow');
      assert.equal(record.cause, c.cause, 'cause');
      assert.deepEqual(record.snatRule ?? null, c.rule);
    });
  }
});

void describe('snatRule in IPVS mode (ipvs-node-a)', async () => {
  const file = (name: string): string => readFixture(`ipvs-node-a/${name}`);
  const model = await modelOf({
    iptables: [file('iptables-save.txt')],
    ipvs: file('ipvsadm-save.txt'),
    ipset: file('ipset-save.txt'),
    services: file('services.json'),
  });
  const { classifier } = nodeView({
    name: 'node-a',
    model,
    interfaces: parseIpAddr(readFixture('ipvs-node-a/addr.json'), 'addr.json'),
    nodeIps: [],
    podCidrs: [],
    observedAt: 0,
  });
  const classify = (text: string) => {
    const entry = parseConntrackLine(text, 1, 'case');
    assert.ok(entry !== null);
    const record = classifier.classify(entry);
    assert.ok(record !== null, 'an entry flow');
    return record;
  };

  void it('a pod reaching itself through its externalIP: the KUBE-LOOP-BACK masquerade', () => {
    const record = classify(
      line('10.244.1.30:45001', '192.0.2.100:80', '10.244.1.30:8080', '10.244.1.1:9013'),
    );
    assert.equal(record.cause, Cause.Hairpin);
    assert.deepEqual(record.snatRule, {
      table: 'nat',
      chain: 'KUBE-POSTROUTING',
      rule: '-A KUBE-POSTROUTING -m comment --comment "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose" -m set --match-set KUBE-LOOP-BACK dst,dst,src -j MASQUERADE',
    });
  });

  void it('a Cluster NodePort: the marked-traffic masquerade', () => {
    const record = classify(
      line(CLIENT, '203.0.113.11:30080', '10.244.2.10:8080', '203.0.113.11:9014'),
    );
    assert.equal(record.cause, Cause.ClusterPolicyMasquerade);
    assert.deepEqual(record.snatRule, KUBE_POSTROUTING);
  });
});

void describe('ruleTextWithoutCounters', () => {
  void it('drops iptables-save -c and iptables -S -v counters, nothing else', () => {
    assert.equal(
      ruleTextWithoutCounters('[3:154] -A KUBE-POSTROUTING -j MASQUERADE --random-fully'),
      '-A KUBE-POSTROUTING -j MASQUERADE --random-fully',
    );
    assert.equal(
      ruleTextWithoutCounters(
        '-A POSTROUTING -m comment --comment "x" -c 7 420 -j KUBE-POSTROUTING',
      ),
      '-A POSTROUTING -m comment --comment "x" -j KUBE-POSTROUTING',
    );
  });
});

void describe('SnatRuleFinder on hand-made paths', () => {
  const node = {
    addresses: new Set(['203.0.113.12', '2001:db8::12', '10.244.2.1']),
    addressInterfaces: new Map([
      ['203.0.113.12', 'eth0'],
      ['2001:db8::12', 'eth0'],
      ['10.244.2.1', 'cni0'],
    ]),
    masqueradeMark: '0x4000',
  };
  const finder = (text: string): SnatRuleFinder => {
    const { tables, errors } = parseIptablesSave(text, 'case');
    assert.deepEqual(errors, []);
    return new SnatRuleFinder(readSnatRules(tables), node);
  };
  const flow = (overrides: Partial<SnatFlow>): SnatFlow => ({
    protocol: 'tcp',
    src: '198.51.100.50',
    sport: 40000,
    dst: '10.244.2.20',
    dport: 8443,
    observed: '203.0.113.12',
    masqueradeMarked: false,
    ...overrides,
  });
  const nat = (...rules: string[]): string => ['*nat', ...rules, 'COMMIT', ''].join('\n');

  void it('MASQUERADE fits an address the node lists, or any when only some were given by hand', () => {
    const { tables } = parseIptablesSave(
      nat(':POSTROUTING ACCEPT [0:0]', '-A POSTROUTING -s 10.244.0.0/16 -j MASQUERADE'),
      'case',
    );
    const rules = readSnatRules(tables);
    const masquerade = {
      table: 'nat',
      chain: 'POSTROUTING',
      rule: '-A POSTROUTING -s 10.244.0.0/16 -j MASQUERADE',
    };
    const pod = flow({ src: '10.244.2.5', observed: '10.244.9.1' });
    // The interfaces (ip -j addr) list every address: 10.244.9.1 is not the node's.
    assert.equal(new SnatRuleFinder(rules, node).find(pod, 'first'), null);
    // Only --node-ip: the bridge's address may be missing from the list.
    const byHand = { ...node, addresses: new Set(['203.0.113.12']), addressInterfaces: new Map() };
    assert.deepEqual(new SnatRuleFinder(rules, byHand).find(pod, 'first'), masquerade);
  });

  void it('IPv6 flows are looked up in the ip6tables dump, SNAT ranges in brackets', () => {
    const v6 = finder(
      '# Generated by ip6tables-save v1.8.9 (nf_tables)\n' +
        nat(
          '-A POSTROUTING -d fd00:244::/48 -j SNAT --to-source [2001:db8::10]-[2001:db8::20]:1024-65535',
        ),
    );
    const rule =
      '-A POSTROUTING -d fd00:244::/48 -j SNAT --to-source [2001:db8::10]-[2001:db8::20]:1024-65535';
    const base = { src: '2001:db8:1::50', dst: 'fd00:244::20' };
    assert.equal(v6.find(flow({ ...base, observed: '2001:db8::15' }), 'first')?.rule, rule);
    assert.equal(v6.find(flow({ ...base, observed: '2001:db8::21' }), 'first'), null);
    assert.equal(v6.find(flow({ observed: '2001:db8::15' }), 'first'), null, 'no IPv4 table');
  });

  void it('an IPv4 SNAT range with ports, and a goto that does not come back', () => {
    const rules = finder(
      nat(
        '-A POSTROUTING -p tcp -m multiport --dports 8000:9000 -g SNAT-IT',
        '-A POSTROUTING -j MASQUERADE',
        '-A SNAT-IT -j SNAT --to-source 192.0.2.10-192.0.2.20:1024-65535',
      ),
    );
    assert.equal(rules.find(flow({ observed: '192.0.2.15' }), 'first')?.chain, 'SNAT-IT');
    // The goto surely happened and its SNAT cannot give 203.0.113.12: nothing fits.
    assert.equal(rules.find(flow({ observed: '203.0.113.12' }), 'first'), null);
    // Another port skips the goto: the MASQUERADE after it.
    assert.equal(
      rules.find(flow({ dport: 443, observed: '203.0.113.12' }), 'first')?.rule,
      '-A POSTROUTING -j MASQUERADE',
    );
  });

  void it('a possible RETURN before a rule makes it uncertain: kube-proxy’s causes prefer a sure one', () => {
    const rules = finder(
      nat(
        '-A POSTROUTING -j CNI',
        '-A POSTROUTING -j KUBE-POSTROUTING',
        '-A CNI -m mark --mark 0x1/0x1 -j RETURN',
        '-A CNI -j MASQUERADE',
        '-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN',
        '-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000',
        '-A KUBE-POSTROUTING -j MASQUERADE',
      ),
    );
    // The CNI's MASQUERADE may have been skipped (unknown mark 0x1): for OtherSnat it is still the
    // first rule that fits; for a kube-proxy cause KUBE-POSTROUTING's, which surely matched, wins.
    assert.equal(rules.find(flow({}), 'first')?.chain, 'CNI');
    assert.equal(
      rules.find(flow({ masqueradeMarked: true }), 'definite')?.chain,
      'KUBE-POSTROUTING',
    );
  });
});
