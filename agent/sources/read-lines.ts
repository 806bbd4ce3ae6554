// Line splitting for big text streams (conntrack dumps reach 1M lines), from files or processes.
// A synchronous callback per line keeps the per-line cost low (an async generator would add a
// promise round trip to every line).
import { createReadStream } from 'node:fs';

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

/** Calls onLine for every line of the file; resolves with the line count. */
export async function forEachLine(
  path: string,
  onLine: (line: string, lineNumber: number) => void,
): Promise<number> {
  const splitter = new LineSplitter(onLine);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
  for await (const chunk of stream as AsyncIterable<string>) splitter.push(chunk);
  return splitter.end();
}
