// The agent's real export path (spool + exporter over gRPC) fed with numbered synthetic flows, for
// fault tests that count what an agent emitted against what the collector stored.
import { pino } from 'pino';
import { channelCredentials } from '../../common/credentials.js';
import { CollectorExporter } from '../../agent/export/exporter.js';
import { Spool } from '../../agent/export/spool.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { v1 } from '../../proto/index.js';
import { flow } from './ingest-stream.js';

/** A streaming agent whose records are flow(node, first), flow(node, first + 1), ... */
export interface SyntheticAgent {
  readonly spool: Spool;
  readonly metrics: AgentMetrics;
  /** Records handed to the exporter so far. */
  readonly emitted: number;
  /** The index the next record gets. */
  readonly nextIndex: number;
  /** Hands `count` new records to the exporter. */
  emit(count: number): void;
  /** Records the collector acknowledged so far. */
  acked(): Promise<number>;
  /** Closes the open batch, waits until the spool is empty (all acked), stops. */
  drainAndStop(): Promise<void>;
}

/** Starts the exporter of `node` towards `address`, or several replicas (plaintext, fast reconnects). */
export async function startSyntheticAgent(
  address: string | readonly string[],
  node: string,
  options: { spoolDir?: string | null; batchMaxRecords?: number; firstIndex?: number } = {},
): Promise<SyntheticAgent> {
  const metrics = new AgentMetrics();
  const log = pino({ level: 'silent' });
  const spool = await Spool.open(
    { maxRecords: 1_000_000, dir: options.spoolDir ?? null },
    metrics,
    log,
  );
  const exporter = new CollectorExporter(
    {
      collectors: typeof address === 'string' ? [address] : address,
      node,
      agentVersion: 'synthetic',
      proxyMode: () => v1.ProxyMode.iptables,
      credentials: () => channelCredentials({ insecure: true }),
      token: () => null,
      batchMaxRecords: options.batchMaxRecords ?? 50,
      batchMaxDelayMs: 20,
      backoff: { initialMs: 20, maxMs: 200, multiplier: 2 },
      stopTimeoutMs: 60_000,
    },
    spool,
    metrics,
    log,
  );
  exporter.start();
  const firstIndex = options.firstIndex ?? 0;
  let emitted = 0;
  return {
    spool,
    metrics,
    get emitted() {
      return emitted;
    },
    get nextIndex() {
      return firstIndex + emitted;
    },
    emit(count) {
      for (let i = 0; i < count; i++) exporter.flow(flow(node, firstIndex + emitted++));
    },
    async acked() {
      const found = metrics.registry.getSingleMetric('snatscope_agent_export_records_acked_total');
      const values = found ? (await found.get()).values : [];
      return values.reduce((sum, v) => sum + v.value, 0);
    },
    async drainAndStop() {
      exporter.flush();
      await exporter.stop();
    },
  };
}
