// The rules that turn one Service's numbers into findings: what went wrong with the client IP,
// with the numbers that show it and the change that fixes it. Pure: the correlator builds the view.
import { v1 } from '../proto/index.js';

const { Cause } = v1.FlowRecord;

/** Entry flows of one Service that entered on one node. */
export interface NodeFlows {
  flows: number;
  /** Flows per cause, indexed by `v1.FlowRecord.Cause`. */
  causes: readonly number[];
  /**
   * Local-policy flows from outside the node (not LocalOrigin) that went to an endpoint on
   * another node: only a node that forwards without a local endpoint does that.
   */
  remoteEndpointFlows: number;
}

/** One node's programming of the Service (from its latest service state). */
export interface NodeServiceState {
  node: string;
  localEndpoints: number;
  /** Packets counted by kube-proxy's "has no local endpoints" drop rule. */
  droppedPackets: number;
  /** Local policy, no local endpoint, and the node still sends external traffic to remote ones. */
  forwardsWithoutLocalEndpoints: boolean;
}

/** One of the busiest client addresses of a Service. */
export interface ClientShare {
  ip: string;
  /** Flows from this address; a lower bound (top-k counting). */
  flows: number;
  /** The address is inside an `--upstream-cidr` (a known load balancer or proxy). */
  upstream: boolean;
}

/** What the rules read about one Service port. */
export interface ServiceView {
  service: v1.IServicePortName;
  protocol: string;
  policy: v1.TrafficPolicy;
  healthCheckNodePort: number | null;
  /** Entry flows counted (each connection once). */
  flows: number;
  /** Flows per cause, indexed by `v1.FlowRecord.Cause`. */
  causes: readonly number[];
  entryNodes: ReadonlyMap<string, NodeFlows>;
  nodeStates: readonly NodeServiceState[];
  /** Flows whose client is inside an `--upstream-cidr`. */
  upstreamFlows: number;
  /** The busiest client addresses, most flows first. */
  topClients: readonly ClientShare[];
}

/** Finding codes, stable: dashboards and alerts match on them. */
export const FindingCode = {
  ClusterPolicyMasquerade: 'ClusterPolicyMasquerade',
  LocalPolicyTrafficToNodesWithoutEndpoints: 'LocalPolicyTrafficToNodesWithoutEndpoints',
  LocalPolicyNoLocalEndpointForwarded: 'LocalPolicyNoLocalEndpointForwarded',
  ClientIpLostUpstream: 'ClientIpLostUpstream',
  OtherSnat: 'OtherSnat',
} as const;

/** Severity of a finding, worst first. */
export const SEVERITIES = ['critical', 'warning', 'info'] as const;

/** A finding's severity. */
export type Severity = (typeof SEVERITIES)[number];

/** A single source of "nearly all flows" is suspected only from this many flows on. */
export const SUSPECTED_UPSTREAM_MIN_FLOWS = 50;
/** Share of flows from the top one or two client addresses that suggests an SNAT proxy. */
export const SUSPECTED_UPSTREAM_SHARE = 0.95;

/** The findings for one Service port, worst first. */
export function findingsFor(view: ServiceView): v1.IFinding[] {
  const findings = [
    localPolicyWithoutEndpoints(view),
    localPolicyForwarded(view),
    clusterPolicyMasquerade(view),
    otherSnat(view),
    clientIpLostUpstream(view),
  ].filter((finding): finding is v1.IFinding => finding !== null);
  return findings.sort(
    (a, b) =>
      SEVERITIES.indexOf(a.severity as Severity) - SEVERITIES.indexOf(b.severity as Severity),
  );
}

function clusterPolicyMasquerade(view: ServiceView): v1.IFinding | null {
  const masqueraded = view.causes[Cause.ClusterPolicyMasquerade] ?? 0;
  if (view.policy !== v1.TrafficPolicy.Cluster || masqueraded === 0) return null;
  return finding(view, 'warning', FindingCode.ClusterPolicyMasquerade, {
    explanation:
      `${of(masqueraded, view.flows)} flows of ${name(view)} reached backends with a node address as ` +
      `source: kube-proxy masquerades external traffic of a Service with ` +
      `externalTrafficPolicy: Cluster, so the backends saw node IPs, not client IPs.`,
    fix:
      `Set externalTrafficPolicy: Local on ${serviceObject(view)} and run endpoints on every ` +
      `node the load balancer sends to (the load balancer must health-check each node's ` +
      `healthCheckNodePort so it skips nodes without endpoints); or keep Cluster and carry the ` +
      `client address in the PROXY protocol or an X-Forwarded-For header.`,
    nodes: nodesWithCause(view, Cause.ClusterPolicyMasquerade),
  });
}

