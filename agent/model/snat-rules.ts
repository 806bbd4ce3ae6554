// Which source-NAT rule rewrote a connection's source: the nat table's POSTROUTING path (and the
// chains it jumps or goes to) evaluated in order against the packet as POSTROUTING sees it —
// source = the client, destination = the backend after DNAT — and against what the agent knows of
// the node (its addresses, ipsets, kube-proxy's masquerade mark). Matches the agent cannot know
// (out interface, other components' marks, physdev…) count as "may match"; a rule whose known
// matches exclude the flow is never reported.
//
// The rules are read into plain data (NatChains, part of the KubeProxyModel, so that golden files
// show them), then compiled into closures once per classifier (SnatRuleFinder), not per flow.
import ipaddr from 'ipaddr.js';

import { canonicalIp, ipv4Number, parseCidr } from '../../common/cidr.js';
import type { IptablesRule, IptablesTable } from '../sources/iptables-save.js';
import type { Ipset, IpsetEntry } from '../sources/ipset.js';

/** A firewall rule as records name it (the proto's RuleRef). */
export interface RuleRef {
  table: string;
  chain: string;
  rule: string;
}

/** One condition of a nat rule, reduced to what can be evaluated. */
export type NatMatch =
  | { kind: 'source' | 'destination'; cidr: string; negated: boolean }
  | { kind: 'protocol'; protocol: string; negated: boolean }
  /** `--sport`/`--dport`/multiport `--sports`/`--dports`/`--ports`, as inclusive ranges. */
  | { kind: 'sport' | 'dport' | 'ports'; ranges: [number, number][]; negated: boolean }
  /**
   * addrtype `--src-type` / `--dst-type` (type lists as printed, e.g. `LOCAL`); `limit` is
   * `--limit-iface-in/out`: the type is judged on that interface only.
   */
  | {
      kind: 'srcType' | 'dstType';
      types: string[];
      negated: boolean;
      limit: 'in' | 'out' | null;
    }
  /** `-m set --match-set NAME FLAGS`. */
  | { kind: 'set'; name: string; flags: string[]; negated: boolean }
  /** `-m mark --mark VALUE/MASK`. */
  | { kind: 'mark'; value: number; mask: number; negated: boolean }
  /** `-m conntrack --ctstate` / `-m state --state`. */
  | { kind: 'ctstate'; states: string[]; negated: boolean }
  /** `-o NAME` (`+` ends a prefix). */
  | { kind: 'outInterface'; name: string; negated: boolean }
  /** A match the agent cannot evaluate (`-o eth0`, physdev, statistic…): it may match. */
  | { kind: 'unknown'; what: string };

/** A nat rule on the POSTROUTING path. */
export interface NatRule {
  /** The rule as iptables-save prints it, without counters. */
  text: string;
  matches: NatMatch[];
  target: string | null;
  goto: boolean;
  /** SNAT `--to-source` values (ranges as printed). */
  toSource: string[];
  /** A MARK target's effect as `mark = (mark & ~mask) ^ value` (iptables-save's --set-xmark). */
  setMark: { value: number; mask: number } | null;
}

/** The nat POSTROUTING chain of one iptables table and every chain reachable from it. */
export interface NatChains {
  /** `ipv4`/`ipv6`, or null when the dump does not tell. */
  family: 'ipv4' | 'ipv6' | null;
  chains: Record<string, NatRule[]>;
}

/** kube-proxy's own masquerade rule in nftables mode, per table family. */
export interface NftMasquerade {
  family: 'ipv4' | 'ipv6';
  rule: RuleRef;
}

/** Everything the SNAT rule search needs from a node's rules (plain data, part of the model). */
export interface SnatRules {
  /** One entry per iptables nat table read (IPv4 and IPv6 dumps). */
  postrouting: NatChains[];
  /** The ipsets those rules match on, when an ipset dump was read; null when none was. */
  ipsets: Ipset[] | null;
  /** nftables mode: the masquerade rule of kube-proxy's table. */
  nftMasquerade: NftMasquerade[];
}

/** No rules known. */
export const NO_SNAT_RULES: SnatRules = { postrouting: [], ipsets: null, nftMasquerade: [] };

const NAT_TARGETS: ReadonlySet<string> = new Set(['MASQUERADE', 'SNAT']);
const MAX_DEPTH = 32;

