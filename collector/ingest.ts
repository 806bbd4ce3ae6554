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
import { checkMessage } from './validate.js';

/** Per agent boot: the highest sequence taken for storing, and the highest durably stored. */
interface Progress {
  accepted: number;
  stored: number;
}

/** One agent's open stream. */
interface Session {
  call: IngestServerStream;
  node: string | null;
  bootId: string;
  tokenNode: string | null | undefined;
  /** Messages taken but not yet settled: acks wait for them, in order. */
  inFlight: Promise<void>;
}

const INVALID_ARGUMENT = grpc.status.INVALID_ARGUMENT;

/** The Ingest service: one handler per agent stream, shared progress and stores. */
export class IngestService {
  private readonly sessions = new Set<Session>();
  private readonly progress = new Map<string, Progress>();
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
      inFlight: Promise.resolve(),
    };
    this.sessions.add(session);
    this.metrics.agentsConnected.set(this.sessions.size);
    call.on('data', (request: IngestRequest) => {
      this.receive(session, request);
    });
    const close = (): void => {
      if (!this.sessions.delete(session)) return;
      this.metrics.agentsConnected.set(this.sessions.size);
      this.log.info({ node: session.node, peer: call.getPeer() }, 'agent stream closed');
    };
    call.on('end', () => {
      void session.inFlight.then(() => {
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
    await Promise.all([...this.sessions].map((s) => s.inFlight));
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

  private receive(session: Session, request: IngestRequest): void {
    if (this.closing) return; // not acknowledged: the agent replays it to the next collector
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
    if (node === null) {
      this.metrics.ingestRejected.inc({ reason: 'protocol' });
      session.call.emit('error', {
        code: INVALID_ARGUMENT,
        details: 'the first message must be a hello',
      });
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
    const progress = this.progressOf(node, session.bootId);
    if (sequence <= progress.accepted) {
      this.metrics.ingestMessages.inc({ type, result: 'duplicate' });
      this.ackAfter(session, Promise.resolve(), progress);
      return;
    }
    progress.accepted = sequence;
    const links = [];
    let backendHalves = 0;
    for (const record of records) {
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
    const write = this.writer.write(stored, links).then(
      (outcome) => {
        this.metrics.ingestMessages.inc({ type, result: outcome });
        progress.stored = Math.max(progress.stored, sequence);
      },
      (error: unknown) => {
        // Not stored: forget it was taken so the replay after reconnecting is stored.
        progress.accepted = Math.min(progress.accepted, sequence - 1);
        this.log.error({ err: error, node, sequence }, 'store write failed; closing the stream');
        session.call.emit('error', {
          code: grpc.status.UNAVAILABLE,
          details: 'store write failed',
        });
        throw error;
      },
    );
    this.ackAfter(session, write, progress);
  }

  private hello(session: Session, hello: v1.IAgentHello): void {
    const node = hello.node ?? '';
    const bootId = hello.bootId ?? '';
    if (node === '' || bootId === '') {
      this.metrics.ingestRejected.inc({ reason: 'protocol' });
      session.call.emit('error', {
        code: INVALID_ARGUMENT,
        details: 'hello needs a node name and a boot id',
      });
      return;
    }
    if (
      session.tokenNode !== null &&
      session.tokenNode !== undefined &&
      session.tokenNode !== node
    ) {
      this.metrics.ingestAuthFailures.inc();
      session.call.emit('error', {
        code: grpc.status.PERMISSION_DENIED,
        details: `this token is for node "${session.tokenNode}", not "${node}"`,
      });
      return;
    }
    session.node = node;
    session.bootId = bootId;
    this.metrics.ingestMessages.inc({ type: 'hello', result: 'stored' });
    this.metrics.agentSeen(node, Date.now() / 1000);
    const progress = this.progressOf(node, bootId);
    this.log.info(
      { node, bootId, agentVersion: hello.agentVersion, stored: progress.stored },
      'agent connected',
    );
    // Messages a previous stream of this boot left in the writer must settle before the ack.
    this.ackAfter(session, this.writer.drain(), progress);
  }

  private progressOf(node: string, bootId: string): Progress {
    const key = `${node}\u0000${bootId}`;
    let progress = this.progress.get(key);
    if (!progress) {
      const stored = this.store.lastSequence(node, bootId);
      progress = { accepted: stored, stored };
      this.progress.set(key, progress);
    }
    return progress;
  }

  /** Acks the stored watermark once `settled` and everything taken before it on this stream are. */
  private ackAfter(session: Session, settled: Promise<unknown>, progress: Progress): void {
    const previous = session.inFlight;
    session.inFlight = Promise.all([previous, settled]).then(
      () => {
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
