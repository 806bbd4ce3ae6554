// nft -j parser tests: golden structure summaries of the captured dumps, named shapes from
// FORMATS.md §3.3, ruleset filtering, the error catalogue, and fuzzing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import fc from 'fast-check';

import { buildNftablesModel } from '../../agent/model/kube-proxy-nftables.js';
import {
  NftJsonParseError,
  parseNftJson,
  type NftDocument,
  type NftJson,
  type NftStatement,
} from '../../agent/sources/nft-json.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

const FIXTURES = [
  'generated-nftables-mode-nft-j-list-table-ip-kube-proxy.json',
  'nft-j-knftables-overall-2026-11-28.json',
  'nft-j-knftables-local-endpoint-2026-11-28.json',
];

/** One short line per statement, so a golden file reads like `nft list`. */
function statementText(statement: NftStatement): string {
  switch (statement.kind) {
    case 'match':
      return `match ${JSON.stringify(statement.left)} ${statement.op} ${JSON.stringify(statement.right)}`;
    case 'verdict':
      return statement.verdict.target === null
        ? statement.verdict.kind
        : `${statement.verdict.kind} ${statement.verdict.target}`;
    case 'vmap':
      return statement.map !== null
        ? `vmap ${JSON.stringify(statement.key)} @${statement.map}`
        : `vmap ${JSON.stringify(statement.key)} {${statement.entries
            .map(
              (e) =>
                `${JSON.stringify(e.key)}: ${e.verdict?.kind ?? '?'} ${e.verdict?.target ?? ''}`,
            )
            .join(', ')}}`;
    case 'mangle':
      return `mangle ${JSON.stringify(statement.key)} = ${JSON.stringify(statement.value)}`;
    case 'nat':
      return `${statement.type} ${statement.addr ?? ''}:${statement.port ?? ''} [${statement.flags.join(',')}]`;
    case 'counter':
      return `counter ${JSON.stringify(statement.counters)}`;
    case 'reject':
      return `reject ${statement.type ?? ''} ${statement.expr ?? ''}`;
    case 'other':
      return `other ${statement.name} ${JSON.stringify(statement.body)}`;
  }
}

/** The parsed document as one JSON value per line: tables, chains, sets with elements, rules. */
function summary(doc: NftDocument): string {
  return toJsonLines([
    { metainfo: doc.metainfo },
    ...doc.tables.map((t) => ({ table: t })),
    ...doc.chains.map((c) => ({
      chain: c.name,
      base: c.hook === null ? null : `${c.type} ${c.hook} ${c.priority} ${c.policy}`,
    })),
    ...doc.sets.map((s) => ({
      [s.kind]: s.name,
      keyType: s.keyType,
      valueType: s.valueType,
      comment: s.comment,
      flags: s.flags,
      elements: s.elements.map((e) => ({
        key: e.keyParts,
        ...(s.kind === 'map' ? { value: e.verdict ?? e.value } : {}),
        ...(e.comment === null ? {} : { comment: e.comment }),
        ...(e.counters === null ? {} : { counters: e.counters }),
      })),
    })),
    ...doc.rules.map((r) => ({
      rule: `${r.chain} #${r.handle ?? '?'}`,
      ...(r.comment === null ? {} : { comment: r.comment }),
      ...(r.counters === null ? {} : { counters: r.counters }),
      statements: r.statements.map(statementText),
    })),
    { others: doc.others.map((o) => o.kind) },
  ]);
}

/** Wraps nft objects as `nft -j` prints them. */
function nftText(entries: NftJson[]): string {
  return JSON.stringify({ nftables: entries });
}

function fixtureEntries(name: string): NftJson[] {
  const parsed = JSON.parse(readFixture(name)) as { nftables: NftJson[] };
  return parsed.nftables;
}

void describe('parseNftJson: golden summaries of the captured dumps', () => {
  for (const name of FIXTURES) {
    void it(name, () => {
      const doc = parseNftJson(readFixture(name), name);
      assertGolden(`nftables/${name.replace(/\.json$/, '')}.parsed.jsonl`, summary(doc));
    });
  }

  void it('the real-kernel overall capture parses to the same records as the shared one', () => {
    assert.deepEqual(
      parseNftJson(readFixture(FIXTURES[1] ?? ''), 'a'),
      parseNftJson(readFixture(FIXTURES[0] ?? ''), 'a'),
    );
  });
});

