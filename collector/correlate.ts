// Per Service port, across every node: how many connections entered, how many lost the client
// address and why, where they entered and where their backends ran, who the busiest clients are,
// and what each node's kube-proxy programs for the Service. Pure and in memory; summaries() turns
// it into the ServiceSummary view with findings.
import type { Cidr } from '../common/cidr.js';
import { connectionEnds, serviceKey } from '../proto/identity.js';
import { v1 } from '../proto/index.js';
import { UpstreamCidrs } from './upstream-cidrs.js';
import {
  FindingCode,
  findingsFor,
  SEVERITIES,
  type NodeFlows,
  type ServiceView,
} from './findings.js';
import {
  cacheLimits,
  DEFAULT_MEMORY_BUDGET_BYTES,
  ENDPOINT_BYTES,
  EvictionCounts,
  IDLE_SECONDS,
  MAX_CLOCK_SKEW_S,
  SERVICE_STATE_BYTES,
} from './memory-budget.js';

/** Tuning of the correlator. */
export interface CorrelatorOptions {
  /** `--upstream-cidr`: addresses of load balancers or proxies that NAT before the node. */
  upstreamCidrs?: readonly (Cidr | string)[];
  /**
   * Service ports tracked at most; beyond it the least recently seen ones are forgotten (default:
   * the default memory budget's).
   */
  maxServices?: number;
  /**
   * Estimated bytes of all nodes' service states together (see memory-budget.ts); beyond it the
   * nodes that reported least recently are forgotten, the newest snapshot is always kept.
   */
  maxServiceStateBytes?: number;
  /** A Service port with no flow for this long is forgotten by prune() (default IDLE_SECONDS). */
  idleSeconds?: number;
  /** Client addresses counted per Service port (top-k). */
  topClients?: number;
}

const DEFAULT_TOP_CLIENTS = 64;
// At the bound, this share of the Service ports is evicted at once: one sort pays for many inserts.
const EVICT_SHARE = 1 / 16;
/** How many of the busiest clients the findings look at (the rule needs two). */
const CLIENTS_IN_VIEW = 2;

const { Cause, Kind } = v1.FlowRecord;
// Causes are small consecutive numbers: per-cause counts live in arrays indexed by them.
const CAUSE_COUNT = Cause.OtherSnat + 1;
/** Cause None as an index of those arrays. */
const CAUSE_NONE: number = Cause.None;

/**
 * Approximate memory of which connections were counted when they opened, so that a closed record
 * counts only when its open record was never seen (a row replayed from the store after a restart,
 * a lost batch). A direct-mapped table of 2^20 32-bit fingerprints (4 MiB), keyed by numbers
 * only (conntrack id and ports: no string hashing on the hot path) instead of per-flow objects.
 * The accepted inaccuracy: once a later connection has taken its slot (after about a million
 * connections), a connection's closed record counts it a second time (long-lived connections on
 * busy clusters); and a closed record whose 32-bit hash equals another's (1 in 2^32) is missed.
 */
class OpenedFlows {
  private static readonly BITS = 20;
  private readonly slots = new Uint32Array(1 << OpenedFlows.BITS);

  /** Remembers the opening of the record's connection. */
  opened(record: v1.IFlowRecord): void {
    const hash = identityHash(record);
    this.slots[hash >>> (32 - OpenedFlows.BITS)] = hash;
  }

  /** True (and forgets it) when the record's connection was remembered as opened. */
  takeOpened(record: v1.IFlowRecord): boolean {
    const hash = identityHash(record);
    const slot = hash >>> (32 - OpenedFlows.BITS);
    if (this.slots[slot] !== hash) return false;
    this.slots[slot] = 0;
    return true;
  }
}

/**
 * Hash of the connection identity (proto/identity.ts) that both its open and closed records carry;
 * ports, id and incarnation only, which is enough for a 1-in-2^32 miss and allocates nothing.
 */
