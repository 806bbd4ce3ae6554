// Agent tokens verified by the Kubernetes API server: each agent sends its pod's projected
// ServiceAccount token (audience snatscope-collector, short-lived, rotated by the kubelet), and the
// collector asks the API server with a TokenReview who it belongs to. Since Kubernetes 1.30 the
// review names the node the pod is bound to (user.extra["authentication.kubernetes.io/node-name"]),
// which is what lets one node's token speak for that node only. Answers are cached briefly by the
// token's digest so reconnect storms do not become API storms.
import { readFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { Logger } from 'pino';
import { tokenDigest } from '../common/credentials.js';
import type { CollectorMetrics } from './metrics.js';

/** The TokenReview extra key that names the node of the pod the token was minted for (≥ 1.30). */
export const NODE_NAME_EXTRA = 'authentication.kubernetes.io/node-name';

/** Where a pod finds its own ServiceAccount token and the cluster's CA (in-cluster config). */
export const IN_CLUSTER_CREDENTIALS_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How the collector reaches the API server and what it accepts. */
export interface TokenReviewConfig {
  /** The API server's base URL, e.g. https://10.96.0.1:443. */
  readonly apiServer: string;
  /** The collector's own ServiceAccount token, re-read for every review (the kubelet rotates it). */
  readonly tokenFile: string;
  /** The CA that signs the API server's certificate (PEM). */
  readonly caFile: string;
  /** The audience the agents' tokens must be minted for. */
  readonly audience: string;
  /** The user an agent token must authenticate as: system:serviceaccount:NAMESPACE:NAME. */
  readonly agentUser: string;
  /** How long an answer is reused for the same token. */
  readonly cacheTtlMs: number;
  /** Most answers kept; the oldest goes first. */
  readonly cacheMaxEntries: number;
  /** A review not answered within this time counts as the API being unavailable. */
  readonly timeoutMs: number;
}

/** Defaults of the tuning fields. */
export const TOKEN_REVIEW_DEFAULTS = Object.freeze({
  // Short against the tokens' own lifetime (10 min at least): a deleted pod's token stops
  // working within a minute, and each agent is reviewed about once a minute at most.
  cacheTtlMs: 60_000,
  cacheMaxEntries: 10_000,
  timeoutMs: 5_000,
});

/** The API server's base URL from the in-cluster environment, or null outside a pod. */
export function inClusterApiServer(env: NodeJS.ProcessEnv): string | null {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT;
  if (!host || !port) return null;
  return `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

/**
 * What a review proved: the node the token speaks for, or why it speaks for none (`authenticated`:
 * the token is valid but not an agent's, or names no node).
 */
export type TokenVerdict =
  { readonly node: string } | { readonly refused: string; readonly authenticated: boolean };

/** The API server could not answer (unreachable, timed out, refused the collector, bad answer). */
export class TokenReviewError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TokenReviewError';
  }
}

/** The fields of a TokenReview answer the decision reads; everything else is ignored. */
interface TokenReviewStatus {
  readonly authenticated: boolean;
  readonly error: string | null;
  readonly username: string | null;
  readonly audiences: readonly string[] | null;
  readonly nodeNames: readonly string[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringArray(value: unknown, where: string): string[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw new TokenReviewError(`TokenReview answer: ${where} is not a list of strings`);
  }
  return value;
}

function optionalString(value: unknown, where: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string')
    throw new TokenReviewError(`TokenReview answer: ${where} is not a string`);
  return value;
}

/** Reads the status of a TokenReview answer; throws TokenReviewError when it is not one. */
export function parseTokenReview(body: unknown): TokenReviewStatus {
  if (!isRecord(body) || body.kind !== 'TokenReview') {
    throw new TokenReviewError('the API server answered with something other than a TokenReview');
  }
  const status = body.status;
  if (!isRecord(status)) throw new TokenReviewError('TokenReview answer: no status');
  const user = status.user ?? {};
  if (!isRecord(user))
    throw new TokenReviewError('TokenReview answer: status.user is not an object');
  const extra = user.extra ?? {};
  if (!isRecord(extra))
    throw new TokenReviewError('TokenReview answer: status.user.extra is not an object');
  if (status.authenticated !== undefined && typeof status.authenticated !== 'boolean') {
    throw new TokenReviewError('TokenReview answer: status.authenticated is not a boolean');
  }
  return {
    // Omitted when false: Kubernetes drops zero values from the JSON.
    authenticated: status.authenticated === true,
    error: optionalString(status.error, 'status.error'),
    username: optionalString(user.username, 'status.user.username'),
    audiences: stringArray(status.audiences, 'status.audiences'),
    nodeNames: stringArray(extra[NODE_NAME_EXTRA], `status.user.extra["${NODE_NAME_EXTRA}"]`) ?? [],
  };
}

/** Decides what a review proves for an agent (pure: the tests feed recorded answers). */
export function tokenVerdict(
  status: TokenReviewStatus,
  expected: { readonly audience: string; readonly agentUser: string },
): TokenVerdict {
  if (!status.authenticated) {
    return {
      refused: `the token is not authenticated (${status.error ?? 'no reason given'})`,
      authenticated: false,
    };
  }
  // An audience-aware API server answers with the audiences it matched; one that is not would
  // accept any token of the cluster, so a missing match is a refusal.
  if (!status.audiences?.includes(expected.audience)) {
    return {
      refused: `the token is not for the audience "${expected.audience}"`,
      authenticated: false,
    };
  }
  if (status.username !== expected.agentUser) {
    return {
      refused: `the token belongs to "${status.username ?? ''}", not the agents' ${expected.agentUser}`,
      authenticated: true,
    };
  }
  const [node, ...others] = status.nodeNames;
  if (node === undefined || node === '' || others.length > 0) {
    return {
      refused:
        `the token names no node (${NODE_NAME_EXTRA}: Kubernetes 1.30 or later, and a token ` +
        'bound to a pod, as the projected token of the agent DaemonSet is)',
      authenticated: true,
    };
  }
  return { node };
}

