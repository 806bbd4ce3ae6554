// The agent's probes: liveness follows good polls, readiness adds the stream to the collector.
// First the rules as a table on a fake clock, then the real pipeline, exporter and HTTP listener.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Spool } from '../../agent/export/spool.js';
import { AgentHealth, maxPollAgeFor, type ExportState } from '../../agent/health.js';
import { serveAgentHttp } from '../../agent/http.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { AgentPipeline } from '../../agent/pipeline.js';
import {
  fakeNodeReader,
  labRules,
  PIPELINE_CONFIG,
  unstartedExporter,
} from '../support/agent-parts.js';

const CONFIG = { startedAtMs: 0, maxPollAgeMs: 30_000, maxDisconnectedMs: 60_000 };
const connected: ExportState = { connected: true, disconnectedSinceMs: 0, spoolFull: false };

interface Case {
  name: string;
  now: number;
  lastPoll: number | null;
  /** null: stdout mode, no collector. */
  exportState: ExportState | null;
  /** Expected liveness and readiness: 'ok' or a fragment of the reason. */
  live: string;
  ready: string;
}

const cases: Case[] = [
  {
    name: 'just started, no poll yet',
    now: 10_000,
    lastPoll: null,
    exportState: null,
    live: 'ok',
    ready: 'ok',
  },
  {
    name: 'no good poll since the start',
    now: 41_000,
    lastPoll: null,
    exportState: null,
    live: 'no good poll since the start 41 s ago (limit 30 s)',
    ready: 'no good poll since the start',
  },
  {
    name: 'polls stopped succeeding',
    now: 100_000,
    lastPoll: 60_000,
    exportState: connected,
    live: 'no good poll 40 s ago (limit 30 s)',
    ready: 'no good poll 40 s ago',
  },
  {
    name: 'recent poll, connected',
    now: 100_000,
    lastPoll: 99_000,
    exportState: connected,
    live: 'ok',
    ready: 'ok',
  },
  {
    name: 'recent poll, collector out briefly with room in the spool',
    now: 100_000,
    lastPoll: 99_000,
    exportState: { connected: false, disconnectedSinceMs: 50_000, spoolFull: false },
    live: 'ok',
    ready: 'ok',
  },
  {
    name: 'recent poll, collector out too long',
    now: 100_000,
    lastPoll: 99_000,
    exportState: { connected: false, disconnectedSinceMs: 20_000, spoolFull: false },
    live: 'ok',
    ready: 'collector not connected for 80 s (limit 60 s)',
  },
  {
    name: 'recent poll, collector out and the spool full',
    now: 100_000,
    lastPoll: 99_000,
    exportState: { connected: false, disconnectedSinceMs: 90_000, spoolFull: true },
    live: 'ok',
    ready: 'collector not connected for 10 s and the spool is full',
  },
];

function describeStatus(status: { ok: true } | { ok: false; reason: string }): string {
  return status.ok ? 'ok' : status.reason;
}

describe('agent health', () => {
  for (const c of cases) {
    it(c.name, () => {
      const exportState = c.exportState;
      const health = new AgentHealth(
        {
          lastGoodPollAtMs: () => c.lastPoll,
          exportState: exportState ? () => exportState : null,
        },
        CONFIG,
        () => c.now,
      );
      assert.ok(
        describeStatus(health.liveness()).includes(c.live),
        describeStatus(health.liveness()),
      );
      assert.ok(
        describeStatus(health.readiness()).includes(c.ready),
        describeStatus(health.readiness()),
      );
    });
  }

  it('gives a poll five intervals, and at least a tool timeout', () => {
    assert.equal(maxPollAgeFor(2000), 30_000);
    assert.equal(maxPollAgeFor(60_000), 300_000);
  });

  it('answers /healthz and /readyz from the running pipeline and exporter', async (t) => {
    const metrics = new AgentMetrics();
    const log = pino({ level: 'silent' });
    // A bound of one record: the first services snapshot fills the spool.
    const spool = await Spool.open({ maxRecords: 1, dir: null }, metrics, log);
    // Never started, so never connected: what an agent sees while its collector is unreachable.
    const exporter = unstartedExporter(spool, metrics, log);
    const { reader, rules } = await fakeNodeReader();
    const pipeline = new AgentPipeline(
      reader,
      { ...PIPELINE_CONFIG, pollIntervalMs: 20 },
      exporter,
      metrics,
      log,
    );
    const health = new AgentHealth(
      { lastGoodPollAtMs: () => pipeline.lastGoodPollAtMs, exportState: () => exporter.state() },
      { startedAtMs: Date.now(), maxPollAgeMs: 200, maxDisconnectedMs: 60_000 },
    );
    const server = await serveAgentHttp(metrics, health, { host: '127.0.0.1', port: 0 });
    t.after(async () => {
      await pipeline.stop();
      await new Promise((resolve) => server.close(resolve));
    });
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const probe = async (path: string): Promise<string> => {
      const response = await fetch(base + path);
      return `${response.status} ${(await response.text()).trim()}`;
    };
    const waitFor = async (path: string, pattern: RegExp): Promise<string> => {
      const deadline = Date.now() + 5000;
      for (;;) {
        const answer = await probe(path);
        if (pattern.test(answer)) return answer;
        if (Date.now() > deadline) throw new Error(`${path} still answers "${answer}"`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    };

    // iptables-save fails on every poll: the polls go on, but none is good.
    pipeline.start();
    assert.match(
      await waitFor('/healthz', /^503/),
      /^503 no good poll since the start [\d.]+ s ago \(limit 0.2 s\): the rules or the conntrack table could not be read/,
    );
    assert.match(await probe('/readyz'), /^503 no good poll since the start/);

    rules.text = await labRules();
    assert.equal(await waitFor('/healthz', /^200/), '200 ok');
    // The first good poll spooled a snapshot bigger than the bound, and no collector took it.
    assert.match(
      await waitFor('/readyz', /spool/),
      /^503 collector not connected for [\d.]+ s and the spool is full: dropping the oldest records$/,
    );
    assert.match(await probe('/metrics'), /^200 .*snatscope_agent_polls_total/s);
  });
});
