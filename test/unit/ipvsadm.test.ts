// ipvsadm parser tests: the three renderings (save, -Ln, -Lnc) of the constructed node dump and
// the README copy, named cases per line kind, the error catalogue, and fuzzing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import {
  IpvsadmParseError,
  parseIpvsadm,
  parseIpvsadmConnections,
  parseIpvsadmList,
  parseIpvsadmSave,
  type IpvsVirtualServer,
} from '../../agent/sources/ipvsadm.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

/** The fields both renderings carry (the table adds counters, the rule form line numbers differ). */
function comparable(servers: readonly IpvsVirtualServer[]): unknown[] {
  return servers.map(({ lineNumber: _l, realServers, ...rest }) => ({
    ...rest,
    realServers: realServers.map(({ ip, port, forwarding, weight }) => ({
      ip,
      port,
      forwarding,
      weight,
    })),
  }));
}

void describe('parseIpvsadm: fixtures', () => {
  for (const name of [
    'ipvs-node-a/ipvsadm-save.txt',
    'ipvs-node-a/ipvsadm-Ln.txt',
    'ipvs-k8s-readme-ipvsadm-ln.txt',
  ]) {
    void it(`golden: ${name}`, () => {
      const { virtualServers, errors } = parseIpvsadm(readFixture(name), name);
      assert.deepEqual(errors, []);
      assertGolden(`ipvs/${name.replace('/', '-')}.jsonl`, toJsonLines(virtualServers));
    });
  }

  void it('the save and table renderings of node-a describe the same virtual servers', () => {
    const save = parseIpvsadmSave(readFixture('ipvs-node-a/ipvsadm-save.txt'), 'save');
    const list = parseIpvsadmList(readFixture('ipvs-node-a/ipvsadm-Ln.txt'), 'list');
    assert.equal(save.virtualServers.length, 17);
    assert.deepEqual(comparable(save.virtualServers), comparable(list.virtualServers));
  });

  void it('golden: ipvs-node-a/ipvsadm-Lnc.txt', () => {
    const { connections, errors } = parseIpvsadmConnections(
      readFixture('ipvs-node-a/ipvsadm-Lnc.txt'),
      'lnc',
    );
    assert.deepEqual(errors, []);
    assertGolden('ipvs/ipvs-node-a-ipvsadm-Lnc.jsonl', toJsonLines(connections));
  });
});

