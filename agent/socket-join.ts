// Joins the backend socket's view (socket-tracer.ts) to the records leaving the agent. A record's
// reply tuple names the backend (reply.src:sport = record.backend) and the source it saw
// (reply.dst:dport = record.observedSource); a passive open names the server socket and its peer.
// Either may come first: with polling the socket is usually seen before the record, with conntrack
// events after it. A record emitted before its socket is kept a while and emitted again with
// `socketObserved` set (the collector merges it into the stored row). Bounded in size and time.
import type { Logger } from 'pino';
import { v1 } from '../proto/index.js';
import type { AgentMetrics } from './metrics.js';
import type { RecordSink } from './pipeline.js';
import type { SocketOpen } from './sources/socket-tracer.js';

/** Bounds of the join. */
export interface SocketJoinOptions {
  /** Sockets and waiting records are forgotten after this long. */
  ttlMs: number;
  /** Sockets kept at most (oldest dropped first); waiting records likewise. */
  maxEntries: number;
  now: () => number;
}

export const DEFAULT_SOCKET_JOIN: Readonly<Omit<SocketJoinOptions, 'now'>> = Object.freeze({
  // Longer than a slow poll interval plus the handshake: the two sides meet within it.
  ttlMs: 30_000,
  // Some 200 bytes a socket: ~13 MB at most, about 30 s of 2,000 new connections/s.
  maxEntries: 65_536,
});

interface Kept<T> {
  value: T;
  at: number;
}

/**
 * A Map bounded by size and age. Insertion order is time order (an entry is re-inserted when
 * replaced), so the oldest are at its head.
 */
class BoundedIndex<T> {
  private readonly entries = new Map<string, Kept<T>>();
  evicted = 0;

  constructor(private readonly options: SocketJoinOptions) {}

  get size(): number {
    return this.entries.size;
  }

  set(key: string, value: T): void {
    const now = this.options.now();
    this.expire(now);
    this.entries.delete(key);
    if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done !== true) this.entries.delete(oldest.value);
      this.evicted++;
    }
    this.entries.set(key, { value, at: now });
  }

  /** The live value of `key`, removed from the index. */
  take(key: string): T | undefined {
    const kept = this.entries.get(key);
    if (kept === undefined) return undefined;
    this.entries.delete(key);
    return this.options.now() - kept.at <= this.options.ttlMs ? kept.value : undefined;
  }

  private expire(now: number): void {
    for (const [key, kept] of this.entries) {
      if (now - kept.at <= this.options.ttlMs) return;
      this.entries.delete(key);
    }
  }
}

/** `ip port` of an endpoint. */
const endpointKey = (ip: string, port: number): string => `${ip} ${port}`;

/** One side of the join: held by the connection, and by (server, peer port) to find a rewrite. */
class Side<T> {
  private readonly exact: BoundedIndex<T>;
  private readonly byPeerPort: BoundedIndex<string>;

  constructor(options: SocketJoinOptions) {
    this.exact = new BoundedIndex(options);
    this.byPeerPort = new BoundedIndex(options);
  }

  get size(): number {
    return this.exact.size;
  }

  set(server: string, peerIp: string, peerPort: number, value: T): void {
    const key = `${server} ${peerIp} ${peerPort}`;
    this.exact.set(key, value);
    this.byPeerPort.set(`${server} ${peerPort}`, key);
  }

  /**
   * The value of this connection, else of one to the same server from the same peer port but
   * another peer address (the address was rewritten between conntrack and the socket).
   */
  take(server: string, peerIp: string, peerPort: number): T | undefined {
    const found = this.exact.take(`${server} ${peerIp} ${peerPort}`);
    if (found !== undefined) return found;
    const other = this.byPeerPort.take(`${server} ${peerPort}`);
    return other === undefined ? undefined : this.exact.take(other);
  }
}

/** Where the join counts what it saw. */
export type SocketJoinMetrics = Pick<AgentMetrics, 'socketEvents' | 'socketMismatches'>;

