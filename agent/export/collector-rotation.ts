// Which collector replica the exporter streams to. All replicas share one store, which dedupes by
// (node, boot id, sequence), so any of them is as good as another: the exporter stays on the one
// that works and moves to the next in the list when a stream to it ends. The starting point is
// drawn at random so that a fleet of agents given the same list spreads over the replicas.

/** The configured collectors, one of them current. */
export class CollectorRotation {
  private index: number;

  /** `random` is a uniform source in [0, 1) (the exporter's, so tests can pin it). */
  constructor(
    private readonly targets: readonly string[],
    random: () => number,
  ) {
    if (targets.length === 0) throw new Error('at least one collector address is needed');
    this.index = Math.min(targets.length - 1, Math.floor(random() * targets.length));
  }

  /** The target the next stream opens to. */
  get current(): string {
    return this.targets[this.index] ?? '';
  }

  /** Every configured target, in the order they are tried. */
  get all(): readonly string[] {
    return this.targets;
  }

  /**
   * After a stream ended: the next target in the list, wrapping around. Returns whether it is
   * another target than before (false with a single one: that one is retried).
   */
  advance(): boolean {
    const before = this.index;
    this.index = (this.index + 1) % this.targets.length;
    return this.index !== before;
  }
}
