// Joins the two halves of a connection that entered on one node and reached a backend on another:
// the entry half (kind flow, reported by the entry node) and the backend half (kind backend,
// reported by the node hosting the endpoint). Both carry the source the backend saw and the
// backend address, which together name the connection on the wire between the two nodes.
import { v1 } from '../proto/index.js';
import {
  cacheLimits,
  DEFAULT_MEMORY_BUDGET_BYTES,
  EvictionCounts,
  MAX_CLOCK_SKEW_S,
} from './memory-budget.js';
import type { BackendLink } from './store.js';

/** Tuning of the stitcher. */
export interface StitcherOptions {
  /** Longest gap in seconds between the halves' observedAt (source ports get reused later). */
  windowSeconds?: number;
  /** Connections remembered at most; the oldest are evicted first (default: the default budget's). */
  maxEntries?: number;
}

const DEFAULT_WINDOW_SECONDS = 120;

/** What is known about one connection while its halves meet. One hidden class for all. */
class Connection {
  /**
   * The latest entry record stored without a backend node (or, for TCP, without the backend's
   * socket), until a link giving it what it lacks is returned.
   */
  entry: v1.IFlowRecord | null = null;
  /** Whether a link already gave `entry` its backend node. */
  entryLinked = false;
  /** The backend half's socketObserved: it may come with a later record than the first. */
  socket: v1.IHostPort | null = null;
  entryNode: string | null = null;
  backendNode: string | null = null;
  entryClosed = false;
  backendClosed = false;

  constructor(public seenAt: number) {}
}

/** Stitches entry and backend halves; see stitch(). Not thread-safe, no I/O. */
export class Stitcher {
  private readonly connections = new Map<string, Connection>();
  private readonly windowSeconds: number;
  private readonly maxEntries: number;
  private stitchedCount = 0;
  /** Connections forgotten by prune() (age) or to stay under maxEntries (size). */
  readonly evictions = new EvictionCounts();

  constructor(options: StitcherOptions = {}) {
    this.windowSeconds = options.windowSeconds ?? DEFAULT_WINDOW_SECONDS;
    this.maxEntries =
      options.maxEntries ?? cacheLimits(DEFAULT_MEMORY_BUDGET_BYTES).stitchConnections;
  }

  /** Connections remembered now (halves waiting for their other half, or stitched and open). */
  get size(): number {
    return this.connections.size;
  }

  /** Connections dropped to stay under maxEntries (their halves will not be stitched). */
  get evicted(): number {
    return this.evictions.size;
  }

  /** Connections whose two halves were joined. */
  get stitched(): number {
    return this.stitchedCount;
  }

  /**
   * Sets `entryNode` / `backendNode` on the record from what is known of its connection. Returns a
   * link when a backend half arrives for an entry half that was already handed out (and so
   * stored) without a backend node; null otherwise.
   */
  stitch(record: v1.IFlowRecord): BackendLink | null {
    const node = record.node ?? '';
    // Which nodes a connection crossed is the stitcher's finding, never the agent's claim: the
    // record goes on as if the agent had not sent these fields.
    delete record.entryNode;
    delete record.backendNode;
    if (record.kind === v1.FlowRecord.Kind.backend) {
      record.backendNode = node;
      const key = joinKey(record);
      if (key === null) return null;
      const connection = this.find(key, record.observedAt ?? 0);
      if (connection.entryNode !== null && connection.backendNode === null) this.stitchedCount++;
      connection.backendNode = node;
      if (record.closed === true) connection.backendClosed = true;
      const newSocket = record.socketObserved?.ip ? record.socketObserved : null;
      if (newSocket !== null) connection.socket = newSocket;
      let link: BackendLink | null = null;
      if (connection.entryNode !== null) {
        record.entryNode = connection.entryNode;
        const entry = connection.entry;
        // Linked again when the socket comes with a later record of the backend half.
        if (entry !== null && (!connection.entryLinked || newSocket !== null)) {
          connection.entryLinked = true;
          link = { entry, backendNode: node, socketObserved: connection.socket };
        }
        if (connection.socket !== null || record.protocol !== 'tcp') connection.entry = null;
      }
      if (connection.entryClosed && connection.backendClosed) this.connections.delete(key);
      return link;
    }
    record.entryNode = node;
    // The backend is on this very node: no backend half will come (it would not leave the node).
    if (record.endpointLocal === true) {
      record.backendNode = node;
      return null;
    }
    // The backend's socket lives on the backend's node: only its half can tell it.
    delete record.socketObserved;
    const key = joinKey(record);
    if (key === null) return null;
    const connection = this.find(key, record.observedAt ?? 0);
    if (connection.backendNode !== null && connection.entryNode === null) this.stitchedCount++;
    connection.entryNode = node;
    if (record.closed === true) connection.entryClosed = true;
    if (connection.backendNode !== null) record.backendNode = connection.backendNode;
    if (connection.socket !== null) record.socketObserved = connection.socket;
    if (
      connection.backendNode === null ||
      (connection.socket === null && record.protocol === 'tcp')
    ) {
      connection.entry = record;
      connection.entryLinked = connection.backendNode !== null;
    }
    // Both halves reported their end: nothing more will come for this connection.
    if (connection.entryClosed && connection.backendClosed) this.connections.delete(key);
    return null;
  }

  /**
   * Drops connections last seen before nowSeconds - window, or stamped beyond the clock skew in
   * the future (they would never age out); returns how many.
   */
  prune(nowSeconds: number): number {
    const before = nowSeconds - this.windowSeconds;
    const after = nowSeconds + MAX_CLOCK_SKEW_S;
    let dropped = 0;
    // Updates do not move a key in the Map, so a full scan: ~20 ms for a million connections.
    for (const [key, connection] of this.connections) {
      if (connection.seenAt < before || connection.seenAt > after) {
        this.connections.delete(key);
        dropped++;
      }
    }
    this.evictions.age += dropped;
    return dropped;
  }

  /** The connection of `key` within the window of `at`, created when there is none. */
  private find(key: string, at: number): Connection {
    const known = this.connections.get(key);
    if (known !== undefined) {
      // Halves of one connection are compared by the agents' clocks, not by arrival: an agent
      // replaying its spool after an outage still stitches.
      if (Math.abs(at - known.seenAt) <= this.windowSeconds) {
        if (at > known.seenAt) known.seenAt = at;
        return known;
      }
      // An older connection that used the same source port: start over.
      this.connections.delete(key);
    } else if (this.connections.size >= this.maxEntries) {
      const oldest = this.connections.keys().next();
      if (oldest.done !== true) this.connections.delete(oldest.value);
      this.evictions.size++;
    }
    const connection = new Connection(at);
    this.connections.set(key, connection);
    return connection;
  }
}

/**
 * The join key: protocol, the source the backend saw and the backend. The only string allocated
 * per record. Null when the record lacks those fields (the agent's closed records of an entry
 * half carry only client and entry).
 */
function joinKey(record: v1.IFlowRecord): string | null {
  const source = record.observedSource;
  const backend = record.backend;
  if (!source?.ip || !backend?.ip) return null;
  return `${record.protocol ?? ''} ${source.ip} ${source.port ?? 0} ${backend.ip} ${backend.port ?? 0}`;
}