interface CacheEntry {
  readonly verdict: TokenVerdict;
  readonly expiresAt: number;
}

/** Verifies agent tokens with TokenReviews, with a bounded, short-lived cache of the answers. */
export class TokenReviewer {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly pending = new Map<string, Promise<TokenVerdict>>();

  constructor(
    private readonly config: TokenReviewConfig,
    private readonly metrics: CollectorMetrics,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** What `token` proves; throws TokenReviewError when the API server cannot say. */
  async verify(token: string): Promise<TokenVerdict> {
    const digest = tokenDigest(token);
    const cached = this.cache.get(digest);
    if (cached && cached.expiresAt > this.now()) {
      this.count('cache', cached.verdict);
      return cached.verdict;
    }
    this.cache.delete(digest);
    // Agents reconnecting together with the same token (a collector restart) share one review.
    let review = this.pending.get(digest);
    if (!review) {
      review = this.review(token).finally(() => this.pending.delete(digest));
      this.pending.set(digest, review);
    }
    return review;
  }

  private async review(token: string): Promise<TokenVerdict> {
    let verdict: TokenVerdict;
    try {
      const body = await this.post(token);
      verdict = tokenVerdict(parseTokenReview(body), this.config);
    } catch (error) {
      this.metrics.tokenReviews.inc({ source: 'api', result: 'error' });
      throw error;
    }
    this.count('api', verdict);
    if (this.cache.size >= this.config.cacheMaxEntries) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(tokenDigest(token), { verdict, expiresAt: this.now() + this.config.cacheTtlMs });
    return verdict;
  }

  private count(source: 'api' | 'cache', verdict: TokenVerdict): void {
    this.metrics.tokenReviews.inc({ source, result: 'node' in verdict ? 'accepted' : 'refused' });
  }

  /** POSTs the TokenReview and resolves with the parsed JSON answer. */
  private async post(token: string): Promise<unknown> {
    const { apiServer, tokenFile, caFile, audience, timeoutMs } = this.config;
    let ownToken: string;
    let ca: Buffer;
    try {
      [ownToken, ca] = await Promise.all([
        readFile(tokenFile, 'utf8').then((text) => text.trim()),
        readFile(caFile),
      ]);
    } catch (error) {
      throw new TokenReviewError(
        `cannot read the collector's own API credentials (${tokenFile}, ${caFile}): ${(error as Error).message}`,
        { cause: error },
      );
    }
    const url = new URL('/apis/authentication.k8s.io/v1/tokenreviews', apiServer);
    const payload = JSON.stringify({
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token, audiences: [audience] },
    });
    return new Promise((resolve, reject) => {
      const fail = (message: string, cause?: unknown): void => {
        reject(new TokenReviewError(`TokenReview at ${url.href}: ${message}`, { cause }));
      };
      const req = request(
        url,
        {
          method: 'POST',
          ca,
          timeout: timeoutMs,
          headers: {
            authorization: `Bearer ${ownToken}`,
            'content-type': 'application/json',
            accept: 'application/json',
            'content-length': Buffer.byteLength(payload),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => {
            fail(error.message, error);
          });
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const code = response.statusCode ?? 0;
            if (code !== 200 && code !== 201) {
              // 401/403: the collector's own token or RBAC (create tokenreviews) is wrong.
              fail(`HTTP ${code}: ${text.slice(0, 300)}`);
              return;
            }
            try {
              resolve(JSON.parse(text));
            } catch (error) {
              fail(`the answer is not JSON: ${(error as Error).message}`, error);
            }
          });
        },
      );
      req.on('timeout', () => {
        req.destroy(new Error(`no answer within ${timeoutMs} ms`));
      });
      req.on('error', (error) => {
        fail(error.message, error);
      });
      req.end(payload);
    }).catch((error: unknown) => {
      this.log.error({ err: error }, 'TokenReview failed; agents are told to retry');
      throw error;
    });
  }
}
