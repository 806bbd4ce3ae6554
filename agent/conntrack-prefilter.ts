// A cheap look at a raw `conntrack -L` line before it is parsed: on a busy node nearly every
// entry is traffic the agent does not report (pods to pods, the node's own connections), and a
// full parse of each costs more than the dump itself. The classifier (classify.ts) reports only
// an entry whose original destination is a NodePort, a frontend (LoadBalancer or external IP)
// port, or a local endpoint of an exposed Service: the original tuple's dport (and, for frontend
// and endpoint ports, its dst) tell from the raw bytes, before anything is allocated.
import type { KubeProxyModel } from './model/service-model.js';
import type { ByteLineHandler } from './sources/read-lines.js';

const SPACE = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const COLON = 0x3a;
const DPORT = Buffer.from(' dport=');
const DST = Buffer.from(' dst=');

/** Which conntrack lines may be entry or backend flows of a model; keeps(…) is a superset. */
export class ConntrackPrefilter {
  // By port number: 1 a NodePort (any address of the node may take it), 2 a frontend or endpoint
  // port (only at its address). Protocols are not told apart: a superset is enough.
  private readonly ports = new Uint8Array(65536);
  private readonly addresses = new Set<string>();

  constructor(model: KubeProxyModel) {
    for (const service of model.services) {
      if (service.nodePort !== null) this.ports[service.nodePort] = 1;
      const exposed = service.nodePort !== null || service.frontends.length > 0;
      for (const frontend of service.frontends) this.mark(frontend.ip, frontend.port);
      // Backend halves arrive at a local endpoint of an exposed Service (classify.ts).
      if (exposed) for (const endpoint of service.endpoints) this.mark(endpoint.ip, endpoint.port);
    }
  }

  /**
   * False when the line `bytes[start, end)` cannot be a flow the classifier reports; true for the
   * rest, lines it cannot read too (the parser reports those).
   */
  keeps(bytes: Buffer, start: number, end: number): boolean {
    // The first dport= and dst= are the original direction's.
    const dportAt = bytes.indexOf(DPORT, start);
    if (dportAt === -1 || dportAt >= end) return protocolWithoutPorts(bytes, start, end);
    let port = 0;
    let pos = dportAt + DPORT.length;
    for (; pos < end; pos++) {
      const c = bytes[pos] ?? 0;
      if (c < DIGIT_0 || c > DIGIT_9) break;
      port = port * 10 + (c - DIGIT_0);
      if (port > 65535) return true;
    }
    const kind = this.ports[port];
    if (kind !== 2) return kind === 1;
    const dstAt = bytes.indexOf(DST, start);
    if (dstAt === -1 || dstAt >= end) return true;
    const from = dstAt + DST.length;
    let to = from;
    let ipv6 = false;
    while (to < end && bytes[to] !== SPACE) {
      if (bytes[to] === COLON) ipv6 = true;
      to++;
    }
    // IPv6 text may be written in more than one way: the parser's canonical form decides.
    return ipv6 || this.addresses.has(bytes.toString('latin1', from, to));
  }

  /** A line handler that passes on only the lines keeps() accepts. */
  filter(handler: ByteLineHandler): ByteLineHandler {
    return (bytes, start, end, lineNumber, ascii) => {
      if (this.keeps(bytes, start, end)) handler(bytes, start, end, lineNumber, ascii);
    };
  }

  private mark(ip: string, port: number): void {
    if (this.ports[port] !== 1) this.ports[port] = 2;
    this.addresses.add(ip);
  }
}

/**
 * A line without dport=: ICMP and other protocols without ports, which no Service port matches —
 * or something that is no entry at all, which the parser must see to report.
 */
function protocolWithoutPorts(bytes: Buffer, start: number, end: number): boolean {
  return bytes.indexOf(' src=', start) === -1 || bytes.indexOf(' src=', start) >= end;
}
