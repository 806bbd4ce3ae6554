// The lab's cluster description: nodes, pods and Service ports, plus the networks around them
// (LAN, router, "internet" clients, an external NAT load balancer). Plain data, no I/O, so the
// rule generator can be unit-tested and the lab, demo and benchmarks share one source of truth.

/** Transport protocol of a Service port, lowercase as kube-proxy writes it in rules and hashes. */
export type Protocol = 'tcp' | 'udp';

/** A Service's externalTrafficPolicy. */
export type TrafficPolicy = 'Cluster' | 'Local';

/** A Service's type, as far as kube-proxy's rules depend on it. */
export type ServiceType = 'ClusterIP' | 'NodePort' | 'LoadBalancer';

/** A cluster node: its LAN address and the pod CIDR served by its `cni0` bridge. */
export interface NodeSpec {
  readonly name: string;
  readonly ip: string;
  readonly podCidr: string;
}

/** A pod: a namespace on `node` running pod-server on the target port of every Service port that selects it. */
export interface PodSpec {
  readonly name: string;
  readonly node: string;
  readonly ip: string;
}

/** An address outside every node's interfaces that the router sends to one node (MetalLB L2 style). */
export interface RoutedIp {
  readonly ip: string;
  readonly announcedBy: string;
}

/** One Service port — kube-proxy's unit of rules, named `namespace/name:portName`. */
export interface ServicePortSpec {
  readonly namespace: string;
  readonly name: string;
  readonly portName: string;
  readonly type: ServiceType;
  readonly protocol: Protocol;
  readonly clusterIP: string;
  readonly port: number;
  readonly targetPort: number;
  /** Required for NodePort and LoadBalancer. */
  readonly nodePort?: number;
  readonly externalTrafficPolicy: TrafficPolicy;
  /** Only for LoadBalancer with Local policy, as the API server allocates it. */
  readonly healthCheckNodePort?: number;
  readonly loadBalancerIPs: readonly RoutedIp[];
  readonly externalIPs: readonly RoutedIp[];
  /** Names of the pods behind this port (ready endpoints). */
  readonly endpoints: readonly string[];
}

/** A host on the "internet" side, outside the cluster. */
export interface ClientSpec {
  readonly name: string;
  readonly ip: string;
}

/** One listener of the external NAT load balancer: `internetIp:port` → `node:NodePort of service`. */
export interface NatForwardSpec {
  readonly port: number;
  readonly protocol: Protocol;
  /** servicePortName (`ns/name:port`) whose NodePort is the target. */
  readonly service: string;
  readonly node: string;
}

/** An L4 load balancer that DNATs to a NodePort and masquerades, so the client IP is lost before the node. */
export interface NatLoadBalancerSpec {
  readonly internetIp: string;
  readonly lanIp: string;
  readonly forwards: readonly NatForwardSpec[];
}

/** Everything the lab needs to build a cluster and everything kube-proxy needs to render its rules. */
export interface Cluster {
  /** kube-proxy's `--cluster-cidr`: the local-traffic detector (`-s`/`! -s` in rules). */
  readonly clusterCidr: string;
  readonly serviceCidr: string;
  readonly lanPrefixLength: number;
  readonly lanRouterIp: string;
  readonly internetPrefixLength: number;
  readonly internetRouterIp: string;
  /** kube-proxy adds `--random-fully` to its MASQUERADE when iptables supports it (1.6.2+). */
  readonly masqueradeRandomFully: boolean;
  readonly nodes: readonly NodeSpec[];
  readonly pods: readonly PodSpec[];
  readonly services: readonly ServicePortSpec[];
  readonly clients: readonly ClientSpec[];
  readonly natLoadBalancer: NatLoadBalancerSpec;
}

/** kube-proxy's servicePortName string, `namespace/name:portName`. */
export function servicePortName(service: ServicePortSpec): string {
  return `${service.namespace}/${service.name}:${service.portName}`;
}

/** The pod named `name`; throws when the description has none. */
export function findPod(cluster: Cluster, name: string): PodSpec {
  const pod = cluster.pods.find((p) => p.name === name);
  if (!pod) throw new Error(`cluster has no pod "${name}"`);
  return pod;
}