function localPolicyWithoutEndpoints(view: ServiceView): v1.IFinding | null {
  if (view.policy !== v1.TrafficPolicy.Local) return null;
  const empty = view.nodeStates.filter((state) => state.localEndpoints === 0);
  const dropping = empty.filter((state) => state.droppedPackets > 0);
  // Traffic the node itself originates may use remote endpoints under Local; that is not the LB.
  const entering = empty
    .map((state) => {
      const counts = view.entryNodes.get(state.node);
      const flows = counts ? counts.flows - (counts.causes[Cause.LocalOrigin] ?? 0) : 0;
      return { node: state.node, flows };
    })
    .filter((entry) => entry.flows > 0);
  if (dropping.length === 0 && entering.length === 0) return null;
  const nodes = sorted([...dropping.map((s) => s.node), ...entering.map((e) => e.node)]);
  const packets = dropping.reduce((sum, state) => sum + state.droppedPackets, 0);
  const flows = entering.reduce((sum, entry) => sum + entry.flows, 0);
  const evidence = [
    dropping.length > 0
      ? `${plural(packets, 'packet')} dropped by kube-proxy's "has no local endpoints" rule on ` +
        list(dropping.map((s) => s.node))
      : '',
    entering.length > 0
      ? `${plural(flows, 'flow')} entered on ${list(entering.map((e) => e.node))}`
      : '',
  ]
    .filter((text) => text !== '')
    .join(', and ');
  const withEndpoints = sorted(
    view.nodeStates.filter((s) => s.localEndpoints > 0).map((s) => s.node),
  );
  const hc = view.healthCheckNodePort;
  const cause =
    hc === null
      ? 'traffic is sent to nodes without an endpoint.'
      : `the load balancer ignores healthCheckNodePort ${hc}, which answers 503 on nodes ` +
        `without an endpoint.`;
  const forwarding = entering.filter((entry) => forwards(view, entry.node)).map((e) => e.node);
  // IPVS nodes forward instead of dropping: their own finding says what that does.
  const fate =
    forwarding.length === 0
      ? 'Under Local such traffic is dropped'
      : `Under Local such traffic is dropped (${list(forwarding)} forward it to other nodes ` +
        `instead: see ${FindingCode.LocalPolicyNoLocalEndpointForwarded})`;
  const pin =
    withEndpoints.length > 0
      ? `send traffic only to the nodes with endpoints (${list(withEndpoints)})`
      : 'send traffic only to nodes with endpoints (no node has one now)';
  return finding(view, 'critical', FindingCode.LocalPolicyTrafficToNodesWithoutEndpoints, {
    explanation:
      `${name(view)} has externalTrafficPolicy: Local, but nodes without a local endpoint ` +
      `receive its traffic: ${evidence}. ${fate}; ${cause}`,
    fix:
      hc === null
        ? `Make the load balancer (or the clients of the NodePort) ${pin}.`
        : `Make the load balancer health-check http://<node>:${hc}/healthz (kube-proxy answers ` +
          `200 only on nodes with a local endpoint), or ${pin}.`,
    nodes,
  });
}

function forwards(view: ServiceView, node: string): boolean {
  return view.nodeStates.some((s) => s.node === node && s.forwardsWithoutLocalEndpoints);
}

function localPolicyForwarded(view: ServiceView): v1.IFinding | null {
  if (view.policy !== v1.TrafficPolicy.Local) return null;
  const nodes = sorted(
    view.nodeStates.filter((s) => s.forwardsWithoutLocalEndpoints).map((s) => s.node),
  );
  if (nodes.length === 0) return null;
  const forwarded = nodes.reduce(
    (sum, node) => sum + (view.entryNodes.get(node)?.remoteEndpointFlows ?? 0),
    0,
  );
  const seen =
    forwarded > 0
      ? `${plural(forwarded, 'external flow')} entered there and went to a remote endpoint.`
      : 'No external flow was seen taking that path yet.';
  return finding(view, 'warning', FindingCode.LocalPolicyNoLocalEndpointForwarded, {
    explanation:
      `${name(view)} has externalTrafficPolicy: Local, but ${list(nodes)} ` +
      `${nodes.length === 1 ? 'has' : 'have'} no local endpoint and still send${nodes.length === 1 ? 's' : ''} ` +
      `external traffic to endpoints on other nodes (IPVS virtual servers with remote real ` +
      `servers only). Without masquerade the backend sees the client but answers from its own ` +
      `node, past this node's reverse NAT, so the client drops the reply and the connection ` +
      `breaks; with masquerade the backend sees a node address instead of the client. ${seen}`,
    fix:
      `Keep external traffic off ${list(nodes)}: make the load balancer health-check ` +
      (view.healthCheckNodePort === null
        ? `the Service's healthCheckNodePort`
        : `http://<node>:${view.healthCheckNodePort}/healthz`) +
      ` (200 only on nodes with a local endpoint). Then find why the virtual servers list remote ` +
      `real servers: \`ipvsadm -Ln -t <frontend>\` on the node; kube-proxy releases with ` +
      `kubernetes#97081 keep cluster endpoints there on purpose for the node's own pods, older or ` +
      `patched releases and hand-made ipvsadm entries should not. Running an endpoint on every ` +
      `node that receives traffic also ends it.`,
    nodes,
  });
}

