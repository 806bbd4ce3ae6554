// Pure parsers for ipvsadm output (FORMATS.md §2.1, §2.2): the rule form `ipvsadm-save -n`
// (`ipvsadm -Sn`), the table form `ipvsadm -Ln`, and the connection table `ipvsadm -Lnc`.
// The formats follow ipvsadm.c (`print_service_entry`, `print_conn`): the table pads columns
// with printf widths, so real output has trailing spaces that the README copies lost.
import { isIP } from 'node:net';

import { canonicalIp } from '../../common/cidr.js';
import { forEachTextLine, LineParseError, MalformedLine } from './line-error.js';

/** Transport protocols an IPVS virtual server can have (fwmark services have none). */
export type IpvsProtocol = 'tcp' | 'udp' | 'sctp';

/** How IPVS forwards to a real server; kube-proxy always uses Masq (NAT). */
export type IpvsForwarding = 'Masq' | 'Route' | 'Tunnel' | 'Local' | 'FullNat';

/** An address and port as ipvsadm prints them (`10.0.0.1:443`, `[fd00::1]:443`). */
export interface IpvsAddress {
  /** Canonical form (RFC 5952 for IPv6). */
  ip: string;
  port: number;
}

/** One real server (`-a … -r` / `  -> …`) of a virtual server. */
export interface IpvsRealServer {
  ip: string;
  port: number;
  /** Null when the listing does not show it. */
  forwarding: IpvsForwarding | null;
  weight: number | null;
  /** Table form only; null in the rule form. */
  activeConnections: number | null;
  /** Table form only; null in the rule form. */
  inactiveConnections: number | null;
  /** 1-based line in the dump. */
  lineNumber: number;
}

/** One virtual server (`-A …` / `TCP  vip:port sched`). */
export interface IpvsVirtualServer {
  /** Null for a firewall-mark service. */
  protocol: IpvsProtocol | null;
  family: 'ipv4' | 'ipv6';
  /** Null for a firewall-mark service. */
  ip: string | null;
  port: number | null;
  fwmark: number | null;
  scheduler: string;
  /** Seconds of ClientIP affinity (`-p` / `persistent`); null without persistence. */
  persistenceTimeout: number | null;
  /** Other service options exactly as printed (`-M …`, `pe sip`, `ops`, `-b …`). */
  flags: string[];
  realServers: IpvsRealServer[];
  lineNumber: number;
}

/** One entry of `ipvsadm -Lnc`: the client, the virtual server it hit and the real server. */
export interface IpvsConnection {
  /** Lower-cased as printed: tcp, udp, sctp, or "ip" (persistence templates of fwmark services). */
  protocol: string;
  /** Seconds before expiry (the `MM:SS` column). */
  expiresIn: number;
  /** IPVS's own state name (ESTABLISHED, SYN_RECV, TIME_WAIT, NONE for templates, UDP, …). */
  state: string;
  /** The source as IPVS saw it, before any POSTROUTING MASQUERADE. */
  client: IpvsAddress;
  virtual: IpvsAddress;
  destination: IpvsAddress;
  /** `--persistent-conn` columns; null when absent. */
  peName: string | null;
  peData: string | null;
  lineNumber: number;
}

/** A line of ipvsadm output that cannot be read; carries where it came from. */
export class IpvsadmParseError extends LineParseError {}

/** Virtual servers of a dump and the lines that could not be parsed. */
export interface IpvsadmParseResult {
  virtualServers: IpvsVirtualServer[];
  errors: IpvsadmParseError[];
}

/** Connections of an `ipvsadm -Lnc` dump and the lines that could not be parsed. */
export interface IpvsConnectionsParseResult {
  connections: IpvsConnection[];
  errors: IpvsadmParseError[];
}

/** Marks a malformed line; caught per line so that parsing goes on. */

const FORWARDING_NAMES: ReadonlySet<string> = new Set([
  'Masq',
  'Route',
  'Tunnel',
  'Local',
  'FullNat',
]);

/**
 * Parses `ipvsadm-save -n` or `ipvsadm -Ln`, whichever the text is (the first line that is not
 * blank decides), so one `--ipvs` input accepts both.
 */
export function parseIpvsadm(text: string, source: string): IpvsadmParseResult {
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    return trimmed.startsWith('-')
      ? parseIpvsadmSave(text, source)
      : parseIpvsadmList(text, source);
  }
  return { virtualServers: [], errors: [] };
}

