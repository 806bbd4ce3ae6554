// When the agent reads rules and addresses again, on a fake clock and fake change streams.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import { AgentMetrics } from '../../agent/metrics.js';
import { ToolError } from '../../agent/sources/exec.js';
import type { TableChangeHandlers, TableFollower } from '../../agent/sources/node-reader.js';
import {
  DEFAULT_TABLES_FRESHNESS,
  TablesFreshness,
  type TablesReadReason,
} from '../../agent/tables-freshness.js';

const CONFIG = { ...DEFAULT_TABLES_FRESHNESS, safetyRefreshMs: 60_000, minChangeGapMs: 5_000 };
// A time well past the armed read and the gap between reads for changes.
const LATER = 20_000;

/** Fake streams the test drives, and a clock it moves. */
function setup(options: { followable?: boolean } = {}) {
  const clock = { now: 0 };
  const streams = {
    handlers: null as TableChangeHandlers | null,
    blindSpot: null as string | null,
    stopped: 0,
    end: (_error: ToolError | null): void => undefined,
  };
  const follow = (handlers: TableChangeHandlers): TableFollower => {
    streams.handlers = handlers;
    const done = new Promise<ToolError | null>((resolve) => {
      streams.end = resolve;
    });
    return {
      done,
      stop: () => {
        streams.stopped++;
        streams.end(null);
      },
      blindSpot: () => streams.blindSpot,
    };
  };
  const metrics = new AgentMetrics();
  const freshness = new TablesFreshness(
    options.followable === false ? {} : { followTableChanges: follow },
    CONFIG,
    () => clock.now,
    metrics,
    pino({ level: 'silent' }),
  );
  const change = (): void => {
    streams.handlers?.event({ kind: 'change', what: 'nft rule ip nat' }, 'nft');
  };
  /** Reads when freshness says so, as the pipeline does; returns the reason or null. */
  const poll = (): TablesReadReason | null => {
    const reason = freshness.readReason();
    if (reason !== null) freshness.reading(reason);
    return reason;
  };
  const metric = async (name: string): Promise<string> =>
    (await metrics.registry.getSingleMetricAsString(name))
      .split('\n')
      .filter((l) => !l.startsWith('#'))
      .join('\n');
  return { clock, streams, freshness, change, poll, metric };
}

/** Past the start-up window in which a change may come before the streams listen. */
function armed(s: ReturnType<typeof setup>): void {
  s.freshness.start();
  assert.equal(s.poll(), 'first');
  s.clock.now = CONFIG.armMs;
  assert.equal(s.poll(), 'armed');
}

