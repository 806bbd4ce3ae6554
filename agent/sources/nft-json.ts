// Pure parser for `nft -j list table ip kube-proxy` (and `ip6`, and `nft -j list ruleset`, of which
// only kube-proxy's tables are kept) into typed records (FORMATS.md §3.3). The JSON schema is
// libnftables' (`man libnftables-json`): one array of single-key objects (metainfo, table, chain,
// rule, set, map, …), each rule a list of single-key statements. Statement and expression kinds
// this parser does not know are kept as they are: nft grows new ones, and the model only needs a few.

/** Any JSON value, as `JSON.parse` returns it. */
export type NftJson = null | boolean | number | string | NftJson[] | { [key: string]: NftJson };

/** A JSON object. */
export type NftJsonObject = { [key: string]: NftJson };

/** Packet and byte counters (a `counter` statement, or a set element's counter). */
export interface NftCounters {
  packets: number;
  bytes: number;
}

/** The `metainfo` object nft puts first: which nft and which JSON schema wrote the document. */
export interface NftMetainfo {
  version: string | null;
  releaseName: string | null;
  jsonSchemaVersion: number | null;
}

/** A table: `ip kube-proxy`, `ip6 kube-proxy`. */
export interface NftTable {
  family: string;
  name: string;
  handle: number | null;
  comment: string | null;
}

/** A chain; base chains (hooked into netfilter) carry type, hook, priority and policy. */
export interface NftChain {
  family: string;
  table: string;
  name: string;
  handle: number | null;
  /** `filter`, `nat`, `route` for base chains; null for regular chains. */
  type: string | null;
  /** `prerouting`, `input`, `forward`, `output`, `postrouting`; null for regular chains. */
  hook: string | null;
  /** Numeric priority as nft -j prints it (a number, or a name in some releases). */
  priority: number | string | null;
  policy: string | null;
  comment: string | null;
}

/** A verdict: `accept`, `drop`, `continue`, `return`, or `jump`/`goto` with a target chain. */
export interface NftVerdict {
  kind: 'accept' | 'drop' | 'continue' | 'return' | 'jump' | 'goto' | 'queue';
  /** The chain of `jump`/`goto`; null for the others. */
  target: string | null;
}

/** One element of a vmap given inline in a rule (`numgen random mod 2 vmap { 0 : goto … }`). */
export interface NftInlineMapEntry {
  key: NftJson;
  verdict: NftVerdict | null;
  /** The value when it is not a verdict. */
  value: NftJson;
}

/** A rule statement, typed for the kinds the kube-proxy model reads; others kept as `other`. */
export type NftStatement =
  | { kind: 'match'; op: string; left: NftJson; right: NftJson }
  | { kind: 'verdict'; verdict: NftVerdict }
  | {
      kind: 'vmap';
      key: NftJson;
      /** `@name` of a named map, without the `@`; null when the map is inline. */
      map: string | null;
      /** The elements of an inline map; empty for a named one. */
      entries: NftInlineMapEntry[];
    }
  | { kind: 'mangle'; key: NftJson; value: NftJson }
  | {
      kind: 'nat';
      type: 'dnat' | 'snat' | 'masquerade' | 'redirect';
      /** Target address (`dnat to 10.180.0.3:80` → "10.180.0.3"); null when not given or not a literal. */
      addr: string | null;
      /** Target port when a single literal port. */
      port: number | null;
      /** `family` of inet-table NAT statements. */
      family: string | null;
      /** `fully-random`, `random`, `persistent`. */
      flags: string[];
    }
  | { kind: 'counter'; counters: NftCounters | null }
  | { kind: 'reject'; type: string | null; expr: string | null }
  | { kind: 'other'; name: string; body: NftJson };

/** A rule, with its statements in order. */
export interface NftRule {
  family: string;
  table: string;
  chain: string;
  handle: number | null;
  comment: string | null;
  statements: NftStatement[];
  /** From the rule's `counter` statement, when it has one. */
  counters: NftCounters | null;
}

/** One element of a named set or map. */
export interface NftSetElement {
  /** The key with any `{"elem": …}` wrapper removed. */
  key: NftJson;
  /** The key's parts: the items of a `concat`, or the key alone. */
  keyParts: NftJson[];
  /** For maps: the value (a verdict for verdict maps); null for sets. */
  value: NftJson;
  /** The value read as a verdict, when it is one. */
  verdict: NftVerdict | null;
  comment: string | null;
  counters: NftCounters | null;
}

