// FlowStore on ClickHouse (the official @clickhouse/client over HTTP): the scale-out store that
// several collectors share.
//
// Rows are versions, merged when read. An agent reports a connection several times (open, then a
// closed record carrying only the identity, maybe a reconciliation resend), and stitching adds
// the backend node and socket later from another node's stream (a link). ClickHouse cannot
// update a row cheaply and a read-modify-write per record would cost a random lookup each, so
// every record and every link is one inserted row and queries merge a connection's rows with
// the same rules the SQLite store applies on update (first record's fields, the newest record's
// state and counters, the last known nodes and socket, min/max times). The table is a
// ReplacingMergeTree keyed by (connection, row kind, observed time): a replayed batch, or the
// same batch written by two collectors, collapses in background merges and, until then, merges
// to the same answer (every merge rule is idempotent). FINAL alone cannot merge partial rows, so
// reads group by the connection (argMin/argMax); measured in bench/clickhouse.bench.ts.
//
// ORDER BY starts with the connection's source IP as 16 bytes (IPv4 as v4-mapped, as Akvorado
// stores addresses; Theia keeps strings): `flows --client` is a primary-key range. Names are
// LowCardinality. PARTITION BY day: prune drops whole days where it can and deletes the rest by
// a mutation. Ingest progress (node, boot id, sequence) lives in the store too, so any collector
// dedupes any agent's replay.
//
// Versions: verified here on Debian's clickhouse-server 18.16.1 — LowCardinality (with
// allow_experimental_low_cardinality_type=1, sent only where the server still has that setting),
// ReplacingMergeTree, PARTITION BY, ALTER … DROP PARTITION, ALTER … DELETE (mutations, polled in
// system.mutations), RowBinary insert, TabSeparated results, argMinIf/argMaxIf with tuple
// versions, Distributed tables over two local servers (no ZooKeeper) with GLOBAL IN, and the
// ALL INNER JOIN … USING of stitchAcross. 18.16 has no IPv6 type (FixedString(16) here, which is IPv6's storage anyway), no
// TTL, no data-skipping indexes and no query parameters (values are escaped by clickhouse-sql.ts,
// floats passed as their bits). On servers ≥ 20.3 the DDL adds TTL with ttl_only_drop_parts and
// bloom-filter skip indexes for service and node lookups: that path is not verified here.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import { ClickHouseLogLevel, createClient, type ClickHouseClient } from '@clickhouse/client';
import ipaddr from 'ipaddr.js';
import { canonicalIp, clientIpForms } from '../common/cidr.js';
import { cyrb53Halves } from '../common/hash.js';
import { connectionEnds, storedIdentityText } from '../proto/identity.js';
import { v1 } from '../proto/index.js';
import {
  RowBinaryWriter,
  parseTsv,
  sqlBytes,
  sqlFloat,
  sqlString,
  sqlUInt,
} from './clickhouse-sql.js';
import {
  StoreError,
  type BackendLink,
  type FlowCursor,
  type FlowFilter,
  type FlowPage,
  type FlowStore,
  type StoreBatch,
  type StoreErrorCode,
  type WriteOutcome,
} from './store.js';

/** Where the store lives and how to log in; the password never comes from a command line. */
export interface ClickHouseStoreOptions {
  /** HTTP(S) URL of a server, e.g. http://clickhouse:8123 */
  url: string;
  /** Database (created when missing); letters, digits and _ only. */
  database: string;
  /** Default: the CLICKHOUSE_USER environment variable, else "default". */
  username?: string;
  /** A file holding the password (first line). Default: CLICKHOUSE_PASSWORD from the environment. */
  passwordFile?: string;
  /** With TTL support (≥ 20.3), whole days older than this are dropped by the server as well. */
  retentionDays?: number;
  /** Rows per page of flowsSince. */
  scanPageRows?: number;
  /** How long prune waits for a mutation to finish. */
  mutationTimeoutMs?: number;
  /** How long one request may take (an insert, a query, a step of prune). */
  requestTimeoutMs?: number;
  /**
   * A cluster of remote_servers whose every shard holds this database: writes go to this
   * server's own tables, reads (queries, progress, service states, counts) through Distributed
   * tables over all shards, so any collector sees every shard's rows and sequences.
   */
  cluster?: string;
}

/** What a store operation failed at (the store boundary's codes). */
export type ClickHouseStoreErrorCode = StoreErrorCode;

/** A ClickHouse store failure; the message names the server and database. */
export class ClickHouseStoreError extends StoreError {}

/** What the connected server can do, read once at open. */
export interface ServerFeatures {
  version: string;
  /** 18.x needs allow_experimental_low_cardinality_type=1 to create LowCardinality columns. */
  lowCardinalitySetting: boolean;
  /** TTL with ttl_only_drop_parts and bloom_filter skip indexes (≥ 20.3; not verified here). */
  modern: boolean;
}

/** The schema this code writes; bump with a migration when it changes. */
export const CLICKHOUSE_SCHEMA_VERSION = 1;

const RECORD = 0;
const LINK = 1;
const FLOW = v1.FlowRecord.Kind.flow;
const ZERO_IP = new Uint8Array(16);
/** The five addresses of a row, as bits of ip_flags: written as IPv4 (low byte), kept as text (high). */
const IP_FIELDS = ['client', 'entry', 'backend', 'source', 'socket'] as const;
type IpField = (typeof IP_FIELDS)[number];
const V4_BIT = (field: IpField): number => 1 << IP_FIELDS.indexOf(field);
const TEXT_BIT = (field: IpField): number => 0x100 << IP_FIELDS.indexOf(field);

/** An address as 16 bytes and how to give the same text back. */
interface EncodedIp {
  bytes: Uint8Array;
  v4: boolean;
  /** The text, when formatting the bytes would not reproduce it (not an address, not canonical). */
  text: string | null;
}

/** 16 bytes for an address (IPv4 as ::ffff:a.b.c.d); odd texts keep their text beside zeros. */
export function encodeIp(text: string): EncodedIp {
  const known = ipCache.get(text);
  if (known !== undefined) return known;
  const encoded = encodeIpUncached(text);
  // The same few thousand addresses (nodes, pods, busy clients) come again and again.
  if (ipCache.size >= IP_CACHE_SIZE) ipCache.clear();
  ipCache.set(text, encoded);
  return encoded;
}

const IP_CACHE_SIZE = 65_536;
const ipCache = new Map<string, EncodedIp>();
const DOTTED = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function encodeIpUncached(text: string): EncodedIp {
  const dotted = DOTTED.exec(text);
  if (dotted !== null) {
    const octets = dotted.slice(1).map(Number);
    // Canonical dotted quads only (no leading zeros, each ≤ 255): they read back identically.
    if (octets.every((o) => o <= 255) && octets.join('.') === text) {
      const bytes = new Uint8Array(16);
      bytes[10] = 0xff;
      bytes[11] = 0xff;
      bytes.set(octets, 12);
      return { bytes, v4: true, text: null };
    }
  }
  if (isIP(text) === 6 && !text.includes('%')) {
    const bytes = Uint8Array.from(ipaddr.IPv6.parse(text).toByteArray());
    return { bytes, v4: false, text: formatIp(bytes, false) === text ? null : text };
  }
  return { bytes: ZERO_IP, v4: false, text };
}

