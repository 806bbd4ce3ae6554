// The JSON of the web UI's own endpoints (/api/v1/ui/*). No imports: the page's sources (web/)
// import these types too, so the server and the page cannot disagree on a field.

/** GET /api/v1/ui/status: what the empty states of the page need to say what to do. */
export interface UiStatusJson {
  /** Null when ready; otherwise why not (e.g. "rebuilding correlation from the store"). */
  notReady: string | null;
  /** Agents with an open stream now. */
  agentsConnected: number;
}

/** A client address (or the upstream load balancer / proxy) that sent flows to the Service. */
export interface PathClientJson {
  /** The client IP, or null for the group of clients beyond the busiest ones. */
  ip: string | null;
  /** Inside --upstream-cidr: a NAT load balancer or proxy that had already replaced the client. */
  upstream: boolean;
  flows: number;
}

/** The rule that rewrote the source on a node, with how many flows it rewrote. */
export interface PathRuleJson {
  table: string;
  chain: string;
  rule: string;
  flows: number;
}

/** Client → entry node: flows, and how many came from upstream (client already replaced). */
export interface ClientEdgeJson {
  /** PathClientJson.ip of the client end (null: the other clients). */
  client: string | null;
  entryNode: string;
  flows: number;
}

/** Entry node → backend: flows, and the source rewrite (SNAT) on the entry node if any. */
export interface BackendEdgeJson {
  entryNode: string;
  /** The backend pod's IP address. */
  backend: string;
  flows: number;
  /** Flows whose source the entry node rewrote. */
  snatFlows: number;
  /** Flows per cause name (None, ClusterPolicyMasquerade, …). */
  causes: Record<string, number>;
  /** The rules that rewrote the source, busiest first. */
  rules: PathRuleJson[];
}

/** A backend pod of the Service as its flows show it. */
export interface PathBackendJson {
  ip: string;
  /** "namespace/name" when the agent knew the pod, else null. */
  pod: string | null;
  /** The node that hosts it (from the stitched backend half), else null. */
  node: string | null;
  flows: number;
}

/** GET /api/v1/ui/service-paths: the path diagram of one Service port. */
export interface ServicePathsJson {
  /** "namespace/name:port" as asked. */
  service: string;
  protocol: string;
  /** Entry flows counted (at most the scan limit). */
  flows: number;
  /** True when more flows matched than were counted: the counts are of the most recent ones. */
  truncated: boolean;
  clients: PathClientJson[];
  entryNodes: { node: string; flows: number }[];
  backends: PathBackendJson[];
  clientEdges: ClientEdgeJson[];
  backendEdges: BackendEdgeJson[];
}