function otherSnat(view: ServiceView): v1.IFinding | null {
  const snatted = view.causes[Cause.OtherSnat] ?? 0;
  if (snatted === 0) return null;
  const nodes = nodesWithCause(view, Cause.OtherSnat);
  return finding(view, 'warning', FindingCode.OtherSnat, {
    explanation:
      `${of(snatted, view.flows)} flows of ${name(view)} were source-NATed on ${list(nodes)} by ` +
      `a rule that is not kube-proxy's: the backends saw another address than the client's.`,
    fix:
      `On ${list(nodes)}, find the MASQUERADE/SNAT rule that is not kube-proxy's ` +
      `(iptables-save -t nat | grep -E 'MASQUERADE|SNAT' | grep -v KUBE-: a CNI's masquerade, ` +
      `ip-masq-agent, a hand-written rule) and exclude the Service's traffic (its endpoints or ` +
      `the pod CIDR as destination) from it.`,
    nodes,
  });
}

function clientIpLostUpstream(view: ServiceView): v1.IFinding | null {
  const proxyFix =
    'Enable the PROXY protocol on the load balancer and in the backend, or have the proxy add ' +
    'X-Forwarded-For and trust that header only from the proxy addresses.';
  if (view.upstreamFlows > 0) {
    return finding(view, 'warning', FindingCode.ClientIpLostUpstream, {
      explanation:
        `${of(view.upstreamFlows, view.flows)} flows of ${name(view)} came from addresses ` +
        `inside --upstream-cidr: the load balancer or proxy in front of the nodes replaced the ` +
        `client address before the traffic reached a node. The client IP was lost upstream, not ` +
        `on a node: these flows count as not kept even where the backend saw the address that ` +
        `reached the node.`,
      fix: proxyFix,
      nodes: sorted([...view.entryNodes.keys()]),
    });
  }
  if (view.flows < SUSPECTED_UPSTREAM_MIN_FLOWS) return null;
  const top = view.topClients.slice(0, 2);
  // One address may carry ≥ 95 % alone; then the second one is not part of the story.
  const first = top[0];
  const few = first && first.flows >= SUSPECTED_UPSTREAM_SHARE * view.flows ? [first] : top;
  const fromFew = few.reduce((sum, client) => sum + client.flows, 0);
  if (fromFew < SUSPECTED_UPSTREAM_SHARE * view.flows) return null;
  if (few.some((client) => client.upstream)) return null;
  const addresses = few.map((client) => client.ip);
  return finding(view, 'info', FindingCode.ClientIpLostUpstream, {
    explanation:
      `Suspected: ${of(fromFew, view.flows)} flows of ${name(view)} came from only ` +
      `${plural(addresses.length, 'client address', 'client addresses')} (${list(addresses)}): ` +
      `likely a load balancer with SNAT or an L7 proxy in front of the nodes. If so, list its ` +
      `addresses in --upstream-cidr.`,
    fix: proxyFix,
    nodes: sorted([...view.entryNodes.keys()]),
  });
}

function finding(
  view: ServiceView,
  severity: Severity,
  code: string,
  text: { explanation: string; fix: string; nodes: string[] },
): v1.IFinding {
  return { severity, service: view.service, code, ...text };
}

function nodesWithCause(view: ServiceView, cause: v1.FlowRecord.Cause): string[] {
  const nodes: string[] = [];
  for (const [node, counts] of view.entryNodes)
    if ((counts.causes[cause] ?? 0) > 0) nodes.push(node);
  return sorted(nodes);
}

/** "3 of 4 (75%)" */
function of(part: number, whole: number): string {
  const percent = whole > 0 ? Math.round((part / whole) * 1000) / 10 : 0;
  return `${part} of ${whole} (${percent}%)`;
}

function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

function list(items: readonly string[]): string {
  return items.join(', ');
}

function sorted(items: readonly string[]): string[] {
  return [...new Set(items)].sort();
}

/** "shop/api:http (tcp)" */
function name(view: ServiceView): string {
  const s = view.service;
  return `${s.namespace ?? ''}/${s.name ?? ''}:${s.port ?? ''} (${view.protocol})`;
}

/** "Service shop/api" */
function serviceObject(view: ServiceView): string {
  return `Service ${view.service.namespace ?? ''}/${view.service.name ?? ''}`;
}
