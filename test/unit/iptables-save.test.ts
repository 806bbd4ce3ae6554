// Parser tests: every rendering of FORMATS.md §1.1, the error catalogue, and fuzzing.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { buildIptablesModel } from '../../agent/model/kube-proxy-iptables.js';
import {
  IptablesParseError,
  parseIptablesSave,
  type IptablesParseOptions,
  type IptablesRule,
} from '../../agent/sources/iptables-save.js';
import { fixturePath, readFixture } from '../support/golden.js';

/** Parses a one-table dump around `line` and returns its only rule. */
function parseOneRule(line: string, table = 'nat'): IptablesRule {
  const { tables, errors } = parseIptablesSave(`*${table}\n${line}\nCOMMIT\n`, 'case');
  assert.deepEqual(errors, []);
  const rule = tables[0]?.rules[0];
  assert.ok(rule, 'one rule parsed');
  return rule;
}

void describe('parseIptablesSave: one rule in each rendering', () => {
  const cases: {
    name: string;
    line: string;
    expect: Partial<IptablesRule>;
  }[] = [
    {
      name: 'kube-proxy restore input: bare comment, no /32',
      line: '-A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ',
      expect: {
        chain: 'KUBE-SEP-SXIVWICOYRO3J4NJ',
        comment: 'ns1/svc1:p80',
        source: '10.180.0.1',
        target: 'KUBE-MARK-MASQ',
        targetArgs: [],
        counters: null,
        tokens: [
          '-m',
          'comment',
          '--comment',
          'ns1/svc1:p80',
          '-s',
          '10.180.0.1',
          '-j',
          'KUBE-MARK-MASQ',
        ],
      },
    },
    {
      name: 'kube-proxy restore input: quoted comment, protocol, dport',
      line: '-A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O',
      expect: {
        comment: 'ns1/svc1:p80 cluster IP',
        protocol: 'tcp',
        destination: '172.30.0.41',
        dport: 80,
        target: 'KUBE-SVC-XPGD46QRK7WJZT7O',
      },
    },
    {
      name: 'iptables-save: /32 stripped, CIDR kept, negated source',
      line: '-A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.0.0.0/8 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ',
      expect: {
        source: null,
        notSource: '10.0.0.0/8',
        destination: '172.30.0.41',
        protocol: 'tcp',
        dport: 80,
        comment: 'ns1/svc1:p80 cluster IP',
      },
    },
    {
      name: 'iptables-save: --set-xmark target arguments',
      line: '-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000',
      expect: { target: 'MARK', targetArgs: ['--set-xmark', '0x4000/0x4000'] },
    },
    {
      name: 'iptables-save -c: [packets:bytes] prefix',
      line: '[2:120] -A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 3001 -j DROP',
      expect: {
        counters: { packets: 2, bytes: 120 },
        dstType: 'LOCAL',
        dport: 3001,
        target: 'DROP',
        comment: 'ns2/svc2:p80 has no local endpoints',
      },
    },
    {
      name: 'iptables -S -v: inline -c removed from tokens',
      line: '-A KUBE-EXT-XPGD46QRK7WJZT7O -c 5 300 -j KUBE-SVL-XPGD46QRK7WJZT7O',
      expect: {
        counters: { packets: 5, bytes: 300 },
        tokens: ['-j', 'KUBE-SVL-XPGD46QRK7WJZT7O'],
        target: 'KUBE-SVL-XPGD46QRK7WJZT7O',
      },
    },
    {
      name: 'ip6tables: /128 stripped, bracketed DNAT destination',
      line: '-A KUBE-SEP-LIGRYQQLSZN4UWQ5 -s ff06::c1/128 -p tcp -m tcp -j DNAT --to-destination [ff06::c1]:80',
      expect: { source: 'ff06::c1', toDestination: '[ff06::c1]:80', target: 'DNAT' },
    },
    {
      name: 'ip6tables: negated localhost in the nodeports jump',
      line: '-A KUBE-SERVICES -m addrtype --dst-type LOCAL ! -d ::1/128 -j KUBE-NODEPORTS',
      expect: { dstType: 'LOCAL', notDestination: '::1', destination: null },
    },
    {
      name: 'nfacct with two spaces before the name (iptables-save quirk)',
      line: '-A KUBE-NODEPORTS -d 127.0.0.0/8 -p tcp -m comment --comment "ns2/svc2:p80" -m tcp --dport 3001 -m nfacct --nfacct-name  localhost_nps_accepted_pkts -j KUBE-EXT-GNZBNJ2PO5MGZ6GT',
      expect: {
        destination: '127.0.0.0/8',
        dport: 3001,
        comment: 'ns2/svc2:p80',
        target: 'KUBE-EXT-GNZBNJ2PO5MGZ6GT',
      },
    },
    {
      name: 'addrtype source types, both polarities',
      line: '-A X -m addrtype --src-type LOCAL -m addrtype ! --src-type LOCAL -j RETURN',
      expect: { srcType: 'LOCAL', notSrcType: 'LOCAL' },
    },
    {
      name: 'interfaces and goto',
      line: '-A KUBE-EXT-H ! -i azv+ -i eth0 -g KUBE-SVC-H',
      expect: { notInInterface: 'azv+', inInterface: 'eth0', target: 'KUBE-SVC-H', goto: true },
    },
    {
      name: 'old intrapositioned negation (-s ! CIDR)',
      line: '-A KUBE-SERVICES -s ! 10.0.0.0/24 -j KUBE-MARK-MASQ',
      expect: { notSource: '10.0.0.0/24', source: null },
    },
    {
      name: 'escaped quote and backslash inside a quoted comment',
      line: String.raw`-A X -m comment --comment "say \"hi\" \\ now" -j ACCEPT`,
      expect: { comment: 'say "hi" \\ now', target: 'ACCEPT' },
    },
    {
      name: 'quoted value that looks like an option stays a value',
      line: '-A X -m comment --comment "-j DROP" -j ACCEPT',
      expect: { comment: '-j DROP', target: 'ACCEPT' },
    },
    {
      name: 'rule without a target (KUBE-FW "other traffic" counter rule)',
      line: '-A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"',
      expect: { target: null, targetArgs: [] },
    },
    {
      name: 'unknown options and port ranges are kept, never fatal',
      line: '-A X -m frobnicate --wibble 1 2 --flag -p udp -m multiport --dports 80,443 --dport 1000:2000 -j ACCEPT',
      expect: {
        protocol: 'udp',
        dport: null,
        tokens: [
          '-m',
          'frobnicate',
          '--wibble',
          '1',
          '2',
          '--flag',
          '-p',
          'udp',
          '-m',
          'multiport',
          '--dports',
          '80,443',
          '--dport',
          '1000:2000',
          '-j',
          'ACCEPT',
        ],
      },
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const rule = parseOneRule(c.line);
      for (const [field, value] of Object.entries(c.expect)) {
        assert.deepEqual(rule[field as keyof IptablesRule], value, field);
      }
      assert.equal(rule.text, c.line);
      assert.equal(rule.lineNumber, 2);
      assert.equal(rule.table, 'nat');
    });
  }
});

