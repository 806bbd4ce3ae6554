// The spool: sequence order, the record bound with counted drops of the oldest, and the on-disk
// spool that survives a restart under the same boot id (and ignores torn writes).
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { pino, type Logger } from 'pino';
import { MessageTooLargeError, Spool } from '../../agent/export/spool.js';
import { AgentMetrics } from '../../agent/metrics.js';
import { v1 } from '../../proto/index.js';

type LogLine = { level: number; msg: string } & Record<string, unknown>;

function captureLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as LogLine);
      done();
    },
  });
  return { log: pino({ level: 'info' }, sink), lines };
}

async function metric(metrics: AgentMetrics, name: string, labels: Record<string, string> = {}) {
  const found = metrics.registry.getSingleMetric(name);
  assert.ok(found, `metric ${name} exists`);
  const { values } = await found.get();
  const match = values.find((v) =>
    Object.entries(labels).every(([key, value]) => v.labels[key] === value),
  );
  return match?.value ?? 0;
}

const flows = (count: number): v1.IFlowRecord[] =>
  Array.from({ length: count }, (_, index) => ({
    node: 'n1',
    protocol: 'tcp',
    conntrackId: index,
  }));

function appendBatch(spool: Spool, count: number): number {
  return spool.append('batch', count, (sequence) => ({
    batch: { sequence, records: flows(count) },
  })).sequence;
}

function appendSnapshot(spool: Spool, count: number): number {
  return spool.append('services', count, (sequence) => ({
    services: { sequence, services: Array.from({ length: count }, () => ({ node: 'n1' })) },
  })).sequence;
}

