// Reconnect delays: exponential with full jitter (AWS architecture blog, "Exponential Backoff And
// Jitter"), so that a fleet of agents cut off by one collector restart does not come back in step.

/** Shape of the backoff: the first ceiling, the cap, and the growth per attempt. */
export interface BackoffConfig {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly multiplier: number;
}

/** 250 ms doubling to 30 s. */
export const DEFAULT_BACKOFF: BackoffConfig = Object.freeze({
  initialMs: 250,
  maxMs: 30_000,
  multiplier: 2,
});

/** A source of uniform numbers in [0, 1), injectable so tests are deterministic. */
export type RandomSource = () => number;

/** The ceiling of the delay before retry number `attempt` (0-based): initial·multiplier^attempt, capped. */
export function backoffCeilingMs(attempt: number, config: BackoffConfig): number {
  // After ~1000 attempts multiplier^attempt is Infinity; the cap still holds, but 0·Infinity is NaN.
  const growth = Math.pow(config.multiplier, Math.max(0, attempt));
  const ceiling = config.initialMs * growth;
  return Number.isFinite(ceiling) ? Math.min(ceiling, config.maxMs) : config.maxMs;
}

/** The delay before retry number `attempt`: uniform in [0, ceiling] ("full jitter"). */
export function backoffDelayMs(
  attempt: number,
  config: BackoffConfig,
  random: RandomSource,
): number {
  return Math.floor(random() * backoffCeilingMs(attempt, config));
}

/** Successive delays of one reconnect loop; reset() after a connection proves healthy. */
export class Backoff {
  private attempt = 0;

  constructor(
    private readonly config: BackoffConfig = DEFAULT_BACKOFF,
    private readonly random: RandomSource = Math.random,
  ) {}

  /** The delay before the next retry; each call grows the ceiling. */
  next(): number {
    const delay = backoffDelayMs(this.attempt, this.config, this.random);
    this.attempt++;
    return delay;
  }

  /** Starts over from the initial ceiling. */
  reset(): void {
    this.attempt = 0;
  }

  /** Retries since the last reset. */
  get attempts(): number {
    return this.attempt;
  }
}
