// A process for the store's crash test: it writes numbered batches to a SqliteFlowStore and
// reports each acknowledged sequence on stdout, then gets killed with SIGKILL by the test.
//
//   node --import tsx test/support/store-crash-writer.ts <db> stop <N>   # hang after sequence N
//   node --import tsx test/support/store-crash-writer.ts <db> run        # write until killed
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { v1 } from '../../proto/index.js';
import { SqliteFlowStore } from '../../collector/sqlite-store.js';
import type { StoreBatch } from '../../collector/store.js';

/** Node and boot id every crash-test batch carries. */
export const CRASH_NODE = 'crash-node';
/** Boot id of the crash writer's agent. */
export const CRASH_BOOT = 'boot-1';
/** Records in each crash-test batch. */
export const CRASH_BATCH_RECORDS = 50;

/** The batch with this sequence: deterministic, so the test can rebuild what should be stored. */
export function crashBatch(sequence: number): StoreBatch {
  const flows: v1.IFlowRecord[] = [];
  for (let i = 0; i < CRASH_BATCH_RECORDS; i++) {
    flows.push({
      kind: v1.FlowRecord.Kind.flow,
      node: CRASH_NODE,
      protocol: 'tcp',
      client: { ip: `198.51.100.${sequence % 250}`, port: 10_000 + i },
      entry: { ip: '10.0.0.1', port: 30080 },
      backend: { ip: '10.244.1.5', port: 8080 },
      observedSource: { ip: '10.0.0.1', port: 40_000 + i },
      snat: true,
      cause: v1.FlowRecord.Cause.ClusterPolicyMasquerade,
      service: { namespace: 'shop', name: 'api', port: 'http' },
      state: 'ESTABLISHED',
      conntrackId: sequence * 1000 + i,
      observedAt: 1_700_000_000 + sequence,
    });
  }
  return { node: CRASH_NODE, bootId: CRASH_BOOT, sequence, flows, services: null };
}

async function main(args: string[]): Promise<void> {
  const [path, mode, stopAt] = args;
  if (path === undefined || (mode !== 'stop' && mode !== 'run')) {
    throw new Error('usage: store-crash-writer.ts <db> stop <N> | run');
  }
  const last = mode === 'stop' ? Number(stopAt) : Number.POSITIVE_INFINITY;
  // The collector's store (worker thread): a write is durable once its promise resolves.
  const store = new SqliteFlowStore(path);
  await store.opened;
  for (let sequence = 1; sequence <= last; sequence++) {
    await store.write([crashBatch(sequence)], []);
    // Synchronous on purpose: the line must be out before the next write begins.
    writeSync(1, `stored ${sequence}\n`);
  }
  // Hang without closing the store: the test kills us while the WAL is still unchecked.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main(process.argv.slice(2));
