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
  /** `[ASSURED]` as printed: the tool shows `[OFFLOAD]`/`[HW_OFFLOAD]` instead of it, never both. */
  assured: boolean;
  offload: boolean;
  hwOffload: boolean;
  /** ct mark (decimal in the text). */
  mark: number;
  zone: number;
  /** Conntrack id (`-o id`); null when not printed. */
  id: number | null;
  labels: string[];
  /** Seconds since the entry was created (`delta-time=`, needs nf_conntrack_timestamp=1). */
  deltaTime?: number | null;
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

// ---------------------------------------------------------------------------------------------
// Parser. This is the agent's hot path (a busy node lists a million entries per poll), so it is a
// hand-rolled scanner over the line: indexOf/charCodeAt, integers parsed in place, no split or
// regular expression per field, and the common protocol and state names are interned instead of
// sliced. Only the output objects and the address strings are allocated.

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;
const COLON = 0x3a;
const EQUALS = 0x3d;
const LEFT_BRACKET = 0x5b;
const RIGHT_BRACKET = 0x5d;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const UPPER_A = 0x41;
const UPPER_F = 0x46;
const UPPER_Z = 0x5a;
const LOWER_A = 0x61;
const LOWER_F = 0x66;
const LOWER_Z = 0x7a;

const U16_MAX = 0xffff;
const U32_MAX = 0xffffffff;

// readAddress results: the family of a valid address, and whether an IPv6 one must be rewritten.
const ADDRESS_INVALID = 0;
const ADDRESS_IPV4 = 1;
const ADDRESS_IPV6 = 2;
const ADDRESS_IPV6_NOT_CANONICAL = 3;

// What a tuple must carry, by L4 protocol number: a missing field means the line was cut or mangled.
const NEEDS_PORTS = 1;
const NEEDS_ICMP = 2;
const NEEDS_GRE_KEYS = 3;

function tupleNeeds(protocolNumber: number): number {
  switch (protocolNumber) {
    case 6: // tcp
    case 17: // udp
    case 33: // dccp
    case 132: // sctp
    case 136: // udplite
      return NEEDS_PORTS;
    case 1: // icmp
    case 58: // icmpv6
      return NEEDS_ICMP;
    case 47: // gre
      return NEEDS_GRE_KEYS;
    default:
      return 0;
  }
}

// The states the kernel reports most; anything else (SCTP, DCCP, a future name) is sliced.
const COMMON_STATES = [
  'ESTABLISHED',
  'TIME_WAIT',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT',
  'CLOSE_WAIT',
  'LAST_ACK',
  'CLOSE',
  'NONE',
] as const;

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

function hexValue(c: number): number {
  if (c >= DIGIT_0 && c <= DIGIT_9) return c - DIGIT_0;
  if (c >= LOWER_A && c <= LOWER_F) return c - LOWER_A + 10;
  if (c >= UPPER_A && c <= UPPER_F) return c - UPPER_A + 10;
  return -1;
}

/** Validates `text[start, end)` as dotted-quad IPv4. */
function isIpv4(text: string, start: number, end: number): boolean {
  let dots = 0;
  let octet = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === DOT) {
      if (digits === 0 || ++dots > 3) return false;
      octet = 0;
      digits = 0;
    } else if (isDigit(c)) {
      octet = octet * 10 + (c - DIGIT_0);
      if (++digits > 3 || octet > 255) return false;
    } else {
      return false;
    }
  }
  return dots === 3 && digits > 0;
}

/**
 * Validates `text[start, end)` as IPv6 and tells whether it is already in the form inet_ntop()
 * prints (what conntrack-tools shows), so that only other renderings pay for normalisation:
 * /proc/net/nf_conntrack zero-pads every group, and hand-written input may use capitals.
 */