/** Parses `ipvsadm-save -n` (`-A -t vip:port -s rr [-p N]`, `-a -t vip:port -r rip:port -m -w 1`). */
export function parseIpvsadmSave(text: string, source: string): IpvsadmParseResult {
  const virtualServers: IpvsVirtualServer[] = [];
  const errors: IpvsadmParseError[] = [];
  const byIdentity = new Map<string, IpvsVirtualServer>();
  forEachLine(text, source, errors, (line, lineNumber) => {
    const tokens = line.trim().split(/\s+/);
    const command = tokens[0];
    if (command === '-A' || command === '--add-service') {
      const service = readSaveService(tokens.slice(1), lineNumber);
      const identity = serviceIdentity(service);
      if (byIdentity.has(identity)) throw new MalformedLine('virtual server declared twice');
      byIdentity.set(identity, service);
      virtualServers.push(service);
    } else if (command === '-a' || command === '--add-server') {
      const { identity, server } = readSaveServer(tokens.slice(1), lineNumber);
      const service = byIdentity.get(identity);
      // ipvsadm-restore refuses a real server before its service; so do we.
      if (service === undefined)
        throw new MalformedLine('real server of an undeclared virtual server');
      server.port ??= service.port ?? 0;
      service.realServers.push({ ...server, port: server.port });
    } else {
      throw new MalformedLine('unknown line kind (expected -A or -a)');
    }
  });
  return { virtualServers, errors };
}

/** Parses the table form `ipvsadm -Ln` (header lines, `TCP  vip:port rr`, `  -> rip:port Masq 1 0 0`). */
export function parseIpvsadmList(text: string, source: string): IpvsadmParseResult {
  const virtualServers: IpvsVirtualServer[] = [];
  const errors: IpvsadmParseError[] = [];
  let current: IpvsVirtualServer | null = null;
  let unsupported = false;
  forEachLine(text, source, errors, (line, lineNumber) => {
    if (unsupported) return;
    const trimmed = line.trim();
    if (trimmed.startsWith('IP Virtual Server version')) return;
    if (trimmed.startsWith('Prot LocalAddress:Port')) {
      // --stats/--rate/--thresholds/--persistent-conn print other columns; reading them as
      // Forward/Weight would invent values, so refuse once and skip the rest of the listing.
      if (!/\bScheduler Flags\b/.test(trimmed)) {
        unsupported = true;
        throw new MalformedLine(
          'listing with --stats/--rate/--thresholds/--persistent-conn columns',
        );
      }
      return;
    }
    if (trimmed.startsWith('->')) {
      const rest = trimmed.slice(2).trim();
      if (rest.startsWith('RemoteAddress:Port')) return;
      if (current === null) throw new MalformedLine('real server before any virtual server');
      current.realServers.push(readListServer(rest.split(/\s+/), lineNumber));
      return;
    }
    current = readListService(trimmed.split(/\s+/), lineNumber);
    virtualServers.push(current);
  });
  return { virtualServers, errors };
}

/** Parses `ipvsadm -Lnc` (also with `--persistent-conn`'s two extra columns). */
export function parseIpvsadmConnections(text: string, source: string): IpvsConnectionsParseResult {
  const connections: IpvsConnection[] = [];
  const errors: IpvsadmParseError[] = [];
  forEachLine(text, source, errors, (line, lineNumber) => {
    const trimmed = line.trim();
    if (trimmed === 'IPVS connection entries' || trimmed.startsWith('pro expire state')) return;
    const fields = trimmed.split(/\s+/);
    if (fields.length !== 6 && fields.length !== 8) {
      throw new MalformedLine(`expected 6 or 8 columns, found ${fields.length}`);
    }
    const [protocol, expire, state, client, virtual, destination, peName, peData] = fields as [
      string,
      string,
      string,
      string,
      string,
      string,
      string | undefined,
      string | undefined,
    ];
    if (!/^[A-Za-z]+$/.test(protocol)) throw new MalformedLine('bad protocol');
    const expiry = /^(\d+):(\d{2})$/.exec(expire);
    if (expiry === null) throw new MalformedLine('bad expire time (expected MM:SS)');
    if (!/^[A-Z][A-Z0-9_!]*$/.test(state)) throw new MalformedLine('bad state');
    connections.push({
      protocol: protocol.toLowerCase(),
      expiresIn: Number(expiry[1]) * 60 + Number(expiry[2]),
      state,
      client: parseAddressPort(client, 'client'),
      virtual: parseAddressPort(virtual, 'virtual'),
      destination: parseAddressPort(destination, 'destination'),
      peName: peName ?? null,
      peData: peData ?? null,
      lineNumber,
    });
  });
  return { connections, errors };
}

/** `ip:port` as ipvsadm prints it (IPv6 in brackets). */
export function formatIpvsAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

function forEachLine(
  text: string,
  source: string,
  errors: IpvsadmParseError[],
  handle: (line: string, lineNumber: number) => void,
): void {
  forEachTextLine(
    text,
    {
      source,
      errors,
      makeError: (...args) => new IpvsadmParseError(...args),
    },
    handle,
  );
}

