// Keeps the records a flood of new connections makes within a budget: while new flows come faster
// than `budget` per second for longer than a burst allowance, only 1 in N of them is reported (N
// in the record's sampleRate), so the exporter, the spool and the collector see a bounded rate
// whatever the traffic does. Per-Service counts stay exact: the pipeline counts every flow first.

/** The sampling decision for one new flow. */
export interface SampleDecision {
  /** Report this flow's records. */
  report: boolean;
  /** 1 in this many flows is reported now (1: every flow). */
  rate: number;
}

/** What the pipeline hears when sampling starts or ends (a log line, once each). */
export interface SamplerListener {
  started(rate: number, flowsPerSecond: number): void;
  ended(): void;
}

const WINDOW_MS = 1000;
// Seconds of budget a burst may spend before sampling starts: events arrive in clumps (a blocked
// event loop, a GC pause, a reconciliation), and a clump of a steady rate below the budget must
// not look like a flood.
const BURST_SECONDS = 5;

/**
 * A token bucket (budget per second, BURST_SECONDS deep) decides when to sample; N then comes
 * from the last second's rate and doubles while the reported flows still outrun the budget.
 * Deterministic (every Nth flow), no queue, no timer.
 */
export class FlowSampler {
  private readonly capacity: number;
  private tokens: number;
  private refilledAt: number;
  private windowStart: number;
  private seen = 0;
  private rate = 1;
  private counter = 0;

  constructor(
    private readonly budgetPerSecond: number,
    private readonly listener: SamplerListener,
    private readonly now: () => number = Date.now,
  ) {
    if (!(budgetPerSecond >= 1))
      throw new RangeError(`record budget ${budgetPerSecond} is not ≥ 1`);
    this.capacity = budgetPerSecond * BURST_SECONDS;
    this.tokens = this.capacity;
    this.refilledAt = now();
    this.windowStart = this.refilledAt;
  }

  /** The current 1-in-N rate (1: not sampling). */
  get currentRate(): number {
    return this.rate;
  }

  /** Brings the bucket and the rate window up to now (sampling ends after a quiet second). */
  refresh(): void {
    const now = this.now();
    const elapsed = now - this.refilledAt;
    if (elapsed > 0) {
      this.tokens = Math.min(this.capacity, this.tokens + (elapsed * this.budgetPerSecond) / 1000);
      this.refilledAt = now;
    }
    if (now - this.windowStart >= WINDOW_MS) this.nextWindow(now);
  }

  /** Decides for one new flow. */
  admit(): SampleDecision {
    this.refresh();
    this.seen++;
    if (this.rate === 1) {
      if (this.tokens >= 1) {
        this.tokens -= 1;
        return { report: true, rate: 1 };
      }
      // The burst allowance is spent: sample at the rate this second shows so far.
      this.setRate(Math.max(2, Math.ceil(this.seen / this.budgetPerSecond)), this.seen);
    }
    this.counter++;
    if (this.counter < this.rate) return { report: false, rate: this.rate };
    this.counter = 0;
    this.tokens -= 1;
    // Still a second's budget behind: the flood grew, N doubles at once.
    if (this.tokens < -this.budgetPerSecond) {
      this.setRate(this.rate * 2, this.seen);
      this.tokens = 0;
    }
    return { report: true, rate: this.rate };
  }

  private nextWindow(now: number): void {
    const whole = Math.floor((now - this.windowStart) / WINDOW_MS);
    // The last whole second's flows set N; a second (or more) without flows ends sampling.
    const lastSecond = whole === 1 ? this.seen : 0;
    this.windowStart += whole * WINDOW_MS;
    this.seen = 0;
    if (this.rate === 1) return;
    if (lastSecond <= this.budgetPerSecond) this.setRate(1, lastSecond);
    else this.setRate(Math.max(2, Math.ceil(lastSecond / this.budgetPerSecond)), lastSecond);
  }

  private setRate(rate: number, flowsPerSecond: number): void {
    if (rate === this.rate) return;
    const was = this.rate;
    this.rate = rate;
    this.counter = 0;
    if (was === 1) this.listener.started(rate, flowsPerSecond);
    else if (rate === 1) this.listener.ended();
  }
}