/** A named set or map. */
export interface NftSet {
  kind: 'set' | 'map';
  family: string;
  table: string;
  name: string;
  handle: number | null;
  /** The key type split at concatenations: `["ipv4_addr", "inet_proto", "inet_service"]`. */
  keyType: string[];
  /** For maps: the value type (`verdict`, …); null for sets. */
  valueType: string | null;
  comment: string | null;
  flags: string[];
  elements: NftSetElement[];
}

/** Everything the parser kept from one or more documents. */
export interface NftDocument {
  metainfo: NftMetainfo | null;
  tables: NftTable[];
  chains: NftChain[];
  rules: NftRule[];
  sets: NftSet[];
  /** Objects of a kept table of kinds the parser does not model (flowtable, counter, ct helper…). */
  others: { kind: string; body: NftJson }[];
}

/** How to read a document. */
export interface NftParseOptions {
  /** The table name to keep, in every family (kube-proxy's default). */
  tableName?: string;
}

/** A document (or part of one) that is not the JSON nft writes; says where and why. */
export class NftJsonParseError extends Error {
  /** Line of the input, when known (JSON syntax errors; the element's document otherwise). */
  readonly lineNumber: number | null;

  constructor(
    readonly source: string,
    /** Where in the document: `nftables[12].rule.expr[0]`, or `$` for the whole input. */
    readonly path: string,
    /** The offending JSON (or text), shortened. */
    readonly text: string,
    readonly reason: string,
    lineNumber: number | null = null,
  ) {
    super(`${source}${lineNumber === null ? '' : `:${lineNumber}`}: ${path}: ${reason}: ${text}`);
    this.name = new.target.name;
    this.lineNumber = lineNumber;
  }
}

const MAX_SNIPPET = 200;

const VERDICT_KINDS: ReadonlySet<string> = new Set([
  'accept',
  'drop',
  'continue',
  'return',
  'jump',
  'goto',
  'queue',
]);

const MODELLED_KINDS: ReadonlySet<string> = new Set(['table', 'chain', 'rule', 'set', 'map']);

const NAT_KINDS: ReadonlySet<string> = new Set(['dnat', 'snat', 'masquerade', 'redirect']);

/**
 * Parses nft JSON output. The input is one document, or several written one after the other on
 * their own lines (`nft -j list table ip kube-proxy; nft -j list table ip6 kube-proxy`, as a
 * support bundle may hold them). Only tables named `tableName` (default `kube-proxy`) are kept.
 * Throws NftJsonParseError on anything that is not nft's JSON.
 */
export function parseNftJson(
  text: string,
  source: string,
  options: NftParseOptions = {},
): NftDocument {
  const tableName = options.tableName ?? 'kube-proxy';
  const doc: NftDocument = {
    metainfo: null,
    tables: [],
    chains: [],
    rules: [],
    sets: [],
    others: [],
  };
  for (const { value, lineNumber } of readDocuments(text, source)) {
    readDocument(value, new Reader(source, lineNumber), tableName, doc);
  }
  return doc;
}

/** Joins documents parsed separately (an IPv4 and an IPv6 dump) into one. */
export function mergeNftDocuments(docs: readonly NftDocument[]): NftDocument {
  return {
    metainfo: docs.find((d) => d.metainfo !== null)?.metainfo ?? null,
    tables: docs.flatMap((d) => d.tables),
    chains: docs.flatMap((d) => d.chains),
    rules: docs.flatMap((d) => d.rules),
    sets: docs.flatMap((d) => d.sets),
    others: docs.flatMap((d) => d.others),
  };
}

/** Reads a verdict object (`{"goto": {"target": "x"}}`, `{"drop": null}`); null when it is none. */
export function readVerdict(value: NftJson): NftVerdict | null {
  if (!isObject(value)) return null;
  const keys = Object.keys(value);
  const kind = keys[0];
  if (keys.length !== 1 || kind === undefined || !VERDICT_KINDS.has(kind)) return null;
  const body = value[kind];
  if (kind === 'jump' || kind === 'goto') {
    const target = isObject(body) ? body.target : undefined;
    return typeof target === 'string' ? { kind, target } : null;
  }
  return { kind: kind as NftVerdict['kind'], target: null };
}

