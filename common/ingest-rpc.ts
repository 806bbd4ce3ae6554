// The Ingest stream's wire glue, shared by the agent (client) and the collector (server) so that
// both use one method path and one encoding. There is no generated grpc client: protobufjs static
// code does the encoding, grpc-js only sees bytes.
import type * as grpc from '@grpc/grpc-js';
import { v1 } from '../proto/index.js';

/** The full gRPC method path of `snatscope.v1.Ingest/Stream`. */
export const INGEST_STREAM_PATH = '/snatscope.v1.Ingest/Stream';

/**
 * The largest encoded message on the Ingest stream, both ways. grpc-js holds a whole message in
 * memory before decoding it, and the decoded objects take about ten times its size, so one
 * message must stay a small share of the collector's 512Mi limit: a 56 MiB batch took RSS from
 * 82 to 632 MB under the old 64 MiB bound. A batch of 500 flows is ~75 KB and a services snapshot
 * of 10,000 Service ports with 10 endpoints each ~2.9 MB; the agent splits batches to fit
 * (agent/export/exporter.ts), and grpc-js refuses anything larger with RESOURCE_EXHAUSTED before
 * buffering it.
 */
export const MAX_INGEST_MESSAGE_BYTES = 4 * 1024 * 1024;

/**
 * Channel options every agent uses: keepalive pings find a dead collector behind a silent NAT;
 * the send bound fails a message the collector would refuse on our side, with a clear status.
 * A collector name with several addresses (a headless Service) gets pick_first over a shuffled
 * list: one connection per agent (round_robin would open one to every replica for a single
 * stream), agents spread over the replicas, and grpc-js's pick_first tries the next address 250 ms
 * into a connect that has not finished or at once when one is refused, so a dead replica still in
 * DNS costs a stream little. The channel is new for every stream, so each reconnect resolves anew.
 */
export const AGENT_CHANNEL_OPTIONS: Readonly<grpc.ChannelOptions> = Object.freeze({
  'grpc.service_config': JSON.stringify({
    loadBalancingConfig: [{ pick_first: { shuffleAddressList: true } }],
  }),
  'grpc.keepalive_time_ms': 20_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_send_message_length': MAX_INGEST_MESSAGE_BYTES,
  'grpc.max_receive_message_length': MAX_INGEST_MESSAGE_BYTES,
});

/**
 * Server options that go with AGENT_CHANNEL_OPTIONS: grpc-js servers do not police client pings,
 * but these keep the server pinging idle agents too; the receive bound is MAX_INGEST_MESSAGE_BYTES.
 */
export const COLLECTOR_SERVER_OPTIONS: Readonly<grpc.ServerOptions> = Object.freeze({
  'grpc.keepalive_time_ms': 30_000,
  'grpc.keepalive_timeout_ms': 10_000,
  'grpc.keepalive_permit_without_calls': 1,
  'grpc.max_receive_message_length': MAX_INGEST_MESSAGE_BYTES,
  'grpc.max_send_message_length': MAX_INGEST_MESSAGE_BYTES,
});

/** Encodes one agent message as the bytes the stream carries. */
export function encodeAgentMessage(message: v1.IAgentMessage): Buffer {
  const bytes = v1.AgentMessage.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Encodes one collector message as the bytes the stream carries. */
export function encodeCollectorMessage(message: v1.ICollectorMessage): Buffer {
  const bytes = v1.CollectorMessage.encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Decodes one collector message; throws (grpc-js then fails the call) when it is not one. */
export function decodeCollectorMessage(bytes: Buffer): v1.CollectorMessage {
  return v1.CollectorMessage.decode(bytes);
}

/**
 * What the server reads from the stream: a decoded message, or why the bytes were not one.
 * Decoding never throws on the server because grpc-js would end the whole stream (INTERNAL) on a
 * throwing deserializer; the protocol answers an undecodable message with a Rejection of sequence 0
 * and goes on.
 */
export type IngestRequest =
  | { readonly ok: true; readonly message: v1.AgentMessage }
  | { readonly ok: false; readonly reason: string; readonly bytes: number };

/** Decodes one agent message without throwing (see IngestRequest). */
export function decodeAgentMessage(bytes: Buffer): IngestRequest {
  try {
    return { ok: true, message: v1.AgentMessage.decode(bytes) };
  } catch (error) {
    return {
      ok: false,
      reason: `undecodable AgentMessage: ${(error as Error).message}`,
      bytes: bytes.length,
    };
  }
}

/** The server side of one agent's stream, as handed to the collector's implementation. */
export type IngestServerStream = grpc.ServerDuplexStream<IngestRequest, v1.ICollectorMessage>;

/** The implementation object server.addService expects for ingestServiceDefinition. */
export interface IngestImplementation extends grpc.UntypedServiceImplementation {
  Stream: grpc.handleBidiStreamingCall<IngestRequest, v1.ICollectorMessage>;
}

/**
 * The Ingest service for `server.addService(ingestServiceDefinition, { Stream(call) {...} })`:
 * requests arrive as IngestRequest, responses are CollectorMessage objects.
 */
export const ingestServiceDefinition: grpc.ServiceDefinition<IngestImplementation> = {
  Stream: {
    path: INGEST_STREAM_PATH,
    requestStream: true,
    responseStream: true,
    originalName: 'stream',
    requestSerialize: (request: IngestRequest): Buffer => {
      // Only a client built on this definition would serialize requests; keep it symmetric.
      if (!request.ok) throw new Error(`cannot send an undecodable message: ${request.reason}`);
      return encodeAgentMessage(request.message);
    },
    requestDeserialize: decodeAgentMessage,
    responseSerialize: encodeCollectorMessage,
    responseDeserialize: decodeCollectorMessage,
  },
};
