// The collector's storage boundary. SQLite (sqlite-store.ts) is the default; a scale-out store
// (ClickHouse) implements the same interface. Every operation is asynchronous: a store may run on
// another thread or across the network. The ingest path batches many agent messages into one
// write() call (group commit) and acknowledges them only once it resolves.
import type { v1 } from '../proto/index.js';

/** What a store operation failed at. */
export type StoreErrorCode =
  | 'STORE_OPEN_FAILED'
  | 'STORE_NOT_SNATSCOPE'
  | 'STORE_SCHEMA_TOO_NEW'
  | 'STORE_INVALID_INPUT'
  | 'STORE_WRITE_FAILED'
  | 'STORE_READ_FAILED'
  | 'STORE_PRUNE_FAILED'
  | 'STORE_WORKER_DIED';

/**
 * A store failure; the message names the store (file path or URL) and the operation. A filter the
 * store cannot use (e.g. a cursor it did not give out) fails with STORE_INVALID_INPUT, which the
 * HTTP API answers with 400.
 */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCode,
    readonly where: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${where}: ${message}`, options);
    this.name = 'StoreError';
  }
}

/** One agent message to store: a batch of flow records or a node's service snapshot. */
export interface StoreBatch {
  node: string;
  bootId: string;
  sequence: number;
  /** Flow and backend records, already stitched (entryNode/backendNode set where known). */
  flows: v1.IFlowRecord[];
  /** The node's complete service state when the message was a snapshot; replaces the previous. */
  services: v1.IServiceState[] | null;
}

/** A backend node (and socket) learned after the entry record was stored: set on the stored row. */
export interface BackendLink {
  /** The entry record (kind flow) as it was stored; identifies the row. */
  entry: v1.IFlowRecord;
  backendNode: string;
  /** The backend half's socketObserved, when its node saw the socket. */
  socketObserved?: v1.IHostPort | null;
}

/** Per batch: stored now, or already stored earlier (same node, boot id and sequence). */
export type WriteOutcome = 'stored' | 'duplicate';

/** Which flows a query wants. Times are seconds since the epoch (observedAt of the first record). */
export interface FlowFilter {
  /** Client IP address; an IPv4 client matches in its IPv4-mapped IPv6 form too, and back. */
  client?: string;
  /** "namespace/name" (every port) or "namespace/name:port". */
  service?: string;
  /** Entry node or backend node. */
  node?: string;
  since?: number;
  until?: number;
  limit: number;
  /** Also return backend halves (kind backend); by default only entry flows. */
  includeBackend?: boolean;
  /** Only flows after this position of the order (the previous page's `next`). */
  after?: FlowCursor;
}

/**
 * A position in the query order: first seen (newest first), then a store-chosen tiebreak, as an
 * opaque string (SQLite: the row id), so that pages neither skip nor repeat rows while new flows
 * arrive: keyset pagination, not an offset. (A row whose first-seen time moves earlier between two
 * pages, when an agent replays an older record of the same connection, can show up on both; that
 * is rare and never loses a row.)
 */
export interface FlowCursor {
  firstSeen: number;
  key: string;
}

/** One page of a flow query: `next` is where the following page starts; null on the last page. */
export interface FlowPage {
  flows: v1.IFlowRecord[];
  next: FlowCursor | null;
}

/** Storage of flows, service states and ingest progress. */
export interface FlowStore {
  /** Highest sequence stored for this agent boot; 0 when none. */
  lastSequence(node: string, bootId: string): Promise<number>;
  /**
   * Stores batches and links, durably (crash-safe once it resolves). A batch whose sequence is not
   * above the stored one for its (node, bootId) stores nothing. A record with the identity of a
   * stored one (same connection, e.g. its `closed` record) updates it. Writes apply in call
   * order, and a write called while an earlier one was pending fails if that one failed: the
   * group writer keeps two in flight, and a later batch of an agent boot must never be stored
   * past a lost one (its replay would count as a duplicate).
   */
  write(batches: StoreBatch[], links: BackendLink[]): Promise<WriteOutcome[]>;
  /** Matching flows, most recent first, at most filter.limit, from filter.after on. */
  queryFlows(filter: FlowFilter): Promise<FlowPage>;
  /** The latest service state of every node. */
  serviceStates(): Promise<v1.IServiceState[]>;
  /** Every stored record first seen at or after `since`, oldest first (correlation rebuild at start). */
  flowsSince(since: number): AsyncIterable<v1.IFlowRecord>;
  /** Deletes flows last seen before `before`, in steps that let other work run; resolves to rows deleted. */
  prune(before: number): Promise<number>;
  /** Stored flow rows (entry and backend records). */
  countFlows(): Promise<number>;
  close(): Promise<void>;
}
