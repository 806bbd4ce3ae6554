// Hand-driven agent streams for end-to-end tests of the collector's ingest: the built CLI started
// on loopback, raw Ingest streams that send what a test wants (including what no agent would),
// and flow records as a node would send them.
import * as grpc from '@grpc/grpc-js';
import {
  decodeCollectorMessage,
  encodeAgentMessage,
  INGEST_STREAM_PATH,
} from '../../common/ingest-rpc.js';
import { v1 } from '../../proto/index.js';
import { eventually, startSnatscope, type Daemon } from './daemon.js';

/** A parsed JSON object of the HTTP API. */
export type Json = Record<string, unknown>;

/** A flow record as node `node` would send it; `index` makes it a distinct connection. */
export function flow(node: string, index: number): v1.IFlowRecord {
  return {
    kind: v1.FlowRecord.Kind.flow,
    node,
    protocol: 'tcp',
    client: { ip: `198.51.100.${1 + (index % 200)}`, port: 20000 + index },
    entry: { ip: '203.0.113.11', port: 30080 },
    entryKind: v1.FlowRecord.EntryKind.NodePort,
    backend: { ip: '10.244.2.10', port: 8080 },
    observedSource: { ip: '203.0.113.11', port: 40000 + index },
    snat: true,
    cause: v1.FlowRecord.Cause.ClusterPolicyMasquerade,
    service: { namespace: 'shop', name: 'api', port: 'http' },
    externalTrafficPolicy: v1.TrafficPolicy.Cluster,
    proxyMode: v1.ProxyMode.iptables,
    endpointLocal: false,
    state: 'ESTABLISHED',
    conntrackId: 1000 + index,
    observedAt: Date.now() / 1000,
  };
}

/** A hand-driven agent stream: write messages, read the collector's answers and final status. */
export class RawStream {
  readonly received: v1.CollectorMessage[] = [];
  readonly status: Promise<grpc.StatusObject>;
  private readonly call: grpc.ClientDuplexStream<Buffer, v1.CollectorMessage>;

  constructor(client: grpc.Client, token?: string) {
    const metadata = new grpc.Metadata();
    if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
    this.call = client.makeBidiStreamRequest(
      INGEST_STREAM_PATH,
      (bytes: Buffer) => bytes,
      decodeCollectorMessage,
      metadata,
    );
    this.call.on('data', (message: v1.CollectorMessage) => this.received.push(message));
    this.status = new Promise((resolve) => {
      this.call.on('status', resolve);
      this.call.on('error', () => undefined);
    });
  }

  send(message: v1.IAgentMessage | Buffer): void {
    this.call.write(Buffer.isBuffer(message) ? message : encodeAgentMessage(message));
  }

  async waitFor(count: number): Promise<v1.CollectorMessage[]> {
    return eventually(
      () => (this.received.length >= count ? this.received.slice(0, count) : undefined),
      `${count} answers from the collector (got ${JSON.stringify(this.received)})`,
      10_000,
    );
  }

  /** The highest sequence the collector acknowledged so far (0 before any ack). */
  highestAck(): number {
    return Math.max(0, ...this.received.map((m) => m.ack?.sequence ?? 0));
  }

  end(): void {
    this.call.end();
  }
}

/** A collector started by startCollector. */
export interface RunningCollector {
  daemon: Daemon;
  grpcTarget: string;
  httpUrl: string;
}

/** Flags of a collector on loopback storing in `db`: gRPC on `grpcPort` (0: any), HTTP on any. */
export function loopbackListenArgs(db: string, grpcPort = 0): string[] {
  return ['--grpc-listen', `127.0.0.1:${grpcPort}`, '--http-listen', '127.0.0.1:0', '--db', db];
}

/**
 * loopbackListenArgs of a plaintext collector whose query API takes no tokens, for tests whose
 * subject is neither the transport nor the API.
 */
export function loopbackCollectorArgs(db: string, grpcPort = 0): string[] {
  return [...loopbackListenArgs(db, grpcPort), '--insecure', '--api-insecure-no-auth'];
}

/** Starts the built CLI's collector with `args`; resolves once it listens. */
export async function startCollector(args: readonly string[]): Promise<RunningCollector> {
  const daemon = startSnatscope(['collector', '--log-level', 'info', ...args]);
  const line = await daemon.waitForStderr(/collector listening/);
  const { grpc: grpcPort, http } = JSON.parse(line) as { grpc: number; http: number };
  return { daemon, grpcTarget: `127.0.0.1:${grpcPort}`, httpUrl: `http://127.0.0.1:${http}` };
}

/** GETs a JSON answer of the HTTP API, with the query API token when one is given. */
export async function getJson(url: string, token?: string): Promise<Json> {
  const headers: Record<string, string> =
    token === undefined ? {} : { authorization: `Bearer ${token}` };
  const response = await fetch(url, { headers });
  return (await response.json()) as Json;
}
