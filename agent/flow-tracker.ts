// Turns repeated snapshots into open/close events: a flow is reported once when first seen and
// once more when its conntrack entry is gone. Keyed by the connection identity of
// proto/identity.ts (conntrack id + original tuple). Only the key is kept per open flow — a node
// can hold hundreds of thousands — and the close record is rebuilt from it. The kernel reuses an
// id with its tuple (a SYN reopening a TIME_WAIT entry): a flow added soon after one of the same
// key closed is that key's next incarnation, so that both connections keep their own records.
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

/** A tracked flow: its kind and incarnation, and a mutable stamp of the last read that saw it. */
interface OpenFlow {
  generation: number;
  backend: boolean;
  incarnation: number;
  /** False while sampling left the flow out: tracked (not new to the next read), never reported. */
  reported: boolean;
}

/** A flow that stopped being tracked. */
export interface EndedFlow {
  kind: v1.FlowRecord.Kind;
  incarnation: number;
  reported: boolean;
}

/** How many closed keys are remembered for their successor's incarnation (some 8 MB at most). */
export const RECENTLY_CLOSED_KEYS = 65_536;

/** Open flows across polls. */
export class FlowTracker {
  // A mutable stamp per flow: one map lookup per entry and poll instead of a lookup and a set.
  private readonly open = new Map<string, OpenFlow>();
  // Keys closed lately: a ring of the last closedKeysKept keys, and each key's slot in it (its
  // incarnation is kept per slot). Reuse follows the close at once (the reopening SYN destroys
  // the old entry), so a bounded window is enough; a key reused later than that starts over at 0
  // and its store row merges with the old one's, as before. (A Map evicting its oldest key through
  // keys().next() was tried: V8 skips the deleted slots from the start each time, 5x the cost.)
  private readonly closedSlot = new Map<string, number>();
  private readonly closedRing: (string | undefined)[];
  private readonly closedIncarnation: Uint32Array;
  private nextSlot = 0;
  private generation = 1;

  constructor(private readonly closedKeysKept = RECENTLY_CLOSED_KEYS) {
    this.closedRing = new Array<string | undefined>(closedKeysKept);
    this.closedIncarnation = new Uint32Array(closedKeysKept);
  }

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

  /** Starts tracking a new flow seen in the current poll; returns its incarnation. */
  add(key: string, kind: v1.FlowRecord.Kind, reported = true): number {
    const incarnation = this.nextIncarnation(key);
    this.open.set(flatten(key), {
      generation: this.generation,
      backend: kind === v1.FlowRecord.Kind.backend,
      incarnation,
      reported,
    });
    return incarnation;
  }

  /** A flow seen open and already closed (never tracked): its incarnation, remembered as closed. */
  openAndClose(key: string): number {
    const incarnation = this.nextIncarnation(key);
    this.rememberClosed(key, incarnation);
    return incarnation;
  }

  /** Stops tracking a flow that ended (a DESTROY event); null when it was not tracked. */
  remove(key: string): EndedFlow | null {
    const flow = this.open.get(key);
    if (flow === undefined) return null;
    this.open.delete(key);
    this.rememberClosed(key, flow.incarnation);
    return { kind: kindOf(flow), incarnation: flow.incarnation, reported: flow.reported };
  }

  /**
   * Ends the current poll (begun by beginPoll). With `complete` (every conntrack table was read)
   * flows not seen are closed and, when they were reported, returned as records with `closed:
   * true`; after a partial read nothing is closed, so a failed dump never looks like every
   * connection ending.
   */
  endPoll(complete: boolean, node: string, now: number): v1.IFlowRecord[] {
    const closed: v1.IFlowRecord[] = [];
    if (complete) {
      for (const [key, flow] of this.open) {
        if (flow.generation === this.generation) continue;
        this.open.delete(key);
        this.rememberClosed(key, flow.incarnation);
        if (flow.reported)
          closed.push(closedRecord(key, kindOf(flow), node, now, flow.incarnation));
      }
    }
    return closed;
  }

  private nextIncarnation(key: string): number {
    const slot = this.closedSlot.get(key);
    if (slot === undefined) return 0;
    this.closedSlot.delete(key);
    this.closedRing[slot] = undefined;
    return (this.closedIncarnation[slot] ?? 0) + 1;
  }

  private rememberClosed(key: string, incarnation: number): void {
    if (this.closedKeysKept === 0) return;
    const slot = this.nextSlot;
    this.nextSlot = (slot + 1) % this.closedKeysKept;
    const evicted = this.closedRing[slot];
    if (evicted !== undefined && this.closedSlot.get(evicted) === slot) {
      this.closedSlot.delete(evicted);
    }
    const kept = flatten(key);
    this.closedRing[slot] = kept;
    this.closedIncarnation[slot] = incarnation;
    this.closedSlot.set(kept, slot);
  }
}

function kindOf(flow: OpenFlow): v1.FlowRecord.Kind {
  return flow.backend ? v1.FlowRecord.Kind.backend : v1.FlowRecord.Kind.flow;
}

/** The record that reports the end of a flow: its identity, `closed: true` and the time. */
export function closedRecord(
  key: string,
  kind: v1.FlowRecord.Kind,
  node: string,
  now: number,
  incarnation: number,
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
    ...(incarnation > 0 ? { incarnation } : {}),
    ...(backend ? { observedSource: from, backend: to } : { client: from, entry: to }),
  };
}
