// The exporter's choice of collector replica: where it starts and where it goes after a stream
// ends. The exporter's use of it over real streams is in test/e2e/exporter.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CollectorRotation } from '../../agent/export/collector-rotation.js';

const targets = ['a:9443', 'b:9443', 'c:9443'];

describe('collector rotation', () => {
  it('starts where the random draw points, so a fleet spreads over the replicas', () => {
    assert.equal(new CollectorRotation(targets, () => 0).current, 'a:9443');
    assert.equal(new CollectorRotation(targets, () => 0.5).current, 'b:9443');
    assert.equal(new CollectorRotation(targets, () => 0.99).current, 'c:9443');
    // A source that returns 1 (outside its contract) must not index past the end.
    assert.equal(new CollectorRotation(targets, () => 1).current, 'c:9443');
  });

  it('moves to the next target after each ended stream, wrapping around', () => {
    const rotation = new CollectorRotation(targets, () => 0.5);
    const seen = [rotation.current];
    for (let i = 0; i < 4; i++) {
      assert.equal(rotation.advance(), true, 'another target each time');
      seen.push(rotation.current);
    }
    assert.deepEqual(seen, ['b:9443', 'c:9443', 'a:9443', 'b:9443', 'c:9443']);
  });

  it('retries a single target and says it is no failover', () => {
    const rotation = new CollectorRotation(['only:9443'], () => 0.7);
    assert.equal(rotation.advance(), false);
    assert.equal(rotation.current, 'only:9443');
  });

  it('refuses an empty list', () => {
    assert.throws(() => new CollectorRotation([], Math.random), /at least one collector/);
  });
});