/** The text of 16 stored bytes: dotted IPv4 when written so, else RFC 5952 (mapped with a dotted tail). */
export function formatIp(bytes: Uint8Array, v4: boolean): string {
  const address = ipaddr.fromByteArray(Array.from(bytes));
  if (v4 && address.kind() === 'ipv6') {
    const v6 = address as ipaddr.IPv6;
    if (v6.isIPv4MappedAddress()) return v6.toIPv4Address().toString();
  }
  return canonicalIp(address.toString());
}

// ---- schema ----
/** One column of the flows table: its type and how a query merges a connection's rows. */
interface Column {
  name: string;
  type: string;
  merge: string | null;
}
const LC = (type: string): string => `LowCardinality(${type})`;
// Merge rules, the SQLite store's update() as aggregates over a connection's rows:
const first = (c: string): string => `argMinIf(${c}, version, row_kind = ${RECORD})`;
const newest = (c: string, also = ''): string =>
  `argMaxIf(${c}, (observed_at, version), row_kind = ${RECORD}${also})`;
const lastKnown = (c: string, known = `isNotNull(${c})`): string =>
  `argMaxIf(${c}, version, ${known})`;
/** An address column (16 bytes, NULL when the record had no such message) and its port. */
const hostPort = (field: IpField, merge: (c: string) => string): Column[] => [
  { name: `${field}_ip`, type: 'Nullable(FixedString(16))', merge: merge(`${field}_ip`) },
  { name: `${field}_port`, type: 'UInt16', merge: merge(`${field}_port`) },
];
/** Every column, in insert order: the table's one declaration (DDL, insert, read). */
const COLUMNS: readonly Column[] = [
  { name: 'day', type: 'Date', merge: null },
  { name: 'key_ip', type: 'FixedString(16)', merge: null },
  { name: 'ident', type: 'UInt64', merge: null },
  { name: 'row_kind', type: 'UInt8', merge: null },
  { name: 'observed_at', type: 'Float64', merge: `minIf(observed_at, row_kind = ${RECORD})` },
  { name: 'version', type: 'UInt64', merge: null },
  { name: 'kind', type: 'Int32', merge: first('kind') },
  { name: 'node', type: LC('String'), merge: first('node') },
  { name: 'protocol', type: LC('String'), merge: first('protocol') },
  { name: 'conntrack_id', type: 'UInt32', merge: first('conntrack_id') },
  ...hostPort('client', first),
  ...hostPort('entry', first),
  ...hostPort('backend', first),
  ...hostPort('source', first),
  { name: 'ip_flags', type: 'UInt16', merge: first('ip_flags') },
  { name: 'ip_text', type: 'String', merge: first('ip_text') },
  { name: 'entry_kind', type: 'Int32', merge: first('entry_kind') },
  { name: 'snat', type: 'UInt8', merge: first('snat') },
  { name: 'cause', type: 'Int32', merge: first('cause') },
  { name: 'service', type: LC('Nullable(String)'), merge: first('service') },
  { name: 'policy', type: 'Int32', merge: first('policy') },
  { name: 'proxy_mode', type: 'Int32', merge: first('proxy_mode') },
  { name: 'endpoint_local', type: 'Nullable(UInt8)', merge: lastKnown('endpoint_local') },
  { name: 'state', type: LC('String'), merge: newest('state') },
  { name: 'closed', type: 'UInt8', merge: 'max(closed)' },
  {
    name: 'orig_packets',
    type: 'Nullable(Float64)',
    merge: newest('orig_packets', ' AND isNotNull(orig_packets)'),
  },
  {
    name: 'orig_bytes',
    type: 'Float64',
    merge: newest('orig_bytes', ' AND isNotNull(orig_packets)'),
  },
  {
    name: 'reply_packets',
    type: 'Nullable(Float64)',
    merge: newest('reply_packets', ' AND isNotNull(reply_packets)'),
  },
  {
    name: 'reply_bytes',
    type: 'Float64',
    merge: newest('reply_bytes', ' AND isNotNull(reply_packets)'),
  },
  { name: 'zone', type: 'UInt32', merge: first('zone') },
  { name: 'mark', type: 'UInt32', merge: first('mark') },
  { name: 'entry_node', type: LC('Nullable(String)'), merge: lastKnown('entry_node') },
  { name: 'backend_node', type: LC('Nullable(String)'), merge: lastKnown('backend_node') },
  { name: 'snat_rule', type: LC('Nullable(String)'), merge: lastKnown('snat_rule') },
  { name: 'backend_pod', type: LC('Nullable(String)'), merge: lastKnown('backend_pod') },
  { name: 'client_node', type: LC('Nullable(String)'), merge: lastKnown('client_node') },
  ...hostPort('socket', (c) => lastKnown(c, 'isNotNull(socket_ip)')),
  { name: 'sample_rate', type: 'UInt32', merge: first('sample_rate') },
  { name: 'incarnation', type: 'UInt32', merge: first('incarnation') },
];
/** The socket's flags and text come from the row that brought the socket, not the first row. */
const SOCKET_FLAGS = lastKnown('ip_flags', 'isNotNull(socket_ip)');
const SOCKET_TEXT = lastKnown('ip_text', 'isNotNull(socket_ip)');

function flowsDdl(table: string, features: ServerFeatures, retentionDays: number | null): string {
  const columns = COLUMNS.map((c) => `  ${c.name} ${c.type}`);
  if (features.modern) {
    // Not verified here (18.16 has neither): skip indexes for the lookups not led by key_ip.
    columns.push(
      '  INDEX service_idx service TYPE bloom_filter GRANULARITY 4',
      '  INDEX entry_node_idx entry_node TYPE bloom_filter GRANULARITY 4',
      '  INDEX backend_node_idx backend_node TYPE bloom_filter GRANULARITY 4',
      '  INDEX client_idx client_ip TYPE bloom_filter GRANULARITY 4',
    );
  }
  const ttl =
    features.modern && retentionDays !== null
      ? `\nTTL day + INTERVAL ${sqlUInt(retentionDays)} DAY`
      : '';
  // Small granules: a client lookup reads a granule per part and day, of every column.
  const settings = ['index_granularity = 1024'];
  if (features.modern && retentionDays !== null) settings.push('ttl_only_drop_parts = 1');
  return `CREATE TABLE IF NOT EXISTS ${table} (
${columns.join(',\n')}
) ENGINE = ReplacingMergeTree(version)
PARTITION BY day
ORDER BY (key_ip, ident, row_kind, observed_at)${ttl}
SETTINGS ${settings.join(', ')}`;
}

