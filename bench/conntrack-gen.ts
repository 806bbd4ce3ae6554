// Generates large, realistic `conntrack -L -o extended,id` dumps of one node of a three-node cluster
// for the parse + classify benchmark. The Services it sends traffic to are exported below, so the
// benchmark can build the matching kube-proxy rule set. Deterministic for a given seed.
//
//   npx tsx bench/conntrack-gen.ts --lines 1000000 --seed 1 > bench/out/conntrack.txt
import { once } from 'node:events';
import { pathToFileURL } from 'node:url';
import type { ConntrackEntry, ConntrackTuple } from '../agent/sources/conntrack.js';

/** One node of the generated cluster. */
export interface GenNode {
  name: string;
  ip: string;
  ipv6: string;
  podCidr: string;
  /** The CNI bridge address: MASQUERADE picks it as the source towards a local pod. */
  podGateway: string;
}

/** The cluster's nodes: the dump is taken on one of them (`node` option, default 0). */
export const GEN_NODES: readonly GenNode[] = [1, 2, 3].map((n) => ({
  name: `bench-node-${n}`,
  ip: `203.0.113.${10 + n}`,
  ipv6: `2001:db8:0:1::${10 + n}`,
  podCidr: `10.244.${n}.0/24`,
  podGateway: `10.244.${n}.1`,
}));

/** Cluster-wide pod CIDR (kube-proxy's --cluster-cidr). */
export const GEN_POD_CIDR = '10.244.0.0/16';

/** Service CIDR the ClusterIPs come from. */
export const GEN_SERVICE_CIDR = '10.96.0.0/16';

/** External clients (documentation ranges), 254 addresses each. */
export const GEN_CLIENT_CIDRS = ['198.51.100.0/24', '192.0.2.0/24'] as const;

/** External IPv6 clients (only for the IPv6 share of non-Service traffic). */
export const GEN_CLIENT_IPV6_PREFIX = '2001:db8:100::';

/** Internet hosts that pods talk to (benchmarking range 198.18.0.0/15), masqueraded by the CNI. */
export const GEN_INTERNET_CIDR = '198.18.0.0/24';

/** The NodePort range used: one Service per port. */
export const GEN_NODE_PORTS = { first: 30000, last: 30100 } as const;

/** One endpoint of a generated Service. */
export interface GenEndpoint {
  ip: string;
  /** Index into GEN_NODES of the node that runs the pod. */
  node: number;
}

/** One Service port that the generated traffic uses. */
export interface GenService {
  namespace: string;
  name: string;
  portName: string;
  protocol: 'tcp' | 'udp';
  clusterIP: string;
  port: number;
  targetPort: number;
  nodePort: number;
  /** LoadBalancer ingress IP, or null for a plain NodePort Service. */
  loadBalancerIP: string | null;
  externalTrafficPolicy: 'Cluster' | 'Local';
  endpoints: readonly GenEndpoint[];
}

// Every third Service is Local; every tenth is UDP; the first twenty also have a LoadBalancer IP.
// Each Service has one endpoint per node, so Local Services always have a local endpoint.
/** The Services (NodePorts GEN_NODE_PORTS.first..last) behind the generated flows. */
export const GEN_SERVICES: readonly GenService[] = Array.from(
  { length: GEN_NODE_PORTS.last - GEN_NODE_PORTS.first + 1 },
  (_, i): GenService => {
    const udp = i % 10 === 9;
    return {
      namespace: `bench-${i % 5}`,
      name: `svc-${i}`,
      portName: udp ? 'dns' : 'http',
      protocol: udp ? 'udp' : 'tcp',
      clusterIP: `10.96.1.${10 + i}`,
      port: udp ? 53 : 80,
      targetPort: udp ? 5353 : 8080,
      nodePort: GEN_NODE_PORTS.first + i,
      loadBalancerIP: i < 20 ? `203.0.113.${100 + i}` : null,
      externalTrafficPolicy: i % 3 === 0 ? 'Local' : 'Cluster',
      endpoints: GEN_NODES.map((_node, n) => ({ ip: `10.244.${n + 1}.${10 + i}`, node: n })),
    };
  },
);

