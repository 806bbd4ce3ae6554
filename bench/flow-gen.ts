// Synthetic flow records as a cluster of agents would send them: entry flows on every node (mostly
// SNATed to a backend on the next node) and the matching backend halves on that next node, so the
// collector's stitching does real work. Deterministic: the same (node, index) gives the same flow.
import { v1 } from '../proto/index.js';

const SERVICES = 200;
const CLIENTS = 50_000;
const { Kind, EntryKind, Cause } = v1.FlowRecord;

const nodeName = (index: number): string => `node-${index}`;
const nodeIp = (index: number): string => `10.0.${index >> 8}.${index & 255}`;
const clientIp = (n: number): string => `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}`;
const podIp = (node: number, n: number): string => `10.244.${node}.${2 + (n % 250)}`;

/** Parameters shared by every simulated agent. */
export interface FlowGenCluster {
  nodes: number;
  /** Seconds since the epoch of the first flow. */
  start: number;
}

/** The entry flow number `index` of node `node` (kind flow). */
export function entryFlow(cluster: FlowGenCluster, node: number, index: number): v1.IFlowRecord {
  const service = (index * 7 + node) % SERVICES;
  const local = service % 4 === 0;
  const backendNode = local ? node : (node + 1) % cluster.nodes;
  const client = (index * 2_654_435_761 + node) % CLIENTS;
  const observedPort = 1024 + ((index + node * 7919) % 60_000);
  return {
    kind: Kind.flow,
    node: nodeName(node),
    protocol: 'tcp',
    client: { ip: clientIp(client), port: 32768 + (index % 28_000) },
    entry: { ip: nodeIp(node), port: 30000 + service },
    entryKind: EntryKind.NodePort,
    backend: { ip: podIp(backendNode, index), port: 8080 },
    observedSource: local
      ? { ip: clientIp(client), port: 32768 + (index % 28_000) }
      : { ip: nodeIp(node), port: observedPort },
    snat: !local,
    cause: local ? Cause.None : Cause.ClusterPolicyMasquerade,
    service: { namespace: `ns${service % 20}`, name: `svc${service}`, port: 'http' },
    externalTrafficPolicy: local ? v1.TrafficPolicy.Local : v1.TrafficPolicy.Cluster,
    proxyMode: v1.ProxyMode.iptables,
    endpointLocal: local,
    state: 'ESTABLISHED',
    conntrackId: (node * 100_000_007 + index) >>> 0,
    observedAt: cluster.start + index / 1000,
    closed: false,
    originalCounters: { packets: 3, bytes: 180 },
    replyCounters: { packets: 2, bytes: 120 },
  };
}

/** The backend half, on node (node + 1), of entry flow `index` of `node`; null when it was local. */
export function backendHalf(
  cluster: FlowGenCluster,
  node: number,
  index: number,
): v1.IFlowRecord | null {
  const entry = entryFlow(cluster, node, index);
  if (entry.endpointLocal) return null;
  const backendNode = (node + 1) % cluster.nodes;
  return {
    kind: Kind.backend,
    node: nodeName(backendNode),
    protocol: 'tcp',
    backend: entry.backend,
    observedSource: entry.observedSource,
    service: entry.service,
    externalTrafficPolicy: entry.externalTrafficPolicy,
    proxyMode: v1.ProxyMode.iptables,
    endpointLocal: true,
    state: 'ESTABLISHED',
    conntrackId: (backendNode * 100_000_007 + 50_000_000 + index) >>> 0,
    observedAt: (entry.observedAt ?? 0) + 0.001,
    closed: false,
  };
}

/**
 * Records `from`..`to` (exclusive) of one agent's stream: its entry flows interleaved with the
 * backend halves of the previous node's entry flows.
 */
export function agentRecords(
  cluster: FlowGenCluster,
  node: number,
  from: number,
  to: number,
): v1.IFlowRecord[] {
  const previous = (node + cluster.nodes - 1) % cluster.nodes;
  const records: v1.IFlowRecord[] = [];
  for (let index = from; index < to; index++) {
    records.push(entryFlow(cluster, node, index));
    const half = backendHalf(cluster, previous, index);
    if (half) records.push(half);
  }
  return records;
}

/** The name the generator gives node `index`. */
export { nodeName as genNodeName };
