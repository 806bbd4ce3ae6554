// Benchmark: parse + classify a generated 1,000,000-line `conntrack -L -o extended,id` dump of one
// node against the matching kube-proxy rule set, one core, median of 5 fresh processes, peak RSS.
//
// With --prefilter the lines go through the live agent's reconciliation prefilter first.
//
//   npx tsx bench/analyze.bench.ts [--lines N] [--runs N] [--prefilter]
import { execFileSync, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { renderIptablesRestore } from '../lab/kube-proxy-rules.js';
import { benchCluster } from './bench-cluster.js';
import { GEN_NODES, generateConntrackDump } from './conntrack-gen.js';
import { median } from './stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'out');

async function prepare(lines: number): Promise<{ rules: string; dump: string }> {
  mkdirSync(out, { recursive: true });
  const rules = join(out, 'bench-n1-iptables.txt');
  writeFileSync(rules, renderIptablesRestore(benchCluster(), 'n1'));
  const dump = join(out, `conntrack-${lines}.txt`);
  if (!existsSync(dump)) {
    process.stderr.write(`generating ${lines} conntrack lines into ${dump}…\n`);
    const stream = createWriteStream(dump);
    for (const line of generateConntrackDump({ lines, seed: 1, randomFully: true })) {
      if (!stream.write(line + '\n')) await once(stream, 'drain');
    }
    stream.end();
    await once(stream, 'finish');
  }
  return { rules, dump };
}

interface RunResult {
  lines: number;
  records: number;
  seconds: number;
  maxRssMb: number;
}

// One measured run in a fresh process (peak RSS is per process), pinned to one core.
function runOnce(rules: string, dump: string, prefilter: boolean): RunResult {
  const result = spawnSync(
    'taskset',
    [
      '-c',
      '0',
      process.execPath,
      '--import',
      'tsx',
      join(here, 'analyze-run.ts'),
      rules,
      dump,
      GEN_NODES[0]?.ip ?? '',
      prefilter ? 'prefilter' : 'all',
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(`analyze-run failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as RunResult;
}

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
    prefilter: { type: 'boolean', default: false },
  },
});
const lines = Number(values.lines);
const runs = Number(values.runs);
const { rules, dump } = await prepare(lines);
const results: RunResult[] = [];
for (let i = 0; i < runs; i++) {
  const result = runOnce(rules, dump, values.prefilter);
  process.stderr.write(
    `run ${i + 1}/${runs}: ${result.lines} lines, ${result.records} records in ${result.seconds.toFixed(3)} s, peak RSS ${result.maxRssMb.toFixed(0)} MB\n`,
  );
  results.push(result);
}
const rates = results.map((r) => r.lines / r.seconds);
const summary = {
  benchmark: `analyze: ${values.prefilter ? 'prefilter + ' : ''}parse + classify conntrack -L -o extended,id`,
  lines,
  runs,
  medianLinesPerSecond: Math.round(median(rates)),
  medianSeconds: median(results.map((r) => r.seconds)),
  peakRssMb: Math.round(Math.max(...results.map((r) => r.maxRssMb))),
  records: results[0]?.records ?? 0,
  cpu: execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], {
    encoding: 'utf8',
  }).trim(),
  node: process.version,
};
process.stdout.write(JSON.stringify(summary) + '\n');
