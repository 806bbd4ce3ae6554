// Keeps the records a flood of new connections makes within a budget: while new flows come faster
// than `budget` per second, only 1 in N of them is reported (N in the record's sampleRate), so the
// exporter, the spool and the collector see a bounded rate whatever the traffic does. Per-Service
// counts stay exact: the pipeline counts every flow before asking here.

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

/**
 * 1-in-N sampling of new flows with N from the rate of the last second, raised at once within a
 * second when a burst spends the budget: deterministic (every Nth flow), no queue, no timer.
 */
export class FlowSampler {
  private windowStart = Number.NEGATIVE_INFINITY;
  private seen = 0;
  private reported = 0;
  private rate = 1;
  private counter = 0;

  constructor(
    private readonly budgetPerSecond: number,
    private readonly listener: SamplerListener,
    private readonly now: () => number = Date.now,
  ) {
    if (!(budgetPerSecond >= 1))
      throw new RangeError(`record budget ${budgetPerSecond} is not ≥ 1`);
  }

  /** The current 1-in-N rate (1: not sampling). */
  get currentRate(): number {
    return this.rate;
  }

  /** Ends a window that passed without flows (sampling ends after an idle second). */
  refresh(): void {
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) this.nextWindow(now);
  }

  /** Decides for one new flow. */
  admit(): SampleDecision {
    this.refresh();
    this.seen++;
    // A burst within the second: N doubles each time the budget is spent again, so a second
    // reports at most budget × log2(flows / budget) records however fast flows come.
    if (this.reported >= this.budgetPerSecond) {
      this.setRate(this.rate * 2, this.seen);
      this.reported = 0;
    }
    this.counter++;
    if (this.counter < this.rate) return { report: false, rate: this.rate };
    this.counter = 0;
    this.reported++;
    return { report: true, rate: this.rate };
  }

  private nextWindow(now: number): void {
    const elapsedWindows = Math.floor((now - this.windowStart) / WINDOW_MS);
    // The last whole second's flows set N; an idle second (or more) ends sampling.
    const lastSecond = elapsedWindows === 1 ? this.seen : 0;
    this.windowStart = elapsedWindows === 1 ? this.windowStart + WINDOW_MS : now;
    this.seen = 0;
    this.reported = 0;
    this.setRate(Math.max(1, Math.ceil(lastSecond / this.budgetPerSecond)), lastSecond);
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
