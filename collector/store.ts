// The collector's storage boundary. SQLite (sqlite-store.ts) is the default; a scale-out store
// (ClickHouse) can implement the same interface later. Everything here is synchronous on purpose:
// the ingest path batches many agent messages into one write() call (group commit).
import type { v1 } from '../proto/index.js';

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
 * A position in the query order (first seen, newest first; the row id breaks ties), so that pages
 * neither skip nor repeat rows while new flows arrive: keyset pagination, not an offset. (A row
 * whose first-seen time moves earlier between two pages, when an agent replays an older record of
 * the same connection, can show up on both; that is rare and never loses a row.)
 */
export interface FlowCursor {
  firstSeen: number;
  id: number;
}

/** One page of a flow query: `next` is where the following page starts; null on the last page. */
export interface FlowPage {
  flows: v1.IFlowRecord[];
  next: FlowCursor | null;
}

/** Storage of flows, service states and ingest progress. */
export interface FlowStore {
  /** Highest sequence stored for this agent boot; 0 when none. */
  lastSequence(node: string, bootId: string): number;
  /**
   * Stores batches and links in one transaction, durably (crash-safe once it returns). A batch
   * whose sequence is not above the stored one for its (node, bootId) stores nothing. A record
   * with the identity of a stored one (same connection, e.g. its `closed` record) updates it.
   */
  write(batches: StoreBatch[], links: BackendLink[]): WriteOutcome[];
  /** Matching flows, most recent first, at most filter.limit, from filter.after on. */
  queryFlows(filter: FlowFilter): FlowPage;
  /** The latest service state of every node. */
  serviceStates(): v1.IServiceState[];
  /** Calls back with every stored record first seen at or after `since` (oldest first). */
  forEachFlowSince(since: number, callback: (record: v1.IFlowRecord) => void): void;
  /**
   * Deletes flows last seen before `before` in short transactions, one per step, yielding the rows
   * each deleted, so that the caller can let other work run between them. Throws a store error
   * from the failing step.
   */
  pruneSteps(before: number): Iterable<number>;
  /** Stored flow rows (entry and backend records). */
  countFlows(): number;
  close(): void;
}