void describe('parseIptablesSave: tables and chains', () => {
  void it('reads chain policies and counters from :CHAIN lines', () => {
    const { tables, errors } = parseIptablesSave(
      '*nat\n:PREROUTING ACCEPT [12:720]\n:KUBE-SERVICES - [0:0]\n:BARE\nCOMMIT\n',
      'case',
    );
    assert.deepEqual(errors, []);
    assert.deepEqual(tables[0]?.chains, [
      { name: 'PREROUTING', policy: 'ACCEPT', counters: { packets: 12, bytes: 720 } },
      { name: 'KUBE-SERVICES', policy: null, counters: { packets: 0, bytes: 0 } },
      { name: 'BARE', policy: null, counters: null },
    ]);
  });

  void it('reads iptables -S -v (-P with counters, -N) into the defaultTable', () => {
    const text =
      '-P PREROUTING ACCEPT -c 3 180\n-N KUBE-SERVICES\n-A PREROUTING -c 1 60 -j KUBE-SERVICES\n';
    const { tables, errors } = parseIptablesSave(text, 'case', { defaultTable: 'nat' });
    assert.deepEqual(errors, []);
    assert.equal(tables.length, 1);
    const [nat] = tables;
    assert.ok(nat);
    assert.equal(nat.name, 'nat');
    assert.deepEqual(nat.chains, [
      { name: 'PREROUTING', policy: 'ACCEPT', counters: { packets: 3, bytes: 180 } },
      { name: 'KUBE-SERVICES', policy: null, counters: null },
    ]);
    assert.deepEqual(nat.rules[0]?.counters, { packets: 1, bytes: 60 });
  });

  void it('keeps two tables of the same name apart (IPv4 and IPv6 dumps concatenated)', () => {
    const text = [
      '# Generated by iptables-save v1.8.9 (nf_tables) on Sat Nov 28 15:01:25 2026',
      '*nat',
      'COMMIT',
      '# Generated by ip6tables-save v1.8.9 (nf_tables) on Sat Nov 28 15:01:25 2026',
      '*nat',
      'COMMIT',
    ].join('\n');
    const { tables, errors } = parseIptablesSave(text, 'case');
    assert.deepEqual(errors, []);
    assert.deepEqual(
      tables.map((t) => [t.name, t.family]),
      [
        ['nat', 'ipv4'],
        ['nat', 'ipv6'],
      ],
    );
  });

  void it('infers the family from addresses when there is no header comment', () => {
    const { tables } = parseIptablesSave(
      '*nat\n-A A -j B\n-A X -d fd00::1/128 -j Y\nCOMMIT\n*nat\n-A X -j DNAT --to-destination 10.0.0.1:80\nCOMMIT\n*filter\n-A X -j DROP\nCOMMIT\n',
      'case',
    );
    assert.deepEqual(
      tables.map((t) => t.family),
      ['ipv6', 'ipv4', null],
    );
  });

  void it('skips blank lines, comments and CRLF line ends', () => {
    const { tables, errors } = parseIptablesSave(
      '# hello\r\n\r\n*filter\r\n-A X -j DROP\r\nCOMMIT\r\n',
      'case',
    );
    assert.deepEqual(errors, []);
    const rule = tables[0]?.rules[0];
    assert.ok(rule);
    assert.equal(rule.text, '-A X -j DROP');
    assert.equal(rule.lineNumber, 4);
  });
});

