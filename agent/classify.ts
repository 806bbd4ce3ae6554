// The classification rule of ARCHITECTURE.md: which conntrack entries are connections entering the
// cluster on this node, which source address their backend saw, and who rewrote it.
import { CidrSet } from '../common/cidr.js';
import { v1 } from '../proto/index.js';
import type { ClusterNames } from './kube/cluster-names.js';
import type { ConntrackEntry } from './sources/conntrack.js';
import type { NodeContext } from './model/node.js';
import type { KubeProxyModel, ServiceFrontend, ServicePortModel } from './model/service-model.js';
import { SnatRuleFinder, type RuleRef } from './model/snat-rules.js';

const { Kind, EntryKind, Cause } = v1.FlowRecord;

const PROTOCOL_INDEX: Readonly<Record<string, number>> = { tcp: 1, udp: 2, sctp: 3 };

const PROXY_MODE: Readonly<Record<KubeProxyModel['proxyMode'], v1.ProxyMode>> = {
  iptables: v1.ProxyMode.iptables,
  ipvs: v1.ProxyMode.ipvs,
  nftables: v1.ProxyMode.nftables,
};

/** Maps the model's policy name to the wire enum. */
export function trafficPolicy(service: ServicePortModel): v1.TrafficPolicy {
  return service.externalTrafficPolicy === 'Local'
    ? v1.TrafficPolicy.Local
    : v1.TrafficPolicy.Cluster;
}

/** Maps the model's proxy mode name to the wire enum. */
export function proxyMode(model: KubeProxyModel): v1.ProxyMode {
  return PROXY_MODE[model.proxyMode];
}

// A numeric (protocol, port) key avoids building a string for every conntrack entry.
function portKey(protocol: string, port: number): number {
  return (PROTOCOL_INDEX[protocol] ?? 0) * 65536 + port;
}

function isLoopback(ip: string): boolean {
  return ip.startsWith('127.') || ip === '::1';
}

interface FrontendMatch {
  service: ServicePortModel;
  frontend: ServiceFrontend;
}

/** Options of a classifier. */
export interface ClassifierOptions {
  /** Seconds since the epoch stamped on records of entries that carry no event time. */
  observedAt: number;
  /** Pod and node names from the Kubernetes API; without it records name backends by IP only. */
  names?: ClusterNames | null;
}

/** Turns conntrack entries into flow records for one node. */
export class FlowClassifier {
  private readonly nodePorts = new Map<number, ServicePortModel>();
  private readonly frontendIps = new Set<string>();
  private readonly frontends = new Map<string, FrontendMatch>();
  private readonly endpointIps = new Set<string>();
  private readonly exposedEndpoints = new Map<string, ServicePortModel>();
  private readonly localityCache = new Map<string, boolean | null>();
  private readonly ruleLocality = new Map<ServicePortModel, Map<string, boolean | null>>();
  private readonly nodePortIps: ReadonlySet<string>;
  private readonly clusterCidrs: CidrSet;
  private readonly mode: v1.ProxyMode;
  private readonly snatRules: SnatRuleFinder;

  constructor(
    private readonly model: KubeProxyModel,
    private readonly node: NodeContext,
    private readonly options: ClassifierOptions,
  ) {
    this.mode = proxyMode(model);
    this.snatRules = new SnatRuleFinder(model.snat, {
      addresses: node.addresses,
      addressInterfaces: node.addressInterfaces,
      masqueradeMark: model.masqueradeMark,
    });
    this.clusterCidrs = CidrSet.parse(model.clusterCidrs);
    this.nodePortIps =
      model.nodePortAddresses === 'local' ? node.addresses : new Set(model.nodePortAddresses);
    for (const service of model.services) {
      this.ruleLocality.set(service, new Map(service.endpoints.map((e) => [e.ip, e.local])));
      const exposed = service.nodePort !== null || service.frontends.length > 0;
      if (service.nodePort !== null) {
        this.nodePorts.set(portKey(service.protocol, service.nodePort), service);
      }
      for (const frontend of service.frontends) {
        this.frontendIps.add(frontend.ip);
        this.frontends.set(`${frontend.ip} ${portKey(service.protocol, frontend.port)}`, {
          service,
          frontend,
        });
      }
      if (!exposed) continue;
      for (const endpoint of service.endpoints) {
        this.endpointIps.add(endpoint.ip);
        this.exposedEndpoints.set(
          `${endpoint.ip} ${portKey(service.protocol, endpoint.port)}`,
          service,
        );
      }
    }
  }

  /**
   * Whether an endpoint runs on this node: the rules' own answer (KUBE-SVL membership) first,
   * then the node's own addresses (hostNetwork pods), then its pod subnets; null when unknown.
   */
  endpointLocal(service: ServicePortModel, ip: string): boolean | null {
    const fromRules = this.ruleLocality.get(service)?.get(ip) ?? null;
    if (fromRules !== null) return fromRules;
    let local = this.localityCache.get(ip);
    if (local === undefined) {
      if (this.node.addresses.has(ip)) local = true;
      else if (!this.node.podSubnets.empty) local = this.node.podSubnets.contains(ip);
      else local = null;
      this.localityCache.set(ip, local);
    }
    return local;
  }

