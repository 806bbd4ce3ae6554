// Exact per-Service counts of new flows (snatscope_agent_service_flows_total), kept whether or not
// the flow's records are sampled. The hot path adds to a plain number found through the record's
// Service object (the model shares one per Service port); the counter gets the sums when scraped,
// since prom-client hashes the labels on every increment.
import type { Counter } from 'prom-client';
import { serviceKey } from '../proto/identity.js';
import { v1 } from '../proto/index.js';

type Label = 'service' | 'kind' | 'cause';

/** The flows of one label set counted since the last scrape. */
interface Slot {
  labels: Record<Label, string>;
  pending: number;
}

/** Counts flows per Service port, kind and cause; forgets Service ports gone from the rules. */
export class ServiceFlowCounts {
  // Per Service object, per kind-and-cause number: the slot of those labels.
  private readonly byService = new WeakMap<object, Map<number, Slot>>();
  // Every slot by Service port key (several Service objects share a key across rule reads).
  private readonly byKey = new Map<string, Map<string, Slot>>();

  constructor(private readonly counter: Counter<Label>) {}

  /** Counts one new flow of a classified record (records without a Service are not counted). */
  count(record: v1.IFlowRecord): void {
    const service = record.service;
    if (!service) return;
    let slots = this.byService.get(service);
    if (slots === undefined) {
      slots = new Map();
      this.byService.set(service, slots);
    }
    const kind = record.kind ?? v1.FlowRecord.Kind.flow;
    const cause =
      kind === v1.FlowRecord.Kind.flow ? (record.cause ?? v1.FlowRecord.Cause.None) : -1;
    const slotNumber = kind * 1024 + cause;
    let slot = slots.get(slotNumber);
    if (slot === undefined) {
      slot = this.slotFor({
        service: serviceKey(service, record.protocol ?? ''),
        kind: kind === v1.FlowRecord.Kind.backend ? 'backend' : 'flow',
        cause: cause === -1 ? '' : v1.FlowRecord.Cause[cause],
      });
      slots.set(slotNumber, slot);
    }
    slot.pending++;
  }

  /** Adds the pending counts to the counter (when it is collected). */
  publish(): void {
    for (const slots of this.byKey.values()) {
      for (const slot of slots.values()) {
        if (slot.pending === 0) continue;
        this.counter.inc(slot.labels, slot.pending);
        slot.pending = 0;
      }
    }
  }

  /** Removes the series of Service ports that are not in `current` (keys as serviceKey makes). */
  retain(current: ReadonlySet<string>): void {
    for (const [key, slots] of this.byKey) {
      if (current.has(key)) continue;
      for (const slot of slots.values()) {
        this.counter.remove(slot.labels);
        // A flow of the old rules still being classified counts again from zero.
        slot.pending = 0;
      }
      this.byKey.delete(key);
    }
  }

  private slotFor(labels: Record<Label, string>): Slot {
    let slots = this.byKey.get(labels.service);
    if (slots === undefined) {
      slots = new Map();
      this.byKey.set(labels.service, slots);
    }
    const id = `${labels.kind} ${labels.cause}`;
    let slot = slots.get(id);
    if (slot === undefined) {
      slot = { labels, pending: 0 };
      slots.set(id, slot);
    }
    return slot;
  }
}
