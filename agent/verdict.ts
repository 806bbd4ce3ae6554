// Per-Service verdicts for people: does the backend see the client IP on this node, and if not, why.
import { serviceKey } from '../proto/identity.js';
import { v1 } from '../proto/index.js';

const { Cause, Kind } = v1.FlowRecord;

/** The Service port as kube-proxy names it (`ns/name:port`). */
export function servicePortName(service: v1.IServicePortName | null | undefined): string {
  return `${service?.namespace ?? ''}/${service?.name ?? ''}:${service?.port ?? ''}`;
}

/** Flow counts of one Service port on one node. */
export interface ServiceTally {
  flows: number;
  snat: number;
  causes: Map<v1.FlowRecord.Cause, number>;
  backendHalves: number;
}

/** Counts records per Service port as they stream past. */
export class FlowTally {
  readonly byService = new Map<string, ServiceTally>();

  /** Adds one record to its Service's counts. */
  add(record: v1.IFlowRecord): void {
    const key = serviceKey(record.service, record.protocol ?? '');
    let tally = this.byService.get(key);
    if (!tally) {
      tally = { flows: 0, snat: 0, causes: new Map(), backendHalves: 0 };
      this.byService.set(key, tally);
    }
    if (record.kind === Kind.backend) {
      tally.backendHalves++;
      return;
    }
    tally.flows++;
    if (record.snat) tally.snat++;
    const cause = record.cause ?? Cause.None;
    tally.causes.set(cause, (tally.causes.get(cause) ?? 0) + 1);
  }
}

const CAUSE_TEXT: Readonly<Record<v1.FlowRecord.Cause, string>> = {
  [Cause.None]: 'kept the client IP',
  [Cause.ClusterPolicyMasquerade]: 'SNATed by kube-proxy masquerade',
  [Cause.LocalOrigin]: 'from the node itself (masqueraded)',
  [Cause.Hairpin]: 'hairpin (a backend calling its own Service, masqueraded)',
  [Cause.OtherSnat]: 'SNATed by a rule that is not kube-proxy’s',
};

function dropNote(state: v1.IServiceState): string | null {
  if (state.externalTrafficPolicy !== v1.TrafficPolicy.Local) return null;
  // IPVS frontends that list only remote real servers forward instead of dropping.
  if (state.forwardsWithoutLocalEndpoints === true) {
    return (
      'no local endpoint on this node, yet external traffic is forwarded to endpoints on other ' +
      'nodes: replies bypass this node and connections break (or, masqueraded, the client IP is lost)'
    );
  }
  if ((state.localEndpoints ?? 0) > 0) return null;
  const dropped = state.noLocalEndpointDrops?.packets ?? 0;
  const healthCheck = state.healthCheckNodePort
    ? `; the load balancer must health-check port ${state.healthCheckNodePort} and skip this node`
    : '';
  return `no local endpoint on this node: external traffic is dropped (${dropped} packets)${healthCheck}`;
}

/** One sentence saying what backends of this Service see for traffic entering this node. */
export function verdict(state: v1.IServiceState, tally: ServiceTally | undefined): string {
  const parts: string[] = [];
  const flows = tally?.flows ?? 0;
  if (!tally || flows === 0) {
    parts.push('no external flows seen');
  } else if (tally.snat === 0) {
    parts.push(`${flows}/${flows} flows keep the client IP; backends see client IPs`);
  } else {
    const causes = [...tally.causes.entries()]
      .filter(([cause]) => cause !== Cause.None)
      .sort((a, b) => b[1] - a[1])
      .map(([cause, count]) => `${count}/${flows} ${CAUSE_TEXT[cause]}`);
    const preserved = flows - tally.snat;
    parts.push(
      preserved === 0
        ? `${causes.join(', ')}; backends see node IPs`
        : `${preserved}/${flows} keep the client IP; ${causes.join(', ')}`,
    );
  }
  const drops = dropNote(state);
  if (drops) parts.push(drops);
  return parts.join('; ');
}
