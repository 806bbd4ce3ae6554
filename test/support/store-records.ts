// Records for the stores' property tests (SQLite and ClickHouse alike): an arbitrary of every
// field a record may carry, the identity a store upserts by, and a record's proto3 meaning.
import fc from 'fast-check';
import type { StoreBatch } from '../../collector/store.js';
import { v1 } from '../../proto/index.js';

const { Kind, Cause, EntryKind } = v1.FlowRecord;

/** proto3 meaning of a record: defaults filled in, message presence and optional presence kept. */
export function canonical(record: v1.IFlowRecord): Record<string, unknown> {
  return v1.FlowRecord.toObject(v1.FlowRecord.fromObject(record), { defaults: true });
}

const text = fc.oneof(
  fc.constantFrom('', 'tcp', 'udp', 'ESTABLISHED', 'TIME_WAIT', 'node-1'),
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null | undefined> =>
  fc.oneof(arb, fc.constant(null), fc.constant(undefined));
const ruleText = text.map((t) => t.replaceAll('\u0000', ''));
const ip = fc.oneof(fc.ipV4(), fc.ipV6(), text);
const u32 = fc.oneof(fc.constantFrom(0, 1, 0xffffffff), fc.nat({ max: 0xffffffff }));
// -0 and NaN are not kept by SQLite (a REAL -0 is stored as integer 0, NaN as NULL): no counter
// or time is either.
const real = fc
  .oneof(fc.nat(), fc.double({ noNaN: true }), fc.constantFrom(2 ** 53 - 1, 1e300))
  .map((x) => (Object.is(x, -0) ? 0 : x));
const hostPort = maybe(
  fc.record({ ip: maybe(ip), port: maybe(fc.nat({ max: 65535 })) }, { requiredKeys: [] }),
);
const counters = maybe(
  fc.record({ packets: maybe(real), bytes: maybe(real) }, { requiredKeys: [] }),
);
const enumValue = (max: number) => maybe(fc.oneof(fc.nat({ max }), fc.nat({ max: 100 })));
/**
 * Any record a store must keep field for field (what validation lets through, and more). Enum
 * fields get unknown numbers too (proto3 enums are open): the store must keep them.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment
export const flowRecordArbitrary: fc.Arbitrary<v1.IFlowRecord> = fc.record(
  {
    kind: maybe(fc.constantFrom(Kind.flow, Kind.backend, 7)),
    node: maybe(text),
    protocol: maybe(text),
    client: hostPort,
    entry: hostPort,
    entryKind: enumValue(2),
    backend: hostPort,
    observedSource: hostPort,
    snat: maybe(fc.boolean()),
    cause: enumValue(4),
    service: maybe(
      fc.record(
        { namespace: maybe(ruleText), name: maybe(ruleText), port: maybe(ruleText) },
        { requiredKeys: [] },
      ),
    ),
    externalTrafficPolicy: enumValue(1),
    proxyMode: enumValue(2),
    endpointLocal: maybe(fc.boolean()),
    state: maybe(text),
    conntrackId: maybe(u32),
    observedAt: maybe(real),
    closed: maybe(fc.boolean()),
    originalCounters: counters,
    replyCounters: counters,
    zone: maybe(u32),
    mark: maybe(u32),
    entryNode: maybe(text),
    backendNode: maybe(text),
    // Validated fields (collector/validate.ts): rule text without NUL, namespaces without "/".
    snatRule: maybe(
      fc.record(
        { table: maybe(ruleText), chain: maybe(ruleText), rule: maybe(ruleText) },
        { requiredKeys: [] },
      ),
    ),
    backendPod: maybe(
      fc.record(
        { namespace: maybe(ruleText.map((t) => t.replaceAll('/', ''))), name: maybe(text) },
        { requiredKeys: [] },
      ),
    ),
    clientNode: maybe(text),
    socketObserved: hostPort,
    sampleRate: maybe(u32),
    incarnation: maybe(fc.integer({ min: 0, max: 3 })),
  },
  { requiredKeys: [] },
);

/** The identity the store upserts by, in canonical form (to draw records that do not merge). */
export function storeIdentity(record: v1.IFlowRecord): string {
  const c = canonical(record) as {
    kind: v1.FlowRecord.Kind;
    client: { ip: string; port: number } | null;
    entry: { ip: string; port: number } | null;
    backend: { ip: string; port: number } | null;
    observedSource: { ip: string; port: number } | null;
  };
  const [src, dst] = c.kind === Kind.backend ? [c.observedSource, c.backend] : [c.client, c.entry];
  return JSON.stringify([
    record.node ?? '',
    c.kind,
    record.protocol ?? '',
    record.conntrackId ?? 0,
    src?.ip ?? '',
    src?.port ?? 0,
    dst?.ip ?? '',
    dst?.port ?? 0,
    record.incarnation ?? 0,
  ]);
}

/** One agent message of flows (no service snapshot). */
export function batch(
  node: string,
  sequence: number,
  flows: v1.IFlowRecord[],
  bootId = 'b1',
): StoreBatch {
  return { node, bootId, sequence, flows, services: null };
}

/** An entry flow with the fields the queries look at. */
export function flow(fields: {
  node?: string;
  client?: string;
  clientPort?: number;
  service?: [string, string, string];
  at: number;
  ct?: number;
  kind?: v1.FlowRecord.Kind;
  backendNode?: string;
  entryNode?: string;
}): v1.IFlowRecord {
  const record: v1.IFlowRecord = {
    kind: fields.kind ?? Kind.flow,
    node: fields.node ?? 'n1',
    protocol: 'tcp',
    client: { ip: fields.client ?? '203.0.113.1', port: fields.clientPort ?? 40000 },
    entry: { ip: '192.0.2.10', port: 30080 },
    entryKind: EntryKind.NodePort,
    backend: { ip: '10.244.1.7', port: 8080 },
    observedSource: { ip: '192.0.2.10', port: fields.clientPort ?? 40000 },
    snat: true,
    cause: Cause.ClusterPolicyMasquerade,
    state: 'ESTABLISHED',
    conntrackId: fields.ct ?? 1,
    observedAt: fields.at,
  };
  if (fields.service) {
    const [namespace, name, port] = fields.service;
    record.service = { namespace, name, port };
  }
  if (fields.backendNode !== undefined) record.backendNode = fields.backendNode;
  if (fields.entryNode !== undefined) record.entryNode = fields.entryNode;
  return record;
}
