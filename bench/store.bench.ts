// Benchmark of the collector's SQLite store (collector/sqlite-store.ts):
//  1. durability cost: synchronous FULL vs NORMAL, one batch vs 20 batches per transaction;
//  2. fill: N synthetic flows (default 10,000,000; ~50k clients, 200 Services, --nodes nodes,
//     first seen over 7 days, a share of backend halves and of closed records that update rows)
//     written with write() in transactions of 20 batches × 500 records, as the group writer does;
//  3. queries: `flows --client`, `--service` (with and without port) and `--node`, limit 100,
//     1000 random values each; p50/p95/p99.
// Prints a markdown table on stdout, progress on stderr, and writes bench/out/store.json.
//
//   node --import tsx bench/store.bench.ts [--flows 10000000] [--nodes 20] [--queries 1000]
//     [--sync-rows 200000] [--dir /tmp] [--keep]
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { v1 } from '../proto/index.js';
import { SqliteFlowDb, type SqliteFlowDbOptions } from '../collector/sqlite-flow-db.js';
import type { FlowFilter, StoreBatch } from '../collector/store.js';
import { median } from './stats.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: '10000000' },
    nodes: { type: 'string', default: '20' },
    clients: { type: 'string', default: '50000' },
    services: { type: 'string', default: '200' },
    queries: { type: 'string', default: '1000' },
    'batch-records': { type: 'string', default: '500' },
    'batches-per-write': { type: 'string', default: '20' },
    'sync-rows': { type: 'string', default: '200000' },
    dir: { type: 'string', default: tmpdir() },
    keep: { type: 'boolean', default: false },
  },
});
const FLOWS = Number(values.flows);
const NODES = Number(values.nodes);
const CLIENTS = Number(values.clients);
const SERVICES = Number(values.services);
const QUERIES = Number(values.queries);
const BATCH_RECORDS = Number(values['batch-records']);
const BATCHES_PER_WRITE = Number(values['batches-per-write']);
const SYNC_ROWS = Number(values['sync-rows']);
const DAYS = 7;

const log = (text: string): void => {
  process.stderr.write(`${text}\n`);
};

/** Nearest-rank percentile of a non-empty list (stats.ts has only the median). */
function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

