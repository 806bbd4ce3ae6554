// The SQLite flow database behind the default FlowStore (sqlite-store.ts runs it on a worker
// thread): one file (better-sqlite3, WAL), synchronous calls. One row per connection per node,
// looked up by a compact hash of the connection identity; repeated strings (node names, protocol,
// conntrack state, Service port names) live in small dictionary tables so that rows and indexes
// stay small at tens of millions of flows.
import Database from 'better-sqlite3';
import { cyrb53Halves } from '../common/hash.js';
import { connectionEnds, storedIdentityText } from '../proto/identity.js';
import { v1 } from '../proto/index.js';
import { clientIpForms } from '../common/cidr.js';
import {
  StoreError,
  type BackendLink,
  type FlowCursor,
  type FlowFilter,
  type FlowPage,
  type StoreBatch,
  type StoreErrorCode,
  type WriteOutcome,
} from './store.js';

// For people reading the file with the sqlite3 shell: names instead of dictionary ids.
const READABLE_VIEW = `
CREATE VIEW IF NOT EXISTS flows_readable AS
SELECT f.id, f.kind, n.name AS node, p.name AS protocol, f.client_ip, f.client_port, f.entry_ip,
  f.entry_port, f.entry_kind, f.backend_ip, f.backend_port, f.source_ip, f.source_port, f.snat,
  f.cause, s.namespace || '/' || s.name || ':' || s.port AS service, f.policy, f.proxy_mode,
  f.endpoint_local, st.name AS state, f.conntrack_id, f.first_seen, f.last_seen, f.closed,
  f.orig_packets, f.orig_bytes, f.reply_packets, f.reply_bytes, f.zone, f.mark,
  en.name AS entry_node, bn.name AS backend_node,
  replace(sr.name, char(0), ' ') AS snat_rule, bp.name AS backend_pod, cn.name AS client_node,
  f.socket_ip, f.socket_port, f.sample_rate, f.incarnation
FROM flows f
JOIN names n ON n.id = f.node
JOIN names p ON p.id = f.protocol
JOIN names st ON st.id = f.state
LEFT JOIN services s ON s.id = f.service
LEFT JOIN names en ON en.id = f.entry_node
LEFT JOIN names bn ON bn.id = f.backend_node
LEFT JOIN names sr ON sr.id = f.snat_rule
LEFT JOIN names bp ON bp.id = f.backend_pod
LEFT JOIN names cn ON cn.id = f.client_node;
`;

/** The schema this code writes (PRAGMA user_version); bump with a migration when it changes. */
export const SCHEMA_VERSION = 3;

// PRAGMA application_id marks the file as ours ("snat"), so a stray SQLite file is refused.
const APPLICATION_ID = 0x736e6174;

/** Tuning of one store; the defaults are what the collector runs with. */
export interface SqliteFlowDbOptions {
  /**
   * FULL (default) fsyncs the WAL at every commit: an ack survives power loss. NORMAL survives a
   * process crash (kill -9) but may lose the last commits on power loss; it is measured, not used.
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a statement waits for another connection's lock before failing. */
  busyTimeoutMs?: number;
  /** SQLite page cache; the random parts of the indexes (identity, client) should mostly fit. */
  cacheSizeMiB?: number;
  /** Rows deleted per statement (and per write transaction) by prune(). */
  pruneChunkRows?: number;
}

const DEFAULTS: Required<SqliteFlowDbOptions> = {
  synchronous: 'FULL',
  busyTimeoutMs: 5000,
  cacheSizeMiB: 64,
  pruneChunkRows: 10_000,
};

const SCHEMA = `
CREATE TABLE IF NOT EXISTS names (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS services (
  id INTEGER PRIMARY KEY,
  namespace TEXT NOT NULL,
  name TEXT NOT NULL,
  port TEXT NOT NULL,
  UNIQUE (namespace, name, port)
);
-- One connection as one node saw it. A NULL *_ip means the record had no such address (the
-- message was absent); counters likewise by *_packets. node, protocol, state, entry_node and
-- backend_node are names.id; service is services.id. snat_rule, backend_pod and client_node are
-- names.id too (a rule as "table NUL chain NUL rule", a pod as "namespace/name"): few distinct.
CREATE TABLE IF NOT EXISTS flows (
  id INTEGER PRIMARY KEY,
  ident INTEGER NOT NULL,
  kind INTEGER NOT NULL,
  node INTEGER NOT NULL,
  protocol INTEGER NOT NULL,
  client_ip TEXT,
  client_port INTEGER,
  entry_ip TEXT,
  entry_port INTEGER,
  entry_kind INTEGER NOT NULL,
  backend_ip TEXT,
  backend_port INTEGER,
  source_ip TEXT,
  source_port INTEGER,
  snat INTEGER NOT NULL,
  cause INTEGER NOT NULL,
  service INTEGER,
  policy INTEGER NOT NULL,
  proxy_mode INTEGER NOT NULL,
  endpoint_local INTEGER,
  state INTEGER NOT NULL,
  conntrack_id INTEGER NOT NULL,
  first_seen REAL NOT NULL,
  last_seen REAL NOT NULL,
  closed INTEGER NOT NULL,
  orig_packets REAL,
  orig_bytes REAL,
  reply_packets REAL,
  reply_bytes REAL,
  zone INTEGER NOT NULL,
  mark INTEGER NOT NULL,
  entry_node INTEGER,
  backend_node INTEGER,
  snat_rule INTEGER,
  backend_pod INTEGER,
  client_node INTEGER,
  socket_ip TEXT,
  socket_port INTEGER,
  sample_rate INTEGER NOT NULL DEFAULT 0,
  incarnation INTEGER NOT NULL DEFAULT 0
);
-- Not UNIQUE: ident is a 47-bit hash (6 bytes on disk instead of ~60 for the identity columns);
-- the upsert compares the identity columns of the few rows that share it.
CREATE INDEX IF NOT EXISTS flows_ident ON flows (ident);
CREATE INDEX IF NOT EXISTS flows_client ON flows (client_ip, first_seen) WHERE client_ip IS NOT NULL;
CREATE INDEX IF NOT EXISTS flows_service ON flows (service, first_seen) WHERE service IS NOT NULL;
CREATE INDEX IF NOT EXISTS flows_node ON flows (node, first_seen);
-- kind in the key: entry_node is set mostly on backend halves, so a query for entry flows
-- filtering kind after the index would read a node's every backend row to find none.
CREATE INDEX IF NOT EXISTS flows_entry_node ON flows (entry_node, kind, first_seen)
  WHERE entry_node IS NOT NULL;
CREATE INDEX IF NOT EXISTS flows_backend_node ON flows (backend_node, first_seen)
  WHERE backend_node IS NOT NULL;
CREATE INDEX IF NOT EXISTS flows_time ON flows (first_seen);
CREATE TABLE IF NOT EXISTS agents (
  node TEXT NOT NULL,
  boot_id TEXT NOT NULL,
  last_sequence INTEGER NOT NULL,
  updated_at REAL NOT NULL,
  PRIMARY KEY (node, boot_id)
) WITHOUT ROWID;
-- Each ServiceState as its protobuf encoding: lossless and free of a second schema to migrate.
CREATE TABLE IF NOT EXISTS service_states (
  node TEXT NOT NULL,
  position INTEGER NOT NULL,
  state BLOB NOT NULL,
  PRIMARY KEY (node, position)
) WITHOUT ROWID;
${READABLE_VIEW}`;

