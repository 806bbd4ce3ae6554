// Collector ingest benchmark: 10 simulated agents stream pre-encoded batches over loopback gRPC to
// a collector process (ingest + validate + stitch + correlate + metrics + store), each agent keeping
// a window of unacknowledged batches. Measures records/s from the first batch to the last ack, with
// the SQLite store and without a store, and the collector's peak RSS.
//
//   npx tsx bench/ingest.bench.ts [--agents 10] [--flows-per-agent 100000] [--batch 500] [--runs 3]
// Roles (internal): --role collector|agents.
import * as grpc from '@grpc/grpc-js';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { Collector } from '../collector/collector.js';
import {
  decodeCollectorMessage,
  encodeAgentMessage,
  INGEST_STREAM_PATH,
} from '../common/ingest-rpc.js';
import { v1 } from '../proto/index.js';
import { agentRecords, genNodeName } from './flow-gen.js';
import { NullFlowStore } from './null-store.js';
import { median } from './stats.js';
import { loopbackCollectorConfig } from '../test/support/collector-config.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    role: { type: 'string', default: 'main' },
    agents: { type: 'string', default: '10' },
    'flows-per-agent': { type: 'string', default: '100000' },
    batch: { type: 'string', default: '500' },
    runs: { type: 'string', default: '3' },
    window: { type: 'string', default: '32' },
    store: { type: 'string', default: 'sqlite' },
    db: { type: 'string', default: '' },
    target: { type: 'string', default: '' },
  },
});
const agents = Number(values.agents);
const flowsPerAgent = Number(values['flows-per-agent']);
const batchFlows = Number(values.batch);

function peakRssMb(): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Child: a collector on loopback ports; prints its ports, stops on SIGTERM and prints its RSS. */
async function collectorRole(): Promise<void> {
  const log = pino({ level: 'warn' }, pino.destination(2));
  // Loopback and nothing queries it during the benchmark.
  const config = loopbackCollectorConfig(values.db);
  const collector = new Collector(
    config,
    log,
    values.store === 'none' ? new NullFlowStore() : undefined,
  );
  await collector.start();
  process.stdout.write(
    JSON.stringify({ grpcPort: collector.grpcPort, httpPort: collector.httpPort }) + '\n',
  );
  await once(process, 'SIGTERM');
  await collector.stop();
  // Every thread of the process (the SQLite worker too), start-up included.
  const cpu = process.cpuUsage();
  process.stdout.write(
    JSON.stringify({ peakRssMb: peakRssMb(), cpuSeconds: (cpu.user + cpu.system) / 1e6 }) + '\n',
  );
}

/** One simulated agent's whole stream, encoded before the clock starts, and its record count. */
function encodeAgent(node: number): { messages: Buffer[]; records: number } {
  const cluster = { nodes: agents, start: Date.now() / 1000 - 600 };
  const messages: Buffer[] = [
    encodeAgentMessage({
      hello: {
        node: genNodeName(node),
        agentVersion: 'bench',
        proxyMode: v1.ProxyMode.iptables,
        bootId: `bench-${process.pid}-${node}`,
      },
    }),
  ];
  let count = 0;
  for (let from = 0, sequence = 1; from < flowsPerAgent; from += batchFlows, sequence++) {
    const records = agentRecords(cluster, node, from, Math.min(from + batchFlows, flowsPerAgent));
    count += records.length;
    messages.push(encodeAgentMessage({ batch: { sequence, records } }));
  }
  return { messages, records: count };
}

/** Streams one agent's messages keeping `window` batches unacknowledged; resolves at the last ack. */
function streamAgent(
  client: grpc.Client,
  messages: readonly Buffer[],
  window: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const last = messages.length - 1;
    let next = 1;
    let acked = -1;
    const call = client.makeBidiStreamRequest<Buffer, v1.CollectorMessage>(
      INGEST_STREAM_PATH,
      (bytes) => bytes,
      decodeCollectorMessage,
    );
    const pump = (): void => {
      while (next <= last && next - Math.max(acked, 0) <= window) {
        const message = messages[next++];
        if (message) call.write(message);
      }
      if (next > last) call.end();
    };
    call.on('data', (message: v1.CollectorMessage) => {
      if (message.rejection) {
        reject(new Error(`rejected: ${message.rejection.reason}`));
        return;
      }
      acked = message.ack?.sequence ?? 0;
      if (acked >= last) resolve();
      else pump();
    });
    call.on('error', reject);
    const hello = messages[0];
    if (hello) call.write(hello);
  });
}

