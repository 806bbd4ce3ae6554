// Values into ClickHouse SQL and RowBinary, and TabSeparated results back, written by hand because
// the oldest server we support (Debian's 18.16) has no query parameters ({name:Type}) and
// @clickhouse/client's insert formats do not include RowBinary. Every value from a user (a client
// IP, a Service or node filter) reaches SQL only through sqlString/sqlFloat/sqlUInt.
import { Buffer } from 'node:buffer';

// Escapes inside a quoted literal; the same set reads back in TabSeparated (see tsvUnescape).
const ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  "'": "\\'",
  '\0': '\\0',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

/**
 * A ClickHouse string literal holding exactly `value` (UTF-8). Quote and backslash are escaped,
 * control characters become \xHH, so the literal is one line of printable text and the SQL
 * cannot be broken out of, whatever the value.
 */
export function sqlString(value: string): string {
  // eslint-disable-next-line no-control-regex
  return `'${value.replace(/[\\'\u0000-\u001f\u007f]/g, (ch) => ESCAPES[ch] ?? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`)}'`;
}

/** Bytes as a FixedString literal: `toFixedString(unhex('…'), n)`. */
export function sqlBytes(bytes: Uint8Array): string {
  return `toFixedString(unhex('${Buffer.from(bytes).toString('hex')}'), ${bytes.length})`;
}

/**
 * A Float64 as its exact bits: 18.16 parses some decimal doubles one ulp off (measured: 421 of
 * 8,006 random doubles of extreme exponents), which would break equality in a keyset cursor.
 */
export function sqlFloat(value: number): string {
  if (Number.isNaN(value)) throw new RangeError('NaN has no place in a query');
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return `reinterpretAsFloat64(unhex('${bytes.toString('hex')}'))`;
}

/** A non-negative integer literal (64-bit values as decimal strings). */
export function sqlUInt(value: number | bigint | string): string {
  const text = String(value);
  if (!/^\d{1,20}$/.test(text)) throw new RangeError(`"${text}" is not an unsigned integer`);
  return text;
}

/** Reads one TabSeparated field: the escapes ClickHouse writes (\\, \t, \n, \0, \xHH, …). */
export function tsvUnescape(field: string): string {
  if (!field.includes('\\')) return field;
  return field.replace(/\\(x[0-9a-fA-F]{2}|.)/gs, (_, escape: string) => {
    switch (escape[0]) {
      case 'x':
        return String.fromCharCode(parseInt(escape.slice(1), 16));
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case '0':
        return '\0';
      case 'a':
        return '\u0007';
      case 'v':
        return '\v';
      default:
        return escape;
    }
  });
}

/** The rows of a TabSeparated result, each as its unescaped fields; `\N` (NULL) as null. */
export function parseTsv(text: string): (string | null)[][] {
  if (text === '') return [];
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return lines.map((line) => line.split('\t').map((f) => (f === '\\N' ? null : tsvUnescape(f))));
}

/**
 * Builds a RowBinary body: little-endian numbers, LEB128-prefixed UTF-8 strings, a 0/1 byte before
 * a Nullable value. Exact for every double, and the fastest input format the old server reads.
 */
export class RowBinaryWriter {
  private buffer = Buffer.allocUnsafe(1 << 16);
  private length = 0;

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }

  uint8(value: number): void {
    this.reserve(1);
    this.buffer[this.length++] = value & 0xff;
  }

  uint16(value: number): void {
    this.reserve(2);
    this.length = this.buffer.writeUInt16LE(value, this.length);
  }

  uint32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeUInt32LE(value >>> 0, this.length);
  }

  int32(value: number): void {
    this.reserve(4);
    this.length = this.buffer.writeInt32LE(value | 0, this.length);
  }

  uint64(value: bigint): void {
    this.reserve(8);
    this.length = this.buffer.writeBigUInt64LE(value, this.length);
  }

  float64(value: number): void {
    this.reserve(8);
    this.length = this.buffer.writeDoubleLE(value, this.length);
  }

  /** A FixedString(n): exactly `bytes.length` raw bytes. */
  fixed(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  string(value: string): void {
    const bytes = Buffer.byteLength(value);
    this.reserve(bytes + 5);
    let n = bytes;
    while (n >= 0x80) {
      this.buffer[this.length++] = (n & 0x7f) | 0x80;
      n >>>= 7;
    }
    this.buffer[this.length++] = n;
    this.length += this.buffer.write(value, this.length, 'utf8');
  }

  /** The Nullable prefix: writes 1 and returns false for null, else writes 0 and returns true. */
  present(value: unknown): boolean {
    const has = value !== null && value !== undefined;
    this.uint8(has ? 0 : 1);
    return has;
  }

  /** The bytes written so far. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }
}