void describe('parseIptablesSave: malformed lines become errors and parsing goes on', () => {
  const cases: {
    name: string;
    text: string;
    options?: IptablesParseOptions;
    line: number;
    reason: string | RegExp;
  }[] = [
    {
      name: 'unbalanced quote',
      text: '*nat\n-A X -m comment --comment "ns1/svc1:p80 -j Y\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'unbalanced quote',
    },
    {
      name: 'rule outside any table without defaultTable',
      text: '-A X -j Y\n*nat\n-A OK -j Z\nCOMMIT\n',
      line: 1,
      reason: /outside any \*table block/,
    },
    {
      name: 'bad [packets:bytes] prefix',
      text: '*nat\n[1:x] -A X -j Y\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'bad counters',
    },
    {
      name: 'inline -c with one number',
      text: '*nat\n-A X -c 1 -j Y\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'bad counters',
    },
    {
      name: 'counters given twice',
      text: '*nat\n[1:2] -A X -c 1 2 -j Y\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'counters given twice',
    },
    {
      name: 'bad chain counters',
      text: '*nat\n:X - [1:2:3]\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'bad chain counters',
    },
    {
      name: 'unknown line kind',
      text: '*nat\n-I X 1 -j Y\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'unknown line kind',
    },
    {
      name: 'COMMIT without a table',
      text: 'COMMIT\n*nat\n-A OK -j Z\nCOMMIT\n',
      line: 1,
      reason: 'COMMIT without a table',
    },
    {
      name: 'table without COMMIT at the end of input (reported at its header)',
      text: '*nat\n-A OK -j Z\n',
      line: 1,
      reason: 'table has no COMMIT',
    },
    {
      name: 'new table header before COMMIT',
      text: '*filter\n*nat\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'table "filter" has no COMMIT before this header',
    },
    {
      name: 'rule without a chain',
      text: '*nat\n-A\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'rule without a chain',
    },
    {
      name: 'jump without a target',
      text: '*nat\n-A X -j\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: '-j without a target',
    },
    {
      name: 'known option without its value (truncated line)',
      text: '*nat\n-A X -p tcp -d\n-A OK -j Z\nCOMMIT\n',
      line: 2,
      reason: 'option -d without a value',
    },
    {
      name: 'empty table header',
      text: '*\n*nat\n-A OK -j Z\nCOMMIT\n',
      line: 1,
      reason: 'bad table header',
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const { tables, errors } = parseIptablesSave(c.text, 'dump.txt', c.options);
      assert.equal(errors.length, 1, errors.map((e) => e.message).join('\n'));
      const error = errors[0];
      assert.ok(error instanceof IptablesParseError);
      assert.ok(error instanceof Error);
      assert.equal(error.source, 'dump.txt');
      assert.equal(error.lineNumber, c.line);
      assert.equal(error.text, c.text.split('\n')[c.line - 1]);
      if (typeof c.reason === 'string') assert.equal(error.reason, c.reason);
      else assert.match(error.reason, c.reason);
      assert.equal(error.message, `dump.txt:${c.line}: ${error.reason}: "${error.text}"`);
      const chains = tables.flatMap((t) => t.rules.map((r) => r.chain));
      assert.ok(chains.includes('OK'), 'the next rule is still parsed');
    });
  }
});