/** Schema changes from each older version to the next (index: the version they start from). */
const MIGRATIONS: Readonly<Record<number, string>> = {
  // v2: the rule that rewrote the source, the backend pod, the client's node, the backend
  // socket's peer and the sampling rate.
  1: `
ALTER TABLE flows ADD COLUMN snat_rule INTEGER;
ALTER TABLE flows ADD COLUMN backend_pod INTEGER;
ALTER TABLE flows ADD COLUMN client_node INTEGER;
ALTER TABLE flows ADD COLUMN socket_ip TEXT;
ALTER TABLE flows ADD COLUMN socket_port INTEGER;
ALTER TABLE flows ADD COLUMN sample_rate INTEGER NOT NULL DEFAULT 0;
DROP VIEW IF EXISTS flows_readable;
${READABLE_VIEW}`,
  // v3: which conntrack entry of a recycled id and tuple the row is (0: the first).
  2: `
ALTER TABLE flows ADD COLUMN incarnation INTEGER NOT NULL DEFAULT 0;
DROP VIEW IF EXISTS flows_readable;
${READABLE_VIEW}`,
};

const FLOW_COLUMNS = `id, kind, node, protocol, client_ip, client_port, entry_ip, entry_port,
  entry_kind, backend_ip, backend_port, source_ip, source_port, snat, cause, service, policy,
  proxy_mode, endpoint_local, state, conntrack_id, first_seen, last_seen, closed, orig_packets,
  orig_bytes, reply_packets, reply_bytes, zone, mark, entry_node, backend_node, snat_rule,
  backend_pod, client_node, socket_ip, socket_port, sample_rate, incarnation`;

/** The columns of a flow row that records bind and queries read alike. */
interface FlowColumns {
  kind: v1.FlowRecord.Kind;
  node: number;
  protocol: number;
  client_ip: string | null;
  client_port: number | null;
  entry_ip: string | null;
  entry_port: number | null;
  entry_kind: v1.FlowRecord.EntryKind;
  backend_ip: string | null;
  backend_port: number | null;
  source_ip: string | null;
  source_port: number | null;
  snat: number;
  cause: v1.FlowRecord.Cause;
  service: number | null;
  policy: v1.TrafficPolicy;
  proxy_mode: v1.ProxyMode;
  endpoint_local: number | null;
  state: number;
  conntrack_id: number;
  closed: number;
  orig_packets: number | null;
  orig_bytes: number | null;
  reply_packets: number | null;
  reply_bytes: number | null;
  zone: number;
  mark: number;
  entry_node: number | null;
  backend_node: number | null;
  snat_rule: number | null;
  backend_pod: number | null;
  client_node: number | null;
  socket_ip: string | null;
  socket_port: number | null;
  sample_rate: number;
  incarnation: number;
}

/** The bound parameters of one record (insert, update and identity lookup share them). */
interface FlowParams extends FlowColumns {
  ident: number;
  observed_at: number;
  // The identity's original-direction tuple in canonical form (absent address = "" and 0).
  src_ip: string;
  src_port: number;
  dst_ip: string;
  dst_port: number;
}

type Nullable<T> = T | null;
/** findFlow/findBackend parameters: ident, node, kind, protocol, conntrack id, src ip:port, dst ip:port, incarnation. */
type IdentityValues = [
  number,
  number,
  number,
  number,
  number,
  string,
  number,
  string,
  number,
  number,
];
/** insertFlow parameters, in its column order. */
type InsertValues = [
  number,
  number,
  number,
  number,
  Nullable<string>,
  Nullable<number>,
  Nullable<string>,
  Nullable<number>,
  number,
  Nullable<string>,
  Nullable<number>,
  Nullable<string>,
  Nullable<number>,
  number,
  number,
  Nullable<number>,
  number,
  number,
  Nullable<number>,
  number,
  number,
  number,
  number,
  number,
  Nullable<number>,
  Nullable<number>,
  Nullable<number>,
  Nullable<number>,
  number,
  number,
  Nullable<number>,
  Nullable<number>,
  Nullable<number>,
  Nullable<number>,
  Nullable<number>,
  Nullable<string>,
  Nullable<number>,
  number,
  number,
];
/** updateFlow parameters: last seen, closed, state, counters, endpoint local, then row id. */
type UpdateValues = [
  number,
  number,
  number,
  Nullable<number>,
  Nullable<number>,
  Nullable<number>,
  Nullable<number>,
  Nullable<number>,
  number,
];
// The identity check reads the row anyway: it returns what an update merges with.
const FOUND_COLUMNS = `id, first_seen, last_seen, closed, state, orig_packets, orig_bytes,
  reply_packets, reply_bytes, endpoint_local, entry_node, backend_node, snat_rule, backend_pod,
  client_node, socket_ip, socket_port`;

/** One stored row as SELECT returns it. */
interface FlowRow extends FlowColumns {
  id: number;
  first_seen: number;
  last_seen: number;
}

/** The stored state of a connection that a new record of it updates. */
type FoundRow = Pick<
  FlowRow,
  | 'id'
  | 'first_seen'
  | 'last_seen'
  | 'closed'
  | 'state'
  | 'orig_packets'
  | 'orig_bytes'
  | 'reply_packets'
  | 'reply_bytes'
  | 'endpoint_local'
  | 'entry_node'
  | 'backend_node'
  | 'snat_rule'
  | 'backend_pod'
  | 'client_node'
  | 'socket_ip'
  | 'socket_port'