function identityHash(record: v1.IFlowRecord): number {
  const backend = record.kind === Kind.backend;
  const { srcPort, dstPort } = connectionEnds(record);
  let h = Math.imul((record.conntrackId ?? 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (record.incarnation ?? 0), 0x5bd1e995);
  h = Math.imul(h ^ (h >>> 13) ^ (srcPort | (dstPort << 16)), 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ (backend ? 1 : 0), 0x27d4eb2f);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * Top-k client addresses by the space-saving algorithm: k counters; an address not counted takes
 * over the smallest counter and inherits its count as possible error. Every address with more
 * than flows/k flows is kept, and count - error is a lower bound of its flows.
 */
class TopClients {
  private readonly slot = new Map<string, number>();
  private readonly ips: string[] = [];
  private readonly counts: Float64Array;
  private readonly errors: Float64Array;
  /** The smallest count seen by the last scan; no counter is below it. */
  private floor = 0;
  /** Where the next scan starts: after the counter replaced last. */
  private cursor = 0;

  constructor(private readonly capacity: number) {
    this.counts = new Float64Array(capacity);
    this.errors = new Float64Array(capacity);
  }

  add(ip: string): void {
    const known = this.slot.get(ip);
    if (known !== undefined) {
      this.counts[known] = (this.counts[known] ?? 0) + 1;
      return;
    }
    if (this.ips.length < this.capacity) {
      this.slot.set(ip, this.ips.length);
      this.counts[this.ips.length] = 1;
      this.ips.push(ip);
      return;
    }
    // Counters only grow, so the smallest never shrinks: a scan may stop at the first counter
    // equal to the last known smallest (under a flood of distinct addresses: at once).
    let smallest = this.cursor;
    for (let step = 0; step < this.capacity; step++) {
      const i = (this.cursor + step) % this.capacity;
      if ((this.counts[i] ?? 0) < (this.counts[smallest] ?? 0)) smallest = i;
      if ((this.counts[smallest] ?? 0) === this.floor) break;
    }
    this.floor = this.counts[smallest] ?? 0;
    this.cursor = (smallest + 1) % this.capacity;
    this.slot.delete(this.ips[smallest] ?? '');
    this.slot.set(ip, smallest);
    this.ips[smallest] = ip;
    this.errors[smallest] = this.counts[smallest] ?? 0;
    this.counts[smallest] = (this.counts[smallest] ?? 0) + 1;
  }

  /** The n addresses with the most guaranteed flows, most first. */
  top(n: number): { ip: string; flows: number }[] {
    return this.ips
      .map((ip, i) => ({ ip, flows: (this.counts[i] ?? 0) - (this.errors[i] ?? 0) }))
      .sort((a, b) => b.flows - a.flows || (a.ip < b.ip ? -1 : 1))
      .slice(0, n);
  }
}

/** What the flows of one Service port showed so far. */
class ServiceFlows {
  /** Policy the entry records carried (used when no node reported the Service's state). */
  policy: v1.TrafficPolicy | null = null;
  flows = 0;
  /** Flows a node rewrote (the agent's snat). */
  snatFlows = 0;
  /** Flows whose backend saw the real client: not rewritten on a node, not from upstream. */
  keptFlows = 0;
  readonly causes: number[] = new Array<number>(CAUSE_COUNT).fill(0);
  readonly entryNodes = new Map<
    string,
    { flows: number; causes: number[]; remoteEndpointFlows: number }
  >();
  readonly backendNodes = new Map<string, number>();
  /** Flows whose client is inside --upstream-cidr. */
  upstreamFlows = 0;
  /** Of those, the ones with cause None: no node rewrote them, the loss is upstream alone. */
  upstreamUnrewritten = 0;
  /** Flows counted from sampled records (1 in N reported, counted N times): an estimate. */
  sampledFlows = 0;
  readonly clients: TopClients;
  lastSeen = 0;

  constructor(
    readonly service: v1.IServicePortName,
    readonly protocol: string,
    topClients: number,
  ) {
    this.clients = new TopClients(topClients);
  }
}

/** One node's latest snapshot and its estimated size. */
interface NodeStates {
  readonly states: readonly v1.IServiceState[];
  readonly bytes: number;
}

/** Aggregates flow records and node service states per Service port. */
export class Correlator {
  private readonly upstream: UpstreamCidrs;
  private readonly maxServices: number;
  private readonly maxServiceStateBytes: number;
  private readonly idleSeconds: number;
  private readonly topClients: number;
  private readonly services = new Map<string, ServiceFlows>();
  /** By node, least recently reported first (setServices re-inserts). */
  private readonly states = new Map<string, NodeStates>();
  private stateBytes = 0;
  private readonly opened = new OpenedFlows();
  private unattributed = 0;
  /** Service ports forgotten (prune() for age, the bound for size). */
  readonly serviceEvictions = new EvictionCounts();
  /** Nodes whose service states were forgotten to stay within the bound. */
  readonly nodeStateEvictions = new EvictionCounts();

  constructor(options: CorrelatorOptions = {}) {
    this.upstream = new UpstreamCidrs(options.upstreamCidrs ?? []);
    const defaults = cacheLimits(DEFAULT_MEMORY_BUDGET_BYTES);
    this.maxServices = options.maxServices ?? defaults.services;
    this.maxServiceStateBytes = options.maxServiceStateBytes ?? defaults.serviceStateBytes;
    this.idleSeconds = options.idleSeconds ?? IDLE_SECONDS;
    this.topClients = options.topClients ?? DEFAULT_TOP_CLIENTS;
  }

  /** True when `ip` is inside --upstream-cidr: a load balancer or proxy, not the real client. */
  isUpstream(ip: string): boolean {
    return this.upstream.contains(ip);
  }

  /** Service ports with flows tracked now. */
  get serviceCount(): number {
    return this.services.size;
  }

  /** Nodes whose service states are kept. */
  get nodeCount(): number {
    return this.states.size;
  }

  /** Records without a Service (the agent's closed records carry none; their open record did). */
  get unattributedRecords(): number {
    return this.unattributed;
  }

  /**
   * Adds one flow or backend record. Each connection counts once: its open record, or its closed
   * record when the open one was never seen (see OpenedFlows for the approximation). A record
   * sampled 1 in N under overload (sampleRate N) counts N flows: the agent reported one of N alike.
   */
  addFlow(record: v1.IFlowRecord): void {
    const service = record.service;
    if (!service) {
      this.unattributed++;
      return;
    }
    const flows = this.flowsOf(service, record.protocol ?? '');
    const at = record.observedAt ?? 0;
    if (at > flows.lastSeen) flows.lastSeen = at;
    const node = record.node ?? '';
    if (record.kind === Kind.backend) {
      if (this.isNewConnection(record)) increment(flows.backendNodes, node);
      return;
    }
    flows.policy = record.externalTrafficPolicy ?? v1.TrafficPolicy.Cluster;
    if (!this.isNewConnection(record)) return;
    const weight = Math.max(1, record.sampleRate ?? 1);
    if (weight > 1) flows.sampledFlows += weight;
    flows.flows += weight;
    const snat = record.snat === true;
    if (snat) flows.snatFlows += weight;
    const cause = record.cause ?? Cause.None;
    flows.causes[cause] = (flows.causes[cause] ?? 0) + weight;
    let entry = flows.entryNodes.get(node);
    if (entry === undefined) {
      entry = { flows: 0, causes: new Array<number>(CAUSE_COUNT).fill(0), remoteEndpointFlows: 0 };
      flows.entryNodes.set(node, entry);
    }
    entry.flows += weight;
    entry.causes[cause] = (entry.causes[cause] ?? 0) + weight;
    // Under Local an external connection goes to a remote endpoint only when the node forwards
    // without a local one (IPVS); the node's own connections may use remote endpoints by design.
    if (
      record.externalTrafficPolicy === v1.TrafficPolicy.Local &&
      record.endpointLocal === false &&
      cause !== Cause.LocalOrigin
    ) {
      entry.remoteEndpointFlows += weight;
    }
    if (record.endpointLocal === true) increment(flows.backendNodes, node);
    const client = record.client?.ip;
    const upstream = client ? this.upstream.contains(client) : false;
    if (client) flows.clients.add(client);
    if (upstream) {
      flows.upstreamFlows += weight;
      if (cause === Cause.None) flows.upstreamUnrewritten += weight;
    } else if (!snat) {
      flows.keptFlows += weight;
    }
  }

  /**
   * Replaces everything `node` reported about its Service ports (its latest snapshot). Node
   * states are not forgotten for age: an agent sends a snapshot only when it changes, so a quiet
   * node's last one is still its truth. Beyond the bound, the nodes that reported least recently go.
   */
  setServices(node: string, states: readonly v1.IServiceState[]): void {
    const previous = this.states.get(node);
    if (previous !== undefined) {
      this.states.delete(node);
      this.stateBytes -= previous.bytes;
    }
    if (states.length === 0) return;
    const bytes = states.reduce(
      (total, state) =>
        total + SERVICE_STATE_BYTES + (state.endpoints?.length ?? 0) * ENDPOINT_BYTES,
      0,
    );
    this.states.set(node, { states, bytes });
    this.stateBytes += bytes;
    for (const [oldest, kept] of this.states) {
      if (this.stateBytes <= this.maxServiceStateBytes || oldest === node) break;
      this.states.delete(oldest);
      this.stateBytes -= kept.bytes;
      this.nodeStateEvictions.size++;
    }
  }

  /**
   * Forgets Service ports without a flow for idleSeconds before nowSeconds, or stamped beyond the
   * clock skew in the future (they would never age out); returns how many.
   */
  prune(nowSeconds: number): number {
    const before = nowSeconds - this.idleSeconds;
    const after = nowSeconds + MAX_CLOCK_SKEW_S;
    let dropped = 0;
    for (const [key, flows] of this.services) {
      if (flows.lastSeen < before || flows.lastSeen > after) {
        this.services.delete(key);
        dropped++;
      }
    }
    this.serviceEvictions.age += dropped;
    return dropped;
  }

  /** The latest service states of every node. */
  serviceStates(): v1.IServiceState[] {
    return [...this.states.values()].flatMap((node) => node.states);
  }

  /** Every Service port seen in flows or states; those with findings and lost client IPs first. */
  summaries(): v1.IServiceSummary[] {
    const statesByKey = new Map<string, v1.IServiceState[]>();
    for (const { states } of this.states.values()) {
      for (const state of states) {
        const key = serviceKey(state.service ?? {}, state.protocol ?? '');
        const list = statesByKey.get(key);
        if (list) list.push(state);
        else statesByKey.set(key, [state]);
      }
    }
    const keys = new Set([...this.services.keys(), ...statesByKey.keys()]);
    const summaries = [...keys].map((key) =>
      this.summary(this.services.get(key), statesByKey.get(key) ?? []),
    );
    return summaries.sort((a, b) => rank(a) - rank(b) || compareText(summaryKey(a), summaryKey(b)));
  }

  /** Every finding of every Service port, in the order of summaries(). */
  findings(): v1.IFinding[] {
    return this.summaries().flatMap((summary) => summary.findings ?? []);
  }

  private flowsOf(service: v1.IServicePortName, protocol: string): ServiceFlows {
    const key = serviceKey(service, protocol);
    const known = this.services.get(key);
    if (known !== undefined) return known;
    if (this.services.size >= this.maxServices) this.evictLeastRecentlySeen();
    const copy = {
      namespace: service.namespace ?? '',
      name: service.name ?? '',
      port: service.port ?? '',
    };
    const created = new ServiceFlows(copy, protocol, this.topClients);
    this.services.set(key, created);
    return created;
  }

  /** Forgets the EVICT_SHARE of Service ports seen least recently (at least one). */
  private evictLeastRecentlySeen(): void {
    const count = Math.max(1, Math.floor(this.maxServices * EVICT_SHARE));
    const oldest = [...this.services]
      .sort(([, a], [, b]) => a.lastSeen - b.lastSeen)
      .slice(0, count);
    for (const [key] of oldest) this.services.delete(key);
    this.serviceEvictions.size += oldest.length;
  }

  private isNewConnection(record: v1.IFlowRecord): boolean {
    if (record.closed !== true) {
      this.opened.opened(record);
      return true;
    }
    return !this.opened.takeOpened(record);
  }

  private summary(
    flows: ServiceFlows | undefined,
    states: readonly v1.IServiceState[],
  ): v1.IServiceSummary {
    const first = states[0];
    const service = flows?.service ?? first?.service ?? {};
    const protocol = flows?.protocol ?? first?.protocol ?? '';
    const policy = first?.externalTrafficPolicy ?? flows?.policy ?? v1.TrafficPolicy.Cluster;
    const healthCheckNodePort =
      states.find((s) => s.healthCheckNodePort != null)?.healthCheckNodePort ?? null;
    const count = flows?.flows ?? 0;
    const snatFlows = flows?.snatFlows ?? 0;
    const keptFlows = flows?.keptFlows ?? 0;
    const nodeStates = states.map((state) => ({
      node: state.node ?? '',
      localEndpoints: state.localEndpoints ?? 0,
      droppedPackets: state.noLocalEndpointDrops?.packets ?? 0,
      forwardsWithoutLocalEndpoints: state.forwardsWithoutLocalEndpoints === true,
    }));
    const view: ServiceView = {
      service,
      protocol,
      policy,
      healthCheckNodePort,
      flows: count,
      causes: flows?.causes ?? [],
      entryNodes: flows?.entryNodes ?? new Map<string, NodeFlows>(),
      nodeStates,
      upstreamFlows: flows?.upstreamFlows ?? 0,
      topClients: (flows?.clients.top(CLIENTS_IN_VIEW) ?? []).map((client) => ({
        ...client,
        upstream: this.upstream.contains(client.ip),
      })),
    };
    // Each flow under one cause: what the node did, else the upstream loss, else None (kept).
    const causes: Record<string, number> = {};
    const upstreamUnrewritten = flows?.upstreamUnrewritten ?? 0;
    flows?.causes.forEach((n, cause) => {
      const counted = cause === CAUSE_NONE ? n - upstreamUnrewritten : n;
      if (counted > 0) causes[Cause[cause] ?? String(cause)] = counted;
    });
    if (upstreamUnrewritten > 0) causes[FindingCode.ClientIpLostUpstream] = upstreamUnrewritten;
    const summary: v1.IServiceSummary = {
      service,
      protocol,
      externalTrafficPolicy: policy,
      flows: count,
      snatFlows,
      entryNodes: busiestFirst(
        new Map([...(flows?.entryNodes ?? [])].map(([node, n]) => [node, n.flows])),
      ),
      backendNodes: busiestFirst(flows?.backendNodes ?? new Map<string, number>()),
      nodesDroppingWithoutLocalEndpoints: nodeStates
        .filter((s) => s.localEndpoints === 0 && s.droppedPackets > 0)
        .map((s) => s.node)
        .sort(compareText),
      findings: findingsFor(view),
      verdict: verdict(count, keptFlows),
      loadBalancerIPs: union(states.map((s) => s.loadBalancerIPs ?? [])),
      externalIPs: union(states.map((s) => s.externalIPs ?? [])),
      nodes: nodeStates.map((s) => s.node).sort(compareText),
      nodesWithLocalEndpoints: nodeStates
        .filter((s) => s.localEndpoints > 0)
        .map((s) => s.node)
        .sort(compareText),
      noLocalEndpointDrops: {
        packets: sum(states.map((s) => s.noLocalEndpointDrops?.packets ?? 0)),
        bytes: sum(states.map((s) => s.noLocalEndpointDrops?.bytes ?? 0)),
      },
      causes,
      lastSeen: flows?.lastSeen ?? 0,
      upstreamFlows: flows?.upstreamFlows ?? 0,
      keptFlows,
      sampledFlows: flows?.sampledFlows ?? 0,
      nodesForwardingWithoutLocalEndpoints: nodeStates
        .filter((s) => s.forwardsWithoutLocalEndpoints)
        .map((s) => s.node)
        .sort(compareText),
    };
    if (count > 0) {
      summary.preservedRatio = keptFlows / count;
      summary.nodePreservedRatio = (count - snatFlows) / count;
    }
    const nodePort = states.find((s) => s.nodePort != null)?.nodePort;
    if (nodePort != null) summary.nodePort = nodePort;
    if (healthCheckNodePort !== null) summary.healthCheckNodePort = healthCheckNodePort;
    return summary;
  }
}

function summaryKey(summary: v1.IServiceSummary): string {
  return serviceKey(summary.service ?? {}, summary.protocol ?? '');
}

/** The verdict against the real client: a flow lost upstream is as lost as one a node rewrote. */
function verdict(flows: number, keptFlows: number): string {
  if (flows === 0) return 'no-traffic';
  if (keptFlows === flows) return 'preserved';
  return keptFlows === 0 ? 'lost' : 'partial';
}

const VERDICT_RANK: Record<string, number> = { lost: 0, partial: 1, preserved: 2 };

/** Worst finding first (critical, warning, info), then lost, partial, preserved, no traffic. */
function rank(summary: v1.IServiceSummary): number {
  const severities = (summary.findings ?? []).map((f) =>
    SEVERITIES.indexOf(f.severity as (typeof SEVERITIES)[number]),
  );
  const severity = Math.min(SEVERITIES.length, ...severities.filter((i) => i >= 0));
  return severity * 10 + (VERDICT_RANK[summary.verdict ?? ''] ?? 3);
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function busiestFirst(counts: ReadonlyMap<string, number>): string[] {
  return [...counts].sort(([a, x], [b, y]) => y - x || compareText(a, b)).map(([node]) => node);
}

function union(lists: readonly (readonly string[])[]): string[] {
  return [...new Set(lists.flat())].sort(compareText);
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
