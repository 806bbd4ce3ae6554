// Pure parser for conntrack-tools text output (FORMATS.md §4): `conntrack -L` in the default and
// `-o extended,id,timestamp,ktimestamp,labels` forms, `conntrack -E` event lines (with the
// `[epoch.usec]` prefix of `-o timestamp`), and `/proc/net/nf_conntrack`.
import { LineParseError } from './line-error.js';
import { Buffer, isAscii } from 'node:buffer';

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
  /** Seconds left before expiry; 0 on DESTROY events that carry none (an entry closed by a RST). */
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
export class ConntrackParseError extends LineParseError {}

// ---------------------------------------------------------------------------------------------
// Parser. This is the agent's hot path (a busy node lists a million entries per poll), so it is a
// hand-rolled scanner over the line's bytes: integers parsed in place, no split or regular
// expression per field, and the common protocol and state names interned instead of sliced. Only
// the output objects and the address strings are allocated.

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

// classifyIpv6 results: whether the address is valid, and whether it must be rewritten.
const ADDRESS_INVALID = 0;
const ADDRESS_IPV6 = 1;
const ADDRESS_IPV6_NOT_CANONICAL = 2;

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

function isDigit(c: number): boolean {
  return c >= DIGIT_0 && c <= DIGIT_9;
}

function hexValue(c: number): number {
  if (c >= DIGIT_0 && c <= DIGIT_9) return c - DIGIT_0;
  if (c >= LOWER_A && c <= LOWER_F) return c - LOWER_A + 10;
  if (c >= UPPER_A && c <= UPPER_F) return c - UPPER_A + 10;
  return -1;
}