>;

interface ServiceName {
  namespace: string;
  name: string;
  port: string;
}

/** One index-ordered probe of a query: a WHERE term that one index answers in time order. */
interface Probe {
  index: string;
  term: string;
  params: unknown[];
}

const BACKEND = v1.FlowRecord.Kind.backend;
const FLOW = v1.FlowRecord.Kind.flow;
// Prepared query statements are cached by SQL text; shapes are few, but the number of ports of a
// Service varies, so the cache is bounded.
const MAX_CACHED_QUERIES = 64;

/** Flows on a SQLite file: durable group commits, indexed per-flow queries; synchronous. */
export class SqliteFlowDb {
  private readonly db: Database.Database;
  private readonly options: Required<SqliteFlowDbOptions>;
  // Dictionaries mirrored in memory: a write interns a few names per batch, not per record.
  private nameIds = new Map<string, number>();
  private names = new Map<number, string>();
  private serviceIds = new Map<string, Map<string, Map<string, number>>>();
  private services = new Map<number, ServiceName>();
  private readonly queries = new Map<string, Database.Statement<unknown[], FlowRow>>();
  private readonly statements: ReturnType<typeof prepareStatements>;
  /** Flow rows, once counted (see countFlows). */
  private rowCount: number | null = null;
  /** Rows inserted by the write transaction in progress. */
  private insertedRows = 0;
  /** What the write transaction in progress is at (for its error): a batch or the links. */
  private writeStep = '';
  private readonly writeTransaction: Database.Transaction<
    (batches: StoreBatch[], links: BackendLink[]) => WriteOutcome[]
  >;

  /** Opens (or creates) the store file; throws a StoreError naming the file when it cannot. */
  constructor(
    readonly path: string,
    options: SqliteFlowDbOptions = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
    try {
      this.db = new Database(path, { timeout: this.options.busyTimeoutMs });
    } catch (error) {
      throw new StoreError('STORE_OPEN_FAILED', path, `cannot open: ${message(error)}`, {
        cause: error,
      });
    }
    try {
      this.configure();
      this.migrate();
      this.statements = prepareStatements(this.db);
      this.writeTransaction = this.db.transaction((batches: StoreBatch[], links: BackendLink[]) =>
        this.writeInTransaction(batches, links),
      );
      this.loadDictionaries();
    } catch (error) {
      this.db.close();
      if (error instanceof StoreError) throw error;
      throw new StoreError('STORE_OPEN_FAILED', path, `cannot open: ${message(error)}`, {
        cause: error,
      });
    }
  }

  /** Highest sequence stored for this agent boot; 0 when none. */
  lastSequence(node: string, bootId: string): number {
    return this.guard('STORE_READ_FAILED', 'reading the last sequence', () => {
      const row = this.statements.lastSequence.get(node, bootId);
      return row?.last_sequence ?? 0;
    });
  }

  /** Stores batches and links in one IMMEDIATE transaction, fsynced (synchronous=FULL) on commit. */
  write(batches: StoreBatch[], links: BackendLink[]): WriteOutcome[] {
    for (const batch of batches) {
      if (!Number.isSafeInteger(batch.sequence) || batch.sequence < 0) {
        throw new StoreError(
          'STORE_INVALID_INPUT',
          this.path,
          `batch of node ${batch.node} boot ${batch.bootId} has sequence ${batch.sequence}, not a safe non-negative integer`,
        );
      }
    }
    try {
      // IMMEDIATE takes the write lock up front: a deferred transaction that upgrades from read
      // to write can fail with SQLITE_BUSY at once instead of waiting for busy_timeout.
      this.insertedRows = 0;
      this.writeStep = 'the start of the transaction';
      const outcomes = this.writeTransaction.immediate(batches, links);
      if (this.rowCount !== null) this.rowCount += this.insertedRows;
      return outcomes;
    } catch (error) {
      // Names interned by the rolled-back transaction are gone from the file: forget them too.
      this.loadDictionaries();
      throw new StoreError(
        'STORE_WRITE_FAILED',
        this.path,
        `writing ${batches.length} batches (${batches.reduce((n, b) => n + b.flows.length, 0)} records) and ${links.length} links failed at ${this.writeStep}: ${message(error)}`,
        { cause: error },
      );
    }
  }

  /**
   * Matching flows, most recent first (first_seen desc, then id desc); `until` is exclusive,
   * `since` inclusive. One row more than the limit is read to know whether a next page exists.
   */
  queryFlows(filter: FlowFilter): FlowPage {
    if (!Number.isSafeInteger(filter.limit) || filter.limit < 0) {
      throw new StoreError(
        'STORE_INVALID_INPUT',
        this.path,
        `query limit ${filter.limit} is not a non-negative integer`,
      );
    }
    const after = filter.after === undefined ? undefined : this.cursorPosition(filter.after);
    return this.guard('STORE_READ_FAILED', 'querying flows', () => {
      const plan = this.planQuery({ ...filter, limit: filter.limit + 1 }, after);
      if (plan === null || filter.limit === 0) return { flows: [], next: null };
      const rows = plan.statement.all(...plan.params);
      const page = rows.slice(0, filter.limit);
      const last = page.at(-1);
      return {
        flows: page.map((row) => this.toRecord(row)),
        next:
          rows.length > filter.limit && last !== undefined
            ? { firstSeen: last.first_seen, key: String(last.id) }
            : null,
      };
    });
  }

  /** A cursor's (first seen, row id); STORE_INVALID_INPUT for one this store did not give out. */
  private cursorPosition(cursor: FlowCursor): { firstSeen: number; id: number } {
    const id = /^\d{1,15}$/.test(cursor.key) ? Number(cursor.key) : NaN;
    if (!Number.isFinite(cursor.firstSeen) || !Number.isSafeInteger(id)) {
      throw new StoreError(
        'STORE_INVALID_INPUT',
        this.path,
        `query cursor ${JSON.stringify(cursor)} is not a (time, row id) position`,
      );
    }
    return { firstSeen: cursor.firstSeen, id };
  }

  /** The SQL queryFlows runs for a filter and SQLite's plan for it; null when nothing can match. */
  explainQuery(filter: FlowFilter): { sql: string; plan: string[] } | null {
    const plan = this.planQuery(
      filter,
      filter.after === undefined ? undefined : this.cursorPosition(filter.after),
    );
    if (plan === null) return null;
    const rows = this.db
      .prepare<unknown[], { detail: string }>(`EXPLAIN QUERY PLAN ${plan.statement.source}`)
      .all(...plan.params);
    return { sql: plan.statement.source, plan: rows.map((row) => row.detail) };
  }

