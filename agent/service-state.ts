// Per-node service state records: the externally reachable Service ports as this node programs them.
import { v1 } from '../proto/index.js';
import { proxyMode, trafficPolicy, type FlowClassifier } from './classify.js';
import type { KubeProxyModel, ServicePortModel } from './model/service-model.js';

/** ServiceState records for every Service port reachable from outside (NodePort, LB or external IP). */
export function serviceStates(
  model: KubeProxyModel,
  nodeName: string,
  classifier: FlowClassifier,
): v1.IServiceState[] {
  return model.services
    .filter((service) => service.nodePort !== null || service.frontends.length > 0)
    .map((service) => {
      const endpoints = service.endpoints.map((endpoint) => ({
        ip: endpoint.ip,
        port: endpoint.port,
        local: classifier.endpointLocal(service, endpoint.ip),
      }));
      return {
        node: nodeName,
        service: { ...service.ref },
        protocol: service.protocol,
        nodePort: service.nodePort,
        loadBalancerIPs: service.frontends
          .filter((f) => f.kind === 'LoadBalancer')
          .map((f) => f.ip),
        externalIPs: service.frontends.filter((f) => f.kind === 'ExternalIP').map((f) => f.ip),
        externalTrafficPolicy: trafficPolicy(service),
        healthCheckNodePort: service.healthCheckNodePort,
        endpoints,
        localEndpoints: endpoints.filter((e) => e.local === true).length,
        noLocalEndpointDrops: { ...service.noLocalEndpointDrops },
        clusterIPs: [...service.clusterIPs],
        proxyMode: proxyMode(model),
        port: service.port ?? 0,
        forwardsWithoutLocalEndpoints: forwardsWithoutLocalEndpoints(service, classifier),
      };
    });
}

/**
 * Local policy, yet the frontends send external traffic only to endpoints known to run on other
 * nodes (IPVS virtual servers listing remote real servers only). Unknown locality never counts.
 */
function forwardsWithoutLocalEndpoints(
  service: ServicePortModel,
  classifier: FlowClassifier,
): boolean {
  const external = service.externalEndpoints ?? [];
  return (
    service.externalTrafficPolicy === 'Local' &&
    external.length > 0 &&
    external.every((endpoint) => classifier.endpointLocal(service, endpoint.ip) === false)
  );
}