/** Every iptables-save-format fixture, with the options it needs and its table shape. */
const SAVE_FORMAT_FIXTURES: {
  name: string;
  options?: IptablesParseOptions;
  tables: string[];
}[] = [
  { name: 'iptables-1.28era-externalip-cluster-policy.txt', tables: ['filter/4', 'nat/16'] },
  { name: 'iptables-1.28era-lb-local-with-local-endpoint-svl.txt', tables: ['filter/5', 'nat/21'] },
  { name: 'iptables-1.28era-nodeport-local-ipv6.txt', tables: ['filter/3', 'nat/17'] },
  {
    name: 'iptables-1.28era-nodeport-local-no-localdetector-ipv4.txt',
    tables: ['filter/4', 'nat/17'],
  },
  {
    name: 'iptables-1.28era-overall-lb-local-nodeport-cluster.txt',
    tables: ['filter/10', 'nat/51'],
  },
  {
    name: 'iptables-k8s-master-overall-lb-local-nodeport-cluster.txt',
    tables: ['filter/10', 'nat/55'],
  },
  {
    name: 'iptables-pre1.21-clusterip-endpointslice-old-format.txt',
    tables: ['filter/4', 'nat/16'],
  },
  {
    name: 'generated-iptables-nat-S-v-counters.txt',
    options: { defaultTable: 'nat' },
    tables: ['nat/24'],
  },
  { name: 'generated-iptables-nft-save-c-nodeport-local-svl.txt', tables: ['filter/16', 'nat/24'] },
  {
    name: 'generated-iptables-nft-save-c-overall-cluster-and-local-drop.txt',
    tables: ['filter/21', 'nat/54'],
  },
  { name: 'generated-iptables-nft-save-nodeport-local-svl.txt', tables: ['filter/16', 'nat/24'] },
  { name: 'lab-n1-iptables-save-c.txt', tables: ['filter/21', 'nat/61'] },
  { name: 'lab-n2-iptables-save-c.txt', tables: ['filter/19', 'nat/63'] },
  { name: 'lab-n3-iptables-save-c.txt', tables: ['filter/19', 'nat/63'] },
];

/** Fixtures from the iptables family that are not dump syntax: the parser must only report. */
const NOT_SAVE_FORMAT_FIXTURES: { name: string; why: string }[] = [
  {
    name: 'generated-iptables-filter-L-n-v-local-no-endpoints-drop.txt',
    why: 'iptables -L -n -v is a human table',
  },
  {
    name: 'generated-nft-list-ruleset-of-iptables-nft-backend.txt',
    why: 'nft list ruleset syntax, not iptables-save',
  },
  {
    name: 'ipvs-k8s-readme-iptables-nat-nL-loadbalancer.txt',
    why: 'iptables -nL listing from the IPVS README',
  },
  {
    name: 'ipvs-k8s-readme-iptables-nat-nL-nodeport-local.txt',
    why: 'iptables -nL listing from the IPVS README',
  },
];