/** Schema steps, by the version they create; each idempotent (IF NOT EXISTS). */
function migrations(
  db: string,
  features: ServerFeatures,
  retentionDays: number | null,
): Record<number, string[]> {
  return {
    1: [
      flowsDdl(`${db}.flows`, features, retentionDays),
      // The highest sequence per agent boot: any collector dedupes any agent's replay.
      `CREATE TABLE IF NOT EXISTS ${db}.ingest_progress (
  node String, boot_id String, sequence UInt64, written_at DateTime
) ENGINE = ReplacingMergeTree(sequence) ORDER BY (node, boot_id)`,
      // Each snapshot as a header row (position 0) and its states (base64 protobuf) under one version.
      `CREATE TABLE IF NOT EXISTS ${db}.service_states (
  node String, version UInt64, position UInt32, state String
) ENGINE = ReplacingMergeTree ORDER BY (node, version, position)`,
    ],
  };
}

// ---- rows ----
interface Identity {
  keyIp: Uint8Array;
  /** The 64-bit ident as its low and high 32 bits. */
  low: number;
  high: number;
}

/** The connection a record belongs to: its source address (sort key) and a 64-bit hash of the rest. */
function identityOf(record: v1.IFlowRecord): Identity {
  const [low, high] = cyrb53Halves(storedIdentityText(record));
  return { keyIp: encodeIp(connectionEnds(record).srcIp).bytes, low, high };
}

const DAY_S = 86_400;
// 2105-12-31: 18.16 cannot name partitions of later Dates (measured: a part of day 65535 is
// refused with "Partition value mismatch").
const LAST_DAY = 49_672;
function dayOf(at: number): number {
  return Math.min(LAST_DAY, Math.max(0, Math.floor(at / DAY_S)));
}

/** Writes one row of the flows table in COLUMNS order. */
class FlowRowWriter {
  readonly out = new RowBinaryWriter();
  rows = 0;

  record(record: v1.IFlowRecord, version: bigint): void {
    const at = record.observedAt ?? 0;
    const id = identityOf(record);
    this.head(at, id, RECORD, version);
    const w = this.out;
    w.int32(record.kind ?? FLOW);
    w.string(record.node ?? '');
    w.string(record.protocol ?? '');
    w.uint32(record.conntrackId ?? 0);
    let flags = 0;
    const texts: Partial<Record<IpField, string>> = {};
    const address = (field: IpField, value: v1.IHostPort | null | undefined): void => {
      if (w.present(value)) {
        const ip = encodeIp(value?.ip ?? '');
        w.fixed(ip.bytes);
        if (ip.v4) flags |= V4_BIT(field);
        if (ip.text !== null) {
          flags |= TEXT_BIT(field);
          texts[field] = ip.text;
        }
      }
      w.uint16(value?.port ?? 0);
    };
    address('client', record.client);
    address('entry', record.entry);
    address('backend', record.backend);
    address('source', record.observedSource);
    // The socket is encoded now (its bits share ip_flags/ip_text) but written at its column.
    const socket = record.socketObserved;
    if (socket) {
      const ip = encodeIp(socket.ip ?? '');
      if (ip.v4) flags |= V4_BIT('socket');
      if (ip.text !== null) {
        flags |= TEXT_BIT('socket');
        texts.socket = ip.text;
      }
    }
    w.uint16(flags);
    w.string(Object.keys(texts).length === 0 ? '' : JSON.stringify(texts));
    w.int32(record.entryKind ?? v1.FlowRecord.EntryKind.NodePort);
    w.uint8(record.snat === true ? 1 : 0);
    w.int32(record.cause ?? v1.FlowRecord.Cause.None);
    const service = record.service;
    if (w.present(service)) {
      w.string(
        `${service?.namespace ?? ''}\u0000${service?.name ?? ''}\u0000${service?.port ?? ''}`,
      );
    }
    w.int32(record.externalTrafficPolicy ?? v1.TrafficPolicy.Cluster);
    w.int32(record.proxyMode ?? v1.ProxyMode.iptables);
    if (w.present(record.endpointLocal)) w.uint8(record.endpointLocal === true ? 1 : 0);
    w.string(record.state ?? '');
    w.uint8(record.closed === true ? 1 : 0);
    for (const counters of [record.originalCounters, record.replyCounters]) {
      if (w.present(counters)) w.float64(counters?.packets ?? 0);
      w.float64(counters?.bytes ?? 0);
    }
    w.uint32(record.zone ?? 0);
    w.uint32(record.mark ?? 0);
    this.optionalString(record.entryNode);
    this.optionalString(record.backendNode);
    const rule = record.snatRule;
    this.optionalString(
      rule ? `${rule.table ?? ''}\u0000${rule.chain ?? ''}\u0000${rule.rule ?? ''}` : null,
    );
    const pod = record.backendPod;
    this.optionalString(pod ? `${pod.namespace ?? ''}/${pod.name ?? ''}` : null);
    this.optionalString(record.clientNode);
    if (w.present(socket)) w.fixed(encodeIp(socket?.ip ?? '').bytes);
    w.uint16(socket?.port ?? 0);
    w.uint32(record.sampleRate ?? 0);
    w.uint32(record.incarnation ?? 0);
    this.rows++;
  }

  /** A link row: the backend node (and socket) of a stored entry flow; everything else empty. */
  link(link: BackendLink, version: bigint): void {
    const entry = link.entry;
    const id = identityOf(entry);
    this.head(entry.observedAt ?? 0, id, LINK, version);
    const w = this.out;
    w.int32(entry.kind ?? FLOW);
    w.string(entry.node ?? '');
    w.string(entry.protocol ?? '');
    w.uint32(entry.conntrackId ?? 0);
    for (let i = 0; i < 4; i++) {
      w.present(null);
      w.uint16(0);
    }
    const socket = link.socketObserved?.ip ? link.socketObserved : null;
    const ip = socket === null ? null : encodeIp(socket.ip ?? '');
    w.uint16(
      (ip?.v4 === true ? V4_BIT('socket') : 0) | (ip?.text != null ? TEXT_BIT('socket') : 0),
    );
    w.string(ip?.text != null ? JSON.stringify({ socket: ip.text }) : '');
    w.int32(0); // entry_kind
    w.uint8(0); // snat
    w.int32(0); // cause
    w.present(null); // service
    w.int32(0); // policy
    w.int32(0); // proxy_mode
    w.present(null); // endpoint_local
    w.string(''); // state
    w.uint8(0); // closed
    for (let i = 0; i < 2; i++) {
      w.present(null);
      w.float64(0);
    }
    w.uint32(0); // zone
    w.uint32(0); // mark
    this.optionalString(null); // entry_node
    this.optionalString(link.backendNode);
    this.optionalString(null); // snat_rule
    this.optionalString(null); // backend_pod
    this.optionalString(null); // client_node
    if (w.present(ip)) w.fixed(ip?.bytes ?? ZERO_IP);
    w.uint16(socket?.port ?? 0);
    w.uint32(0); // sample_rate
    w.uint32(entry.incarnation ?? 0);
    this.rows++;
  }

  private head(at: number, id: Identity, rowKind: number, version: bigint): void {
    const w = this.out;
    w.uint16(dayOf(at));
    w.fixed(id.keyIp);
    w.uint32(id.low);
    w.uint32(id.high);
    w.uint8(rowKind);
    w.float64(at);
    w.uint64(version);
  }