/** Reads the POSTROUTING path of every nat table; `ipsets` (when read) keeps the sets it names. */
export function readSnatRules(
  tables: readonly IptablesTable[],
  ipsets: readonly Ipset[] | null = null,
  nftMasquerade: NftMasquerade[] = [],
): SnatRules {
  const postrouting: NatChains[] = [];
  const setNames = new Set<string>();
  for (const table of tables) {
    if (table.name !== 'nat') continue;
    const byChain = new Map<string, IptablesRule[]>();
    for (const rule of table.rules) {
      const list = byChain.get(rule.chain);
      if (list === undefined) byChain.set(rule.chain, [rule]);
      else list.push(rule);
    }
    const chains: Record<string, NatRule[]> = {};
    const queue = ['POSTROUTING'];
    for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
      if (Object.hasOwn(chains, name)) continue;
      const rules = (byChain.get(name) ?? []).map(readNatRule);
      chains[name] = rules;
      for (const rule of rules) {
        if (rule.target !== null && byChain.has(rule.target)) queue.push(rule.target);
        for (const match of rule.matches) if (match.kind === 'set') setNames.add(match.name);
      }
    }
    if ((chains.POSTROUTING ?? []).length > 0) postrouting.push({ family: table.family, chains });
  }
  return {
    postrouting,
    ipsets: ipsets === null ? null : ipsets.filter((set) => setNames.has(set.name)),
    nftMasquerade,
  };
}

/** The rule's line without the counters `iptables-save -c` or `iptables -S -v` put in it. */
export function ruleTextWithoutCounters(text: string): string {
  return text
    .trim()
    .replace(/^\[\d+:\d+\]\s+/, '')
    .replace(/\s-c \d+ \d+(?=\s|$)/, '');
}

function isOptionToken(token: string): boolean {
  if (token.length < 2 || !token.startsWith('-')) return false;
  const second = token.charCodeAt(1);
  return second < 0x30 || second > 0x39;
}

/** Options that never exclude a packet (they only decorate or count it). */
const NEUTRAL_OPTIONS: ReadonlySet<string> = new Set([
  '-m',
  '--match',
  '--comment',
  '--nfacct-name',
]);

function readNatRule(rule: IptablesRule): NatRule {
  const matches: NatMatch[] = [];
  const tokens = rule.tokens;
  let negated = false;
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i] ?? '';
    if (token === '!') {
      negated = true;
      continue;
    }
    if (!isOptionToken(token)) continue;
    if (['-j', '--jump', '-g', '--goto'].includes(token)) break;
    // Old iptables put the negation after the option (`-s ! 10.0.0.0/8`).
    const next = tokens[i + 1];
    const after = tokens[i + 2];
    if (next === '!' && after !== undefined && after !== '!' && !isOptionToken(after)) {
      negated = true;
      i++;
    }
    const values: string[] = [];
    for (let value = tokens[i + 1]; value !== undefined; value = tokens[i + 1]) {
      if (value === '!' || isOptionToken(value)) break;
      values.push(value);
      i++;
    }
    const last = matches[matches.length - 1];
    if ((token === '--limit-iface-out' || token === '--limit-iface-in') && last !== undefined) {
      if (last.kind === 'srcType' || last.kind === 'dstType') {
        last.limit = token === '--limit-iface-out' ? 'out' : 'in';
        continue;
      }
    }
    const match = readMatch(token, values, negated);
    if (match !== null) matches.push(match);
    negated = false;
  }
  const args = rule.targetArgs;
  const toSource: string[] = [];
  for (let k = 0; k < args.length; k++) {
    if (args[k] === '--to-source' || args[k] === '--to') toSource.push(args[k + 1] ?? '');
  }
  return {
    text: ruleTextWithoutCounters(rule.text),
    matches,
    target: rule.target,
    goto: rule.goto,
    toSource,
    setMark: rule.target === 'MARK' ? readSetMark(args) : null,
  };
}

