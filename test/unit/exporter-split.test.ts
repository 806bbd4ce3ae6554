// The exporter splits what it spools so that no message exceeds the bound the collector enforces
// (MAX_INGEST_MESSAGE_BYTES; a smaller one here): batches by encoded size, and what cannot be
// split (one huge record, a services snapshot) is dropped and counted rather than spooled to be
// refused forever. No network: the exporter is never started.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { CollectorExporter } from '../../agent/export/exporter.js';
import { Spool, type SpoolEntry } from '../../agent/export/spool.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { v1 } from '../../proto/index.js';

const MAX_BYTES = 10_000;

async function exporterWithSpool(): Promise<{
  exporter: CollectorExporter;
  spool: Spool;
  metrics: AgentMetrics;
}> {
  const metrics = new AgentMetrics();
  const log = pino({ level: 'silent' });
  const spool = await Spool.open(
    { maxRecords: 1_000_000, dir: null, maxMessageBytes: MAX_BYTES },
    metrics,
    log,
  );
  const exporter = new CollectorExporter(
    {
      collectors: ['127.0.0.1:1'],
      node: 'n1',
      agentVersion: 'test',
      proxyMode: () => v1.ProxyMode.iptables,
      credentials: () => grpc.credentials.createInsecure(),
      token: () => null,
      batchMaxRecords: 1_000_000,
      batchMaxDelayMs: 60_000,
    },
    spool,
    metrics,
    log,
  );
  return { exporter, spool, metrics };
}

const record = (i: number, name = 'api'): v1.IFlowRecord => ({
  kind: v1.FlowRecord.Kind.flow,
  node: 'n1',
  protocol: 'tcp',
  client: { ip: '198.51.100.50', port: 1024 + i },
  service: { namespace: 'shop', name, port: 'http' },
  conntrackId: i,
  observedAt: 1000,
});

/** Every spooled message, oldest first. */
function spooled(spool: Spool): SpoolEntry[] {
  const entries: SpoolEntry[] = [];
  for (let entry = spool.firstAfter(0); entry; entry = spool.firstAfter(entry.sequence)) {
    entries.push(entry);
  }
  return entries;
}

async function dropped(metrics: AgentMetrics, name: string): Promise<string> {
  return metrics.registry.getSingleMetricAsString(name);
}

describe('exporter message splitting', () => {
  it('splits a batch over the byte bound into consecutive messages that each fit', async () => {
    const { exporter, spool } = await exporterWithSpool();
    const total = 2000; // ~60 bytes each: ~120 KB in one batch
    for (let i = 0; i < total; i++) exporter.flow(record(i));
    exporter.flush();
    const entries = spooled(spool);
    assert.ok(entries.length >= 12, `${entries.length} messages`);
    for (const entry of entries)
      assert.ok(entry.bytes.length <= MAX_BYTES, `${entry.bytes.length}`);
    assert.deepEqual(
      entries.map((e) => e.sequence),
      entries.map((_, i) => i + 1),
    );
    const ids = entries.flatMap(
      (e) =>
        v1.AgentMessage.decode(e.bytes).batch?.records?.map((r) => Number(r.conntrackId)) ?? [],
    );
    assert.deepEqual(
      ids,
      Array.from({ length: total }, (_, i) => i),
      'every record once, in order',
    );
  });

  it('drops and counts a single record larger than the bound, and keeps the rest', async () => {
    const { exporter, spool, metrics } = await exporterWithSpool();
    exporter.flow(record(1));
    exporter.flow(record(2, 'x'.repeat(MAX_BYTES)));
    exporter.flow(record(3));
    exporter.flush();
    const ids = spooled(spool).flatMap(
      (e) =>
        v1.AgentMessage.decode(e.bytes).batch?.records?.map((r) => Number(r.conntrackId)) ?? [],
    );
    assert.deepEqual(ids, [1, 3]);
    assert.match(
      await dropped(metrics, 'snatscope_agent_spool_dropped_records_total'),
      /\{reason="oversize"\} 1$/m,
    );
  });

  it('drops and counts a services snapshot larger than the bound (a snapshot cannot be split)', async () => {
    const { exporter, spool, metrics } = await exporterWithSpool();
    exporter.services(
      Array.from({ length: 500 }, (_, i) => ({
        node: 'n1',
        service: { namespace: 'shop', name: `svc-${i}`, port: 'http' },
        protocol: 'tcp',
      })),
    );
    exporter.flush();
    assert.equal(spool.length, 0);
    assert.match(
      await dropped(metrics, 'snatscope_agent_spool_dropped_messages_total'),
      /\{reason="oversize"\} 1$/m,
    );
  });
});
