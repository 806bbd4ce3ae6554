// Line splitting for big text streams (conntrack dumps reach 1M lines), from files or processes.
// A synchronous callback per line keeps the per-line cost low (an async generator would add a
// promise round trip to every line).
import { Buffer, isAscii } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { LineParseError } from './line-error.js';

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

/** The bound on one line: longer ones are skipped and reported, never held whole. */
export interface LineLimit {
  maxLineBytes: number;
  /** Where the lines come from (a file or a command), for the report of a skipped line. */
  source: string;
  /** Receives each skipped line as a parse error that quotes its start. */
  onOverlong(error: LineParseError): void;
}

/** Conntrack and iptables lines are a few hundred bytes; 64 KiB leaves room for any real rule. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

// A skipped line is quoted by this many bytes of its start: enough to recognise it.
const QUOTED_BYTES = 80;

/** A line being skipped: its length so far and its first bytes. */
interface Skipping {
  bytes: number;
  head: string;
}

/**
 * Receives byte chunks and calls onLine for every complete line (1-based numbers), in place: no
 * decoding and no copy, except for the one line a chunk boundary cuts in two. A line longer than
 * the limit is counted and reported, and its bytes are dropped as they come: a tool that prints
 * 50 MB without a newline costs no more memory than one chunk.
 */
export class ByteLineSplitter {
  private rest: Buffer = Buffer.alloc(0);
  private skipping: Skipping | null = null;
  private lineNumber = 0;

  constructor(
    private readonly onLine: ByteLineHandler,
    private readonly limit: LineLimit,
  ) {}

  /** Feeds one chunk; a line split across chunks is joined. */
  push(chunk: Buffer): void {
    let start = 0;
    let end = chunk.indexOf(LF);
    if (end === -1) {
      this.keepPartial(chunk);
      return;
    }
    if (this.skipping !== null) {
      this.skipping.bytes += end;
      this.reportSkipped();
      start = end + 1;
      end = chunk.indexOf(LF, start);
    } else if (this.rest.length > 0) {
      if (this.rest.length + end > this.limit.maxLineBytes) {
        this.skipping = { bytes: this.rest.length + end, head: quote(this.rest) };
        this.reportSkipped();
      } else {
        const line = Buffer.concat([this.rest, chunk.subarray(0, end)]);
        this.onLine(line, 0, line.length, ++this.lineNumber, isAscii(line));
      }
      this.rest = Buffer.alloc(0);
      start = end + 1;
      end = chunk.indexOf(LF, start);
    }
    const ascii = isAscii(chunk);
    while (end !== -1) {
      if (end - start > this.limit.maxLineBytes) {
        this.skipping = { bytes: end - start, head: quote(chunk.subarray(start, end)) };
        this.reportSkipped();
      } else {
        this.onLine(chunk, start, end, ++this.lineNumber, ascii);
      }
      start = end + 1;
      end = chunk.indexOf(LF, start);
    }
    if (start < chunk.length) this.keepPartial(chunk.subarray(start));
  }

  /** Flushes a last line without newline; returns the number of lines seen. */
  end(): number {
    if (this.skipping !== null) this.reportSkipped();
    const rest = this.rest;
    this.rest = Buffer.alloc(0);
    if (rest.length > 0) this.onLine(rest, 0, rest.length, ++this.lineNumber, isAscii(rest));
    return this.lineNumber;
  }

  /** Keeps the start of an unfinished line, or only counts it once it is over the limit. */
  private keepPartial(part: Buffer): void {
    if (this.skipping !== null) {
      this.skipping.bytes += part.length;
    } else if (this.rest.length + part.length > this.limit.maxLineBytes) {
      const bytes = this.rest.length + part.length;
      this.skipping = { bytes, head: quote(this.rest.length > 0 ? this.rest : part) };
      this.rest = Buffer.alloc(0);
    } else {
      // A copy: keeping a view would pin the whole chunk until the line is complete.
      this.rest = this.rest.length > 0 ? Buffer.concat([this.rest, part]) : Buffer.from(part);
    }
  }

  private reportSkipped(): void {
    const skipped = this.skipping;
    if (skipped === null) return;
    this.skipping = null;
    const { maxLineBytes, source } = this.limit;
    this.limit.onOverlong(
      new LineParseError(
        source,
        ++this.lineNumber,
        skipped.head,
        `line of ${skipped.bytes} bytes is over the ${maxLineBytes}-byte limit; skipped`,
      ),
    );
  }
}

function quote(bytes: Buffer): string {
  return `${bytes.toString('utf8', 0, Math.min(bytes.length, QUOTED_BYTES))}…`;
}

const LF = 0x0a;

/** Calls onLine for every line of the file, as bytes; resolves with the line count. */
export async function forEachLine(
  path: string,
  onLine: ByteLineHandler,
  limit: LineLimit,
): Promise<number> {
  const splitter = new ByteLineSplitter(onLine, limit);
  const stream = createReadStream(path, { highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<Buffer>) splitter.push(chunk);
  return splitter.end();
}
