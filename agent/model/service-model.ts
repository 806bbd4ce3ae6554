// The node's view of kube-proxy's Services, independent of the proxy mode that programmed it.
// Built from iptables-save, nftables (nft -j) or IPVS (ipvsadm, ipset) by the kube-proxy-*.ts builders.
import type { SnatRules } from './snat-rules.js';

/** Transport protocols kube-proxy programs Services for. */
export type ServiceProtocol = 'tcp' | 'udp' | 'sctp';

/** kube-proxy's three data-plane modes. */
export type ProxyModeName = 'iptables' | 'ipvs' | 'nftables';

/** externalTrafficPolicy as the rules reveal it. */
export type TrafficPolicyName = 'Cluster' | 'Local';

/** Packet and byte counters of one rule or a sum of rules. */
export interface RuleCounters {
  packets: number;
  bytes: number;
}

/** A Service port name as kube-proxy writes it in comments: `ns/name:port` (port may be ""). */
export interface ServicePortRef {
  namespace: string;
  name: string;
  port: string;
}

/** An address on which a Service port accepts traffic from outside the cluster. */
export interface ServiceFrontend {
  kind: 'LoadBalancer' | 'ExternalIP';
  ip: string;
  port: number;
}

/** One endpoint (a DNAT target) of a Service port. */
export interface ServiceEndpointModel {
  ip: string;
  port: number;
  /** True when the rules mark it local (KUBE-SVL / local-… chains); null when they cannot tell. */
  local: boolean | null;
}

/** One Service port as kube-proxy programmed it on this node. */
export interface ServicePortModel {
  /** The exact `ns/name:port` string from the rules' comments (old releases: `ns/name`). */
  key: string;
  ref: ServicePortRef;
  protocol: ServiceProtocol;
  clusterIPs: string[];
  /** The Service port (on cluster, load-balancer and external IPs); null when no rule shows it. */
  port: number | null;
  nodePort: number | null;
  frontends: ServiceFrontend[];
  externalTrafficPolicy: TrafficPolicyName;
  /**
   * True when kube-proxy masquerades every external connection to this port (Cluster policy:
   * "masquerade traffic for … external destinations", or the old KUBE-NODEPORTS KUBE-MARK-MASQ).
   */
  externalMasquerade: boolean;
  healthCheckNodePort: number | null;
  endpoints: ServiceEndpointModel[];
  /** Counters of the "… has no local endpoints" DROP rules, summed (zero when there are none). */
  noLocalEndpointDrops: RuleCounters;
  /** True when this node has a "has no local endpoints" rule for the port. */
  dropsWithoutLocalEndpoints: boolean;
  /**
   * The endpoints external traffic is sent to, where the mode lists them apart from `endpoints`
   * (IPVS: the real servers of the NodePort, load-balancer and external-IP virtual servers, all
   * together). Absent where the rules choose among `endpoints` by policy (iptables, nftables).
   */
  externalEndpoints?: { ip: string; port: number }[];
}

/** Everything the classifier needs to know about kube-proxy on one node. */
export interface KubeProxyModel {
  proxyMode: ProxyModeName;
  /** The masquerade mark, e.g. "0x4000"; null when the rules do not show one. */
  masqueradeMark: string | null;
  services: ServicePortModel[];
  /** Cluster-wide pod CIDRs that the rules reveal (local-traffic detector `-s`/`! -s` matches). */
  clusterCidrs: string[];
  /**
   * Addresses on which NodePorts are open: "local" for kube-proxy's default `--dst-type LOCAL`
   * match, otherwise the explicit `--nodeport-addresses` list.
   */
  nodePortAddresses: 'local' | string[];
  /** Whether NodePorts answer on 127.0.0.0/8 (iptables mode without `! -d 127.0.0.0/8`). */
  localhostNodePorts: boolean;
  /**
   * The source-NAT rules on the node's POSTROUTING path (kube-proxy's, a CNI's, hand-written ones)
   * and kube-proxy's nftables masquerade rule: what names the rule behind each SNAT.
   */
  snat: SnatRules;
}

/** The parts of kube-proxy's `ns/name:port` Service port key (no ":" means an unnamed port). */
export function servicePortRef(key: string): ServicePortRef {
  const slash = key.indexOf('/');
  const nameAndPort = key.slice(slash + 1);
  const colon = nameAndPort.indexOf(':');
  return {
    namespace: key.slice(0, slash),
    name: colon < 0 ? nameAndPort : nameAndPort.slice(0, colon),
    port: colon < 0 ? '' : nameAndPort.slice(colon + 1),
  };
}