/** Reads a JSON value as an object, or null. */
export function isObject(value: NftJson | undefined): value is NftJsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readDocuments(text: string, source: string): { value: NftJson; lineNumber: number }[] {
  try {
    return [{ value: JSON.parse(text) as NftJson, lineNumber: 1 }];
  } catch (error) {
    // nft -j writes each document on one line; several documents are several lines.
    const lines = text.split('\n');
    const documents: { value: NftJson; lineNumber: number }[] = [];
    let allParsed = lines.some((line) => line.trim() !== '');
    for (let i = 0; i < lines.length && allParsed; i++) {
      const line = lines[i] ?? '';
      if (line.trim() === '') continue;
      try {
        documents.push({ value: JSON.parse(line) as NftJson, lineNumber: i + 1 });
      } catch {
        allParsed = false;
      }
    }
    if (allParsed && documents.length > 1) return documents;
    throw syntaxError(error, text, source);
  }
}

/** The JSON syntax error with the line it is on, when the engine says where. */
function syntaxError(error: unknown, text: string, source: string): NftJsonParseError {
  const message = error instanceof Error ? error.message : String(error);
  const position = /position (\d+)/.exec(message);
  if (position?.[1] !== undefined) {
    const offset = Math.min(Number(position[1]), text.length);
    const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    const lineNumber = text.slice(0, lineStart).split('\n').length;
    const snippet = text.slice(Math.max(lineStart, offset - 40), offset + 40);
    return new NftJsonParseError(
      source,
      '$',
      JSON.stringify(snippet),
      `invalid JSON (${message})`,
      lineNumber,
    );
  }
  return new NftJsonParseError(
    source,
    '$',
    JSON.stringify(text.slice(0, 80)),
    `invalid JSON (${message})`,
  );
}

/** Raises errors that name the source, the document line and the JSON path. */
class Reader {
  constructor(
    readonly source: string,
    readonly lineNumber: number,
  ) {}

  fail(path: string, value: NftJson | undefined, reason: string): never {
    throw new NftJsonParseError(this.source, path, snippet(value), reason, this.lineNumber);
  }

  object(value: NftJson | undefined, path: string): NftJsonObject {
    if (!isObject(value)) this.fail(path, value, 'expected an object');
    return value;
  }

  array(value: NftJson | undefined, path: string): NftJson[] {
    if (!Array.isArray(value)) this.fail(path, value, 'expected an array');
    return value;
  }

  string(value: NftJson | undefined, path: string): string {
    if (typeof value !== 'string') this.fail(path, value, 'expected a string');
    return value;
  }

  optionalString(value: NftJson | undefined, path: string): string | null {
    return value === undefined || value === null ? null : this.string(value, path);
  }

  optionalCount(value: NftJson | undefined, path: string): number | null {
    if (value === undefined || value === null) return null;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
      this.fail(path, value, 'expected a non-negative integer');
    }
    return value;
  }

  /** A single-key object (nft's shape for every entry, statement and verdict). */
  single(value: NftJson | undefined, path: string): [string, NftJson] {
    const object = this.object(value, path);
    const entries = Object.entries(object);
    const first = entries[0];
    if (entries.length !== 1 || first === undefined) {
      this.fail(path, value, `expected an object with one key, got ${entries.length}`);
    }
    return first;
  }

  counters(value: NftJson | undefined, path: string): NftCounters | null {
    if (value === undefined || value === null) return null;
    const object = this.object(value, path);
    const packets = this.optionalCount(object.packets, `${path}.packets`);
    const bytes = this.optionalCount(object.bytes, `${path}.bytes`);
    // A named counter reference (`counter name "x"`) has no numbers of its own.
    return packets === null || bytes === null ? null : { packets, bytes };
  }
}

