// One measured analysis run (spawned by analyze.bench.ts): reads the rules, then streams the dump
// through parse + classify (behind the live agent's prefilter with `prefilter`), counting records;
// prints lines, records, seconds and peak RSS as JSON.
import { readFileSync } from 'node:fs';
import { ConntrackPrefilter } from '../agent/conntrack-prefilter.js';
import { conntrackBytesHandler, modelFromDumps, nodeView } from '../agent/snapshot.js';
import { DEFAULT_MAX_LINE_BYTES, forEachLine } from '../agent/sources/read-lines.js';

const [rulesPath = '', dumpPath = '', nodeIp = '', mode = ''] = process.argv.slice(2);
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
const handler = conntrackBytesHandler(classifier, dumpPath, fail, () => {
  records++;
});
const lines = await forEachLine(
  dumpPath,
  mode === 'prefilter' ? new ConntrackPrefilter(model).filter(handler) : handler,
  { maxLineBytes: DEFAULT_MAX_LINE_BYTES, source: dumpPath, onOverlong: fail },
);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const maxRssMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ lines, records, seconds, maxRssMb }) + '\n');