/** Options of generateConntrackDump. */
export interface ConntrackGenOptions {
  lines: number;
  seed: number;
  /** Index into GEN_NODES of the node the dump is taken on (default 0). */
  node?: number;
  /** Share of lines that are IPv6 (clients to the node itself, never NAT'ed; default 0.02). */
  ipv6Fraction?: number;
  /** Masquerade with a random source port (`--random-fully`, nftables `fully-random`). */
  randomFully?: boolean;
}

// L4 protocol numbers whose tuples print sport=/dport= (tcp, udp, dccp, sctp, udplite); like
// libnetfilter_conntrack, the number and not the name decides.
const PORT_PROTOCOLS = new Set([6, 17, 33, 132, 136]);
const L3_NUMBERS = { ipv4: 2, ipv6: 10 } as const;

function formatTuple(entry: ConntrackEntry, tuple: ConntrackTuple, reply: boolean): string {
  let text = `src=${tuple.src} dst=${tuple.dst} `;
  const icmp = reply ? entry.replyIcmp : entry.originalIcmp;
  if (icmp) text += `type=${icmp.type} code=${icmp.code} id=${icmp.id} `;
  else if (entry.protocolNumber === 47) {
    text += `srckey=0x${tuple.sport.toString(16)} dstkey=0x${tuple.dport.toString(16)} `;
  } else if (PORT_PROTOCOLS.has(entry.protocolNumber)) {
    text += `sport=${tuple.sport} dport=${tuple.dport} `;
  }
  const counters = reply ? entry.replyCounters : entry.originalCounters;
  if (counters) text += `packets=${counters.packets} bytes=${counters.bytes} `;
  return text;
}

/**
 * Renders an entry as conntrack-tools prints it (libnetfilter_conntrack's default format, with the
 * `ipv4     2 ` prefix when `extended`), the inverse of parseConntrackLine.
 */
export function formatConntrackEntry(entry: ConntrackEntry, extended: boolean): string {
  let text = '';
  if (entry.eventTime !== null) text += `[${entry.eventTime.toFixed(6)}]\t`;
  if (entry.event !== null) text += `${`[${entry.event}]`.padStart(9)} `;
  if (extended) text += `${entry.family.padEnd(8)} ${L3_NUMBERS[entry.family]} `;
  text += `${entry.protocol.padEnd(8)} ${entry.protocolNumber} ${entry.timeout} `;
  if (entry.state !== '') text += `${entry.state} `;
  text += formatTuple(entry, entry.original, false);
  if (entry.unreplied) text += '[UNREPLIED] ';
  text += formatTuple(entry, entry.reply, true);
  // The tool prints only one of these three, in this precedence.
  if (entry.hwOffload) text += '[HW_OFFLOAD] ';
  else if (entry.offload) text += '[OFFLOAD] ';
  else if (entry.assured) text += '[ASSURED] ';
  text += `mark=${entry.mark} `;
  if (entry.zone !== 0) text += `zone=${entry.zone} `;
  if (entry.deltaTime != null) text += `delta-time=${entry.deltaTime} `;
  text += 'use=1 ';
  if (entry.id !== null) text += `id=${entry.id} `;
  if (entry.labels.length > 0) text += `labels=${entry.labels.join(',')} `;
  return text.trimEnd();
}

/** xorshift32: tiny, fast and deterministic; statistical quality is irrelevant for test data. */
class Random {
  private state: number;

  constructor(seed: number) {
    // Scramble the seed so that 0, 1, 2 … start far apart; xorshift must not start at 0.
    this.state = Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) >>> 0 || 1;
  }

  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state / 0x100000000;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }
}

interface Flow {
  protocol: 'tcp' | 'udp' | 'icmp';
  original: ConntrackTuple;
  reply: ConntrackTuple;
  /** Echo id of an ICMP flow (its tuples have no ports). */
  icmpId?: number;
}

// Traffic mix (cumulative shares of the IPv4 lines).
const SHARE_ENTRY = 0.6;
const SHARE_CLUSTER_IP = 0.85;

function ephemeralPort(random: Random): number {
  return random.int(32768, 60999);
}

// The /24 prefixes ("198.51.100") of the client and internet ranges.
const prefix24 = (cidr: string): string => cidr.slice(0, cidr.lastIndexOf('.'));
const CLIENT_PREFIXES = GEN_CLIENT_CIDRS.map(prefix24);
const INTERNET_PREFIX = prefix24(GEN_INTERNET_CIDR);