void describe('parseIpvsadm: one virtual server per rendering', () => {
  const cases: {
    name: string;
    text: string;
    expect: Partial<IpvsVirtualServer> & { reals?: unknown[] };
  }[] = [
    {
      name: 'save: tcp with persistence and a masq real server',
      text: '-A -t 10.0.0.1:443 -s rr -p 10800\n-a -t 10.0.0.1:443 -r 192.168.0.1:6443 -m -w 1\n',
      expect: {
        protocol: 'tcp',
        ip: '10.0.0.1',
        port: 443,
        scheduler: 'rr',
        persistenceTimeout: 10800,
        flags: [],
        reals: [{ ip: '192.168.0.1', port: 6443, forwarding: 'Masq', weight: 1 }],
      },
    },
    {
      name: 'save: udp, long options, weight 0 (terminating endpoint)',
      text: '--add-service --udp-service 10.96.0.10:53 --scheduler lc\n--add-server --udp-service 10.96.0.10:53 --real-server 10.244.1.2:53 --masquerading --weight 0\n',
      expect: {
        protocol: 'udp',
        scheduler: 'lc',
        reals: [{ ip: '10.244.1.2', port: 53, forwarding: 'Masq', weight: 0 }],
      },
    },
    {
      name: 'save: IPv6 brackets are removed and the address canonicalised',
      text: '-A -t [FD00:0:0::1]:443 -s rr\n-a -t [fd00::1]:443 -r [fd00:10:244::5]:6443 -m -w 1\n',
      expect: {
        family: 'ipv6',
        ip: 'fd00::1',
        reals: [{ ip: 'fd00:10:244::5', port: 6443, forwarding: 'Masq', weight: 1 }],
      },
    },
    {
      name: 'save: fwmark IPv6 service, route server without a port, options kept',
      text: '-A -f 5 -6 -s wrr -p 60 -M 64 -o\n-a -f 5 -6 -r fd00::9 -g -w 2 -x 10 -y 5\n',
      expect: {
        protocol: null,
        fwmark: 5,
        family: 'ipv6',
        persistenceTimeout: 60,
        flags: ['-M', '64', '-o'],
        reals: [{ ip: 'fd00::9', port: 0, forwarding: 'Route', weight: 2 }],
      },
    },
    {
      name: 'list: trailing pad spaces, persistence, flags',
      text: 'IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\nTCP  10.0.0.1:443 rr persistent 10800 ops\n  -> 192.168.0.1:6443             Masq    1      1          0         \n',
      expect: {
        ip: '10.0.0.1',
        persistenceTimeout: 10800,
        flags: ['ops'],
        reals: [{ ip: '192.168.0.1', port: 6443, forwarding: 'Masq', weight: 1 }],
      },
    },
    {
      name: 'list: IPv6 and SCTP',
      text: 'SCTP  [fd00::1]:3868 sh\n  -> [fd00:10:244::7]:3868         Masq    1      0          0\n',
      expect: {
        protocol: 'sctp',
        ip: 'fd00::1',
        scheduler: 'sh',
        reals: [{ ip: 'fd00:10:244::7', port: 3868, forwarding: 'Masq', weight: 1 }],
      },
    },
    {
      name: 'list: fwmark IPv6 service',
      text: 'FWM  7 IPv6 rr\n',
      expect: { protocol: null, fwmark: 7, family: 'ipv6', ip: null, reals: [] },
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const { virtualServers, errors } = parseIpvsadm(c.text, 'case');
      assert.deepEqual(errors, []);
      assert.equal(virtualServers.length, 1);
      const server = virtualServers[0] as IpvsVirtualServer;
      const { reals, ...fields } = c.expect;
      for (const [field, value] of Object.entries(fields)) {
        assert.deepEqual(server[field as keyof IpvsVirtualServer], value, field);
      }
      if (reals !== undefined) {
        assert.deepEqual(
          server.realServers.map(({ ip, port, forwarding, weight }) => ({
            ip,
            port,
            forwarding,
            weight,
          })),
          reals,
        );
      }
    });
  }
});

void describe('parseIpvsadmConnections', () => {
  void it('reads IPv6, --persistent-conn columns and minutes above 99', () => {
    const text = [
      'IPVS connection entries',
      'pro expire state       source             virtual            destination          pe name pe_data',
      'TCP 14:59  ESTABLISHED [2001:db8::50]:40000 [fd00::1]:443 [fd00:10:244::5]:6443',
      'UDP 180:00 UDP         198.51.100.50:53000 203.0.113.11:30053 10.244.3.53:5353   sip  abc',
    ].join('\n');
    const { connections, errors } = parseIpvsadmConnections(text, 'case');
    assert.deepEqual(errors, []);
    const [v6, udp] = connections;
    assert.ok(v6 && udp);
    assert.deepEqual(v6.client, { ip: '2001:db8::50', port: 40000 });
    assert.equal(v6.expiresIn, 899);
    assert.equal(udp.expiresIn, 10800);
    assert.equal(udp.protocol, 'udp');
    assert.equal(udp.peName, 'sip');
  });
});