  private optionalString(value: string | null | undefined): void {
    if (this.out.present(value)) this.out.string(value ?? '');
  }
}

// ---- reading ----
/** The merged columns a query reads, in this order (see toRecord). */
const READ_COLUMNS = [
  'hex(key_ip)',
  'ident',
  ...COLUMNS.filter((c) => c.merge !== null).map((c) =>
    c.type.includes('FixedString') ? `hex(m_${c.name})` : `m_${c.name}`,
  ),
  'm_socket_flags',
  'm_socket_text',
];
const MERGED = [
  ...COLUMNS.filter((c) => c.merge !== null).map((c) => `${c.merge ?? ''} AS m_${c.name}`),
  `${SOCKET_FLAGS} AS m_socket_flags`,
  `${SOCKET_TEXT} AS m_socket_text`,
];

function toRecord(row: (string | null)[]): {
  record: v1.IFlowRecord;
  key: string;
  firstSeen: number;
} {
  let i = 0;
  const next = (): string | null => row[i++] ?? null;
  const num = (): number => Number(next() ?? 0);
  const keyHex = next() ?? '';
  const ident = next() ?? '0';
  const firstSeen = num();
  const kind = num();
  const node = next() ?? '';
  const protocol = next() ?? '';
  const conntrackId = num();
  const ips: [string | null, number][] = [];
  for (let k = 0; k < 4; k++) ips.push([next(), num()]);
  const flags = num();
  const textJson = next() ?? '';
  const entryKind = num();
  const snat = num();
  const cause = num();
  const service = next();
  const policy = num();
  const proxyMode = num();
  const endpointLocal = next();
  const state = next() ?? '';
  const closed = num();
  const origPackets = next();
  const origBytes = num();
  const replyPackets = next();
  const replyBytes = num();
  const zone = num();
  const mark = num();
  const entryNode = next();
  const backendNode = next();
  const snatRule = next();
  const backendPod = next();
  const clientNode = next();
  const socketIp = next();
  const socketPort = num();
  const sampleRate = num();
  const incarnation = num();
  const socketFlags = num();
  const socketText = next() ?? '';

  const texts = (textJson === '' ? {} : JSON.parse(textJson)) as Partial<Record<IpField, string>>;
  const socketTexts = (socketText === '' ? {} : JSON.parse(socketText)) as Partial<
    Record<IpField, string>
  >;
  const ipText = (
    field: IpField,
    hex: string,
    bits: number,
    textOf: Partial<Record<IpField, string>>,
  ): string =>
    (bits & TEXT_BIT(field)) !== 0
      ? (textOf[field] ?? '')
      : formatIp(Buffer.from(hex, 'hex'), (bits & V4_BIT(field)) !== 0);

  // Enum numbers go back as they were written: proto3 enums are open, unknown values are kept.
  /* eslint-disable @typescript-eslint/no-unsafe-enum-assignment */
  const record: v1.IFlowRecord = {
    kind,
    node,
    protocol,
    entryKind,
    snat: snat !== 0,
    cause,
    externalTrafficPolicy: policy,
    proxyMode,
    state,
    conntrackId,
    observedAt: firstSeen,
    closed: closed !== 0,
    zone,
    mark,
  };
  /* eslint-enable @typescript-eslint/no-unsafe-enum-assignment */
  const fields = ['client', 'entry', 'backend', 'source'] as const;
  fields.forEach((field, k) => {
    const [hex, port] = ips[k] ?? [null, 0];
    if (hex === null) return;
    const value = { ip: ipText(field, hex, flags, texts), port };
    if (field === 'source') record.observedSource = value;
    else record[field] = value;
  });
  if (service !== null) {
    const [namespace = '', name = '', port = ''] = service.split('\u0000');
    record.service = { namespace, name, port };
  }
  if (endpointLocal !== null) record.endpointLocal = endpointLocal !== '0';
  if (origPackets !== null)
    record.originalCounters = { packets: Number(origPackets), bytes: origBytes };
  if (replyPackets !== null)
    record.replyCounters = { packets: Number(replyPackets), bytes: replyBytes };
  if (entryNode !== null) record.entryNode = entryNode;
  if (backendNode !== null) record.backendNode = backendNode;
  if (snatRule !== null) {
    const [table = '', chain = '', rule = ''] = snatRule.split('\u0000');
    record.snatRule = { table, chain, rule };
  }
  if (backendPod !== null) {
    const slash = backendPod.indexOf('/');
    record.backendPod = {
      namespace: backendPod.slice(0, slash),
      name: backendPod.slice(slash + 1),
    };
  }
  if (clientNode !== null) record.clientNode = clientNode;
  if (socketIp !== null) {
    record.socketObserved = {
      ip: ipText('socket', socketIp, socketFlags, socketTexts),
      port: socketPort,
    };
  }
  if (sampleRate !== 0) record.sampleRate = sampleRate;
  if (incarnation !== 0) record.incarnation = incarnation;
  return { record, key: `${keyHex.toLowerCase()}:${ident}`, firstSeen };
}

/** "namespace/name" (every port) or "namespace/name:port" as a condition on a service column. */
function serviceCondition(column: string, text: string, where: string): string {
  const slash = text.indexOf('/');
  if (slash < 0) {
    throw new ClickHouseStoreError(
      'STORE_INVALID_INPUT',
      where,
      `service filter "${text}" is not "namespace/name" or "namespace/name:port"`,
    );
  }
  const namespace = text.slice(0, slash);
  const rest = text.slice(slash + 1);
  // Kubernetes names and port names cannot contain ':', so the first one starts the port.
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    return `${column} = ${sqlString(`${namespace}\u0000${rest.slice(0, colon)}\u0000${rest.slice(colon + 1)}`)}`;
  }
  const prefix = `${namespace}\u0000${rest}\u0000`;
  return `substring(assumeNotNull(${column}), 1, ${Buffer.byteLength(prefix)}) = ${sqlString(prefix)} AND isNotNull(${column})`;
}

const CURSOR_KEY = /^([0-9a-f]{32}):(\d{1,20})$/;

/** FlowStore on a ClickHouse database; open it with openClickHouseStore. */
export class ClickHouseFlowStore implements FlowStore {
  private lastVersion = 0n;
  private readonly db: string;
  private readonly where: string;
  private readonly cluster: string | null;

  private constructor(
    private readonly client: ClickHouseClient,
    private readonly options: Required<
      Omit<
        ClickHouseStoreOptions,
        'passwordFile' | 'retentionDays' | 'requestTimeoutMs' | 'cluster'
      >
    >,
    readonly features: ServerFeatures,
    cluster: string | null,
  ) {
    this.cluster = cluster;
    this.db = `\`${options.database}\``;
    this.where = `clickhouse ${options.url} database ${options.database}`;
  }