/** The identity `-a` lines use to name their service: protocol and address, or the fwmark. */
function serviceIdentity(service: {
  protocol: IpvsProtocol | null;
  ip: string | null;
  port: number | null;
  fwmark: number | null;
  family: string;
}): string {
  return service.fwmark !== null
    ? `fwm ${service.fwmark} ${service.family}`
    : `${service.protocol ?? ''} ${formatIpvsAddress(service.ip ?? '', service.port ?? 0)}`;
}

interface ServiceAddress {
  protocol: IpvsProtocol | null;
  family: 'ipv4' | 'ipv6';
  ip: string | null;
  port: number | null;
  fwmark: number | null;
}

const SERVICE_FLAGS: Readonly<Record<string, IpvsProtocol | 'fwmark'>> = {
  '-t': 'tcp',
  '--tcp-service': 'tcp',
  '-u': 'udp',
  '--udp-service': 'udp',
  '--sctp-service': 'sctp',
  '-f': 'fwmark',
  '--fwmark-service': 'fwmark',
};

/** Reads the service address option at `tokens[i]`; returns it and the next index. */
function readServiceAddress(tokens: readonly string[], i: number): [ServiceAddress, number] {
  const flag = tokens[i] ?? '';
  const kind = SERVICE_FLAGS[flag];
  const value = tokens[i + 1];
  if (kind === undefined || value === undefined) {
    throw new MalformedLine('expected -t, -u, --sctp-service or -f with a value');
  }
  if (kind === 'fwmark') {
    if (!/^\d+$/.test(value)) throw new MalformedLine('bad firewall mark');
    // ipvsadm-save writes `-f 5 -6` for an IPv6 fwmark service.
    const ipv6 = tokens[i + 2] === '-6' || tokens[i + 2] === '--ipv6';
    const address: ServiceAddress = {
      protocol: null,
      family: ipv6 ? 'ipv6' : 'ipv4',
      ip: null,
      port: null,
      fwmark: Number(value),
    };
    return [address, i + (ipv6 ? 3 : 2)];
  }
  const { ip, port } = parseAddressPort(value, 'virtual server');
  return [{ protocol: kind, family: familyOf(ip), ip, port, fwmark: null }, i + 2];
}

function readSaveService(tokens: readonly string[], lineNumber: number): IpvsVirtualServer {
  const [address, start] = readServiceAddress(tokens, 0);
  let scheduler: string | null = null;
  let persistenceTimeout: number | null = null;
  const flags: string[] = [];
  for (let i = start; i < tokens.length;) {
    const token = tokens[i] ?? '';
    const next = tokens[i + 1];
    if (token === '-s' || token === '--scheduler') {
      if (next === undefined) throw new MalformedLine(`${token} without a scheduler`);
      scheduler = next;
      i += 2;
    } else if (token === '-p' || token === '--persistent') {
      // The timeout is optional for ipvsadm (300 s by default); ipvsadm-save always prints it.
      if (next !== undefined && /^\d+$/.test(next)) {
        persistenceTimeout = Number(next);
        i += 2;
      } else {
        persistenceTimeout = 300;
        i += 1;
      }
    } else {
      // -M mask, --pe/pe name, -o/ops, -b flags: kept verbatim, with their value if any.
      flags.push(token);
      i++;
      while (i < tokens.length && !(tokens[i] ?? '').startsWith('-')) {
        flags.push(tokens[i] ?? '');
        i++;
      }
    }
  }
  if (scheduler === null) throw new MalformedLine('virtual server without a scheduler (-s)');
  return { ...address, scheduler, persistenceTimeout, flags, realServers: [], lineNumber };
}

function readSaveServer(
  tokens: readonly string[],
  lineNumber: number,
): { identity: string; server: Omit<IpvsRealServer, 'port'> & { port: number | null } } {
  const [address, start] = readServiceAddress(tokens, 0);
  let ip: string | null = null;
  let port: number | null = null;
  let forwarding: IpvsForwarding | null = null;
  let weight: number | null = null;
  for (let i = start; i < tokens.length;) {
    const token = tokens[i] ?? '';
    const next = tokens[i + 1];
    switch (token) {
      case '-r':
      case '--real-server': {
        if (next === undefined) throw new MalformedLine(`${token} without an address`);
        // Route/Tunnel servers may omit the port (it is the service's then).
        const parsed =
          isIP(stripBrackets(next)) !== 0
            ? { ip: canonicalIp(stripBrackets(next)), port: null }
            : parseAddressPort(next, 'real server');
        ip = parsed.ip;
        port = parsed.port;
        i += 2;
        break;
      }
      case '-m':
      case '--masquerading':
        forwarding = 'Masq';
        i++;
        break;
      case '-g':
      case '--gatewaying':
        // ipvsadm-save prints -g for both Route and Local (fwd_switch), so Route is the reading.
        forwarding = 'Route';
        i++;
        break;
      case '-i':
      case '--ipip':
        forwarding = 'Tunnel';
        i++;
        break;
      case '-w':
      case '--weight':
        if (next === undefined || !/^\d+$/.test(next)) throw new MalformedLine('bad weight');
        weight = Number(next);
        i += 2;
        break;
      default:
        // -x/-y thresholds, --tun-type …: valid options the model does not need.
        i++;
        while (i < tokens.length && !(tokens[i] ?? '').startsWith('-')) i++;
    }
  }
  if (ip === null) throw new MalformedLine('real server line without -r');
  return {
    identity: serviceIdentity(address),
    server: {
      ip,
      port,
      forwarding,
      weight,
      activeConnections: null,
      inactiveConnections: null,
      lineNumber,
    },
  };
}