function clientIp(random: Random): string {
  return `${random.pick(CLIENT_PREFIXES)}.${random.int(1, 254)}`;
}

// The pod addresses that GEN_SERVICES' endpoints use on this node, so pods also reach themselves.
function localPod(random: Random, self: GenNode): string {
  return `${prefix24(self.podCidr)}.${random.int(10, 110)}`;
}

/** Client → NodePort or LoadBalancer IP: Cluster policy SNATs, Local keeps the client address. */
function entryFlow(random: Random, node: number, self: GenNode, randomFully: boolean): Flow {
  const service = random.pick(GEN_SERVICES);
  const client = clientIp(random);
  const sport = ephemeralPort(random);
  const loadBalancerIP = service.loadBalancerIP;
  const viaLoadBalancer = loadBalancerIP !== null && random.next() < 0.25;
  const dst = viaLoadBalancer ? loadBalancerIP : self.ip;
  const dport = viaLoadBalancer ? service.port : service.nodePort;
  const local = service.externalTrafficPolicy === 'Local';
  // Local traffic reaches only this node's endpoint (every Service has one on each node).
  const endpoint = local
    ? random.pick(service.endpoints.filter((e) => e.node === node))
    : random.pick(service.endpoints);
  let observed = client;
  let observedPort = sport;
  if (!local) {
    // MASQUERADE takes the address of the egress interface: the node IP towards another node,
    // the CNI bridge towards a pod on this node.
    observed = endpoint.node === node ? self.podGateway : self.ip;
    if (randomFully) observedPort = random.int(1024, 65535);
  }
  return {
    protocol: service.protocol,
    original: { src: client, dst, sport, dport },
    reply: { src: endpoint.ip, dst: observed, sport: service.targetPort, dport: observedPort },
  };
}

/** Pod → ClusterIP, DNAT only (or SNAT to the bridge when the pod reaches itself: hairpin). */
function clusterIpFlow(random: Random, self: GenNode): Flow {
  const service = random.pick(GEN_SERVICES);
  const pod = localPod(random, self);
  const sport = ephemeralPort(random);
  const endpoint = random.pick(service.endpoints);
  const hairpin = endpoint.ip === pod;
  return {
    protocol: service.protocol,
    original: { src: pod, dst: service.clusterIP, sport, dport: service.port },
    reply: {
      src: endpoint.ip,
      dst: hairpin ? self.podGateway : pod,
      sport: service.targetPort,
      dport: sport,
    },
  };
}

/** Kubelet probes, pod egress to the internet (CNI masquerade), SSH and pings to the node. */
function otherFlow(random: Random, self: GenNode): Flow {
  const kind = random.next();
  const sport = ephemeralPort(random);
  if (kind < 0.4) {
    const pod = localPod(random, self);
    return {
      protocol: 'tcp',
      original: { src: self.ip, dst: pod, sport, dport: 8080 },
      reply: { src: pod, dst: self.ip, sport: 8080, dport: sport },
    };
  }
  if (kind < 0.8) {
    const pod = localPod(random, self);
    const host = `${INTERNET_PREFIX}.${random.int(1, 254)}`;
    const port = random.next() < 0.8 ? 443 : 80;
    return {
      protocol: 'tcp',
      original: { src: pod, dst: host, sport, dport: port },
      reply: { src: host, dst: self.ip, sport: port, dport: sport },
    };
  }
  const client = clientIp(random);
  if (kind < 0.9) {
    return {
      protocol: 'tcp',
      original: { src: client, dst: self.ip, sport, dport: 22 },
      reply: { src: self.ip, dst: client, sport: 22, dport: sport },
    };
  }
  return {
    protocol: 'icmp',
    original: { src: client, dst: self.ip, sport: 0, dport: 0 },
    reply: { src: self.ip, dst: client, sport: 0, dport: 0 },
    icmpId: random.int(1, 65535),
  };
}

