// A child process for the agent crash test: the agent's real spool (on disk) and exporter, fed with
// synthetic flows numbered from <first>; after each batch is durably spooled it prints
// "spooled <last index>", so the test knows what the agent emitted before it was killed.
//
//   node --import tsx test/support/spooling-agent.ts <collector host:port> <spool dir> <first>
//   node --import tsx test/support/spooling-agent.ts <collector host:port> <spool dir> drain
// "drain" replays what the spool holds, waits until the collector acked all of it, and exits 0.
import { writeSync } from 'node:fs';
import { startSyntheticAgent } from './synthetic-agent.js';

const [address, spoolDir, firstText] = process.argv.slice(2);
if (address === undefined || spoolDir === undefined || firstText === undefined) {
  process.stderr.write('usage: spooling-agent.ts <host:port> <spool dir> <first index>\n');
  process.exit(2);
}
const batch = 25;
const drain = firstText === 'drain';
const agent = await startSyntheticAgent(address, 'spool-1', {
  spoolDir,
  batchMaxRecords: batch,
  firstIndex: drain ? 0 : Number(firstText),
});
if (drain) {
  await agent.drainAndStop();
  writeSync(1, `drained ${agent.spool.length}\n`);
  process.exit(agent.spool.length === 0 ? 0 : 1);
}
for (;;) {
  agent.emit(batch);
  await agent.spool.settled();
  writeSync(1, `spooled ${agent.nextIndex - 1}\n`);
}
