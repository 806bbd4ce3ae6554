// conntrack-tools parser: golden files for every captured dump, named cases for the facts the
// classifier relies on, and properties (no crash on any input, format → parse round trip).
import assert from 'node:assert/strict';
import { Buffer, isAscii } from 'node:buffer';
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import ipaddr from 'ipaddr.js';
import {
  ConntrackParseError,
  parseConntrack,
  parseConntrackBytes,
  parseConntrackLine,
  type ConntrackEntry,
  type ConntrackTuple,
} from '../../agent/sources/conntrack.js';
import {
  formatConntrackEntry,
  GEN_NODE_PORTS,
  GEN_NODES,
  GEN_SERVICES,
  generateConntrackDump,
} from '../../bench/conntrack-gen.js';
import { ByteLineSplitter } from '../../agent/sources/read-lines.js';
import type { LineParseError } from '../../agent/sources/line-error.js';
import { assertGolden, fixturePath, readFixture, toJsonLines } from '../support/golden.js';

const GOLDEN_FIXTURES = [
  'generated-conntrack-E-extended-id.txt',
  'generated-conntrack-E-timestamp-destroy-userspace.txt',
  'generated-conntrack-E-timestamp-extended-nodeport-cluster-snat.txt',
  'generated-conntrack-E-timestamp-nftables-mode.txt',
  'generated-conntrack-E-timestamp-nodeport-local.txt',
  'generated-conntrack-L-default-nodeport-local-no-snat.txt',
  'generated-conntrack-L-extended-id-ktimestamp-acct.txt',
  'generated-conntrack-L-extended-injected-dnat-snat-zone-mark-unreplied.txt',
  'generated-conntrack-L-extended-nftables-mode-fully-random-snat.txt',
  'generated-conntrack-L-extended-nodeport-cluster-snat.txt',
  'generated-conntrack-L-f-ipv6-extended.txt',
  'generated-conntrack-L-p-icmp-stdout-and-stderr.txt',
  // Not entries: `-o save` (iptables-like options) and `-S` (per-CPU statistics). Their goldens
  // record one error per line, which is what a reader fed the wrong dump should report.
  'generated-conntrack-L-save.txt',
  'generated-conntrack-S.txt',
  'generated-proc-net-nf_conntrack.txt',
];
const STDERR_FIXTURES = [
  'generated-conntrack-E-summary-line.stderr.txt',
  'generated-conntrack-L-summary-line.stderr.txt',
];

function errorRecord(error: ConntrackParseError): object {
  const { source, lineNumber, reason, text } = error;
  return { error: { source, lineNumber, reason, text } };
}

/** Parses line `lineNumber` (1-based) of a fixture on its own. */
function fixtureEntry(name: string, lineNumber: number): ConntrackEntry {
  const line = readFixture(name).split('\n')[lineNumber - 1];
  assert.ok(line !== undefined, `${name} has no line ${lineNumber}`);
  const entry = parseConntrackLine(line, lineNumber, name);
  assert.ok(entry !== null, `${name}:${lineNumber} is not an entry`);
  return entry;
}

function parseOne(line: string): ConntrackEntry {
  const entry = parseConntrackLine(line, 1, 'test');
  assert.ok(entry !== null, `not an entry: ${line}`);
  return entry;
}

function tuple(src: string, dst: string, sport: number, dport: number): ConntrackTuple {
  return { src, dst, sport, dport };
}

describe('conntrack golden files', () => {
  test('every generated conntrack fixture is covered', () => {
    const all = readdirSync(dirname(fixturePath('x'))).filter(
      (name) => /^generated-(conntrack|proc-net-nf_conntrack)/.test(name) && !name.endsWith('.xml'),
    );
    assert.deepEqual(all.sort(), [...GOLDEN_FIXTURES, ...STDERR_FIXTURES].sort());
  });

  for (const name of GOLDEN_FIXTURES) {
    test(name, () => {
      const { entries, errors } = parseConntrack(readFixture(name), name);
      const records = [...entries, ...errors.map(errorRecord)];
      assertGolden(`conntrack/${name.replace(/\.txt$/, '.jsonl')}`, toJsonLines(records));
    });
  }

  for (const name of STDERR_FIXTURES) {
    test(`${name}: the summary line is neither an entry nor an error`, () => {
      assert.deepEqual(parseConntrack(readFixture(name), name), { entries: [], errors: [] });
    });
  }

  test('-S statistics and -o save lines are errors, one per line', () => {
    for (const name of ['generated-conntrack-S.txt', 'generated-conntrack-L-save.txt']) {
      const text = readFixture(name);
      const { entries, errors } = parseConntrack(text, name);
      assert.equal(entries.length, 0);
      assert.equal(errors.length, text.trimEnd().split('\n').length);
    }
  });
});

