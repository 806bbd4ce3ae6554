// The socket tracer's output parser on bpftrace 0.17's real output (this kernel, a private netns
// with real TCP connections: test/fixtures/SOURCES.md), and its reasons for being unavailable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ToolError } from '../../agent/sources/exec.js';
import {
  parseTracerLine,
  tracefsMounted,
  unavailableReason,
} from '../../agent/sources/socket-tracer.js';
import { assertGolden, readFixture, toJsonLines } from '../support/golden.js';

describe('parseTracerLine', () => {
  it('reads the attach message and IPv4, IPv6 and v4-mapped passive opens (golden)', () => {
    const lines = readFixture('bpftrace-0.17-inet-sock-set-state-passive-open.json').split('\n');
    assertGolden('bpftrace/passive-open.jsonl', toJsonLines(lines.map(parseTracerLine)));
  });

  it('gives conntrack’s IPv4 form for a dual-stack listener’s v4-mapped addresses', () => {
    const line = '{"type": "printf", "data": "::ffff:10.99.0.1 18082 ::ffff:10.99.0.2 46371"}';
    assert.deepEqual(parseTracerLine(line), {
      type: 'open',
      open: { serverIp: '10.99.0.1', serverPort: 18082, peerIp: '10.99.0.2', peerPort: 46371 },
    });
  });

  it('refuses printf lines that are not the program’s, and broken JSON', () => {
    for (const line of [
      '{"type": "printf", "data": "10.0.0.1 80 10.0.0.2"}',
      '{"type": "printf", "data": "10.0.0.1 80 10.0.0.2 70000"}',
      '{"type": "printf", "data": 5}',
      '{"type": "printf", "data": "a b c d e"}',
      '{"type": "printf"',
    ]) {
      assert.throws(() => parseTracerLine(line), Error, line);
    }
    assert.deepEqual(parseTracerLine('{"type": "map", "data": {}}'), { type: 'other' });
  });
});

describe('unavailableReason', () => {
  const exit = new ToolError('bpftrace', [], 'exit', 'exit code 1');
  it('names the cause from bpftrace’s own stderr (real captures)', () => {
    assert.equal(
      unavailableReason(exit, readFixture('bpftrace-0.17-no-tracefs.stderr.txt')),
      'no-tracefs',
    );
    assert.equal(
      unavailableReason(exit, readFixture('bpftrace-0.17-no-cap-bpf.stderr.txt')),
      'no-permission',
    );
    assert.equal(
      unavailableReason(exit, 'ERROR: bpftrace currently only supports running as the root user.'),
      'no-permission',
    );
    assert.equal(
      unavailableReason(new ToolError('bpftrace', [], 'missing', 'not installed'), ''),
      'no-bpftrace',
    );
    assert.equal(unavailableReason(exit, 'ERROR: Could not resolve BTF'), 'no-btf');
    assert.equal(unavailableReason(exit, 'something else'), 'exited');
  });

  it('finds tracefs at either mount point', () => {
    assert.equal(
      tracefsMounted(() => false),
      false,
    );
    assert.equal(
      tracefsMounted((path) => path.startsWith('/sys/kernel/debug/tracing/')),
      true,
    );
  });
});
