// The collector's end of the agents' streams: authenticate, dedupe by (node, boot id, sequence),
// validate, stitch and correlate, store through the group writer, and acknowledge only what is
// durably stored. A malformed message is refused on its own; the stream goes on.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import type { IngestRequest, IngestServerStream } from '../common/ingest-rpc.js';
import { v1 } from '../proto/index.js';
import type { AgentIdentity, AllowedNode } from './agent-identity.js';
import type { Correlator } from './correlate.js';
import type { GroupWriter } from './group-writer.js';
import type { CollectorMetrics } from './metrics.js';
import type { Stitcher } from './stitch.js';
import type { FlowStore, StoreBatch } from './store.js';
import { checkHello, checkMessage } from './validate.js';

/** Per agent boot: the highest sequence taken for storing, and the highest durably stored. */
interface Progress {
  accepted: number;
  stored: number;
  /**
   * A write of this boot failed: nothing more is taken until a new stream's hello, once the
   * writer is drained, restarts from `stored` (so no later batch is stored past the lost one).
   */
  failed: boolean;
  /** Streams bound to this boot and writes not yet settled; 0 lets the entry be forgotten. */
  users: number;
  /** When `users` last dropped to 0 (ms), for forgetting idle entries. */
  idleSince: number;
}

/** One agent's open stream. */
interface Session {
  call: IngestServerStream;
  node: string | null;
  bootId: string;
  tokenNode: string | null | undefined;
  /** The boot's progress, once the hello bound the stream. */
  progress: Progress | null;
  /** A write of this stream failed or the stream was refused: it takes nothing more. */
  ended: boolean;
  /** Messages that came while the hello's progress was read from the store; null once bound. */
  waiting: IngestRequest[] | null;
  /** Messages taken but not yet settled: acks wait for them, in order. */
  inFlight: Promise<void>;
}

// How far an agent's clock may run ahead of the collector's before its times are not believed.
const MAX_CLOCK_SKEW_S = 300;
// Progress entries are a cache of the store's last sequences: an idle one is forgotten after this.
const PROGRESS_IDLE_MS = 10 * 60_000;

const INVALID_ARGUMENT = grpc.status.INVALID_ARGUMENT;

/** The Ingest service: one handler per agent stream, shared progress and stores. */
export class IngestService {
  private readonly sessions = new Set<Session>();
  private readonly progress = new Map<string, Progress>();
  /** Progress entries being read from the store, so that two hellos of a boot share one. */
  private readonly loading = new Map<string, Promise<Progress>>();
  private closing = false;

  constructor(
    private readonly store: FlowStore,
    private readonly writer: GroupWriter,
    private readonly stitcher: Stitcher,
    private readonly correlator: Correlator,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
    private readonly identity: Pick<AgentIdentity, 'allowedNode'>,
  ) {}

  /** Number of agents streaming now. */
  get connected(): number {
    return this.sessions.size;
  }

  /** The grpc-js handler for Ingest/Stream. */
  readonly handle = (call: IngestServerStream): void => {
    if (this.closing) {
      call.emit('error', { code: grpc.status.UNAVAILABLE, details: 'collector is shutting down' });
      return;
    }
    const tokenNode = this.authenticate(call);
    if (tokenNode === undefined) return;
    const session: Session = {
      call,
      node: null,
      bootId: '',
      tokenNode,
      progress: null,
      ended: false,
      waiting: null,
      inFlight: Promise.resolve(),
    };
    this.sessions.add(session);
    this.metrics.agentsConnected.set(this.sessions.size);
    call.on('data', (request: IngestRequest) => {
      this.receive(session, request);
    });
    const close = (): void => {
      if (!this.sessions.delete(session)) return;
      if (session.progress) this.release(session.progress);
      this.metrics.agentsConnected.set(this.sessions.size);
      this.log.info({ node: session.node, peer: call.getPeer() }, 'agent stream closed');
    };
    call.on('end', () => {
      void settledAll(session).then(() => {
        call.end();
      });
      close();
    });
    call.on('error', close);
    call.on('cancelled', close);
  };

  /**
   * Stops taking messages, waits until what was taken is stored and acknowledged, then ends every
   * stream (agents reconnect to the next collector and replay what was not acknowledged).
   */
  async shutdown(): Promise<void> {
    this.closing = true;
    await this.writer.drain();
    await Promise.all([...this.sessions].map(settledAll));
    for (const session of this.sessions) {
      session.call.emit('error', {
        code: grpc.status.UNAVAILABLE,
        details: 'collector is shutting down',
      });
    }
  }

  /** The node the stream's credentials allow (agent-identity.ts), or undefined after refusing it. */
  private authenticate(call: IngestServerStream): AllowedNode {
    const node = this.identity.allowedNode(call);
    if (node === undefined) {
      // The identity interceptor ends refused calls before they get here: this one skipped it.
      this.metrics.ingestAuthFailures.inc();
      call.emit('error', { code: grpc.status.UNAUTHENTICATED, details: 'no verified identity' });
    }
    return node;
  }