/** IPv6 clients of the node itself (SSH, kubelet): no Service, no NAT. */
function ipv6Flow(random: Random, self: GenNode): Flow {
  const client = `${GEN_CLIENT_IPV6_PREFIX}${random.int(1, 0xffff).toString(16)}`;
  const sport = ephemeralPort(random);
  const dport = random.next() < 0.5 ? 22 : 10250;
  return {
    protocol: 'tcp',
    original: { src: client, dst: self.ipv6, sport, dport },
    reply: { src: self.ipv6, dst: client, sport: dport, dport: sport },
  };
}

// Flow sizes are heavy-tailed: most connections are small, a few are huge.
function logUniform(random: Random, min: number, max: number): number {
  return Math.round(min * Math.pow(max / min, random.next()));
}

function counters(
  random: Random,
  packets: number,
  size: number,
): { packets: number; bytes: number } {
  return { packets, bytes: packets * size + random.int(0, packets * 40) };
}

/** Dresses a flow as an entry with a plausible state, timeout, flags and counters. */
function toEntry(random: Random, flow: Flow, id: number, ipv6: boolean): ConntrackEntry {
  const entry: ConntrackEntry = {
    event: null,
    eventTime: null,
    family: ipv6 ? 'ipv6' : 'ipv4',
    protocol: flow.protocol,
    protocolNumber: flow.protocol === 'tcp' ? 6 : flow.protocol === 'udp' ? 17 : 1,
    timeout: 0,
    state: '',
    original: flow.original,
    reply: flow.reply,
    originalIcmp: null,
    replyIcmp: null,
    originalCounters: null,
    replyCounters: null,
    unreplied: false,
    assured: true,
    offload: false,
    hwOffload: false,
    // kube-proxy's 0x4000 is a packet mark and never reaches the ct mark; a few other tools set one.
    mark: random.next() < 0.02 ? 16384 : 0,
    zone: 0,
    id,
    labels: [],
    deltaTime: null,
  };
  // Each branch sets the state, timeout, seconds since creation and packets sent by the client.
  const roll = random.next();
  let packets: number;
  if (flow.protocol === 'tcp') {
    if (roll < 0.55) {
      // kube-proxy sets nf_conntrack_tcp_timeout_established to 86400; a packet resets it.
      entry.state = 'ESTABLISHED';
      entry.timeout = random.int(86000, 86400);
      entry.deltaTime = random.int(1, 7 * 86400);
      packets = logUniform(random, 4, 200000);
    } else if (roll < 0.9) {
      entry.state = 'TIME_WAIT';
      entry.timeout = random.int(1, 120);
      entry.deltaTime = 120 - entry.timeout + random.int(0, 30);
      packets = random.int(5, 60);
    } else if (roll < 0.95) {
      entry.state = 'SYN_SENT';
      entry.timeout = random.int(1, 120);
      entry.deltaTime = 120 - entry.timeout;
      entry.unreplied = true;
      entry.assured = false;
      packets = random.int(1, 3);
    } else {
      entry.state = random.pick(['FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK', 'SYN_RECV']);
      entry.timeout = random.int(1, 60);
      entry.assured = entry.state !== 'SYN_RECV';
      entry.deltaTime = entry.assured ? random.int(1, 600) : 60 - entry.timeout;
      packets = entry.assured ? random.int(5, 500) : 1;
    }
  } else if (flow.protocol === 'udp') {
    entry.deltaTime = random.int(0, 300);
    if (roll < 0.6) {
      entry.timeout = random.int(1, 120);
      packets = random.int(2, 500);
    } else {
      entry.timeout = random.int(1, 30);
      entry.assured = false;
      entry.unreplied = roll < 0.8;
      packets = 1;
    }
  } else {
    const icmpId = flow.icmpId ?? 0;
    entry.timeout = random.int(1, 30);
    entry.deltaTime = 30 - entry.timeout;
    entry.assured = false;
    entry.originalIcmp = { type: 8, code: 0, id: icmpId };
    entry.replyIcmp = { type: 0, code: 0, id: icmpId };
    packets = random.int(1, 10);
  }
  const size = flow.protocol === 'tcp' ? 66 : 84;
  entry.originalCounters = counters(random, packets, size);
  entry.replyCounters = entry.unreplied
    ? { packets: 0, bytes: 0 }
    : counters(random, packets > 3 ? packets + random.int(-2, 2) : packets, size);
  return entry;
}