  /** The latest service state of every node, ordered by node and then as the agent sent them. */
  serviceStates(): v1.IServiceState[] {
    return this.guard('STORE_READ_FAILED', 'reading service states', () =>
      this.statements.serviceStates.all().map((row) => v1.ServiceState.decode(row.state)),
    );
  }

  /**
   * One page of the rows first seen at or after `since`, oldest first, after `after` (the last row
   * of the previous page): pages rather than one open iteration, so that writes can run between
   * them on this connection.
   */
  flowsSincePage(
    since: number,
    after: FlowCursor | null,
    limit: number,
  ): { flows: v1.IFlowRecord[]; next: FlowCursor | null } {
    const from = after === null ? null : this.cursorPosition(after);
    return this.guard('STORE_READ_FAILED', `reading flows since ${since}`, () => {
      const rows =
        from === null
          ? this.statements.flowsSince.all(since, limit)
          : this.statements.flowsSinceAfter.all(
              since,
              from.firstSeen,
              from.firstSeen,
              from.id,
              limit,
            );
      const last = rows.at(-1);
      return {
        flows: rows.map((row) => this.toRecord(row)),
        next:
          rows.length === limit && last !== undefined
            ? { firstSeen: last.first_seen, key: String(last.id) }
            : null,
      };
    });
  }

  /**
   * Deletes flows last seen before `before`, in transactions of at most pruneChunkRows rows so
   * that ingest waits for the write lock only briefly; yields the rows deleted by each. Walks the
   * time index with a cursor: rows first seen long ago but still alive are examined once, not once
   * per chunk.
   */
  *pruneSteps(before: number): Generator<number, void, undefined> {
    let cursor = { firstSeen: Number.NEGATIVE_INFINITY, id: 0 };
    const chunk = this.db.transaction(() => {
      const rows = this.statements.pruneScan.all(
        before,
        cursor.firstSeen,
        cursor.firstSeen,
        cursor.id,
        this.options.pruneChunkRows,
      );
      let deleted = 0;
      for (const row of rows) {
        if (row.last_seen < before) deleted += this.statements.deleteFlow.run(row.id).changes;
      }
      const last = rows.at(-1);
      if (last !== undefined) cursor = { firstSeen: last.first_seen, id: last.id };
      return { scanned: rows.length, deleted };
    });
    for (;;) {
      const { scanned, deleted } = this.guard(
        'STORE_PRUNE_FAILED',
        `pruning flows last seen before ${before}`,
        () => chunk.immediate(),
      );
      if (this.rowCount !== null) this.rowCount -= deleted;
      yield deleted;
      if (scanned < this.options.pruneChunkRows) return;
    }
  }

  /** Runs every step of pruneSteps at once; returns the rows deleted. */
  prune(before: number): number {
    let total = 0;
    for (const deleted of this.pruneSteps(before)) total += deleted;
    return total;
  }

  /** Stored flow rows (entry and backend records). */
  countFlows(): number {
    // Counted once, then kept by write() and prune(): count(*) reads a whole index (seconds at
    // 10M rows) and /metrics asks on every scrape.
    this.rowCount ??= this.guard(
      'STORE_READ_FAILED',
      'counting flows',
      () => this.statements.countFlows.get()?.count ?? 0,
    );
    return this.rowCount;
  }

  /** Whether the file is still open (close() not called). */
  get open(): boolean {
    return this.db.open;
  }

  /** Closes the file (idempotent); the WAL is checkpointed by SQLite on the last close. */
  close(): void {
    if (this.db.open) this.db.close();
  }

  private configure(): void {
    const mode = this.db.pragma('journal_mode = WAL', { simple: true });
    if (mode !== 'wal') throw new Error(`journal_mode WAL refused (got ${String(mode)})`);
    this.db.pragma(`synchronous = ${this.options.synchronous}`);
    this.db.pragma(`cache_size = -${Math.round(this.options.cacheSizeMiB * 1024)}`);
    // A big transaction grows the WAL; without a limit the file keeps that size forever.
    this.db.pragma('journal_size_limit = 67108864');
    this.db.pragma('temp_store = MEMORY');
  }

  /** Creates the schema on a new file, checks ownership and version on an existing one. */
  private migrate(): void {
    const read = (): { version: number; applicationId: number } => ({
      version: Number(this.db.pragma('user_version', { simple: true })),
      applicationId: Number(this.db.pragma('application_id', { simple: true })),
    });
    const check = ({ version, applicationId }: { version: number; applicationId: number }) => {
      if (applicationId !== 0 && applicationId !== APPLICATION_ID) {
        throw new StoreError(
          'STORE_NOT_SNATSCOPE',
          this.path,
          `not a snatscope flow store (SQLite application_id ${applicationId})`,
        );
      }
      if (version > SCHEMA_VERSION) {
        throw new StoreError(
          'STORE_SCHEMA_TOO_NEW',
          this.path,
          `flow store schema version ${version} is newer than this snatscope supports (${SCHEMA_VERSION}); use a newer snatscope or another --db file`,
        );
      }
    };
    const found = read();
    check(found);
    // A current store opens without the write lock, so a backup or a stuck writer holding it
    // delays writes (retried) instead of keeping the collector from starting.
    if (found.version === SCHEMA_VERSION) return;
    // The check runs again under the write lock: another process may be creating the file.
    this.db
      .transaction(() => {
        const current = read();
        check(current);
        if (current.version === SCHEMA_VERSION) return;
        if (current.version === 0) {
          this.db.exec(SCHEMA);
        } else {
          for (let version = current.version; version < SCHEMA_VERSION; version++) {
            this.db.exec(MIGRATIONS[version] ?? '');
          }
        }
        this.db.pragma(`application_id = ${APPLICATION_ID}`);
        this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
      })
      .immediate();
  }

