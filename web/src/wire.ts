// The query API's JSON as the page reads it (the proto's JSON mapping, proto/json.ts); the UI's own
// endpoints are typed in collector/ui/wire.ts, shared with the server.
export type { BackendEdgeJson, ServicePathsJson, UiStatusJson } from '../../collector/ui/wire.js';

export interface HostPortJson {
  ip: string;
  port: number;
}

export interface ServicePortJson {
  namespace: string;
  name: string;
  port: string;
}

/** One entry flow (kind "flow") of /api/v1/flows. */
export interface FlowJson {
  kind: 'flow' | 'backend';
  node: string;
  protocol: string;
  client: HostPortJson | null;
  entry: HostPortJson | null;
  entryKind: string | null;
  backend: HostPortJson | null;
  observedSource: HostPortJson | null;
  snat: boolean | null;
  cause: string | null;
  service: ServicePortJson | null;
  externalTrafficPolicy: string;
  proxyMode: string;
  state: string;
  observedAt: number;
  closed: boolean;
  entryNode: string | null;
  backendNode: string | null;
  snatRule: { table: string; chain: string; rule: string } | null;
  backendPod: { namespace: string; name: string } | null;
  clientNode: string | null;
  socketObserved: HostPortJson | null;
}

export interface FindingJson {
  severity: string;
  service: ServicePortJson | null;
  code: string;
  explanation: string;
  fix: string;
  nodes: string[];
}

/** One Service port of /api/v1/services. */
export interface ServiceSummaryJson {
  service: ServicePortJson;
  protocol: string;
  externalTrafficPolicy: string;
  flows: number;
  snatFlows: number;
  upstreamFlows: number;
  keptFlows: number;
  preservedRatio: number | null;
  nodePreservedRatio: number | null;
  verdict: string;
  entryNodes: string[];
  backendNodes: string[];
  nodes: string[];
  nodesWithLocalEndpoints: string[];
  nodesDroppingWithoutLocalEndpoints: string[];
  nodesForwardingWithoutLocalEndpoints: string[];
  findings: FindingJson[];
  causes: Record<string, number>;
  nodePort: number | null;
  lastSeen: number;
}
