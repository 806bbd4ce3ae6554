// The path diagram of one Service port, counted from its flows: clients (or the upstream load
// balancer) → entry nodes → backend pods, with the source rewrite marked on the edge where a node
// made it. Pure: the route reads the flows, this only counts.
import { v1 } from '../../proto/index.js';
import type {
  BackendEdgeJson,
  ClientEdgeJson,
  PathBackendJson,
  PathClientJson,
  ServicePathsJson,
} from './wire.js';

const { Cause } = v1.FlowRecord;

/** Clients drawn one by one; the rest are one "other clients" box, so the picture stays readable. */
export const DIAGRAM_CLIENTS = 6;

function bump<K>(map: Map<K, number>, key: K, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}

const busiestFirst = <T extends { flows: number }>(a: T, b: T): number => b.flows - a.flows;

/**
 * Counts the entry flows (kind flow) of one Service port into its path diagram. `isUpstream` tells
 * a client address inside --upstream-cidr (a NAT load balancer or proxy) from a real client.
 */
export function servicePaths(
  records: readonly v1.IFlowRecord[],
  query: { service: string; protocol: string; truncated: boolean },
  isUpstream: (ip: string) => boolean,
): ServicePathsJson {
  const flows = records.filter(
    (r) => r.kind !== v1.FlowRecord.Kind.backend && r.protocol === query.protocol,
  );
  const perClient = new Map<string, number>();
  for (const r of flows) bump(perClient, r.client?.ip ?? '');
  const drawn = new Set(
    [...perClient.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, DIAGRAM_CLIENTS)
      .map(([ip]) => ip),
  );
  const clientOf = (r: v1.IFlowRecord): string | null => {
    const ip = r.client?.ip ?? '';
    return drawn.has(ip) ? ip : null;
  };

  const clients = new Map<string | null, PathClientJson>();
  const entryNodes = new Map<string, number>();
  const backends = new Map<string, PathBackendJson>();
  const clientEdges = new Map<string, ClientEdgeJson>();
  const backendEdges = new Map<string, BackendEdgeJson & { ruleCounts: Map<string, number> }>();
  for (const r of flows) {
    const ip = clientOf(r);
    const client = clients.get(ip) ?? {
      ip,
      upstream: ip !== null && isUpstream(ip),
      flows: 0,
    };
    client.flows++;
    clients.set(ip, client);
    const entryNode = r.entryNode ?? r.node ?? '';
    bump(entryNodes, entryNode);
    const clientKey = JSON.stringify([ip, entryNode]);
    const clientEdge = clientEdges.get(clientKey) ?? { client: ip, entryNode, flows: 0 };
    clientEdge.flows++;
    clientEdges.set(clientKey, clientEdge);

    const backendIp = r.backend?.ip ?? '';
    const backend = backends.get(backendIp) ?? { ip: backendIp, pod: null, node: null, flows: 0 };
    backend.flows++;
    if (r.backendPod?.name) backend.pod = `${r.backendPod.namespace ?? ''}/${r.backendPod.name}`;
    if (r.backendNode) backend.node = r.backendNode;
    backends.set(backendIp, backend);

    const edgeKey = JSON.stringify([entryNode, backendIp]);
    const edge = backendEdges.get(edgeKey) ?? {
      entryNode,
      backend: backendIp,
      flows: 0,
      snatFlows: 0,
      causes: {},
      rules: [],
      ruleCounts: new Map<string, number>(),
    };
    edge.flows++;
    const cause = Cause[r.cause ?? Cause.None];
    edge.causes[cause] = (edge.causes[cause] ?? 0) + 1;
    if (r.snat === true) {
      edge.snatFlows++;
      const rule = r.snatRule;
      if (rule)
        bump(
          edge.ruleCounts,
          JSON.stringify([rule.table ?? '', rule.chain ?? '', rule.rule ?? '']),
        );
    }
    backendEdges.set(edgeKey, edge);
  }

  return {
    service: query.service,
    protocol: query.protocol,
    flows: flows.length,
    truncated: query.truncated,
    clients: [...clients.values()].sort(
      (a, b) => Number(a.ip === null) - Number(b.ip === null) || busiestFirst(a, b),
    ),
    entryNodes: [...entryNodes.entries()]
      .map(([node, count]) => ({ node, flows: count }))
      .sort((a, b) => a.node.localeCompare(b.node)),
    backends: [...backends.values()].sort(
      (a, b) => (a.node ?? '').localeCompare(b.node ?? '') || a.ip.localeCompare(b.ip),
    ),
    clientEdges: [...clientEdges.values()],
    backendEdges: [...backendEdges.values()].map(({ ruleCounts, ...edge }) => ({
      ...edge,
      rules: [...ruleCounts.entries()]
        .map(([key, count]) => {
          const [table, chain, rule] = JSON.parse(key) as [string, string, string];
          return { table, chain, rule, flows: count };
        })
        .sort(busiestFirst),
    })),
  };
}