  private writeInTransaction(batches: StoreBatch[], links: BackendLink[]): WriteOutcome[] {
    const s = this.statements;
    const now = Date.now() / 1000;
    const outcomes: WriteOutcome[] = [];
    for (const batch of batches) {
      this.writeStep = `the batch of node ${batch.node} boot ${batch.bootId} sequence ${batch.sequence}`;
      const stored = s.lastSequence.get(batch.node, batch.bootId)?.last_sequence ?? 0;
      if (batch.sequence <= stored) {
        outcomes.push('duplicate');
        continue;
      }
      for (const record of batch.flows) this.upsertFlow(record);
      if (batch.services !== null) {
        s.deleteServiceStates.run(batch.node);
        batch.services.forEach((state, position) => {
          const bytes = v1.ServiceState.encode(state).finish();
          s.insertServiceState.run(
            batch.node,
            position,
            Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
          );
        });
      }
      s.setSequence.run(batch.node, batch.bootId, batch.sequence, now);
      outcomes.push('stored');
    }
    this.writeStep = `the ${links.length} backend links`;
    for (const link of links) {
      // A link whose entry row is gone (pruned) or was never stored has nothing to update.
      const found = this.findRow(this.flowParams(link.entry));
      if (found === undefined) continue;
      s.setBackendNode.run(this.nameId(link.backendNode), found.id);
      const socket = link.socketObserved;
      if (socket?.ip) s.updateSocket.run(socket.ip, socket.port ?? 0, found.id);
    }
    return outcomes;
  }

  private upsertFlow(record: v1.IFlowRecord): void {
    const p = this.flowParams(record);
    const found = this.findRow(p);
    if (found === undefined) {
      this.insertedRows++;
      this.statements.insertFlow.run(
        p.ident,
        p.kind,
        p.node,
        p.protocol,
        p.client_ip,
        p.client_port,
        p.entry_ip,
        p.entry_port,
        p.entry_kind,
        p.backend_ip,
        p.backend_port,
        p.source_ip,
        p.source_port,
        p.snat,
        p.cause,
        p.service,
        p.policy,
        p.proxy_mode,
        p.endpoint_local,
        p.state,
        p.conntrack_id,
        p.observed_at,
        p.observed_at,
        p.closed,
        p.orig_packets,
        p.orig_bytes,
        p.reply_packets,
        p.reply_bytes,
        p.zone,
        p.mark,
        p.entry_node,
        p.backend_node,
        p.snat_rule,
        p.backend_pod,
        p.client_node,
        p.socket_ip,
        p.socket_port,
        p.sample_rate,
        p.incarnation,
      );
    } else {
      this.update(found, p);
    }
  }

  /**
   * Merges a record into its stored row. A record older than the row (the open record resent
   * after the closed one, e.g. by a restarted agent) must not bring back an old state or smaller
   * counters; known nodes and endpointLocal are never replaced by unknown ones.
   */
  private update(row: FoundRow, p: FlowParams): void {
    const s = this.statements;
    const newer = p.observed_at >= row.last_seen;
    const original = newer && p.orig_packets !== null;
    const reply = newer && p.reply_packets !== null;
    s.updateFlow.run(
      newer ? p.observed_at : row.last_seen,
      Math.max(row.closed, p.closed),
      newer ? p.state : row.state,
      original ? p.orig_packets : row.orig_packets,
      original ? p.orig_bytes : row.orig_bytes,
      reply ? p.reply_packets : row.reply_packets,
      reply ? p.reply_bytes : row.reply_bytes,
      p.endpoint_local ?? row.endpoint_local,
      row.id,
    );
    const entryNode = p.entry_node ?? row.entry_node;
    const backendNode = p.backend_node ?? row.backend_node;
    if (entryNode !== row.entry_node || backendNode !== row.backend_node) {
      s.updateNodes.run(entryNode, backendNode, row.id);
    }
    // Closed records carry only the identity: what an earlier record named stays.
    const snatRule = p.snat_rule ?? row.snat_rule;
    const backendPod = p.backend_pod ?? row.backend_pod;
    const clientNode = p.client_node ?? row.client_node;
    if (
      snatRule !== row.snat_rule ||
      backendPod !== row.backend_pod ||
      clientNode !== row.client_node
    ) {
      s.updateNames.run(snatRule, backendPod, clientNode, row.id);
    }
    // The socket event may come after the flow's first record: a later record brings it.
    if (
      p.socket_ip !== null &&
      (p.socket_ip !== row.socket_ip || p.socket_port !== row.socket_port)
    ) {
      s.updateSocket.run(p.socket_ip, p.socket_port, row.id);
    }
    if (p.observed_at < row.first_seen) s.updateFirstSeen.run(p.observed_at, row.id);
  }

  private findRow(p: FlowParams): FoundRow | undefined {
    const finder = p.kind === BACKEND ? this.statements.findBackend : this.statements.findFlow;
    return finder.get(
      p.ident,
      p.node,
      p.kind,
      p.protocol,
      p.conntrack_id,
      p.src_ip,
      p.src_port,
      p.dst_ip,
      p.dst_port,
      p.incarnation,
    );
  }

  /** The bound parameters of a record: dictionary ids, canonical identity, presence as NULLs. */
  private flowParams(r: v1.IFlowRecord): FlowParams {
    const kind = r.kind ?? FLOW;
    const node = r.node ?? '';
    const protocol = r.protocol ?? '';
    const conntrackId = r.conntrackId ?? 0;
    const { srcIp, srcPort, dstIp, dstPort } = connectionEnds(r);
    const incarnation = r.incarnation ?? 0;
    const service = r.service ?? null;
    const endpointLocal = r.endpointLocal ?? null;
    const entryNode = r.entryNode ?? null;
    const backendNode = r.backendNode ?? null;
    const clientNode = r.clientNode ?? null;
    return {
      ident: hash47(storedIdentityText(r)),
      kind,
      node: this.nameId(node),
      protocol: this.nameId(protocol),
      client_ip: r.client ? (r.client.ip ?? '') : null,
      client_port: r.client ? (r.client.port ?? 0) : null,
      entry_ip: r.entry ? (r.entry.ip ?? '') : null,
      entry_port: r.entry ? (r.entry.port ?? 0) : null,
      entry_kind: r.entryKind ?? v1.FlowRecord.EntryKind.NodePort,
      backend_ip: r.backend ? (r.backend.ip ?? '') : null,
      backend_port: r.backend ? (r.backend.port ?? 0) : null,
      source_ip: r.observedSource ? (r.observedSource.ip ?? '') : null,
      source_port: r.observedSource ? (r.observedSource.port ?? 0) : null,
      snat: r.snat === true ? 1 : 0,
      cause: r.cause ?? v1.FlowRecord.Cause.None,
      service:
        service === null
          ? null
          : this.serviceId(service.namespace ?? '', service.name ?? '', service.port ?? ''),
      policy: r.externalTrafficPolicy ?? v1.TrafficPolicy.Cluster,
      proxy_mode: r.proxyMode ?? v1.ProxyMode.iptables,
      endpoint_local: endpointLocal === null ? null : endpointLocal ? 1 : 0,
      state: this.nameId(r.state ?? ''),
      conntrack_id: conntrackId,
      observed_at: r.observedAt ?? 0,
      closed: r.closed === true ? 1 : 0,
      orig_packets: r.originalCounters ? (r.originalCounters.packets ?? 0) : null,
      orig_bytes: r.originalCounters ? (r.originalCounters.bytes ?? 0) : null,
      reply_packets: r.replyCounters ? (r.replyCounters.packets ?? 0) : null,
      reply_bytes: r.replyCounters ? (r.replyCounters.bytes ?? 0) : null,
      zone: r.zone ?? 0,
      mark: r.mark ?? 0,
      entry_node: entryNode === null ? null : this.nameId(entryNode),
      backend_node: backendNode === null ? null : this.nameId(backendNode),
      snat_rule: r.snatRule ? this.nameId(ruleName(r.snatRule)) : null,
      backend_pod: r.backendPod ? this.nameId(podName(r.backendPod)) : null,
      client_node: clientNode === null ? null : this.nameId(clientNode),
      socket_ip: r.socketObserved ? (r.socketObserved.ip ?? '') : null,
      socket_port: r.socketObserved ? (r.socketObserved.port ?? 0) : null,
      sample_rate: r.sampleRate ?? 0,
      incarnation,
      src_ip: srcIp,
      src_port: srcPort,
      dst_ip: dstIp,
      dst_port: dstPort,
    };
  }