function classifyIpv6(text: string, start: number, end: number): number {
  let i = start;
  let groups = 0;
  let compressed = false;
  let canonical = true;
  let zeroRun = 0;
  if (end - i >= 2 && text.charCodeAt(i) === COLON && text.charCodeAt(i + 1) === COLON) {
    compressed = true;
    i += 2;
  }
  while (i < end) {
    const groupStart = i;
    let value = 0;
    while (i < end) {
      const c = text.charCodeAt(i);
      const h = hexValue(c);
      if (h < 0) break;
      if (c >= UPPER_A && c <= UPPER_F) canonical = false;
      value = value * 16 + h;
      i++;
    }
    const length = i - groupStart;
    if (i < end && text.charCodeAt(i) === DOT) {
      // An embedded IPv4 tail ("::ffff:1.2.3.4") is two groups and ends the address.
      if (!isIpv4(text, groupStart, end)) return ADDRESS_INVALID;
      groups += 2;
      canonical = false;
      break;
    }
    if (length === 0 || length > 4) return ADDRESS_INVALID;
    if (length > 1 && text.charCodeAt(groupStart) === DIGIT_0) canonical = false;
    groups++;
    zeroRun = value === 0 ? zeroRun + 1 : 0;
    // inet_ntop() compresses the longest run of two or more zero groups, so a visible run of two
    // is either uncompressed or competes with the "::"; let the normaliser decide.
    if (zeroRun >= 2) canonical = false;
    if (i === end) break;
    if (text.charCodeAt(i) !== COLON) return ADDRESS_INVALID;
    i++;
    if (i < end && text.charCodeAt(i) === COLON) {
      if (compressed) return ADDRESS_INVALID;
      compressed = true;
      zeroRun = 0;
      i++;
    } else if (i === end) {
      return ADDRESS_INVALID;
    }
  }
  if (compressed ? groups > 7 : groups !== 8) return ADDRESS_INVALID;
  // inet_ntop() never uses "::" for a single zero group.
  if (compressed && groups === 7) canonical = false;
  return canonical ? ADDRESS_IPV6 : ADDRESS_IPV6_NOT_CANONICAL;
}

/**
 * Rewrites a valid IPv6 address the way glibc's inet_ntop() does (RFC 5952 plus its mixed
 * notation for IPv4-mapped and -compatible addresses), so /proc's zero-padded addresses compare
 * equal to conntrack-tools' ones. Rare path: allocation is fine here.
 */
