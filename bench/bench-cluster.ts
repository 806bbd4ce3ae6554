// The kube-proxy rule set that matches the generated conntrack dumps: GEN_SERVICES rendered by
// the lab's rule generator, so benchmarks parse what a real node of that cluster would hold.
import type { Cluster, PodSpec, ServicePortSpec } from '../lab/cluster.js';
import { GEN_NODES, GEN_POD_CIDR, GEN_SERVICE_CIDR, GEN_SERVICES } from './conntrack-gen.js';

const nodeName = (index: number): string => `n${index + 1}`;

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
  return {
    clusterCidr: GEN_POD_CIDR,
    serviceCidr: GEN_SERVICE_CIDR,
    lanPrefixLength: 24,
    lanRouterIp: '203.0.113.1',
    internetPrefixLength: 24,
    internetRouterIp: '198.51.100.1',
    masqueradeRandomFully: true,
    nodes: GEN_NODES.map((node, i) => ({ name: nodeName(i), ip: node.ip, podCidr: node.podCidr })),
    pods,
    services,
    clients: [],
    natLoadBalancer: { internetIp: '198.51.100.10', lanIp: '203.0.113.5', forwards: [] },
  };
}
