// What a lab collector's SQLite file holds, read directly (the synchronous database, not the
// collector's worker): rows per reporting node and kind, and the entry rows a backend node was
// stitched onto. For fault tests that compare the agents' own counters with the store.
import { SqliteFlowDb } from '../../collector/sqlite-flow-db.js';
import { v1 } from '../../proto/index.js';

/** Rows per "node kind" (kind: flow or backend) and the stitched entry rows. */
export interface StoredRows {
  rows: Map<string, number>;
  stitched: number;
}

/** Counts the rows of the store at `db`. */
export function storedRows(db: string): StoredRows {
  const store = new SqliteFlowDb(db);
  try {
    const rows = new Map<string, number>();
    let stitched = 0;
    for (const row of store.queryFlows({ limit: 10_000_000, includeBackend: true }).flows) {
      const backend = row.kind === v1.FlowRecord.Kind.backend;
      const key = `${row.node ?? ''} ${backend ? 'backend' : 'flow'}`;
      rows.set(key, (rows.get(key) ?? 0) + 1);
      if (!backend && row.backendNode) stitched++;
    }
    return { rows, stitched };
  } finally {
    store.close();
  }
}
