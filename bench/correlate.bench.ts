// Benchmark: the collector's in-memory path per record — stitch, correlate, count on
// snatscope_flows_total — for 2,000,000 synthetic records (entry halves on three nodes, backend
// halves for the two thirds that crossed nodes, one closed record per ten), median of 5 runs in
// this process (after one warm-up run).
//
//   npx tsx bench/correlate.bench.ts [--records N] [--runs N]
import { parseArgs } from 'node:util';
import { Correlator } from '../collector/correlate.js';
import { CollectorMetrics } from '../collector/metrics.js';
import { Stitcher } from '../collector/stitch.js';
import { v1 } from '../proto/index.js';
import { median } from './stats.js';

const { Kind, Cause } = v1.FlowRecord;
const NODES = ['n1', 'n2', 'n3'];
const SERVICES = 100;

/** Records shaped like decoded agent batches; built before timing so only the path is measured. */
function generate(count: number): v1.IFlowRecord[] {
  const records: v1.IFlowRecord[] = [];
  for (let i = 0; records.length < count; i++) {
    const entryNode = i % 3;
    const backendNode = (i * 7) % 3;
    const local = entryNode === backendNode;
    const service = { namespace: `ns${i % 10}`, name: `svc${i % SERVICES}`, port: 'http' };
    const nodeIp = `203.0.113.${11 + entryNode}`;
    const observedSource = local
      ? { ip: `10.244.${entryNode + 1}.1`, port: 10000 + (i % 50000) }
      : { ip: nodeIp, port: 10000 + (i % 50000) };
    const backend = { ip: `10.244.${backendNode + 1}.${(i % 200) + 2}`, port: 8080 };
    const at = 1_000_000 + i / 1000;
    const entry: v1.IFlowRecord = {
      kind: Kind.flow,
      node: NODES[entryNode] ?? '',
      protocol: 'tcp',
      client: { ip: `198.51.${(i >> 8) % 256}.${i % 256}`, port: 30000 + (i % 30000) },
      entry: { ip: nodeIp, port: 30080 },
      entryKind: v1.FlowRecord.EntryKind.NodePort,
      backend,
      observedSource,
      snat: true,
      cause: Cause.ClusterPolicyMasquerade,
      service,
      externalTrafficPolicy: v1.TrafficPolicy.Cluster,
      endpointLocal: local,
      conntrackId: i + 1,
      observedAt: at,
      closed: false,
    };
    records.push(entry);
    if (!local) {
      records.push({
        kind: Kind.backend,
        node: NODES[backendNode] ?? '',
        protocol: 'tcp',
        backend,
        observedSource,
        service,
        externalTrafficPolicy: v1.TrafficPolicy.Cluster,
        endpointLocal: true,
        conntrackId: (i + 1) ^ 0x5555,
        observedAt: at + 0.001,
        closed: false,
      });
    }
    if (i % 10 === 0) records.push({ ...entry, closed: true, observedAt: at + 5 });
  }
  records.length = count;
  return records;
}

/** One run over fresh state; returns records per second. */
function run(records: readonly v1.IFlowRecord[]): number {
  const stitcher = new Stitcher();
  const correlator = new Correlator({ upstreamCidrs: ['192.0.2.0/24'] });
  const metrics = new CollectorMetrics();
  metrics.attach(correlator, stitcher);
  const started = process.hrtime.bigint();
  for (const record of records) {
    // Stitching mutates the record; a copy per run would cost more than the path itself, and
    // the fields it sets are overwritten identically on every run.
    stitcher.stitch(record);
    correlator.addFlow(record);
    metrics.observeFlow(record);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return records.length / seconds;
}

const { values } = parseArgs({
  options: {
    records: { type: 'string', default: '2000000' },
    runs: { type: 'string', default: '5' },
  },
});
const records = generate(Number(values.records));
run(records);
const rates: number[] = [];
for (let i = 0; i < Number(values.runs); i++) {
  const rate = run(records);
  process.stderr.write(`run ${i + 1}: ${Math.round(rate).toLocaleString('en')} records/s\n`);
  rates.push(rate);
}
process.stdout.write(
  JSON.stringify({
    benchmark: 'correlate',
    records: records.length,
    runs: rates.length,
    medianRecordsPerSecond: Math.round(median(rates)),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
  }) + '\n',
);