void describe('parseNftJson: shapes of FORMATS.md §3.3', () => {
  const doc = parseNftJson(readFixture(FIXTURES[0] ?? ''), 'fixture');

  void it('reads the metainfo, the table and every object', () => {
    assert.deepEqual(doc.metainfo, {
      version: '1.0.6',
      releaseName: 'Lester Gooch #5',
      jsonSchemaVersion: 1,
    });
    assert.deepEqual(doc.tables, [{ family: 'ip', name: 'kube-proxy', handle: 1, comment: null }]);
    assert.equal(doc.chains.length, 32);
    assert.equal(doc.sets.length, 8);
    assert.equal(doc.rules.length, 57);
  });

  void it('base chain: type, hook, numeric priority, policy', () => {
    const chain = doc.chains.find((c) => c.name === 'nat-prerouting');
    assert.deepEqual(chain, {
      family: 'ip',
      table: 'kube-proxy',
      name: 'nat-prerouting',
      handle: 19,
      type: 'nat',
      hook: 'prerouting',
      priority: -100,
      policy: 'accept',
      comment: null,
    });
    const regular = doc.chains.find((c) => c.name === 'services');
    assert.ok(regular);
    assert.equal(regular.hook, null);
    assert.equal(regular.priority, null);
  });

  void it('map elements: concatenated keys, goto verdicts, wrapped elements with comments', () => {
    const nodeports = doc.sets.find((s) => s.name === 'service-nodeports');
    assert.equal(nodeports?.kind, 'map');
    assert.deepEqual(nodeports.keyType, ['inet_proto', 'inet_service']);
    assert.equal(nodeports.valueType, 'verdict');
    assert.deepEqual(nodeports.elements[0], {
      key: { concat: ['tcp', 3001] },
      keyParts: ['tcp', 3001],
      value: { goto: { target: 'external-42NFTM6N-ns2/svc2/tcp/p80' } },
      verdict: { kind: 'goto', target: 'external-42NFTM6N-ns2/svc2/tcp/p80' },
      comment: null,
      counters: null,
    });
    const noEndpoint = doc.sets.find((s) => s.name === 'no-endpoint-nodeports');
    assert.deepEqual(noEndpoint?.elements[0], {
      key: { concat: ['tcp', 3001] },
      keyParts: ['tcp', 3001],
      value: { drop: null },
      verdict: { kind: 'drop', target: null },
      comment: 'ns2/svc2:p80',
      counters: null,
    });
    const clusterIPs = doc.sets.find((s) => s.name === 'cluster-ips');
    assert.equal(clusterIPs?.kind, 'set');
    assert.deepEqual(
      clusterIPs.elements.map((e) => e.key),
      ['172.30.0.41', '172.30.0.42', '172.30.0.43', '172.30.0.44', '172.30.0.45', '172.30.0.46'],
    );
  });

  void it('rules: comment, match, jump, inline numgen vmap, dnat, masquerade, mangle', () => {
    const rule = (handle: number) => doc.rules.find((r) => r.handle === handle);
    const shortCircuit = rule(73);
    assert.equal(shortCircuit?.comment, 'masquerade local traffic');
    assert.deepEqual(shortCircuit.statements, [
      {
        kind: 'match',
        op: '==',
        left: { fib: { result: 'type', flags: ['saddr'] } },
        right: 'local',
      },
      { kind: 'verdict', verdict: { kind: 'jump', target: 'mark-for-masquerade' } },
    ]);
    const numgen = rule(86)?.statements[0];
    assert.equal(numgen?.kind, 'vmap');
    assert.equal(numgen.map, null);
    assert.deepEqual(
      numgen.entries.map((e) => [e.key, e.verdict?.target]),
      [
        [0, 'endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80'],
        [1, 'endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80'],
      ],
    );
    assert.deepEqual(rule(83)?.statements[1], {
      kind: 'nat',
      type: 'dnat',
      addr: '10.180.0.3',
      port: 80,
      family: null,
      flags: [],
    });
    assert.deepEqual(rule(55)?.statements, [
      {
        kind: 'nat',
        type: 'masquerade',
        addr: null,
        port: null,
        family: null,
        flags: ['fully-random'],
      },
    ]);
    assert.deepEqual(rule(52)?.statements[0], {
      kind: 'mangle',
      key: { meta: { key: 'mark' } },
      value: { '|': [{ meta: { key: 'mark' } }, 16384] },
    });
    // No kube-proxy rule has a counter statement, so no rule has counters.
    assert.ok(doc.rules.every((r) => r.counters === null));
  });

  void it('affinity `update` statements are kept as they are', () => {
    const update = doc.rules.find((r) => r.handle === 100)?.statements[0];
    assert.equal(update?.kind, 'other');
    assert.equal(update.name, 'set');
  });
});

