// Line splitting for big text streams (conntrack dumps reach 1M lines), from files or processes.
// A synchronous callback per line keeps the per-line cost low (an async generator would add a
// promise round trip to every line).
import { Buffer, isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';

/**
 * Receives one line as `bytes[start, end)` (without its "\n"), valid only during the call;
 * `ascii` true promises that the line holds no byte above 0x7f (checked natively, once per chunk);
 * false means only that the chunk held some.
 */
export type ByteLineHandler = (
  bytes: Buffer,
  start: number,
  end: number,
  lineNumber: number,
  ascii: boolean,
) => void;

/**
 * Receives byte chunks and calls onLine for every complete line (1-based numbers), in place: no
 * decoding and no copy, except for the one line a chunk boundary cuts in two.
 */
export class ByteLineSplitter {
  private rest: Buffer = Buffer.alloc(0);
  private lineNumber = 0;

  constructor(private readonly onLine: ByteLineHandler) {}

  /** Feeds one chunk; a line split across chunks is joined. */
  push(chunk: Buffer): void {
    let start = 0;
    let end = chunk.indexOf(LF);
    if (this.rest.length > 0) {
      if (end === -1) {
        this.rest = Buffer.concat([this.rest, chunk]);
        return;
      }
      const line = Buffer.concat([this.rest, chunk.subarray(0, end)]);
      this.rest = Buffer.alloc(0);
      this.onLine(line, 0, line.length, ++this.lineNumber, isAscii(line));
      start = end + 1;
      end = chunk.indexOf(LF, start);
    }
    const ascii = isAscii(chunk);
    while (end !== -1) {
      this.onLine(chunk, start, end, ++this.lineNumber, ascii);
      start = end + 1;
      end = chunk.indexOf(LF, start);
    }
    // A copy: keeping a view would pin the whole chunk until the line is complete.
    if (start < chunk.length) this.rest = Buffer.from(chunk.subarray(start));
  }

  /** Flushes a last line without newline; returns the number of lines seen. */
  end(): number {
    const rest = this.rest;
    this.rest = Buffer.alloc(0);
    if (rest.length > 0) this.onLine(rest, 0, rest.length, ++this.lineNumber, isAscii(rest));
    return this.lineNumber;
  }
}

const LF = 0x0a;

/** Receives text chunks and calls onLine for every complete line (1-based numbers). */
export class LineSplitter {
  private rest = '';
  private lineNumber = 0;

  constructor(private readonly onLine: (line: string, lineNumber: number) => void) {}

  /** Feeds one chunk; lines split across chunks are joined. */
  push(chunk: string): void {
    const text = this.rest + chunk;
    let start = 0;
    let end = text.indexOf('\n');
    while (end !== -1) {
      this.onLine(text.slice(start, end), ++this.lineNumber);
      start = end + 1;
      end = text.indexOf('\n', start);
    }
    this.rest = text.slice(start);
  }

  /** Flushes a last line without newline; returns the number of lines seen. */
  end(): number {
    if (this.rest.length > 0) this.onLine(this.rest, ++this.lineNumber);
    this.rest = '';
    return this.lineNumber;
  }
}

/** Calls onLine for every line of the file, as bytes; resolves with the line count. */
export async function forEachLine(path: string, onLine: ByteLineHandler): Promise<number> {
  const splitter = new ByteLineSplitter(onLine);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) splitter.push(chunk);
  return splitter.end();
}