  private acceptsNodePort(ip: string): boolean {
    if (this.nodePortIps.has(ip)) return true;
    if (this.model.nodePortAddresses === 'local') {
      // Without node addresses (offline, no --addresses/--node-ip) every destination may be local.
      if (this.node.addresses.size === 0) return true;
      return this.model.localhostNodePorts && isLoopback(ip);
    }
    return false;
  }

  private matchEntry(
    entry: ConntrackEntry,
  ): { service: ServicePortModel; kind: v1.FlowRecord.EntryKind } | null {
    const { dst, dport } = entry.original;
    if (this.frontendIps.has(dst)) {
      const match = this.frontends.get(`${dst} ${portKey(entry.protocol, dport)}`);
      if (match) {
        const kind =
          match.frontend.kind === 'LoadBalancer' ? EntryKind.LoadBalancer : EntryKind.ExternalIP;
        return { service: match.service, kind };
      }
    }
    const service = this.nodePorts.get(portKey(entry.protocol, dport));
    if (service && this.acceptsNodePort(dst)) return { service, kind: EntryKind.NodePort };
    return null;
  }

  private cause(entry: ConntrackEntry, service: ServicePortModel): v1.FlowRecord.Cause {
    const client = entry.original.src;
    if (entry.reply.dst === client) return Cause.None;
    if (this.node.addresses.has(client) || isLoopback(client)) return Cause.LocalOrigin;
    if (client === entry.reply.src) return Cause.Hairpin;
    if (service.externalMasquerade) return Cause.ClusterPolicyMasquerade;
    return Cause.OtherSnat;
  }

  /**
   * The rule that rewrote the source: kube-proxy's masquerade rule for its own causes (which
   * mark the packet), else the foreign SNAT rule that fits; null when none fits (never guessed).
   */
  private snatRule(entry: ConntrackEntry, cause: v1.FlowRecord.Cause): RuleRef | null {
    if (cause === Cause.None) return null;
    const kubeProxy = cause !== Cause.OtherSnat;
    if (kubeProxy && this.model.proxyMode === 'nftables') {
      const rule = this.snatRules.nftMasquerade(entry.original.src);
      if (rule !== null) return rule;
    }
    const flow = {
      protocol: entry.protocol,
      src: entry.original.src,
      sport: entry.original.sport,
      dst: entry.reply.src,
      dport: entry.reply.sport,
      observed: entry.reply.dst,
      masqueradeMarked: kubeProxy,
    };
    return this.snatRules.find(flow, kubeProxy ? 'definite' : 'first');
  }

  /** The record for one conntrack entry, or null when it is neither an entry nor a backend flow. */
  classify(entry: ConntrackEntry): v1.IFlowRecord | null {
    if (PROTOCOL_INDEX[entry.protocol] === undefined) return null;
    const match = this.matchEntry(entry);
    if (match) {
      const cause = this.cause(entry, match.service);
      const rule = this.snatRule(entry, cause);
      return this.record(Kind.flow, entry, match.service, match.kind, cause, rule);
    }
    return this.backendRecord(entry);
  }

  // One object literal with every field, so all records share one hidden class (hot path).
  private record(
    kind: v1.FlowRecord.Kind,
    entry: ConntrackEntry,
    service: ServicePortModel,
    entryKind: v1.FlowRecord.EntryKind,
    cause: v1.FlowRecord.Cause,
    snatRule: RuleRef | null,
  ): v1.IFlowRecord {
    const isEntry = kind === Kind.flow;
    const { original, reply } = entry;
    return {
      kind,
      node: this.node.name,
      protocol: entry.protocol,
      client: isEntry ? { ip: original.src, port: original.sport } : null,
      entry: isEntry ? { ip: original.dst, port: original.dport } : null,
      entryKind,
      backend: { ip: reply.src, port: reply.sport },
      observedSource: { ip: reply.dst, port: reply.dport },
      snat: cause !== Cause.None,
      cause,
      service: service.ref,
      externalTrafficPolicy: trafficPolicy(service),
      proxyMode: this.mode,
      endpointLocal: this.endpointLocal(service, reply.src),
      state: entry.state,
      conntrackId: entry.id ?? 0,
      observedAt: entry.eventTime ?? this.options.observedAt,
      closed: entry.event === 'DESTROY',
      originalCounters: entry.originalCounters,
      replyCounters: entry.replyCounters,
      zone: entry.zone,
      mark: entry.mark,
      backendPod: this.options.names?.podByIp(reply.src) ?? null,
      clientNode: isEntry ? (this.options.names?.nodeByIp(original.src) ?? null) : null,
      snatRule,
    };
  }

  /**
   * The backend half of a connection that entered on another node: it arrives un-DNATed at a
   * local endpoint of an exposed Service, from an address that is neither this node's nor a pod's
   * (pod-to-pod traffic is not a Service entry).
   */
  private backendRecord(entry: ConntrackEntry): v1.IFlowRecord | null {
    const { src, dst, dport } = entry.original;
    if (!this.endpointIps.has(dst)) return null;
    if (entry.reply.src !== dst || entry.reply.sport !== dport) return null;
    const service = this.exposedEndpoints.get(`${dst} ${portKey(entry.protocol, dport)}`);
    if (!service || this.node.addresses.has(src) || isLoopback(src)) return null;
    if (this.endpointLocal(service, dst) !== true) return null;
    if (this.clusterCidrs.contains(src) || this.node.podSubnets.contains(src)) return null;
    return this.record(Kind.backend, entry, service, EntryKind.NodePort, Cause.None, null);
  }
}
