// Address and CIDR helpers on top of node:net (BlockList does the prefix matching).
import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/** A parsed CIDR such as 10.244.1.0/24. */
export interface Cidr {
  text: string;
  network: string;
  prefixLength: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses "a.b.c.d/n" or "v6/n" (a bare address is a host route); null when malformed. */
export function parseCidr(text: string): Cidr | null {
  const slash = text.indexOf('/');
  const address = slash === -1 ? text : text.slice(0, slash);
  const version = isIP(address);
  if (version === 0) return null;
  const max = version === 4 ? 32 : 128;
  const prefixText = slash === -1 ? String(max) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefixLength = Number(prefixText);
  if (prefixLength > max) return null;
  const network = networkAddress(address, prefixLength);
  return {
    text: `${network}/${prefixLength}`,
    network,
    prefixLength,
    family: version === 4 ? 'ipv4' : 'ipv6',
  };
}

/** The network address of ip/prefixLength, in canonical form. */
export function networkAddress(ip: string, prefixLength: number): string {
  const parsed = ipaddr.parse(ip);
  const bytes = parsed.toByteArray();
  for (let bit = prefixLength; bit < bytes.length * 8; bit++) {
    const index = bit >> 3;
    bytes[index] = (bytes[index] ?? 0) & ~(0x80 >> (bit & 7));
  }
  return ipaddr.fromByteArray(bytes).toString();
}

/**
 * RFC 5952 form of an IPv6 address (IPv4 unchanged); the input when it is not an address.
 * IPv4-mapped addresses keep their dotted tail (`::ffff:198.51.100.7`), as inet_ntop() and so
 * conntrack write them: that is the form the agent reports and the store keeps.
 */
export function canonicalIp(ip: string): string {
  if (!ip.includes(':') || !ipaddr.IPv6.isValid(ip)) return ip;
  const parsed = ipaddr.IPv6.parse(ip);
  return parsed.isIPv4MappedAddress()
    ? `::ffff:${parsed.toIPv4Address().toString()}`
    : parsed.toString();
}

/**
 * Every stored form the client `ip` may have: a dual-stack socket shows an IPv4 client as
 * `::ffff:a.b.c.d`, while conntrack records the same client as `a.b.c.d` in an IPv4 entry (or
 * mapped, in the rare IPv6 entry that carries one). Empty when `ip` is not an address.
 */
export function clientIpForms(ip: string): string[] {
  const version = isIP(ip);
  if (version === 0) return [];
  if (version === 4) return [ip, `::ffff:${ip}`];
  const parsed = ipaddr.IPv6.parse(ip);
  if (!parsed.isIPv4MappedAddress()) return [canonicalIp(ip)];
  const ipv4 = parsed.toIPv4Address().toString();
  return [ipv4, `::ffff:${ipv4}`];
}

/** A set of CIDRs that answers "does it contain this address?". */
export class CidrSet {
  private readonly list = new BlockList();
  readonly cidrs: readonly Cidr[];

  constructor(cidrs: readonly Cidr[]) {
    this.cidrs = cidrs;
    for (const cidr of cidrs) this.list.addSubnet(cidr.network, cidr.prefixLength, cidr.family);
  }

  /** A set of the well-formed CIDRs among `texts` (kube-proxy rules are trusted input). */
  static parse(texts: readonly string[]): CidrSet {
    return new CidrSet(texts.map(parseCidr).filter((c): c is Cidr => c !== null));
  }

  /** True when no CIDR is in the set. */
  get empty(): boolean {
    return this.cidrs.length === 0;
  }

  /** True when ip is inside one of the CIDRs. */
  contains(ip: string): boolean {
    if (this.cidrs.length === 0) return false;
    const version = isIP(ip);
    return version !== 0 && this.list.check(ip, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/**
 * Dotted-quad IPv4 text as an unsigned integer; null for anything else (IPv6). A byte loop: hot
 * paths match every record's address, where a parser that allocates would dominate.
 */
export function ipv4Number(ip: string): number | null {
  let value = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || ++dots > 3) return null;
      value = value * 256 + octet;
      octet = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      octet = octet * 10 + (c - 48);
      digits++;
      if (octet > 255) return null;
    } else {
      return null;
    }
  }
  if (dots !== 3 || digits === 0) return null;
  return value * 256 + octet;
}