/** Sequences and types of the spooled messages, oldest first. */
function contents(spool: Spool): string[] {
  const found: string[] = [];
  for (let entry = spool.firstAfter(0); entry; entry = spool.firstAfter(entry.sequence)) {
    found.push(`${entry.sequence}:${entry.type}`);
  }
  return found;
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'snatscope-spool-'));
  dirs.push(dir);
  return dir;
}
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe('spool in memory', () => {
  it('refuses a message over the byte bound without using a sequence', async () => {
    const spool = await Spool.open(
      { maxRecords: 100_000, dir: null, maxMessageBytes: 1000 },
      new AgentMetrics(),
      pino({ level: 'silent' }),
    );
    assert.equal(appendBatch(spool, 10), 1);
    assert.throws(
      () => appendBatch(spool, 1000),
      (error: unknown) =>
        error instanceof MessageTooLargeError && error.bytes > 1000 && error.maxBytes === 1000,
    );
    assert.equal(spool.length, 1, 'nothing spooled');
    assert.equal(appendBatch(spool, 10), 2, 'the next message takes the next sequence');
  });

  it('numbers messages from 1 and finds, acks and removes them in order', async () => {
    const metrics = new AgentMetrics();
    const spool = await Spool.open(
      { maxRecords: 100, dir: null },
      metrics,
      pino({ level: 'silent' }),
    );
    assert.deepEqual(
      [1, 2, 3, 4].map(() => appendBatch(spool, 2)),
      [1, 2, 3, 4],
    );
    spool.append('services', 3, (sequence) => ({ services: { sequence, services: [{}, {}, {}] } }));
    assert.equal(spool.records, 11);
    assert.equal(spool.firstAfter(0)?.sequence, 1);
    assert.equal(spool.firstAfter(3)?.sequence, 4);
    assert.equal(spool.firstAfter(5), null);
    assert.deepEqual(
      spool.ackThrough(2).map((e) => e.sequence),
      [1, 2],
    );
    assert.equal(spool.remove(4)?.sequence, 4, 'a rejected message in the middle');
    assert.equal(spool.remove(4), null, 'already gone');
    assert.equal(spool.remove(1), null, 'acked before');
    assert.equal(spool.firstAfter(2)?.sequence, 3);
    assert.equal(spool.firstAfter(3)?.type, 'services');
    assert.equal(spool.length, 2);
    assert.equal(spool.records, 5);
    assert.equal(await metric(metrics, 'snatscope_agent_spool_records'), 5);
    assert.equal(await metric(metrics, 'snatscope_agent_spool_messages'), 2);
    const decoded = v1.AgentMessage.decode(spool.firstAfter(0)?.bytes ?? Buffer.alloc(0));
    assert.equal(decoded.batch?.sequence, 3);
    assert.equal(decoded.batch.records?.length, 2);
  });

  it('drops the oldest messages when full, counts them, and warns at a limited rate', async () => {
    const metrics = new AgentMetrics();
    const { log, lines } = captureLog();
    const spool = await Spool.open(
      { maxRecords: 10, dir: null, dropWarnIntervalMs: 60_000 },
      metrics,
      log,
    );
    for (let i = 0; i < 3; i++) appendBatch(spool, 3);
    assert.equal(spool.records, 9);
    appendBatch(spool, 3); // 12 > 10: message 1 goes
    assert.equal(spool.firstAfter(0)?.sequence, 2);
    assert.equal(spool.records, 9);
    appendBatch(spool, 5); // 14 > 10: messages 2 and 3 go
    assert.equal(spool.firstAfter(0)?.sequence, 4);
    assert.equal(spool.records, 8);
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_dropped_records_total', { reason: 'full' }),
      9,
    );
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_dropped_messages_total', { reason: 'full' }),
      3,
    );
    const warnings = () => lines.filter((line) => line.msg.startsWith('spool full'));
    assert.equal(warnings().length, 1, 'the second drop within the interval is not logged yet');
    assert.equal(warnings()[0]?.records, 3);
    await spool.settled();
    assert.equal(warnings().length, 2, 'settled() logs what was not logged');
    assert.equal(warnings()[1]?.records, 6);
  });

  it('keeps a message bigger than the whole bound, alone', async () => {
    const spool = await Spool.open(
      { maxRecords: 5, dir: null },
      new AgentMetrics(),
      pino({ level: 'silent' }),
    );
    appendBatch(spool, 2);
    appendBatch(spool, 8);
    assert.equal(spool.length, 1);
    assert.equal(spool.records, 8);
  });

  it('never drops the latest services snapshot when full: the batches after it go', async () => {
    const metrics = new AgentMetrics();
    const spool = await Spool.open(
      { maxRecords: 10, dir: null },
      metrics,
      pino({ level: 'silent' }),
    );
    appendSnapshot(spool, 4);
    for (let i = 0; i < 4; i++) appendBatch(spool, 3);
    assert.deepEqual(contents(spool), ['1:services', '4:batch', '5:batch']);
    assert.equal(spool.records, 10);
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_dropped_messages_total', { reason: 'full' }),
      2,
    );
    // A snapshot bigger than the whole bound is kept too, alone: it is the node's only account of its Services.
    appendSnapshot(spool, 12);
    assert.deepEqual(contents(spool), ['6:services']);
    appendBatch(spool, 1);
    assert.deepEqual(contents(spool), ['6:services', '7:batch']);
  });

  it('replaces an unacknowledged snapshot by the newer one, counting it as superseded', async () => {
    const metrics = new AgentMetrics();
    const spool = await Spool.open(
      { maxRecords: 100, dir: null },
      metrics,
      pino({ level: 'silent' }),
    );
    appendSnapshot(spool, 2);
    appendBatch(spool, 1);
    appendSnapshot(spool, 3);
    appendBatch(spool, 1);
    // The collector keeps only a node's latest set, so the older snapshot would be stored for nothing.
    assert.deepEqual(contents(spool), ['2:batch', '3:services', '4:batch']);
    assert.equal(spool.records, 5);
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_dropped_messages_total', {
        reason: 'superseded',
      }),
      1,
    );
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_dropped_records_total', {
        reason: 'superseded',
      }),
      2,
    );
    spool.ackThrough(3);
    appendSnapshot(spool, 1);
    assert.deepEqual(contents(spool), ['4:batch', '5:services']);
  });

  it('gives each run a fresh boot id', async () => {
    const open = () =>
      Spool.open({ maxRecords: 5, dir: null }, new AgentMetrics(), pino({ level: 'silent' }));
    assert.notEqual((await open()).bootId, (await open()).bootId);
  });
});

