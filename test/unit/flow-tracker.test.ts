// The tracker's incarnations: a key added again after it closed is its next incarnation, within a
// bounded window of recently closed keys.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FlowTracker } from '../../agent/flow-tracker.js';
import { v1 } from '../../proto/index.js';

const FLOW = v1.FlowRecord.Kind.flow;

describe('FlowTracker incarnations', () => {
  it('numbers a key added again after it closed, whichever way it closed', () => {
    const tracker = new FlowTracker(4);
    assert.equal(tracker.add('a', FLOW), 0);
    assert.deepEqual(tracker.remove('a'), { kind: FLOW, incarnation: 0, reported: true });
    assert.equal(tracker.add('a', FLOW), 1);
    tracker.beginPoll();
    const closed = tracker.endPoll(true, 'n1', 10);
    assert.deepEqual(
      closed.map((r) => r.incarnation),
      [1],
      'a read that no longer lists it closes incarnation 1',
    );
    assert.equal(tracker.openAndClose('a'), 2);
    assert.equal(tracker.add('a', FLOW), 3);
  });

  it('forgets the oldest closed keys beyond its window: their successors start over at 0', () => {
    const tracker = new FlowTracker(2);
    for (const key of ['a', 'b', 'c']) {
      tracker.add(key, FLOW);
      tracker.remove(key);
    }
    assert.equal(tracker.add('a', FLOW), 0, 'a left the window');
    assert.equal(tracker.add('b', FLOW), 1);
    assert.equal(tracker.add('c', FLOW), 1);
  });

  it('does not report the close of a flow that sampling left out', () => {
    const tracker = new FlowTracker();
    tracker.add('a', FLOW, false);
    tracker.beginPoll();
    assert.deepEqual(tracker.endPoll(true, 'n1', 10), []);
    assert.equal(tracker.size, 0);
  });
});
