// Every in-memory cache of the collector is sized from one budget (`--memory-budget`), so that
// what agents send (or an attacker with an agent's credentials) cannot grow the process past its
// container limit. The budget covers the caches only: the process itself (~80 MB), messages being
// decoded (at most 4 MiB each on the wire, see MAX_INGEST_MESSAGE_BYTES) and SQLite's page cache
// come on top, so the default of 256 MiB leaves room under the deploy's 512Mi limit.
//
// Bytes per entry were measured on Node 20 (heapUsed after gc() with --expose-gc, entries decoded
// from protobuf as the ingest holds them), rounded up:
//   stitcher connection waiting for its other half (it keeps the entry record)   ~1,100 B → 1,200
//   correlated Service port with 64 top clients and 5 entry nodes                 ~6,900 B → 8,192
//   service state of a node: ~520 B plus ~85 B per endpoint                         → 512 + 96 each
//   snatscope_flows_total series (its label values, slot and prom-client entry)  ~1,600 B → 1,600
// Shares: the stitcher gets half (it holds up to two minutes of every node's new connections), the
// correlator's Service ports 15 %, the nodes' service states 20 % (every node reports every
// externally reachable Service port), metric series 10 %; 5 % is slack for the maps themselves.

/** The default `--memory-budget`: half of the deploy's 512Mi collector limit. */
export const DEFAULT_MEMORY_BUDGET_BYTES = 256 * 1024 * 1024;

/** Below this the bounds get too small to correlate anything useful. */
export const MIN_MEMORY_BUDGET_BYTES = 16 * 1024 * 1024;

/**
 * An entry stamped further than this in the future (agents' clocks) is treated as stale: its time
 * cannot be trusted, and it would otherwise never age out.
 */
export const MAX_CLOCK_SKEW_S = 300;

/**
 * A Service port without a flow for this long is forgotten by the correlator and loses its metric
 * series: twice the hour of stored history a restart rebuilds the view from (collector.ts), so
 * nothing is kept that a restarted collector would not show either.
 */
export const IDLE_SECONDS = 2 * 3600;

/** Estimated bytes of one stitcher connection (see the table above). */
export const STITCH_CONNECTION_BYTES = 1200;
/** Estimated bytes of one correlated Service port. */
export const SERVICE_PORT_BYTES = 8192;
/** Estimated bytes of one node's service state, without its endpoints. */
export const SERVICE_STATE_BYTES = 512;
/** Estimated bytes of one endpoint in a service state. */
export const ENDPOINT_BYTES = 96;
/** Estimated bytes of one metric series. */
export const METRIC_SERIES_BYTES = 1600;

const SHARE = { stitch: 0.5, services: 0.15, states: 0.2, metrics: 0.1 } as const;

/** The bound of every cache, derived from one budget. */
export interface CacheLimits {
  /** Stitcher connections (entry or backend halves waiting, or stitched and open). */
  readonly stitchConnections: number;
  /** Service ports the correlator aggregates flows for. */
  readonly services: number;
  /** Estimated bytes of all nodes' service states together. */
  readonly serviceStateBytes: number;
  /** Series of one metric; further label sets are reported as "(other)". */
  readonly metricSeries: number;
  /** Nodes with label values of their own. */
  readonly nodeLabels: number;
}

/** The bounds of every cache for `budgetBytes` (see the shares and sizes above). */
export function cacheLimits(budgetBytes: number): CacheLimits {
  const entries = (share: number, bytes: number): number =>
    Math.max(1, Math.floor((budgetBytes * share) / bytes));
  const metricSeries = entries(SHARE.metrics, METRIC_SERIES_BYTES);
  return Object.freeze({
    stitchConnections: entries(SHARE.stitch, STITCH_CONNECTION_BYTES),
    services: entries(SHARE.services, SERVICE_PORT_BYTES),
    serviceStateBytes: Math.floor(budgetBytes * SHARE.states),
    metricSeries,
    // A node has a series per Service it takes traffic for: give each node room for ~16.
    nodeLabels: Math.max(1, Math.floor(metricSeries / 16)),
  });
}

/** What evicted entries of one cache, counted for snatscope_cache_evictions_total. */
export class EvictionCounts {
  /** Entries idle for longer than the cache keeps them (or stamped in the future). */
  age = 0;
  /** Entries dropped, oldest first, to stay within the cache's bound. */
  size = 0;
}
