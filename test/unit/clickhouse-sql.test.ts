// The hand-written ClickHouse encodings: string literals that hold any text and cannot be broken
// out of, exact float literals, TabSeparated reading, RowBinary layout, and the IP encoding.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  RowBinaryWriter,
  parseTsv,
  sqlFloat,
  sqlString,
  sqlUInt,
  tsvUnescape,
} from '../../collector/clickhouse-sql.js';
import { encodeIp, formatIp } from '../../collector/clickhouse-store.js';

/** Reads a literal back the way ClickHouse's lexer does (quote, then escapes until the quote). */
function readLiteral(literal: string): string {
  assert.ok(literal.startsWith("'") && literal.endsWith("'"), literal);
  const body = literal.slice(1, -1);
  // No unescaped quote may end the literal early.
  assert.doesNotMatch(body.replace(/\\./gs, ''), /'/);
  return tsvUnescape(body);
}

describe('sqlString', () => {
  it('quotes named cases', () => {
    const cases: [string, string][] = [
      ['', "''"],
      ['n1', "'n1'"],
      ["it's", "'it\\'s'"],
      ['back\\slash', "'back\\\\slash'"],
      ["' OR 1=1 --", "'\\' OR 1=1 --'"],
      ['nul\u0000tab\tnl\n', "'nul\\0tab\\tnl\\n'"],
      ['\u0001\u007f', "'\\x01\\x7f'"],
      ['ünïcødé €', "'ünïcødé €'"],
    ];
    for (const [value, literal] of cases) assert.equal(sqlString(value), literal, value);
  });

  it('gives back any text and never ends early (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (value) => {
        const literal = sqlString(value);
        assert.equal(readLiteral(literal), value);
        for (const raw of ['\n', '\r', '\u0000']) assert.ok(!literal.includes(raw));
      }),
    );
  });
});

describe('number literals', () => {
  it('passes floats as their bits and refuses NaN', () => {
    assert.equal(sqlFloat(1), "reinterpretAsFloat64(unhex('000000000000f03f'))");
    assert.throws(() => sqlFloat(Number.NaN), RangeError);
    assert.match(
      sqlFloat(Number.NEGATIVE_INFINITY),
      /^reinterpretAsFloat64\(unhex\('[0-9a-f]{16}'\)\)$/,
    );
  });

  it('accepts only unsigned integers', () => {
    assert.equal(sqlUInt(42), '42');
    assert.equal(sqlUInt(18446744073709551615n), '18446744073709551615');
    for (const bad of ['1 OR 1', '-1', '1.5', '', '1e3'])
      assert.throws(() => sqlUInt(bad), RangeError);
  });
});

describe('parseTsv', () => {
  it('splits rows and fields, unescapes, reads \\N as null', () => {
    assert.deepEqual(parseTsv(''), []);
    assert.deepEqual(parseTsv('a\t\\N\tb\\tc\\\\d\\n\n1\t\t\\0\n'), [
      ['a', null, 'b\tc\\d\n'],
      ['1', '', '\0'],
    ]);
  });
});

describe('RowBinaryWriter', () => {
  it('writes little-endian numbers, LEB128-prefixed strings and Nullable markers', () => {
    const w = new RowBinaryWriter();
    w.uint8(1);
    w.uint16(0x0203);
    w.uint32(0x04050607);
    w.int32(-1);
    w.uint64(0x08090a0b0c0d0e0fn);
    w.string('é');
    w.present(null);
    w.present('x');
    w.string('x'.repeat(200));
    assert.deepEqual(
      [...w.bytes().subarray(0, 27)],
      [
        1, 3, 2, 7, 6, 5, 4, 255, 255, 255, 255, 15, 14, 13, 12, 11, 10, 9, 8, 2, 0xc3, 0xa9, 1, 0,
        200, 1, 120,
      ],
    );
    assert.equal(w.bytes().length, 26 + 200);
  });

  it('grows past its first buffer', () => {
    const w = new RowBinaryWriter();
    for (let i = 0; i < 20_000; i++) w.float64(i);
    assert.equal(w.bytes().length, 160_000);
    assert.equal(w.bytes().readDoubleLE(8 * 19_999), 19_999);
  });
});

describe('IP encoding', () => {
  it('stores IPv4 as v4-mapped bytes and gives each written form back', () => {
    const v4 = encodeIp('198.51.100.7');
    const mapped = encodeIp('::ffff:198.51.100.7');
    assert.deepEqual(v4.bytes, mapped.bytes);
    assert.equal(Buffer.from(v4.bytes).toString('hex'), '00000000000000000000ffffc6336407');
    assert.equal(formatIp(v4.bytes, v4.v4), '198.51.100.7');
    assert.equal(formatIp(mapped.bytes, mapped.v4), '::ffff:198.51.100.7');
    assert.equal(v4.text, null);
    assert.equal(mapped.text, null);
  });

  it('keeps a text that the bytes would not reproduce', () => {
    for (const text of ['', 'not an ip', '2001:DB8::1', '2001:db8:0::1', 'fe80::1%eth0']) {
      const encoded = encodeIp(text);
      assert.equal(encoded.text, text, text);
    }
    assert.equal(encodeIp('2001:db8::1').text, null);
  });
});
