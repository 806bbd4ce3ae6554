// The error every line parser raises: where the bad line is, what it says, and why it is bad.

/** A line of tool output that its parser cannot read; the message is `file:line: reason: "text"`. */
export class LineParseError extends Error {
  constructor(
    readonly source: string,
    readonly lineNumber: number,
    readonly text: string,
    readonly reason: string,
  ) {
    super(`${source}:${lineNumber}: ${reason}: "${text}"`);
    this.name = new.target.name;
  }
}

/** Thrown by a line handler for a line it cannot read; the message is the reason. */
export class MalformedLine extends Error {}

/**
 * Calls `handle` for every line of `text` that is not blank (CR stripped; `#` comments skipped
 * too with `skipComments`). What a handler throws becomes one error from `makeError`: a parser
 * bug costs one line, never the whole document.
 */
export function forEachTextLine<E extends LineParseError>(
  text: string,
  options: {
    source: string;
    errors: E[];
    makeError: (source: string, lineNumber: number, text: string, reason: string) => E;
    skipComments?: boolean;
  },
  handle: (line: string, lineNumber: number) => void,
): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trim();
    if (trimmed === '' || (options.skipComments === true && trimmed.startsWith('#'))) continue;
    try {
      handle(line, i + 1);
    } catch (error) {
      const reason =
        error instanceof MalformedLine ? error.message : `parser failure: ${String(error)}`;
      options.errors.push(options.makeError(options.source, i + 1, line, reason));
    }
  }
}
