// The overload sampler on a fake clock: every flow within the budget (and within a burst of a few
// seconds' budget), 1 in N above it, N from the last second and doubled while the flood grows,
// back to every flow once a second stays within the budget.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowSampler } from '../../agent/sampler.js';

function sampler(budget: number) {
  let now = 0;
  const said: string[] = [];
  const s = new FlowSampler(
    budget,
    {
      started: (rate, perSecond) => said.push(`started 1 in ${rate} at ${perSecond}/s`),
      ended: () => said.push('ended'),
    },
    () => now,
  );
  /** `count` flows spread evenly over `ms`; returns how many were reported and the rates given. */
  const flows = (count: number, ms: number) => {
    let reported = 0;
    const rates = new Set<number>();
    const start = now;
    for (let i = 0; i < count; i++) {
      now = start + Math.floor((i * ms) / count);
      const d = s.admit();
      if (d.report) reported++;
      rates.add(d.rate);
    }
    now = start + ms;
    return { reported, rates: [...rates] };
  };
  return { s, said, flows, advance: (ms: number) => (now += ms) };
}

describe('FlowSampler', () => {
  it('reports every flow while the rate stays within the budget', () => {
    const { flows, said } = sampler(100);
    for (let second = 0; second < 10; second++) {
      assert.deepEqual(flows(100, 1000), { reported: 100, rates: [1] });
    }
    assert.deepEqual(said, []);
  });

  it('reports every flow of a clump: a few seconds of events handled at once', () => {
    const { flows, said } = sampler(100);
    flows(50, 1000);
    // Three seconds' worth (below the budget per second) arriving within 50 ms.
    assert.deepEqual(flows(300, 50), { reported: 300, rates: [1] });
    assert.deepEqual(said, []);
  });

  it('under a flood reports 1 in N, N from the last second; ends after a quiet second', () => {
    const { s, flows, said } = sampler(100);
    // The burst allowance (5 s of budget) goes first, then N from the second's rate so far.
    const first = flows(2000, 1000);
    assert.ok(first.reported >= 500 && first.reported <= 800, `${first.reported}`);
    assert.match(said[0] ?? '', /^started 1 in \d+/);
    // A steady flood of 2,000/s: N = 20, the budget's 100 records a second.
    for (let second = 0; second < 3; second++) {
      assert.deepEqual(flows(2000, 1000), { reported: 100, rates: [20] });
    }
    assert.equal(s.currentRate, 20);
    // The flood ends: after a second within the budget, every flow again.
    flows(50, 1000);
    assert.deepEqual(flows(50, 1000), { reported: 50, rates: [1] });
    assert.equal(said.at(-1), 'ended');
  });

  it('doubles N at once when the flood grows within a second', () => {
    const { s, flows } = sampler(100);
    for (let second = 0; second < 3; second++) flows(1000, 1000);
    assert.equal(s.currentRate, 10);
    // Ten times more: N doubles each time the reported flows run a second's budget behind.
    const grown = flows(10_000, 1000);
    assert.ok(
      grown.rates.some((rate) => rate > 10),
      JSON.stringify(grown.rates),
    );
    assert.ok(grown.reported < 400, `${grown.reported}`);
  });

  it('is deterministic: the same flows give the same decisions', () => {
    const a = sampler(10);
    const b = sampler(10);
    for (let i = 0; i < 3; i++) assert.deepEqual(a.flows(500, 1000), b.flows(500, 1000));
  });

  it('refuses a budget below 1', () => {
    assert.throws(
      () => new FlowSampler(0, { started: () => undefined, ended: () => undefined }),
      /record budget 0/,
    );
  });
});
