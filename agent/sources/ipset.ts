// Pure parsers for `ipset save` (restore syntax: `create NAME TYPE opts`, `add NAME ENTRY opts`)
// and `ipset list` (Name:/Type:/Header:/Members: blocks), FORMATS.md §2.3. kube-proxy's IPVS
// mode keeps its policy in these sets (KUBE-NODE-PORT-LOCAL-TCP, KUBE-LOAD-BALANCER-LOCAL, …),
// so entries are split into the ip, protocol, port and third part the membership tests need.
import { isIP } from 'node:net';

import { canonicalIp } from '../../common/cidr.js';
import { forEachTextLine, LineParseError, MalformedLine } from './line-error.js';

/** One member of a set, split by the set's type. */
export interface IpsetEntry {
  /** The member as printed (`10.96.0.1,tcp:443`, `30080`). */
  text: string;
  /** The first ip/net part; null for bitmap:port sets. */
  ip: string | null;
  /** The protocol of a `proto:port` part (ipset prints `tcp:` even when it was omitted). */
  protocol: string | null;
  /** The port of a `port` or `proto:port` part. */
  port: number | null;
  /** The third part of hash:ip,port,ip / hash:ip,port,net (a source address or CIDR). */
  extra: string | null;
  /** The `comment "…"` option of the member. */
  comment: string | null;
  lineNumber: number;
}

/** One set with its members. */
export interface Ipset {
  name: string;
  /** `hash:ip,port`, `bitmap:port`, … */
  type: string;
  /** From `family inet|inet6`; null for bitmap sets and when absent. */
  family: 'inet' | 'inet6' | null;
  /** The creation options after the type, as printed (hashsize, maxelem, range, comment…). */
  options: string[];
  entries: IpsetEntry[];
  lineNumber: number;
}

/** A line of ipset output that cannot be read; carries where it came from. */
export class IpsetParseError extends LineParseError {}

/** Sets of a dump and the lines that could not be parsed. */
export interface IpsetParseResult {
  sets: Ipset[];
  errors: IpsetParseError[];
}

/** Parses `ipset save` or `ipset list`, whichever the text is (the first non-blank line decides). */
export function parseIpset(text: string, source: string): IpsetParseResult {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    return trimmed.startsWith('Name:')
      ? parseIpsetList(text, source)
      : parseIpsetSave(text, source);
  }
  return { sets: [], errors: [] };
}

/** Parses `ipset save` (`create KUBE-NODE-PORT-TCP bitmap:port range 0-65535`, `add … 30080`). */
export function parseIpsetSave(text: string, source: string): IpsetParseResult {
  const sets: Ipset[] = [];
  const errors: IpsetParseError[] = [];
  const byName = new Map<string, Ipset>();
  forEachLine(text, source, errors, (line, lineNumber) => {
    const tokens = tokenize(line);
    const [command, name, ...rest] = tokens;
    if (command === 'create' || command === '-N') {
      const type = rest[0];
      if (name === undefined || type === undefined)
        throw new MalformedLine('create without a type');
      if (byName.has(name)) throw new MalformedLine(`set ${name} created twice`);
      const options = rest.slice(1);
      const set: Ipset = {
        name,
        type,
        family: familyOption(options),
        options,
        entries: [],
        lineNumber,
      };
      byName.set(name, set);
      sets.push(set);
    } else if (command === 'add' || command === '-A') {
      const member = rest[0];
      if (name === undefined || member === undefined)
        throw new MalformedLine('add without a member');
      const set = byName.get(name);
      if (set === undefined)
        throw new MalformedLine(`add to set ${name}, which is not created before`);
      set.entries.push(parseEntry(set.type, member, rest.slice(1), lineNumber));
    } else {
      throw new MalformedLine('unknown line kind (expected create or add)');
    }
  });
  return { sets, errors };
}

/** Parses `ipset list` (header lines per set, then `Members:` and one member per line). */
export function parseIpsetList(text: string, source: string): IpsetParseResult {
  const sets: Ipset[] = [];
  const errors: IpsetParseError[] = [];
  let current: Ipset | null = null;
  let inMembers = false;
  forEachLine(text, source, errors, (line, lineNumber) => {
    const trimmed = line.trim();
    const header = /^([A-Za-z][A-Za-z ]*):\s*(.*)$/.exec(trimmed);
    if (header !== null && !inMembers) {
      const [, key, value = ''] = header;
      if (key === 'Name') {
        if (value === '') throw new MalformedLine('set without a name');
        current = { name: value, type: '', family: null, options: [], entries: [], lineNumber };
        sets.push(current);
        return;
      }
      if (current === null) throw new MalformedLine('set header before any Name:');
      if (key === 'Type') current.type = value;
      else if (key === 'Header') {
        current.options = tokenize(value);
        current.family = familyOption(current.options);
      } else if (key === 'Members') inMembers = true;
      // Revision, Size in memory, References, Number of entries: not needed.
      return;
    }
    if (trimmed.startsWith('Name:')) {
      // A new set after the members of the previous one (ipset separates them by a blank line,
      // but the blank line is not needed to read it).
      inMembers = false;
      const name = trimmed.slice(5).trim();
      if (name === '') throw new MalformedLine('set without a name');
      current = { name, type: '', family: null, options: [], entries: [], lineNumber };
      sets.push(current);
      return;
    }
    if (current === null || !inMembers) throw new MalformedLine('member outside a Members: block');
    const [member, ...options] = tokenize(trimmed);
    current.entries.push(parseEntry(current.type, member ?? '', options, lineNumber));
  });
  return { sets, errors };
}