describe('conntrack facts from captured output', () => {
  const cases: { name: string; run: () => void }[] = [
    {
      name: 'NodePort, Cluster policy: reply dst is the node IP, not the client (SNAT)',
      run: () => {
        const entry = fixtureEntry('generated-conntrack-L-extended-nodeport-cluster-snat.txt', 2);
        assert.deepEqual(entry.original, tuple('192.168.0.100', '192.168.0.2', 49020, 3003));
        assert.deepEqual(entry.reply, tuple('10.180.0.3', '192.168.0.2', 80, 49020));
        assert.notEqual(entry.reply.dst, entry.original.src);
        assert.equal(entry.family, 'ipv4');
        assert.equal(entry.state, 'TIME_WAIT');
        assert.equal(entry.timeout, 114);
        assert.deepEqual(entry.originalCounters, { packets: 6, bytes: 400 });
        assert.deepEqual(entry.replyCounters, { packets: 4, bytes: 279 });
        assert.equal(entry.deltaTime, 5);
      },
    },
    {
      name: 'NodePort, Local policy (default -L, no l3 prefix): reply dst is the client',
      run: () => {
        const entry = fixtureEntry('generated-conntrack-L-default-nodeport-local-no-snat.txt', 7);
        assert.deepEqual(entry.original, tuple('192.168.0.100', '192.168.0.2', 55320, 3001));
        assert.deepEqual(entry.reply, tuple('10.180.2.1', '192.168.0.100', 80, 55320));
        assert.equal(entry.family, 'ipv4');
        assert.equal(entry.id, null);
      },
    },
    {
      name: 'nftables fully-random masquerade changes the reply port too',
      run: () => {
        const file = 'generated-conntrack-L-extended-nftables-mode-fully-random-snat.txt';
        const entry = fixtureEntry(file, 2);
        assert.equal(entry.original.sport, 51668);
        assert.equal(entry.reply.dport, 9161);
        assert.equal(entry.reply.dst, '192.168.0.2');
      },
    },
    {
      name: 'injected entries: mark=16384, zone=7, and [UNREPLIED] with a full reply tuple',
      run: () => {
        const file = 'generated-conntrack-L-extended-injected-dnat-snat-zone-mark-unreplied.txt';
        const udp = fixtureEntry(file, 1);
        assert.equal(udp.protocol, 'udp');
        assert.equal(udp.mark, 16384);
        assert.equal(udp.zone, 0);
        assert.equal(udp.assured, true);
        const zoned = fixtureEntry(file, 2);
        assert.equal(zoned.zone, 7);
        assert.equal(zoned.mark, 0);
        assert.equal(zoned.state, 'ESTABLISHED');
        const unreplied = fixtureEntry(file, 3);
        assert.equal(unreplied.unreplied, true);
        assert.equal(unreplied.assured, false);
        assert.equal(unreplied.state, 'SYN_SENT');
        assert.deepEqual(unreplied.reply, tuple('10.180.0.3', '203.0.113.9', 8080, 40002));
        // Counters before [UNREPLIED] belong to the original direction.
        assert.deepEqual(unreplied.originalCounters, { packets: 0, bytes: 0 });
      },
    },
    {
      name: 'ktimestamp [start=…] (with spaces) before use= and id=',
      run: () => {
        const entry = fixtureEntry('generated-conntrack-L-extended-id-ktimestamp-acct.txt', 1);
        assert.equal(entry.id, 145080799);
        assert.equal(entry.deltaTime, 4);
        assert.equal(entry.assured, true);
        assert.deepEqual(entry.original, tuple('10.180.2.1', '172.30.0.41', 54298, 80));
        const largeId = fixtureEntry('generated-conntrack-L-extended-id-ktimestamp-acct.txt', 3);
        assert.equal(largeId.id, 3601464300); // above 2^31
      },
    },
    {
      name: 'IPv6 with -o extended',
      run: () => {
        const entry = fixtureEntry('generated-conntrack-L-f-ipv6-extended.txt', 1);
        assert.equal(entry.family, 'ipv6');
        assert.deepEqual(
          entry.original,
          tuple('2001:db8:0:1::100', '2001:db8:0:1::2', 51874, 8080),
        );
        assert.deepEqual(entry.reply, tuple('2001:db8:0:1::2', '2001:db8:0:1::100', 8080, 51874));
      },
    },
    {
      name: 'IPv6 in the default format takes its family from the address',
      run: () => {
        const entry = fixtureEntry('generated-conntrack-L-default-nodeport-local-no-snat.txt', 3);
        assert.equal(entry.family, 'ipv6');
        assert.equal(entry.original.src, '2001:db8:0:1::100');
      },
    },
    {
      name: '/proc expanded IPv6 is normalised to the tool form',
      run: () => {
        const proc = fixtureEntry('generated-proc-net-nf_conntrack.txt', 3);
        const tool = fixtureEntry('generated-conntrack-L-f-ipv6-extended.txt', 1);
        assert.deepEqual(proc.original, tool.original);
        assert.deepEqual(proc.reply, tool.reply);
        const procIcmp = fixtureEntry('generated-proc-net-nf_conntrack.txt', 4);
        const toolIcmp = fixtureEntry('generated-conntrack-L-f-ipv6-extended.txt', 2);
        assert.deepEqual(procIcmp.original, toolIcmp.original);
        assert.deepEqual(procIcmp.originalIcmp, toolIcmp.originalIcmp);
      },
    },
    {
      name: '/proc always prints zone=0',
      run: () => {
        const entry = fixtureEntry('generated-proc-net-nf_conntrack.txt', 1);
        assert.equal(entry.zone, 0);
        assert.equal(entry.family, 'ipv4');
      },
    },
    {
      name: 'DESTROY event with counters and a [USERSPACE] portid= suffix',
      run: () => {
        const file = 'generated-conntrack-E-timestamp-destroy-userspace.txt';
        const destroy = fixtureEntry(file, 4);
        assert.equal(destroy.event, 'DESTROY');
        assert.equal(destroy.eventTime, 1795878228.186415);
        assert.deepEqual(destroy.originalCounters, { packets: 0, bytes: 0 });
        assert.equal(destroy.mark, 16384);
        assert.equal(destroy.deltaTime, 0);
        const withProgname = fixtureEntry(file, 1);
        assert.equal(withProgname.event, 'NEW');
        assert.equal(withProgname.mark, 16384);
        assert.equal(withProgname.originalCounters, null);
        const zoned = fixtureEntry(file, 5);
        assert.equal(zoned.zone, 7);
      },
    },
    {
      name: 'DESTROY event of an entry in CLOSE carries no timeout (captured on the lab kernel)',
      run: () => {
        const file = 'lab-conntrack-E-destroy-close.txt';
        for (const line of [1, 2]) {
          const destroy = fixtureEntry(file, line);
          assert.equal(destroy.event, 'DESTROY');
          assert.equal(destroy.timeout, 0);
          assert.equal(destroy.state, 'CLOSE');
          assert.equal(destroy.original.dport, 30080);
          assert.equal(destroy.deltaTime, 10);
          assert.ok(destroy.id !== null);
        }
      },
    },
    {
      name: '-o timestamp prefix gives the event time in seconds',
      run: () => {
        const file = 'generated-conntrack-E-timestamp-extended-nodeport-cluster-snat.txt';
        const entry = fixtureEntry(file, 1);
        assert.equal(entry.eventTime, 1795878102.008436);
        assert.equal(entry.event, 'NEW');
        assert.equal(entry.family, 'ipv4');
        assert.equal(entry.unreplied, true);
        assert.equal(fixtureEntry(file, 2).event, 'UPDATE');
      },
    },
    {
      name: 'ICMP type/code/id per direction, and the conntrack id= after them',
      run: () => {
        const entry = fixtureEntry('generated-conntrack-E-extended-id.txt', 44);
        assert.equal(entry.protocol, 'icmp');
        assert.equal(entry.protocolNumber, 1);
        assert.deepEqual(entry.originalIcmp, { type: 8, code: 0, id: 18565 });
        assert.deepEqual(entry.replyIcmp, { type: 0, code: 0, id: 18565 });
        assert.equal(entry.id, 1676154824);
        assert.deepEqual(entry.original, tuple('192.168.0.100', '192.168.0.2', 0, 0));
        const summaryFirst = fixtureEntry('generated-conntrack-L-p-icmp-stdout-and-stderr.txt', 2);
        assert.equal(summaryFirst.id, null);
        assert.equal(summaryFirst.state, '');
      },
    },
  ];
  for (const { name, run } of cases) test(name, run);
});

