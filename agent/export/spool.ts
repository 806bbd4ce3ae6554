// The agent's spool: every batch and services snapshot stays here, encoded, from the moment it is
// numbered until the collector acknowledges (or refuses) it, so a collector restart or a network
// cut loses nothing that fits in the bound. Bounded by records, not messages: a batch of 500 flows
// and a poll's batch of 3 do not weigh the same. When full, the OLDEST messages go: the newest
// state of the node is worth more than what it looked like minutes ago. The one exception is the
// latest services snapshot: it is the node's whole account of its Services (the collector replaces
// the node's set with each), so it is never dropped for room, and a newer snapshot supersedes it.
//
// With a directory, each message is also a file, so an agent restart (a DaemonSet rollout) replays
// what was not acknowledged. Such a restart keeps the previous run's boot id and numbering, which
// is what lets the collector recognise replayed messages as duplicates.
import { randomUUID } from 'node:crypto';
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { encodeAgentMessage, MAX_INGEST_MESSAGE_BYTES } from '../../common/ingest-rpc.js';
import { v1 } from '../../proto/index.js';
import type { AgentMetrics } from '../metrics.js';

/** What a spooled message carries. */
export type SpoolMessageType = 'batch' | 'services';

/** One numbered message waiting for the collector. */
export interface SpoolEntry {
  readonly sequence: number;
  readonly type: SpoolMessageType;
  /** Flow records of a batch, or service states of a snapshot: what the bound counts. */
  readonly records: number;
  /** The encoded AgentMessage, sent as is (and written as is to the spool file). */
  readonly bytes: Buffer;
  /** When the current stream sent it (ms since the epoch), for the ack latency; null before. */
  sentAtMs: number | null;
}

/** Spool settings. */
export interface SpoolConfig {
  /** Bound on the records of all spooled messages together. */
  readonly maxRecords: number;
  /** Directory for the on-disk spool; null keeps the spool in memory only. */
  readonly dir: string | null;
  /** Drops are logged at most this often (they are always counted). */
  readonly dropWarnIntervalMs?: number;
  /** Largest encoded message (default MAX_INGEST_MESSAGE_BYTES, what the collector accepts). */
  readonly maxMessageBytes?: number;
}

/**
 * append() refused a message because its encoding exceeds the bound: the collector would end the
 * stream on it (RESOURCE_EXHAUSTED) and the agent would replay it forever. Nothing was spooled and
 * no sequence was used; the caller splits the message and tries again.
 */
export class MessageTooLargeError extends Error {
  readonly code = 'SPOOL_MESSAGE_TOO_LARGE';

  constructor(
    readonly type: SpoolMessageType,
    readonly bytes: number,
    readonly maxBytes: number,
  ) {
    super(`a ${type} message of ${bytes} bytes exceeds the ${maxBytes}-byte message bound`);
    this.name = 'MessageTooLargeError';
  }
}

/** 200,000 records: at ~150 bytes each encoded, about 30 MB. */
export const DEFAULT_SPOOL_MAX_RECORDS = 200_000;

const BOOT_ID_FILE = 'boot-id';
// "BOOT_ID SEQUENCE": no message of that boot has used a sequence above SEQUENCE. A restart goes on
// above it, never reusing a number the collector may have stored (and acked) from memory before
// the message's file was written or after it was deleted.
const RESERVED_FILE = 'sequence-reserved';
// Sequences reserved per write of RESERVED_FILE (one synchronous fsync per this many messages).
const RESERVE_BLOCK = 4096;
const MESSAGE_FILE = /^(\d{20})\.msg$/;
const TEMP_SUFFIX = '.tmp';
const DEFAULT_DROP_WARN_INTERVAL_MS = 10_000;
// Compacting the array costs a copy; doing it only when the dead head is large keeps removal O(1).
const COMPACT_AFTER = 1024;

const messageFileName = (sequence: number): string => `${String(sequence).padStart(20, '0')}.msg`;

