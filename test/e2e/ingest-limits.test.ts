// The collector's memory bounds as operators meet them: `--memory-budget` sizes the caches, the
// Ingest stream's message bound holds over real gRPC on loopback (an oversized message is refused
// before it is buffered, so RSS stays put), and the agent splits a batch that would exceed the
// bound so a large backlog arrives whole, in several messages.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { pino } from 'pino';
import { CollectorExporter } from '../../agent/export/exporter.js';
import { Spool } from '../../agent/export/spool.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { channelCredentials } from '../../common/credentials.js';
import {
  decodeCollectorMessage,
  encodeAgentMessage,
  INGEST_STREAM_PATH,
  MAX_INGEST_MESSAGE_BYTES,
} from '../../common/ingest-rpc.js';
import { Collector } from '../../collector/collector.js';
import { cacheLimits } from '../../collector/memory-budget.js';
import { v1 } from '../../proto/index.js';
import { runCli } from '../support/cli.js';
import { eventually, startSnatscope, type Daemon } from '../support/daemon.js';
import { loopbackCollectorArgs } from '../support/ingest-stream.js';
import { loopbackCollectorConfig } from '../support/collector-config.js';

/** A flow record of node n1; `index` makes it a distinct connection, `pad` lengthens its name. */
function flow(index: number, pad = ''): v1.IFlowRecord {
  return {
    kind: v1.FlowRecord.Kind.flow,
    node: 'n1',
    protocol: 'tcp',
    client: { ip: `198.51.100.${1 + (index % 200)}`, port: 1024 + (index % 60_000) },
    entry: { ip: '203.0.113.11', port: 30080 },
    entryKind: v1.FlowRecord.EntryKind.NodePort,
    backend: { ip: '10.244.2.10', port: 8080 },
    observedSource: { ip: '203.0.113.11', port: 1024 + (index % 60_000) },
    snat: true,
    cause: v1.FlowRecord.Cause.ClusterPolicyMasquerade,
    service: { namespace: 'shop', name: `api${pad}`, port: 'http' },
    externalTrafficPolicy: v1.TrafficPolicy.Cluster,
    proxyMode: v1.ProxyMode.iptables,
    endpointLocal: false,
    state: 'ESTABLISHED',
    conntrackId: index + 1,
    observedAt: Date.now() / 1000,
  };
}

/** Resident set size of a process, from /proc (bytes). */
function rssOf(pid: number): number {
  const match = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!match) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(match[1]) * 1024;
}

describe('collector --memory-budget', () => {
  it('sizes every cache from the budget and prints the bounds at start-up', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'snatscope-budget-'));
    const daemon = startSnatscope([
      'collector',
      ...loopbackCollectorArgs(join(dir, 'flows.db')),
      '--memory-budget',
      '64Mi',
    ]);
    t.after(async () => {
      await daemon.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const line = JSON.parse(await daemon.waitForStderr(/collector listening/)) as {
      memoryBudget: number;
      cacheLimits: unknown;
    };
    assert.equal(line.memoryBudget, 64 * 2 ** 20);
    assert.deepEqual(line.cacheLimits, cacheLimits(64 * 2 ** 20));
  });

  it('refuses a malformed or too small budget with a one-line error', () => {
    for (const [value, message] of [
      ['lots', /expected a size such as 256Mi/],
      ['1Mi', /expected at least 16Mi/],
    ] as const) {
      const result = runCli([
        'collector',
        ...loopbackCollectorArgs('/nonexistent/x.db'),
        '--memory-budget',
        value,
      ]);
      assert.notEqual(result.status, 0, result.stderr);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    }
  });
});