  /** Connects, reads the server's version, creates or migrates the schema. */
  static async open(options: ClickHouseStoreOptions): Promise<ClickHouseFlowStore> {
    const where = `clickhouse ${options.url} database ${options.database}`;
    const identifier = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
    if (options.cluster !== undefined && !identifier.test(options.cluster)) {
      throw new ClickHouseStoreError(
        'STORE_INVALID_INPUT',
        where,
        'cluster name must be letters, digits and _ (not starting with a digit)',
      );
    }
    if (!identifier.test(options.database)) {
      throw new ClickHouseStoreError(
        'STORE_INVALID_INPUT',
        where,
        'database name must be letters, digits and _ (not starting with a digit)',
      );
    }
    let password: string;
    try {
      password =
        options.passwordFile !== undefined
          ? (readFileSync(options.passwordFile, 'utf8').split(/\r?\n/)[0] ?? '')
          : (process.env.CLICKHOUSE_PASSWORD ?? '');
    } catch (error) {
      throw new ClickHouseStoreError(
        'STORE_OPEN_FAILED',
        where,
        `cannot read the password file: ${message(error)}`,
        {
          cause: error,
        },
      );
    }
    const client = createClient({
      url: options.url,
      username: options.username ?? process.env.CLICKHOUSE_USER ?? 'default',
      password,
      // 18.16 knows neither the client's default response compression nor its setting names.
      compression: { request: false, response: false },
      // Failures reach the caller as ClickHouseStoreError; the client's own log would repeat them.
      log: { level: ClickHouseLogLevel.OFF },
      request_timeout: options.requestTimeoutMs ?? 120_000,
    });
    try {
      const features = await detectFeatures(client);
      const store = new ClickHouseFlowStore(
        client,
        {
          url: options.url,
          database: options.database,
          username: options.username ?? '',
          scanPageRows: options.scanPageRows ?? 10_000,
          mutationTimeoutMs: options.mutationTimeoutMs ?? 600_000,
        },
        features,
        options.cluster ?? null,
      );
      await store.migrate(options.retentionDays ?? null);
      return store;
    } catch (error) {
      await client.close();
      if (error instanceof ClickHouseStoreError) throw error;
      throw new ClickHouseStoreError('STORE_OPEN_FAILED', where, `cannot open: ${message(error)}`, {
        cause: error,
      });
    }
  }

  /** Highest sequence stored for this agent boot; 0 when none. */
  async lastSequence(node: string, bootId: string): Promise<number> {
    const rows = await this.select(
      'STORE_READ_FAILED',
      'reading the last sequence',
      `SELECT max(sequence) FROM ${this.all('ingest_progress')} WHERE node = ${sqlString(node)} AND boot_id = ${sqlString(bootId)}`,
    );
    return Number(rows[0]?.[0] ?? 0);
  }

  /**
   * Stores the batches not stored before (by the progress table), then their progress: one
   * insert per table. A crash between the inserts replays rows that merge away (same key).
   */
  async write(batches: StoreBatch[], links: BackendLink[]): Promise<WriteOutcome[]> {
    const recordCount = batches.reduce((n, b) => n + b.flows.length, 0);
    const what = `writing ${batches.length} batches (${recordCount} records) and ${links.length} links`;
    for (const batch of batches) {
      if (!Number.isSafeInteger(batch.sequence) || batch.sequence < 0) {
        throw new ClickHouseStoreError(
          'STORE_INVALID_INPUT',
          this.where,
          `batch of node ${batch.node} boot ${batch.bootId} has sequence ${batch.sequence}, not a safe non-negative integer`,
        );
      }
      for (const record of batch.flows) checkRecord(record, this.where, what);
    }
    for (const link of links) checkRecord(link.entry, this.where, what);

    const stored = await this.storedSequences(batches);
    const outcomes: WriteOutcome[] = [];
    const flows = new FlowRowWriter();
    const states = new RowBinaryWriter();
    const progress = new RowBinaryWriter();
    const now = Math.floor(Date.now() / 1000);
    for (const batch of batches) {
      const key = `${batch.node}\u0000${batch.bootId}`;
      if (batch.sequence <= (stored.get(key) ?? 0)) {
        outcomes.push('duplicate');
        continue;
      }
      stored.set(key, batch.sequence);
      outcomes.push('stored');
      for (const record of batch.flows) flows.record(record, this.nextVersion());
      if (batch.services !== null) {
        const version = this.nextVersion();
        [null, ...batch.services].forEach((state, position) => {
          states.string(batch.node);
          states.uint64(version);
          states.uint32(position);
          states.string(
            state === null
              ? ''
              : Buffer.from(v1.ServiceState.encode(state).finish()).toString('base64'),
          );
        });
      }
      progress.string(batch.node);
      progress.string(batch.bootId);
      progress.uint64(BigInt(batch.sequence));
      progress.uint32(now);
    }
    for (const link of links) flows.link(link, this.nextVersion());
    await this.guard('STORE_WRITE_FAILED', what, async () => {
      if (flows.rows > 0)
        await this.insert(
          'flows',
          COLUMNS.map((c) => c.name),
          flows.out.bytes(),
        );
      if (states.bytes().length > 0) {
        await this.insert(
          'service_states',
          ['node', 'version', 'position', 'state'],
          states.bytes(),
        );
      }
      if (progress.bytes().length > 0) {
        await this.insert(
          'ingest_progress',
          ['node', 'boot_id', 'sequence', 'written_at'],
          progress.bytes(),
        );
      }
    });
    return outcomes;
  }

  /** Matching connections, newest first, at most filter.limit, from filter.after on. */
  async queryFlows(filter: FlowFilter): Promise<FlowPage> {
    if (!Number.isSafeInteger(filter.limit) || filter.limit < 0) {
      throw new ClickHouseStoreError(
        'STORE_INVALID_INPUT',
        this.where,
        `query limit ${filter.limit} is not a non-negative integer`,
      );
    }
    const after = filter.after;
    if (after !== undefined && (!Number.isFinite(after.firstSeen) || !CURSOR_KEY.test(after.key))) {
      throw new ClickHouseStoreError(
        'STORE_INVALID_INPUT',
        this.where,
        `query cursor ${JSON.stringify(after)} is not a position of this store`,
      );
    }
    const sql = this.planQuery(filter, 'DESC', filter.limit + 1);
    if (sql === null || filter.limit === 0) return { flows: [], next: null };
    // A page reads one granule per part of every column: keeping decompressed blocks in the
    // server's uncompressed cache helps repeated lookups (not cold ones: measured no change).
    const rows = await this.select('STORE_READ_FAILED', 'querying flows', sql, {
      use_uncompressed_cache: '1',
    });
    const read = rows.slice(0, filter.limit).map(toRecord);
    const last = read.at(-1);
    return {
      flows: read.map((r) => r.record),
      next:
        rows.length > filter.limit && last !== undefined
          ? { firstSeen: last.firstSeen, key: last.key }
          : null,
    };
  }

