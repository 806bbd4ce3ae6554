// Who is on the other end of an ingest stream, as far as its credentials prove: the node it may
// speak for. Each credential may name a node, and a stream may only speak for a node that every
// credential it presents allows:
//   - client certificate (mutual TLS): a URI SAN `urn:snatscope:node:NAME`, or else a subject CN
//     `node:NAME`, names the node; a certificate that names none (a shared agent certificate)
//     allows any node, and two different names in one certificate are refused;
//   - bearer token of --token-file: `TOKEN NODE` names NODE, a bare `TOKEN` allows any node;
//   - bearer token checked by a TokenReview (--token-review): the node the pod runs on.
// The checks run in a grpc-js server interceptor, before the stream reaches the ingest, because a
// TokenReview is a network call and the ingest's handler is synchronous; the interceptor leaves
// its verdict keyed by the call's metadata object, which grpc-js hands on to the handler as-is.
import type { PeerCertificate } from 'node:tls';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from 'pino';
import { bearerToken } from '../common/credentials.js';
import type { CollectorMetrics } from './metrics.js';
import { TokenReviewError, type TokenVerdict } from './token-review.js';

/** The node a stream may speak for: that node (a name), any node (null), or refused (undefined). */
export type AllowedNode = string | null | undefined;

/** Accepted bearer tokens, each optionally bound to one node name. */
export interface TokenCheck {
  /** undefined: unknown token; null: any node; a string: only that node. */
  nodeFor(token: string): string | null | undefined;
}

/** Verifies a bearer token with the Kubernetes API; throws TokenReviewError when it cannot. */
export interface TokenVerifier {
  verify(token: string): Promise<TokenVerdict>;
}

/** Which credentials the collector asks of agents. */
export interface AgentIdentityOptions {
  /** Mutual TLS: every stream has a verified client certificate, which may name its node. */
  readonly clientCertificates: boolean;
  /** Tokens of --token-file, or null. */
  readonly tokens: TokenCheck | null;
  /** TokenReview verification (--token-review), or null. */
  readonly tokenReview: TokenVerifier | null;
}

/** The URI SAN prefix that names a node in an agent's client certificate. */
export const NODE_URI_PREFIX = 'urn:snatscope:node:';
/** The subject CN prefix that names a node when the certificate has no node URI SAN. */
export const NODE_CN_PREFIX = 'node:';

/** A refused credential: the gRPC status the agent gets. */
export interface Refusal {
  readonly code: grpc.status;
  readonly details: string;
}

type Verdict = { readonly node: string | null } | { readonly refusal: Refusal };

const denied = (details: string): Verdict => ({
  refusal: { code: grpc.status.PERMISSION_DENIED, details },
});
const unauthenticated = (details: string): Verdict => ({
  refusal: { code: grpc.status.UNAUTHENTICATED, details },
});

/** The node a client certificate names (see the rule above), null for none, or why it is refused. */
export function certificateNode(certificate: PeerCertificate): string | null | Refusal {
  // Node prints SANs as "DNS:a, URI:b, IP Address:c" (values with a comma are JSON-quoted).
  const uris = (certificate.subjectaltname ?? '')
    .split(', ')
    .filter((entry) => entry.startsWith(`URI:${NODE_URI_PREFIX}`))
    .map((entry) => entry.slice(`URI:${NODE_URI_PREFIX}`.length));
  const names = new Set(uris);
  if (names.size > 1) {
    return {
      code: grpc.status.PERMISSION_DENIED,
      details: `the client certificate names several nodes (${[...names].join(', ')})`,
    };
  }
  const [fromUri] = names;
  if (fromUri !== undefined) return fromUri === '' ? null : fromUri;
  // Node gives a repeated attribute as an array: a certificate with several CNs names no node.
  const cn: unknown = certificate.subject.CN;
  if (
    typeof cn === 'string' &&
    cn.startsWith(NODE_CN_PREFIX) &&
    cn.length > NODE_CN_PREFIX.length
  ) {
    return cn.slice(NODE_CN_PREFIX.length);
  }
  return null;
}