function readMatch(option: string, values: readonly string[], negated: boolean): NatMatch | null {
  const value = values[0];
  if (NEUTRAL_OPTIONS.has(option)) return null;
  const unknown: NatMatch = { kind: 'unknown', what: [option, ...values].join(' ') };
  if (value === undefined) return unknown;
  switch (option) {
    case '-s':
    case '--source':
    case '--src':
      return { kind: 'source', cidr: value, negated };
    case '-d':
    case '--destination':
    case '--dst':
      return { kind: 'destination', cidr: value, negated };
    case '-p':
    case '--protocol':
      return { kind: 'protocol', protocol: value.toLowerCase(), negated };
    case '-o':
    case '--out-interface':
      return { kind: 'outInterface', name: value, negated };
    case '--sport':
    case '--source-port':
    case '--sports':
    case '--source-ports':
    case '--dport':
    case '--destination-port':
    case '--dports':
    case '--destination-ports':
    case '--ports': {
      const ranges = readPortRanges(value);
      if (ranges === null) return unknown;
      const kind = option === '--ports' ? 'ports' : option.startsWith('--s') ? 'sport' : 'dport';
      return { kind, ranges, negated };
    }
    case '--src-type':
    case '--dst-type':
      return {
        kind: option === '--src-type' ? 'srcType' : 'dstType',
        types: value.split(','),
        negated,
        limit: null,
      };
    case '--match-set':
    case '--set':
      return { kind: 'set', name: value, flags: (values[1] ?? '').split(','), negated };
    case '--mark': {
      const mark = readMarkValue(value);
      return mark === null ? unknown : { kind: 'mark', ...mark, negated };
    }
    case '--ctstate':
    case '--state':
      return { kind: 'ctstate', states: value.split(','), negated };
    default:
      return unknown;
  }
}

function readPortRanges(text: string): [number, number][] | null {
  const ranges: [number, number][] = [];
  for (const part of text.split(',')) {
    const [low, high = low] = part.split(':');
    const from = low === '' ? 0 : Number(low);
    const to = high === '' ? 65535 : Number(high);
    if (!Number.isInteger(from) || !Number.isInteger(to)) return null;
    ranges.push([from, to]);
  }
  return ranges;
}

function readMarkValue(text: string): { value: number; mask: number } | null {
  const [valueText, maskText] = text.split('/');
  const value = Number(valueText);
  const mask = maskText === undefined ? 0xffffffff : Number(maskText);
  return Number.isInteger(value) && Number.isInteger(mask) ? { value, mask } : null;
}

/** MARK's options as `(mark & ~mask) ^ value`; null when the form is not known. */
function readSetMark(args: readonly string[]): { value: number; mask: number } | null {
  const flag = args[0];
  const mark = args[1] === undefined ? null : readMarkValue(args[1]);
  if (mark === null) return null;
  switch (flag) {
    case '--set-xmark':
      return args[1]?.includes('/') ? mark : { value: mark.value, mask: 0xffffffff };
    case '--set-mark':
      return { value: mark.value, mask: args[1]?.includes('/') ? mark.mask : 0xffffffff };
    case '--xor-mark':
      return { value: mark.value, mask: 0 };
    case '--or-mark':
      return { value: mark.value, mask: mark.value };
    case '--and-mark':
      return { value: 0, mask: ~mark.value >>> 0 };
    default:
      return null;
  }
}

// ---- evaluation ----------------------------------------------------------------------------

/** A connection as the nat POSTROUTING hook sees its first packet, and what the backend saw. */
export interface SnatFlow {
  protocol: string;
  /** The client (not yet rewritten). */
  src: string;
  sport: number;
  /** The backend (after DNAT). */
  dst: string;
  dport: number;
  /** The source address the backend observed. */
  observed: string;
  /** Whether kube-proxy's masquerade bit is set on the packet; null when unknown. */
  masqueradeMarked: boolean | null;
}

/** What is known of the node the rules run on. */
export interface SnatNodeFacts {
  /** The node's local addresses; empty when unknown. */
  addresses: ReadonlySet<string>;
  /**
   * The interface holding each address. The packet is taken to leave by the interface that holds
   * the address the backend saw: MASQUERADE takes the out interface's address, and SNAT rules
   * name the address of the interface they are limited to (`-o cni0 … --to-source <cni0's>`).
   */
  addressInterfaces: ReadonlyMap<string, string>;
  /** kube-proxy's masquerade bit (`0x4000`); null when unknown. */
  masqueradeMark: string | null;
}