/** The node named `name`; throws when the description has none. */
export function findNode(cluster: Cluster, name: string): NodeSpec {
  const node = cluster.nodes.find((n) => n.name === name);
  if (!node) throw new Error(`cluster has no node "${name}"`);
  return node;
}

/** The Service port named `ns/name:port`; throws when the description has none. */
export function findService(cluster: Cluster, name: string): ServicePortSpec {
  const service = cluster.services.find((s) => servicePortName(s) === name);
  if (!service) throw new Error(`cluster has no service port "${name}"`);
  return service;
}

// Node and client names become interface and namespace name parts (IFNAMSIZ is 16 with the NUL).
const shortName = /^[a-z][a-z0-9]{0,5}$/;
const podName = /^[a-z][a-z0-9-]{0,30}$/;

/** Throws on a description the lab cannot build or kube-proxy would not accept. */
export function validateCluster(cluster: Cluster): void {
  // The lab's own namespaces are <prefix>-fab, -rt and -lb.
  const names = new Set<string>(['fab', 'rt', 'lb']);
  const claim = (name: string, pattern: RegExp, kind: string): void => {
    if (!pattern.test(name)) throw new Error(`${kind} name "${name}" must match ${pattern}`);
    // Probes name their client by node, pod or client name, so the three share one namespace.
    if (names.has(name)) throw new Error(`name "${name}" is used twice`);
    names.add(name);
  };
  for (const node of cluster.nodes) claim(node.name, shortName, 'node');
  for (const client of cluster.clients) claim(client.name, shortName, 'client');
  for (const pod of cluster.pods) {
    claim(pod.name, podName, 'pod');
    findNode(cluster, pod.node);
  }
  for (const service of cluster.services) {
    const name = servicePortName(service);
    for (const endpoint of service.endpoints) findPod(cluster, endpoint);
    for (const routed of [...service.loadBalancerIPs, ...service.externalIPs]) {
      findNode(cluster, routed.announcedBy);
    }
    if (service.type !== 'ClusterIP' && service.nodePort === undefined) {
      throw new Error(`${name}: type ${service.type} needs a nodePort`);
    }
    if (service.type === 'ClusterIP' && service.nodePort !== undefined) {
      throw new Error(`${name}: type ClusterIP cannot have a nodePort`);
    }
    if (service.type !== 'LoadBalancer' && service.loadBalancerIPs.length > 0) {
      throw new Error(`${name}: only type LoadBalancer has loadBalancerIPs`);
    }
    // The API server rejects Local on a ClusterIP Service and only allocates a
    // healthCheckNodePort for LoadBalancer + Local.
    if (service.externalTrafficPolicy === 'Local' && service.type === 'ClusterIP') {
      throw new Error(`${name}: externalTrafficPolicy Local needs type NodePort or LoadBalancer`);
    }
    const wantsHealthCheck =
      service.type === 'LoadBalancer' && service.externalTrafficPolicy === 'Local';
    if (wantsHealthCheck !== (service.healthCheckNodePort !== undefined)) {
      throw new Error(`${name}: healthCheckNodePort is set exactly for LoadBalancer + Local`);
    }
  }
  for (const forward of cluster.natLoadBalancer.forwards) {
    const service = findService(cluster, forward.service);
    findNode(cluster, forward.node);
    if (service.nodePort === undefined || service.protocol !== forward.protocol) {
      throw new Error(
        `NAT load balancer forward ${forward.port}/${forward.protocol}: target has no matching NodePort`,
      );
    }
  }
}

/**
 * Three nodes on 203.0.113.0/24 behind a router to 198.51.100.0/24, with Services chosen so that
 * every kube-proxy path is reachable from a client: Cluster vs Local, TCP vs UDP, NodePort,
 * LoadBalancer IP, externalIP, a node with and a node without a local endpoint, and a NAT LB.
 */