/** The ordered, bounded store of unacknowledged messages of one boot. */
export class Spool {
  // Ordered by sequence; entries before `head` are removed and wait for compaction.
  private entries: SpoolEntry[];
  private head = 0;
  private totalRecords = 0;
  private next: number;
  private reserved = 0;
  private diskEnabled: boolean;
  // Per live entry: whether its file exists (once written). Deletes chain onto it.
  private readonly fileWritten = new Map<number, Promise<boolean>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly dropWarnIntervalMs: number;
  private readonly maxMessageBytes: number;
  private lastDropWarnAt = Number.NEGATIVE_INFINITY;
  private unloggedDrops = { records: 0, messages: 0 };
  // Sequence of the newest services snapshot still spooled: the one message never dropped for room.
  private latestSnapshot: number | null = null;

  private constructor(
    /** The boot id the hello carries: new per run unless a previous run's messages are replayed. */
    readonly bootId: string,
    leftovers: SpoolEntry[],
    previouslyReserved: number,
    private readonly config: SpoolConfig,
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
  ) {
    this.entries = [];
    this.next = Math.max(leftovers.at(-1)?.sequence ?? 0, previouslyReserved) + 1;
    this.diskEnabled = config.dir !== null;
    this.dropWarnIntervalMs = config.dropWarnIntervalMs ?? DEFAULT_DROP_WARN_INTERVAL_MS;
    this.maxMessageBytes = config.maxMessageBytes ?? MAX_INGEST_MESSAGE_BYTES;
    // Through the same steps as new messages, so older snapshots are superseded here too.
    for (const entry of leftovers) {
      if (this.diskEnabled) this.fileWritten.set(entry.sequence, Promise.resolve(true));
      if (entry.type === 'services') this.supersedeSnapshot();
      this.add(entry);
    }
    this.makeRoom(0);
    this.updateGauges();
  }

  /**
   * Opens the spool: in memory, or from `config.dir`, where a previous run's unacknowledged
   * messages are loaded and its boot id kept. Torn temp files (a crash mid-write) are removed.
   */
  static async open(config: SpoolConfig, metrics: AgentMetrics, log: Logger): Promise<Spool> {
    if (config.dir === null) return new Spool(randomUUID(), [], 0, config, metrics, log);
    const dir = config.dir;
    await mkdir(dir, { recursive: true });
    const leftovers = await loadLeftovers(
      dir,
      config.maxMessageBytes ?? MAX_INGEST_MESSAGE_BYTES,
      metrics,
      log,
    );
    const previousBootId = leftovers.length > 0 ? await readBootId(dir) : null;
    if (leftovers.length > 0 && previousBootId === null) {
      // Without the boot id the collector cannot tell replays from new messages; sending them under
      // a new boot id would store them twice, so they are dropped (and counted).
      log.warn(
        { dir, messages: leftovers.length },
        'spool directory holds messages but no readable boot-id file; dropping them',
      );
      for (const entry of leftovers) {
        countDrop(metrics, 'unreadable', entry.records);
        await unlink(join(dir, messageFileName(entry.sequence))).catch(() => undefined);
      }
      leftovers.length = 0;
    }
    const bootId = previousBootId ?? randomUUID();
    const reserved = previousBootId === null ? 0 : await readReserved(dir, previousBootId);
    const spool = new Spool(bootId, leftovers, reserved, config, metrics, log);
    if (previousBootId !== null) {
      log.info(
        { dir, bootId, messages: leftovers.length, records: spool.records },
        'replaying the previous run’s unacknowledged messages under its boot id',
      );
    } else {
      try {
        await writeFileAtomically(dir, BOOT_ID_FILE, Buffer.from(`${bootId}\n`));
      } catch (error) {
        // Message files without a boot id could not be replayed: keep this run in memory.
        metrics.spoolDiskErrors.inc({ operation: 'write' });
        log.warn(
          { err: error, dir },
          'cannot write the spool boot-id file; spooling in memory only',
        );
        spool.diskEnabled = false;
      }
    }
    return spool;
  }

  /** Records of all spooled messages. */
  get records(): number {
    return this.totalRecords;
  }

