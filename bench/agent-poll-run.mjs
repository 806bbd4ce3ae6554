// One agent process polling the live node it runs in (spawned by agent.bench.ts inside a lab node
// namespace): runs the compiled pipeline's poll `polls` times, records go to a sink that drops
// them. Prints each poll's seconds, the records of the first poll and peak RSS as JSON.
//   node bench/agent-poll-run.mjs <node-name> <polls>
import { pino } from 'pino';
import { AgentMetrics } from '../dist/agent/metrics.js';
import { AgentPipeline } from '../dist/agent/pipeline.js';
import { LiveNodeReader } from '../dist/agent/sources/node-reader.js';

const [nodeName = 'n1', pollsText = '5'] = process.argv.slice(2);
let records = 0;
const sink = {
  services: () => {},
  flow: () => {
    records++;
  },
  flush: () => {},
};
// Polling, every flow reported (no sampling): the full cost of a table read, which is also what a
// reconciliation costs in events mode.
const config = {
  nodeName,
  nodeIps: [],
  podCidrs: [],
  pollIntervalMs: 2000,
  events: false,
  maxFlowRate: 0,
};
const pipeline = new AgentPipeline(
  new LiveNodeReader(),
  config,
  sink,
  new AgentMetrics(),
  pino({ level: 'error' }),
);
const seconds = [];
let firstPollRecords = 0;
for (let i = 0; i < Number(pollsText); i++) {
  const start = process.hrtime.bigint();
  await pipeline.pollOnce();
  seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  if (i === 0) firstPollRecords = records;
  if (process.env.BENCH_DEBUG_MEMORY) {
    globalThis.gc?.();
    const m = process.memoryUsage();
    process.stderr.write(
      `poll ${i}: heapUsed ${(m.heapUsed / 1048576).toFixed(0)} MB rss ${(m.rss / 1048576).toFixed(0)} MB external ${(m.external / 1048576).toFixed(0)} MB arrayBuffers ${(m.arrayBuffers / 1048576).toFixed(0)} MB\n`,
    );
  }
}
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ seconds, firstPollRecords, maxRssMb }) + '\n');