  /**
   * Forgets progress entries of boots that have no stream and no write in flight for a while (the
   * store keeps the truth; a later hello reads it again).
   */
  forgetIdleProgress(nowMs: number): void {
    for (const [key, progress] of this.progress) {
      if (progress.users === 0 && nowMs - progress.idleSince >= PROGRESS_IDLE_MS) {
        this.progress.delete(key);
      }
    }
  }

  private receive(session: Session, request: IngestRequest): void {
    // Not acknowledged: the agent replays it to the next collector or stream.
    if (this.closing || session.ended) return;
    if (session.waiting !== null) {
      session.waiting.push(request);
      return;
    }
    if (!request.ok) {
      this.refuse(session, 0, 'undecodable', request.reason);
      return;
    }
    const message = request.message;
    if (message.hello) {
      this.hello(session, message.hello);
      return;
    }
    const node = session.node;
    const progress = session.progress;
    if (node === null || progress === null) {
      this.metrics.ingestRejected.inc({ reason: 'protocol' });
      this.endSession(session, INVALID_ARGUMENT, 'the first message must be a hello');
      return;
    }
    const batch = message.batch ?? null;
    const snapshot = message.services ?? null;
    if (!batch && !snapshot) {
      this.refuse(session, 0, 'protocol', 'message carries neither a batch nor a service snapshot');
      return;
    }
    const type = batch ? 'batch' : 'services';
    const sequence = (batch ?? snapshot)?.sequence ?? 0;
    const records = batch?.records ?? [];
    const services = snapshot?.services ?? null;
    const problem = checkMessage(sequence, { records, services: services ?? [] }, node);
    if (problem) {
      this.refuse(session, sequence, problem.code, problem.reason, type);
      return;
    }
    if (progress.failed) {
      this.endAfterStoreFailure(session);
      return;
    }
    if (sequence <= progress.accepted) {
      this.metrics.ingestMessages.inc({ type, result: 'duplicate' });
      this.ackAfter(session, Promise.resolve());
      return;
    }
    progress.accepted = sequence;
    const links = [];
    let backendHalves = 0;
    const now = Date.now() / 1000;
    for (const record of records) {
      // A time in the future would keep a row past every retention prune and skew the windows.
      if ((record.observedAt ?? 0) > now + MAX_CLOCK_SKEW_S) {
        record.observedAt = now;
        this.metrics.ingestClampedTimes.inc();
      }
      if (record.kind === v1.FlowRecord.Kind.backend) backendHalves++;
      const link = this.stitcher.stitch(record);
      if (link) links.push(link);
      this.correlator.addFlow(record);
      this.metrics.observeFlow(record);
    }
    if (services) this.correlator.setServices(node, services);
    this.metrics.ingestRecords.inc({ kind: 'flow' }, records.length - backendHalves);
    this.metrics.ingestRecords.inc({ kind: 'backend' }, backendHalves);
    const stored: StoreBatch = { node, bootId: session.bootId, sequence, flows: records, services };
    progress.users++;
    const write = this.writer.write(stored, links).then(
      (outcome) => {
        this.release(progress);
        this.metrics.ingestMessages.inc({ type, result: outcome });
        progress.stored = Math.max(progress.stored, sequence);
      },
      (error: unknown) => {
        this.release(progress);
        // Runs before the next message is read (a microtask after the commit), so nothing taken
        // after this batch can be stored past it: the agent replays from the first unstored one.
        if (!progress.failed) {
          this.log.error({ err: error, node, sequence }, 'store write failed; closing the stream');
        }
        progress.failed = true;
        progress.accepted = progress.stored;
        this.endAfterStoreFailure(session);
        throw error;
      },
    );
    this.ackAfter(session, write);
  }

