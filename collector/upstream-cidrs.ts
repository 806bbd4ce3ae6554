// `--upstream-cidr`: the addresses of load balancers or proxies that replace the client address
// before traffic reaches a node. Checked for every entry flow by the correlator and the metrics.
import { CidrSet, ipv4Number, parseCidr, type Cidr } from '../common/cidr.js';

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
