// Pure parser for conntrack-tools text output (FORMATS.md §4): `conntrack -L` in the default and
// `-o extended,id,timestamp,ktimestamp,labels` forms, `conntrack -E` event lines (with the
// `[epoch.usec]` prefix of `-o timestamp`), and `/proc/net/nf_conntrack`.

/** Address family of an entry. */
export type ConntrackFamily = 'ipv4' | 'ipv6';

/** conntrack event type, for `conntrack -E` lines. */
export type ConntrackEvent = 'NEW' | 'UPDATE' | 'DESTROY';

/** One direction's tuple. Ports are 0 for protocols without ports (ICMP: see `icmp`). */
export interface ConntrackTuple {
  src: string;
  dst: string;
  sport: number;
  dport: number;
}

/** ICMP/ICMPv6 identity of one direction. */
export interface ConntrackIcmp {
  type: number;
  code: number;
  id: number;
}

/** Packet and byte counters of one direction (present with nf_conntrack_acct=1). */
export interface ConntrackCounters {
  packets: number;
  bytes: number;
}

/** One conntrack entry or event. */
export interface ConntrackEntry {
  event: ConntrackEvent | null;
  /** Event time in seconds since the epoch, from the `-o timestamp` prefix. */
  eventTime: number | null;
  family: ConntrackFamily;
  /** Protocol name as printed ("tcp", "udp", "sctp", "icmp", "icmpv6", "unknown", …). */
  protocol: string;
  protocolNumber: number;
  /** Seconds left before expiry. */
  timeout: number;
  /** TCP/SCTP/DCCP state; "" for protocols without one. */
  state: string;
  original: ConntrackTuple;
  reply: ConntrackTuple;
  originalIcmp: ConntrackIcmp | null;
  replyIcmp: ConntrackIcmp | null;
  originalCounters: ConntrackCounters | null;
  replyCounters: ConntrackCounters | null;
  unreplied: boolean;
  assured: boolean;
  offload: boolean;
  hwOffload: boolean;
  /** ct mark (decimal in the text). */
  mark: number;
  zone: number;
  /** Conntrack id (`-o id`); null when not printed. */
  id: number | null;
  labels: string[];
}

/** A line that is not valid conntrack output; carries where it came from. */
export class ConntrackParseError extends Error {
  constructor(
    readonly source: string,
    readonly lineNumber: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super(`${source}:${lineNumber}: ${reason}: "${text}"`);
    this.name = 'ConntrackParseError';
  }
}
