// Turns repeated snapshots into open/close events: a flow is reported once when first seen and
// once more when its conntrack entry is gone. Keyed by conntrack id + original tuple, because ids
// are recycled by the kernel and tuples repeat across connections.
import { v1 } from '../proto/index.js';

/** The key of a record's conntrack entry: id plus its original-direction tuple. */
export function flowKey(record: v1.IFlowRecord): string {
  const from = record.kind === v1.FlowRecord.Kind.backend ? record.observedSource : record.client;
  const to = record.kind === v1.FlowRecord.Kind.backend ? record.backend : record.entry;
  return `${record.conntrackId ?? 0} ${record.protocol ?? ''} ${from?.ip ?? ''} ${from?.port ?? 0} ${to?.ip ?? ''} ${to?.port ?? 0}`;
}

/** Open flows across polls. */
export class FlowTracker {
  private open = new Map<string, v1.IFlowRecord>();
  private seen = new Map<string, v1.IFlowRecord>();

  /** Number of flows open after the last completed poll. */
  get size(): number {
    return this.open.size;
  }

  /** Notes a record of the current poll; returns true when the flow is new. */
  observe(record: v1.IFlowRecord): boolean {
    const key = flowKey(record);
    const known = this.open.get(key);
    this.seen.set(key, record);
    return known === undefined;
  }

  /**
   * Ends the current poll. With `complete` (every conntrack table was read) flows not seen are
   * closed and returned with `closed: true`; after a partial read nothing is closed, so a failed
   * dump never looks like every connection ending.
   */
  endPoll(complete: boolean, now: number): v1.IFlowRecord[] {
    const closed: v1.IFlowRecord[] = [];
    if (complete) {
      for (const [key, record] of this.open) {
        if (!this.seen.has(key)) closed.push({ ...record, closed: true, observedAt: now });
      }
      this.open = this.seen;
    } else {
      for (const [key, record] of this.seen) this.open.set(key, record);
    }
    this.seen = new Map();
    return closed;
  }
}