  /** The latest snapshot of every node, by node and then as the agent sent them. */
  async serviceStates(): Promise<v1.IServiceState[]> {
    const t = this.all('service_states');
    const rows = await this.select(
      'STORE_READ_FAILED',
      'reading service states',
      `SELECT state FROM ${t} WHERE (node, version) ${this.in} (SELECT node, max(version) FROM ${t} GROUP BY node)
       AND position > 0 ORDER BY node, position`,
    );
    return rows.map((row) => v1.ServiceState.decode(Buffer.from(row[0] ?? '', 'base64')));
  }

  /** Every connection first seen at or after `since`, oldest first, read in keyset pages. */
  async *flowsSince(since: number): AsyncGenerator<v1.IFlowRecord, void, undefined> {
    let after: FlowCursor | undefined;
    for (;;) {
      const sql = this.planQuery(
        { limit: this.options.scanPageRows, since, includeBackend: true, after },
        'ASC',
        this.options.scanPageRows,
      );
      if (sql === null) return;
      const rows = await this.select('STORE_READ_FAILED', `iterating flows since ${since}`, sql);
      for (const row of rows) {
        const read = toRecord(row);
        after = { firstSeen: read.firstSeen, key: read.key };
        yield read.record;
      }
      if (rows.length < this.options.scanPageRows) return;
    }
  }

  /**
   * Deletes connections last seen before `before`: whole days at once (DROP PARTITION) where no
   * newer row of theirs lives elsewhere, the rest by one mutation, waited for. Resolves to the
   * connections deleted. Old service snapshots go with it.
   */
  async prune(before: number): Promise<number> {
    const what = `pruning flows last seen before ${before}`;
    if (Number.isNaN(before)) {
      throw new ClickHouseStoreError('STORE_INVALID_INPUT', this.where, `${what}: NaN`);
    }
    const t = `${this.db}.flows`;
    const g = this.all('flows');
    const at = sqlFloat(before);
    // Old is decided over every shard: a connection seen since on another shard stays whole.
    const old = `SELECT key_ip, ident FROM ${g} GROUP BY key_ip, ident HAVING max(observed_at) < ${at}`;
    return this.guard('STORE_PRUNE_FAILED', what, async () => {
      const [counted] = await this.select(
        'STORE_PRUNE_FAILED',
        what,
        `SELECT count() FROM (SELECT countIf(row_kind = ${RECORD}) AS records FROM ${t}
         WHERE (key_ip, ident) IN (${old}) GROUP BY key_ip, ident HAVING records > 0)`,
      );
      const deleted = Number(counted?.[0] ?? 0);
      // Days whose every row is older, holding no row of a connection seen since.
      const days = await this.select(
        'STORE_PRUNE_FAILED',
        what,
        `SELECT day FROM ${t} GROUP BY day HAVING max(observed_at) < ${at}
         AND day NOT IN (SELECT day FROM ${t} WHERE (key_ip, ident) IN
           (SELECT key_ip, ident FROM ${g} WHERE observed_at >= ${at}))`,
      );
      for (const [day] of days) {
        await this.command(`ALTER TABLE ${t} DROP PARTITION ${sqlString(day ?? '')}`);
      }
      const [left] = await this.select(
        'STORE_PRUNE_FAILED',
        what,
        `SELECT count() FROM ${t} WHERE (key_ip, ident) IN (${old})`,
      );
      if (Number(left?.[0] ?? 0) > 0) {
        await this.mutate('flows', `(key_ip, ident) IN (${old})`);
      }
      const s = `${this.db}.service_states`;
      const latest = `(node, version) IN (SELECT node, max(version) FROM ${this.all('service_states')} GROUP BY node)`;
      const [stale] = await this.select(
        'STORE_PRUNE_FAILED',
        what,
        `SELECT count() FROM ${s} WHERE NOT ${latest}`,
      );
      if (Number(stale?.[0] ?? 0) > 0) await this.mutate('service_states', `NOT ${latest}`);
      return deleted;
    });
  }

  /**
   * Stitches in the store what no collector could stitch in memory: the entry half and the backend
   * half of a connection that reached different collectors. Joins connections first seen since
   * `since` by (protocol, the source the backend saw, the backend), within `windowSeconds` of each
   * other, and writes the links stitching would have written: the backend node and socket on the
   * entry connection, the entry node on the backend half. Idempotent (links merge), so every
   * replica may run it. Resolves to the links written.
   */
  async stitchAcross(since: number, windowSeconds: number): Promise<number> {
    const what = `stitching halves first seen since ${since}`;
    if (Number.isNaN(since) || !(windowSeconds >= 0)) {
      throw new ClickHouseStoreError('STORE_INVALID_INPUT', this.where, `${what}: bad time`);
    }
    const t = this.all('flows');
    const at = sqlFloat(since);
    // One side of the join: a kind's connections with their join key and what links may set.
    const side = (p: string, kind: number, extra: string): string => `
      SELECT key_ip AS ${p}_key, ident AS ${p}_ident, ${first('kind')} AS ${p}_kind,
        ${first('node')} AS ${p}_node, ${first('conntrack_id')} AS ${p}_ct,
        minIf(observed_at, row_kind = ${RECORD}) AS ${p}_at,
        ${first('protocol')} AS jp, ${first('source_ip')} AS ${p}_sip, ${first('backend_ip')} AS ${p}_bip,
        assumeNotNull(${p}_sip) AS jsip, ${first('source_port')} AS jsport,
        assumeNotNull(${p}_bip) AS jbip, ${first('backend_port')} AS jbport, ${extra}
      FROM ${t} WHERE observed_at >= ${at} AND kind = ${kind}
      GROUP BY key_ip, ident
      HAVING countIf(row_kind = ${RECORD}) > 0 AND isNotNull(${p}_sip) AND isNotNull(${p}_bip)`;
    const entries = side(
      'e',
      FLOW,
      `${lastKnown('backend_node')} AS e_bn, ${lastKnown('endpoint_local')} AS e_local`,
    );
    const halves = side(
      'b',
      v1.FlowRecord.Kind.backend,
      `${lastKnown('entry_node')} AS b_en, ${lastKnown('socket_ip')} AS b_sock,
       ${lastKnown('socket_port', 'isNotNull(socket_ip)')} AS b_sport, ${SOCKET_FLAGS} AS b_sflags,
       ${SOCKET_TEXT} AS b_stext`,
    );
    // ALL, not ANY: an older connection that reused the source port has the same key, and the
    // window (applied after the join) must see every candidate.
    const pairs = `SELECT * FROM (${entries}) ALL INNER JOIN (${halves}) USING (jp, jsip, jsport, jbip, jbport)
      WHERE abs(e_at - b_at) <= ${sqlFloat(windowSeconds)}
        AND NOT (isNotNull(e_local) AND e_local = 1)`;
    const version = 'toUInt64(now()) * 1024000';
    const day = (c: string): string =>
      `toDate(toUInt16(least(${LAST_DAY}, greatest(0, floor(${c} / ${DAY_S})))))`;
    const socketBits = V4_BIT('socket') | TEXT_BIT('socket');
    return this.guard('STORE_WRITE_FAILED', what, async () => {
      const [counted] = await this.select(
        'STORE_WRITE_FAILED',
        what,
        `SELECT countIf(isNull(e_bn)) + countIf(isNull(b_en)) FROM (${pairs})`,
      );
      const links = Number(counted?.[0] ?? 0);
      if (links === 0) return 0;
      const columns =
        'day, key_ip, ident, row_kind, observed_at, version, kind, node, protocol, conntrack_id';
      await this.command(
        `INSERT INTO ${this.db}.flows (${columns}, backend_node, socket_ip, socket_port, ip_flags, ip_text)
         SELECT ${day('e_at')}, e_key, e_ident, ${LINK}, e_at, ${version}, e_kind, e_node, jp, e_ct,
           b_node, b_sock, b_sport, bitAnd(b_sflags, ${socketBits}), b_stext
         FROM (${pairs}) WHERE isNull(e_bn)`,
      );
      await this.command(
        `INSERT INTO ${this.db}.flows (${columns}, entry_node)
         SELECT ${day('b_at')}, b_key, b_ident, ${LINK}, b_at, ${version}, b_kind, b_node, jp, b_ct, e_node
         FROM (${pairs}) WHERE isNull(b_en)`,
      );
      return links;
    });
  }

