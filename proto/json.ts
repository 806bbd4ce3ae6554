// The NDJSON record contract (ARCHITECTURE.md): the proto3 JSON mapping of FlowRecord and
// ServiceState with enum names as strings, every field present, unknown optionals as null, and a
// leading "kind" that tells the record types apart.
import { v1 } from './index.js';

/** One NDJSON object of the record contract. */
export type ContractJson = Record<string, unknown>;

const conversion = { enums: String, longs: Number, defaults: true, arrays: true } as const;

// Key order of the contract's examples, so that people reading NDJSON find fields where the docs
// show them; fields not listed follow in proto order.
const FLOW_ORDER = [
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
];
const SERVICE_ORDER = [
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
];

function ordered(object: Record<string, unknown>, order: readonly string[]): ContractJson {
  const result: ContractJson = {};
  for (const key of order) if (key in object) result[key] = object[key];
  for (const [key, value] of Object.entries(object)) if (!(key in result)) result[key] = value;
  return result;
}

// Fields that only make sense on the entry half of a connection.
const ENTRY_ONLY = ['client', 'entry', 'entryKind', 'snat', 'cause'] as const;

function withNulls(
  object: Record<string, unknown>,
  optional: readonly string[],
): Record<string, unknown> {
  for (const key of optional) object[key] ??= null;
  return object;
}

/** Maps a flow record to its contract JSON object (`kind` "flow" or "backend"). */
export function flowToJson(record: v1.IFlowRecord): ContractJson {
  const object = v1.FlowRecord.toObject(v1.FlowRecord.fromObject(record), conversion) as Record<
    string,
    unknown
  >;
  withNulls(object, ['endpointLocal', 'entryNode', 'backendNode']);
  if (record.kind === v1.FlowRecord.Kind.backend) {
    for (const key of ENTRY_ONLY) object[key] = null;
  }
  return ordered(object, FLOW_ORDER);
}

/** Maps a service state to its contract JSON object (`kind` "service"). */
export function serviceToJson(state: v1.IServiceState): ContractJson {
  const object = v1.ServiceState.toObject(v1.ServiceState.fromObject(state), conversion) as Record<
    string,
    unknown
  >;
  withNulls(object, ['nodePort', 'healthCheckNodePort']);
  const endpoints = object.endpoints as Record<string, unknown>[];
  for (const endpoint of endpoints) withNulls(endpoint, ['local']);
  return ordered({ kind: 'service', ...object }, SERVICE_ORDER);
}