void describe('parseNftJson: other renderings', () => {
  const kubeProxy = fixtureEntries(FIXTURES[0] ?? '');

  void it('`nft -j list ruleset`: only the kube-proxy tables are kept', () => {
    const foreign: NftJson[] = [
      { table: { family: 'ip', name: 'nat', handle: 2 } },
      {
        chain: {
          family: 'ip',
          table: 'nat',
          name: 'POSTROUTING',
          handle: 1,
          type: 'nat',
          hook: 'postrouting',
          prio: 100,
          policy: 'accept',
        },
      },
      {
        rule: {
          family: 'ip',
          table: 'nat',
          chain: 'POSTROUTING',
          handle: 3,
          expr: [{ masquerade: null }],
        },
      },
      { table: { family: 'inet', name: 'filter', handle: 3 } },
      { flowtable: { family: 'inet', table: 'filter', name: 'ft', hook: 'ingress', prio: 0 } },
    ];
    const ruleset = parseNftJson(nftText([...kubeProxy, ...foreign]), 'ruleset');
    const alone = parseNftJson(nftText(kubeProxy), 'ruleset');
    assert.deepEqual(ruleset, alone);
  });

  void it('two documents on their own lines (ip and ip6 dumps in one file)', () => {
    const ip6 = kubeProxy.map(
      (entry) =>
        JSON.parse(JSON.stringify(entry).replaceAll('"family":"ip"', '"family":"ip6"')) as NftJson,
    );
    const doc = parseNftJson(`${nftText(kubeProxy)}\n${nftText(ip6)}\n`, 'both');
    assert.deepEqual(
      doc.tables.map((t) => t.family),
      ['ip', 'ip6'],
    );
    assert.equal(doc.rules.length, 114);
  });

  void it('counters on rules and elements; unknown statements and objects are kept', () => {
    const doc = parseNftJson(
      nftText([
        { table: { family: 'ip6', name: 'kube-proxy', handle: 4 } },
        {
          map: {
            family: 'ip6',
            table: 'kube-proxy',
            name: 'no-endpoint-nodeports',
            type: ['inet_proto', 'inet_service'],
            map: 'verdict',
            flags: 'interval',
            elem: [
              [
                {
                  elem: {
                    val: { concat: ['udp', 30053] },
                    comment: 'dns/resolver:dns',
                    counter: { packets: 3, bytes: 180 },
                  },
                },
                { drop: null },
              ],
            ],
          },
        },
        {
          rule: {
            family: 'ip6',
            table: 'kube-proxy',
            chain: 'c',
            expr: [
              { counter: { packets: 7, bytes: 420 } },
              { xt: { type: 'match', name: 'comment' } },
              { accept: null },
            ],
          },
        },
        { 'ct helper': { family: 'ip6', table: 'kube-proxy', name: 'h', type: 'ftp' } },
      ]),
      'counters',
    );
    const element = doc.sets[0]?.elements[0];
    assert.deepEqual(element?.counters, { packets: 3, bytes: 180 });
    assert.equal(element.comment, 'dns/resolver:dns');
    assert.deepEqual(doc.sets[0]?.flags, ['interval']);
    const rule = doc.rules[0];
    assert.deepEqual(rule?.counters, { packets: 7, bytes: 420 });
    assert.equal(rule.handle, null);
    assert.deepEqual(rule.statements[1], {
      kind: 'other',
      name: 'xt',
      body: { type: 'match', name: 'comment' },
    });
    assert.deepEqual(
      doc.others.map((o) => o.kind),
      ['ct helper'],
    );
  });
});

