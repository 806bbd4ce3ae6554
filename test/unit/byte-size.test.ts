// Sizes on the command line, as Kubernetes writes memory quantities.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseByteSize } from '../../common/byte-size.js';

describe('parseByteSize', () => {
  const cases: [string, number | null][] = [
    ['256Mi', 256 * 2 ** 20],
    ['1Gi', 2 ** 30],
    ['1.5Gi', 1.5 * 2 ** 30],
    ['64Ki', 65_536],
    ['500M', 500_000_000],
    ['2G', 2_000_000_000],
    ['10k', 10_000],
    ['1048576', 1_048_576],
    [' 8Mi ', 8 * 2 ** 20],
    ['0', null],
    ['0Mi', null],
    ['-1Mi', null],
    ['256MB', null],
    ['256mi', null],
    ['Mi', null],
    ['', null],
    ['1e3', null],
  ];
  for (const [text, bytes] of cases) {
    it(`"${text}" → ${bytes ?? 'null'}`, () => {
      assert.equal(parseByteSize(text), bytes);
    });
  }
});
