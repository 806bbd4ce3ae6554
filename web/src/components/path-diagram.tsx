// The path diagram of one Service port: clients (or the upstream load balancer) → entry nodes →
// backend pods, flow counts on the edges, and the SNAT point marked on the entry node that
// rewrote the source, with its cause (the rules are listed under the picture).
import type { BackendEdgeJson, ServicePathsJson } from '../wire.js';

const BOX_W = 260;
const BOX_H = 48;
const ROW = 66;
const COLUMN_X = [10, 380, 750] as const;
const WIDTH = COLUMN_X[2] + BOX_W + 10;

interface Box {
  id: string;
  lines: [string, string];
  kind: 'client' | 'upstream' | 'entry' | 'entry-snat' | 'dropping' | 'backend';
  y: number;
  title: string;
}

function column(count: number, index: number, rows: number): number {
  // Centre a shorter column against the tallest one.
  return 30 + index * ROW + ((rows - count) * ROW) / 2;
}

function causesOf(edges: BackendEdgeJson[]): string[] {
  const causes = new Set<string>();
  for (const edge of edges) {
    for (const [cause, count] of Object.entries(edge.causes))
      if (cause !== 'None' && count > 0) causes.add(cause);
  }
  return [...causes];
}

/** The diagram, drawn as SVG with a text description for screen readers. */
export function PathDiagram({
  paths,
  droppingNodes,
}: {
  paths: ServicePathsJson;
  droppingNodes: string[];
}) {
  const entryNames = [
    ...new Set([...paths.entryNodes.map((e) => e.node), ...droppingNodes]),
  ].sort();
  const rows = Math.max(paths.clients.length, entryNames.length, paths.backends.length, 1);
  const height = 40 + rows * ROW;

  const clients: Box[] = paths.clients.map((client, i) => ({
    id: `client:${client.ip ?? '*'}`,
    lines: [
      client.ip === null ? 'other clients' : client.upstream ? `upstream LB/proxy` : 'client',
      client.ip === null ? `${client.flows} flows` : `${client.ip} · ${client.flows}`,
    ],
    kind: client.upstream ? 'upstream' : 'client',
    y: column(paths.clients.length, i, rows),
    title: client.upstream
      ? `${client.ip ?? ''} is inside --upstream-cidr: a NAT load balancer or proxy; the real client's address was lost before any node`
      : `client ${client.ip ?? '(others)'}: ${client.flows} flows`,
  }));
  const entries: Box[] = entryNames.map((node, i) => {
    const edges = paths.backendEdges.filter((e) => e.entryNode === node);
    const snat = edges.reduce((sum, e) => sum + e.snatFlows, 0);
    const flows = paths.entryNodes.find((e) => e.node === node)?.flows ?? 0;
    const dropping = droppingNodes.includes(node);
    const causes = causesOf(edges);
    return {
      id: `entry:${node}`,
      lines: [
        `entry node ${node}`,
        snat > 0
          ? `SNAT ${snat}/${flows}: ${causes.join(', ')}`
          : dropping
            ? 'drops: no local endpoint'
            : 'no SNAT',
      ],
      kind: snat > 0 ? 'entry-snat' : dropping && flows === 0 ? 'dropping' : 'entry',
      y: column(entryNames.length, i, rows),
      title:
        snat > 0
          ? `${node} rewrote the source of ${snat} of ${flows} flows (${causes.join(', ')})`
          : dropping
            ? `${node} drops this Service's traffic: Local policy and no local endpoint`
            : `${node} kept the source of its ${flows} flows`,
    };
  });
  const backends: Box[] = paths.backends.map((backend, i) => ({
    id: `backend:${backend.ip}`,
    lines: [
      backend.pod ?? `pod ${backend.ip}`,
      `${backend.ip}${backend.node ? ` on ${backend.node}` : ''}`,
    ],
    kind: 'backend',
    y: column(paths.backends.length, i, rows),
    title: `backend ${backend.pod ?? backend.ip}: ${backend.flows} flows`,
  }));
  const yOf = new Map([...clients, ...entries, ...backends].map((b) => [b.id, b.y + BOX_H / 2]));

  const edgeLine = (
    key: string,
    from: string,
    to: string,
    x1: number,
    x2: number,
    flows: number,
    snat: boolean,
    at: number,
  ) => {
    const y1 = yOf.get(from) ?? 0;
    const y2 = yOf.get(to) ?? 0;
    const lx = x1 + (x2 - x1) * at;
    const ly = y1 + (y2 - y1) * at;
    return (
      <g key={key} class={snat ? 'edge edge-snat' : 'edge'} data-snat={snat ? 'true' : 'false'}>
        <line x1={x1} y1={y1} x2={x2} y2={y2} />
        <rect x={lx - 16} y={ly - 10} width={32} height={18} rx={4} class="edge-label-bg" />
        <text x={lx} y={ly + 4} text-anchor="middle" class="edge-label">
          {flows}
        </text>
      </g>
    );
  };

  const description =
    `Path diagram of ${paths.service}/${paths.protocol}: ${paths.flows} flows. ` +
    entries.map((e) => e.title).join('. ');
  return (
    <figure class="diagram">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label={description}
        preserveAspectRatio="xMinYMin meet"
      >
        {['Clients', 'Entry nodes', 'Backends'].map((title, i) => (
          <text
            key={title}
            x={(COLUMN_X[i] ?? 0) + BOX_W / 2}
            y={16}
            text-anchor="middle"
            class="column-title"
          >
            {title}
          </text>
        ))}
        {paths.clientEdges.map((edge) =>
          edgeLine(
            `c ${edge.client ?? '*'} ${edge.entryNode}`,
            `client:${edge.client ?? '*'}`,
            `entry:${edge.entryNode}`,
            COLUMN_X[0] + BOX_W,
            COLUMN_X[1],
            edge.flows,
            false,
            0.5,
          ),
        )}
        {paths.backendEdges.map((edge) =>
          edgeLine(
            `b ${edge.entryNode} ${edge.backend}`,
            `entry:${edge.entryNode}`,
            `backend:${edge.backend}`,
            COLUMN_X[1] + BOX_W,
            COLUMN_X[2],
            edge.flows,
            edge.snatFlows > 0,
            0.45,
          ),
        )}
        {[clients, entries, backends].map((boxes, i) =>
          boxes.map((box) => (
            <g key={box.id} class={`box box-${box.kind}`} data-id={box.id}>
              <title>{box.title}</title>
              <rect x={COLUMN_X[i]} y={box.y} width={BOX_W} height={BOX_H} rx={6} />
              <text x={(COLUMN_X[i] ?? 0) + 10} y={box.y + 20} class="box-title">
                {box.lines[0]}
              </text>
              <text x={(COLUMN_X[i] ?? 0) + 10} y={box.y + 38} class="box-detail">
                {box.lines[1]}
              </text>
              {box.kind === 'entry-snat' && (
                <g class="snat-marker" data-snat-node={box.id.slice('entry:'.length)}>
                  <circle cx={(COLUMN_X[i] ?? 0) + BOX_W} cy={box.y + BOX_H / 2} r={13} />
                  <text
                    x={(COLUMN_X[i] ?? 0) + BOX_W}
                    y={box.y + BOX_H / 2 + 4}
                    text-anchor="middle"
                  >
                    SNAT
                  </text>
                </g>
              )}
            </g>
          )),
        )}
      </svg>
      <figcaption>
        Numbers on the lines are flows. Red lines and the red SNAT mark: the entry node rewrote the
        source, so the backend saw the node, not the client. An amber client box is a load balancer
        or proxy inside <code>--upstream-cidr</code>: the client was replaced before the node.
      </figcaption>
    </figure>
  );
}