describe('the collector refuses an oversized message', () => {
  let dir: string;
  let daemon: Daemon;
  let target: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-limits-'));
    daemon = startSnatscope(['collector', ...loopbackCollectorArgs(join(dir, 'flows.db'))]);
    const line = await daemon.waitForStderr(/collector listening/);
    target = `127.0.0.1:${(JSON.parse(line) as { grpc: number }).grpc}`;
  });

  after(async () => {
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends the stream with RESOURCE_EXHAUSTED on a 56 MiB batch without buffering it', async () => {
    const pid = daemon.child.pid ?? 0;
    const before = rssOf(pid);
    // A batch as an attacker would build it: one record with a 56 MiB Service name.
    const bytes = encodeAgentMessage({
      batch: { sequence: 1, records: [flow(1, 'x'.repeat(56 * 1024 * 1024))] },
    });
    assert.ok(bytes.length > MAX_INGEST_MESSAGE_BYTES);
    const client = new grpc.Client(target, grpc.credentials.createInsecure());
    try {
      const call = client.makeBidiStreamRequest(
        INGEST_STREAM_PATH,
        (message: Buffer) => message,
        decodeCollectorMessage,
      );
      const status = new Promise<grpc.StatusObject>((resolve) => {
        call.on('status', resolve);
        call.on('error', () => undefined);
        call.on('data', () => undefined);
      });
      call.write(encodeAgentMessage({ hello: { node: 'n1', agentVersion: 't', bootId: 'big' } }));
      call.write(bytes);
      const { code, details } = await status;
      assert.equal(code, grpc.status.RESOURCE_EXHAUSTED, details);
    } finally {
      client.close();
    }
    const grown = rssOf(pid) - before;
    // The old 64 MiB bound let this message through: RSS grew by ~550 MB.
    assert.ok(grown < 32 * 1024 * 1024, `collector RSS grew by ${grown} bytes`);
  });
});

describe('the agent splits batches to fit the bound', () => {
  it('sends a 5 MB backlog as several messages and the collector stores every record', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'snatscope-split-'));
    const log = pino({ level: 'silent' });
    const collector = new Collector(
      loopbackCollectorConfig(join(dir, 'flows.db'), { retentionMs: 86_400_000 }),
      log,
    );
    await collector.start();
    t.after(async () => {
      await collector.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const metrics = new AgentMetrics();
    const spool = await Spool.open({ maxRecords: 100_000, dir: null }, metrics, log);
    const exporter = new CollectorExporter(
      {
        collectors: [`127.0.0.1:${collector.grpcPort}`],
        node: 'n1',
        agentVersion: 'test',
        proxyMode: () => v1.ProxyMode.iptables,
        credentials: () => channelCredentials({ insecure: true }),
        token: () => null,
        // One batch for the whole backlog, as a large --batch-size would make it.
        batchMaxRecords: 100_000,
        batchMaxDelayMs: 60_000,
      },
      spool,
      metrics,
      log,
    );
    const total = 45_000;
    // Service names of 63 characters (the longest valid): ~110 bytes a record, ~5 MB for the batch.
    for (let i = 0; i < total; i++) exporter.flow(flow(i, 'x'.repeat(60)));
    exporter.flush();
    assert.ok(spool.length >= 2, `the backlog is split (${spool.length} messages)`);
    exporter.start();
    t.after(() => exporter.stop());
    const storedMessages = await eventually(async () => {
      const text = await collector.metrics.text();
      const stored = /^snatscope_ingest_records_total\{kind="flow"\} (\d+)$/m.exec(text);
      if (Number(stored?.[1]) !== total || spool.length > 0) return undefined;
      return Number(
        /^snatscope_ingest_messages_total\{type="batch",result="stored"\} (\d+)$/m.exec(text)?.[1],
      );
    }, `all ${total} records acknowledged`);
    assert.ok(storedMessages >= 2, `stored as ${storedMessages} batches`);
    const dropped = await metrics.registry.getSingleMetricAsString(
      'snatscope_agent_spool_dropped_records_total',
    );
    assert.doesNotMatch(dropped, /reason="oversize"/, 'nothing dropped for its size');
  });
});
