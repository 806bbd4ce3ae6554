// The pipeline's sink in continuous mode: batches records, numbers them in the spool, and streams
// them to the collector over one long-lived Ingest stream, reconnecting with jittered backoff, to
// the next configured collector replica when there are several (collector-rotation.ts).
// Exactly-once storage is the collector's half of the bargain: it acks the highest sequence it
// stored for (node, boot id), and the agent replays only what lies above that.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import {
  AGENT_CHANNEL_OPTIONS,
  decodeCollectorMessage,
  encodeAgentMessage,
  INGEST_STREAM_PATH,
} from '../../common/ingest-rpc.js';
import { v1 } from '../../proto/index.js';
import type { ExportState } from '../health.js';
import type { AgentMetrics } from '../metrics.js';
import type { RecordSink } from '../pipeline.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffConfig, type RandomSource } from './backoff.js';
import { CollectorRotation } from './collector-rotation.js';
import { countDrop, MessageTooLargeError, type Spool, type SpoolEntry } from './spool.js';

/** Where and as whom the exporter connects. */
export interface ExporterTarget {
  /**
   * The collector replicas' HOST:PORT (grpc-js targets), one stream at a time to one of them: the
   * next one after a stream ends. A name that resolves to several addresses is one target; grpc-js
   * picks among its addresses (AGENT_CHANNEL_OPTIONS).
   */
  readonly collectors: readonly string[];
  readonly node: string;
  readonly agentVersion: string;
  /** The proxy mode the node runs, asked for at every hello (the agent detects it as it reads). */
  readonly proxyMode: () => v1.ProxyMode;
  /** Called on every connect, so rotated certificate files take effect without a restart. */
  readonly credentials: () => grpc.ChannelCredentials;
  /** The bearer token (null: none), asked for on every connect for the same reason. */
  readonly token: () => string | null;
}

/** Knobs with defaults. */
export interface ExporterTuning {
  /** A batch goes out when it holds this many records... */
  readonly batchMaxRecords: number;
  /** ...or this long after its first record, whichever comes first (flush() closes it at once). */
  readonly batchMaxDelayMs: number;
  /** stop() waits this long for the collector to ack what is spooled. */
  readonly stopTimeoutMs: number;
  /** A stream whose hello is not acked within this time is given up and reopened. */
  readonly helloTimeoutMs: number;
  readonly backoff: BackoffConfig;
  readonly random: RandomSource;
  readonly channelOptions: grpc.ChannelOptions;
}

/** The exporter's configuration: the target plus any tuning to override. */
export type ExporterConfig = ExporterTarget & Partial<ExporterTuning>;

/** Defaults of the tuning knobs. */
export const DEFAULT_EXPORTER_TUNING: Readonly<ExporterTuning> = Object.freeze({
  batchMaxRecords: 500,
  batchMaxDelayMs: 1000,
  stopTimeoutMs: 5000,
  helloTimeoutMs: 30_000,
  backoff: DEFAULT_BACKOFF,
  random: Math.random,
  channelOptions: AGENT_CHANNEL_OPTIONS,
});

// After stop() half-closes the stream, the collector gets this long to end it before a cancel.
const CLOSE_GRACE_MS = 1000;

/** How one stream ended: with a gRPC status, or before it began (token or TLS files unreadable). */
type StreamOutcome =
  | { readonly kind: 'status'; readonly status: grpc.StatusObject }
  | { readonly kind: 'setup'; readonly error: Error };

/** One open stream and how far it got. */
interface ActiveStream {
  readonly call: grpc.ClientDuplexStream<Buffer, v1.CollectorMessage>;
  /** The collector target it was opened to. */
  readonly address: string;
  helloAcked: boolean;
  /** Highest sequence written on this stream (or acked by the hello's ack). */
  sentThrough: number;
  waitingForDrain: boolean;
  writeClosed: boolean;
  helloTimer: NodeJS.Timeout | null;
  ended: boolean;
}

/** Streams the agent's records to the collector. Does nothing until start(). */
export class CollectorExporter implements RecordSink {
  private readonly tuning: ExporterTuning;
  private readonly backoff: Backoff;
  private readonly rotation: CollectorRotation;
  private batch: v1.IFlowRecord[] = [];
  private batchTimer: NodeJS.Timeout | null = null;
  // The node's latest full set of Service ports, until flush() spools it as one snapshot.
  private pendingServices: readonly v1.IServiceState[] | null = null;
  private loop: Promise<void> | null = null;
  private stream: ActiveStream | null = null;
  private closed = false;
  private stopping: Promise<void> | null = null;
  private wakeUp: (() => void) | null = null;
  private readonly drainedWaiters = new Set<() => void>();
  // Null while a stream's hello is acknowledged; else since when none is (from construction on).
  private disconnectedSinceMs: number | null = Date.now();