void describe('parseIpvsadm: errors carry the line number and text', () => {
  const cases: {
    name: string;
    text: string;
    parse: 'save' | 'list' | 'conn';
    line: number;
    reason: RegExp;
  }[] = [
    {
      name: 'real server of an undeclared service',
      text: '-a -t 10.0.0.1:443 -r 10.1.1.1:80 -m -w 1',
      parse: 'save',
      line: 1,
      reason: /undeclared/,
    },
    {
      name: 'names instead of numbers (no -n)',
      text: '-A -t kubernetes.default:https -s rr',
      parse: 'save',
      line: 1,
      reason: /numeric/,
    },
    {
      name: 'service declared twice',
      text: '-A -t 10.0.0.1:443 -s rr\n-A -t 10.0.0.1:443 -s rr',
      parse: 'save',
      line: 2,
      reason: /twice/,
    },
    {
      name: 'no scheduler',
      text: '-A -u 10.0.0.1:53',
      parse: 'save',
      line: 1,
      reason: /scheduler/,
    },
    {
      name: 'unknown save line',
      text: '-E -t 10.0.0.1:443 -s rr',
      parse: 'save',
      line: 1,
      reason: /unknown line/,
    },
    {
      name: 'real server before a service',
      text: 'Prot LocalAddress:Port Scheduler Flags\n  -> 10.1.1.1:80 Masq 1 0 0',
      parse: 'list',
      line: 2,
      reason: /before any/,
    },
    {
      name: 'bad forwarding',
      text: 'TCP  10.0.0.1:80 rr\n  -> 10.1.1.1:80 Bridge 1 0 0',
      parse: 'list',
      line: 2,
      reason: /forwarding/,
    },
    {
      name: '--stats listing',
      text: 'Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes\nTCP  10.0.0.1:80  1 2 3 4 5',
      parse: 'list',
      line: 1,
      reason: /--stats/,
    },
    {
      name: 'port out of range',
      text: 'TCP  10.0.0.1:70000 rr',
      parse: 'list',
      line: 1,
      reason: /port/,
    },
    {
      name: 'connection with missing column',
      text: 'IPVS connection entries\nTCP 14:59 ESTABLISHED 1.1.1.1:1 2.2.2.2:2',
      parse: 'conn',
      line: 2,
      reason: /columns/,
    },
    {
      name: 'connection with a bad expire',
      text: 'TCP 1459 ESTABLISHED 1.1.1.1:1 2.2.2.2:2 3.3.3.3:3',
      parse: 'conn',
      line: 1,
      reason: /expire/,
    },
  ];
  for (const c of cases) {
    void it(c.name, () => {
      const errors =
        c.parse === 'conn'
          ? parseIpvsadmConnections(c.text, 'dump.txt').errors
          : c.parse === 'save'
            ? parseIpvsadmSave(c.text, 'dump.txt').errors
            : parseIpvsadmList(c.text, 'dump.txt').errors;
      assert.equal(errors.length, 1, JSON.stringify(errors.map((e) => e.message)));
      const [error] = errors;
      assert.ok(error instanceof IpvsadmParseError);
      assert.equal(error.lineNumber, c.line);
      assert.equal(error.text, c.text.split('\n')[c.line - 1]);
      assert.match(error.reason, c.reason);
      assert.ok(error.message.startsWith(`dump.txt:${c.line}: `));
    });
  }
});

void describe('parseIpvsadm: fuzzing never throws, only returns typed errors', () => {
  const lines = [
    ...readFixture('ipvs-node-a/ipvsadm-save.txt').split('\n'),
    ...readFixture('ipvs-node-a/ipvsadm-Ln.txt').split('\n'),
    ...readFixture('ipvs-node-a/ipvsadm-Lnc.txt').split('\n'),
  ];
  const check = (text: string): void => {
    for (const result of [
      parseIpvsadm(text, 'f'),
      parseIpvsadmSave(text, 'f'),
      parseIpvsadmList(text, 'f'),
    ]) {
      for (const error of result.errors) assert.ok(error instanceof IpvsadmParseError);
    }
    for (const error of parseIpvsadmConnections(text, 'f').errors) {
      assert.ok(error instanceof IpvsadmParseError);
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