/** Which rule to report when several may have done it. */
export type SnatRulePick =
  /** The first rule that definitely or possibly matched (a foreign SNAT: OtherSnat). */
  | 'first'
  /** The first rule that definitely matched, else the first possible one (kube-proxy's causes). */
  | 'definite';

// Three-valued logic: a match holds, fails, or may hold.
const NO = 0;
const YES = 1;
const MAYBE = 2;
type Tri = typeof NO | typeof YES | typeof MAYBE;

function and(a: Tri, b: Tri): Tri {
  if (a === NO || b === NO) return NO;
  return a === YES && b === YES ? YES : MAYBE;
}

function not(a: Tri): Tri {
  return a === MAYBE ? MAYBE : a === YES ? NO : YES;
}

interface PacketState {
  flow: SnatFlow;
  /** Bit state of the masquerade mark, updated by MARK rules on the way. */
  marked: boolean | null;
}

type CompiledMatch = (packet: PacketState) => Tri;

interface CompiledRule {
  ref: RuleRef;
  match: CompiledMatch;
  target: string | null;
  goto: boolean;
  /** For MASQUERADE/SNAT: can the observed source come from this rule? */
  consistent: ((flow: SnatFlow) => Tri) | null;
  setMark: ((marked: boolean | null) => boolean | null) | null;
}

interface Candidate {
  ref: RuleRef;
  certain: boolean;
}

/** Finds the rule behind a connection's SNAT; built once per model and node view. */
export class SnatRuleFinder {
  private readonly tables: {
    family: 'ipv4' | 'ipv6' | null;
    chains: Map<string, CompiledRule[]>;
  }[];
  private readonly nft: readonly NftMasquerade[];

  constructor(rules: SnatRules, node: SnatNodeFacts) {
    const compiler = new MatchCompiler(rules.ipsets, node);
    this.tables = rules.postrouting.map((table) => ({
      family: table.family,
      chains: new Map(
        Object.entries(table.chains).map(([chain, list]) => [
          chain,
          list.map((rule) => compiler.rule(chain, rule)),
        ]),
      ),
    }));
    this.nft = rules.nftMasquerade;
  }

  /** kube-proxy's nftables masquerade rule for the flow's family, when the model has one. */
  nftMasquerade(ip: string): RuleRef | null {
    const family = ip.includes(':') ? 'ipv6' : 'ipv4';
    return this.nft.find((m) => m.family === family)?.rule ?? null;
  }

  /** The rule that rewrote the flow's source, or null when none fits what was observed. */
  find(flow: SnatFlow, pick: SnatRulePick): RuleRef | null {
    const family = flow.src.includes(':') ? 'ipv6' : 'ipv4';
    for (const table of this.tables) {
      if (table.family !== null && table.family !== family) continue;
      const candidates: Candidate[] = [];
      const packet: PacketState = { flow, marked: flow.masqueradeMarked };
      walk({ chains: table.chains, packet, candidates }, 'POSTROUTING', true, 0);
      const chosen =
        pick === 'definite' ? (candidates.find((c) => c.certain) ?? candidates[0]) : candidates[0];
      if (chosen !== undefined) return chosen.ref;
    }
    return null;
  }
}

/** How a chain's traversal ended: back to the caller, or the hook is done with the packet. */
type WalkEnd = 'return' | 'stop';

/** One traversal of the POSTROUTING path. */
interface Walk {
  chains: ReadonlyMap<string, CompiledRule[]>;
  packet: PacketState;
  candidates: Candidate[];
}

/**
 * Evaluates `chain` in order. NAT rules that definitely or possibly matched, in a way consistent
 * with what the backend saw, are collected in order; a candidate is `certain` when its own
 * matches hold and the rule surely was reached (no possible RETURN before it in the chains
 * followed; a possible ACCEPT does not count, since the flow was rewritten and so not accepted). `reached` is false once a rule that may have ended this chain was passed. A rule
 * that surely matched and surely was reached decides: a NAT ends the hook (whatever came later
 * never saw the packet), RETURN/ACCEPT end the chain or the hook.
 */
