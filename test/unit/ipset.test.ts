// ipset parser tests: `ipset save` and `ipset list` of the same sets agree, kube-proxy's entry
// forms, the error catalogue, and fuzzing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  IpsetParseError,
  findIpsetEntry,
  parseIpset,
  parseIpsetList,
  parseIpsetSave,
  type Ipset,
} from '../../agent/sources/ipset.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

function membersOf(sets: readonly Ipset[]): unknown[] {
  return sets.map((s) => ({
    name: s.name,
    type: s.type,
    family: s.family,
    entries: s.entries.map(({ lineNumber: _l, ...e }) => e),
  }));
}

void describe('parseIpset: fixtures', () => {
  for (const name of [
    'generated-ipvs-mode-ipset-save.txt',
    'generated-ipvs-mode-ipset-list.txt',
    'ipvs-node-a/ipset-save.txt',
  ]) {
    void it(`golden: ${name}`, () => {
      const { sets, errors } = parseIpset(readFixture(name), name);
      assert.deepEqual(errors, []);
      assertGolden(`ipvs/${name.replace('/', '-')}.jsonl`, toJsonLines(sets));
    });
  }

  void it('save and list renderings of the generated sets agree', () => {
    const save = parseIpsetSave(readFixture('generated-ipvs-mode-ipset-save.txt'), 'save');
    const list = parseIpsetList(readFixture('generated-ipvs-mode-ipset-list.txt'), 'list');
    assert.deepEqual(membersOf(save.sets), membersOf(list.sets));
  });

  void it('node-a has every kube-proxy set, empty ones included', () => {
    const { sets } = parseIpset(readFixture('ipvs-node-a/ipset-save.txt'), 'a');
    assert.equal(sets.length, 17);
    const local = sets.find((s) => s.name === 'KUBE-NODE-PORT-LOCAL-TCP');
    assert.deepEqual(
      local?.entries.map((e) => e.port),
      [30443, 30444],
    );
    assert.equal(sets.find((s) => s.name === 'KUBE-EXTERNAL-IP-LOCAL')?.entries.length, 0);
  });
});

void describe('parseIpset: entry forms', () => {
  const cases: { name: string; type: string; member: string; expect: Record<string, unknown> }[] = [
    {
      name: 'bitmap:port',
      type: 'bitmap:port range 0-65535',
      member: '30080',
      expect: { port: 30080, protocol: null, ip: null },
    },
    {
      name: 'hash:ip,port',
      type: 'hash:ip,port family inet',
      member: '10.96.0.1,tcp:443',
      expect: { ip: '10.96.0.1', protocol: 'tcp', port: 443 },
    },
    {
      name: 'hash:ip,port without a protocol means tcp',
      type: 'hash:ip,port family inet',
      member: '10.96.0.1,80',
      expect: { protocol: 'tcp', port: 80 },
    },
    {
      name: 'hash:ip,port,ip (KUBE-LOOP-BACK)',
      type: 'hash:ip,port,ip family inet',
      member: '10.244.1.5,tcp:80,10.244.1.5',
      expect: { ip: '10.244.1.5', extra: '10.244.1.5' },
    },
    {
      name: 'hash:ip,port,net (source ranges)',
      type: 'hash:ip,port,net family inet',
      member: '192.0.2.10,tcp:443,198.51.100.0/24',
      expect: { extra: '198.51.100.0/24' },
    },
    {
      name: 'IPv6 hash:ip,port',
      type: 'hash:ip,port family inet6',
      member: 'FD00::0:1,udp:53',
      expect: { ip: 'fd00::1', protocol: 'udp', port: 53 },
    },
    {
      name: 'sctp',
      type: 'hash:ip,port family inet',
      member: '10.0.0.1,sctp:3868',
      expect: { protocol: 'sctp', port: 3868 },
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const { sets, errors } = parseIpsetSave(
        `create S ${c.type}\nadd S ${c.member} comment "why not"\n`,
        'case',
      );
      assert.deepEqual(errors, []);
      const entry = sets[0]?.entries[0];
      assert.ok(entry);
      for (const [field, value] of Object.entries(c.expect)) {
        assert.deepEqual(entry[field as keyof typeof entry], value, field);
      }
      assert.equal(entry.comment, 'why not');
    });
  }

  void it('findIpsetEntry matches by the dimensions asked for', () => {
    const { sets } = parseIpsetSave(
      'create S hash:ip,port family inet\nadd S 10.96.0.1,tcp:443\n',
      'c',
    );
    assert.ok(findIpsetEntry(sets[0], { ip: '10.96.0.1', protocol: 'tcp', port: 443 }));
    assert.equal(findIpsetEntry(sets[0], { ip: '10.96.0.1', protocol: 'udp', port: 443 }), null);
    assert.equal(findIpsetEntry(undefined, { port: 443 }), null);
  });
});