  /** Whether the spool holds its bound of records: more would drop the oldest. */
  get full(): boolean {
    return this.totalRecords >= this.config.maxRecords;
  }

  /** Spooled messages. */
  get length(): number {
    return this.entries.length - this.head;
  }

  /** The sequence the next appended message gets. */
  get nextSequence(): number {
    return this.next;
  }

  /**
   * Numbers, encodes and spools one message, dropping the oldest ones when the bound is reached
   * (never the latest services snapshot; a new snapshot replaces the previous one).
   * `build` receives the sequence so it can be put inside the message. Throws
   * MessageTooLargeError, spooling nothing, when the encoding exceeds maxMessageBytes.
   */
  append(
    type: SpoolMessageType,
    records: number,
    build: (sequence: number) => v1.IAgentMessage,
  ): SpoolEntry {
    const sequence = this.next;
    const bytes = encodeAgentMessage(build(sequence));
    if (bytes.length > this.maxMessageBytes) {
      throw new MessageTooLargeError(type, bytes.length, this.maxMessageBytes);
    }
    this.next++;
    if (sequence > this.reserved) this.reserveFrom(sequence);
    const entry: SpoolEntry = { sequence, type, records, bytes, sentAtMs: null };
    if (type === 'services') this.supersedeSnapshot();
    this.makeRoom(records);
    this.add(entry);
    this.updateGauges();
    this.persist(entry);
    return entry;
  }

  /** The first spooled message with a sequence above `sequence`, or null. */
  firstAfter(sequence: number): SpoolEntry | null {
    const index = this.indexAbove(sequence);
    return index < this.entries.length ? (this.entries[index] ?? null) : null;
  }

  /** Removes every message up to and including `sequence` (a cumulative ack); returns them. */
  ackThrough(sequence: number): SpoolEntry[] {
    const end = this.indexAbove(sequence);
    const removed = this.entries.slice(this.head, end);
    this.head = Math.max(this.head, end);
    for (const entry of removed) this.forget(entry);
    this.compact();
    this.updateGauges();
    return removed;
  }

  /** Removes one refused message; returns it, or null when it is not (or no longer) spooled. */
  remove(sequence: number): SpoolEntry | null {
    const index = this.indexAbove(sequence - 1);
    const entry = this.entries[index];
    if (index >= this.entries.length || entry?.sequence !== sequence) return null;
    if (index === this.head) this.head++;
    else this.entries.splice(index, 1);
    this.forget(entry);
    this.compact();
    this.updateGauges();
    return entry;
  }

  /** Waits for file writes and deletes in flight (stop() and tests call it). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all(this.inFlight);
    this.logDrops(true);
  }

  /** Adds a message after the others (a snapshot's predecessor must be superseded before). */
  private add(entry: SpoolEntry): void {
    this.entries.push(entry);
    this.totalRecords += entry.records;
    if (entry.type === 'services') this.latestSnapshot = entry.sequence;
  }

  /** Removes the spooled snapshot, if any: the one about to be added makes it obsolete. */
  private supersedeSnapshot(): void {
    if (this.latestSnapshot === null) return;
    const superseded = this.remove(this.latestSnapshot);
    if (superseded) countDrop(this.metrics, 'superseded', superseded.records);
  }

  /**
   * Drops the oldest messages, the latest snapshot excepted, until `incoming` more records fit (a
   * message larger than the whole bound is kept alone, and so is the snapshot).
   */
  private makeRoom(incoming: number): void {
    let records = 0;
    let messages = 0;
    while (this.totalRecords + incoming > this.config.maxRecords) {
      // The snapshot is the only message skipped, so the oldest droppable is one of the first two.
      const index =
        this.entries[this.head]?.sequence === this.latestSnapshot ? this.head + 1 : this.head;
      const oldest = this.entries[index];
      if (!oldest) break;
      if (index === this.head) this.head++;
      else this.entries.splice(index, 1);
      this.forget(oldest);
      records += oldest.records;
      messages++;
    }
    if (messages === 0) return;
    this.compact();
    countDrop(this.metrics, 'full', records, messages);
    this.unloggedDrops.records += records;
    this.unloggedDrops.messages += messages;
    this.logDrops(false);
  }

