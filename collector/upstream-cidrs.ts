// `--upstream-cidr`: the addresses of load balancers or proxies that replace the client address
// before traffic reaches a node. Checked for every entry flow by the correlator and the metrics.
import { CidrSet, parseCidr, type Cidr } from '../common/cidr.js';

/**
 * `--upstream-cidr` membership. IPv4 is matched on integers here: node's BlockList (CidrSet)
 * allocates a SocketAddress per check, which was a third of the per-record time. IPv6 goes to
 * CidrSet.
 */
export class UpstreamCidrs {
  private readonly v4: { network: number; mask: number }[] = [];
  private readonly set: CidrSet;

  constructor(list: readonly (Cidr | string)[]) {
    const cidrs = list
      .map((cidr) => (typeof cidr === 'string' ? parseCidr(cidr) : cidr))
      .filter((cidr): cidr is Cidr => cidr !== null);
    this.set = new CidrSet(cidrs);
    for (const cidr of cidrs) {
      const network = ipv4Number(cidr.network);
      if (cidr.family !== 'ipv4' || network === null) continue;
      const mask = cidr.prefixLength === 0 ? 0 : (~0 << (32 - cidr.prefixLength)) >>> 0;
      this.v4.push({ network, mask });
    }
  }

  /** True when `ip` is inside one of the CIDRs. */
  contains(ip: string): boolean {
    if (this.set.empty) return false;
    const address = ipv4Number(ip);
    if (address === null) return this.set.contains(ip);
    for (const cidr of this.v4) if ((address & cidr.mask) >>> 0 === cidr.network) return true;
    return false;
  }
}

/** Dotted-quad IPv4 text as an unsigned integer; null for anything else (IPv6). */
function ipv4Number(ip: string): number | null {
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