/**
 * A RecordSink in front of the agent's own: records pass through (with `socketObserved` when
 * their socket was seen), and socket() takes the tracer's passive opens. Only sockets of this
 * node's local endpoints are kept — the Service states the agent sends name them — which on a
 * node with several network namespaces (the lab) also leaves out the other "nodes'" pods.
 */
export class SocketJoin implements RecordSink {
  private localEndpoints = new Set<string>();
  private readonly sockets: Side<SocketOpen>;
  /** Records emitted before their socket was seen. */
  private readonly waiting: Side<v1.IFlowRecord>;

  constructor(
    private readonly sink: RecordSink,
    private readonly metrics: SocketJoinMetrics,
    private readonly log: Logger,
    options: Partial<SocketJoinOptions> = {},
  ) {
    const bounds = { ...DEFAULT_SOCKET_JOIN, now: Date.now, ...options };
    this.sockets = new Side(bounds);
    this.waiting = new Side(bounds);
  }

  /** Sockets and waiting records held now. */
  get size(): { sockets: number; waiting: number } {
    return { sockets: this.sockets.size, waiting: this.waiting.size };
  }

  services(all: readonly v1.IServiceState[], changed: readonly v1.IServiceState[]): void {
    const local = new Set<string>();
    for (const state of all) {
      for (const endpoint of state.endpoints ?? []) {
        if (endpoint.local === true) local.add(endpointKey(endpoint.ip ?? '', endpoint.port ?? 0));
      }
    }
    this.localEndpoints = local;
    this.sink.services(all, changed);
  }

  flow(record: v1.IFlowRecord): void {
    const server = socketServer(record);
    const source = record.observedSource;
    if (server !== null && source?.ip) {
      const socket = this.sockets.take(server, source.ip, source.port ?? 0);
      if (socket !== undefined) {
        this.metrics.socketEvents.inc({ result: 'joined' });
        this.observe(record, socket);
      } else if (record.closed !== true) {
        // The socket event comes after conntrack's NEW (the handshake ends later).
        this.waiting.set(server, source.ip, source.port ?? 0, record);
      }
    }
    this.sink.flow(record);
  }

  flush(): void {
    this.sink.flush();
  }

  /** A passive open seen by the tracer. */
  socket(open: SocketOpen): void {
    const server = endpointKey(open.serverIp, open.serverPort);
    if (!this.localEndpoints.has(server)) {
      this.metrics.socketEvents.inc({ result: 'not-local' });
      return;
    }
    const record = this.waiting.take(server, open.peerIp, open.peerPort);
    if (record === undefined) {
      this.metrics.socketEvents.inc({ result: 'kept' });
      this.sockets.set(server, open.peerIp, open.peerPort, open);
      return;
    }
    this.metrics.socketEvents.inc({ result: 'late' });
    // A copy: the first record may still sit in the sink's batch.
    const again = { ...record };
    this.observe(again, open);
    this.sink.flow(again);
  }

  /** Sets the socket's peer on the record; says so when it is not the source conntrack saw. */
  private observe(record: v1.IFlowRecord, socket: SocketOpen): void {
    record.socketObserved = { ip: socket.peerIp, port: socket.peerPort };
    const source = record.observedSource;
    if (source?.ip === socket.peerIp && (source.port ?? 0) === socket.peerPort) return;
    this.metrics.socketMismatches.inc();
    this.log.warn(
      {
        backend: record.backend,
        conntrackSource: source,
        socketPeer: record.socketObserved,
        service: record.service,
      },
      'the backend socket saw another source than conntrack: something rewrote it after conntrack',
    );
  }
}

/**
 * `ip port` of the backend when its socket lives on this node — a backend half, or an entry flow
 * whose endpoint is local — and has one (TCP); null otherwise.
 */
function socketServer(record: v1.IFlowRecord): string | null {
  if (record.protocol !== 'tcp') return null;
  const local = record.kind === v1.FlowRecord.Kind.backend || record.endpointLocal === true;
  const backend = record.backend;
  if (!local || !backend?.ip) return null;
  return endpointKey(backend.ip, backend.port ?? 0);
}