  /** Rebuilds the record; observedAt is the first record's (the time queries filter and sort by). */
  private toRecord(row: FlowRow): v1.IFlowRecord {
    const record: v1.IFlowRecord = {
      kind: row.kind,
      node: this.nameOf(row.node),
      protocol: this.nameOf(row.protocol),
      entryKind: row.entry_kind,
      snat: row.snat !== 0,
      cause: row.cause,
      externalTrafficPolicy: row.policy,
      proxyMode: row.proxy_mode,
      state: this.nameOf(row.state),
      conntrackId: row.conntrack_id,
      observedAt: row.first_seen,
      closed: row.closed !== 0,
      zone: row.zone,
      mark: row.mark,
    };
    if (row.client_ip !== null) record.client = { ip: row.client_ip, port: row.client_port ?? 0 };
    if (row.entry_ip !== null) record.entry = { ip: row.entry_ip, port: row.entry_port ?? 0 };
    if (row.backend_ip !== null) {
      record.backend = { ip: row.backend_ip, port: row.backend_port ?? 0 };
    }
    if (row.source_ip !== null) {
      record.observedSource = { ip: row.source_ip, port: row.source_port ?? 0 };
    }
    if (row.service !== null) record.service = { ...this.serviceOf(row.service) };
    if (row.endpoint_local !== null) record.endpointLocal = row.endpoint_local !== 0;
    if (row.orig_packets !== null) {
      record.originalCounters = { packets: row.orig_packets, bytes: row.orig_bytes ?? 0 };
    }
    if (row.reply_packets !== null) {
      record.replyCounters = { packets: row.reply_packets, bytes: row.reply_bytes ?? 0 };
    }
    if (row.entry_node !== null) record.entryNode = this.nameOf(row.entry_node);
    if (row.backend_node !== null) record.backendNode = this.nameOf(row.backend_node);
    if (row.snat_rule !== null) record.snatRule = parseRuleName(this.nameOf(row.snat_rule));
    if (row.backend_pod !== null) record.backendPod = parsePodName(this.nameOf(row.backend_pod));
    if (row.client_node !== null) record.clientNode = this.nameOf(row.client_node);
    if (row.socket_ip !== null) {
      record.socketObserved = { ip: row.socket_ip, port: row.socket_port ?? 0 };
    }
    if (row.sample_rate !== 0) record.sampleRate = row.sample_rate;
    if (row.incarnation !== 0) record.incarnation = row.incarnation;
    return record;
  }

  /**
   * Picks the index that answers the filter in time order. Where one filter value maps to several
   * index ranges (a node as entry or backend node, a Service with several ports), each range is
   * read in order with its own LIMIT and the union is sorted: at most (ranges × limit) rows are
   * read, instead of every match being sorted.
   */
  private planQuery(
    filter: FlowFilter,
    after: { firstSeen: number; id: number } | undefined,
  ): { statement: Database.Statement<unknown[], FlowRow>; params: unknown[] } | null {
    const serviceIds = filter.service === undefined ? null : this.matchServices(filter.service);
    if (serviceIds !== null && serviceIds.length === 0) return null;
    const nodeId = filter.node === undefined ? null : (this.lookupNameId(filter.node) ?? -1);
    if (nodeId === -1) return null;

    let probes: Probe[];
    const extra: Probe[] = [];
    if (filter.client !== undefined) {
      // One index range per stored form of the address (IPv4 and IPv4-mapped), merged in order.
      probes = clientIpForms(filter.client).map((ip) => ({
        index: 'flows_client',
        term: 'client_ip = ?',
        params: [ip],
      }));
      if (probes.length === 0) return null;
    } else if (serviceIds !== null) {
      probes = serviceIds.map((id) => ({
        index: 'flows_service',
        term: 'service = ?',
        params: [id],
      }));
    } else if (nodeId !== null) {
      probes = [
        { index: 'flows_node', term: 'node = ?', params: [nodeId] },
        { index: 'flows_backend_node', term: 'backend_node = ?', params: [nodeId] },
        // One index range per kind: kinds 0 and 1 in time order, other (unknown) kinds sorted,
        // which is cheap as there are none in practice. Entry flows only get the kind term below.
        ...(filter.includeBackend === true
          ? [`kind = ${FLOW}`, `kind = ${BACKEND}`, `kind > ${BACKEND}`, `kind < ${FLOW}`]
          : ['1']
        ).map((kind) => ({
          index: 'flows_entry_node',
          term: `entry_node = ? AND ${kind}`,
          params: [nodeId],
        })),
      ];
    } else {
      probes = [{ index: 'flows_time', term: '1', params: [] }];
    }
    if (filter.client !== undefined && serviceIds !== null) {
      extra.push({
        index: '',
        term: `service IN (${serviceIds.map(() => '?').join(', ')})`,
        params: serviceIds,
      });
    }
    if (nodeId !== null && (filter.client !== undefined || serviceIds !== null)) {
      extra.push({
        index: '',
        term: '(node = ? OR entry_node = ? OR backend_node = ?)',
        params: [nodeId, nodeId, nodeId],
      });
    }
    if (filter.since !== undefined) {
      extra.push({ index: '', term: 'first_seen >= ?', params: [filter.since] });
    }
    if (filter.until !== undefined) {
      extra.push({ index: '', term: 'first_seen < ?', params: [filter.until] });
    }
    if (after !== undefined) {
      // The row value comparison is what lets SQLite keep walking the index from the cursor.
      extra.push({
        index: '',
        term: '(first_seen, id) < (?, ?)',
        params: [after.firstSeen, after.id],
      });
    }
    if (filter.includeBackend !== true)
      extra.push({ index: '', term: `kind = ${FLOW}`, params: [] });

    const params: unknown[] = [];
    const selects = probes.map((probe) => {
      const terms = [probe.term, ...extra.map((e) => e.term)].join(' AND ');
      params.push(...probe.params, ...extra.flatMap((e) => e.params), filter.limit);
      return `SELECT ${FLOW_COLUMNS} FROM flows INDEXED BY ${probe.index} WHERE ${terms} ORDER BY first_seen DESC, id DESC LIMIT ?`;
    });
    let sql: string;
    if (selects.length === 1) {
      sql = selects[0] ?? '';
    } else {
      // UNION (not ALL): a row can match several ranges (entry_node = node on a flow row).
      sql = `${selects.map((s) => `SELECT * FROM (${s})`).join(' UNION ')} ORDER BY first_seen DESC, id DESC LIMIT ?`;
      params.push(filter.limit);
    }
    return { statement: this.cachedQuery(sql), params };
  }

