// Durations on the command line: "500ms", "2s", "1m", "1h", "7d".

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Milliseconds of a duration such as "2s"; null when malformed or not positive. */
export function parseDuration(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(text.trim());
  if (!match) return null;
  const [, amount = '', unit = ''] = match;
  const ms = Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}
