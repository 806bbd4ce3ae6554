// Turns repeated snapshots into open/close events: a flow is reported once when first seen and
// once more when its conntrack entry is gone. Keyed by the connection identity of
// proto/identity.ts (conntrack id + original tuple). Only the key is kept per open flow — a node
// can hold hundreds of thousands — and the close record is rebuilt from it.
import { connectionKey, parseConnectionKey } from '../proto/identity.js';
import { v1 } from '../proto/index.js';
import type { ConntrackEntry } from './sources/conntrack.js';

/** The key of a conntrack entry: the identity its record will carry. */
export function flowKey(entry: ConntrackEntry): string {
  const o = entry.original;
  return connectionKey(entry.protocol, entry.id ?? 0, {
    srcIp: o.src,
    srcPort: o.sport,
    dstIp: o.dst,
    dstPort: o.dport,
  });
}

/**
 * A key is a concatenation of parsed field strings; values sliced from a line (the string parser)
 * keep the whole read chunk alive as long as the key lives: tracking 260,000 flows once held every
 * chunk of the dump (300 MB RSS). Copying the key through a Buffer gives each tracked flow one flat
 * string of its own, whichever parser made the fields (keys are ASCII).
 */
function flatten(key: string): string {
  return Buffer.from(key, 'latin1').toString('latin1');
}

/** Open flows across polls. */
export class FlowTracker {
  // A mutable stamp per flow: one map lookup per entry and poll instead of a lookup and a set.
  private readonly open = new Map<string, { generation: number; backend: boolean }>();
  private generation = 1;

  /** Number of open flows. */
  get size(): number {
    return this.open.size;
  }

  /** Marks a known flow as still there; false when the key is not tracked. */
  touch(key: string): boolean {
    const flow = this.open.get(key);
    if (flow === undefined) return false;
    flow.generation = this.generation;
    return true;
  }

  /**
   * Starts a full table read: flows touched or added from now on belong to it, and endPoll closes
   * the others. Flows added by events between reads belong to no read until the next one begins,
   * so a flow whose DESTROY event was lost is closed by the next read that does not list it.
   */
  beginPoll(): void {
    this.generation++;
  }

  /** Starts tracking a new flow seen in the current poll. */
  add(key: string, kind: v1.FlowRecord.Kind): void {
    this.open.set(flatten(key), {
      generation: this.generation,
      backend: kind === v1.FlowRecord.Kind.backend,
    });
  }

  /** Stops tracking a flow that ended (a DESTROY event); its kind, or null when not tracked. */
  remove(key: string): v1.FlowRecord.Kind | null {
    const flow = this.open.get(key);
    if (flow === undefined) return null;
    this.open.delete(key);
    return flow.backend ? v1.FlowRecord.Kind.backend : v1.FlowRecord.Kind.flow;
  }

  /**
   * Ends the current poll (begun by beginPoll). With `complete` (every conntrack table was read) flows not seen are
   * closed and returned as records with `closed: true`; after a partial read nothing is closed,
   * so a failed dump never looks like every connection ending.
   */
  endPoll(complete: boolean, node: string, now: number): v1.IFlowRecord[] {
    const closed: v1.IFlowRecord[] = [];
    if (complete) {
      for (const [key, flow] of this.open) {
        if (flow.generation === this.generation) continue;
        this.open.delete(key);
        const kind = flow.backend ? v1.FlowRecord.Kind.backend : v1.FlowRecord.Kind.flow;
        closed.push(closedRecord(key, kind, node, now));
      }
    }
    return closed;
  }
}

/** The record that reports the end of a flow: its identity, `closed: true` and the time. */
export function closedRecord(
  key: string,
  kind: v1.FlowRecord.Kind,
  node: string,
  now: number,
): v1.IFlowRecord {
  const { protocol, conntrackId, ends } = parseConnectionKey(key);
  const from = { ip: ends.srcIp, port: ends.srcPort };
  const to = { ip: ends.dstIp, port: ends.dstPort };
  const backend = kind === v1.FlowRecord.Kind.backend;
  return {
    kind,
    node,
    protocol,
    conntrackId,
    closed: true,
    observedAt: now,
    ...(backend ? { observedSource: from, backend: to } : { client: from, entry: to }),
  };
}