  private cachedQuery(sql: string): Database.Statement<unknown[], FlowRow> {
    let statement = this.queries.get(sql);
    if (statement === undefined) {
      if (this.queries.size >= MAX_CACHED_QUERIES) this.queries.clear();
      statement = this.db.prepare<unknown[], FlowRow>(sql);
      this.queries.set(sql, statement);
    }
    return statement;
  }

  /** Service ids for "ns/name" (every port) or "ns/name:port"; empty when none is stored. */
  private matchServices(text: string): number[] {
    const slash = text.indexOf('/');
    if (slash < 0) {
      throw new StoreError(
        'STORE_INVALID_INPUT',
        this.path,
        `service filter "${text}" is not "namespace/name" or "namespace/name:port"`,
      );
    }
    const namespace = text.slice(0, slash);
    const rest = text.slice(slash + 1);
    // Kubernetes names and port names cannot contain ':', so the first one starts the port.
    const colon = rest.indexOf(':');
    const name = colon < 0 ? rest : rest.slice(0, colon);
    const port = colon < 0 ? null : rest.slice(colon + 1);
    const find = (): number[] => {
      const ports = this.serviceIds.get(namespace)?.get(name);
      if (ports === undefined) return [];
      if (port !== null) return ports.has(port) ? [ports.get(port) ?? 0] : [];
      return [...ports.values()];
    };
    // Another process (or a rolled-back write) may have changed the dictionary: re-read on a miss.
    const ids = find();
    if (ids.length > 0) return ids;
    this.loadDictionaries();
    return find();
  }

  private lookupNameId(name: string): number | undefined {
    const id = this.nameIds.get(name);
    if (id !== undefined) return id;
    this.loadDictionaries();
    return this.nameIds.get(name);
  }

  private nameId(name: string): number {
    const known = this.nameIds.get(name);
    if (known !== undefined) return known;
    const s = this.statements;
    const id = s.findName.get(name)?.id ?? Number(s.insertName.run(name).lastInsertRowid);
    this.nameIds.set(name, id);
    this.names.set(id, name);
    return id;
  }

  private serviceId(namespace: string, name: string, port: string): number {
    const known = this.serviceIds.get(namespace)?.get(name)?.get(port);
    if (known !== undefined) return known;
    const s = this.statements;
    const id =
      s.findService.get(namespace, name, port)?.id ??
      Number(s.insertService.run(namespace, name, port).lastInsertRowid);
    this.rememberService(id, { namespace, name, port });
    return id;
  }

  private nameOf(id: number): string {
    let name = this.names.get(id);
    if (name === undefined) {
      this.loadDictionaries();
      name = this.names.get(id);
    }
    if (name === undefined) throw new Error(`flow row refers to unknown name id ${id}`);
    return name;
  }

  private serviceOf(id: number): ServiceName {
    let service = this.services.get(id);
    if (service === undefined) {
      this.loadDictionaries();
      service = this.services.get(id);
    }
    if (service === undefined) throw new Error(`flow row refers to unknown service id ${id}`);
    return service;
  }

  private loadDictionaries(): void {
    this.nameIds = new Map();
    this.names = new Map();
    this.serviceIds = new Map();
    this.services = new Map();
    for (const { id, name } of this.statements.allNames.iterate()) {
      this.nameIds.set(name, id);
      this.names.set(id, name);
    }
    for (const { id, ...service } of this.statements.allServices.iterate()) {
      this.rememberService(id, service);
    }
  }

  private rememberService(id: number, service: ServiceName): void {
    let byName = this.serviceIds.get(service.namespace);
    if (byName === undefined) {
      byName = new Map<string, Map<string, number>>();
      this.serviceIds.set(service.namespace, byName);
    }
    let byPort = byName.get(service.name);
    if (byPort === undefined) {
      byPort = new Map<string, number>();
      byName.set(service.name, byPort);
    }
    byPort.set(service.port, id);
    this.services.set(id, service);
  }

  private guard<T>(code: StoreErrorCode, what: string, run: () => T): T {
    try {
      return run();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(code, this.path, `${what} failed: ${message(error)}`, { cause: error });
    }
  }
}

