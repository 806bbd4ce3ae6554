// The hand-written flow JSON mapping must equal protobufjs' proto3 JSON mapping (plus the contract's
// nulls), for any record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { v1 } from '../../proto/index.js';
import { flowToJson, serviceToJson } from '../../proto/json.js';

const { Cause, EntryKind } = v1.FlowRecord;
const hostPort = fc.record({ ip: fc.ipV4(), port: fc.integer({ min: 0, max: 65535 }) });
const counters = fc.record({ packets: fc.nat(), bytes: fc.nat() });
const record: fc.Arbitrary<v1.IFlowRecord> = fc.record(
  {
    kind: fc.constantFrom(v1.FlowRecord.Kind.flow, v1.FlowRecord.Kind.backend),
    node: fc.string(),
    protocol: fc.constantFrom('tcp', 'udp', 'sctp'),
    client: hostPort,
    entry: hostPort,
    entryKind: fc.constantFrom(EntryKind.NodePort, EntryKind.LoadBalancer, EntryKind.ExternalIP),
    backend: hostPort,
    observedSource: hostPort,
    snat: fc.boolean(),
    cause: fc.constantFrom(
      Cause.None,
      Cause.ClusterPolicyMasquerade,
      Cause.LocalOrigin,
      Cause.Hairpin,
      Cause.OtherSnat,
    ),
    service: fc.record({ namespace: fc.string(), name: fc.string(), port: fc.string() }),
    externalTrafficPolicy: fc.constantFrom(v1.TrafficPolicy.Cluster, v1.TrafficPolicy.Local),
    proxyMode: fc.constantFrom(v1.ProxyMode.iptables, v1.ProxyMode.ipvs, v1.ProxyMode.nftables),
    endpointLocal: fc.option(fc.boolean()),
    state: fc.string(),
    conntrackId: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    observedAt: fc.double({ min: 0, max: 2e9, noNaN: true }),
    closed: fc.boolean(),
    originalCounters: fc.option(counters),
    replyCounters: fc.option(counters),
    zone: fc.integer({ min: 0, max: 65535 }),
    mark: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    entryNode: fc.option(fc.string()),
    backendNode: fc.option(fc.string()),
    snatRule: fc.option(fc.record({ table: fc.string(), chain: fc.string(), rule: fc.string() })),
    backendPod: fc.option(fc.record({ namespace: fc.string(), name: fc.string() })),
    clientNode: fc.option(fc.string()),
    socketObserved: fc.option(hostPort),
    sampleRate: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
    incarnation: fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  },
  { requiredKeys: ['kind'] },
);

/** What protobufjs maps the record to, with the contract's rules applied. */
function reference(r: v1.IFlowRecord): Record<string, unknown> {
  const object = v1.FlowRecord.toObject(v1.FlowRecord.fromObject(r), {
    enums: String,
    longs: Number,
    defaults: true,
  }) as Record<string, unknown>;
  for (const key of ['endpointLocal', 'entryNode', 'backendNode', 'clientNode']) {
    object[key] ??= null;
  }
  if (r.kind === v1.FlowRecord.Kind.backend) {
    for (const key of ['client', 'entry', 'entryKind', 'snat', 'cause', 'snatRule', 'clientNode']) {
      object[key] = null;
    }
  }
  return object;
}

describe('record JSON contract', () => {
  it('flowToJson equals the proto3 JSON mapping for any record', () => {
    fc.assert(
      fc.property(record, (r) => {
        assert.deepEqual(flowToJson(r), reference(r));
      }),
      { numRuns: 500 },
    );
  });

  it('flow keys come in the order of the contract example', () => {
    const keys = Object.keys(flowToJson({ kind: v1.FlowRecord.Kind.flow }));
    assert.deepEqual(keys.slice(0, 16), [
      'kind',
      'node',
      'protocol',
      'client',
      'entry',
      'entryKind',
      'backend',
      'observedSource',
      'snat',
      'cause',
      'service',
      'externalTrafficPolicy',
      'proxyMode',
      'endpointLocal',
      'state',
      'conntrackId',
    ]);
  });

  it('service records carry kind "service", null optionals and the contract fields', () => {
    const json = serviceToJson({
      node: 'n1',
      service: { namespace: 'shop', name: 'checkout', port: 'https' },
      protocol: 'tcp',
      externalTrafficPolicy: v1.TrafficPolicy.Local,
      endpoints: [
        { ip: '10.42.2.20', port: 8443, local: false },
        { ip: '10.42.1.5', port: 8443 },
      ],
      noLocalEndpointDrops: { packets: 3, bytes: 180 },
    });
    assert.deepEqual(Object.keys(json).slice(0, 12), [
      'kind',
      'node',
      'service',
      'protocol',
      'nodePort',
      'loadBalancerIPs',
      'externalIPs',
      'externalTrafficPolicy',
      'healthCheckNodePort',
      'endpoints',
      'localEndpoints',
      'noLocalEndpointDrops',
    ]);
    assert.equal(json.kind, 'service');
    assert.equal(json.nodePort, null);
    assert.equal(json.healthCheckNodePort, null);
    assert.equal(json.externalTrafficPolicy, 'Local');
    assert.deepEqual(json.endpoints, [
      { ip: '10.42.2.20', port: 8443, local: false },
      { ip: '10.42.1.5', port: 8443, local: null },
    ]);
    assert.deepEqual(json.noLocalEndpointDrops, { packets: 3, bytes: 180 });
  });
});