describe('spool on disk', () => {
  const silent = pino({ level: 'silent' });

  it('drops a leftover file over the message bound instead of replaying it forever', async () => {
    const dir = await tempDir();
    const first = await Spool.open({ maxRecords: 10_000, dir }, new AgentMetrics(), silent);
    appendBatch(first, 2);
    appendBatch(first, 1000); // written under a larger bound, as an older agent did
    appendBatch(first, 3);
    await first.settled();
    const metrics = new AgentMetrics();
    const second = await Spool.open(
      { maxRecords: 10_000, dir, maxMessageBytes: 1000 },
      metrics,
      silent,
    );
    assert.deepEqual(
      [second.firstAfter(0)?.records, second.firstAfter(1)?.records, second.length],
      [2, 3, 2],
    );
    assert.match(
      await metrics.registry.getSingleMetricAsString('snatscope_agent_spool_dropped_records_total'),
      /\{reason="oversize"\} 1000$/m,
    );
    assert.deepEqual((await readdir(dir)).filter((name) => name.endsWith('.msg')).sort(), [
      '00000000000000000001.msg',
      '00000000000000000003.msg',
    ]);
  });

  it('replays unacknowledged messages under the previous boot id and numbering', async () => {
    const dir = await tempDir();
    const first = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    for (let i = 0; i < 3; i++) appendBatch(first, 2);
    first.append('services', 1, (sequence) => ({
      services: { sequence, services: [{ node: 'n1' }] },
    }));
    first.ackThrough(1);
    first.remove(3);
    await first.settled();
    assert.deepEqual((await readdir(dir)).sort(), [
      '00000000000000000002.msg',
      '00000000000000000004.msg',
      'boot-id',
      'sequence-reserved',
    ]);
    assert.equal((await readFile(join(dir, 'boot-id'), 'utf8')).trim(), first.bootId);
    assert.equal(
      (await readFile(join(dir, 'sequence-reserved'), 'utf8')).trim(),
      `${first.bootId} 4096`,
    );

    const second = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    assert.equal(second.bootId, first.bootId);
    assert.equal(second.length, 2);
    assert.equal(second.records, 3);
    assert.equal(second.nextSequence, 4097, 'numbering continues above the reserved block');
    assert.deepEqual(second.firstAfter(0)?.bytes, first.firstAfter(0)?.bytes);
    assert.equal(second.firstAfter(2)?.type, 'services');
    assert.equal(appendBatch(second, 1), 4097);

    second.ackThrough(4097);
    await second.settled();
    assert.deepEqual((await readdir(dir)).sort(), ['boot-id', 'sequence-reserved']);
    const third = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    assert.notEqual(third.bootId, first.bootId, 'nothing to replay: a new boot');
    assert.equal(third.nextSequence, 1);
  });

  it('ignores torn temp files and drops unreadable message files, counting them', async () => {
    const dir = await tempDir();
    const first = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    appendBatch(first, 2);
    await first.settled();
    await writeFile(join(dir, '00000000000000000002.msg.123.abc.tmp'), Buffer.from([0x12, 0xff]));
    await writeFile(join(dir, '00000000000000000003.msg'), Buffer.from([0x12, 0xff, 0xff]));
    await writeFile(join(dir, 'README'), 'not ours');
    const metrics = new AgentMetrics();
    const second = await Spool.open({ maxRecords: 100, dir }, metrics, silent);
    assert.equal(second.bootId, first.bootId);
    assert.equal(second.length, 1);
    assert.equal(second.nextSequence, 4097);
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_dropped_messages_total', {
        reason: 'unreadable',
      }),
      1,
    );
    assert.deepEqual((await readdir(dir)).sort(), [
      '00000000000000000001.msg',
      'README',
      'boot-id',
      'sequence-reserved',
    ]);
  });

  it('never reuses a sequence the collector may have stored from memory', async () => {
    // Sequences 2 and 3 were sent, acked and their files deleted before the kill; the delete of 1
    // had not run yet. Numbering after the highest leftover would send new data as 2, which the
    // collector takes for a replay it already stored.
    const dir = await tempDir();
    const first = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    for (let i = 0; i < 3; i++) appendBatch(first, 1);
    await first.settled();
    await rm(join(dir, '00000000000000000002.msg'));
    await rm(join(dir, '00000000000000000003.msg'));
    const second = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    assert.equal(second.bootId, first.bootId);
    assert.equal(second.length, 1);
    assert.ok(second.nextSequence > 3, `next sequence ${second.nextSequence}`);
  });

  it('drops leftovers that have no boot id rather than send them under a new one', async () => {
    const dir = await tempDir();
    const first = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    appendBatch(first, 2);
    await first.settled();
    await rm(join(dir, 'boot-id'));
    const metrics = new AgentMetrics();
    const second = await Spool.open({ maxRecords: 100, dir }, metrics, silent);
    assert.notEqual(second.bootId, first.bootId);
    assert.equal(second.length, 0);
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_dropped_records_total', {
        reason: 'unreadable',
      }),
      2,
    );
  });

  it('applies the bound to leftovers too', async () => {
    const dir = await tempDir();
    const first = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    for (let i = 0; i < 4; i++) appendBatch(first, 3);
    await first.settled();
    const second = await Spool.open({ maxRecords: 7, dir }, new AgentMetrics(), silent);
    assert.equal(second.firstAfter(0)?.sequence, 3);
    assert.equal(second.records, 6);
    await second.settled();
    assert.equal((await readdir(dir)).filter((name) => name.endsWith('.msg')).length, 2);
  });

  it('keeps only the newest snapshot among leftovers, and it survives the bound', async () => {
    const dir = await tempDir();
    // Two snapshots on disk, as an agent that spooled one per change before superseding wrote them.
    const first = await Spool.open({ maxRecords: 100, dir }, new AgentMetrics(), silent);
    appendSnapshot(first, 2);
    appendBatch(first, 3);
    await first.settled();
    await writeFile(
      join(dir, '00000000000000000003.msg'),
      v1.AgentMessage.encode({ services: { sequence: 3, services: [{}, {}, {}] } }).finish(),
    );
    await writeFile(
      join(dir, '00000000000000000004.msg'),
      v1.AgentMessage.encode({ batch: { sequence: 4, records: flows(3) } }).finish(),
    );
    const second = await Spool.open({ maxRecords: 4, dir }, new AgentMetrics(), silent);
    assert.deepEqual(contents(second), ['3:services']);
    await second.settled();
    assert.deepEqual((await readdir(dir)).sort(), [
      '00000000000000000003.msg',
      'boot-id',
      'sequence-reserved',
    ]);
  });

  it('keeps messages in memory when the directory cannot be written', async () => {
    const dir = await tempDir();
    const metrics = new AgentMetrics();
    const { log, lines } = captureLog();
    const spool = await Spool.open({ maxRecords: 100, dir }, metrics, log);
    // Replace the directory with a file: every later write fails with ENOTDIR.
    await rm(dir, { recursive: true });
    await writeFile(dir, 'in the way');
    appendBatch(spool, 2);
    await spool.settled();
    assert.equal(spool.length, 1);
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_disk_errors_total', { operation: 'write' }),
      1,
    );
    assert.ok(lines.some((line) => line.msg.startsWith('cannot reserve spool sequences')));
    spool.ackThrough(1);
    await spool.settled();
    assert.equal(
      await metric(metrics, 'snatscope_agent_spool_disk_errors_total', { operation: 'delete' }),
      0,
      'no delete of a file that was never written',
    );
  });
});