function readListService(fields: readonly string[], lineNumber: number): IpvsVirtualServer {
  const [kind, first, ...rest] = fields;
  let address: ServiceAddress;
  let tail: readonly string[];
  if (kind === 'FWM') {
    if (first === undefined || !/^\d+$/.test(first)) throw new MalformedLine('bad firewall mark');
    const ipv6 = rest[0] === 'IPv6';
    address = {
      protocol: null,
      family: ipv6 ? 'ipv6' : 'ipv4',
      ip: null,
      port: null,
      fwmark: Number(first),
    };
    tail = ipv6 ? rest.slice(1) : rest;
  } else if (kind === 'TCP' || kind === 'UDP' || kind === 'SCTP') {
    if (first === undefined) throw new MalformedLine('virtual server without an address');
    const { ip, port } = parseAddressPort(first, 'virtual server');
    address = { protocol: toProtocol(kind), family: familyOf(ip), ip, port, fwmark: null };
    tail = rest;
  } else {
    throw new MalformedLine('unknown line kind (expected TCP, UDP, SCTP, FWM or ->)');
  }
  const [scheduler, ...options] = tail;
  if (scheduler === undefined) throw new MalformedLine('virtual server without a scheduler');
  let persistenceTimeout: number | null = null;
  const flags: string[] = [];
  for (let i = 0; i < options.length; i++) {
    const option = options[i] ?? '';
    if (option === 'persistent' && /^\d+$/.test(options[i + 1] ?? '')) {
      persistenceTimeout = Number(options[i + 1]);
      i++;
    } else {
      flags.push(option);
    }
  }
  return { ...address, scheduler, persistenceTimeout, flags, realServers: [], lineNumber };
}

function readListServer(fields: readonly string[], lineNumber: number): IpvsRealServer {
  if (fields.length !== 5) {
    throw new MalformedLine(`real server line with ${fields.length} columns (expected 5)`);
  }
  const [address, forwarding, weight, active, inactive] = fields as [
    string,
    string,
    string,
    string,
    string,
  ];
  const { ip, port } = parseAddressPort(address, 'real server');
  if (!FORWARDING_NAMES.has(forwarding))
    throw new MalformedLine(`unknown forwarding "${forwarding}"`);
  // Weight is printed with %d (it can be negative in theory); the counters with %u.
  if (!/^-?\d+$/.test(weight) || !/^\d+$/.test(active) || !/^\d+$/.test(inactive)) {
    throw new MalformedLine('bad weight or connection counters');
  }
  return {
    ip,
    port,
    forwarding: forwarding as IpvsForwarding,
    weight: Number(weight),
    activeConnections: Number(active),
    inactiveConnections: Number(inactive),
    lineNumber,
  };
}

function toProtocol(name: string): IpvsProtocol {
  return name === 'UDP' ? 'udp' : name === 'SCTP' ? 'sctp' : 'tcp';
}

function familyOf(ip: string): 'ipv4' | 'ipv6' {
  return ip.includes(':') ? 'ipv6' : 'ipv4';
}

function stripBrackets(text: string): string {
  return text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text;
}

/** `10.0.0.1:443` or `[fd00::1]:443`; names (ipvsadm without -n) are refused. */
function parseAddressPort(text: string, what: string): IpvsAddress {
  let ip: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']:');
    if (close < 0) throw new MalformedLine(`${what} "${text}" is not [address]:port`);
    ip = text.slice(1, close);
    portText = text.slice(close + 2);
    if (isIP(ip) !== 6) throw new MalformedLine(`${what} "${text}" is not an IPv6 address`);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw new MalformedLine(`${what} "${text}" has no port`);
    ip = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (isIP(ip) !== 4) {
      throw new MalformedLine(`${what} "${text}" is not numeric (dump with ipvsadm -n)`);
    }
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    throw new MalformedLine(`${what} "${text}" has no numeric port (dump with ipvsadm -n)`);
  }
  return { ip: canonicalIp(ip), port: Number(portText) };
}