  constructor(
    private readonly config: ExporterConfig,
    private readonly spool: Spool,
    private readonly metrics: AgentMetrics,
    private readonly log: Logger,
  ) {
    const tuning: ExporterTuning = { ...DEFAULT_EXPORTER_TUNING };
    for (const key of Object.keys(DEFAULT_EXPORTER_TUNING) as (keyof ExporterTuning)[]) {
      if (config[key] !== undefined) Object.assign(tuning, { [key]: config[key] });
    }
    this.tuning = tuning;
    this.backoff = new Backoff(tuning.backoff, tuning.random);
    this.rotation = new CollectorRotation(config.collectors, tuning.random);
    // Every target's series exists from the start, so "connected to none" is visible as zeros.
    for (const collector of this.rotation.all) metrics.collectorTarget.set({ collector }, 0);
  }

  /**
   * Keeps the node's full set of Service ports for the next snapshot: the collector replaces the
   * node's Services with each snapshot, so a port absent from it is gone.
   */
  services(all: readonly v1.IServiceState[]): void {
    this.pendingServices = all;
  }

  /** Adds one record to the open batch, closing it when full. */
  flow(record: v1.IFlowRecord): void {
    this.batch.push(record);
    if (this.batch.length >= this.tuning.batchMaxRecords) this.closeBatch();
    else if (this.batch.length === 1) {
      this.batchTimer = setTimeout(() => {
        this.batchTimer = null;
        this.closeBatch();
      }, this.tuning.batchMaxDelayMs);
    }
  }

  /** Spools a services snapshot when the set changed, and closes the open batch. */
  flush(): void {
    const services = this.pendingServices;
    if (services !== null) {
      this.pendingServices = null;
      try {
        this.spool.append('services', services.length, (sequence) => ({
          services: { sequence, services: [...services] },
        }));
      } catch (error) {
        // A snapshot replaces the node's previous one on the collector, so it cannot be split.
        if (!(error instanceof MessageTooLargeError)) throw error;
        this.dropOversize(error, services.length);
      }
      // A poll may change Services without any flow: no batch would carry the snapshot out.
      this.pump();
    }
    this.closeBatch();
  }

  /** The stream's state, for the readiness probe. */
  state(): ExportState {
    return {
      connected: this.disconnectedSinceMs === null,
      disconnectedSinceMs: this.disconnectedSinceMs ?? Date.now(),
      spoolFull: this.spool.full,
    };
  }

  /** Connects to the collector and keeps a stream open until stop(). */
  start(): void {
    if (this.loop || this.closed) return;
    this.loop = this.run();
  }

  /**
   * Flushes, waits up to stopTimeoutMs for the collector to ack everything spooled, then closes
   * the stream. What is not acked stays in the spool directory, when there is one.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    this.flush();
    if (this.loop) await this.waitUntilDrained(this.tuning.stopTimeoutMs);
    this.closed = true;
    this.wakeUp?.();
    if (this.batchTimer) clearTimeout(this.batchTimer);
    const stream = this.stream;
    if (stream && !stream.writeClosed) {
      // Half-close first so the collector finishes what it is storing and ends the stream (OK);
      // cancel only if it does not.
      stream.writeClosed = true;
      stream.call.end();
      const grace = setTimeout(() => {
        stream.call.cancel();
      }, CLOSE_GRACE_MS);
      await this.loop;
      clearTimeout(grace);
    }
    await this.loop;
    if (this.spool.length > 0) {
      this.log.warn(
        { messages: this.spool.length, records: this.spool.records },
        'stopping with messages the collector has not acknowledged',
      );
    }
    await this.spool.settled();
  }

  private closeBatch(): void {
    if (this.batchTimer) {
      clearTimeout(this.batchTimer);
      this.batchTimer = null;
    }
    if (this.batch.length === 0) return;
    const records = this.batch;
    this.batch = [];
    this.spoolBatch(records);
    this.pump();
  }

  /**
   * Spools `records` as one batch, or as several when the encoding exceeds the message bound (a
   * large --batch-size, long names): split in proportion to the size, each part checked again.
   */
  private spoolBatch(records: v1.IFlowRecord[]): void {
    try {
      this.spool.append('batch', records.length, (sequence) => ({ batch: { sequence, records } }));
    } catch (error) {
      if (!(error instanceof MessageTooLargeError)) throw error;
      if (records.length === 1) {
        this.dropOversize(error, 1);
        return;
      }
      const parts = Math.min(records.length, Math.ceil(error.bytes / error.maxBytes) + 1);
      const size = Math.ceil(records.length / parts);
      for (let start = 0; start < records.length; start += size) {
        this.spoolBatch(records.slice(start, start + size));
      }
    }
  }

