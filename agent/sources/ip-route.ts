// Pure parser for `ip -j route` (iproute2 JSON): the routes that reveal a node's pod subnets.

/** One route. */
export interface NodeRoute {
  /** Destination CIDR, or "default". */
  dst: string;
  /** Route type: "unicast" unless iproute2 prints another (blackhole, unreachable, …). */
  type: string;
  dev: string | null;
  protocol: string | null;
  scope: string | null;
}

/** `ip -j route` output that cannot be understood. */
export class IpRouteParseError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'IpRouteParseError';
  }
}

const text = (value: unknown): string | null => (typeof value === 'string' ? value : null);

/** Parses `ip -j route` output; throws IpRouteParseError with the reason. */
export function parseIpRoute(json: string, source: string): NodeRoute[] {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch (error) {
    throw new IpRouteParseError(source, `not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(document)) throw new IpRouteParseError(source, 'expected a JSON array');
  return document.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null) {
      throw new IpRouteParseError(source, `route #${index} is not an object`);
    }
    const route = item as Record<string, unknown>;
    const dst = text(route.dst);
    if (dst === null) throw new IpRouteParseError(source, `route #${index} has no "dst"`);
    return {
      dst,
      type: text(route.type) ?? 'unicast',
      dev: text(route.dev),
      protocol: text(route.protocol),
      scope: text(route.scope),
    };
  });
}
