// What identifies a connection and a Service port, in one place for agent, collector and store.
//
// A connection on one node is its conntrack id plus its original-direction tuple: client → entry
// for an entry half, observed source → backend for a backend half (on the backend's node that
// half arrives un-NATed, so its original tuple is exactly that). Conntrack ids are recycled and
// tuples repeat, so neither alone is enough — and both together repeat too: a SYN that reopens a
// TIME_WAIT entry gets a new entry with the old one's id (the id hashes the entry's address and
// tuples, and the freed slot is reused). The agent numbers such successors (`incarnation`). The
// open and the closed record of one connection carry the same identity.
import { v1 } from './index.js';

const SEP = '|';

/** The original-direction ends of a record's connection (absent addresses as "" and 0). */
export interface ConnectionEnds {
  srcIp: string;
  srcPort: number;
  dstIp: string;
  dstPort: number;
}

/** The ends that identify a record's connection on its node. */
export function connectionEnds(record: v1.IFlowRecord): ConnectionEnds {
  const backend = record.kind === v1.FlowRecord.Kind.backend;
  const src = backend ? record.observedSource : record.client;
  const dst = backend ? record.backend : record.entry;
  return {
    srcIp: src?.ip ?? '',
    srcPort: src?.port ?? 0,
    dstIp: dst?.ip ?? '',
    dstPort: dst?.port ?? 0,
  };
}

/** The identity of a connection on its node as one string (node and kind are not part of it). */
export function connectionKey(
  protocol: string,
  conntrackId: number,
  ends: Readonly<ConnectionEnds>,
  incarnation = 0,
): string {
  const key = `${conntrackId}${SEP}${protocol}${SEP}${ends.srcIp}${SEP}${ends.srcPort}${SEP}${ends.dstIp}${SEP}${ends.dstPort}`;
  // The first incarnation keeps the key it always had (stored rows and tracked keys stay valid).
  return incarnation > 0 ? `${key}${SEP}${incarnation}` : key;
}

/** The connection key of a record. */
export function recordConnectionKey(record: v1.IFlowRecord): string {
  return connectionKey(
    record.protocol ?? '',
    record.conntrackId ?? 0,
    connectionEnds(record),
    record.incarnation ?? 0,
  );
}

/**
 * A record's connection identity with its node and kind, as the stores hash it (SQLite's 47-bit
 * ident, ClickHouse's 64-bit one). Stored hashes are computed from exactly this text: changing it
 * would split stored connections (a first incarnation reads as before incarnations existed).
 */
export function storedIdentityText(record: v1.IFlowRecord): string {
  const { srcIp, srcPort, dstIp, dstPort } = connectionEnds(record);
  const kind = record.kind ?? v1.FlowRecord.Kind.flow;
  const tuple = `${record.node ?? ''}\u0000${kind}\u0000${record.protocol ?? ''}\u0000${record.conntrackId ?? 0}\u0000${srcIp}\u0000${srcPort}\u0000${dstIp}\u0000${dstPort}`;
  const incarnation = record.incarnation ?? 0;
  return incarnation > 0 ? `${tuple}\u0000${incarnation}` : tuple;
}

/** The parts of a connection key (the inverse of connectionKey). */
export function parseConnectionKey(key: string): {
  protocol: string;
  conntrackId: number;
  ends: ConnectionEnds;
  incarnation: number;
} {
  const [id = '0', protocol = '', srcIp = '', srcPort = '0', dstIp = '', dstPort = '0', n = '0'] =
    key.split(SEP);
  return {
    protocol,
    conntrackId: Number(id),
    ends: { srcIp, srcPort: Number(srcPort), dstIp, dstPort: Number(dstPort) },
    incarnation: Number(n),
  };
}

/** The `ns/name:port/protocol` key of one Service port (also its display order). */
export function serviceKey(
  service: v1.IServicePortName | null | undefined,
  protocol: string,
): string {
  return `${service?.namespace ?? ''}/${service?.name ?? ''}:${service?.port ?? ''}/${protocol}`;
}
