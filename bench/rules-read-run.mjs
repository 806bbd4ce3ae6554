// One process reading the live node it runs in (spawned by rules.bench.ts inside a netns): `reads`
// full reads of rules and addresses + model builds through the compiled node read, each timed in
// wall and CPU seconds (its own, and of the tools it ran and waited for). Prints JSON.
//   node bench/rules-read-run.mjs <reads>
import { readFileSync } from 'node:fs';
import { readNode } from '../dist/agent/node-read.js';
import { LiveNodeReader } from '../dist/agent/sources/node-reader.js';

const reads = Number(process.argv[2] ?? '5');
const HZ = 100;
// utime+stime of this process and of its waited-for children, in seconds.
function cpu() {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const t = (i) => Number(f[i - 3]) / HZ;
  return { own: t(14) + t(15), tools: t(16) + t(17) };
}
const reader = new LiveNodeReader();
const sink = { problem: () => {}, toolFailure: (e) => process.stderr.write(`${e.message}\n`) };
const runs = [];
for (let i = 0; i < reads; i++) {
  const before = cpu();
  const start = process.hrtime.bigint();
  const tables = await readNode(reader, sink);
  const wall = Number(process.hrtime.bigint() - start) / 1e9;
  const after = cpu();
  runs.push({
    wall,
    ownCpu: after.own - before.own,
    toolsCpu: after.tools - before.tools,
    services: tables.model.services.length,
  });
}
process.stdout.write(JSON.stringify(runs) + '\n');