  /** Stored connections (entry and backend records), each once. */
  async countFlows(): Promise<number> {
    const rows = await this.select(
      'STORE_READ_FAILED',
      'counting flows',
      `SELECT uniqExact(key_ip, ident) FROM ${this.all('flows')} WHERE row_kind = ${RECORD}`,
    );
    return Number(rows[0]?.[0] ?? 0);
  }

  /** Closes the HTTP connections (idempotent). */
  async close(): Promise<void> {
    await this.client.close();
  }

  /** The database name, quoted for SQL. */
  get database(): string {
    return this.db;
  }

  /** Drops the store's database (tests and benchmarks). */
  async dropDatabase(): Promise<void> {
    await this.command(`DROP DATABASE IF EXISTS ${this.db}`);
  }

  /** Compressed and uncompressed bytes and rows of the flows table's active parts. */
  async flowsTableSize(): Promise<{
    rows: number;
    compressedBytes: number;
    uncompressedBytes: number;
  }> {
    const [row] = await this.select(
      'STORE_READ_FAILED',
      'reading part sizes',
      `SELECT sum(rows), sum(data_compressed_bytes), sum(data_uncompressed_bytes) FROM system.parts
       WHERE database = ${sqlString(this.options.database)} AND table = 'flows' AND active`,
    );
    return {
      rows: Number(row?.[0] ?? 0),
      compressedBytes: Number(row?.[1] ?? 0),
      uncompressedBytes: Number(row?.[2] ?? 0),
    };
  }

  /** Runs a statement that returns no rows (INSERT … SELECT, OPTIMIZE; benchmarks and tests). */
  async execute(sql: string): Promise<void> {
    await this.guard('STORE_WRITE_FAILED', 'running a statement', () => this.command(sql));
  }

  /** Runs a query and returns its TabSeparated rows (for benchmarks and tests). */
  async rawSelect(sql: string): Promise<(string | null)[][]> {
    return this.select('STORE_READ_FAILED', 'running a query', sql);
  }

  /**
   * The SQL of a query: the connections that match (a pre-filter on rows, a superset) are merged
   * from all their rows, then filtered on the merged values. Null when nothing can match.
   */
  private planQuery(filter: FlowFilter, direction: 'ASC' | 'DESC', limit: number): string | null {
    const t = this.all('flows');
    const pre: string[] = [];
    const post: string[] = [`countIf(row_kind = ${RECORD}) > 0`];
    let outer: string | null = null;
    if (filter.client !== undefined) {
      const forms = clientIpForms(filter.client);
      if (forms.length === 0) return null;
      const bytes = sqlBytes(encodeIp(forms[0] ?? '').bytes);
      // Both forms of an IPv4 client are the same 16 bytes; odd texts (bit set) never match.
      const clientBits = TEXT_BIT('client');
      post.push(`m_client_ip = ${bytes} AND bitAnd(m_ip_flags, ${clientBits}) = 0`);
      if (filter.includeBackend === true) {
        pre.push(`(key_ip = ${bytes} OR client_ip = ${bytes})`);
      } else {
        // An entry flow's client is its key: the primary key answers without a pre-filter.
        outer = `key_ip = ${bytes}`;
      }
    }
    if (filter.service !== undefined) {
      pre.push(serviceCondition('service', filter.service, this.where));
      post.push(serviceCondition('m_service', filter.service, this.where));
    }
    if (filter.node !== undefined) {
      const node = sqlString(filter.node);
      pre.push(`(node = ${node} OR entry_node = ${node} OR backend_node = ${node})`);
      post.push(`(m_node = ${node} OR m_entry_node = ${node} OR m_backend_node = ${node})`);
    }
    if (filter.since !== undefined && !Number.isNaN(filter.since)) {
      // Every row of a connection first seen since then is at least as new.
      pre.push(`observed_at >= ${sqlFloat(filter.since)}`);
      post.push(`m_observed_at >= ${sqlFloat(filter.since)}`);
    }
    if (filter.until !== undefined && !Number.isNaN(filter.until)) {
      post.push(`m_observed_at < ${sqlFloat(filter.until)}`);
    }
    if (filter.includeBackend !== true) {
      // kind is part of the identity: every row of a connection has the same.
      pre.push(`kind = ${FLOW}`);
      post.push(`m_kind = ${FLOW}`);
    }
    const after = filter.after;
    if (after !== undefined) {
      const [, hex = '', ident = '0'] = CURSOR_KEY.exec(after.key) ?? [];
      const cmp = direction === 'DESC' ? '<' : '>';
      const key = sqlBytes(Buffer.from(hex, 'hex'));
      const at = sqlFloat(after.firstSeen);
      post.push(
        `(m_observed_at ${cmp} ${at} OR (m_observed_at = ${at} AND (key_ip ${cmp} ${key} OR (key_ip = ${key} AND ident ${cmp} ${sqlUInt(ident)}))))`,
      );
    }
    const where: string[] = [];
    if (outer !== null) where.push(outer);
    if (pre.length > 0) {
      const preWhere = outer === null ? pre : [outer, ...pre];
      where.push(
        `(key_ip, ident) ${this.in} (SELECT key_ip, ident FROM ${t} WHERE ${preWhere.join(' AND ')})`,
      );
    }
    return `SELECT ${READ_COLUMNS.join(', ')} FROM (
  SELECT key_ip, ident, ${MERGED.join(',\n    ')}
  FROM ${t}${where.length > 0 ? `\n  WHERE ${where.join(' AND ')}` : ''}
  GROUP BY key_ip, ident
  HAVING ${post.join('\n    AND ')}
)
ORDER BY m_observed_at ${direction}, key_ip ${direction}, ident ${direction}
LIMIT ${sqlUInt(limit)}`;
  }

