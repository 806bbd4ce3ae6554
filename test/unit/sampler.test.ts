// The overload sampler on a fake clock: every flow within the budget, 1 in N above it, N from the
// last second and raised at once within a burst, back to every flow after an idle second.
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
    for (let second = 0; second < 5; second++) {
      assert.deepEqual(flows(100, 1000), { reported: 100, rates: [1] });
    }
    assert.deepEqual(said, []);
  });

  it('under a flood reports 1 in N, N from the last second; ends after an idle second', () => {
    const { s, flows, said, advance } = sampler(100);
    // First second: the burst spends the budget, N doubles each time (100 at 1, 100 at 2, …).
    const first = flows(1000, 1000);
    assert.ok(first.reported <= 100 * Math.ceil(Math.log2(1000 / 100) + 1), `${first.reported}`);
    assert.ok(first.reported >= 100);
    // Steady flood: N = ceil(1000 / 100) = 10 → 100 records a second.
    const steady = flows(1000, 1000);
    assert.deepEqual(steady, { reported: 100, rates: [10] });
    assert.equal(s.currentRate, 10);
    assert.match(said[0] ?? '', /^started 1 in 2/);
    // The flood ends: after a second without flows, every flow again.
    advance(2000);
    s.refresh();
    assert.equal(s.currentRate, 1);
    assert.deepEqual(flows(50, 1000), { reported: 50, rates: [1] });
    assert.equal(said.at(-1), 'ended');
  });

  it('is deterministic: the same flows give the same decisions', () => {
    const a = sampler(10);
    const b = sampler(10);
    assert.deepEqual(a.flows(500, 1000), b.flows(500, 1000));
    assert.deepEqual(a.flows(500, 1000), b.flows(500, 1000));
  });

  it('refuses a budget below 1', () => {
    assert.throws(
      () => new FlowSampler(0, { started: () => undefined, ended: () => undefined }),
      /record budget 0/,
    );
  });
});
