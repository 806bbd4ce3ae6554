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
