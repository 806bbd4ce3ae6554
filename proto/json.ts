// The NDJSON record contract (ARCHITECTURE.md): the proto3 JSON mapping of FlowRecord and
// ServiceState with enum names as strings, every field present, unknown optionals as null, and a
// leading "kind" that tells the record types apart. Keys follow the contract's examples.
import { v1 } from './index.js';

/** One NDJSON object of the record contract. */
export type ContractJson = Record<string, unknown>;

type HostPortJson = { ip: string; port: number } | null;
type CountersJson = { packets: number; bytes: number } | null;

const hostPort = (value: v1.IHostPort | null | undefined): HostPortJson =>
  value ? { ip: value.ip ?? '', port: value.port ?? 0 } : null;
const counters = (value: v1.ICounters | null | undefined): CountersJson =>
  value ? { packets: value.packets ?? 0, bytes: value.bytes ?? 0 } : null;
const servicePort = (value: v1.IServicePortName | null | undefined): ContractJson | null =>
  value
    ? { namespace: value.namespace ?? '', name: value.name ?? '', port: value.port ?? '' }
    : null;

const ruleRef = (value: v1.IRuleRef | null | undefined): ContractJson | null =>
  value ? { table: value.table ?? '', chain: value.chain ?? '', rule: value.rule ?? '' } : null;
const objectRef = (value: v1.IObjectRef | null | undefined): ContractJson | null =>
  value ? { namespace: value.namespace ?? '', name: value.name ?? '' } : null;

const { Kind, EntryKind, Cause } = v1.FlowRecord;

/**
 * Maps a flow record to its contract JSON object (`kind` "flow" or "backend"). Written out by
 * hand because it runs for every flow (protobufjs' generic toObject was most of the agent's CPU);
 * a test checks it against toObject field by field. On backend halves the entry-side fields
 * (client, entry, entryKind, snat, cause, snatRule, clientNode) are null: that node cannot know
 * them.
 */
export function flowToJson(r: v1.IFlowRecord): ContractJson {
  const entrySide = r.kind !== Kind.backend;
  return {
    kind: Kind[r.kind ?? Kind.flow],
    node: r.node ?? '',
    protocol: r.protocol ?? '',
    client: entrySide ? hostPort(r.client) : null,
    entry: entrySide ? hostPort(r.entry) : null,
    entryKind: entrySide ? EntryKind[r.entryKind ?? EntryKind.NodePort] : null,
    backend: hostPort(r.backend),
    observedSource: hostPort(r.observedSource),
    snat: entrySide ? (r.snat ?? false) : null,
    cause: entrySide ? Cause[r.cause ?? Cause.None] : null,
    service: servicePort(r.service),
    externalTrafficPolicy: v1.TrafficPolicy[r.externalTrafficPolicy ?? v1.TrafficPolicy.Cluster],
    proxyMode: v1.ProxyMode[r.proxyMode ?? v1.ProxyMode.iptables],
    endpointLocal: r.endpointLocal ?? null,
    state: r.state ?? '',
    conntrackId: r.conntrackId ?? 0,
    observedAt: r.observedAt ?? 0,
    closed: r.closed ?? false,
    originalCounters: counters(r.originalCounters),
    replyCounters: counters(r.replyCounters),
    zone: r.zone ?? 0,
    mark: r.mark ?? 0,
    entryNode: r.entryNode ?? null,
    backendNode: r.backendNode ?? null,
    snatRule: entrySide ? ruleRef(r.snatRule) : null,
    backendPod: objectRef(r.backendPod),
    clientNode: entrySide ? (r.clientNode ?? null) : null,
    socketObserved: hostPort(r.socketObserved),
    sampleRate: r.sampleRate ?? 0,
    incarnation: r.incarnation ?? 0,
  };
}

const conversion = { enums: String, longs: Number, defaults: true, arrays: true } as const;

// Key order of the contract's example; fields not listed follow in proto order.
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

/** Maps a service state to its contract JSON object (`kind` "service"). */
export function serviceToJson(state: v1.IServiceState): ContractJson {
  const object = v1.ServiceState.toObject(v1.ServiceState.create(state), conversion);
  object.kind = 'service';
  object.nodePort ??= null;
  object.healthCheckNodePort ??= null;
  for (const endpoint of object.endpoints as ContractJson[]) endpoint.local ??= null;
  const result: ContractJson = {};
  for (const key of SERVICE_ORDER) result[key] = object[key];
  for (const [key, value] of Object.entries(object)) if (!(key in result)) result[key] = value;
  return result;
}

/** Maps a finding to JSON (enum-free: every field present). */
export function findingToJson(finding: v1.IFinding): ContractJson {
  return v1.Finding.toObject(v1.Finding.create(finding), conversion);
}

/**
 * Maps a collector's per-Service summary to its contract JSON object (`kind` "service"): the
 * cluster-wide view, so `nodes` lists the reporting nodes instead of one `node`.
 */
export function summaryToJson(summary: v1.IServiceSummary): ContractJson {
  const object = v1.ServiceSummary.toObject(v1.ServiceSummary.create(summary), {
    ...conversion,
    objects: true,
  });
  object.preservedRatio ??= null;
  object.nodePreservedRatio ??= null;
  object.nodePort ??= null;
  object.healthCheckNodePort ??= null;
  return { kind: 'service', ...object };
}