/** Every statement of the hot paths, prepared once per connection. */
function prepareStatements(db: Database.Database) {
  // Absent addresses are stored as NULL but identify like "" and 0, as in the identity hash.
  const identity = (src: string, dst: string): string =>
    `ident = ? AND node = ? AND kind = ? AND protocol = ? AND conntrack_id = ?
     AND coalesce(${src}_ip, '') = ? AND coalesce(${src}_port, 0) = ?
     AND coalesce(${dst}_ip, '') = ? AND coalesce(${dst}_port, 0) = ? AND incarnation = ?`;
  // Positional parameters only: better-sqlite3 binds named ones about 2.5x slower (measured: 32
  // named 13.6 us vs positional 5.4 us per insert).
  return {
    findFlow: db.prepare<IdentityValues, FoundRow>(
      `SELECT ${FOUND_COLUMNS} FROM flows INDEXED BY flows_ident WHERE ${identity('client', 'entry')} LIMIT 1`,
    ),
    findBackend: db.prepare<IdentityValues, FoundRow>(
      `SELECT ${FOUND_COLUMNS} FROM flows INDEXED BY flows_ident WHERE ${identity('source', 'backend')} LIMIT 1`,
    ),
    insertFlow: db.prepare<InsertValues>(
      `INSERT INTO flows (ident, kind, node, protocol, client_ip, client_port, entry_ip,
         entry_port, entry_kind, backend_ip, backend_port, source_ip, source_port, snat, cause,
         service, policy, proxy_mode, endpoint_local, state, conntrack_id, first_seen, last_seen,
         closed, orig_packets, orig_bytes, reply_packets, reply_bytes, zone, mark, entry_node,
         backend_node, snat_rule, backend_pod, client_node, socket_ip, socket_port, sample_rate,
         incarnation)
       VALUES (${Array.from({ length: 39 }, () => '?').join(', ')})`,
    ),
    // Only columns that no index holds: SQLite then rewrites the row alone. The rare changes
    // of indexed columns have statements of their own.
    updateFlow: db.prepare<UpdateValues>(
      `UPDATE flows SET last_seen = ?, closed = ?, state = ?, orig_packets = ?, orig_bytes = ?,
         reply_packets = ?, reply_bytes = ?, endpoint_local = ? WHERE id = ?`,
    ),
    updateNodes: db.prepare<[Nullable<number>, Nullable<number>, number]>(
      'UPDATE flows SET entry_node = ?, backend_node = ? WHERE id = ?',
    ),
    updateFirstSeen: db.prepare<[number, number]>('UPDATE flows SET first_seen = ? WHERE id = ?'),
    updateNames: db.prepare<[Nullable<number>, Nullable<number>, Nullable<number>, number]>(
      'UPDATE flows SET snat_rule = ?, backend_pod = ?, client_node = ? WHERE id = ?',
    ),
    updateSocket: db.prepare<[string, Nullable<number>, number]>(
      'UPDATE flows SET socket_ip = ?, socket_port = ? WHERE id = ?',
    ),
    setBackendNode: db.prepare<[number, number]>('UPDATE flows SET backend_node = ? WHERE id = ?'),
    lastSequence: db.prepare<[string, string], { last_sequence: number }>(
      'SELECT last_sequence FROM agents WHERE node = ? AND boot_id = ?',
    ),
    setSequence: db.prepare<[string, string, number, number]>(
      `INSERT INTO agents (node, boot_id, last_sequence, updated_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (node, boot_id) DO UPDATE SET last_sequence = excluded.last_sequence,
         updated_at = excluded.updated_at`,
    ),
    deleteServiceStates: db.prepare<[string]>('DELETE FROM service_states WHERE node = ?'),
    insertServiceState: db.prepare<[string, number, Buffer]>(
      'INSERT INTO service_states (node, position, state) VALUES (?, ?, ?)',
    ),
    serviceStates: db.prepare<[], { state: Buffer }>(
      'SELECT state FROM service_states ORDER BY node, position',
    ),
    flowsSince: db.prepare<[number, number], FlowRow>(
      `SELECT ${FLOW_COLUMNS} FROM flows INDEXED BY flows_time WHERE first_seen >= ?
       ORDER BY first_seen, id LIMIT ?`,
    ),
    flowsSinceAfter: db.prepare<[number, number, number, number, number], FlowRow>(
      `SELECT ${FLOW_COLUMNS} FROM flows INDEXED BY flows_time
       WHERE first_seen >= ? AND (first_seen > ? OR (first_seen = ? AND id > ?))
       ORDER BY first_seen, id LIMIT ?`,
    ),
    pruneScan: db.prepare<
      [number, number, number, number, number],
      { id: number; first_seen: number; last_seen: number }
    >(
      `SELECT id, first_seen, last_seen FROM flows INDEXED BY flows_time
       WHERE first_seen < ? AND (first_seen > ? OR (first_seen = ? AND id > ?))
       ORDER BY first_seen, id LIMIT ?`,
    ),
    deleteFlow: db.prepare<[number]>('DELETE FROM flows WHERE id = ?'),
    countFlows: db.prepare<[], { count: number }>('SELECT count(*) AS count FROM flows'),
    findName: db.prepare<[string], { id: number }>('SELECT id FROM names WHERE name = ?'),
    insertName: db.prepare<[string]>('INSERT INTO names (name) VALUES (?)'),
    allNames: db.prepare<[], { id: number; name: string }>('SELECT id, name FROM names'),
    findService: db.prepare<[string, string, string], { id: number }>(
      'SELECT id FROM services WHERE namespace = ? AND name = ? AND port = ?',
    ),
    insertService: db.prepare<[string, string, string]>(
      'INSERT INTO services (namespace, name, port) VALUES (?, ?, ?)',
    ),
    allServices: db.prepare<[], { id: number; namespace: string; name: string; port: string }>(
      'SELECT id, namespace, name, port FROM services',
    ),
  };
}

/** A rule as one dictionary name: its parts joined by NUL (which no rule text holds). */
function ruleName(rule: v1.IRuleRef): string {
  return `${rule.table ?? ''}\u0000${rule.chain ?? ''}\u0000${rule.rule ?? ''}`;
}

function parseRuleName(name: string): v1.IRuleRef {
  const [table = '', chain = '', rule = ''] = name.split('\u0000');
  return { table, chain, rule };
}

/** A pod as one dictionary name: "namespace/name" (namespaces hold no "/"). */
function podName(pod: v1.IObjectRef): string {
  return `${pod.namespace ?? ''}/${pod.name ?? ''}`;
}

function parsePodName(name: string): v1.IObjectRef {
  const slash = name.indexOf('/');
  return { namespace: name.slice(0, slash), name: name.slice(slash + 1) };
}

/**
 * A 47-bit hash (cyrb53, truncated) of the connection identity: it fits SQLite's 6-byte integer
 * encoding, and collisions only cost a comparison of the identity columns.
 */
function hash47(text: string): number {
  const [h1, h2] = cyrb53Halves(text);
  return (h2 & 0x7fff) * 0x1_0000_0000 + h1;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