/** Decides which node each ingest stream may speak for. */
export class AgentIdentity {
  private readonly verdicts = new WeakMap<grpc.Metadata, string | null>();

  constructor(
    private readonly options: AgentIdentityOptions,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
  ) {}

  /** The server interceptor that checks a call's credentials before its handler runs. */
  readonly interceptor: grpc.ServerInterceptor = (_method, call) =>
    new grpc.ServerInterceptingCall(call, {
      start: (next) => {
        next({
          onReceiveMetadata: (metadata, pass) => {
            void this.verdictFor(metadata, call).then((verdict) => {
              if ('refusal' in verdict) {
                this.metrics.ingestAuthFailures.inc();
                this.log.warn(
                  { peer: call.getPeer(), reason: verdict.refusal.details },
                  'refused an agent stream',
                );
                call.sendStatus({ ...verdict.refusal, metadata: new grpc.Metadata() });
                return;
              }
              this.verdicts.set(metadata, verdict.node);
              pass(metadata);
            });
          },
        });
      },
    });

  /** The node a stream may speak for; undefined when the interceptor did not let it through. */
  allowedNode(call: { readonly metadata: grpc.Metadata }): AllowedNode {
    return this.verdicts.get(call.metadata);
  }

  /** check(), with an unexpected failure turned into a refusal (the call must end either way). */
  private async verdictFor(
    metadata: grpc.Metadata,
    call: grpc.ServerInterceptingCallInterface,
  ): Promise<Verdict> {
    try {
      return await this.check(metadata, call);
    } catch (error) {
      this.log.error({ err: error, peer: call.getPeer() }, 'agent identity check failed');
      return { refusal: { code: grpc.status.INTERNAL, details: 'identity check failed' } };
    }
  }

  private async check(
    metadata: grpc.Metadata,
    call: grpc.ServerInterceptingCallInterface,
  ): Promise<Verdict> {
    let fromCertificate: string | null = null;
    if (this.options.clientCertificates) {
      const certificate = call.getAuthContext().sslPeerCertificate;
      // grpc-js hands over only certificates the CA verified; none at all cannot pass the TLS
      // handshake with mutual TLS, so this is a safety net.
      if (!certificate) return unauthenticated('no verified client certificate');
      const named = certificateNode(certificate);
      if (named !== null && typeof named === 'object') return { refusal: named };
      fromCertificate = named;
    }
    const fromToken = await this.tokenNode(metadata);
    if ('refusal' in fromToken) return fromToken;
    if (fromCertificate !== null && fromToken.node !== null && fromCertificate !== fromToken.node) {
      return denied(
        `the client certificate is for node "${fromCertificate}" and the token for "${fromToken.node}"`,
      );
    }
    return { node: fromCertificate ?? fromToken.node };
  }

  private async tokenNode(metadata: grpc.Metadata): Promise<Verdict> {
    const { tokens, tokenReview } = this.options;
    if (!tokens && !tokenReview) return { node: null };
    const token = bearerToken(metadata);
    if (token === null) return unauthenticated('missing "authorization: Bearer <token>" metadata');
    if (tokens) {
      const node = tokens.nodeFor(token);
      if (node !== undefined) return { node };
      if (!tokenReview) return unauthenticated('unknown bearer token');
    }
    if (!tokenReview) return { node: null };
    try {
      const verdict = await tokenReview.verify(token);
      if ('node' in verdict) return verdict;
      return verdict.authenticated ? denied(verdict.refused) : unauthenticated(verdict.refused);
    } catch (error) {
      if (!(error instanceof TokenReviewError)) throw error;
      // The token may well be good: UNAVAILABLE makes the agent retry rather than give up on it.
      return {
        refusal: {
          code: grpc.status.UNAVAILABLE,
          details: 'cannot verify the token now (Kubernetes TokenReview failed)',
        },
      };
    }
  }
}