  /** Logs drops not yet logged, at most once per interval unless forced. */
  private logDrops(force: boolean): void {
    if (this.unloggedDrops.messages === 0) return;
    const now = Date.now();
    if (!force && now - this.lastDropWarnAt < this.dropWarnIntervalMs) return;
    this.lastDropWarnAt = now;
    this.log.warn(
      { ...this.unloggedDrops, maxRecords: this.config.maxRecords },
      'spool full: dropped the oldest unacknowledged records (collector unreachable or too slow)',
    );
    this.unloggedDrops = { records: 0, messages: 0 };
  }

  /** Index of the first live entry with a sequence above `sequence` (binary search). */
  private indexAbove(sequence: number): number {
    let low = this.head;
    let high = this.entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.entries[middle]?.sequence ?? Infinity) <= sequence) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  private forget(entry: SpoolEntry): void {
    if (entry.sequence === this.latestSnapshot) this.latestSnapshot = null;
    this.totalRecords -= entry.records;
    this.unpersist(entry);
  }

  private compact(): void {
    if (this.head > COMPACT_AFTER && this.head * 2 > this.entries.length) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  private updateGauges(): void {
    this.metrics.spoolRecords.set(this.totalRecords);
    this.metrics.spoolMessages.set(this.length);
  }

  /** Records durably that sequences up to a block past `sequence` may be in use by this boot. */
  private reserveFrom(sequence: number): void {
    const dir = this.config.dir;
    if (!this.diskEnabled || dir === null) return;
    const through = sequence + RESERVE_BLOCK - 1;
    try {
      writeFileAtomicallySync(dir, RESERVED_FILE, `${this.bootId} ${through}\n`);
      this.reserved = through;
    } catch (error) {
      // Without the reservation a restart could reuse a stored sequence: keep this run in memory.
      this.metrics.spoolDiskErrors.inc({ operation: 'write' });
      this.log.warn({ err: error, dir }, 'cannot reserve spool sequences; spooling in memory only');
      this.diskEnabled = false;
    }
  }

  private persist(entry: SpoolEntry): void {
    const dir = this.config.dir;
    if (!this.diskEnabled || dir === null) return;
    const write = writeFileAtomically(dir, messageFileName(entry.sequence), entry.bytes).then(
      () => true,
      (error: unknown) => {
        this.metrics.spoolDiskErrors.inc({ operation: 'write' });
        this.log.warn(
          { err: error, dir, sequence: entry.sequence },
          'cannot write a spool file; the message stays in memory only',
        );
        return false;
      },
    );
    this.fileWritten.set(entry.sequence, write);
    this.track(write);
  }

  private unpersist(entry: SpoolEntry): void {
    const dir = this.config.dir;
    const written = this.fileWritten.get(entry.sequence);
    if (dir === null || !written) return;
    this.fileWritten.delete(entry.sequence);
    // A delete must not overtake the write of the same file, or the file would outlive its ack.
    const removal = written.then(async (exists) => {
      if (!exists) return;
      try {
        await unlink(join(dir, messageFileName(entry.sequence)));
      } catch (error) {
        this.metrics.spoolDiskErrors.inc({ operation: 'delete' });
        this.log.warn({ err: error, dir, sequence: entry.sequence }, 'cannot delete a spool file');
      }
    });
    this.track(removal);
  }

  /** Remembers a file operation until it settles (neither ever rejects). */
  private track(operation: Promise<unknown>): void {
    this.inFlight.add(operation);
    void operation.then(() => this.inFlight.delete(operation));
  }
}

/** Why spooled (or about to be spooled) records were dropped unacknowledged. */
export type SpoolDropReason = 'full' | 'superseded' | 'unreadable' | 'oversize';

