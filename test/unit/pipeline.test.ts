// The continuous pipeline on a fake node reader (no root, no tools): what its polls hand to the
// exporter's spool when the node's rules change between polls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { CollectorExporter } from '../../agent/export/exporter.js';
import { Spool } from '../../agent/export/spool.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { AgentPipeline } from '../../agent/pipeline.js';
import { channelCredentials } from '../../common/credentials.js';
import { v1 } from '../../proto/index.js';
import { fakeNodeReader, labRules } from '../support/fake-node-reader.js';

/** The spooled services snapshot (a newer one supersedes it) as its sequence and port names. */
function spooledSnapshot(spool: Spool): { sequence: number; names: string[] } | null {
  for (let entry = spool.firstAfter(0); entry; entry = spool.firstAfter(entry.sequence)) {
    const services = v1.AgentMessage.decode(entry.bytes).services;
    if (!services) continue;
    const names = (services.services ?? []).map(
      (s) => `${s.service?.namespace}/${s.service?.name}:${s.service?.port}`,
    );
    return { sequence: entry.sequence, names: names.sort() };
  }
  return null;
}

describe('agent pipeline', () => {
  it('sends a Service that disappears from the rules in no later snapshot', async () => {
    const metrics = new AgentMetrics();
    const log = pino({ level: 'silent' });
    const spool = await Spool.open({ maxRecords: 10_000, dir: null }, metrics, log);
    // Never started: flush() spools snapshots without connecting, which is all this test reads.
    const exporter = new CollectorExporter(
      {
        address: '127.0.0.1:1',
        node: 'n1',
        agentVersion: 'test',
        proxyMode: v1.ProxyMode.iptables,
        credentials: () => channelCredentials({ insecure: true }),
        token: () => null,
      },
      spool,
      metrics,
      log,
    );
    const full = await labRules();
    // shop/web:http's chains all carry its hash or its name.
    const withoutWeb = full
      .split('\n')
      .filter((line) => !line.includes('67NZLRHBNDSAWJRO') && !line.includes('shop/web:http'))
      .join('\n');
    const { reader, rules } = await fakeNodeReader();
    const pipeline = new AgentPipeline(
      reader,
      // tablesRefreshMs 0: every poll reads the rules again, as a poll after the reuse window does.
      {
        nodeName: 'n1',
        nodeIps: [],
        podCidrs: [],
        pollIntervalMs: 1000,
        events: false,
        tablesRefreshMs: 0,
      },
      exporter,
      metrics,
      log,
    );

    rules.text = full;
    await pipeline.pollOnce('timer');
    const first = spooledSnapshot(spool)?.names ?? [];
    assert.ok(first.includes('shop/web:http'), `first snapshot: ${first.join(', ')}`);

    rules.text = withoutWeb;
    await pipeline.pollOnce('timer');
    const second = spooledSnapshot(spool);
    assert.deepEqual(
      second?.names,
      first.filter((name) => name !== 'shop/web:http'),
    );

    // Unreadable rules say nothing about Services: no snapshot that would empty the node.
    rules.text = null;
    await pipeline.pollOnce('timer');
    assert.deepEqual(spooledSnapshot(spool), second);
    await spool.settled();
  });
});