  /** Counts and logs a message that cannot fit the bound however it is split. */
  private dropOversize(error: MessageTooLargeError, records: number): void {
    countDrop(this.metrics, 'oversize', records);
    this.log.error(
      { type: error.type, bytes: error.bytes, maxBytes: error.maxBytes, records },
      'dropped a message larger than the collector accepts (one record or a services snapshot)',
    );
  }

  private async run(): Promise<void> {
    for (let attempt = 0; !this.closed; attempt++) {
      if (attempt > 0) this.metrics.exportReconnects.inc();
      const outcome = await this.streamOnce();
      // Read through a call: stop() may have closed us while the stream was open, which flow
      // analysis cannot see across the await.
      if (this.isClosed()) break;
      const retryInMs = this.backoff.next();
      this.report(outcome, retryInMs);
      const from = this.rotation.current;
      if (this.rotation.advance()) {
        this.metrics.exportFailovers.inc();
        this.log.info(
          { from, to: this.rotation.current, retryInMs },
          'failing over to the next collector',
        );
      }
      await this.pause(retryInMs);
    }
  }

  /** Opens one stream, says hello, and resolves when the stream ends. */
  private streamOnce(): Promise<StreamOutcome> {
    let credentials: grpc.ChannelCredentials;
    let token: string | null;
    try {
      credentials = this.config.credentials();
      token = this.config.token();
    } catch (error) {
      return Promise.resolve({ kind: 'setup', error: error as Error });
    }
    // A channel per stream: cheap at reconnect rates, it picks up rotated credentials, and it
    // resolves the name again (a replica gone from DNS is not tried again).
    const address = this.rotation.current;
    const client = new grpc.Client(address, credentials, this.tuning.channelOptions);
    const metadata = new grpc.Metadata();
    if (token !== null) metadata.set('authorization', `Bearer ${token}`);
    const call = client.makeBidiStreamRequest<Buffer, v1.CollectorMessage>(
      INGEST_STREAM_PATH,
      (bytes) => bytes,
      decodeCollectorMessage,
      metadata,
    );
    const stream: ActiveStream = {
      call,
      address,
      helloAcked: false,
      sentThrough: 0,
      waitingForDrain: false,
      writeClosed: false,
      helloTimer: null,
      ended: false,
    };
    this.stream = stream;
    return new Promise((resolve) => {
      const end = (status: grpc.StatusObject): void => {
        if (stream.ended) return;
        stream.ended = true;
        if (stream.helloTimer) clearTimeout(stream.helloTimer);
        if (this.stream === stream) this.stream = null;
        if (stream.helloAcked) this.disconnectedSinceMs = Date.now();
        this.metrics.collectorConnected.set(0);
        this.metrics.collectorTarget.set({ collector: address }, 0);
        client.close();
        resolve({ kind: 'status', status });
      };
      call.on('data', (message: v1.CollectorMessage) => {
        this.receive(stream, message);
      });
      call.on('drain', () => {
        stream.waitingForDrain = false;
        this.pump();
      });
      // grpc-js emits 'error' (non-OK) and then 'status'; either ends the stream for us.
      call.on('error', (error: grpc.ServiceError) => {
        end({ code: error.code, details: error.details, metadata: error.metadata });
      });
      call.on('status', end);
      stream.helloTimer = setTimeout(() => {
        this.log.warn(
          { collector: address, timeoutMs: this.tuning.helloTimeoutMs },
          'collector did not answer the hello; reopening the stream',
        );
        call.cancel();
      }, this.tuning.helloTimeoutMs);
      call.write(
        encodeAgentMessage({
          hello: {
            node: this.config.node,
            agentVersion: this.config.agentVersion,
            proxyMode: this.config.proxyMode(),
            bootId: this.spool.bootId,
          },
        }),
      );
      this.metrics.exportMessages.inc({ type: 'hello', result: 'sent' });
    });
  }

  private receive(stream: ActiveStream, message: v1.CollectorMessage): void {
    if (message.ack) {
      const sequence = Number(message.ack.sequence);
      // The hello's ack may cover messages sent on an earlier stream: their latency would
      // measure the outage, not the collector, so it is not observed.
      const first = !stream.helloAcked;
      if (first) this.helloAcked(stream, sequence);
      this.acknowledge(sequence, !first);
      this.pump();
    } else if (message.rejection) {
      this.rejected(message.rejection);
    }
  }