function canonicalIpv6(address: string): string {
  const head = address.split('::');
  const parts = (s: string | undefined): string[] => (s ? s.split(':') : []);
  const left = parts(head[0]);
  const right = parts(head[1]);
  const toWords = (groups: string[]): number[] =>
    groups.flatMap((g) => {
      if (!g.includes('.')) return [parseInt(g, 16)];
      const [a = 0, b = 0, c = 0, d = 0] = g.split('.').map(Number);
      return [a * 256 + b, c * 256 + d];
    });
  const leftWords = toWords(left);
  const rightWords = toWords(right);
  const words = [
    ...leftWords,
    ...new Array<number>(8 - leftWords.length - rightWords.length).fill(0),
    ...rightWords,
  ];
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8;) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  if (bestLength < 2) bestStart = -1;
  const hex = (from: number, to: number): string =>
    words
      .slice(from, to)
      .map((w) => w.toString(16))
      .join(':');
  const w5 = words[5] ?? 0;
  const w6 = words[6] ?? 0;
  const w7 = words[7] ?? 0;
  if (bestStart === 0 && (bestLength === 6 || (bestLength === 5 && w5 === 0xffff))) {
    const ipv4 = `${w6 >> 8}.${w6 & 0xff}.${w7 >> 8}.${w7 & 0xff}`;
    return bestLength === 5 ? `::ffff:${ipv4}` : `::${ipv4}`;
  }
  if (bestStart < 0) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLength, 8)}`;
}

/** Cursor over one line; every method fails with a ConntrackParseError that quotes the line. */
class LineScanner {
  pos = 0;
  // ICMP identity of the tuple just read: the tuple reader's second result.
  icmp: ConntrackIcmp | null = null;
  // Address family fixed by the l3 prefix or the first address; null until known.
  family: ConntrackFamily | null = null;

  constructor(
    readonly line: string,
    // The line without its trailing newline and blanks.
    readonly end: number,
    readonly lineNumber: number,
    readonly source: string,
  ) {}

  fail(reason: string): never {
    throw new ConntrackParseError(
      this.source,
      this.lineNumber,
      this.line.slice(0, this.end),
      reason,
    );
  }

  skipBlanks(): void {
    const { line, end } = this;
    let i = this.pos;
    while (i < end) {
      const c = line.charCodeAt(i);
      if (c !== SPACE && c !== TAB) break;
      i++;
    }
    this.pos = i;
  }

  /** Position of `char` in [pos, end), or -1. */
  find(char: string): number {
    const i = this.line.indexOf(char, this.pos);
    return i >= this.end ? -1 : i;
  }

  tokenEnd(): number {
    const i = this.find(' ');
    return i === -1 ? this.end : i;
  }

  at(prefix: string): boolean {
    return this.line.startsWith(prefix, this.pos);
  }

  /** A decimal integer ending the token; counters and timeouts stay exact up to 2^53. */
  readUint(max: number, what: string): number {
    const { line, end } = this;
    const first = this.pos;
    let i = first;
    let value = 0;
    while (i < end) {
      const c = line.charCodeAt(i);
      if (c < DIGIT_0 || c > DIGIT_9) break;
      value = value * 10 + (c - DIGIT_0);
      if (value > max) this.fail(`${what} out of range`);
      i++;
    }
    if (i === first || (i < end && line.charCodeAt(i) !== SPACE)) this.fail(`non-numeric ${what}`);
    this.pos = i;
    return value;
  }

  /** `0x`-prefixed hex, as GRE keys are printed. */
  readHex(max: number, what: string): number {
    const { line, end } = this;
    if (!this.at('0x')) this.fail(`non-hex ${what}`);
    const first = this.pos + 2;
    let i = first;
    let value = 0;
    while (i < end) {
      const h = hexValue(line.charCodeAt(i));
      if (h < 0) break;
      value = value * 16 + h;
      if (value > max) this.fail(`${what} out of range`);
      i++;
    }
    if (i === first || (i < end && line.charCodeAt(i) !== SPACE)) this.fail(`non-hex ${what}`);
    this.pos = i;
    return value;
  }

  /** The address after `src=`/`dst=` (pos is past the `=`), checked against the entry's family. */
  readAddress(): string {
    const { line, end } = this;
    const start = this.pos;
    // One pass validates the common dotted quad; anything else goes to the IPv6 path.
    let i = start;
    let dots = 0;
    let octet = 0;
    let digits = 0;
    let ipv4 = true;
    while (i < end) {
      const c = line.charCodeAt(i);
      if (c === SPACE) break;
      if (c >= DIGIT_0 && c <= DIGIT_9) {
        octet = octet * 10 + (c - DIGIT_0);
        if (++digits > 3 || octet > 255) ipv4 = false;
      } else if (c === DOT && digits > 0) {
        dots++;
        octet = 0;
        digits = 0;
      } else {
        ipv4 = false;
        break;
      }
      i++;
    }
    let kind = ADDRESS_IPV4;
    if (!ipv4 || dots !== 3 || digits === 0) {
      i = this.tokenEnd();
      kind = this.find(':') === -1 ? ADDRESS_INVALID : classifyIpv6(line, start, i);
      if (kind === ADDRESS_INVALID) this.fail('invalid address');
    }
    const family: ConntrackFamily = kind === ADDRESS_IPV4 ? 'ipv4' : 'ipv6';
    if (this.family === null) this.family = family;
    else if (this.family !== family) this.fail('address family mismatch');
    this.pos = i;
    const address = line.slice(start, i);
    return kind === ADDRESS_IPV6_NOT_CANONICAL ? canonicalIpv6(address) : address;
  }

  /** One `src=… dst=… <protocol fields>` group; pos is at `src=`. */
  readTuple(needs: number): ConntrackTuple {
    const { line } = this;
    this.pos += 4;
    const src = this.readAddress();
    this.skipBlanks();
    if (!this.at('dst=')) this.fail('missing dst=');
    this.pos += 4;
    const dst = this.readAddress();
    let sport = 0;
    let dport = 0;
    let type = 0;
    let code = 0;
    let icmpId = 0;
    let fields = 0;
    for (;;) {
      this.skipBlanks();
      const c = line.charCodeAt(this.pos);
      if (c === 0x73 /* s */ && this.at('sport=')) {
        this.pos += 6;
        sport = this.readUint(U16_MAX, 'sport');
        fields |= 1;
      } else if (c === 0x64 /* d */ && this.at('dport=')) {
        this.pos += 6;
        dport = this.readUint(U16_MAX, 'dport');
        fields |= 2;
      } else if (c === 0x74 /* t */ && this.at('type=')) {
        this.pos += 5;
        type = this.readUint(255, 'icmp type');
        fields |= 4;
      } else if (c === 0x63 /* c */ && this.at('code=')) {
        this.pos += 5;
        code = this.readUint(255, 'icmp code');
        fields |= 8;
      } else if (c === 0x69 /* i */ && (fields & 24) === 8 && this.at('id=')) {
        // Only the id right after code= is the ICMP id; a later id= is the conntrack id (`-o id`).
        this.pos += 3;
        icmpId = this.readUint(U16_MAX, 'icmp id');
        fields |= 16;
      } else if (c === 0x73 /* s */ && this.at('srckey=')) {
        // GRE keys (PPTP call ids) sit in the port slots of the kernel's tuple; keep them there.
        this.pos += 7;
        sport = this.readHex(U16_MAX, 'srckey');
        fields |= 32;
      } else if (c === 0x64 /* d */ && this.at('dstkey=')) {
        this.pos += 7;
        dport = this.readHex(U16_MAX, 'dstkey');
        fields |= 64;
      } else {
        break;
      }
    }
    if (needs === NEEDS_PORTS && (fields & 3) !== 3) this.fail('missing sport=/dport=');
    if (needs === NEEDS_ICMP && (fields & 28) !== 28) this.fail('missing type=/code=/id=');
    if (needs === NEEDS_GRE_KEYS && (fields & 96) !== 96) this.fail('missing srckey=/dstkey=');
    this.icmp = (fields & 12) !== 0 ? { type, code, id: icmpId } : null;
    return { src, dst, sport, dport };
  }

  /** A `packets=N bytes=N` pair (either may be alone); pos is at `packets=` or `bytes=`. */
  readCounters(): ConntrackCounters {
    let packets = 0;
    let bytes = 0;
    if (this.at('packets=')) {
      this.pos += 8;
      packets = this.readUint(Number.MAX_SAFE_INTEGER, 'packets');
      this.skipBlanks();
    }
    if (this.at('bytes=')) {
      this.pos += 6;
      bytes = this.readUint(Number.MAX_SAFE_INTEGER, 'bytes');
    }
    return { packets, bytes };
  }

  /** The `%-8s %u` protocol name of the header, interned when common. */
  readProtocolName(): string {
    const { line, pos } = this;
    const c = line.charCodeAt(pos);
    if (c < LOWER_A || c > LOWER_Z) this.fail('missing protocol header');
    const end = this.tokenEnd();
    this.pos = end;
    switch (end - pos) {
      case 3:
        if (line.startsWith('tcp', pos)) return 'tcp';
        if (line.startsWith('udp', pos)) return 'udp';
        if (line.startsWith('gre', pos)) return 'gre';
        break;
      case 4:
        if (line.startsWith('ipv4', pos)) return 'ipv4';
        if (line.startsWith('ipv6', pos)) return 'ipv6';
        if (line.startsWith('icmp', pos)) return 'icmp';
        if (line.startsWith('sctp', pos)) return 'sctp';
        if (line.startsWith('dccp', pos)) return 'dccp';
        break;
      case 6:
        if (line.startsWith('icmpv6', pos)) return 'icmpv6';
        break;
      case 7:
        if (line.startsWith('unknown', pos)) return 'unknown';
        if (line.startsWith('udplite', pos)) return 'udplite';
        break;
    }
    const name = line.slice(pos, end);
    if (name.includes('=')) this.fail('missing protocol header');
    return name;
  }

  /** A state word after the timeout (upper case, no `=`), or "" when the protocol has none. */
  readState(): string {
    const { line, pos } = this;
    const c = line.charCodeAt(pos);
    if (c < UPPER_A || c > UPPER_Z) return '';
    const end = this.tokenEnd();
    const eq = this.find('=');
    if (eq !== -1 && eq < end) return '';
    this.pos = end;
    const length = end - pos;
    for (const state of COMMON_STATES) {
      if (state.length === length && line.startsWith(state, pos)) return state;
    }
    return line.slice(pos, end);
  }
}

// `conntrack v1.4.7 (conntrack-tools): 8 flow entries have been shown.` and its siblings (stderr).
const SUMMARY_LINE =
  /^conntrack v[\w.]+ \(conntrack-tools\): (?:\d+ flow (?:entries|events) ha(?:ve|s) been \w+|connection tracking table has been emptied)\.$/;

function isToolMessage(scanner: LineScanner): boolean {
  const { line, pos } = scanner;
  const first = line.charCodeAt(pos);
  if (first === 0x57 /* W */) return line.startsWith('WARNING: We have hit ENOBUFS!', pos);
  if (first === 0x63 /* c */ && line.startsWith('conntrack v', pos)) {
    return SUMMARY_LINE.test(line.slice(pos, scanner.end));
  }
  return false;
}

/** The optional `[sec.usec]\t` prefix of `-o timestamp`; pos is at `[`. */
function readEventTime(scanner: LineScanner): number {
  const { line } = scanner;
  const start = scanner.pos + 1;
  const close = scanner.find(']');
  if (close === -1) scanner.fail('bad timestamp prefix');
  let dots = 0;
  for (let i = start; i < close; i++) {
    const c = line.charCodeAt(i);
    if (c === DOT) dots++;
    else if (!isDigit(c)) scanner.fail('bad timestamp prefix');
  }
  if (dots !== 1 || line.charCodeAt(start) === DOT || line.charCodeAt(close - 1) === DOT) {
    scanner.fail('bad timestamp prefix');
  }
  scanner.pos = close + 1;
  return Number(line.slice(start, close));
}

function readEvent(scanner: LineScanner): ConntrackEvent {
  let event: ConntrackEvent;
  if (scanner.at('[NEW]')) event = 'NEW';
  else if (scanner.at('[UPDATE]')) event = 'UPDATE';
  else if (scanner.at('[DESTROY]')) event = 'DESTROY';
  else scanner.fail('unknown event type');
  scanner.pos += event.length + 2;
  return event;
}

function parseLine(line: string, lineNumber: number, source: string): ConntrackEntry | null {
  // Tool output ends lines with "\n"; tolerate "\r\n" and trailing blanks (`-S` prints one).
  let end = line.length;
  while (end > 0) {
    const c = line.charCodeAt(end - 1);
    if (c !== SPACE && c !== TAB && c !== CR && c !== LF) break;
    end--;
  }
  // Annotated so that TypeScript narrows after scanner.fail(), which returns never.
  const scanner: LineScanner = new LineScanner(line, end, lineNumber, source);
  scanner.skipBlanks();
  if (scanner.pos === end || isToolMessage(scanner)) return null;

  let eventTime: number | null = null;
  let event: ConntrackEvent | null = null;
  if (line.charCodeAt(scanner.pos) === LEFT_BRACKET) {
    if (isDigit(line.charCodeAt(scanner.pos + 1))) {
      eventTime = readEventTime(scanner);
      scanner.skipBlanks();
    }
    if (line.charCodeAt(scanner.pos) === LEFT_BRACKET) {
      event = readEvent(scanner);
      scanner.skipBlanks();
    }
  }

  // `ipv4     2 ` only with -o extended and in /proc; without it the family comes from the address.
  let protocol = scanner.readProtocolName();
  scanner.skipBlanks();
  let protocolNumber = scanner.readUint(255, 'protocol number');
  scanner.skipBlanks();
  if (protocol === 'ipv4' || protocol === 'ipv6') {
    scanner.family = protocol;
    protocol = scanner.readProtocolName();
    scanner.skipBlanks();
    protocolNumber = scanner.readUint(255, 'protocol number');
    scanner.skipBlanks();
  }
  const timeout = scanner.readUint(U32_MAX, 'timeout');
  scanner.skipBlanks();
  const state = scanner.readState();

  const needs = tupleNeeds(protocolNumber);
  let original: ConntrackTuple | null = null;
  let reply: ConntrackTuple | null = null;
  let originalIcmp: ConntrackIcmp | null = null;
  let replyIcmp: ConntrackIcmp | null = null;
  let originalCounters: ConntrackCounters | null = null;
  let replyCounters: ConntrackCounters | null = null;
  let unreplied = false;
  let assured = false;
  let offload = false;
  let hwOffload = false;
  let mark = 0;
  let zone = 0;
  let id: number | null = null;
  let labels: string[] = [];
  let deltaTime: number | null = null;

  scan: for (;;) {
    scanner.skipBlanks();
    const pos = scanner.pos;
    if (pos >= end) break;
    switch (line.charCodeAt(pos)) {
      case 0x73 /* s */:
        if (scanner.at('src=')) {
          // The first src= group is the original direction, the second the reply.
          if (original === null) {
            original = scanner.readTuple(needs);
            originalIcmp = scanner.icmp;
          } else if (reply === null) {
            reply = scanner.readTuple(needs);
            replyIcmp = scanner.icmp;
          } else {
            scanner.fail('more than two tuples');
          }
          continue;
        }
        break;
      case 0x70 /* p */:
      case 0x62 /* b */:
        if (scanner.at('packets=') || scanner.at('bytes=')) {
          // Counters follow their direction's tuple (with [UNREPLIED] possibly in between).
          if (original === null) scanner.fail('counters before the original tuple');
          if (reply === null) originalCounters = scanner.readCounters();
          else replyCounters = scanner.readCounters();
          continue;
        }
        break;
      case 0x6d /* m */:
        if (scanner.at('mark=')) {
          scanner.pos += 5;
          mark = scanner.readUint(U32_MAX, 'mark');
          continue;
        }
        break;
      case 0x7a /* z */:
        if (scanner.at('zone=')) {
          scanner.pos += 5;
          zone = scanner.readUint(U16_MAX, 'zone');
          continue;
        }
        break;
      case 0x69 /* i */:
        if (scanner.at('id=')) {
          scanner.pos += 3;
          id = scanner.readUint(U32_MAX, 'id');
          continue;
        }
        break;
      case 0x64 /* d */:
        if (scanner.at('delta-time=')) {
          scanner.pos += 11;
          deltaTime = scanner.readUint(Number.MAX_SAFE_INTEGER, 'delta-time');
          continue;
        }
        break;
      case 0x6c /* l */:
        if (scanner.at('labels=')) {
          const valueEnd = scanner.tokenEnd();
          labels = line.slice(pos + 7, valueEnd).split(',');
          scanner.pos = valueEnd;
          continue;
        }
        break;
      case LEFT_BRACKET: {
        // `[start=Sat Nov 28 15:00:43 2026]` holds spaces: the flag ends at `]`, not at a blank.
        const close = scanner.find(']');
        if (close === -1) scanner.fail('unterminated [');
        scanner.pos = close + 1;
        switch (close - pos + 1) {
          case 9:
            if (line.startsWith('[ASSURED]', pos)) assured = true;
            else if (line.startsWith('[OFFLOAD]', pos)) offload = true;
            break;
          case 11:
            if (line.startsWith('[UNREPLIED]', pos)) unreplied = true;
            else if (line.startsWith('[USERSPACE]', pos)) break scan; // `portid=N progname=x` follow
            break;
          case 12:
            if (line.startsWith('[HW_OFFLOAD]', pos)) hwOffload = true;
            break;
        }
        continue;
      }
    }
    // Any other key=value (use=, secmark=, secctx=, helper=, zone-orig=, a future field) is
    // skipped; a bare word is not conntrack output.
    const tokenEnd = scanner.tokenEnd();
    const eq = scanner.find('=');
    if (eq === -1 || eq === pos || eq > tokenEnd) scanner.fail('unexpected token');
    scanner.pos = tokenEnd;
  }

  if (original === null) scanner.fail('missing original tuple');
  if (reply === null) scanner.fail('missing reply tuple');
  return {
    event,
    eventTime,
    // readAddress set the family from the prefix or the first address.
    family: scanner.family ?? 'ipv4',
    protocol,
    protocolNumber,
    timeout,
    state,
    original,
    reply,
    originalIcmp,
    replyIcmp,
    originalCounters,
    replyCounters,
    unreplied,
    assured,
    offload,
    hwOffload,
    mark,
    zone,
    id,
    labels,
    deltaTime,
  };
}

/**
 * Parses one line of `conntrack -L`/`-E` output or /proc/net/nf_conntrack. Returns null for lines
 * that carry no entry (blank, the tool's summary or ENOBUFS warning); throws ConntrackParseError.
 */
export function parseConntrackLine(
  text: string,
  lineNumber: number,
  source: string,
): ConntrackEntry | null {
  return parseLine(text, lineNumber, source);
}

/** Parses a whole dump; a malformed line is collected in `errors` and parsing goes on. */
export function parseConntrack(
  text: string,
  source: string,
): { entries: ConntrackEntry[]; errors: ConntrackParseError[] } {
  const entries: ConntrackEntry[] = [];
  const errors: ConntrackParseError[] = [];
  let lineNumber = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    lineNumber++;
    // A slice per line is cheap (V8 shares the characters) and bounds every indexOf to the line.
    try {
      const entry = parseLine(text.slice(start, end), lineNumber, source);
      if (entry !== null) entries.push(entry);
    } catch (error) {
      if (!(error instanceof ConntrackParseError)) throw error;
      errors.push(error);
    }
    start = end + 1;
  }
  return { entries, errors };
}