function walk(w: Walk, chain: string, reached: boolean, depth: number): WalkEnd {
  if (depth > MAX_DEPTH) return 'stop';
  let sure = reached;
  for (const rule of w.chains.get(chain) ?? []) {
    const matched = rule.match(w.packet);
    if (matched === NO || rule.target === null) continue;
    const definite = matched === YES;
    if (rule.consistent !== null) {
      const fits = rule.consistent(w.packet.flow);
      if (fits !== NO) {
        w.candidates.push({ ref: rule.ref, certain: sure && definite && fits === YES });
      }
      if (definite) return sure ? 'stop' : 'return';
      continue;
    }
    if (rule.setMark !== null) {
      w.packet.marked = definite && sure ? rule.setMark(w.packet.marked) : null;
      continue;
    }
    const target = rule.target;
    if (target === 'RETURN' || target === 'ACCEPT' || target === 'DROP' || target === 'REJECT') {
      if (definite) return target !== 'RETURN' && sure ? 'stop' : 'return';
      // The source was rewritten, so the packet did not leave the nat table unrewritten: a rule
      // that may have accepted it (or returned from POSTROUTING itself) did not. A RETURN from a
      // user chain only sends it on in the caller, past the rest of this chain.
      if (target === 'RETURN' && depth > 0) sure = false;
      continue;
    }
    if (!w.chains.has(target)) continue;
    const end = walk(w, target, sure && definite, depth + 1);
    if (end === 'stop') return 'stop';
    if (rule.goto && definite) return 'return';
  }
  return 'return';
}

/** Compiles matches into closures over the node's facts. */
class MatchCompiler {
  private readonly sets: Map<string, Ipset> | null;
  private readonly mask: number | null;

  constructor(
    ipsets: readonly Ipset[] | null,
    private readonly node: SnatNodeFacts,
  ) {
    this.sets = ipsets === null ? null : new Map(ipsets.map((set) => [set.name, set]));
    const mark = node.masqueradeMark === null ? NaN : Number(node.masqueradeMark);
    this.mask = Number.isInteger(mark) && mark > 0 ? mark : null;
  }

  rule(chain: string, rule: NatRule): CompiledRule {
    const parts = rule.matches.map((m) => this.match(m));
    const target = rule.target;
    return {
      ref: { table: 'nat', chain, rule: rule.text },
      match: (packet) => {
        let result: Tri = YES;
        for (const part of parts) {
          result = and(result, part(packet));
          if (result === NO) return NO;
        }
        return result;
      },
      target,
      goto: rule.goto,
      consistent: target !== null && NAT_TARGETS.has(target) ? this.consistency(rule) : null,
      setMark: rule.setMark === null ? null : this.markUpdate(rule.setMark),
    };
  }

  private match(match: NatMatch): CompiledMatch {
    switch (match.kind) {
      case 'source':
      case 'destination': {
        const contains = cidrTest(match.cidr);
        if (contains === null) return () => MAYBE;
        const field = match.kind === 'source' ? 'src' : 'dst';
        return negate(match.negated, (p) => (contains(p.flow[field]) ? YES : NO));
      }
      case 'protocol': {
        const protocol = PROTOCOL_NAMES[match.protocol] ?? match.protocol;
        if (protocol === 'all') return negate(match.negated, () => YES);
        return negate(match.negated, (p) => (p.flow.protocol === protocol ? YES : NO));
      }
      case 'sport':
      case 'dport':
      case 'ports': {
        const inRanges = (port: number): boolean =>
          match.ranges.some(([low, high]) => port >= low && port <= high);
        return negate(match.negated, (p) => {
          const { sport, dport } = p.flow;
          if (match.kind === 'sport') return inRanges(sport) ? YES : NO;
          if (match.kind === 'dport') return inRanges(dport) ? YES : NO;
          return inRanges(sport) || inRanges(dport) ? YES : NO;
        });
      }
      case 'srcType':
      case 'dstType': {
        if (match.types.length !== 1 || match.types[0] !== 'LOCAL') return () => MAYBE;
        if (match.limit === 'in') return () => MAYBE;
        const field = match.kind === 'srcType' ? 'src' : 'dst';
        if (match.limit === 'out') {
          // LOCAL on the out interface only: the address is one of that interface's.
          const interfaces = this.node.addressInterfaces;
          return negate(match.negated, (p) => {
            const out = interfaces.get(p.flow.observed);
            if (out === undefined) return MAYBE;
            return interfaces.get(p.flow[field]) === out ? YES : NO;
          });
        }
        return negate(match.negated, (p) => this.isLocal(p.flow[field]));
      }
      case 'set':
        return negate(match.negated, this.setMatch(match.name, match.flags));
      case 'mark':
        return negate(match.negated, this.markMatch(match.value, match.mask));
      case 'ctstate': {
        // The nat table sees only a connection's first packet, after DNAT and before SNAT.
        const known = new Set(['NEW', 'DNAT', 'ESTABLISHED', 'RELATED', 'INVALID', 'SNAT']);
        if (!match.states.every((s) => known.has(s))) return () => MAYBE;
        const hit = match.states.some((s) => s === 'NEW' || s === 'DNAT');
        return negate(match.negated, () => (hit ? YES : NO));
      }
      case 'outInterface': {
        const name = match.name;
        const wildcard = name.endsWith('+');
        const prefix = name.slice(0, -1);
        return negate(match.negated, (p) => {
          const out = this.node.addressInterfaces.get(p.flow.observed);
          if (out === undefined) return MAYBE;
          return (wildcard ? out.startsWith(prefix) : out === name) ? YES : NO;
        });
      }
      case 'unknown':
        return () => MAYBE;
    }
  }