/** Counts `messages` dropped messages of `records` records in all. */
export function countDrop(
  metrics: AgentMetrics,
  reason: SpoolDropReason,
  records: number,
  messages = 1,
): void {
  metrics.spoolDroppedRecords.inc({ reason }, records);
  metrics.spoolDroppedMessages.inc({ reason }, messages);
}

/** Writes a file so that it either exists whole or not at all: temp file, fsync, rename. */
async function writeFileAtomically(dir: string, name: string, bytes: Buffer): Promise<void> {
  const temp = join(dir, `${name}.${process.pid}.${randomUUID()}${TEMP_SUFFIX}`);
  const file = await open(temp, 'w');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } finally {
    await file.close();
  }
  try {
    await rename(temp, join(dir, name));
  } catch (error) {
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** The synchronous twin of writeFileAtomically, for the rare reservation that must precede a send. */
function writeFileAtomicallySync(dir: string, name: string, text: string): void {
  const temp = join(dir, `${name}.${process.pid}.${randomUUID()}${TEMP_SUFFIX}`);
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, join(dir, name));
}

/** The highest sequence reserved by boot `bootId`, or 0 (none, or another boot's file). */
async function readReserved(dir: string, bootId: string): Promise<number> {
  try {
    const [owner, through] = (await readFile(join(dir, RESERVED_FILE), 'utf8')).trim().split(' ');
    const value = Number(through);
    return owner === bootId && Number.isSafeInteger(value) && value > 0 ? value : 0;
  } catch {
    return 0;
  }
}

async function readBootId(dir: string): Promise<string | null> {
  try {
    const text = (await readFile(join(dir, BOOT_ID_FILE), 'utf8')).trim();
    return /^\S+$/.test(text) ? text : null;
  } catch {
    return null;
  }
}

/**
 * Loads the previous run's message files in sequence order; removes temp and unreadable files,
 * and files over `maxMessageBytes` (written under an older, larger bound: the collector would end
 * the stream on each replay of them).
 */
async function loadLeftovers(
  dir: string,
  maxMessageBytes: number,
  metrics: AgentMetrics,
  log: Logger,
): Promise<SpoolEntry[]> {
  const entries: SpoolEntry[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name);
    if (name.endsWith(TEMP_SUFFIX)) {
      // A crash between write and rename: the message was never complete, so never acknowledged
      // as spooled either; its content is still in a later file or was lost with the process.
      await unlink(path).catch(() => undefined);
      continue;
    }
    const match = MESSAGE_FILE.exec(name);
    if (!match) continue;
    const sequence = Number(match[1]);
    try {
      const entry = decodeSpoolFile(await readFile(path), sequence);
      if (entry.bytes.length <= maxMessageBytes) {
        entries.push(entry);
        continue;
      }
      countDrop(metrics, 'oversize', entry.records);
      log.warn(
        { path, bytes: entry.bytes.length, maxBytes: maxMessageBytes },
        'dropping a spool file larger than the collector accepts',
      );
      await unlink(path).catch(() => undefined);
    } catch (error) {
      metrics.spoolDiskErrors.inc({ operation: 'read' });
      metrics.spoolDroppedMessages.inc({ reason: 'unreadable' });
      log.warn({ err: error, path }, 'dropping an unreadable spool file');
      await unlink(path).catch(() => undefined);
    }
  }
  return entries;
}

/** Checks that a spool file holds the batch or snapshot its name says, and counts its records. */
function decodeSpoolFile(bytes: Buffer, sequence: number): SpoolEntry {
  const message = v1.AgentMessage.decode(bytes);
  const body = message.batch ?? message.services;
  if (!body) throw new Error(`spool file ${sequence} holds neither a batch nor a snapshot`);
  if (Number(body.sequence) !== sequence) {
    throw new Error(`spool file ${sequence} holds sequence ${Number(body.sequence)}`);
  }
  return message.batch
    ? {
        sequence,
        type: 'batch',
        records: message.batch.records?.length ?? 0,
        bytes,
        sentAtMs: null,
      }
    : {
        sequence,
        type: 'services',
        records: message.services?.services?.length ?? 0,
        bytes,
        sentAtMs: null,
      };
}
