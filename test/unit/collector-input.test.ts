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
import {
  checkFlowRecord,
  checkHello,
  checkMessage,
  checkServiceState,
} from '../../collector/validate.js';
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
    {
      name: 'an unknown traffic policy (it would become a label)',
      record: { ...good, externalTrafficPolicy: 7 as unknown as v1.TrafficPolicy },
      problem: /externalTrafficPolicy 7 is unknown/,
    },
    {
      name: 'an unknown proxy mode',
      record: { ...good, proxyMode: 99 as unknown as v1.ProxyMode },
      problem: /proxyMode 99 is unknown/,
    },
    {
      name: 'a namespace that is no Kubernetes name',
      record: { ...good, service: { namespace: 'Shop!', name: 'api', port: 'http' } },
      problem: /namespace "Shop!"/,
    },
    {
      name: 'a Service name longer than 63 characters',
      record: { ...good, service: { namespace: 'shop', name: 'a'.repeat(64), port: '' } },
      problem: /service name "a{40}…"/,
    },
    {
      name: 'a port name that is no IANA service name',
      record: { ...good, service: { namespace: 'shop', name: 'api', port: 'HTTP web' } },
      problem: /service port "HTTP web"/,
    },
    {
      name: 'a numbered port and an SCTP state',
      record: {
        ...good,
        state: 'SHUTDOWN_ACK_SENT',
        service: { namespace: 'shop', name: 'api', port: '8080' },
      },
      problem: null,
    },
    {
      name: 'the rule, backend pod and client node the agent found',
      record: {
        ...good,
        snatRule: {
          table: 'nat',
          chain: 'KUBE-POSTROUTING',
          rule: '-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully',
        },
        backendPod: { namespace: 'shop', name: 'api-5d9c7b8f6-x2x7q' },
        clientNode: 'n3',
      },
      problem: null,
    },
    {
      name: 'a socket peer that is no address',
      record: { ...good, socketObserved: { ip: 'pod', port: 1 } },
      problem: /socketObserved\.ip "pod"/,
    },
    {
      name: 'a SNAT rule with control characters',
      record: { ...good, snatRule: { table: 'nat', chain: 'POSTROUTING', rule: '-j SNAT\u0000x' } },
      problem: /snatRule\.rule/,
    },
    {
      name: 'a SNAT rule without a chain',
      record: { ...good, snatRule: { table: 'nat', rule: '-j MASQUERADE' } },
      problem: /snatRule\.chain/,
    },
    {
      name: 'a backend pod that is no pod name',
      record: { ...good, backendPod: { namespace: 'shop', name: 'Api Pod' } },
      problem: /backendPod "shop\/Api Pod"/,
    },
    {
      name: 'a client node that is no node name',
      record: { ...good, clientNode: 'N_3' },
      problem: /clientNode "N_3"/,
    },
    {
      name: 'a closed record with a bad SNAT rule',
      record: { ...good, closed: true, snatRule: { table: '', chain: 'x', rule: 'y' } },
      problem: /snatRule\.table/,
    },
    {
      name: 'a state that is no conntrack state',
      record: { ...good, state: 'x'.repeat(30) },
      problem: /state "x+" is not a conntrack state/,
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

describe('checkServiceState and checkHello', () => {
  const state: v1.IServiceState = {
    node: 'n1',
    service: { namespace: 'shop', name: 'api', port: 'http' },
    protocol: 'tcp',
    nodePort: 30080,
    loadBalancerIPs: ['203.0.113.50'],
    endpoints: [{ ip: '10.244.1.5', port: 8080, local: true }],
  };
  const cases: { name: string; state: v1.IServiceState; problem: RegExp | null }[] = [
    { name: 'a NodePort Service with a local endpoint', state, problem: null },
    {
      name: 'an unknown traffic policy',
      state: { ...state, externalTrafficPolicy: 3 as unknown as v1.TrafficPolicy },
      problem: /externalTrafficPolicy 3/,
    },
    {
      name: 'an endpoint that is no address',
      state: { ...state, endpoints: [{ ip: 'pod-a', port: 80 }] },
      problem: /"pod-a" is not an IP address/,
    },
    {
      name: 'a node port out of range',
      state: { ...state, nodePort: 70000 },
      problem: /nodePort 70000/,
    },
    {
      name: 'a Local Service that forwards to its remote endpoint',
      state: {
        ...state,
        externalTrafficPolicy: v1.TrafficPolicy.Local,
        endpoints: [{ ip: '10.244.2.5', port: 8080, local: false }],
        forwardsWithoutLocalEndpoints: true,
      },
      problem: null,
    },
    {
      name: 'forwardsWithoutLocalEndpoints under Cluster policy',
      state: { ...state, forwardsWithoutLocalEndpoints: true },
      problem: /forwardsWithoutLocalEndpoints on a Service without Local policy/,
    },
    {
      name: 'forwardsWithoutLocalEndpoints with only local or unknown endpoints',
      state: {
        ...state,
        externalTrafficPolicy: v1.TrafficPolicy.Local,
        endpoints: [
          { ip: '10.244.1.5', port: 8080, local: true },
          { ip: '10.244.3.5', port: 8080 },
        ],
        forwardsWithoutLocalEndpoints: true,
      },
      problem: /no remote endpoint listed/,
    },
  ];
  for (const c of cases) {
    it(c.problem ? `refuses ${c.name}` : `accepts ${c.name}`, () => {
      const problem = checkServiceState(c.state, 'n1');
      if (c.problem === null) assert.equal(problem, null);
      else assert.match(problem?.reason ?? 'accepted', c.problem);
    });
  }

  it('refuses a hello whose node, boot id or mode cannot be a label', () => {
    assert.equal(
      checkHello({ node: 'node-1.example', bootId: 'b-1', agentVersion: '0.1.0' }),
      null,
    );
    assert.match(checkHello({ node: 'Node 1', bootId: 'b' })?.reason ?? '', /node name "Node 1"/);
    assert.match(checkHello({ node: 'n1', bootId: 'x'.repeat(200) })?.reason ?? '', /boot id/);
    assert.match(
      checkHello({ node: 'n1', bootId: 'b', proxyMode: 9 as unknown as v1.ProxyMode })?.reason ??
        '',
      /proxyMode 9/,
    );
    assert.match(checkHello({ node: '', bootId: 'b' })?.reason ?? '', /needs a node name/);
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
    const cursor = { firstSeen: 1_700_000_000.123456, key: '42' };
    assert.deepEqual(decodeCursor(encodeCursor(cursor)), cursor);
    const forged = (value: unknown): string =>
      Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const text of ['', '!!', forged([1]), forged([1, 1.5]), forged(['1', '2']), forged({})]) {
      assert.throws(() => decodeCursor(text), BadQuery, text);
    }
  });
});