describe('tables freshness', () => {
  it('reads first, once more when the streams surely listen, then not while nothing changes', () => {
    const s = setup();
    armed(s);
    for (let t = CONFIG.armMs; t < CONFIG.safetyRefreshMs; t += 2000) {
      s.clock.now = t;
      assert.equal(s.poll(), null, `no read at ${t} ms`);
    }
  });

  it('while drop rules exist, reads on the periodic refresh for their counters', () => {
    const s = setup();
    armed(s);
    s.freshness.watchCounters(true);
    s.clock.now = CONFIG.armMs + CONFIG.periodicRefreshMs - 1;
    assert.equal(s.poll(), null);
    s.clock.now = CONFIG.armMs + CONFIG.periodicRefreshMs;
    assert.equal(s.poll(), 'counters');
    s.freshness.watchCounters(false);
    s.clock.now += CONFIG.periodicRefreshMs;
    assert.equal(s.poll(), null);
  });

  it('reads on the safety refresh when nothing changes', () => {
    const s = setup();
    armed(s);
    s.clock.now = CONFIG.armMs + CONFIG.safetyRefreshMs;
    assert.equal(s.poll(), 'safety');
  });

  it('a burst of changes (one kube-proxy sync) gives one read, after it is quiet', () => {
    const s = setup();
    armed(s);
    s.clock.now = LATER;
    for (let i = 0; i < 500; i++) s.change();
    assert.equal(s.poll(), null, 'not while the burst may go on');
    s.clock.now += CONFIG.quietMs;
    assert.equal(s.poll(), 'change');
    s.clock.now += 5000;
    assert.equal(s.poll(), null, 'once only');
  });

  it('changes that never stop still give a read after maxDelayMs', () => {
    const s = setup();
    armed(s);
    const first = LATER;
    for (let t = first; t < first + CONFIG.maxDelayMs; t += 50) {
      s.clock.now = t;
      s.change();
      assert.equal(s.poll(), null);
    }
    s.clock.now = first + CONFIG.maxDelayMs;
    s.change();
    assert.equal(s.poll(), 'change');
  });

  it('a change during a read keeps the tables dirty; reads for changes keep their gap', () => {
    const s = setup();
    armed(s);
    s.clock.now = LATER;
    s.change();
    s.clock.now += CONFIG.quietMs;
    assert.equal(s.poll(), 'change');
    // The read is running: kube-proxy syncs again.
    s.change();
    s.clock.now += CONFIG.quietMs;
    assert.equal(s.poll(), null, 'not sooner than minChangeGapMs after the last read');
    s.clock.now = LATER + CONFIG.quietMs + CONFIG.minChangeGapMs;
    assert.equal(s.poll(), 'change');
  });

  it('syncs every second (endpoint churn): no more reads than the periodic refresh gave', () => {
    const s = setup();
    armed(s);
    let reads = 0;
    for (let t = LATER; t < LATER + 60_000; t += 100) {
      s.clock.now = t;
      if (t % 1000 === 0) s.change();
      if (t % 2000 === 0 && s.poll() !== null) reads++;
    }
    assert.ok(reads <= 60_000 / CONFIG.minChangeGapMs, `${reads} reads in a minute`);
    // …and still one at most a poll (2 s) after the gap: changes are not left unread.
    assert.ok(reads >= 60_000 / (CONFIG.minChangeGapMs + 2000) - 1, `${reads} reads in a minute`);
  });

  it('ignored lines and consecutive generations do not dirty; a generation gap does', () => {
    const s = setup();
    armed(s);
    s.clock.now = LATER;
    const handlers = s.streams.handlers;
    assert.ok(handlers);
    const event: TableChangeHandlers['event'] = (e, tool) => {
      handlers.event(e, tool);
    };
    event({ kind: 'ignored' }, 'ip');
    event({ kind: 'generation', generation: 7, process: 'nft' }, 'nft');
    event({ kind: 'generation', generation: 8, process: 'nft' }, 'nft');
    s.clock.now += CONFIG.maxDelayMs;
    assert.equal(s.poll(), null);
    event({ kind: 'generation', generation: 11, process: 'nft' }, 'nft');
    s.clock.now += CONFIG.quietMs;
    assert.equal(s.poll(), 'change');
  });

  it('lost events dirty the tables', () => {
    const s = setup();
    armed(s);
    s.clock.now = LATER;
    s.streams.handlers?.event({ kind: 'lost' }, 'nft');
    s.clock.now += CONFIG.quietMs;
    assert.equal(s.poll(), 'change');
  });

  it('rules on the legacy backend: periodic reads, said once, streams stopped', async () => {
    const s = setup();
    armed(s);
    s.streams.blindSpot = 'legacy backend';
    s.clock.now = 5_000;
    assert.equal(s.poll(), null);
    assert.equal(s.freshness.following, false);
    assert.equal(s.streams.stopped, 1);
    s.clock.now = CONFIG.armMs + CONFIG.periodicRefreshMs;
    assert.equal(s.poll(), 'periodic');
    s.clock.now += CONFIG.periodicRefreshMs;
    assert.equal(s.poll(), 'periodic');
    assert.match(await s.metric('snatscope_agent_tables_fallbacks_total'), / 1$/);
    assert.match(await s.metric('snatscope_agent_tables_followed'), / 0$/);
  });

  it('a stream that fails (nft missing): periodic reads, the failure counted', async () => {
    const s = setup();
    s.freshness.start();
    assert.match(await s.metric('snatscope_agent_tables_followed'), / 1$/);
    s.streams.end(new ToolError('nft', ['monitor'], 'missing', 'not installed or not on PATH'));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(s.freshness.following, false);
    assert.equal(s.poll(), 'first');
    s.clock.now = CONFIG.periodicRefreshMs;
    assert.equal(s.poll(), 'periodic');
    assert.match(
      await s.metric('snatscope_agent_tool_failures_total'),
      /tool="nft",failure="missing"} 1/,
    );
    await s.freshness.stop();
  });

  it('a reader that cannot follow (support bundle, fake): periodic reads', () => {
    const s = setup({ followable: false });
    s.freshness.start();
    assert.equal(s.poll(), 'first');
    s.clock.now = CONFIG.periodicRefreshMs - 1;
    assert.equal(s.poll(), null);
    s.clock.now = CONFIG.periodicRefreshMs;
    assert.equal(s.poll(), 'periodic');
  });

  it('stop() ends the streams and is not a failure', async () => {
    const s = setup();
    s.freshness.start();
    await s.freshness.stop();
    assert.equal(s.streams.stopped, 1);
    assert.match(await s.metric('snatscope_agent_tables_fallbacks_total'), / 0$/);
  });
});