/** Child: encodes every agent's stream, says "ready", waits for "go", streams, prints seconds. */
async function agentsRole(): Promise<void> {
  const streams = Array.from({ length: agents }, (_, node) => encodeAgent(node));
  const encoded = streams.map((s) => s.messages);
  const records = streams.reduce((sum, s) => sum + s.records, 0);
  process.stdout.write(JSON.stringify({ ready: true, records }) + '\n');
  const lines = createInterface({ input: process.stdin });
  await once(lines, 'line');
  const clients = encoded.map(
    () =>
      new grpc.Client(values.target, grpc.credentials.createInsecure(), {
        'grpc.use_local_subchannel_pool': 1,
      }),
  );
  const started = process.hrtime.bigint();
  await Promise.all(
    encoded.map((messages, i) =>
      streamAgent(clients[i] as grpc.Client, messages, Number(values.window)),
    ),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  for (const client of clients) client.close();
  process.stdout.write(JSON.stringify({ seconds, records }) + '\n');
  lines.close();
}

function firstJson(child: ChildProcess): Promise<Record<string, unknown>> {
  if (!child.stdout) throw new Error('child has no stdout');
  const lines = createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      lines.close();
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
    child.once('exit', (code) => {
      reject(new Error(`child exited with ${code} before reporting`));
    });
  });
}

function spawnRole(args: readonly string[]): ChildProcess {
  return spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'ingest.bench.ts'), ...args],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
}

/** One measured run against a fresh collector. */
async function runOnce(
  store: 'sqlite' | 'none',
  dir: string,
  run: number,
): Promise<{ rate: number; rssMb: number; cpuUs: number }> {
  const db = join(dir, `run-${store}-${run}.db`);
  const collector = spawnRole(['--role', 'collector', '--store', store, '--db', db]);
  const ports = await firstJson(collector);
  const sender = spawnRole([
    '--role',
    'agents',
    '--agents',
    String(agents),
    '--flows-per-agent',
    String(flowsPerAgent),
    '--batch',
    String(batchFlows),
    '--window',
    values.window,
    '--target',
    `127.0.0.1:${String(ports.grpcPort)}`,
  ]);
  const senderExit = once(sender, 'exit');
  const ready = await firstJson(sender);
  const result = firstJson(sender);
  sender.stdin?.write('go\n');
  const { seconds } = (await result) as { seconds: number };
  const exitRss = firstJson(collector);
  collector.kill('SIGTERM');
  const { peakRssMb: rssMb, cpuSeconds } = (await exitRss) as {
    peakRssMb: number;
    cpuSeconds: number;
  };
  await senderExit;
  const rate = Number(ready.records) / seconds;
  // CPU per record does not depend on what else runs on the machine; the rate does.
  const cpuUs = (cpuSeconds * 1e6) / Number(ready.records);
  process.stderr.write(
    `  ${store} run ${run + 1}: ${Number(ready.records)} records in ${seconds.toFixed(2)} s = ${Math.round(rate)} records/s, collector CPU ${cpuUs.toFixed(1)} µs/record, peak RSS ${rssMb.toFixed(0)} MB\n`,
  );
  return { rate, rssMb, cpuUs };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'snatscope-ingest-bench-'));
  const results: Record<string, { medianRate: number; peakRssMb: number; cpuUsPerRecord: number }> =
    {};
  const ratios: number[] = [];
  try {
    // Interleaved (SQLite, then none, per run): on a shared machine the load changes between
    // runs, so each run's ratio compares two measurements taken under the same load.
    const runs: Record<'sqlite' | 'none', { rate: number; rssMb: number; cpuUs: number }[]> = {
      sqlite: [],
      none: [],
    };
    for (let run = 0; run < Number(values.runs); run++) {
      const sqlite = await runOnce('sqlite', dir, run);
      const none = await runOnce('none', dir, run);
      runs.sqlite.push(sqlite);
      runs.none.push(none);
      ratios.push(sqlite.rate / none.rate);
      process.stderr.write(
        `  run ${run + 1}: SQLite / none = ${(sqlite.rate / none.rate).toFixed(2)}\n`,
      );
    }
    for (const store of ['sqlite', 'none'] as const) {
      results[store] = {
        medianRate: Math.round(median(runs[store].map((r) => r.rate))),
        peakRssMb: Math.round(Math.max(...runs[store].map((r) => r.rssMb))),
        cpuUsPerRecord: Number(median(runs[store].map((r) => r.cpuUs)).toFixed(1)),
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const summary = {
    bench: 'ingest',
    agents,
    flowsPerAgent,
    batchFlows,
    window: Number(values.window),
    ...results,
    ratios: ratios.map((r) => Number(r.toFixed(3))),
    medianRatio: Number(median(ratios).toFixed(3)),
  };
  mkdirSync(join(root, 'bench', 'out'), { recursive: true });
  writeFileSync(join(root, 'bench', 'out', 'ingest.json'), JSON.stringify(summary, null, 2) + '\n');
  process.stdout.write(
    `| store | records/s (median of ${values.runs}) | collector CPU µs/record | collector peak RSS |\n|---|---|---|---|\n` +
      `| SQLite (stitch + correlate + store) | ${results.sqlite?.medianRate ?? 0} | ${results.sqlite?.cpuUsPerRecord ?? 0} | ${results.sqlite?.peakRssMb ?? 0} MB |\n` +
      `| none (stitch + correlate only) | ${results.none?.medianRate ?? 0} | ${results.none?.cpuUsPerRecord ?? 0} | ${results.none?.peakRssMb ?? 0} MB |\n` +
      `SQLite / none per run: ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${summary.medianRatio})\n`,
  );
}

if (values.role === 'collector') await collectorRole();
else if (values.role === 'agents') await agentsRole();
else await main();