  private isLocal(ip: string): Tri {
    if (ip.startsWith('127.') || ip === '::1') return YES;
    return this.isNodeAddress(ip);
  }

  /**
   * Whether an address is the node's. Only the interfaces (`ip -j addr`) list them all; addresses
   * given by hand (`--node-ip`) may leave out a bridge's (cni0), so a miss there is no answer.
   */
  private isNodeAddress(ip: string): Tri {
    if (this.node.addresses.has(ip)) return YES;
    return this.node.addressInterfaces.size > 0 ? NO : MAYBE;
  }

  private markMatch(value: number, mask: number): CompiledMatch {
    const bit = this.mask;
    // Only kube-proxy's own bit is known (set by its rules or known clear); other marks are not.
    if (bit === null || mask !== bit || (value !== 0 && value !== bit)) return () => MAYBE;
    return (p) => (p.marked === null ? MAYBE : p.marked === (value === bit) ? YES : NO);
  }

  private markUpdate(change: {
    value: number;
    mask: number;
  }): (marked: boolean | null) => boolean | null {
    const bit = this.mask;
    if (bit === null) return () => null;
    const cleared = (change.mask & bit) !== 0;
    const flipped = (change.value & bit) !== 0;
    return (marked) => {
      if (cleared) return flipped;
      if (!flipped) return marked;
      return marked === null ? null : !marked;
    };
  }

  private setMatch(name: string, flags: readonly string[]): CompiledMatch {
    const set = this.sets?.get(name);
    if (set === undefined) return () => MAYBE;
    const dimensions = set.type.slice(set.type.indexOf(':') + 1).split(',');
    if (dimensions.length !== flags.length) return () => MAYBE;
    // The packet's value for each dimension, in the member format `ip,proto:port,ip`.
    const parts = dimensions.map((dimension, index) => {
      const src = flags[index] === 'src';
      if (dimension === 'port') {
        return (flow: SnatFlow): string => `${flow.protocol}:${src ? flow.sport : flow.dport}`;
      }
      return (flow: SnatFlow): string => canonicalIp(src ? flow.src : flow.dst);
    });
    const key = (flow: SnatFlow): string => parts.map((part) => part(flow)).join(',');
    const exact =
      dimensions.every((d) => d === 'ip' || d === 'port') &&
      (!dimensions.includes('port') || set.entries.every((entry) => entry.protocol !== null));
    if (exact) {
      // Exact members (kube-proxy's KUBE-LOOP-BACK holds one per local endpoint): one lookup.
      const members = new Set(set.entries.map((entry) => memberKey(dimensions, entry)));
      return (p) => (members.has(key(p.flow)) ? YES : NO);
    }
    // Sets of networks (a CNI's pools) are short: test each member.
    const entries = set.entries.map((entry) => ({
      ip: entry.ip === null ? null : cidrTest(entry.ip),
      extra: entry.extra === null ? null : cidrTest(entry.extra),
      protocol: entry.protocol,
      port: entry.port,
    }));
    return (p) => {
      const { flow } = p;
      const found = entries.some((entry) => {
        let addressIndex = 0;
        return dimensions.every((dimension, index) => {
          const src = flags[index] === 'src';
          if (dimension === 'port') {
            if (entry.protocol !== null && entry.protocol !== flow.protocol) return false;
            return entry.port === (src ? flow.sport : flow.dport);
          }
          if (dimension === 'ip' || dimension === 'net') {
            const test = addressIndex++ === 0 ? entry.ip : entry.extra;
            return test !== null && test(src ? flow.src : flow.dst);
          }
          return false;
        });
      });
      return found ? YES : NO;
    };
  }