  /** The first ack answers the hello: everything up to it is stored, replay the rest. */
  private helloAcked(stream: ActiveStream, sequence: number): void {
    stream.helloAcked = true;
    if (stream.helloTimer) clearTimeout(stream.helloTimer);
    stream.helloTimer = null;
    stream.sentThrough = sequence;
    this.backoff.reset();
    this.disconnectedSinceMs = null;
    this.metrics.collectorConnected.set(1);
    this.metrics.collectorTarget.set({ collector: stream.address }, 1);
    if (sequence >= this.spool.nextSequence) {
      // Only possible when a reused boot id met a spool that lost files (a failed disk write):
      // the collector would take our next messages up to that sequence for duplicates.
      this.log.warn(
        { stored: sequence, next: this.spool.nextSequence, bootId: this.spool.bootId },
        'collector already stored sequences this agent has not sent under this boot id',
      );
    }
    this.log.info(
      {
        collector: stream.address,
        storedThrough: sequence,
        replay: this.spool.length,
        bootId: this.spool.bootId,
      },
      'connected to the collector',
    );
  }

  private acknowledge(sequence: number, observeLatency: boolean): void {
    const now = Date.now();
    for (const entry of this.spool.ackThrough(sequence)) {
      this.metrics.exportMessages.inc({ type: entry.type, result: 'acked' });
      this.metrics.exportRecordsAcked.inc(entry.records);
      if (observeLatency && entry.sentAtMs !== null) {
        this.metrics.ackLatency.observe((now - entry.sentAtMs) / 1000);
      }
    }
    this.checkDrained();
  }

  private rejected(rejection: v1.IRejection): void {
    const sequence = Number(rejection.sequence);
    const details = { sequence, reason: rejection.reason ?? '', code: rejection.code ?? 0 };
    // Sequence 0: the collector could not decode a message at all, so it cannot say which.
    const entry: SpoolEntry | null = sequence === 0 ? null : this.spool.remove(sequence);
    this.metrics.exportMessages.inc({ type: entry?.type ?? 'unknown', result: 'rejected' });
    if (entry) this.metrics.exportRecordsRejected.inc(entry.records);
    this.log.warn(
      { ...details, type: entry?.type ?? null, records: entry?.records ?? null },
      'collector refused a message; dropped it (resending would be refused again)',
    );
    this.checkDrained();
  }

  /** Writes spooled messages the stream has not carried yet, until grpc-js asks us to wait. */
  private pump(): void {
    const stream = this.stream;
    if (!stream?.helloAcked || stream.waitingForDrain || stream.writeClosed) return;
    for (;;) {
      const entry = this.spool.firstAfter(stream.sentThrough);
      if (!entry) return;
      stream.sentThrough = entry.sequence;
      entry.sentAtMs = Date.now();
      this.metrics.exportMessages.inc({ type: entry.type, result: 'sent' });
      if (!stream.call.write(entry.bytes)) {
        stream.waitingForDrain = true;
        return;
      }
    }
  }

  private isClosed(): boolean {
    return this.closed;
  }

  private report(outcome: StreamOutcome, retryInMs: number): void {
    const context = { collector: this.rotation.current, retryInMs, spooled: this.spool.length };
    if (outcome.kind === 'setup') {
      this.metrics.exportErrors.inc({ code: 'setup' });
      this.log.error(
        { ...context, err: outcome.error },
        'cannot prepare the collector connection (token or TLS files)',
      );
      return;
    }
    const { code, details } = outcome.status;
    const name = statusName(code);
    if (code === grpc.status.OK) {
      this.log.info(context, 'collector ended the stream; reconnecting');
      return;
    }
    this.metrics.exportErrors.inc({ code: name });
    if (code === grpc.status.UNAUTHENTICATED || code === grpc.status.PERMISSION_DENIED) {
      // Retried all the same: the token or certificate may be rotated under us.
      this.log.error(
        { ...context, code: name, details },
        'collector refused our credentials (bearer token or client certificate); retrying',
      );
    } else {
      this.log.warn({ ...context, code: name, details }, 'collector stream failed; reconnecting');
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = null;
        resolve();
      }, ms);
      this.wakeUp = (): void => {
        clearTimeout(timer);
        this.wakeUp = null;
        resolve();
      };
    });
  }

  private waitUntilDrained(timeoutMs: number): Promise<boolean> {
    if (this.spool.length === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        this.drainedWaiters.delete(done);
        resolve(false);
      }, timeoutMs);
      this.drainedWaiters.add(done);
    });
  }

  private checkDrained(): void {
    if (this.spool.length > 0) return;
    for (const done of this.drainedWaiters) done();
    this.drainedWaiters.clear();
  }
}

/** UNAVAILABLE, UNAUTHENTICATED, ...: the status code's name (the number when it has none). */
function statusName(code: number): string {
  return (grpc.status as unknown as Record<number, string | undefined>)[code] ?? String(code);
}