/** Validates `bytes[start, end)` as dotted-quad IPv4. */
function isIpv4(bytes: Uint8Array, start: number, end: number): boolean {
  let dots = 0;
  let octet = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = bytes[i] ?? 0;
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
 * Validates `bytes[start, end)` as IPv6 and tells whether it is already in the form inet_ntop()
 * prints (what conntrack-tools shows), so that only other renderings pay for normalisation:
 * /proc/net/nf_conntrack zero-pads every group, and hand-written input may use capitals.
 */
function classifyIpv6(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let groups = 0;
  let compressed = false;
  let canonical = true;
  let zeroRun = 0;
  if (end - i >= 2 && bytes[i] === COLON && bytes[i + 1] === COLON) {
    compressed = true;
    i += 2;
  }
  while (i < end) {
    const groupStart = i;
    let value = 0;
    while (i < end) {
      const c = bytes[i] ?? 0;
      const h = hexValue(c);
      if (h < 0) break;
      if (c >= UPPER_A && c <= UPPER_F) canonical = false;
      value = value * 16 + h;
      i++;
    }
    const length = i - groupStart;
    if (i < end && bytes[i] === DOT) {
      // An embedded IPv4 tail ("::ffff:1.2.3.4") is two groups and ends the address.
      if (!isIpv4(bytes, groupStart, end)) return ADDRESS_INVALID;
      groups += 2;
      canonical = false;
      break;
    }
    if (length === 0 || length > 4) return ADDRESS_INVALID;
    if (length > 1 && bytes[groupStart] === DIGIT_0) canonical = false;
    groups++;
    zeroRun = value === 0 ? zeroRun + 1 : 0;
    // inet_ntop() compresses the longest run of two or more zero groups, so a visible run of two
    // is either uncompressed or competes with the "::"; let the normaliser decide.
    if (zeroRun >= 2) canonical = false;
    if (i === end) break;
    if (bytes[i] !== COLON) return ADDRESS_INVALID;
    i++;
    if (i < end && bytes[i] === COLON) {
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

// The scanner works on bytes. Input from files and tools arrives as bytes and is scanned where it
// lies; the string entry point copies its line into a scratch buffer first (on V8,
// String#charCodeAt dispatches on the string's representation at every call, and plain byte
// loads cost a fraction of it). No read looks at or past the line's end, so neighbouring bytes
// (the next line of a chunk, a previous line in the scratch buffer) never matter.
let scratch = Buffer.allocUnsafe(4096);
// A stand-in for characters outside ASCII: it is no part of any token, so such characters are
// harmless in skipped values and make a parsed value invalid.
const NON_ASCII = 0x7f;

/** Copies the line into `scratch` (one byte per UTF-16 unit) and returns it. */
function loadBytes(line: string): Buffer {
  const length = line.length;
  if (scratch.length < length) scratch = Buffer.allocUnsafe(2 * length);
  const bytes = scratch;
  // UTF-8 equals ASCII byte for byte; anything else makes write() return another count.
  if (bytes.write(line, 0, 'utf8') !== length) {
    for (let i = 0; i < length; i++) {
      const c = line.charCodeAt(i);
      bytes[i] = c < 0x80 ? c : NON_ASCII;
    }
  }
  return bytes;
}

// The line being scanned when it came in as a string: its values are sliced from it, so that
// characters outside ASCII come out as they went in. Null for byte input, which is ASCII by the
// time it is scanned (see parseConntrackBytes).
let lineText: string | null = null;

/** The text of `bytes[start, end)`: a copy, never a view that would pin an input chunk. */
function valueText(bytes: Buffer, start: number, end: number): string {
  return lineText === null ? bytes.toString('latin1', start, end) : lineText.slice(start, end);
}

// Dotted quads recur (node, Service and pod addresses, busy clients), so their strings are kept in
// a small direct-mapped cache: a hit costs a few loads instead of a string allocation, and a
// reused string keeps its cached hash for the classifier's lookups. The key is the address value
// and the digit count of each octet, which together give back the exact text ("01.2.3.4" too).
const IPV4_CACHE_BITS = 14;
const ipv4Keys = new Float64Array(1 << IPV4_CACHE_BITS).fill(-1);
const ipv4Texts = new Array<string>(1 << IPV4_CACHE_BITS).fill('');

function ipv4Text(
  bytes: Buffer,
  start: number,
  end: number,
  value: number,
  digits: number,
): string {
  const key = value * 256 + digits;
  const slot = Math.imul(value ^ (digits << 24), 0x9e3779b1) >>> (32 - IPV4_CACHE_BITS);
  if (ipv4Keys[slot] === key) return ipv4Texts[slot] ?? '';
  const text = bytes.toString('latin1', start, end);
  ipv4Keys[slot] = key;
  ipv4Texts[slot] = text;
  return text;
}

// The readers below return their value and leave the position after it in `after`: a second
// result without allocating an object per field. Every reader writes it before its caller reads
// it, so nothing flows from one call (or one line) to the next.
let after = 0;
// Second results of readAddress and readTuple, under the same rule.
let addressFamily: ConntrackFamily = 'ipv4';
let tupleIcmp: ConntrackIcmp | null = null;

/** Raised by the readers; parseLine turns it into a ConntrackParseError with source and line. */
class Malformed extends Error {}

// Known keys and flags are recognised by their first three characters, read as one number, and
// the position of their `=` or `]`. An unknown key is mistaken for a known one only if it has the
// same first three characters and length; none of conntrack-tools' other fields (use, secmark,
// secctx, helper, zone-orig, zone-reply, portid, progname) does.
const headOf = (text: string): number =>
  text.charCodeAt(0) | (text.charCodeAt(1) << 8) | (text.charCodeAt(2) << 16);
const HEAD_SRC = headOf('src'); // src= and srckey=
const HEAD_DST = headOf('dst'); // dst= and dstkey=
const HEAD_SPORT = headOf('spo');
const HEAD_DPORT = headOf('dpo');
const HEAD_TYPE = headOf('typ');
const HEAD_CODE = headOf('cod');
const HEAD_ID = headOf('id=');
const HEAD_PACKETS = headOf('pac');
const HEAD_BYTES = headOf('byt');
const HEAD_MARK = headOf('mar');
const HEAD_ZONE = headOf('zon');
const HEAD_DELTA_TIME = headOf('del');
const HEAD_LABELS = headOf('lab');
const HEAD_ASSURED = headOf('[AS');
const HEAD_UNREPLIED = headOf('[UN');
const HEAD_OFFLOAD = headOf('[OF');
const HEAD_HW_OFFLOAD = headOf('[HW');
const HEAD_USERSPACE = headOf('[US');
const HEAD_TCP = headOf('tcp');
const HEAD_UDP = headOf('udp');
const HEAD_IPV = headOf('ipv');
const HEAD_ICM = headOf('icm');

function headAt(bytes: Uint8Array, pos: number): number {
  return (bytes[pos] ?? 0) | ((bytes[pos + 1] ?? 0) << 8) | ((bytes[pos + 2] ?? 0) << 16);
}

/** Whether the key `head…=` whose `=` is at offset `equalsAt` starts at pos, before end. */
function isKey(
  bytes: Uint8Array,
  pos: number,
  end: number,
  head: number,
  equalsAt: number,
): boolean {
  return pos + equalsAt < end && headAt(bytes, pos) === head && bytes[pos + equalsAt] === EQUALS;
}

/** Whether the flag `head…]` whose `]` is at offset `closeAt` starts at pos, before end. */
function isFlag(
  bytes: Uint8Array,
  pos: number,
  end: number,
  head: number,
  closeAt: number,
): boolean {
  return (
    pos + closeAt < end && headAt(bytes, pos) === head && bytes[pos + closeAt] === RIGHT_BRACKET
  );
}

/** Whether the whole of `text` is at pos, before end (for rare tokens: speed does not matter). */
function isText(bytes: Uint8Array, pos: number, end: number, text: string): boolean {
  if (pos + text.length > end) return false;
  for (let i = 0; i < text.length; i++) if (bytes[pos + i] !== text.charCodeAt(i)) return false;
  return true;
}

function skipBlanks(bytes: Uint8Array, pos: number, end: number): number {
  while (pos < end) {
    const c = bytes[pos];
    if (c !== SPACE && c !== TAB) break;
    pos++;
  }
  return pos;
}

/** End of the token at pos (the next space, or the end of the line). */
function tokenEnd(bytes: Uint8Array, pos: number, end: number): number {
  while (pos < end && bytes[pos] !== SPACE) pos++;
  return pos;
}

/** Whether `char` occurs in [pos, stop). */
function contains(bytes: Uint8Array, char: number, pos: number, stop: number): boolean {
  for (let i = pos; i < stop; i++) if (bytes[i] === char) return true;
  return false;
}

/** A decimal integer ending its token; counters and timeouts stay exact up to 2^53. */
function readUint(bytes: Uint8Array, pos: number, end: number, max: number, what: string): number {
  let i = pos;
  let value = 0;
  let c = SPACE;
  while (i < end) {
    c = bytes[i] ?? SPACE;
    if (c < DIGIT_0 || c > DIGIT_9) break;
    value = value * 10 + (c - DIGIT_0);
    i++;
  }
  if (i === pos || (i < end && c !== SPACE)) throw new Malformed(`non-numeric ${what}`);
  // A value past 2^53 rounds to at least 2^53, so this also rejects what a double cannot hold.
  if (value > max) throw new Malformed(`${what} out of range`);
  after = i;
  return value;
}

/** `0x`-prefixed hex, as GRE keys are printed. */
function readHex(bytes: Uint8Array, pos: number, end: number, max: number, what: string): number {
  if (!isText(bytes, pos, end, '0x')) throw new Malformed(`non-hex ${what}`);
  let i = pos + 2;
  let value = 0;
  while (i < end) {
    const h = hexValue(bytes[i] ?? SPACE);
    if (h < 0) break;
    value = value * 16 + h;
    i++;
  }
  if (i === pos + 2 || (i < end && bytes[i] !== SPACE)) throw new Malformed(`non-hex ${what}`);
  if (value > max) throw new Malformed(`${what} out of range`);
  after = i;
  return value;
}

/** The address after `src=`/`dst=`; sets `addressFamily`. */
function readAddress(bytes: Buffer, pos: number, end: number): string {
  // One pass validates the common dotted quad; anything else goes to the IPv6 path.
  let i = pos;
  let dots = 0;
  let octet = 0;
  let digits = 0;
  // The address value and the octets' digit counts, two bits each: the key of ipv4Text.
  let value = 0;
  let digitCounts = 0;
  let ipv4 = true;
  while (i < end) {
    const c = bytes[i] ?? SPACE;
    if (c === SPACE) break;
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      octet = octet * 10 + (c - DIGIT_0);
      digits++;
    } else if (c === DOT && digits > 0 && digits <= 3 && octet <= 255) {
      dots++;
      value = value * 256 + octet;
      digitCounts = digitCounts * 4 + digits;
      octet = 0;
      digits = 0;
    } else {
      ipv4 = false;
      break;
    }
    i++;
  }
  if (ipv4 && dots === 3 && digits > 0 && digits <= 3 && octet <= 255) {
    addressFamily = 'ipv4';
    after = i;
    return ipv4Text(bytes, pos, i, value * 256 + octet, digitCounts * 4 + digits);
  }
  i = tokenEnd(bytes, i, end);
  const kind = contains(bytes, COLON, pos, i) ? classifyIpv6(bytes, pos, i) : ADDRESS_INVALID;
  if (kind === ADDRESS_INVALID) throw new Malformed('invalid address');
  addressFamily = 'ipv6';
  after = i;
  const address = valueText(bytes, pos, i);
  return kind === ADDRESS_IPV6_NOT_CANONICAL ? canonicalIpv6(address) : address;
}

/** One `src=… dst=… <protocol fields>` group at pos; sets `tupleIcmp` and `addressFamily`. */
function readTuple(bytes: Buffer, pos: number, end: number, needs: number): ConntrackTuple {
  const src = readAddress(bytes, pos + 4, end);
  const family = addressFamily;
  pos = skipBlanks(bytes, after, end);
  if (!isKey(bytes, pos, end, HEAD_DST, 3)) throw new Malformed('missing dst=');
  const dst = readAddress(bytes, pos + 4, end);
  if (addressFamily !== family) throw new Malformed('address family mismatch');
  pos = after;
  // Fast path for the tool's own order, `sport=N dport=N`; anything else takes the loop below.
  if (needs === NEEDS_PORTS) {
    const sportAt = skipBlanks(bytes, pos, end);
    if (isKey(bytes, sportAt, end, HEAD_SPORT, 5)) {
      const sport = readUint(bytes, sportAt + 6, end, U16_MAX, 'sport');
      const dportAt = skipBlanks(bytes, after, end);
      if (isKey(bytes, dportAt, end, HEAD_DPORT, 5)) {
        const dport = readUint(bytes, dportAt + 6, end, U16_MAX, 'dport');
        tupleIcmp = null;
        return { src, dst, sport, dport };
      }
    }
  }
  let sport = 0;
  let dport = 0;
  let type = 0;
  let code = 0;
  let icmpId = 0;
  let fields = 0;
  for (;;) {
    pos = skipBlanks(bytes, pos, end);
    if (isKey(bytes, pos, end, HEAD_SPORT, 5)) {
      sport = readUint(bytes, pos + 6, end, U16_MAX, 'sport');
      fields |= 1;
    } else if (isKey(bytes, pos, end, HEAD_DPORT, 5)) {
      dport = readUint(bytes, pos + 6, end, U16_MAX, 'dport');
      fields |= 2;
    } else if (isKey(bytes, pos, end, HEAD_TYPE, 4)) {
      type = readUint(bytes, pos + 5, end, 255, 'icmp type');
      fields |= 4;
    } else if (isKey(bytes, pos, end, HEAD_CODE, 4)) {
      code = readUint(bytes, pos + 5, end, 255, 'icmp code');
      fields |= 8;
    } else if ((fields & 24) === 8 && isKey(bytes, pos, end, HEAD_ID, 2)) {
      // Only the id right after code= is the ICMP id; a later id= is the conntrack id (`-o id`).
      icmpId = readUint(bytes, pos + 3, end, U16_MAX, 'icmp id');
      fields |= 16;
    } else if (isKey(bytes, pos, end, HEAD_SRC, 6)) {
      // GRE keys (PPTP call ids) sit in the port slots of the kernel's tuple; keep them there.
      sport = readHex(bytes, pos + 7, end, U16_MAX, 'srckey');
      fields |= 32;
    } else if (isKey(bytes, pos, end, HEAD_DST, 6)) {
      dport = readHex(bytes, pos + 7, end, U16_MAX, 'dstkey');
      fields |= 64;
    } else {
      break;
    }
    pos = after;
  }
  if (needs === NEEDS_PORTS && (fields & 3) !== 3) throw new Malformed('missing sport=/dport=');
  if (needs === NEEDS_ICMP && (fields & 28) !== 28) throw new Malformed('missing type=/code=/id=');
  if (needs === NEEDS_GRE_KEYS && (fields & 96) !== 96) {
    throw new Malformed('missing srckey=/dstkey=');
  }
  tupleIcmp = (fields & 12) !== 0 ? { type, code, id: icmpId } : null;
  after = pos;
  return { src, dst, sport, dport };
}

/** A `packets=N bytes=N` pair (either may be alone) at pos. */
function readCounters(bytes: Uint8Array, pos: number, end: number): ConntrackCounters {
  let packets = 0;
  let bytesCount = 0;
  if (isKey(bytes, pos, end, HEAD_PACKETS, 7)) {
    packets = readUint(bytes, pos + 8, end, Number.MAX_SAFE_INTEGER, 'packets');
    pos = skipBlanks(bytes, after, end);
  }
  if (isKey(bytes, pos, end, HEAD_BYTES, 5)) {
    bytesCount = readUint(bytes, pos + 6, end, Number.MAX_SAFE_INTEGER, 'bytes');
    pos = after;
  }
  after = pos;
  return { packets, bytes: bytesCount };
}

/** The `%-8s` name of the header (l3 `ipv4`/`ipv6` or the l4 protocol); common ones are interned. */
function readName(bytes: Buffer, pos: number, end: number): string {
  const c = pos < end ? (bytes[pos] ?? 0) : 0;
  if (c < LOWER_A || c > LOWER_Z) throw new Malformed('missing protocol header');
  const stop = tokenEnd(bytes, pos, end);
  after = stop;
  const length = stop - pos;
  const head = headAt(bytes, pos);
  if (length === 3) {
    if (head === HEAD_TCP) return 'tcp';
    if (head === HEAD_UDP) return 'udp';
  } else if (length === 4) {
    const last = bytes[pos + 3];
    if (head === HEAD_IPV && last === 0x34 /* 4 */) return 'ipv4';
    if (head === HEAD_IPV && last === 0x36 /* 6 */) return 'ipv6';
    if (head === HEAD_ICM && last === 0x70 /* p */) return 'icmp';
  }
  if (contains(bytes, EQUALS, pos, stop)) throw new Malformed('missing protocol header');
  return valueText(bytes, pos, stop);
}

/** A state word after the timeout (upper case, no `=`), or "" when the protocol has none. */
function readState(bytes: Buffer, pos: number, end: number): string {
  after = pos;
  const c = pos < end ? (bytes[pos] ?? 0) : 0;
  if (c < UPPER_A || c > UPPER_Z) return '';
  let stop = pos;
  for (; stop < end; stop++) {
    const d = bytes[stop];
    if (d === SPACE) break;
    if (d === EQUALS) return '';
  }
  after = stop;
  // The TCP states of nearly every line are interned; others (SCTP, DCCP, rare ones) are sliced.
  switch (stop - pos) {
    case 11:
      if (isText(bytes, pos, end, 'ESTABLISHED')) return 'ESTABLISHED';
      break;
    case 9:
      if (isText(bytes, pos, end, 'TIME_WAIT')) return 'TIME_WAIT';
      break;
    case 8:
      if (isText(bytes, pos, end, 'SYN_SENT')) return 'SYN_SENT';
      if (isText(bytes, pos, end, 'SYN_RECV')) return 'SYN_RECV';
      break;
  }
  return valueText(bytes, pos, stop);
}

// `conntrack v1.4.7 (conntrack-tools): 8 flow entries have been shown.` and its siblings (stderr).
const SUMMARY_LINE =
  /^conntrack v[\w.]+ \(conntrack-tools\): (?:\d+ flow (?:entries|events) ha(?:ve|s) been \w+|connection tracking table has been emptied)\.$/;

function isToolMessage(bytes: Buffer, pos: number, end: number): boolean {
  const first = bytes[pos];
  if (first === 0x57 /* W */) return isText(bytes, pos, end, 'WARNING: We have hit ENOBUFS!');
  if (first === 0x63 /* c */ && isText(bytes, pos, end, 'conntrack v')) {
    if (SUMMARY_LINE.test(valueText(bytes, pos, end))) return true;
    // Any other message of the tool (an error, "Operation not permitted") is not an entry either,
    // but it must be counted.
    throw new Malformed('conntrack-tools message');
  }
  return false;
}

/** The `[sec.usec]` prefix of `-o timestamp` at pos. */
function readEventTime(bytes: Buffer, pos: number, end: number): number {
  let dots = 0;
  let i = pos + 1;
  for (; i < end; i++) {
    const c = bytes[i] ?? 0;
    if (c === RIGHT_BRACKET) break;
    if (c === DOT) dots++;
    else if (!isDigit(c)) throw new Malformed('bad timestamp prefix');
  }
  if (i === end || dots !== 1 || bytes[pos + 1] === DOT || bytes[i - 1] === DOT) {
    throw new Malformed('bad timestamp prefix');
  }
  after = i + 1;
  return Number(valueText(bytes, pos + 1, i));
}

/** The right-aligned `[NEW]`/`[UPDATE]`/`[DESTROY]` tag at pos. */
function readEvent(bytes: Uint8Array, pos: number, end: number): ConntrackEvent {
  let event: ConntrackEvent;
  if (isText(bytes, pos, end, '[NEW]')) event = 'NEW';
  else if (isText(bytes, pos, end, '[UPDATE]')) event = 'UPDATE';
  else if (isText(bytes, pos, end, '[DESTROY]')) event = 'DESTROY';
  else throw new Malformed('unknown event type');
  after = pos + event.length + 2;
  return event;
}

function scanLine(bytes: Buffer, start: number, end: number): ConntrackEntry | null {
  let pos = skipBlanks(bytes, start, end);
  if (pos === end || isToolMessage(bytes, pos, end)) return null;

  let eventTime: number | null = null;
  let event: ConntrackEvent | null = null;
  if (bytes[pos] === LEFT_BRACKET) {
    if (pos + 1 < end && isDigit(bytes[pos + 1] ?? 0)) {
      eventTime = readEventTime(bytes, pos, end);
      pos = skipBlanks(bytes, after, end);
    }
    if (pos < end && bytes[pos] === LEFT_BRACKET) {
      event = readEvent(bytes, pos, end);
      pos = skipBlanks(bytes, after, end);
    }
  }

  // `ipv4     2 ` only with -o extended and in /proc; without it the family comes from the address.
  let family: ConntrackFamily | null = null;
  let protocol = readName(bytes, pos, end);
  let protocolNumber = readUint(bytes, skipBlanks(bytes, after, end), end, 255, 'protocol number');
  pos = skipBlanks(bytes, after, end);
  if (protocol === 'ipv4' || protocol === 'ipv6') {
    family = protocol;
    protocol = readName(bytes, pos, end);
    protocolNumber = readUint(bytes, skipBlanks(bytes, after, end), end, 255, 'protocol number');
    pos = skipBlanks(bytes, after, end);
  }
  // DESTROY events of entries that did not time out (a TCP CLOSE after a RST, a flush, an early
  // drop) carry no timeout: `tcp      6 CLOSE src=…`.
  let timeout = 0;
  if (pos < end && isDigit(bytes[pos] ?? 0)) {
    timeout = readUint(bytes, pos, end, U32_MAX, 'timeout');
    pos = skipBlanks(bytes, after, end);
  }
  const state = readState(bytes, pos, end);
  pos = after;

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
    pos = skipBlanks(bytes, pos, end);
    if (pos >= end) break;
    switch (bytes[pos]) {
      case 0x73 /* s */:
        if (isKey(bytes, pos, end, HEAD_SRC, 3)) {
          const tuple = readTuple(bytes, pos, end, needs);
          if (family === null) family = addressFamily;
          else if (family !== addressFamily) throw new Malformed('address family mismatch');
          // The first src= group is the original direction, the second the reply.
          if (original === null) {
            original = tuple;
            originalIcmp = tupleIcmp;
          } else if (reply === null) {
            reply = tuple;
            replyIcmp = tupleIcmp;
          } else {
            throw new Malformed('more than two tuples');
          }
          pos = after;
          continue;
        }
        break;
      case 0x70 /* p */:
      case 0x62 /* b */:
        if (isKey(bytes, pos, end, HEAD_PACKETS, 7) || isKey(bytes, pos, end, HEAD_BYTES, 5)) {
          // Counters follow their direction's tuple (with [UNREPLIED] possibly in between).
          if (original === null) throw new Malformed('counters before the original tuple');
          if (reply === null) originalCounters = readCounters(bytes, pos, end);
          else replyCounters = readCounters(bytes, pos, end);
          pos = after;
          continue;
        }
        break;
      case 0x6d /* m */:
        if (isKey(bytes, pos, end, HEAD_MARK, 4)) {
          mark = readUint(bytes, pos + 5, end, U32_MAX, 'mark');
          pos = after;
          continue;
        }
        break;
      case 0x7a /* z */:
        if (isKey(bytes, pos, end, HEAD_ZONE, 4)) {
          zone = readUint(bytes, pos + 5, end, U16_MAX, 'zone');
          pos = after;
          continue;
        }
        break;
      case 0x69 /* i */:
        if (isKey(bytes, pos, end, HEAD_ID, 2)) {
          id = readUint(bytes, pos + 3, end, U32_MAX, 'id');
          pos = after;
          continue;
        }
        break;
      case 0x64 /* d */:
        if (isKey(bytes, pos, end, HEAD_DELTA_TIME, 10)) {
          deltaTime = readUint(bytes, pos + 11, end, Number.MAX_SAFE_INTEGER, 'delta-time');
          pos = after;
          continue;
        }
        break;
      case 0x6c /* l */:
        if (isKey(bytes, pos, end, HEAD_LABELS, 6)) {
          const stop = tokenEnd(bytes, pos, end);
          if (stop > pos + 7) labels = valueText(bytes, pos + 7, stop).split(',');
          pos = stop;
          continue;
        }
        break;
      case LEFT_BRACKET: {
        let close = pos;
        if (isFlag(bytes, pos, end, HEAD_ASSURED, 8)) {
          assured = true;
          close += 8;
        } else if (isFlag(bytes, pos, end, HEAD_UNREPLIED, 10)) {
          unreplied = true;
          close += 10;
        } else if (isFlag(bytes, pos, end, HEAD_OFFLOAD, 8)) {
          offload = true;
          close += 8;
        } else if (isFlag(bytes, pos, end, HEAD_HW_OFFLOAD, 11)) {
          hwOffload = true;
          close += 11;
        } else if (isFlag(bytes, pos, end, HEAD_USERSPACE, 10)) {
          // `portid=N progname=x` follow and end the line.
          break scan;
        } else {
          // `[start=Sat Nov 28 15:00:43 2026]` holds spaces: a flag ends at `]`, not at a blank.
          while (close < end && bytes[close] !== RIGHT_BRACKET) close++;
          if (close === end) throw new Malformed('unterminated [');
        }
        pos = close + 1;
        continue;
      }
    }
    // Any other key=value (use=, secmark=, secctx=, helper=, zone-orig=, a future field) is
    // skipped; a bare word is not conntrack output.
    const stop = tokenEnd(bytes, pos, end);
    if (bytes[pos] === EQUALS || !contains(bytes, EQUALS, pos, stop)) {
      throw new Malformed('unexpected token');
    }
    pos = stop;
  }

  if (original === null) throw new Malformed('missing original tuple');
  if (reply === null) throw new Malformed('missing reply tuple');
  tupleIcmp = null;
  return {
    event,
    eventTime,
    family: family ?? 'ipv4',
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

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB || c === CR || c === LF;
}

/** Scans `bytes[start, end)`, trailing blanks excluded, reporting errors with `text`. */
function scanOrThrow(
  bytes: Buffer,
  start: number,
  end: number,
  lineNumber: number,
  source: string,
): ConntrackEntry | null {
  try {
    return scanLine(bytes, start, end);
  } catch (error) {
    if (!(error instanceof Malformed)) throw error;
    throw new ConntrackParseError(source, lineNumber, valueText(bytes, start, end), error.message);
  }
}

function parseLine(line: string, lineNumber: number, source: string): ConntrackEntry | null {
  // Tool output ends lines with "\n"; tolerate "\r\n" and trailing blanks (`-S` prints one).
  let end = line.length;
  while (end > 0 && isBlank(line.charCodeAt(end - 1))) end--;
  lineText = line;
  return scanOrThrow(loadBytes(line), 0, end, lineNumber, source);
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

/**
 * parseConntrackLine for the UTF-8 line `bytes[start, end)` (without or with its "\n"), scanned
 * in place: the same entries and errors, without decoding the line into a string first. `ascii`
 * says the caller knows the range holds no byte above 0x7f (buffer.isAscii() on its chunk), which
 * spares a pass over the line.
 */
export function parseConntrackBytes(
  bytes: Buffer,
  start: number,
  end: number,
  lineNumber: number,
  source: string,
  ascii = false,
): ConntrackEntry | null {
  while (end > start && isBlank(bytes[end - 1] ?? 0)) end--;
  // The scanner's offsets are string offsets, and a character outside ASCII takes several bytes:
  // such (rare) lines take the string path, so that both entry points agree on every input.
  if (!ascii && !isAscii(bytes.subarray(start, end))) {
    return parseLine(bytes.toString('utf8', start, end), lineNumber, source);
  }
  lineText = null;
  return scanOrThrow(bytes, start, end, lineNumber, source);
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
