// One measured analysis run (spawned by analyze.bench.ts): reads the rules, then streams the dump
// through parse + classify, counting records; prints lines, records, seconds and peak RSS as JSON.
import { readFileSync } from 'node:fs';
import { conntrackBytesHandler, modelFromDumps, nodeView } from '../agent/snapshot.js';
import { DEFAULT_MAX_LINE_BYTES, forEachLine } from '../agent/sources/read-lines.js';

const [rulesPath = '', dumpPath = '', nodeIp = ''] = process.argv.slice(2);
const fail = (): void => {
  throw new Error('a benchmark input has a bad line: the generator and the parser disagree');
};
const start = process.hrtime.bigint();
const model = modelFromDumps([{ text: readFileSync(rulesPath, 'utf8'), source: rulesPath }], fail);
const { classifier } = nodeView({
  name: 'n1',
  model,
  interfaces: [],
  nodeIps: [nodeIp],
  podCidrs: [],
  observedAt: 0,
});
let records = 0;
const lines = await forEachLine(
  dumpPath,
  conntrackBytesHandler(classifier, dumpPath, fail, () => {
    records++;
  }),
  { maxLineBytes: DEFAULT_MAX_LINE_BYTES, source: dumpPath, onOverlong: fail },
);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ lines, records, seconds, maxRssMb }) + '\n');