/** The member of `set` that matches, or null; ports compare as numbers, addresses canonically. */
export function findIpsetEntry(
  set: Ipset | undefined,
  match: { ip?: string; protocol?: string; port?: number },
): IpsetEntry | null {
  if (set === undefined) return null;
  const ip = match.ip === undefined ? undefined : canonicalIp(match.ip);
  for (const entry of set.entries) {
    if (ip !== undefined && entry.ip !== ip) continue;
    if (
      match.protocol !== undefined &&
      entry.protocol !== null &&
      entry.protocol !== match.protocol
    ) {
      continue;
    }
    if (match.port !== undefined && entry.port !== match.port) continue;
    return entry;
  }
  return null;
}

function forEachLine(
  text: string,
  source: string,
  errors: IpsetParseError[],
  handle: (line: string, lineNumber: number) => void,
): void {
  forEachTextLine(
    text,
    {
      source,
      errors,
      makeError: (...args) => new IpsetParseError(...args),
      // `ipset save` of a restore file may carry comments.
      skipComments: true,
    },
    handle,
  );
}

function familyOption(options: readonly string[]): 'inet' | 'inet6' | null {
  const index = options.indexOf('family');
  const value = index < 0 ? undefined : options[index + 1];
  return value === 'inet' || value === 'inet6' ? value : null;
}

/** Splits on blanks; double quotes group a comment (ipset escapes nothing inside them). */
function tokenize(line: string): string[] {
  const tokens: string[] = [];
  const pattern = /"([^"]*)"|(\S+)/g;
  let consumed = 0;
  for (let match = pattern.exec(line); match !== null; match = pattern.exec(line)) {
    if (line.slice(consumed, match.index).includes('"'))
      throw new MalformedLine('unbalanced quote');
    tokens.push(match[1] ?? match[2] ?? '');
    consumed = pattern.lastIndex;
  }
  if (line.slice(consumed).includes('"')) throw new MalformedLine('unbalanced quote');
  for (const token of tokens) {
    if (token.includes('"')) throw new MalformedLine('unbalanced quote');
  }
  return tokens;
}

/** Splits a member by the dimensions of the set type (`hash:ip,port,net` → ip, proto:port, net). */
function parseEntry(
  type: string,
  member: string,
  options: readonly string[],
  lineNumber: number,
): IpsetEntry {
  const colon = type.indexOf(':');
  const dimensions = colon < 0 ? [] : type.slice(colon + 1).split(',');
  const parts = member.split(',');
  if (dimensions.length === 0) throw new MalformedLine(`unknown set type "${type}"`);
  if (parts.length !== dimensions.length) {
    throw new MalformedLine(`member "${member}" does not fit type ${type}`);
  }
  const entry: IpsetEntry = {
    text: member,
    ip: null,
    protocol: null,
    port: null,
    extra: null,
    comment: commentOption(options),
    lineNumber,
  };
  dimensions.forEach((dimension, index) => {
    const part = parts[index] ?? '';
    if (dimension === 'port') {
      const { protocol, port } = parsePortPart(part, type.startsWith('bitmap:'));
      entry.protocol = protocol;
      entry.port = port;
    } else if (dimension === 'ip' || dimension === 'net') {
      const address = parseAddressPart(part, dimension);
      if (index === 0) entry.ip = address;
      else entry.extra = address;
    } else {
      // iface, mark, mac: kept in `text` only; kube-proxy's sets never use them.
      if (index > 0) entry.extra = part;
    }
  });
  return entry;
}

/** `tcp:443`, `udp:53`, `443` (bitmap sets: no protocol). */
function parsePortPart(part: string, bitmap: boolean): { protocol: string | null; port: number } {
  const colon = part.indexOf(':');
  const protocol = colon < 0 ? null : part.slice(0, colon);
  const portText = colon < 0 ? part : part.slice(colon + 1);
  if (protocol !== null && (bitmap || !/^[a-z0-9]+$/.test(protocol))) {
    throw new MalformedLine(`bad protocol in "${part}"`);
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new MalformedLine(`bad port "${part}"`);
  }
  return { protocol: protocol ?? (bitmap ? null : 'tcp'), port: Number(portText) };
}

/** An address (`ip`) or a CIDR (`net`; a host is printed without /32). */
function parseAddressPart(part: string, dimension: 'ip' | 'net'): string {
  const slash = part.indexOf('/');
  const address = slash < 0 ? part : part.slice(0, slash);
  if (isIP(address) === 0) throw new MalformedLine(`bad address "${part}"`);
  if (slash < 0) return canonicalIp(address);
  const prefix = part.slice(slash + 1);
  const max = address.includes(':') ? 128 : 32;
  // hash:ip accepts a CIDR on input but lists single addresses; a /n here is from hash:net.
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max || dimension === 'ip') {
    throw new MalformedLine(`bad prefix in "${part}"`);
  }
  return `${canonicalIp(address)}/${prefix}`;
}

function commentOption(options: readonly string[]): string | null {
  const index = options.indexOf('comment');
  return index < 0 ? null : (options[index + 1] ?? null);
}