void describe('parseNftJson: errors say where and why', () => {
  const cases: { name: string; text: string; message: RegExp; path: string }[] = [
    {
      name: 'not JSON at all',
      text: 'table ip kube-proxy {\n',
      message: /^dump(:1)?: \$: invalid JSON/,
      path: '$',
    },
    {
      name: 'truncated JSON',
      text: '{"nftables": [{"table": {"family": "ip", "name": "kube-proxy"',
      message: /^dump(:1)?: \$: invalid JSON/,
      path: '$',
    },
    {
      name: 'no nftables array',
      text: '{"tables": []}',
      message: /^dump:1: \$\.nftables: expected an array: undefined$/,
      path: '$.nftables',
    },
    {
      name: 'an entry with two keys',
      text: '{"nftables": [{"table": {}, "chain": {}}]}',
      message: /^dump:1: nftables\[0\]: expected an object with one key, got 2: /,
      path: 'nftables[0]',
    },
    {
      name: 'a rule without expr',
      text: nftText([
        { rule: { family: 'ip', table: 'kube-proxy', chain: 'services', handle: 9 } },
      ]),
      message: /^dump:1: nftables\[0\]\.rule\.expr: expected an array: undefined$/,
      path: 'nftables[0].rule.expr',
    },
    {
      name: 'a goto without a target',
      text: nftText([
        { rule: { family: 'ip', table: 'kube-proxy', chain: 'x', expr: [{ goto: {} }] } },
      ]),
      message: /nftables\[0\]\.rule\.expr\[0\]\.goto: jump\/goto without a target chain: \{\}$/,
      path: 'nftables[0].rule.expr[0].goto',
    },
    {
      name: 'a map element that is not [key, value]',
      text: nftText([
        {
          map: {
            family: 'ip',
            table: 'kube-proxy',
            name: 'service-ips',
            type: 'ipv4_addr',
            map: 'verdict',
            elem: ['1.2.3.4'],
          },
        },
      ]),
      message: /nftables\[0\]\.map\.elem\[0\]: expected an array: "1\.2\.3\.4"$/,
      path: 'nftables[0].map.elem[0]',
    },
    {
      name: 'a negative handle',
      text: nftText([{ table: { family: 'ip', name: 'kube-proxy', handle: -1 } }]),
      message: /nftables\[0\]\.table\.handle: expected a non-negative integer: -1$/,
      path: 'nftables[0].table.handle',
    },
    {
      name: 'the second of two documents is bad',
      text: `${nftText([])}\n{"nftables": 3}\n`,
      message: /^dump:2: \$\.nftables: expected an array: 3$/,
      path: '$.nftables',
    },
  ];
  for (const { name, text, message, path } of cases) {
    void it(name, () => {
      assert.throws(
        () => parseNftJson(text, 'dump'),
        (error: unknown) => {
          assert.ok(error instanceof NftJsonParseError, String(error));
          assert.match(error.message, message);
          assert.equal(error.path, path);
          assert.equal(error.source, 'dump');
          return true;
        },
      );
    });
  }

  void it('objects of other tables are not validated (a ruleset may hold anything)', () => {
    const doc = parseNftJson(nftText([{ rule: { family: 'ip', table: 'nat', chain: 'x' } }]), 'd');
    assert.deepEqual(doc.rules, []);
  });
});

void describe('parseNftJson: fuzzing', () => {
  const entries = FIXTURES.flatMap(fixtureEntries);

  /** Parses, or throws only NftJsonParseError; whatever parses, the model builds from. */
  function checkInvariants(text: string): void {
    let doc: NftDocument;
    try {
      doc = parseNftJson(text, 'fuzz');
    } catch (error) {
      assert.ok(error instanceof NftJsonParseError, String(error));
      assert.ok(error.message.startsWith('fuzz'), error.message);
      return;
    }
    buildNftablesModel(doc);
  }

  const jsonValue: fc.Arbitrary<NftJson> = fc.jsonValue() as fc.Arbitrary<NftJson>;

  /** Replaces, deletes or wraps one node of a JSON tree, chosen by `pick`. */
  function mutate(value: NftJson, pick: number, replacement: NftJson, mode: number): NftJson {
    let counter = 0;
    const walk = (node: NftJson): NftJson => {
      if (counter++ === pick) {
        if (mode === 0) return replacement;
        if (mode === 1) return [node, replacement];
        if (mode === 2) return { [JSON.stringify(replacement)]: node };
        return null;
      }
      if (Array.isArray(node)) return node.map(walk);
      if (node !== null && typeof node === 'object') {
        const out: Record<string, NftJson> = {};
        for (const [key, child] of Object.entries(node)) {
          if (mode === 3 && counter === pick) {
            counter++;
            continue;
          }
          out[key] = walk(child);
        }
        return out;
      }
      return node;
    };
    return walk(value);
  }

  void it('never throws anything but NftJsonParseError on mutated fixture objects', () => {
    const mutated = fc
      .array(
        fc.tuple(
          fc.constantFrom(...entries),
          fc.option(fc.tuple(fc.nat(60), jsonValue, fc.nat(3)), { nil: undefined }),
        ),
        { maxLength: 40 },
      )
      .map((list) =>
        nftText(
          list.map(([entry, m]) => (m === undefined ? entry : mutate(entry, m[0], m[1], m[2]))),
        ),
      );
    fc.assert(fc.property(mutated, checkInvariants), { numRuns: 500 });
  });

  void it('never throws anything but NftJsonParseError on truncated or spliced text', () => {
    const text = readFixture(FIXTURES[2] ?? '');
    fc.assert(
      fc.property(fc.nat(text.length), fc.nat(text.length), fc.string(), (a, b, junk) => {
        checkInvariants(text.slice(0, Math.min(a, b)) + junk + text.slice(Math.max(a, b)));
      }),
      { numRuns: 300 },
    );
  });

  void it('never throws anything but NftJsonParseError on arbitrary JSON', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        checkInvariants(JSON.stringify({ nftables: [value] }));
        checkInvariants(JSON.stringify(value));
      }),
      { numRuns: 300 },
    );
  });
});