/** Yields `options.lines` dump lines (without newline) for node `options.node`. */
export function* generateConntrackDump(options: ConntrackGenOptions): Generator<string> {
  const node = options.node ?? 0;
  const self = GEN_NODES[node];
  if (self === undefined) throw new RangeError(`node must be 0..${GEN_NODES.length - 1}`);
  const ipv6Fraction = options.ipv6Fraction ?? 0.02;
  const randomFully = options.randomFully ?? false;
  const random = new Random(options.seed);
  // Multiplying by an odd constant and xoring are bijections of uint32: ids are unique.
  const idSalt = Math.imul(options.seed, 0x85ebca6b) >>> 0;
  for (let i = 0; i < options.lines; i++) {
    const id = (Math.imul(i + 1, 0x9e3779b1) ^ idSalt) >>> 0;
    const ipv6 = random.next() < ipv6Fraction;
    let flow: Flow;
    if (ipv6) flow = ipv6Flow(random, self);
    else {
      const kind = random.next();
      if (kind < SHARE_ENTRY) flow = entryFlow(random, node, self, randomFully);
      else if (kind < SHARE_CLUSTER_IP) flow = clusterIpFlow(random, self);
      else flow = otherFlow(random, self);
    }
    yield formatConntrackEntry(toEntry(random, flow, id, ipv6), true);
  }
}

const USAGE = `Usage: tsx bench/conntrack-gen.ts --lines N [--seed N] [--node 0|1|2]
                                 [--ipv6-fraction F] [--random-fully]

Writes a realistic \`conntrack -L -o extended,id\` dump of one node to stdout.
  --lines N           number of lines (required)
  --seed N            PRNG seed, same seed gives the same dump (default 1)
  --node N            which of the three nodes (203.0.113.11-13) the dump is from (default 0)
  --ipv6-fraction F   share of IPv6 lines, 0..1 (default 0.02)
  --random-fully      masquerade also rewrites the client port (nftables mode, --random-fully)
  --help              this text
`;

function parseArguments(argv: readonly string[]): ConntrackGenOptions | null {
  const options: ConntrackGenOptions = { lines: -1, seed: 1 };
  const number = (flag: string, value: string | undefined): number => {
    const parsed = Number(value);
    if (value === undefined || value === '' || !Number.isFinite(parsed)) {
      throw new Error(`${flag} needs a number`);
    }
    return parsed;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--help' || flag === '-h') return null;
    else if (flag === '--random-fully') options.randomFully = true;
    else if (flag === '--lines') options.lines = number(flag, argv[++i]);
    else if (flag === '--seed') options.seed = number(flag, argv[++i]);
    else if (flag === '--node') options.node = number(flag, argv[++i]);
    else if (flag === '--ipv6-fraction') options.ipv6Fraction = number(flag, argv[++i]);
    else throw new Error(`unknown argument ${String(flag)}`);
  }
  if (!Number.isInteger(options.lines) || options.lines < 0) {
    throw new Error('--lines N is required');
  }
  const node = options.node ?? 0;
  if (!Number.isInteger(node) || GEN_NODES[node] === undefined) {
    throw new Error(`--node must be 0..${GEN_NODES.length - 1}`);
  }
  const ipv6Fraction = options.ipv6Fraction ?? 0;
  if (ipv6Fraction < 0 || ipv6Fraction > 1) throw new Error('--ipv6-fraction must be 0..1');
  return options;
}

async function main(argv: readonly string[]): Promise<number> {
  let options: ConntrackGenOptions | null;
  try {
    options = parseArguments(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === null) {
    process.stdout.write(USAGE);
    return 0;
  }
  // `| head` closes the pipe early; that is a normal end, not a crash.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    process.exit(error.code === 'EPIPE' ? 0 : 1);
  });
  let chunk = '';
  let count = 0;
  for (const line of generateConntrackDump(options)) {
    chunk += line + '\n';
    // Batching thousands of lines per write keeps the generator far faster than the parser.
    if (++count % 4096 === 0) {
      if (!process.stdout.write(chunk)) await once(process.stdout, 'drain');
      chunk = '';
    }
  }
  process.stdout.write(chunk);
  return 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main(process.argv.slice(2));
}
