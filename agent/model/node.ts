// What the classifier knows about the node itself: its addresses and the pod subnets it hosts.
import { CidrSet, canonicalIp, parseCidr, type Cidr } from '../../common/cidr.js';
import type { NodeInterface } from '../sources/ip-addr.js';
import type { KubeProxyModel } from './service-model.js';

/** The node as the classifier sees it. */
export interface NodeContext {
  name: string;
  /** Every address of the node (canonical form), loopback included. */
  addresses: ReadonlySet<string>;
  /** Pod subnets hosted on this node; empty when unknown. */
  podSubnets: CidrSet;
  /** Where the pod subnets came from, for people reading the output. */
  podSubnetSource: 'flag' | 'interfaces' | 'unknown';
}

/** Inputs for buildNodeContext: what the user or the live node gave us. */
export interface NodeContextInput {
  name: string;
  interfaces: readonly NodeInterface[];
  nodeIps: readonly string[];
  podCidrs: readonly Cidr[];
  model: KubeProxyModel;
}

// CNI bridges that hold the node's pod subnet when the rules do not reveal the cluster CIDR.
const POD_BRIDGE = /^(cni\d*|cbr\d*|kube-bridge|docker\d*|weave|br-[0-9a-f]+)$/;

/**
 * Derives the node's pod subnets from its interfaces: a connected subnet (not a host route) that
 * lies inside the cluster CIDR kube-proxy detects local traffic with, or, when the rules do not
 * show that CIDR, the subnet of a CNI bridge. The node's LAN subnet is never taken, because it is
 * outside the cluster CIDR (hostNetwork endpoints such as the API server live there).
 */
function podSubnetsFromInterfaces(input: NodeContextInput): Cidr[] {
  const clusterCidrs = CidrSet.parse(input.model.clusterCidrs);
  const subnets = new Map<string, Cidr>();
  for (const iface of input.interfaces) {
    for (const address of iface.addresses) {
      const hostRoute = address.prefixLength === (address.family === 'ipv4' ? 32 : 128);
      if (hostRoute || address.scope === 'host' || address.scope === 'link') continue;
      const inCluster = clusterCidrs.empty
        ? POD_BRIDGE.test(iface.name)
        : clusterCidrs.contains(address.ip);
      const cidr = inCluster ? parseCidr(`${address.ip}/${address.prefixLength}`) : null;
      if (cidr) subnets.set(cidr.text, cidr);
    }
  }
  return [...subnets.values()];
}

/** Builds the node context from flags, `ip -j addr` interfaces and kube-proxy's rules. */
export function buildNodeContext(input: NodeContextInput): NodeContext {
  const addresses = new Set<string>(input.nodeIps.map(canonicalIp));
  for (const iface of input.interfaces) {
    for (const address of iface.addresses) addresses.add(canonicalIp(address.ip));
  }
  if (input.podCidrs.length > 0) {
    return {
      name: input.name,
      addresses,
      podSubnets: new CidrSet(input.podCidrs),
      podSubnetSource: 'flag',
    };
  }
  const derived = podSubnetsFromInterfaces(input);
  return {
    name: input.name,
    addresses,
    podSubnets: new CidrSet(derived),
    podSubnetSource: derived.length > 0 ? 'interfaces' : 'unknown',
  };
}
