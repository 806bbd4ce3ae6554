// `kubectl get svc -A -o json` as the API server would answer for a lab cluster description: what
// an agent in nftables mode reads to tell LoadBalancer IPs from external IPs.
import type { Cluster } from '../../lab/cluster.js';

/** The cluster's Services as a kubectl List document. */
export function kubectlServicesJson(cluster: Cluster): string {
  const byName = new Map<string, Cluster['services'][number][]>();
  for (const port of cluster.services) {
    const key = `${port.namespace}/${port.name}`;
    byName.set(key, [...(byName.get(key) ?? []), port]);
  }
  const items = [...byName.values()].map((ports) => {
    const first = ports[0];
    if (first === undefined) throw new Error('a Service without ports');
    return {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { namespace: first.namespace, name: first.name },
      spec: {
        type: first.type,
        clusterIP: first.clusterIP,
        clusterIPs: [first.clusterIP],
        ports: ports.map((p) => ({
          name: p.portName,
          protocol: p.protocol.toUpperCase(),
          port: p.port,
          targetPort: p.targetPort,
          ...(p.nodePort === undefined ? {} : { nodePort: p.nodePort }),
        })),
        ...(first.type === 'ClusterIP'
          ? {}
          : { externalTrafficPolicy: first.externalTrafficPolicy }),
        ...(first.healthCheckNodePort === undefined
          ? {}
          : { healthCheckNodePort: first.healthCheckNodePort }),
        externalIPs: ports.flatMap((p) => p.externalIPs.map((r) => r.ip)),
      },
      status: {
        loadBalancer: {
          ingress: ports.flatMap((p) => p.loadBalancerIPs.map((r) => ({ ip: r.ip }))),
        },
      },
    };
  });
  return JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 2) + '\n';
}