void describe('parseIptablesSave: fixtures', () => {
  void it('classifies every iptables-family fixture', () => {
    const present = readdirSync(dirname(fixturePath('SOURCES.md')))
      .filter((name) => /iptables|nft-list-ruleset/.test(name))
      .sort();
    const known = [...SAVE_FORMAT_FIXTURES, ...NOT_SAVE_FORMAT_FIXTURES].map((f) => f.name).sort();
    assert.deepEqual(present, known);
  });

  for (const fixture of SAVE_FORMAT_FIXTURES) {
    void it(`parses ${fixture.name} without errors`, () => {
      const text = readFixture(fixture.name);
      const { tables, errors } = parseIptablesSave(text, fixture.name, fixture.options);
      assert.deepEqual(
        errors.map((e) => e.message),
        [],
      );
      assert.deepEqual(
        tables.map((t) => `${t.name}/${t.rules.length}`),
        fixture.tables,
      );
      const ruleLines = text.split('\n').filter((l) => /^(\[\d+:\d+\] )?-A /.test(l));
      assert.deepEqual(
        tables.flatMap((t) => t.rules.map((r) => r.text)),
        ruleLines,
      );
    });
  }

  for (const fixture of NOT_SAVE_FORMAT_FIXTURES) {
    void it(`reports ${fixture.name} as errors without throwing (${fixture.why})`, () => {
      const text = readFixture(fixture.name);
      const lines = text.split('\n');
      const { tables, errors } = parseIptablesSave(text, fixture.name);
      assert.deepEqual(tables, []);
      assert.equal(errors.length, lines.filter((l) => l.trim() !== '').length);
      for (const error of errors) {
        assert.ok(error instanceof IptablesParseError);
        assert.equal(error.text, lines[error.lineNumber - 1]);
        assert.ok(error.message.startsWith(`${fixture.name}:${error.lineNumber}: `));
      }
    });
  }

  void it('parses the same rules identically in restore and iptables-save form', () => {
    const restore = parseIptablesSave(
      readFixture('iptables-1.28era-lb-local-with-local-endpoint-svl.txt'),
      'restore',
    );
    const saved = parseIptablesSave(
      readFixture('generated-iptables-nft-save-nodeport-local-svl.txt'),
      'save',
    );
    const comparable = (r: IptablesRule): string =>
      JSON.stringify([
        r.table,
        r.chain,
        r.comment,
        r.source,
        r.notSource,
        r.destination,
        r.protocol,
        r.dport,
        r.srcType,
        r.dstType,
        r.target,
        r.toDestination,
      ]);
    const restoreRules = new Set(restore.tables.flatMap((t) => t.rules.map(comparable)));
    const savedRules = new Set(saved.tables.flatMap((t) => t.rules.map(comparable)));
    // iptables-save adds the top-level jump rules kube-proxy keeps outside its restore input.
    for (const rule of restoreRules) assert.ok(savedRules.has(rule), rule);
  });
});

void describe('parseIptablesSave: robustness', () => {
  const fixtureLines = SAVE_FORMAT_FIXTURES.flatMap((f) => readFixture(f.name).split('\n'));

  /** Invariants that hold for any input. */
  function checkInvariants(text: string): void {
    const lines = text.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
    const result = parseIptablesSave(text, 'fuzz');
    for (const error of result.errors) {
      assert.ok(error instanceof IptablesParseError);
      assert.ok(error.lineNumber >= 1 && error.lineNumber <= lines.length, error.message);
      assert.equal(error.text, lines[error.lineNumber - 1]);
    }
    for (const rule of result.tables.flatMap((t) => t.rules)) {
      assert.equal(rule.text, lines[rule.lineNumber - 1]);
    }
    buildIptablesModel(result.tables);
  }

  const mutation = fc.oneof(
    fc.constant((line: string) => line.replace('"', '')),
    fc.nat().map((n) => (line: string) => line.slice(0, n % (line.length + 1))),
    fc.string().map((junk) => (line: string) => `[${junk}] ${line}`),
    fc.string().map((junk) => (line: string) => line.replace(' -j ', ` -c ${junk} -j `)),
    fc.string().map((junk) => (line: string) => `${line} ${junk}`),
    fc.constant((line: string) => line.replace('*', '')),
    fc.constant((line: string) => line.replace('COMMIT', '')),
  );

  void it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 400 }), checkInvariants), {
      numRuns: 500,
    });
  });

  void it('never throws on fixture lines with random mutations', () => {
    const mutatedDump = fc
      .array(fc.tuple(fc.constantFrom(...fixtureLines), fc.option(mutation, { nil: undefined })), {
        maxLength: 60,
      })
      .map((lines) => lines.map(([line, mutate]) => (mutate ? mutate(line) : line)).join('\n'));
    fc.assert(fc.property(mutatedDump, checkInvariants), { numRuns: 500 });
  });

  void it('stays linear on a 50k-rule dump and on pathological lines', () => {
    const rules: string[] = ['*nat'];
    for (let i = 0; i < 50_000; i++) {
      rules.push(
        `[${i}:${i * 60}] -A KUBE-SVC-${i} -m comment --comment "ns/svc${i}:p -> 10.0.${i % 250}.1:80" -m statistic --mode random --probability 0.5 -j KUBE-SEP-${i}`,
      );
    }
    rules.push('COMMIT', `-A ${'"\\'.repeat(50_000)}`, `-A X ${'! '.repeat(50_000)}`);
    const start = performance.now();
    const { tables, errors } = parseIptablesSave(rules.join('\n'), 'big', {
      defaultTable: 'nat',
    });
    const elapsed = performance.now() - start;
    assert.equal(tables[0]?.rules.length, 50_000);
    assert.equal(errors.length, 1);
    assert.ok(elapsed < 5000, `took ${elapsed} ms`);
  });
});