  private consistency(rule: NatRule): (flow: SnatFlow) => Tri {
    if (rule.target === 'MASQUERADE') {
      // MASQUERADE takes an address of the outgoing interface: one of the node's.
      return (flow) => this.isNodeAddress(flow.observed);
    }
    const ranges = rule.toSource.map(parseToSource);
    if (ranges.length === 0 || ranges.some((r) => r === null)) return () => MAYBE;
    return (flow) => (ranges.some((r) => r?.(flow.observed) === true) ? YES : NO);
  }
}

/** A member of an exact set in the packet key's format (`10.244.1.20,tcp:8443,10.244.1.20`). */
function memberKey(dimensions: readonly string[], entry: IpsetEntry): string {
  let addressIndex = 0;
  return dimensions
    .map((dimension) => {
      if (dimension === 'port') return `${entry.protocol ?? ''}:${entry.port ?? ''}`;
      return (addressIndex++ === 0 ? entry.ip : entry.extra) ?? '';
    })
    .join(',');
}

function negate(negated: boolean, test: CompiledMatch): CompiledMatch {
  return negated ? (p) => not(test(p)) : test;
}

const PROTOCOL_NAMES: Readonly<Record<string, string>> = {
  '0': 'all',
  '6': 'tcp',
  '17': 'udp',
  '132': 'sctp',
};

/** A test for "address inside this CIDR (or equal to this address)"; null when malformed. */
function cidrTest(text: string): ((ip: string) => boolean) | null {
  const cidr = parseCidr(text);
  if (cidr === null) return null;
  if (cidr.family === 'ipv4') {
    // Integer arithmetic: this runs for every SNATed connection, ipaddr.js parsing would dominate.
    const mask = cidr.prefixLength === 0 ? 0 : (0xffffffff << (32 - cidr.prefixLength)) >>> 0;
    const network = ipv4Number(cidr.network);
    return (ip) => {
      const value = ipv4Number(ip);
      return value !== null && (value & mask) >>> 0 === network;
    };
  }
  const network = ipaddr.parse(cidr.network);
  return (ip) => {
    if (!ip.includes(':') || !ipaddr.isValid(ip)) return false;
    const address = ipaddr.parse(ip);
    return address.kind() === network.kind() && address.match(network, cidr.prefixLength);
  };
}

/** `--to-source a[-b][:ports]` (IPv6 `[a]-[b]:ports`) as an address-range test. */
function parseToSource(text: string): ((ip: string) => boolean) | null {
  let addresses = text;
  if (text.startsWith('[')) {
    addresses = text.replace(/\]:[\d-]+$/, ']').replace(/[[\]]/g, '');
  } else if (!text.includes('::') && (text.match(/:/g) ?? []).length === 1) {
    addresses = text.slice(0, text.indexOf(':'));
  }
  const [low, high = low] = addresses.split('-');
  if (low === undefined || high === undefined) return null;
  if (!ipaddr.isValid(low) || !ipaddr.isValid(high)) return null;
  const v6 = low.includes(':');
  if (!v6) {
    const first = ipv4Number(low) ?? 0;
    const last = ipv4Number(high) ?? 0;
    return (ip) => {
      const value = ipv4Number(ip);
      return value !== null && value >= first && value <= last;
    };
  }
  const from = addressValue(low);
  const to = addressValue(high);
  return (ip) => {
    if (ip.includes(':') !== v6 || !ipaddr.isValid(ip)) return false;
    const value = addressValue(ip);
    return value >= from && value <= to;
  };
}

function addressValue(ip: string): bigint {
  return ipaddr
    .parse(ip)
    .toByteArray()
    .reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
}