function snippet(value: NftJson | undefined): string {
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET)}…` : text;
}

function readDocument(value: NftJson, r: Reader, tableName: string, doc: NftDocument): void {
  const root = r.object(value, '$');
  const entries = r.array(root.nftables, '$.nftables');
  for (let i = 0; i < entries.length; i++) {
    const path = `nftables[${i}]`;
    const [kind, body] = r.single(entries[i], path);
    const where = `${path}.${kind}`;
    if (kind === 'metainfo') {
      const meta = r.object(body, where);
      doc.metainfo ??= {
        version: typeof meta.version === 'string' ? meta.version : null,
        releaseName: typeof meta.release_name === 'string' ? meta.release_name : null,
        jsonSchemaVersion:
          typeof meta.json_schema_version === 'number' ? meta.json_schema_version : null,
      };
      continue;
    }
    if (!MODELLED_KINDS.has(kind)) {
      // Kinds nft may add later need no particular shape; keep those that belong to the table.
      if (isObject(body) && body.table === tableName) doc.others.push({ kind, body });
      continue;
    }
    const object = r.object(body, where);
    const family = r.string(object.family, `${where}.family`);
    // A table names itself in `name`; everything else names its table in `table`.
    const table = r.string(kind === 'table' ? object.name : object.table, `${where}.table`);
    if (table !== tableName) continue;
    switch (kind) {
      case 'table':
        doc.tables.push({
          family,
          name: table,
          handle: r.optionalCount(object.handle, `${where}.handle`),
          comment: r.optionalString(object.comment, `${where}.comment`),
        });
        break;
      case 'chain':
        doc.chains.push(readChain(object, family, table, where, r));
        break;
      case 'rule':
        doc.rules.push(readRule(object, family, table, where, r));
        break;
      case 'set':
      case 'map':
        doc.sets.push(readSet(kind, object, family, table, where, r));
        break;
    }
  }
}

function readChain(
  object: NftJsonObject,
  family: string,
  table: string,
  where: string,
  r: Reader,
): NftChain {
  const prio = object.prio;
  let priority: number | string | null = null;
  if (typeof prio === 'number' || typeof prio === 'string') priority = prio;
  else if (prio !== undefined && prio !== null)
    r.fail(`${where}.prio`, prio, 'expected a priority');
  return {
    family,
    table,
    name: r.string(object.name, `${where}.name`),
    handle: r.optionalCount(object.handle, `${where}.handle`),
    type: r.optionalString(object.type, `${where}.type`),
    hook: r.optionalString(object.hook, `${where}.hook`),
    priority,
    policy: r.optionalString(object.policy, `${where}.policy`),
    comment: r.optionalString(object.comment, `${where}.comment`),
  };
}

function readRule(
  object: NftJsonObject,
  family: string,
  table: string,
  where: string,
  r: Reader,
): NftRule {
  const expr = r.array(object.expr, `${where}.expr`);
  const statements = expr.map((statement, i) => readStatement(statement, `${where}.expr[${i}]`, r));
  let counters: NftCounters | null = null;
  for (const statement of statements) {
    if (statement.kind === 'counter' && statement.counters !== null) {
      counters = statement.counters;
      break;
    }
  }
  return {
    family,
    table,
    chain: r.string(object.chain, `${where}.chain`),
    handle: r.optionalCount(object.handle, `${where}.handle`),
    comment: r.optionalString(object.comment, `${where}.comment`),
    statements,
    counters,
  };
}

function readStatement(value: NftJson | undefined, path: string, r: Reader): NftStatement {
  const [name, body] = r.single(value, path);
  const where = `${path}.${name}`;
  if (name === 'match') {
    const match = r.object(body, where);
    if (!('left' in match) || !('right' in match)) {
      r.fail(where, body, 'match without left or right');
    }
    return {
      kind: 'match',
      op: r.optionalString(match.op, `${where}.op`) ?? '==',
      left: match.left ?? null,
      right: match.right ?? null,
    };
  }
  if (VERDICT_KINDS.has(name)) {
    const verdict = readVerdict({ [name]: body });
    if (verdict === null) r.fail(where, body, 'jump/goto without a target chain');
    return { kind: 'verdict', verdict };
  }
  if (name === 'vmap') {
    const vmap = r.object(body, where);
    const data = vmap.data;
    if (typeof data === 'string') {
      if (!data.startsWith('@')) r.fail(`${where}.data`, data, 'expected @map or an inline map');
      return { kind: 'vmap', key: vmap.key ?? null, map: data.slice(1), entries: [] };
    }
    const set = r.object(data, `${where}.data`).set;
    const entries = r.array(set, `${where}.data.set`).map((pair, i) => {
      const [key, entryValue] = readPair(pair, `${where}.data.set[${i}]`, r);
      return { key, value: entryValue, verdict: readVerdict(entryValue) };
    });
    return { kind: 'vmap', key: vmap.key ?? null, map: null, entries };
  }
  if (name === 'mangle') {
    const mangle = r.object(body, where);
    return { kind: 'mangle', key: mangle.key ?? null, value: mangle.value ?? null };
  }
  if (NAT_KINDS.has(name)) {
    // `masquerade` with no options is `{"masquerade": null}`.
    const nat = body === null ? {} : r.object(body, where);
    const flags = nat.flags;
    return {
      kind: 'nat',
      type: name as 'dnat' | 'snat' | 'masquerade' | 'redirect',
      addr: typeof nat.addr === 'string' ? nat.addr : null,
      port: typeof nat.port === 'number' ? nat.port : null,
      family: typeof nat.family === 'string' ? nat.family : null,
      flags:
        typeof flags === 'string'
          ? [flags]
          : Array.isArray(flags)
            ? flags.filter((f): f is string => typeof f === 'string')
            : [],
    };
  }
  if (name === 'counter') {
    // `{"counter": null}` in rules listed without stateful information (`nft -s`).
    return { kind: 'counter', counters: r.counters(body, where) };
  }
  if (name === 'reject') {
    const reject = body === null ? {} : r.object(body, where);
    return {
      kind: 'reject',
      type: typeof reject.type === 'string' ? reject.type : null,
      expr: typeof reject.expr === 'string' ? reject.expr : null,
    };
  }
  return { kind: 'other', name, body };
}

/** A map element `[key, value]`. */
function readPair(value: NftJson | undefined, path: string, r: Reader): [NftJson, NftJson] {
  const pair = r.array(value, path);
  if (pair.length !== 2) r.fail(path, value, `expected [key, value], got ${pair.length} items`);
  return [pair[0] ?? null, pair[1] ?? null];
}

function readSet(
  kind: 'set' | 'map',
  object: NftJsonObject,
  family: string,
  table: string,
  where: string,
  r: Reader,
): NftSet {
  const type = object.type;
  let keyType: string[];
  if (typeof type === 'string') keyType = [type];
  else if (Array.isArray(type)) keyType = type.map((t, i) => r.string(t, `${where}.type[${i}]`));
  // `typeof` keys (`type: {"typeof": …}`) are valid; their type names are unknown here.
  else keyType = [];
  const flags = object.flags;
  const elements: NftSetElement[] = [];
  const elem = object.elem;
  if (elem !== undefined && elem !== null) {
    const list = r.array(elem, `${where}.elem`);
    for (let i = 0; i < list.length; i++) {
      const path = `${where}.elem[${i}]`;
      const item = list[i] ?? null;
      if (kind === 'map') {
        const [key, value] = readPair(item, path, r);
        elements.push({ ...readElementKey(key, path, r), value, verdict: readVerdict(value) });
      } else {
        elements.push({ ...readElementKey(item, path, r), value: null, verdict: null });
      }
    }
  }
  return {
    kind,
    family,
    table,
    name: r.string(object.name, `${where}.name`),
    handle: r.optionalCount(object.handle, `${where}.handle`),
    keyType,
    valueType: kind === 'map' && typeof object.map === 'string' ? object.map : null,
    comment: r.optionalString(object.comment, `${where}.comment`),
    flags:
      typeof flags === 'string'
        ? [flags]
        : Array.isArray(flags)
          ? flags.filter((f): f is string => typeof f === 'string')
          : [],
    elements,
  };
}

/** Unwraps `{"elem": {"val": …, "comment": …, "counter": …}}` and splits a concatenation. */
function readElementKey(
  value: NftJson,
  path: string,
  r: Reader,
): Pick<NftSetElement, 'key' | 'keyParts' | 'comment' | 'counters'> {
  let key = value;
  let comment: string | null = null;
  let counters: NftCounters | null = null;
  if (isObject(value) && 'elem' in value) {
    const elem = r.object(value.elem, `${path}.elem`);
    if (!('val' in elem)) r.fail(`${path}.elem`, value.elem, 'element without val');
    key = elem.val ?? null;
    comment = r.optionalString(elem.comment, `${path}.elem.comment`);
    counters = r.counters(elem.counter, `${path}.elem.counter`);
  }
  const concat = isObject(key) ? key.concat : undefined;
  const keyParts = Array.isArray(concat) ? concat : [key];
  return { key, keyParts, comment, counters };
}
