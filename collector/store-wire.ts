// How a write crosses to the SQLite store's worker thread: each batch's records as one protobuf
// RecordBatch (the agents' own wire type), the rest as small plain values. Structured clone of
// tens of thousands of small record objects cost the main thread about three times more, and
// JSON.stringify calls protobufjs's toJSON on decoded records (enums become names).
import { v1 } from '../proto/index.js';
import type { BackendLink, StoreBatch } from './store.js';

/** A StoreBatch with its records encoded. */
export interface WireBatch {
  node: string;
  bootId: string;
  sequence: number;
  records: Uint8Array;
  services: v1.IServiceState[] | null;
}

/** Backend links with their entry records encoded, in order. */
export interface WireLinks {
  entries: Uint8Array;
  backendNodes: string[];
  sockets: (v1.IHostPort | null)[];
}

/** One write as it is posted. */
export interface WireWrite {
  batches: WireBatch[];
  links: WireLinks;
}

function encodeRecords(sequence: number, records: v1.IFlowRecord[]): Uint8Array {
  return v1.RecordBatch.encode({ sequence, records }).finish();
}

function decodeRecords(bytes: Uint8Array): v1.IFlowRecord[] {
  return v1.RecordBatch.decode(bytes).records;
}

/** Encodes a write for postMessage. */
export function encodeWrite(batches: StoreBatch[], links: BackendLink[]): WireWrite {
  return {
    batches: batches.map((b) => ({
      node: b.node,
      bootId: b.bootId,
      sequence: b.sequence,
      records: encodeRecords(b.sequence, b.flows),
      services: b.services,
    })),
    links: {
      entries: encodeRecords(
        0,
        links.map((l) => l.entry),
      ),
      backendNodes: links.map((l) => l.backendNode),
      sockets: links.map((l) => l.socketObserved ?? null),
    },
  };
}

/** The write as the store takes it (records decoded: proto3 defaults read as unset). */
export function decodeWrite(write: WireWrite): { batches: StoreBatch[]; links: BackendLink[] } {
  const entries = decodeRecords(write.links.entries);
  return {
    batches: write.batches.map((b) => ({
      node: b.node,
      bootId: b.bootId,
      sequence: b.sequence,
      flows: decodeRecords(b.records),
      services: b.services,
    })),
    links: entries.map((entry, i) => ({
      entry,
      backendNode: write.links.backendNodes[i] ?? '',
      socketObserved: write.links.sockets[i] ?? null,
    })),
  };
}
