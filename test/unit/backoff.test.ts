// Reconnect backoff: full jitter under an exponential ceiling, capped, reset after a good stream.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  Backoff,
  backoffCeilingMs,
  backoffDelayMs,
  DEFAULT_BACKOFF,
} from '../../agent/export/backoff.js';

describe('backoff', () => {
  const cases: { name: string; attempt: number; ceiling: number }[] = [
    { name: 'first retry', attempt: 0, ceiling: 250 },
    { name: 'second doubles', attempt: 1, ceiling: 500 },
    { name: 'seventh', attempt: 6, ceiling: 16_000 },
    { name: 'capped at 30 s', attempt: 7, ceiling: 30_000 },
    { name: 'still capped far out', attempt: 5000, ceiling: 30_000 },
    { name: 'negative attempt is the first', attempt: -3, ceiling: 250 },
  ];
  for (const { name, attempt, ceiling } of cases) {
    it(`ceiling: ${name}`, () => {
      assert.equal(backoffCeilingMs(attempt, DEFAULT_BACKOFF), ceiling);
    });
  }

  it('zero initial delay never yields NaN', () => {
    assert.equal(backoffCeilingMs(5000, { initialMs: 0, maxMs: 100, multiplier: 2 }), 100);
  });

  it('full jitter spans [0, ceiling]', () => {
    assert.equal(
      backoffDelayMs(3, DEFAULT_BACKOFF, () => 0),
      0,
    );
    assert.equal(
      backoffDelayMs(3, DEFAULT_BACKOFF, () => 0.5),
      1000,
    );
    assert.equal(
      backoffDelayMs(3, DEFAULT_BACKOFF, () => 0.999_999),
      1999,
    );
  });

  it('grows per call and starts over after reset', () => {
    const backoff = new Backoff(DEFAULT_BACKOFF, () => 0.5);
    assert.deepEqual(
      Array.from({ length: 9 }, () => backoff.next()),
      [125, 250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000],
    );
    assert.equal(backoff.attempts, 9);
    backoff.reset();
    assert.equal(backoff.attempts, 0);
    assert.equal(backoff.next(), 125);
  });

  it('uses the injected random source for every delay', () => {
    const draws = [0.1, 0.9, 0.3];
    const backoff = new Backoff(
      { initialMs: 100, maxMs: 1000, multiplier: 2 },
      () => draws.shift() ?? 0,
    );
    assert.deepEqual([backoff.next(), backoff.next(), backoff.next()], [10, 180, 120]);
  });
});