void describe('parseIpset: errors carry the line number and text', () => {
  const cases: { name: string; text: string; line: number; reason: RegExp }[] = [
    { name: 'add before create', text: 'add KUBE-X 30080', line: 1, reason: /not created/ },
    {
      name: 'member of the wrong shape',
      text: 'create S hash:ip,port family inet\nadd S 10.0.0.1',
      line: 2,
      reason: /does not fit/,
    },
    {
      name: 'bad port',
      text: 'create S bitmap:port range 0-65535\nadd S 70000',
      line: 2,
      reason: /bad port/,
    },
    {
      name: 'bad address',
      text: 'create S hash:ip family inet\nadd S 10.0.0.300',
      line: 2,
      reason: /bad address/,
    },
    {
      name: 'unbalanced quote',
      text: 'create S bitmap:port range 0-65535\nadd S 1 comment "x',
      line: 2,
      reason: /quote/,
    },
    { name: 'unknown command', text: 'destroy S', line: 1, reason: /unknown line/ },
    {
      name: 'set created twice',
      text: 'create S hash:ip\ncreate S hash:ip',
      line: 2,
      reason: /twice/,
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const { errors } = parseIpsetSave(c.text, 'sets.txt');
      assert.equal(errors.length, 1, JSON.stringify(errors.map((e) => e.message)));
      const [error] = errors;
      assert.ok(error instanceof IpsetParseError);
      assert.equal(error.lineNumber, c.line);
      assert.equal(error.text, c.text.split('\n')[c.line - 1]);
      assert.match(error.reason, c.reason);
    });
  }

  void it('list: a member outside Members:', () => {
    const { errors } = parseIpsetList('Name: S\nType: bitmap:port\n30080\n', 'l');
    assert.equal(errors[0]?.lineNumber, 3);
  });
});

void describe('parseIpset: fuzzing never throws, only returns typed errors', () => {
  const lines = [
    ...readFixture('ipvs-node-a/ipset-save.txt').split('\n'),
    ...readFixture('generated-ipvs-mode-ipset-list.txt').split('\n'),
  ];
  const check = (text: string): void => {
    for (const result of [
      parseIpset(text, 'f'),
      parseIpsetSave(text, 'f'),
      parseIpsetList(text, 'f'),
    ]) {
      for (const error of result.errors) assert.ok(error instanceof IpsetParseError);
    }
  };
  void it('random text', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), check), { numRuns: 300 });
  });
  void it('fixture lines, cut and spliced', () => {
    const mutated = fc
      .array(fc.tuple(fc.constantFrom(...lines), fc.nat(), fc.string({ maxLength: 6 })), {
        maxLength: 20,
      })
      .map((parts) =>
        parts.map(([line, at, junk]) => line.slice(0, at % (line.length + 1)) + junk).join('\n'),
      );
    fc.assert(fc.property(mutated, check), { numRuns: 300 });
  });
});
