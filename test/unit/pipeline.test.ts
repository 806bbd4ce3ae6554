// The continuous pipeline on a fake node reader (no root, no tools): what its polls hand to the
// exporter's spool when the node's rules change between polls.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { Spool } from '../../agent/export/spool.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { AgentPipeline } from '../../agent/pipeline.js';
import { v1 } from '../../proto/index.js';
import {
  fakeNodeReader,
  labRules,
  PIPELINE_CONFIG,
  unstartedExporter,
} from '../support/agent-parts.js';

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

/** A pipeline polling a fake node reader (its rules text set by the test) into an in-memory spool. */
async function pipelineOnFakeNode(): Promise<{
  spool: Spool;
  rules: Awaited<ReturnType<typeof fakeNodeReader>>['rules'];
  pipeline: AgentPipeline;
}> {
  const metrics = new AgentMetrics();
  const log = pino({ level: 'silent' });
  const spool = await Spool.open({ maxRecords: 10_000, dir: null }, metrics, log);
  const { reader, rules } = await fakeNodeReader();
  const exporter = unstartedExporter(spool, metrics, log);
  const pipeline = new AgentPipeline(reader, PIPELINE_CONFIG, exporter, metrics, log);
  return { spool, rules, pipeline };
}

describe('agent pipeline', () => {
  it('sends the first set of Service ports even when it is empty', async () => {
    const { spool, rules, pipeline } = await pipelineOnFakeNode();
    // Rules without a Service: a node whose Services were all deleted while the agent was down.
    rules.text = '*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n';
    await pipeline.pollOnce();
    assert.deepEqual(spooledSnapshot(spool)?.names, []);
  });

  it('sends a Service that disappears from the rules in no later snapshot', async () => {
    const full = await labRules();
    // shop/web:http's chains all carry its hash or its name.
    const withoutWeb = full
      .split('\n')
      .filter((line) => !line.includes('67NZLRHBNDSAWJRO') && !line.includes('shop/web:http'))
      .join('\n');
    const { spool, rules, pipeline } = await pipelineOnFakeNode();

    rules.text = full;
    await pipeline.pollOnce();
    const first = spooledSnapshot(spool)?.names ?? [];
    assert.ok(first.includes('shop/web:http'), `first snapshot: ${first.join(', ')}`);

    rules.text = withoutWeb;
    await pipeline.pollOnce();
    const second = spooledSnapshot(spool);
    assert.deepEqual(
      second?.names,
      first.filter((name) => name !== 'shop/web:http'),
    );

    // Unreadable rules say nothing about Services: no snapshot that would empty the node.
    rules.text = null;
    await pipeline.pollOnce();
    assert.deepEqual(spooledSnapshot(spool), second);
    await spool.settled();
  });
});