export function defaultCluster(): Cluster {
  return {
    clusterCidr: '10.244.0.0/16',
    serviceCidr: '10.96.0.0/16',
    lanPrefixLength: 24,
    lanRouterIp: '203.0.113.1',
    internetPrefixLength: 24,
    internetRouterIp: '198.51.100.1',
    masqueradeRandomFully: true,
    nodes: [
      { name: 'n1', ip: '203.0.113.11', podCidr: '10.244.1.0/24' },
      { name: 'n2', ip: '203.0.113.12', podCidr: '10.244.2.0/24' },
      { name: 'n3', ip: '203.0.113.13', podCidr: '10.244.3.0/24' },
    ],
    pods: [
      { name: 'api-a', node: 'n2', ip: '10.244.2.10' },
      { name: 'api-b', node: 'n3', ip: '10.244.3.10' },
      { name: 'checkout-a', node: 'n2', ip: '10.244.2.20' },
      { name: 'resolver-a', node: 'n2', ip: '10.244.2.53' },
      { name: 'resolver-b', node: 'n3', ip: '10.244.3.53' },
      { name: 'web-a', node: 'n1', ip: '10.244.1.30' },
      { name: 'web-b', node: 'n3', ip: '10.244.3.30' },
      { name: 'stream-a', node: 'n3', ip: '10.244.3.40' },
    ],
    services: [
      {
        // Cluster policy, no endpoint on n1: a client entering via n1 is always SNAT'd to n1.
        namespace: 'shop',
        name: 'api',
        portName: 'http',
        type: 'NodePort',
        protocol: 'tcp',
        clusterIP: '10.96.0.10',
        port: 80,
        targetPort: 8080,
        nodePort: 30080,
        externalTrafficPolicy: 'Cluster',
        loadBalancerIPs: [],
        externalIPs: [],
        endpoints: ['api-a', 'api-b'],
      },
      {
        // Local policy, only n2 has an endpoint: n2 keeps the client IP, n1 and n3 drop.
        namespace: 'shop',
        name: 'checkout',
        portName: 'https',
        type: 'LoadBalancer',
        protocol: 'tcp',
        clusterIP: '10.96.0.20',
        port: 443,
        targetPort: 8443,
        nodePort: 30443,
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: 32100,
        loadBalancerIPs: [{ ip: '192.0.2.10', announcedBy: 'n2' }],
        externalIPs: [],
        endpoints: ['checkout-a'],
      },
      {
        namespace: 'dns',
        name: 'resolver',
        portName: 'dns',
        type: 'NodePort',
        protocol: 'udp',
        clusterIP: '10.96.0.53',
        port: 53,
        targetPort: 5353,
        nodePort: 30053,
        externalTrafficPolicy: 'Cluster',
        loadBalancerIPs: [],
        externalIPs: [],
        endpoints: ['resolver-a', 'resolver-b'],
      },
      {
        // externalIP routed to n2, which has no endpoint: always SNAT'd to n2.
        namespace: 'shop',
        name: 'web',
        portName: 'http',
        type: 'ClusterIP',
        protocol: 'tcp',
        clusterIP: '10.96.0.30',
        port: 80,
        targetPort: 8080,
        externalTrafficPolicy: 'Cluster',
        loadBalancerIPs: [],
        externalIPs: [{ ip: '192.0.2.100', announcedBy: 'n2' }],
        endpoints: ['web-a', 'web-b'],
      },
      {
        // UDP + Local: n3 keeps the client IP, n1 and n2 drop.
        namespace: 'media',
        name: 'stream',
        portName: 'rtp',
        type: 'LoadBalancer',
        protocol: 'udp',
        clusterIP: '10.96.0.40',
        port: 5004,
        targetPort: 5004,
        nodePort: 30504,
        externalTrafficPolicy: 'Local',
        healthCheckNodePort: 32101,
        loadBalancerIPs: [{ ip: '192.0.2.20', announcedBy: 'n3' }],
        externalIPs: [],
        endpoints: ['stream-a'],
      },
    ],
    clients: [
      { name: 'c1', ip: '198.51.100.50' },
      { name: 'c2', ip: '198.51.100.51' },
    ],
    natLoadBalancer: {
      internetIp: '198.51.100.10',
      lanIp: '203.0.113.5',
      forwards: [
        { port: 80, protocol: 'tcp', service: 'shop/api:http', node: 'n1' },
        // Local policy on a node with an endpoint still loses the client: the LB masqueraded first.
        { port: 443, protocol: 'tcp', service: 'shop/checkout:https', node: 'n2' },
      ],
    },
  };
}
