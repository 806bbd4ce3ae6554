// The kube-proxy rule set that matches the generated conntrack dumps: GEN_SERVICES rendered by
// the lab's rule generator, so benchmarks parse what a real node of that cluster would hold.
import type { Cluster, PodSpec, ServicePortSpec } from '../lab/cluster.js';
import { GEN_NODES, GEN_POD_CIDR, GEN_SERVICE_CIDR, GEN_SERVICES } from './conntrack-gen.js';

const nodeName = (index: number): string => `n${index + 1}`;

/** The lab network around a benchmark's nodes, pods and Services (no clients, an idle NAT LB). */
function rulesOnlyCluster(
  parts: Pick<Cluster, 'clusterCidr' | 'serviceCidr' | 'nodes' | 'pods' | 'services'>,
): Cluster {
  return {
    ...parts,
    lanPrefixLength: 24,
    lanRouterIp: '203.0.113.1',
    internetPrefixLength: 24,
    internetRouterIp: '198.51.100.1',
    masqueradeRandomFully: true,
    clients: [],
    natLoadBalancer: { internetIp: '198.51.100.10', lanIp: '203.0.113.5', forwards: [] },
  };
}

/** A lab cluster description of the generated Services (not buildable: no clients, no NAT LB). */
export function benchCluster(): Cluster {
  const pods: PodSpec[] = [];
  const services: ServicePortSpec[] = GEN_SERVICES.map((service, i) => {
    const endpoints = service.endpoints.map((endpoint) => {
      const pod = {
        name: `s${i}-p${endpoint.node}`,
        node: nodeName(endpoint.node),
        ip: endpoint.ip,
      };
      pods.push(pod);
      return pod.name;
    });
    const lb = service.loadBalancerIP !== null;
    return {
      namespace: service.namespace,
      name: service.name,
      portName: service.portName,
      type: lb ? 'LoadBalancer' : 'NodePort',
      protocol: service.protocol,
      clusterIP: service.clusterIP,
      port: service.port,
      targetPort: service.targetPort,
      nodePort: service.nodePort,
      externalTrafficPolicy: service.externalTrafficPolicy,
      ...(lb && service.externalTrafficPolicy === 'Local'
        ? { healthCheckNodePort: 32000 + i }
        : {}),
      loadBalancerIPs: lb ? [{ ip: service.loadBalancerIP ?? '', announcedBy: nodeName(0) }] : [],
      externalIPs: [],
      endpoints,
    };
  });
  return rulesOnlyCluster({
    clusterCidr: GEN_POD_CIDR,
    serviceCidr: GEN_SERVICE_CIDR,
    nodes: GEN_NODES.map((node, i) => ({ name: nodeName(i), ip: node.ip, podCidr: node.podCidr })),
    pods,
    services,
  });
}

// NodePorts come from 30000–32767: past that many, Services are ClusterIP only (their rules still
// fill KUBE-SERVICES and the KUBE-SVC-/KUBE-SEP- chains).
const NODE_PORT_FIRST = 30000;
const NODE_PORT_COUNT = 2700;

/**
 * A cluster of `count` Services with two endpoints each on three nodes (every third Local, with
 * an endpoint on n1; every tenth UDP), for benchmarks of big rule sets: kube-proxy's rules for 5,000 Services are megabytes.
 */
export function largeCluster(count: number): Cluster {
  const nodes = [0, 1, 2].map((n) => ({
    name: nodeName(n),
    ip: `203.0.113.${11 + n}`,
    podCidr: `10.${101 + n}.0.0/16`,
  }));
  const pods: PodSpec[] = [];
  const services: ServicePortSpec[] = Array.from({ length: count }, (_, i): ServicePortSpec => {
    const udp = i % 10 === 9;
    const endpoints = [0, 1].map((e) => {
      // Local Services always have an endpoint on n1, the node measured: it then holds no "has no
      // local endpoints" drop rule, whose counters make the agent read every 10 s (tables-freshness).
      const node = i % 3 === 0 ? e : (i + e) % 3;
      const pod = {
        name: `s${i}-e${e}`,
        node: nodeName(node),
        ip: `10.${101 + node}.${(i >> 8) & 255}.${i & 255}`,
      };
      pods.push(pod);
      return pod.name;
    });
    const nodePort = i < NODE_PORT_COUNT ? NODE_PORT_FIRST + i : undefined;
    return {
      namespace: `ns-${i % 50}`,
      name: `svc-${i}`,
      portName: udp ? 'dns' : 'http',
      type: nodePort === undefined ? 'ClusterIP' : 'NodePort',
      protocol: udp ? 'udp' : 'tcp',
      clusterIP: `10.96.${(i >> 8) & 255}.${i & 255}`,
      port: udp ? 53 : 80,
      targetPort: udp ? 5353 : 8080,
      ...(nodePort === undefined ? {} : { nodePort }),
      externalTrafficPolicy: i % 3 === 0 ? 'Local' : 'Cluster',
      loadBalancerIPs: [],
      externalIPs: [],
      endpoints,
    };
  });
  return rulesOnlyCluster({
    clusterCidr: '10.96.0.0/12',
    serviceCidr: '10.96.0.0/16',
    nodes,
    pods,
    services,
  });
}
