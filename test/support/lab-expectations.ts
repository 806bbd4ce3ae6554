// The lab's ground truth for probes: every way into the default cluster with the verdict a record
// must carry. Shared by the agent and collector end-to-end tests.
import {
  defaultCluster,
  findNode,
  findPod,
  findService,
  servicePortName,
  type ServicePortSpec,
} from '../../lab/cluster.js';
import type { ProbeRequest } from '../../lab/lab.js';

const cluster = defaultCluster();
type HostPort = { ip: string; port: number };

/** One probe and what the entry node's record must say about it. */
export interface Expectation {
  readonly name: string;
  readonly probe: ProbeRequest;
  readonly entryNode: string;
  readonly entryKind: 'NodePort' | 'LoadBalancer' | 'ExternalIP';
  readonly service: ServicePortSpec;
  /** The client address the entry node sees when a NAT LB is in between; null: the probe socket's. */
  readonly clientIp: string | null;
  readonly cause: string;
}

/** "ip:port" of a contract host-port object. */
export const hp = (value: unknown): string =>
  `${(value as HostPort).ip}:${(value as HostPort).port}`;
const nodesWithEndpoint = (service: ServicePortSpec): Set<string> =>
  new Set(service.endpoints.map((pod) => findPod(cluster, pod).node));
const policyCause = (service: ServicePortSpec): string =>
  service.externalTrafficPolicy === 'Cluster' ? 'ClusterPolicyMasquerade' : 'None';

/** Every way into the cluster the default description offers, with the expected verdict. */
export function expectations(): { replies: Expectation[]; drops: Expectation[] } {
  const replies: Expectation[] = [];
  const drops: Expectation[] = [];
  for (const service of cluster.services) {
    const name = servicePortName(service);
    const local = nodesWithEndpoint(service);
    const add = (e: Expectation): void => {
      const dropped = service.externalTrafficPolicy === 'Local' && !local.has(e.entryNode);
      (dropped ? drops : replies).push(e);
    };
    const common = { service, cause: policyCause(service), clientIp: null };
    if (service.nodePort !== undefined) {
      for (const node of cluster.nodes) {
        add({
          ...common,
          name: `${name} NodePort via ${node.name}`,
          probe: { client: 'c1', ip: node.ip, port: service.nodePort, protocol: service.protocol },
          entryNode: node.name,
          entryKind: 'NodePort',
        });
      }
    }
    for (const [kind, list] of [
      ['LoadBalancer', service.loadBalancerIPs],
      ['ExternalIP', service.externalIPs],
    ] as const) {
      for (const routed of list) {
        add({
          ...common,
          name: `${name} ${kind} ${routed.ip} via ${routed.announcedBy}`,
          probe: { client: 'c2', ip: routed.ip, port: service.port, protocol: service.protocol },
          entryNode: routed.announcedBy,
          entryKind: kind,
        });
      }
    }
  }
  const balancer = cluster.natLoadBalancer;
  for (const forward of balancer.forwards) {
    const service = findService(cluster, forward.service);
    replies.push({
      name: `${forward.service} through the external NAT load balancer to ${forward.node}`,
      probe: {
        client: 'c1',
        ip: balancer.internetIp,
        port: forward.port,
        protocol: forward.protocol,
      },
      entryNode: forward.node,
      entryKind: 'NodePort',
      service,
      clientIp: balancer.lanIp,
      cause: policyCause(service),
    });
  }
  const checkout = findService(cluster, 'shop/checkout:https');
  const checkoutNode = findNode(cluster, findPod(cluster, checkout.endpoints[0] ?? '').node);
  replies.push({
    name: 'node-local client to its own NodePort (Local policy) is masqueraded',
    probe: {
      client: checkoutNode.name,
      ip: checkoutNode.ip,
      port: checkout.nodePort ?? 0,
      protocol: 'tcp',
    },
    entryNode: checkoutNode.name,
    entryKind: 'NodePort',
    service: checkout,
    clientIp: null,
    cause: 'LocalOrigin',
  });
  replies.push({
    name: 'hairpin: a backend reaching itself through its NodePort',
    probe: {
      client: checkout.endpoints[0] ?? '',
      ip: checkoutNode.ip,
      port: checkout.nodePort ?? 0,
      protocol: 'tcp',
    },
    entryNode: checkoutNode.name,
    entryKind: 'NodePort',
    service: checkout,
    clientIp: null,
    cause: 'Hairpin',
  });
  return { replies, drops };
}
