// What the classifier knows about the node itself: its addresses and the pod subnets it hosts.
import { CidrSet, canonicalIp, parseCidr, type Cidr } from '../../common/cidr.js';
import type { NodeInterface } from '../sources/ip-addr.js';
import type { NodeRoute } from '../sources/ip-route.js';
import type { KubeProxyModel } from './service-model.js';

/** The node as the classifier sees it. */
export interface NodeContext {
  name: string;
  /** Every address of the node (canonical form), loopback included. */
  addresses: ReadonlySet<string>;
  /** The interface holding each address, where `ip -j addr` told (flag-given IPs have none). */
  addressInterfaces: ReadonlyMap<string, string>;
  /** Pod subnets hosted on this node; empty when unknown. */
  podSubnets: CidrSet;
  /** Where the pod subnets came from, for people reading the output. */
  podSubnetSource: 'flag' | 'interfaces' | 'unknown';
}

/** Inputs for buildNodeContext: what the user or the live node gave us. */
export interface NodeContextInput {
  name: string;
  interfaces: readonly NodeInterface[];
  /** `ip -j route` of the node, when live (offline analysis has none). */
  routes?: readonly NodeRoute[];
  nodeIps: readonly string[];
  podCidrs: readonly Cidr[];
  model: KubeProxyModel;
}

// CNI bridges that hold the node's pod subnet when the rules do not reveal the cluster CIDR.
const POD_BRIDGE = /^(cni\d*|cbr\d*|kube-bridge|docker\d*|weave|br-[0-9a-f]+)$/;

/**
 * Derives the node's pod subnets: connected subnets (not host addresses) of its interfaces, and
 * routes that only the pod network has (a CNI bridge's link route, Calico's blackhole route for the
 * node's IPAM block, per-pod /32 routes), when they lie inside the cluster CIDR kube-proxy detects
 * local traffic with. When the rules do not show that CIDR, only CNI bridges count. The node's LAN
 * subnet is never taken: it is outside the cluster CIDR (hostNetwork endpoints live there).
 */
function podSubnetsFromNode(input: NodeContextInput): Cidr[] {
  const clusterCidrs = CidrSet.parse(input.model.clusterCidrs);
  const isPodNetwork = (ip: string, dev: string | null): boolean =>
    clusterCidrs.empty ? dev !== null && POD_BRIDGE.test(dev) : clusterCidrs.contains(ip);
  const subnets = new Map<string, Cidr>();
  const add = (text: string): void => {
    const cidr = parseCidr(text);
    if (cidr) subnets.set(cidr.text, cidr);
  };
  for (const iface of input.interfaces) {
    for (const address of iface.addresses) {
      const hostAddress = address.prefixLength === (address.family === 'ipv4' ? 32 : 128);
      if (hostAddress || address.scope === 'host' || address.scope === 'link') continue;
      if (isPodNetwork(address.ip, iface.name)) add(`${address.ip}/${address.prefixLength}`);
    }
  }
  for (const route of input.routes ?? []) {
    const local =
      route.type === 'blackhole' || route.type === 'unreachable' || route.scope === 'link';
    const network = route.dst.split('/')[0] ?? '';
    if (local && route.dst !== 'default' && isPodNetwork(network, route.dev)) add(route.dst);
  }
  return [...subnets.values()];
}

/** Builds the node context from flags, `ip -j addr` interfaces and kube-proxy's rules. */
export function buildNodeContext(input: NodeContextInput): NodeContext {
  const addresses = new Set<string>(input.nodeIps.map(canonicalIp));
  const addressInterfaces = new Map<string, string>();
  for (const iface of input.interfaces) {
    for (const address of iface.addresses) {
      addresses.add(canonicalIp(address.ip));
      addressInterfaces.set(canonicalIp(address.ip), iface.name);
    }
  }
  if (input.podCidrs.length > 0) {
    return {
      name: input.name,
      addresses,
      addressInterfaces,
      podSubnets: new CidrSet(input.podCidrs),
      podSubnetSource: 'flag',
    };
  }
  const derived = podSubnetsFromNode(input);
  return {
    name: input.name,
    addresses,
    addressInterfaces,
    podSubnets: new CidrSet(derived),
    podSubnetSource: derived.length > 0 ? 'interfaces' : 'unknown',
  };
}