// A small deterministic PRNG (mulberry32): runs are comparable with each other.
let seed = 0x5eed;
function random(): number {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const clients = Array.from(
  { length: CLIENTS },
  (_, i) => `100.${64 + ((i >> 16) & 63)}.${(i >> 8) & 255}.${i & 255}`,
);
const nodes = Array.from({ length: NODES }, (_, i) => `node-${i + 1}`);
const nodeIps = nodes.map((_, i) => `10.0.${i >> 8}.${(i & 255) + 1}`);
const portNames = ['http', 'https', 'grpc'];
const services = Array.from({ length: SERVICES }, (_, i) => ({
  namespace: `ns-${i % 20}`,
  name: `svc-${i}`,
  ports: portNames.slice(0, 1 + (i % 3)),
  nodePort: 30000 + i,
  local: i % 4 === 0,
}));
const states = ['ESTABLISHED', 'SYN_RECV', 'TIME_WAIT'];

/** Generates agent batches: flows in time order over 7 days, each node its own sequence. */
class Workload {
  rows = 0;
  records = 0;
  private readonly sequences = new Map<string, number>();
  private readonly start = Date.now() / 1000 - DAYS * 86400;
  // Flows to report again as closed a little later: they update their row.
  private readonly pendingCloses: v1.IFlowRecord[][] = nodes.map(() => []);

  constructor(private readonly total: number) {}

  /** The next `count` batches (fewer at the end), or an empty list when all rows are made. */
  next(count: number): StoreBatch[] {
    const batches: StoreBatch[] = [];
    while (batches.length < count && this.rows < this.total) {
      const nodeIndex = Math.floor(random() * NODES);
      const node = nodes[nodeIndex] ?? '';
      const flows: v1.IFlowRecord[] = [];
      while (flows.length < BATCH_RECORDS && this.rows < this.total) {
        const pending = this.pendingCloses[nodeIndex] ?? [];
        const closing = pending.length > 500 && random() < 0.3;
        flows.push(closing ? this.close(pending) : this.flow(node, nodeIndex, pending));
      }
      const sequence = (this.sequences.get(node) ?? 0) + 1;
      this.sequences.set(node, sequence);
      this.records += flows.length;
      batches.push({ node, bootId: 'bench', sequence, flows, services: null });
    }
    return batches;
  }

  private close(pending: v1.IFlowRecord[]): v1.IFlowRecord {
    const index = Math.floor(random() * pending.length);
    const open = pending[index] ?? {};
    pending[index] = pending[pending.length - 1] ?? {};
    pending.pop();
    return {
      ...open,
      state: 'TIME_WAIT',
      closed: true,
      observedAt: (open.observedAt ?? 0) + 30 * random(),
      originalCounters: { packets: 20, bytes: 3000 },
      replyCounters: { packets: 18, bytes: 90_000 },
    };
  }

  private flow(node: string, nodeIndex: number, pending: v1.IFlowRecord[]): v1.IFlowRecord {
    const i = this.rows++;
    const service = pick(services);
    const at = this.start + (i / this.total) * DAYS * 86400 + random();
    const client = pick(clients);
    const clientPort = 1024 + Math.floor(random() * 64000);
    const backend = { ip: `10.244.${Math.floor(random() * NODES)}.${2 + (i % 200)}`, port: 8080 };
    const common: v1.IFlowRecord = {
      node,
      protocol: 'tcp',
      entryKind: v1.FlowRecord.EntryKind.NodePort,
      service: { namespace: service.namespace, name: service.name, port: pick(service.ports) },
      externalTrafficPolicy: service.local ? v1.TrafficPolicy.Local : v1.TrafficPolicy.Cluster,
      proxyMode: v1.ProxyMode.iptables,
      state: pick(states),
      conntrackId: Math.floor(random() * 0xffffffff),
      observedAt: at,
      originalCounters: { packets: 3, bytes: 180 },
      replyCounters: { packets: 2, bytes: 120 },
      zone: 0,
      mark: service.local ? 0 : 0x4000,
      backend,
    };
    let record: v1.IFlowRecord;
    if (random() < 0.2 && !service.local) {
      // The far half of a Cluster-policy flow: the backend saw the entry node's address.
      const entryNode = (nodeIndex + 1) % NODES;
      record = {
        ...common,
        kind: v1.FlowRecord.Kind.backend,
        observedSource: { ip: nodeIps[entryNode] ?? '', port: clientPort },
        entryNode: nodes[entryNode] ?? '',
        endpointLocal: true,
      };
    } else {
      const snat = !service.local;
      record = {
        ...common,
        kind: v1.FlowRecord.Kind.flow,
        client: { ip: client, port: clientPort },
        entry: { ip: nodeIps[nodeIndex] ?? '', port: service.nodePort },
        observedSource: snat
          ? { ip: nodeIps[nodeIndex] ?? '', port: clientPort }
          : { ip: client, port: clientPort },
        snat,
        cause: snat ? v1.FlowRecord.Cause.ClusterPolicyMasquerade : v1.FlowRecord.Cause.None,
        endpointLocal: service.local || random() < 0.3,
      };
      if (snat && random() < 0.5) record.backendNode = pick(nodes);
    }
    // Half the flows are reported closed later; the oldest are dropped past 2000 per node so the
    // generator's memory stays flat.
    if (random() < 0.5) pending.push(record);
    if (pending.length > 2000) pending.splice(0, 500);
    // Decoded messages, as the collector gets them from gRPC: one shape for every record.
    return v1.FlowRecord.fromObject(record);
  }
}

interface Latency {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

function latency(samples: readonly number[]): Latency {
  const round = (x: number): number => Math.round(x * 1000) / 1000;
  return {
    p50: round(median(samples)),
    p95: round(percentile(samples, 95)),
    p99: round(percentile(samples, 99)),
    max: round(Math.max(...samples)),
  };
}

/** Writes `rows` flows into a fresh file; rows/s and the latency of each write() call. */
function fill(
  path: string,
  rows: number,
  batchesPerWrite: number,
  options: SqliteFlowDbOptions,
  progress: boolean,
): { rowsPerSecond: number; recordsPerSecond: number; writeMs: Latency; records: number } {
  const store = new SqliteFlowDb(path, options);
  const workload = new Workload(rows);
  const writeMs: number[] = [];
  let busy = 0;
  let lastReport = performance.now();
  const started = performance.now();
  for (;;) {
    const batches = workload.next(batchesPerWrite);
    if (batches.length === 0) break;
    const t0 = performance.now();
    store.write(batches, []);
    const spent = performance.now() - t0;
    busy += spent;
    writeMs.push(spent);
    if (progress && performance.now() - lastReport > 5000) {
      lastReport = performance.now();
      const elapsed = (lastReport - started) / 1000;
      log(
        `  ${workload.rows.toLocaleString()} rows (${Math.round((100 * workload.rows) / rows)}%), ` +
          `${Math.round(workload.rows / (busy / 1000)).toLocaleString()} rows/s in write(), ` +
          `${elapsed.toFixed(0)} s, rss ${Math.round(process.memoryUsage().rss / 2 ** 20)} MiB`,
      );
    }
  }
  store.close();
  return {
    rowsPerSecond: Math.round(workload.rows / (busy / 1000)),
    recordsPerSecond: Math.round(workload.records / (busy / 1000)),
    writeMs: latency(writeMs),
    records: workload.records,
  };
}

function fileBytes(path: string): number {
  let total = 0;
  for (const suffix of ['', '-wal', '-shm']) {
    try {
      total += statSync(path + suffix).size;
    } catch {
      // no WAL after a clean close
    }
  }
  return total;
}

const workDir = mkdtempSync(join(values.dir, 'snatscope-store-bench-'));
const result: Record<string, unknown> = {
  flows: FLOWS,
  nodes: NODES,
  clients: CLIENTS,
  services: SERVICES,
  batchRecords: BATCH_RECORDS,
  batchesPerWrite: BATCHES_PER_WRITE,
};
try {
  // 1. What durability costs: FULL fsyncs the WAL on every commit, NORMAL only at checkpoints.
  const sync: Record<string, unknown>[] = [];
  if (SYNC_ROWS > 0) {
    log(`durability: ${SYNC_ROWS.toLocaleString()} rows per run, FULL vs NORMAL`);
    for (const batchesPerWrite of [1, BATCHES_PER_WRITE]) {
      for (const synchronous of ['FULL', 'NORMAL'] as const) {
        const path = join(workDir, `sync-${synchronous}-${batchesPerWrite}.db`);
        const run = fill(path, SYNC_ROWS, batchesPerWrite, { synchronous }, false);
        rmSync(path, { force: true });
        sync.push({ synchronous, batchesPerWrite, ...run });
        log(
          `  ${synchronous} ${batchesPerWrite} batch(es)/write: ${run.rowsPerSecond.toLocaleString()} rows/s, write() p50 ${run.writeMs.p50} ms p99 ${run.writeMs.p99} ms`,
        );
      }
    }
  }
  result.durability = sync;

  // 2. Fill.
  const path = join(workDir, 'store.db');
  log(`fill: ${FLOWS.toLocaleString()} flows into ${path}`);
  const filled = fill(path, FLOWS, BATCHES_PER_WRITE, {}, true);
  const bytes = fileBytes(path);
  const raw = new Database(path, { readonly: true });
  const perObject = raw
    .prepare<[], { name: string; bytes: number }>(
      'SELECT name, sum(pgsize) AS bytes FROM dbstat GROUP BY name ORDER BY bytes DESC',
    )
    .all();
  raw.close();
  result.insert = { ...filled, fileBytes: bytes, bytesPerRow: Math.round(bytes / FLOWS) };
  result.objects = Object.fromEntries(
    perObject.map((o) => [o.name, { bytes: o.bytes, bytesPerRow: +(o.bytes / FLOWS).toFixed(1) }]),
  );
  log(`  ${filled.rowsPerSecond.toLocaleString()} rows/s, ${(bytes / 2 ** 30).toFixed(2)} GiB`);

  // 3. Queries on the reopened file (the OS page cache is warm, as on a collector).
  const store = new SqliteFlowDb(path);
  const rowCount = store.countFlows();
  const measure = (name: string, makeFilter: () => FlowFilter): Record<string, unknown> => {
    const samples: number[] = [];
    let returned = 0;
    for (let i = 0; i < QUERIES; i++) {
      const filter = makeFilter();
      const t0 = performance.now();
      returned += store.queryFlows(filter).flows.length;
      samples.push(performance.now() - t0);
    }
    const stats = { name, ...latency(samples), meanRows: Math.round(returned / QUERIES) };
    log(`  ${name}: p50 ${stats.p50} ms, p95 ${stats.p95} ms, p99 ${stats.p99} ms`);
    return stats;
  };
  log(`queries: ${QUERIES} each, limit 100, over ${rowCount.toLocaleString()} rows`);
  const queries = [
    measure('flows --client', () => ({ client: pick(clients), limit: 100 })),
    measure('flows --client --include-backend', () => ({
      client: pick(clients),
      limit: 100,
      includeBackend: true,
    })),
    measure('flows --service ns/name', () => {
      const s = pick(services);
      return { service: `${s.namespace}/${s.name}`, limit: 100 };
    }),
    measure('flows --service ns/name:port', () => {
      const s = pick(services);
      return { service: `${s.namespace}/${s.name}:${pick(s.ports)}`, limit: 100 };
    }),
    measure('flows --node', () => ({ node: pick(nodes), limit: 100 })),
    measure('flows --client --since (last day)', () => ({
      client: pick(clients),
      since: Date.now() / 1000 - 86400,
      limit: 100,
    })),
    measure('flows (no filter)', () => ({ limit: 100 })),
  ];
  // 4. Retention: prune the oldest day (1/7 of the rows), in chunks of 10,000 rows.
  const pruneStarted = performance.now();
  const pruned = store.prune(Date.now() / 1000 - (DAYS - 1) * 86400);
  const pruneMs = performance.now() - pruneStarted;
  const prune = {
    rows: pruned,
    seconds: +(pruneMs / 1000).toFixed(1),
    rowsPerSecond: Math.round(pruned / (pruneMs / 1000)),
    // Each chunk is one write transaction: how long ingest may wait for the lock.
    meanChunkMs: +(pruneMs / Math.max(1, Math.ceil(pruned / 10_000))).toFixed(1),
  };
  log(
    `prune: ${pruned.toLocaleString()} rows in ${prune.seconds} s, ~${prune.meanChunkMs} ms per chunk`,
  );
  store.close();
  result.prune = prune;
  result.rows = rowCount;
  result.queries = queries;
  const usage = process.resourceUsage();
  result.rssMiB = Math.round(process.memoryUsage().rss / 2 ** 20);
  result.maxRssMiB = Math.round(usage.maxRSS / 1024);

  // Report.
  const lines = [
    `## SqliteFlowDb, ${rowCount.toLocaleString()} rows (${NODES} nodes, ${CLIENTS.toLocaleString()} clients, ${SERVICES} Services, 7 days)`,
    '',
    '| measure | value |',
    '| --- | --- |',
    `| insert (write(), ${BATCHES_PER_WRITE}×${BATCH_RECORDS} records per transaction, FULL) | ${filled.rowsPerSecond.toLocaleString()} rows/s (${filled.recordsPerSecond.toLocaleString()} records/s incl. updates) |`,
    `| write() call latency p50 / p99 / max | ${filled.writeMs.p50} / ${filled.writeMs.p99} / ${filled.writeMs.max} ms |`,
    `| file size | ${(bytes / 2 ** 30).toFixed(2)} GiB, ${Math.round(bytes / rowCount)} bytes/row |`,
    ...perObject
      .slice(0, 10)
      .map(
        (o) =>
          `| · ${o.name} | ${(o.bytes / 2 ** 20).toFixed(0)} MiB, ${(o.bytes / rowCount).toFixed(1)} bytes/row |`,
      ),
    ...queries.map(
      (q) =>
        `| ${String(q.name)} (limit 100) p50 / p95 / p99 | ${String(q.p50)} / ${String(q.p95)} / ${String(q.p99)} ms (mean ${String(q.meanRows)} rows) |`,
    ),
    `| prune oldest day (${prune.rows.toLocaleString()} rows, chunks of 10,000) | ${prune.rowsPerSecond.toLocaleString()} rows/s, ~${prune.meanChunkMs} ms per chunk (write lock held) |`,
    `| RSS at end / max | ${String(result.rssMiB)} / ${String(result.maxRssMiB)} MiB |`,
    ...sync.map(
      (s) =>
        `| durability ${String(s.synchronous)}, ${String(s.batchesPerWrite)} batch(es) per write, ${SYNC_ROWS.toLocaleString()} rows | ${Number(s.rowsPerSecond).toLocaleString()} rows/s, write() p50 ${(s.writeMs as Latency).p50} ms, p99 ${(s.writeMs as Latency).p99} ms |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  mkdirSync(join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(join(root, 'bench', 'out', 'store.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  if (!values.keep) rmSync(workDir, { recursive: true, force: true });
  else log(`kept ${workDir}`);
}