  private hello(session: Session, hello: v1.IAgentHello): void {
    const node = hello.node ?? '';
    const bootId = hello.bootId ?? '';
    if (session.node !== null) {
      // A stream speaks for one agent boot: re-binding it mid-stream would mix two sequences.
      this.metrics.ingestRejected.inc({ reason: 'protocol' });
      this.endSession(session, INVALID_ARGUMENT, 'a stream takes one hello');
      return;
    }
    const problem = checkHello(hello);
    if (problem) {
      this.metrics.ingestRejected.inc({ reason: problem.code });
      this.endSession(session, INVALID_ARGUMENT, problem.reason);
      return;
    }
    if (
      session.tokenNode !== null &&
      session.tokenNode !== undefined &&
      session.tokenNode !== node
    ) {
      this.metrics.ingestAuthFailures.inc();
      this.endSession(
        session,
        grpc.status.PERMISSION_DENIED,
        `these credentials are for node "${session.tokenNode}", not "${node}"`,
      );
      return;
    }
    session.node = node;
    session.bootId = bootId;
    // Messages after the hello wait for the boot's progress (the store's last sequence).
    session.waiting = [];
    const bound = this.progressOf(node, bootId).then((progress) => {
      if (session.ended) return;
      session.progress = progress;
      // A stream that half-closed meanwhile is gone from `sessions`: its messages are still taken.
      if (this.sessions.has(session)) progress.users++;
      this.metrics.ingestMessages.inc({ type: 'hello', result: 'stored' });
      this.metrics.agentSeen(node, Date.now() / 1000);
      this.log.info(
        {
          node,
          bootId,
          agentVersion: hello.agentVersion,
          proxyMode: v1.ProxyMode[hello.proxyMode ?? v1.ProxyMode.iptables],
          stored: progress.stored,
        },
        'agent connected',
      );
      // Messages a previous stream of this boot left in the writer must settle before the ack;
      // after a failed write, this stream starts again from what is durably stored.
      const settled = this.writer.drain().then(() => {
        if (progress.failed && !session.ended) {
          progress.failed = false;
          progress.accepted = progress.stored;
        }
      });
      this.ackAfter(session, settled);
      const waiting = session.waiting ?? [];
      session.waiting = null;
      for (const request of waiting) this.receive(session, request);
    });
    const previous = session.inFlight;
    session.inFlight = Promise.all([previous, bound]).then(
      () => undefined,
      (error: unknown) => {
        this.log.error({ err: error, node, bootId }, 'reading the agent progress failed');
        this.endSession(session, grpc.status.UNAVAILABLE, 'store read failed; reconnect');
      },
    );
  }

  /**
   * The boot's progress entry, read from the store the first time, and again while no stream or
   * write of this boot is active here: another collector sharing the store may have stored later
   * batches of it meanwhile (the agent failed over and came back), and acking less would make
   * the agent resend what is stored.
   */
  private async progressOf(node: string, bootId: string): Promise<Progress> {
    const key = `${node}\u0000${bootId}`;
    const known = this.progress.get(key);
    if (known) {
      if (known.users > 0) return known;
      const stored = await this.store.lastSequence(node, bootId);
      if (known.users === 0 && stored > known.stored) {
        known.stored = stored;
        known.accepted = Math.max(known.accepted, stored);
      }
      return known;
    }
    let load = this.loading.get(key);
    if (!load) {
      load = this.store.lastSequence(node, bootId).then((stored) => {
        const progress = {
          accepted: stored,
          stored,
          failed: false,
          users: 0,
          idleSince: Date.now(),
        };
        this.progress.set(key, progress);
        return progress;
      });
      this.loading.set(key, load);
      void load.finally(() => this.loading.delete(key)).catch(() => undefined);
    }
    return load;
  }

  private release(progress: Progress): void {
    progress.users--;
    if (progress.users === 0) progress.idleSince = Date.now();
  }

  /** Ends a stream whose boot lost a write: the agent reconnects and replays from the ack. */
  private endAfterStoreFailure(session: Session): void {
    this.endSession(session, grpc.status.UNAVAILABLE, 'store write failed; reconnect and replay');
  }

  /** Ends the stream with `code` once; later messages on it are ignored. */
  private endSession(session: Session, code: grpc.status, details: string): void {
    if (session.ended) return;
    session.ended = true;
    session.call.emit('error', { code, details });
  }

  /** Acks the stored watermark once `settled` and everything taken before it on this stream are. */
  private ackAfter(session: Session, settled: Promise<unknown>): void {
    const previous = session.inFlight;
    session.inFlight = Promise.all([previous, settled]).then(
      () => {
        const progress = session.progress;
        if (progress === null) return;
        if (session.node) this.metrics.agentSeen(session.node, Date.now() / 1000);
        session.call.write({ ack: { sequence: progress.stored } });
      },
      () => undefined,
    );
  }

  private refuse(
    session: Session,
    sequence: number,
    reason: string,
    details: string,
    type: 'batch' | 'services' | 'unknown' = 'unknown',
  ): void {
    this.metrics.ingestRejected.inc({ reason });
    if (type !== 'unknown') this.metrics.ingestMessages.inc({ type, result: 'rejected' });
    this.log.warn({ node: session.node, sequence, reason: details }, 'refused a malformed message');
    const previous = session.inFlight;
    session.inFlight = previous.then(() => {
      session.call.write({ rejection: { sequence, reason: details, code: INVALID_ARGUMENT } });
    });
  }
}

/** Waits until the session's message chain stops growing (a hello's binding adds to it later). */
async function settledAll(session: Session): Promise<void> {
  let current: Promise<void>;
  do {
    current = session.inFlight;
    await current;
  } while (current !== session.inFlight);
}
