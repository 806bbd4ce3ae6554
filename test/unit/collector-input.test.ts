// What the collector accepts from agents (validate.ts) and from API callers (http-api.ts query
// parameters): table-driven, each case named for the mistake it catches.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  API_LIMITS,
  BadQuery,
  decodeCursor,
  encodeCursor,
  flowFilter,
  parseTimeParameter,
} from '../../collector/http-api.js';
import { checkFlowRecord, checkMessage } from '../../collector/validate.js';
import { v1 } from '../../proto/index.js';

const { Kind } = v1.FlowRecord;

const good: v1.IFlowRecord = {
  kind: Kind.flow,
  node: 'n1',
  protocol: 'tcp',
  client: { ip: '198.51.100.50', port: 40000 },
  entry: { ip: '203.0.113.11', port: 30080 },
  backend: { ip: '10.244.2.10', port: 8080 },
  observedSource: { ip: '203.0.113.11', port: 1024 },
  service: { namespace: 'shop', name: 'api', port: 'http' },
  observedAt: 1_700_000_000,
};

describe('checkFlowRecord', () => {
  const cases: { name: string; record: v1.IFlowRecord; problem: RegExp | null }[] = [
    { name: 'a complete entry flow', record: good, problem: null },
    {
      name: 'a backend half without client or entry',
      record: { ...good, kind: Kind.backend, client: null, entry: null },
      problem: null,
    },
    {
      name: 'a closed record carrying only its identity',
      record: {
        kind: Kind.flow,
        node: 'n1',
        protocol: 'udp',
        closed: true,
        observedAt: 1,
        client: good.client,
        entry: good.entry,
      },
      problem: null,
    },
    {
      name: 'another node’s record',
      record: { ...good, node: 'n2' },
      problem: /not the stream's node "n1"/,
    },
    {
      name: 'a bad address',
      record: { ...good, backend: { ip: '10.244.2', port: 1 } },
      problem: /backend\.ip "10\.244\.2"/,
    },
    {
      name: 'a port above 65535',
      record: { ...good, entry: { ip: '203.0.113.11', port: 70000 } },
      problem: /entry\.port 70000/,
    },
    {
      name: 'an unknown protocol',
      record: { ...good, protocol: 'icmp' },
      problem: /protocol "icmp"/,
    },
    { name: 'no Service', record: { ...good, service: null }, problem: /service/ },
    {
      name: 'an entry flow without a client',
      record: { ...good, client: null },
      problem: /client is missing/,
    },
    {
      name: 'an unknown cause',
      record: { ...good, cause: 42 as unknown as v1.FlowRecord.Cause },
      problem: /cause/,
    },
    { name: 'no observation time', record: { ...good, observedAt: 0 }, problem: /observedAt/ },
    {
      name: 'a closed record without its identity',
      record: { kind: Kind.flow, node: 'n1', protocol: 'tcp', closed: true, observedAt: 1 },
      problem: /client is missing/,
    },
  ];
  for (const c of cases) {
    it(c.problem ? `refuses ${c.name}` : `accepts ${c.name}`, () => {
      const problem = checkFlowRecord(c.record, 'n1');
      if (c.problem === null) assert.equal(problem, null);
      else assert.match(problem?.reason ?? 'accepted', c.problem);
    });
  }

  it('names the record and refuses a non-positive sequence', () => {
    const bad = { ...good, protocol: 'gre' };
    assert.match(
      checkMessage(3, { records: [good, bad] }, 'n1')?.reason ?? '',
      /^record 1: protocol/,
    );
    assert.equal(checkMessage(0, { records: [good] }, 'n1')?.code, 'sequence');
    assert.equal(checkMessage(1, { records: [good] }, 'n1'), null);
  });
});

describe('flows API parameters', () => {
  const now = 1_800_000_000;
  it('reads durations, RFC 3339 and epoch seconds', () => {
    assert.equal(parseTimeParameter('since', '1h', now), now - 3600);
    assert.equal(
      parseTimeParameter('since', '2026-11-28T12:00:00Z', now),
      Date.parse('2026-11-28T12:00:00Z') / 1000,
    );
    assert.equal(parseTimeParameter('until', '1700000000', now), 1_700_000_000);
    assert.throws(() => parseTimeParameter('since', 'yesterday', now), /since=yesterday: expected/);
  });

  it('builds a store filter and refuses what it cannot use', () => {
    const filter = flowFilter(
      { client: '2001:DB8::1', service: 'shop/api', node: 'n1', since: '1h', limit: 5 },
      now,
    );
    assert.deepEqual(filter, {
      limit: 5,
      client: '2001:db8::1',
      service: 'shop/api',
      node: 'n1',
      since: now - 3600,
    });
    assert.equal(flowFilter({}, now).limit, API_LIMITS.defaultPageSize);
    assert.throws(() => flowFilter({ client: 'nope' }, now), BadQuery);
    assert.throws(() => flowFilter({ service: 'api' }, now), /namespace\/name/);
    assert.throws(() => flowFilter({ cursor: 'bm9wZQ' }, now), /cursor=bm9wZQ: not a cursor/);
  });

  it('keeps the dotted tail of an IPv4-mapped client, the form the store keeps', () => {
    assert.equal(flowFilter({ client: '::ffff:198.51.100.7' }, now).client, '::ffff:198.51.100.7');
    assert.equal(flowFilter({ client: '::FFFF:c633:6407' }, now).client, '::ffff:198.51.100.7');
  });

  it('round-trips a cursor and refuses forged ones', () => {
    const cursor = { firstSeen: 1_700_000_000.123456, id: 42 };
    assert.deepEqual(decodeCursor(encodeCursor(cursor)), cursor);
    const forged = (value: unknown): string =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const text of ['', '!!', forged([1]), forged([1, 1.5]), forged(['1', 2]), forged({})]) {
      assert.throws(() => decodeCursor(text), BadQuery, text);
    }
  });
});
