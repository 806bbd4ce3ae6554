// Pure parser for `ip -j addr` (iproute2 JSON): the node's interfaces and their addresses.

/** One address of an interface. */
export interface InterfaceAddress {
  family: 'ipv4' | 'ipv6';
  ip: string;
  prefixLength: number;
  scope: string;
}

/** One interface with its addresses. */
export interface NodeInterface {
  name: string;
  addresses: InterfaceAddress[];
}

/** `ip -j addr` output that cannot be understood. */
export class IpAddrParseError extends Error {
  constructor(
    readonly source: string,
    readonly reason: string,
  ) {
    super(`${source}: ${reason}`);
    this.name = 'IpAddrParseError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseAddress(value: unknown, where: string, source: string): InterfaceAddress | null {
  if (!isRecord(value)) throw new IpAddrParseError(source, `${where} is not an object`);
  const { family, local, prefixlen, scope } = value;
  // iproute2 also lists link-layer entries (family "link") in some versions: not IP addresses.
  if (family !== 'inet' && family !== 'inet6') return null;
  if (typeof local !== 'string' || typeof prefixlen !== 'number') {
    throw new IpAddrParseError(source, `${where} lacks "local" or "prefixlen"`);
  }
  return {
    family: family === 'inet' ? 'ipv4' : 'ipv6',
    ip: local,
    prefixLength: prefixlen,
    scope: typeof scope === 'string' ? scope : 'global',
  };
}

/** Parses `ip -j addr` output into interfaces; throws IpAddrParseError with the reason. */
export function parseIpAddr(text: string, source: string): NodeInterface[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new IpAddrParseError(source, `not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(document)) throw new IpAddrParseError(source, 'expected a JSON array');
  return document.map((item: unknown, index) => {
    const where = `interface #${index}`;
    if (!isRecord(item) || typeof item.ifname !== 'string') {
      throw new IpAddrParseError(source, `${where} has no "ifname"`);
    }
    const name = item.ifname;
    const infos: unknown = item.addr_info ?? [];
    if (!Array.isArray(infos))
      throw new IpAddrParseError(source, `${where}.addr_info is not a list`);
    const addresses = infos
      .map((info: unknown, i) => parseAddress(info, `${name} address #${i}`, source))
      .filter((address): address is InterfaceAddress => address !== null);
    return { name, addresses };
  });
}
