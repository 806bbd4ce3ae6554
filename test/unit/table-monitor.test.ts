// The change-stream readers on real `nft monitor` and `ip -o monitor address route` output,
// captured in a private netns while kube-proxy-format rules were loaded (test/fixtures/SOURCES.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseIpMonitorLine,
  parseNftMonitorLine,
  type TableEvent,
} from '../../agent/sources/table-monitor.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

function readStream(fixture: string, parse: (line: string) => TableEvent): unknown[] {
  return readFixture(fixture)
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => ({ line, event: parse(line) }));
}

describe('nft monitor lines', () => {
  it('iptables-nft-restore (full, then --noflush) and nft -f: golden', () => {
    const events = readStream(
      'generated-nft-monitor-kube-proxy-rule-loads.txt',
      parseNftMonitorLine,
    );
    assertGolden('table-monitor/nft-monitor.jsonl', toJsonLines(events));
  });

  const cases: { name: string; line: string; event: TableEvent }[] = [
    {
      name: 'a rule iptables-nft added to nat',
      line: 'add rule ip nat KUBE-NODEPORTS meta l4proto tcp  tcp dport 31999 counter packets 0 bytes 0 jump KUBE-SVC-ZZZZZZZZZZZZZZZZ',
      event: { kind: 'change', what: 'nft rule ip nat' },
    },
    {
      name: 'a map element of kube-proxy nftables mode',
      line: 'add element ip kube-proxy nodeport-ips { 203.0.113.99 }',
      event: { kind: 'change', what: 'nft element ip kube-proxy' },
    },
    {
      name: 'the end of a commit',
      line: '# new generation 7 by process 17368 (nft)',
      event: { kind: 'generation', generation: 7, process: 'nft' },
    },
    {
      name: 'a table the agent does not read',
      line: 'add rule inet firewalld filter_INPUT accept',
      event: { kind: 'ignored' },
    },
    {
      name: 'mangle (iptables-nft)',
      line: 'create chain ip mangle KUBE-PROXY-CANARY',
      event: { kind: 'ignored' },
    },
    {
      name: 'lost events',
      line: '# ERROR: We lost some netlink events!',
      event: { kind: 'lost' },
    },
    {
      name: 'an unknown line counts as a change',
      line: 'something new in nft 1.1',
      event: { kind: 'change', what: 'nft: something new in nft 1.1' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(parseNftMonitorLine(c.line), c.event);
    });
  }
});

describe('ip monitor lines', () => {
  it('address and route changes on a veth: golden', () => {
    const events = [
      ...readStream('generated-ip-o-monitor-address-route.txt', parseIpMonitorLine),
      ...readStream('generated-ip-o-monitor-veth-up.txt', parseIpMonitorLine),
    ];
    assertGolden('table-monitor/ip-monitor.jsonl', toJsonLines(events));
  });

  it('a NodePort address added, a pod route removed; link-local and table local ignored', () => {
    const kinds = (text: string): string[] =>
      text
        .split('\n')
        .filter(Boolean)
        .map((line) => parseIpMonitorLine(line).kind);
    assert.deepEqual(
      kinds(
        [
          '3: d0    inet 203.0.113.50/32 scope global d0\\       valid_lft forever preferred_lft forever',
          'Deleted 10.42.2.0/24 via 203.0.113.12 dev d0 linkdown ',
          '4: v1    inet6 fe80::6821:feff:fe47:90ab/64 scope link \\       valid_lft forever preferred_lft forever',
          'local 203.0.113.50 dev d0 table local proto kernel scope host src 203.0.113.50 ',
          'fe80::/64 dev v1 proto kernel metric 256 pref medium',
        ].join('\n'),
      ),
      ['change', 'change', 'ignored', 'ignored', 'ignored'],
    );
  });
});
