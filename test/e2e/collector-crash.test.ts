// Crash and disk faults with the agent's real export path (spool, exporter, replay) against the
// built collector: SIGKILL at many random points of a live stream, and a store that runs out of
// disk. Counted against what the agent emitted: nothing lost, nothing stored twice.
import assert from 'node:assert/strict';
import {
  execFileSync,
  spawn,
  type ChildProcess,
  type ChildProcessByStdio,
} from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { SqliteFlowDb } from '../../collector/sqlite-flow-db.js';
import { eventually } from '../support/daemon.js';
import { loopbackCollectorArgs, startCollector } from '../support/ingest-stream.js';
import { startSyntheticAgent } from '../support/synthetic-agent.js';

/** Stored rows of `node` and how many distinct connections they are. */
function storedCounts(db: string, node: string): { rows: number; distinct: number } {
  const store = new SqliteFlowDb(db);
  try {
    const rows = store.queryFlows({ node, limit: 1_000_000 }).flows;
    return { rows: rows.length, distinct: new Set(rows.map((r) => r.conntrackId)).size };
  } finally {
    store.close();
  }
}

/** A small deterministic generator, so that a failing run can be repeated with its seed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('collector crash and disk faults', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'snatscope-crash-'));
  });

  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('SIGKILL at 24 random points of a live stream: every emitted record stored once', async (t) => {
    const seed = Number(process.env.SNATSCOPE_FAULT_SEED ?? Date.now() % 1_000_000);
    const random = seededRandom(seed);
    const db = join(dir, 'kill.db');
    let collector = await startCollector(loopbackCollectorArgs(db));
    const port = Number(collector.grpcTarget.split(':')[1]);
    const agent = await startSyntheticAgent(`127.0.0.1:${port}`, 'crash-1');
    const kills = 24;
    try {
      for (let kill = 0; kill < kills; kill++) {
        // The agent is streaming to this collector: something new is acked...
        const ackedBefore = await agent.acked();
        agent.emit(1 + Math.floor(random() * 50));
        await eventually(
          async () => ((await agent.acked()) > ackedBefore ? true : undefined),
          `acks from collector ${kill + 1} (seed ${seed})`,
          60_000,
        );
        // ...then a random amount more goes out and the kill lands somewhere in it.
        agent.emit(Math.floor(random() * 400));
        await collector.daemon.stop('SIGKILL');
        // Records keep coming while the collector is down; the spool holds them.
        agent.emit(Math.floor(random() * 100));
        collector = await startCollector(loopbackCollectorArgs(db, port));
      }
      await agent.drainAndStop();
      assert.equal(agent.spool.length, 0, 'the agent holds nothing unacknowledged');
    } finally {
      await collector.daemon.stop();
    }
    const { rows, distinct } = storedCounts(db, 'crash-1');
    const lost = agent.emitted - distinct;
    const duplicates = rows - distinct;
    t.diagnostic(
      `collector SIGKILL: ${kills} kills, ${agent.emitted} records emitted, ${lost} lost, ${duplicates} stored twice (seed ${seed})`,
    );
    assert.equal(lost, 0, `seed ${seed}`);
    assert.equal(duplicates, 0, `seed ${seed}`);
  });

  it('disk full: nothing acked past the failed writes; after space is freed everything is stored once', async (t) => {
    const mount = join(dir, 'tiny');
    mkdirSync(mount);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'snatscope-test-tmpfs', mount]);
    try {
      const db = join(mount, 'flows.db');
      const collector = await startCollector(loopbackCollectorArgs(db));
      const agent = await startSyntheticAgent(collector.grpcTarget, 'disk-1');
      try {
        agent.emit(200);
        await eventually(
          async () => ((await agent.acked()) === 200 ? true : undefined),
          'the first records stored',
        );
        // Fill what is left of the filesystem, then keep the agent emitting.
        const filler = join(mount, 'filler');
        const free = (): number => {
          const stats = statfsSync(mount);
          return stats.bavail * stats.bsize;
        };
        writeFileSync(filler, Buffer.alloc(Math.max(0, free() - 4096)));
        const metrics = async (): Promise<string> =>
          (await fetch(`${collector.httpUrl}/metrics`)).text();
        let written = 0;
        await eventually(
          async () => {
            agent.emit(100);
            written += 100;
            return /^snatscope_store_errors_total [1-9]/m.test(await metrics()) ? true : undefined;
          },
          'a write failing for lack of space',
          60_000,
        );
        const ackedWhileFull = await agent.acked();
        assert.ok(ackedWhileFull < agent.emitted, 'what could not be stored is not acked');
        assert.equal(collector.daemon.child.exitCode, null, 'the collector keeps running');
        assert.equal((await fetch(`${collector.httpUrl}/healthz`)).status, 200);
        rmSync(filler);
        await agent.drainAndStop();
        assert.equal(agent.spool.length, 0, 'the replay was stored once space was back');
        t.diagnostic(
          `disk full: ${written} records emitted while full, ${agent.emitted} in all, acked ${ackedWhileFull} before space was freed`,
        );
      } finally {
        await collector.daemon.stop();
      }
      const { rows, distinct } = storedCounts(db, 'disk-1');
      assert.equal(distinct, agent.emitted, 'nothing lost');
      assert.equal(rows, distinct, 'nothing stored twice');
    } finally {
      execFileSync('umount', [mount]);
    }
  });

  it('agent SIGKILL with a disk spool: every record it spooled is stored once', async (t) => {
    const db = join(dir, 'agent-kill.db');
    const spoolDir = join(dir, 'spool');
    const collector = await startCollector(loopbackCollectorArgs(db));
    const address = collector.grpcTarget;
    const runs = 10;
    const range = 1000;
    const spooled: number[] = [];
    try {
      for (let run = 0; run < runs; run++) {
        const first = run * range;
        const child = spawnSpoolingAgent(address, spoolDir, String(first));
        const linesBeforeKill = 1 + (run % 7) * 2;
        let last = first - 1;
        await new Promise<void>((resolve, reject) => {
          let lines = 0;
          child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
            for (const match of chunk.matchAll(/^spooled (\d+)$/gm)) {
              last = Number(match[1]);
              if (++lines === linesBeforeKill) child.kill('SIGKILL');
            }
          });
          child.once('exit', (code, signal) => {
            if (signal === 'SIGKILL') resolve();
            else reject(new Error(`spooling agent exited with ${code}: ${stderrOf(child)}`));
          });
        });
        assert.ok(last < first + range, `run ${run} stayed inside its range`);
        for (let index = first; index <= last; index++) spooled.push(index);
      }
      const drain = spawnSpoolingAgent(address, spoolDir, 'drain');
      const [code] = (await once(drain, 'exit')) as [number | null];
      assert.equal(code, 0, `the last run replayed every spooled message: ${stderrOf(drain)}`);
    } finally {
      await collector.daemon.stop();
    }
    const store = new SqliteFlowDb(db);
    try {
      const rows = store.queryFlows({ node: 'spool-1', limit: 1_000_000 }).flows;
      const ids = new Set(rows.map((r) => r.conntrackId));
      const lost = spooled.filter((index) => !ids.has(1000 + index)).length;
      const duplicates = rows.length - ids.size;
      t.diagnostic(
        `agent SIGKILL: ${runs} kills, ${spooled.length} records spooled, ${lost} lost, ${duplicates} stored twice`,
      );
      assert.equal(lost, 0);
      assert.equal(duplicates, 0);
    } finally {
      store.close();
    }
  });
});

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const stderrs = new WeakMap<ChildProcess, string[]>();

/** The spooling agent of test/support/spooling-agent.ts, as a child process. */
function spawnSpoolingAgent(
  address: string,
  spoolDir: string,
  first: string,
): ChildProcessByStdio<null, Readable, Readable> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'test/support/spooling-agent.ts'), address, spoolDir, first],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const chunks: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => chunks.push(chunk));
  stderrs.set(child, chunks);
  return child;
}

function stderrOf(child: ChildProcess): string {
  return (stderrs.get(child) ?? []).join('');
}