  private async storedSequences(batches: StoreBatch[]): Promise<Map<string, number>> {
    const stored = new Map<string, number>();
    if (batches.length === 0) return stored;
    const pairs = [...new Set(batches.map((b) => `${b.node}\u0000${b.bootId}`))].map((key) => {
      const [node = '', bootId = ''] = key.split('\u0000');
      return `(${sqlString(node)}, ${sqlString(bootId)})`;
    });
    const rows = await this.select(
      'STORE_WRITE_FAILED',
      'reading stored sequences',
      `SELECT node, boot_id, max(sequence) FROM ${this.all('ingest_progress')}
       WHERE (node, boot_id) IN (${pairs.join(', ')}) GROUP BY node, boot_id`,
    );
    for (const [node, bootId, sequence] of rows)
      stored.set(`${node ?? ''}\u0000${bootId ?? ''}`, Number(sequence));
    return stored;
  }

  private async migrate(retentionDays: number | null): Promise<void> {
    await this.command(`CREATE DATABASE IF NOT EXISTS ${this.db}`);
    await this.command(
      `CREATE TABLE IF NOT EXISTS ${this.db}.schema_versions (version UInt32, applied_at DateTime)
       ENGINE = ReplacingMergeTree ORDER BY version`,
    );
    const [row] = await this.select(
      'STORE_OPEN_FAILED',
      'reading the schema version',
      `SELECT max(version) FROM ${this.db}.schema_versions`,
    );
    const current = Number(row?.[0] ?? 0);
    if (current > CLICKHOUSE_SCHEMA_VERSION) {
      throw new ClickHouseStoreError(
        'STORE_SCHEMA_TOO_NEW',
        this.where,
        `flow store schema version ${current} is newer than this snatscope supports (${CLICKHOUSE_SCHEMA_VERSION}); use a newer snatscope or another database`,
      );
    }
    const steps = migrations(this.db, this.features, retentionDays);
    for (let version = current + 1; version <= CLICKHOUSE_SCHEMA_VERSION; version++) {
      for (const statement of steps[version] ?? []) await this.command(statement);
      await this.command(
        `INSERT INTO ${this.db}.schema_versions VALUES (${sqlUInt(version)}, ${sqlUInt(Math.floor(Date.now() / 1000))})`,
      );
    }
    if (this.cluster !== null) {
      // Without ZooKeeper there is no ON CLUSTER: each shard's tables are made by a store opened
      // on it; the Distributed tables read them all. (A schema change must recreate them.)
      for (const table of ['flows', 'ingest_progress', 'service_states']) {
        await this.command(
          `CREATE TABLE IF NOT EXISTS ${this.all(table)} AS ${this.db}.${table} ENGINE = Distributed(${sqlString(this.cluster)}, ${sqlString(this.options.database)}, ${sqlString(table)})`,
        );
      }
    }
  }

  /** The table reads use: the Distributed table over every shard, or the table itself. */
  private all(table: string): string {
    return this.cluster === null ? `${this.db}.${table}` : `${this.db}.${table}_all`;
  }

  /** IN for a subquery under a read of all(): GLOBAL when that read is distributed. */
  private get in(): string {
    return this.cluster === null ? 'IN' : 'GLOBAL IN';
  }

  /** A version above every one this store wrote: write order within one collector. */
  private nextVersion(): bigint {
    const now = BigInt(Date.now()) * 1024n;
    this.lastVersion = now > this.lastVersion ? now : this.lastVersion + 1n;
    return this.lastVersion;
  }

  private async insert(table: string, columns: string[], body: Buffer): Promise<void> {
    const result = await this.client.exec({
      query: `INSERT INTO ${this.db}.${table} (${columns.join(', ')}) FORMAT RowBinary`,
      values: Readable.from([body]),
      clickhouse_settings: this.ddlSettings(),
    });
    result.stream.resume();
  }

  /** ALTER … DELETE, then waits until the server reports the mutation done. */
  private async mutate(table: string, condition: string): Promise<void> {
    await this.command(`ALTER TABLE ${this.db}.${table} DELETE WHERE ${condition}`);
    const started = Date.now();
    for (;;) {
      const [row] = await this.select(
        'STORE_PRUNE_FAILED',
        'waiting for a mutation',
        `SELECT count() FROM system.mutations WHERE database = ${sqlString(this.options.database)}
         AND table = ${sqlString(table)} AND is_done = 0`,
      );
      if (Number(row?.[0] ?? 0) === 0) return;
      if (Date.now() - started > this.options.mutationTimeoutMs) {
        throw new Error(`mutation of ${table} not done after ${this.options.mutationTimeoutMs} ms`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async command(sql: string): Promise<void> {
    const result = await this.client.exec({ query: sql, clickhouse_settings: this.ddlSettings() });
    result.stream.resume();
    await new Promise<void>((resolve, reject) => {
      result.stream.on('end', resolve).on('error', reject);
    });
  }

  private async select(
    code: ClickHouseStoreErrorCode,
    what: string,
    sql: string,
    settings: Record<string, string> = {},
  ): Promise<(string | null)[][]> {
    return this.guard(code, what, async () => {
      const result = await this.client.query({
        query: sql,
        format: 'TabSeparated',
        clickhouse_settings: settings,
      });
      return parseTsv(await result.text());
    });
  }

  private ddlSettings(): Record<string, string> {
    return this.features.lowCardinalitySetting
      ? { allow_experimental_low_cardinality_type: '1' }
      : {};
  }

  private async guard<T>(
    code: ClickHouseStoreErrorCode,
    what: string,
    run: () => Promise<T>,
  ): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (error instanceof ClickHouseStoreError) throw error;
      throw new ClickHouseStoreError(code, this.where, `${what} failed: ${message(error)}`, {
        cause: error,
      });
    }
  }
}

/** Opens a ClickHouse store (the collector's `--store clickhouse`). */
export function openClickHouseStore(options: ClickHouseStoreOptions): Promise<ClickHouseFlowStore> {
  return ClickHouseFlowStore.open(options);
}

/** Reads the server's version and settings once; picks the DDL it understands. */
async function detectFeatures(client: ClickHouseClient): Promise<ServerFeatures> {
  const result = await client.query({
    query: `SELECT version(), (SELECT count() FROM system.settings WHERE name = 'allow_experimental_low_cardinality_type' AND value = '0')`,
    format: 'TabSeparated',
  });
  const [row] = parseTsv(await result.text());
  const version = row?.[0] ?? '0';
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return {
    version,
    lowCardinalitySetting: Number(row?.[1] ?? 0) > 0,
    modern: major > 20 || (major === 20 && minor >= 3),
  };
}

/** Refuses what the table cannot hold, before anything is written (a write is all or nothing). */
function checkRecord(record: v1.IFlowRecord, where: string, what: string): void {
  const at = record.observedAt ?? 0;
  const fail = (detail: string): never => {
    throw new ClickHouseStoreError('STORE_WRITE_FAILED', where, `${what} failed: ${detail}`);
  };
  if (Number.isNaN(at)) fail(`record of node ${record.node ?? ''} has observedAt NaN`);
  for (const value of [
    record.client,
    record.entry,
    record.backend,
    record.observedSource,
    record.socketObserved,
  ]) {
    const port = value?.port ?? 0;
    if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`port ${port} is not a port`);
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