describe('conntrack constructed lines', () => {
  const base =
    'src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000';
  const cases: { name: string; line: string; expect: Partial<ConntrackEntry> }[] = [
    {
      name: '[OFFLOAD] replaces [ASSURED]',
      line: `tcp      6 431999 ESTABLISHED ${base} [OFFLOAD] mark=0 use=2`,
      expect: { offload: true, hwOffload: false, assured: false },
    },
    {
      name: '[HW_OFFLOAD]',
      line: `ipv4     2 tcp      6 431999 ESTABLISHED ${base} [HW_OFFLOAD] mark=0 use=2`,
      expect: { offload: false, hwOffload: true, assured: false },
    },
    {
      name: 'unknown protocol has no ports',
      line: 'unknown  255 599 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1 mark=0 use=1',
      expect: {
        protocol: 'unknown',
        protocolNumber: 255,
        state: '',
        timeout: 599,
        original: tuple('10.0.0.1', '10.0.0.2', 0, 0),
      },
    },
    {
      name: 'GRE keys go to the port slots',
      line: 'gre      47 178 src=10.0.0.1 dst=10.0.0.2 srckey=0x1f dstkey=0x0 src=10.0.0.2 dst=10.0.0.1 srckey=0x0 dstkey=0x1f [ASSURED] mark=0 use=1',
      expect: { protocol: 'gre', original: tuple('10.0.0.1', '10.0.0.2', 0x1f, 0) },
    },
    {
      name: 'SCTP state',
      line: `sctp     132 3 COOKIE_WAIT ${base} mark=0 use=1`,
      expect: { protocol: 'sctp', protocolNumber: 132, state: 'COOKIE_WAIT' },
    },
    {
      name: 'udplite and dccp carry ports',
      line: `ipv4     2 dccp     33 7 REQUEST ${base} mark=0 use=1`,
      expect: {
        protocol: 'dccp',
        state: 'REQUEST',
        reply: tuple('10.0.0.2', '10.0.0.1', 80, 1000),
      },
    },
    {
      name: 'old /proc/net/ip_conntrack line: no l3 prefix, secmark=',
      line: `tcp      6 431982 ESTABLISHED ${base} packets=9 bytes=777 [ASSURED] mark=0 secmark=0 use=1`,
      expect: { family: 'ipv4', replyCounters: { packets: 9, bytes: 777 }, originalCounters: null },
    },
    {
      name: 'zone-orig=/zone-reply=, secctx=, helper=, labels= and unknown fields and flags',
      line: `ipv4     2 tcp      6 10 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1000 dport=80 zone-orig=3 packets=1 bytes=60 src=10.0.0.2 dst=10.0.0.1 sport=80 dport=1000 zone-reply=4 packets=2 bytes=120 [ASSURED] [SEEN_BY_NEW_TOOL] mark=7 secmark=0 secctx=system_u:object_r:unlabeled_t:s0 zone=9 delta-time=12 [start=Sat Nov 28 15:00:43 2026] [stop=Sat Nov 28 15:01:43 2026] helper=ftp use=1 id=42 labels=web,eu-west future-key=x`,
      expect: {
        originalCounters: { packets: 1, bytes: 60 },
        replyCounters: { packets: 2, bytes: 120 },
        assured: true,
        mark: 7,
        zone: 9,
        deltaTime: 12,
        id: 42,
        labels: ['web', 'eu-west'],
      },
    },
    {
      name: 'mark= is decimal up to 2^32-1',
      line: `tcp      6 10 ESTABLISHED ${base} mark=4294967295 use=1`,
      expect: { mark: 4294967295 },
    },
    {
      name: 'CRLF line end and several blanks',
      line: `  [UPDATE]   tcp      6   10   CLOSE   ${base}  [ASSURED]\r\n`,
      expect: { event: 'UPDATE', state: 'CLOSE', assured: true },
    },
    {
      name: 'IPv4-mapped IPv6 in /proc form becomes inet_ntop mixed notation',
      line: 'ipv6     10 udp      17 20 src=0000:0000:0000:0000:0000:ffff:c000:0201 dst=2001:0DB8:0000:0000:0001:0000:0000:0001 sport=1 dport=2 src=2001:0db8:0000:0000:0001:0000:0000:0001 dst=0000:0000:0000:0000:0000:0000:0000:0001 sport=2 dport=1 mark=0 zone=0 use=2',
      expect: {
        original: tuple('::ffff:192.0.2.1', '2001:db8::1:0:0:1', 1, 2),
        reply: tuple('2001:db8::1:0:0:1', '::1', 2, 1),
      },
    },
    {
      name: 'a single zero group is not compressed, the first longest run is',
      line: 'ipv6     10 udp      17 20 src=2001:0db8:0000:0001:0001:0001:0001:0001 dst=2001:0000:0000:0001:0000:0000:0001:0001 sport=1 dport=2 src=::1 dst=1:0:0:2::3 sport=2 dport=1',
      expect: {
        original: tuple('2001:db8:0:1:1:1:1:1', '2001::1:0:0:1:1', 1, 2),
        reply: tuple('::1', '1:0:0:2::3', 2, 1),
      },
    },
  ];
  for (const { name, line, expect } of cases) {
    test(name, () => {
      const entry = parseOne(line);
      for (const [key, value] of Object.entries(expect)) {
        assert.deepEqual(entry[key as keyof ConntrackEntry], value, key);
      }
    });
  }

  const notData = [
    '',
    '   \t',
    'conntrack v1.4.7 (conntrack-tools): 8 flow entries have been shown.',
    'conntrack v1.4.7 (conntrack-tools): 54 flow events have been shown.',
    'conntrack v1.4.7 (conntrack-tools): 0 flow entries have been deleted.',
    'conntrack v0.9.7 (conntrack-tools): 1 flow entries has been updated.',
    'conntrack v1.4.7 (conntrack-tools): connection tracking table has been emptied.',
    'WARNING: We have hit ENOBUFS! We are losing events.',
  ];
  for (const line of notData) {
    test(`not data: ${JSON.stringify(line)}`, () => {
      assert.equal(parseConntrackLine(line, 1, 'test'), null);
    });
  }

  const malformed: { name: string; line: string; reason: string }[] = [
    { name: 'garbage', line: 'hello world', reason: 'non-numeric protocol number' },
    { name: 'no header', line: 'src=1.2.3.4 dst=5.6.7.8', reason: 'missing protocol header' },
    {
      name: 'missing tuple',
      line: 'tcp      6 10 ESTABLISHED mark=0 use=1',
      reason: 'missing original tuple',
    },
    {
      name: 'reply tuple missing',
      line: 'tcp      6 10 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 mark=0',
      reason: 'missing reply tuple',
    },
    {
      name: 'non-numeric port',
      line: `tcp      6 10 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=http dport=2 ${base}`,
      reason: 'non-numeric sport',
    },
    {
      name: 'port out of range',
      line: 'tcp      6 10 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=65536 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1',
      reason: 'sport out of range',
    },
    { name: 'non-numeric timeout', line: `tcp      6 1O ${base}`, reason: 'non-numeric timeout' },
    {
      name: 'TCP tuple without ports',
      line: 'tcp      6 10 src=10.0.0.1 dst=10.0.0.2 src=10.0.0.2 dst=10.0.0.1',
      reason: 'missing sport=/dport=',
    },
    {
      name: 'bad address',
      line: 'tcp      6 10 src=10.0.0.300 dst=10.0.0.2 sport=1 dport=2 src=10.0.0.2 dst=10.0.0.1 sport=2 dport=1',
      reason: 'invalid address',
    },
    {
      name: 'mixed families',
      line: 'ipv6     10 tcp      6 10 src=10.0.0.1 dst=10.0.0.2 sport=1 dport=2 src=::2 dst=::1 sport=2 dport=1',
      reason: 'address family mismatch',
    },
    {
      name: 'bare word',
      line: `tcp      6 10 ESTABLISHED ${base} oops`,
      reason: 'unexpected token',
    },
    {
      name: 'unterminated flag',
      line: `tcp      6 10 ESTABLISHED ${base} [start=Sat Nov`,
      reason: 'unterminated [',
    },
    {
      name: 'a conntrack-tools error message',
      line: 'conntrack v1.4.7 (conntrack-tools): Operation failed: invalid parameters',
      reason: 'conntrack-tools message',
    },
  ];
  for (const { name, line, reason } of malformed) {
    test(`malformed: ${name}`, () => {
      assert.throws(
        () => parseConntrackLine(line, 12, 'dump.txt'),
        (error: unknown) =>
          error instanceof ConntrackParseError &&
          error.reason === reason &&
          error.lineNumber === 12 &&
          error.source === 'dump.txt' &&
          error.text === line,
      );
    });
  }

  test('parseConntrack reports errors with line numbers and goes on', () => {
    const good = `tcp      6 10 ESTABLISHED ${base}`;
    const bad = `tcp      6 10 ESTABLISHED src=10.0.0.1 dst=10.0.0.2 sport=x dport=2`;
    const { entries, errors } = parseConntrack(`${good}\n${bad}\n\n${good}\n`, 'dump.txt');
    assert.equal(entries.length, 2);
    const [error, ...more] = errors;
    assert.ok(error && more.length === 0);
    assert.equal(error.lineNumber, 2);
    assert.equal(error.text, bad);
    assert.equal(error.message, `dump.txt:2: non-numeric sport: "${bad}"`);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties

const fixtureLines = GOLDEN_FIXTURES.flatMap((name) =>
  readFixture(name)
    .split('\n')
    .filter((line) => line !== ''),
);

/** Runs the parser; only ConntrackParseError may escape, and entries must be well formed. */
function parsesOrRejects(line: string): void {
  let entry: ConntrackEntry | null;
  try {
    entry = parseConntrackLine(line, 7, 'fuzz');
  } catch (error) {
    assert.ok(error instanceof ConntrackParseError, `unexpected ${String(error)}`);
    assert.equal(error.lineNumber, 7);
    return;
  }
  if (entry === null) return;
  for (const t of [entry.original, entry.reply]) {
    for (const port of [t.sport, t.dport]) assert.ok(Number.isInteger(port) && port <= 0xffff);
    for (const address of [t.src, t.dst]) {
      assert.equal(address.includes(':'), entry.family === 'ipv6', address);
      assert.ok(ipaddr.isValid(address), address);
    }
  }
  assert.ok(Number.isSafeInteger(entry.timeout) && entry.mark <= 0xffffffff);
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.nat(20) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.string({ unit: 'binary', maxLength: 4 }),
      fc.constantFrom(' ', '=', '[', ']', '\t', 'src=', 'dst=', 'sport=', 'id=', '0x', '::', '.'),
      fc.constantFrom('[USERSPACE]', 'packets=', 'type=', '99999999999999999999', '\r\n', 'ı'),
    ),
  }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('swap' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ kind: fc.constant('duplicate' as const), a: fc.nat() }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(line: string, m: Mutation): string {
  const at = m.kind === 'swap' || m.kind === 'duplicate' ? 0 : m.at % (line.length + 1);
  switch (m.kind) {
    case 'delete':
      return line.slice(0, at) + line.slice(at + m.length);
    case 'insert':
      return line.slice(0, at) + m.text + line.slice(at);
    case 'truncate':
      return line.slice(0, at);
    case 'swap': {
      const tokens = line.split(' ');
      const i = m.a % tokens.length;
      const j = m.b % tokens.length;
      [tokens[i], tokens[j]] = [tokens[j] ?? '', tokens[i] ?? ''];
      return tokens.join(' ');
    }
    case 'duplicate': {
      const tokens = line.split(' ');
      const i = m.a % tokens.length;
      tokens.splice(i, 0, tokens[i] ?? '');
      return tokens.join(' ');
    }
  }
}

const mutatedLine = fc
  .tuple(fc.constantFrom(...fixtureLines), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([line, mutations]) => mutations.reduce(mutate, line));

describe('conntrack parser properties', () => {
  test('arbitrary strings: an entry, null or a ConntrackParseError', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), parsesOrRejects), { numRuns: 2000 });
    fc.assert(fc.property(fc.string({ unit: 'binary-ascii' }), parsesOrRejects), {
      numRuns: 2000,
    });
  });

  test('mutated fixture lines: an entry, null or a ConntrackParseError', () => {
    fc.assert(fc.property(mutatedLine, parsesOrRejects), { numRuns: 5000 });
  });

  test('parseConntrack never throws and accounts for every line', () => {
    const dump = fc.array(fc.oneof(mutatedLine, fc.constantFrom(...fixtureLines), fc.string()), {
      maxLength: 30,
    });
    fc.assert(
      fc.property(dump, (lines) => {
        const text = lines.join('\n');
        const lineCount = text === '' ? 0 : text.split('\n').length;
        const { entries, errors } = parseConntrack(text, 'fuzz');
        assert.ok(entries.length + errors.length <= lineCount);
        for (const error of errors) {
          assert.ok(error instanceof ConntrackParseError);
          assert.ok(error.lineNumber >= 1 && error.lineNumber <= lineCount);
        }
      }),
      { numRuns: 500 },
    );
  });

  // Words of an IPv6 address, biased to zero runs, without the IPv4-mapped and -compatible
  // prefixes (inet_ntop prints those in mixed notation; the named cases above cover them).
  const ipv6Words = fc
    .array(fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: 0xffff })), {
      minLength: 8,
      maxLength: 8,
    })
    .filter((w) => !(w.slice(0, 5).every((x) => x === 0) && (w[5] === 0 || w[5] === 0xffff)));
  const canonical = (words: number[]): string => ipaddr.fromByteArray(toBytes(words)).toString();
  function toBytes(words: number[]): number[] {
    return words.flatMap((w) => [w >> 8, w & 0xff]);
  }

  test('/proc zero-padded IPv6 parses to the RFC 5952 form', () => {
    fc.assert(
      fc.property(ipv6Words, ipv6Words, (a, b) => {
        const expanded = (w: number[]): string =>
          w.map((x) => x.toString(16).padStart(4, '0')).join(':');
        const line = `ipv6     10 udp      17 20 src=${expanded(a)} dst=${expanded(b)} sport=1 dport=2 src=${canonical(b)} dst=${canonical(a)} sport=2 dport=1 mark=0 zone=0 use=2`;
        const entry = parseOne(line);
        assert.equal(entry.original.src, canonical(a));
        assert.equal(entry.original.dst, canonical(b));
        assert.equal(entry.reply.src, canonical(b));
        assert.equal(entry.reply.dst, canonical(a));
      }),
      { numRuns: 1000 },
    );
  });

  const protocols = [
    { name: 'tcp', number: 6, fields: 'ports', states: ['ESTABLISHED', 'TIME_WAIT', 'SYN_SENT2'] },
    { name: 'udp', number: 17, fields: 'ports', states: [''] },
    { name: 'udplite', number: 136, fields: 'ports', states: [''] },
    { name: 'sctp', number: 132, fields: 'ports', states: ['COOKIE_ECHOED', 'ESTABLISHED'] },
    { name: 'dccp', number: 33, fields: 'ports', states: ['PARTOPEN'] },
    { name: 'gre', number: 47, fields: 'keys', states: [''] },
    { name: 'icmp', number: 1, fields: 'icmp', states: [''] },
    { name: 'icmpv6', number: 58, fields: 'icmp', states: [''] },
    { name: 'unknown', number: 255, fields: 'none', states: [''] },
  ] as const;

  // connlabel.conf names; built once (stringMatching is costly to build inside chain()).
  const labels = fc.array(fc.stringMatching(/^[a-z][a-z0-9_-]{0,8}$/), { maxLength: 3 });
  const entryArbitrary = fc
    .tuple(fc.constantFrom(...protocols), fc.boolean())
    .chain(([protocol, ipv6]) => {
      const address = ipv6 ? ipv6Words.map(canonical) : fc.ipV4();
      const port = protocol.fields === 'ports' || protocol.fields === 'keys' ? 0xffff : 0;
      // Plain objects: the parser never builds null-prototype ones.
      const record = { noNullPrototype: true };
      const tupleArbitrary = fc.record(
        {
          src: address,
          dst: address,
          sport: fc.integer({ min: 0, max: port }),
          dport: fc.integer({ min: 0, max: port }),
        },
        record,
      );
      const icmp =
        protocol.fields === 'icmp'
          ? fc.record(
              {
                type: fc.integer({ min: 0, max: 255 }),
                code: fc.integer({ min: 0, max: 255 }),
                id: fc.integer({ min: 0, max: 0xffff }),
              },
              record,
            )
          : fc.constant(null);
      const counters = fc.option(
        fc.record({ packets: fc.maxSafeNat(), bytes: fc.maxSafeNat() }, record),
      );
      const u32 = fc.integer({ min: 0, max: 0xffffffff });
      return fc.record(
        {
          event: fc.option(fc.constantFrom('NEW' as const, 'UPDATE' as const, 'DESTROY' as const)),
          eventTime: fc.option(
            fc
              .tuple(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: 999999 }))
              .map(([s, us]) => Number(`${s}.${String(us).padStart(6, '0')}`)),
          ),
          family: fc.constant(ipv6 ? ('ipv6' as const) : ('ipv4' as const)),
          protocol: fc.constant(protocol.name),
          protocolNumber: fc.constant(protocol.number),
          timeout: u32,
          state: fc.constantFrom(...protocol.states),
          original: tupleArbitrary,
          reply: tupleArbitrary,
          originalIcmp: icmp,
          replyIcmp: icmp,
          originalCounters: counters,
          replyCounters: counters,
          unreplied: fc.boolean(),
          // The tool prints at most one of ASSURED, OFFLOAD and HW_OFFLOAD.
          flag: fc.constantFrom('none', 'assured', 'offload', 'hwOffload'),
          mark: u32,
          zone: fc.integer({ min: 0, max: 0xffff }),
          id: fc.option(u32),
          labels,
          deltaTime: fc.option(fc.maxSafeNat()),
        },
        record,
      );
    })
    .map(({ flag, ...entry }): ConntrackEntry => ({
      ...entry,
      assured: flag === 'assured',
      offload: flag === 'offload',
      hwOffload: flag === 'hwOffload',
    }));

  test('format → parse round trip keeps tuples, flags and counters', () => {
    fc.assert(
      fc.property(entryArbitrary, fc.boolean(), (entry, extended) => {
        const line = formatConntrackEntry(entry, extended);
        assert.deepEqual(parseConntrackLine(line, 1, 'round-trip'), entry, line);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('conntrack dump generator', () => {
  const lines = [...generateConntrackDump({ lines: 20000, seed: 7 })];

  test('is deterministic by seed', () => {
    assert.deepEqual([...generateConntrackDump({ lines: 200, seed: 7 })], lines.slice(0, 200));
    assert.notDeepEqual([...generateConntrackDump({ lines: 200, seed: 8 })], lines.slice(0, 200));
  });

  test('every line parses, ids are unique', () => {
    const { entries, errors } = parseConntrack(lines.join('\n'), 'gen');
    assert.deepEqual(errors, []);
    assert.equal(entries.length, lines.length);
    assert.equal(new Set(entries.map((e) => e.id)).size, entries.length);
  });

  test('about 60% are NodePort/LB entry flows; Cluster SNATs, Local keeps the client', () => {
    const node = GEN_NODES[0];
    assert.ok(node);
    const byNodePort = new Map(GEN_SERVICES.map((s) => [s.nodePort, s]));
    const byLoadBalancer = new Map(GEN_SERVICES.map((s) => [`${s.loadBalancerIP}:${s.port}`, s]));
    const { entries } = parseConntrack(lines.join('\n'), 'gen');
    let entryFlows = 0;
    for (const e of entries) {
      const service =
        e.original.dst === node.ip
          ? byNodePort.get(e.original.dport)
          : byLoadBalancer.get(`${e.original.dst}:${e.original.dport}`);
      if (!service) continue;
      entryFlows++;
      assert.ok(e.original.dport >= GEN_NODE_PORTS.first || service.loadBalancerIP !== null);
      assert.ok(service.endpoints.some((endpoint) => endpoint.ip === e.reply.src));
      if (service.externalTrafficPolicy === 'Local') {
        assert.equal(e.reply.dst, e.original.src);
      } else {
        assert.ok([node.ip, node.podGateway].includes(e.reply.dst));
      }
    }
    const share = entryFlows / entries.length;
    assert.ok(share > 0.55 && share < 0.65, `entry share ${share}`);
  });
});

// ---------------------------------------------------------------------------------------------
// Byte entry point and byte line splitting

/** An entry, null, or the parse error's fields: what both entry points must agree on. */
function outcome(parse: () => ConntrackEntry | null): unknown {
  try {
    return parse();
  } catch (error) {
    assert.ok(error instanceof ConntrackParseError, `unexpected ${String(error)}`);
    const { message, source, lineNumber, text, reason } = error;
    return { message, source, lineNumber, text, reason };
  }
}

/**
 * The byte entry point on `line` as UTF-8 (what a string from a UTF-8 reader holds), placed
 * between other bytes that must not be read, agrees with the string entry point.
 */
function bytesAgree(line: string, before = 'src=1.2.3.4 ', after = '=0x1] sport=9\n'): void {
  const text = Buffer.from(line, 'utf8').toString('utf8');
  const expected = outcome(() => parseConntrackLine(text, 3, 'bytes'));
  const bytes = Buffer.from(before + line + after, 'utf8');
  const start = Buffer.byteLength(before);
  const end = bytes.length - Buffer.byteLength(after);
  const parse = (ascii: boolean) => () => parseConntrackBytes(bytes, start, end, 3, 'bytes', ascii);
  assert.deepEqual(outcome(parse(false)), expected, line);
  if (isAscii(bytes.subarray(start, end))) assert.deepEqual(outcome(parse(true)), expected, line);
}

describe('conntrack byte entry point', () => {
  test('agrees with the string entry point on every fixture line', () => {
    for (const name of [...GOLDEN_FIXTURES, ...STDERR_FIXTURES]) {
      for (const line of readFixture(name).split('\n')) {
        bytesAgree(line);
        bytesAgree(line, '', '');
        bytesAgree(`${line}\r`);
      }
    }
  });

  test('agrees with the string entry point on random and mutated lines', () => {
    const edge = fc.constantFrom('', ' ', 'x', '=', ']', '9', '[', 'ort=1 ');
    for (const line of [fc.string({ unit: 'binary' }), fc.string(), mutatedLine]) {
      fc.assert(
        fc.property(line, edge, edge, (text, before, after) => {
          bytesAgree(text, before, after);
        }),
        { numRuns: 3000 },
      );
    }
  });

  test('reads the generated dump the same way, line by line', () => {
    for (const line of generateConntrackDump({ lines: 500, seed: 7, randomFully: true })) {
      bytesAgree(line);
    }
  });
});

describe('byte line splitter', () => {
  /** Splits `text` fed in the given chunk sizes; returns the lines, checking numbers and `ascii`. */
  function split(
    text: string,
    sizes: readonly number[],
    maxLineBytes = Number.MAX_SAFE_INTEGER,
    skipped: LineParseError[] = [],
  ): string[] {
    const lines: string[] = [];
    const splitter = new ByteLineSplitter(
      (bytes, start, end, lineNumber, ascii) => {
        const line = bytes.toString('utf8', start, end);
        lines.push(line);
        assert.equal(lineNumber, lines.length + skipped.length);
        // `ascii` is a promise when true; false only means "not known" (the chunk had other bytes).
        if (ascii) assert.ok(isAscii(Buffer.from(line)), line);
      },
      {
        maxLineBytes,
        source: 'test',
        onOverlong: (error) => {
          skipped.push(error);
          assert.equal(error.lineNumber, lines.length + skipped.length);
        },
      },
    );
    const all = Buffer.from(text, 'utf8');
    let at = 0;
    for (let i = 0; at < all.length; i++) {
      const size = sizes[i % sizes.length] ?? 1;
      splitter.push(all.subarray(at, at + size));
      at += size;
    }
    assert.equal(splitter.end(), lines.length + skipped.length);
    return lines;
  }

  test('skips a line over the limit wherever chunks cut it, reporting its number and length', () => {
    const text =
      'short\n' + 'x'.repeat(12) + '\nok\n' + 'y'.repeat(11) + '\nend\n' + 'z'.repeat(20);
    for (const sizes of [[1], [2], [3, 1], [5], [7], [100]]) {
      const skipped: LineParseError[] = [];
      assert.deepEqual(split(text, sizes, 10, skipped), ['short', 'ok', 'end']);
      assert.deepEqual(
        skipped.map((e) => [e.lineNumber, e.reason]),
        [
          [2, 'line of 12 bytes is over the 10-byte limit; skipped'],
          [4, 'line of 11 bytes is over the 10-byte limit; skipped'],
          [6, 'line of 20 bytes is over the 10-byte limit; skipped'],
        ],
        `chunks of ${sizes.join(',')}`,
      );
      // The quote is the start that had arrived when the line went over the limit.
      assert.match(
        skipped[0]?.message ?? '',
        /^test:2: line of 12 bytes is over the 10-byte limit; skipped: "x{1,12}…"$/,
      );
    }
    assert.deepEqual(split('0123456789\n', [3], 10), ['0123456789'], 'exactly the limit is kept');
  });

  test('joins lines cut by chunk boundaries, keeps CR, flushes a last line without newline', () => {
    const text = 'a b\r\nccc\n\nlast é';
    for (const sizes of [[1], [2], [3, 1], [5], [100]]) {
      assert.deepEqual(split(text, sizes), ['a b\r', 'ccc', '', 'last é']);
    }
  });

  test('any chunking gives the lines of String#split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: fc.constantFrom('a', ' ', '\n', '\r', 'é') })),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1 }),
        (parts, sizes) => {
          const text = parts.join('');
          const expected = text === '' ? [] : text.replace(/\n$/, '').split('\n');
          assert.deepEqual(split(text, sizes), expected);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
