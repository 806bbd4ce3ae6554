// The collector's HTTP side: the JSON query API that `snatscope flows|services` read, and
// Prometheus /metrics, /healthz and /readyz. The API holds client IPs of real users, so every path
// needs a bearer token unless it is marked public (the three unauthenticated endpoints), and the
// work one client can cause is bounded: page size, concurrent requests, timeouts, URL length, and
// responses written in small chunks at the pace the client reads them.
import { createServer as createHttpServer, type Server, type ServerOptions } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import { canonicalIp } from '../common/cidr.js';
import { parseBearer, type TokenTable } from '../common/credentials.js';
import { parseDuration } from '../common/duration.js';
import { flowToJson, summaryToJson, findingToJson } from '../proto/json.js';
import type { Correlator } from './correlate.js';
import type { ApiRefuseReason } from './metrics.js';
import { StoreError, type FlowCursor, type FlowFilter, type FlowStore } from './store.js';
import { registerWebUi } from './ui/web-ui.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a token and outside the concurrency cap (probes and scrapes). */
    public?: boolean;
  }
}

/** What the HTTP side reads. */
export interface HttpApiDeps {
  store: FlowStore;
  correlator: Correlator;
  registry: Registry;
  /** Null when ready; otherwise why not (e.g. "rebuilding correlation from the store"). */
  notReady: () => string | null;
  log: Logger;
  /** Counts a refused request (snatscope_api_refused_total). */
  refused: (reason: ApiRefuseReason) => void;
}

/** How the API listener is secured and bounded. */
export interface HttpApiOptions {
  /** Accepted API tokens; null serves the API to anyone (only with --api-insecure-no-auth). */
  tokens: Pick<TokenTable, 'accepts'> | null;
  /** PEM certificate chain and key: serve HTTPS instead of HTTP. */
  tls: { cert: Buffer; key: Buffer } | null;
  /** Also serve /metrics, /healthz and /readyz here (false when they have their own listener). */
  health: boolean;
  /** API requests in progress at once; more are answered 503 straight away. */
  maxConcurrent: number;
}

/** Page sizes and limits of the API; the figures are what the README documents. */
export const API_LIMITS = {
  defaultPageSize: 1000,
  maxPageSize: 5000,
  // A request line with every filter at its longest fits; anything longer is not from our CLI.
  maxUrlLength: 4096,
  maxHeaderBytes: 8192,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  // A client that stops reading stalls the socket: after this long without progress it is closed.
  idleSocketTimeoutMs: 60_000,
  defaultMaxConcurrent: 8,
} as const;

// Flows serialised per chunk: a few tens of kilobytes, so a slow reader holds one chunk in the
// socket's buffer instead of a whole page.
const ROWS_PER_CHUNK = 64;

/** A query parameter that cannot be used: answered with 400 and this message. */
export class BadQuery extends Error {
  override readonly name = 'BadQuery';
}

/** Parses a time parameter: a duration back from now ("1h"), RFC 3339, or epoch seconds. */
export function parseTimeParameter(name: string, text: string, nowSeconds: number): number {
  const ago = parseDuration(text);
  if (ago !== null) return nowSeconds - ago / 1000;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) {
    throw new BadQuery(
      `${name}=${text}: expected a duration (1h), an RFC 3339 time or epoch seconds`,
    );
  }
  return ms / 1000;
}

/** The opaque text of a cursor: base64url of [firstSeen, key]. */
export function encodeCursor(cursor: FlowCursor): string {
  return Buffer.from(JSON.stringify([cursor.firstSeen, cursor.key])).toString('base64url');
}

/** Reads a cursor this collector gave out; BadQuery for anything else. */
export function decodeCursor(text: string): FlowCursor {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    value = null;
  }
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    Number.isFinite(value[0]) &&
    typeof value[1] === 'string'
  ) {
    return { firstSeen: value[0] as number, key: value[1] };
  }
  throw new BadQuery(`cursor=${text}: not a cursor from this API (use the "next" of a response)`);
}

/** The query string of /api/v1/flows after schema validation. */
export interface FlowsQuery {
  client?: string;
  service?: string;
  node?: string;
  since?: string;
  until?: string;
  limit?: number;
  cursor?: string;
  backend?: 'true' | 'false' | '1' | '0';
}

// Types, ranges and lengths here; meaning (addresses, times, cursors) in flowFilter.
const flowsQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    client: { type: 'string', maxLength: 64 },
    service: { type: 'string', maxLength: 512 },
    node: { type: 'string', maxLength: 253 },
    since: { type: 'string', maxLength: 64 },
    until: { type: 'string', maxLength: 64 },
    limit: { type: 'integer', minimum: 1, maximum: API_LIMITS.maxPageSize },
    cursor: { type: 'string', maxLength: 256 },
    backend: { type: 'string', enum: ['true', 'false', '1', '0'] },
  },
} as const;

/** The schema of a query string that must be empty. */
export const noQuerySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {},
} as const;

/** Turns validated /api/v1/flows parameters into a store filter. */
export function flowFilter(query: FlowsQuery, nowSeconds: number): FlowFilter {
  const filter: FlowFilter = { limit: query.limit ?? API_LIMITS.defaultPageSize };
  if (query.client !== undefined) {
    if (isIP(query.client) === 0)
      throw new BadQuery(`client=${query.client}: expected an IP address`);
    filter.client = canonicalIp(query.client);
  }
  if (query.service !== undefined) {
    if (!/^[^/\s]+\/[^/:\s]+(:[^/\s]*)?$/.test(query.service)) {
      throw new BadQuery(
        `service=${query.service}: expected namespace/name or namespace/name:port`,
      );
    }
    filter.service = query.service;
  }
  if (query.node !== undefined) filter.node = query.node;
  if (query.since !== undefined)
    filter.since = parseTimeParameter('since', query.since, nowSeconds);
  if (query.until !== undefined)
    filter.until = parseTimeParameter('until', query.until, nowSeconds);
  if (query.cursor !== undefined) filter.after = decodeCursor(query.cursor);
  if (query.backend !== undefined)
    filter.includeBackend = query.backend === 'true' || query.backend === '1';
  return filter;
}

/**
 * `{"<key>":[…items],…tail}` as a stream of small chunks: the response is piped, so a client that
 * reads slowly holds back the serialisation instead of a whole page waiting in memory.
 */
function jsonListStream<T>(
  key: string,
  items: readonly T[],
  toJson: (item: T) => unknown,
  tail: Record<string, unknown> = {},
): Readable {
  function* chunks(): Generator<string> {
    yield `{${JSON.stringify(key)}:[`;
    for (let start = 0; start < items.length; start += ROWS_PER_CHUNK) {
      const rows = items
        .slice(start, start + ROWS_PER_CHUNK)
        .map((item) => JSON.stringify(toJson(item)));
      yield (start === 0 ? '' : ',') + rows.join(',');
    }
    const rest = JSON.stringify(tail).slice(1);
    yield rest === '}' ? ']}\n' : `],${rest}\n`;
  }
  return Readable.from(chunks());
}

/** The node server under fastify: HTTP or HTTPS with the header and request limits set. */
function nodeServer(
  tls: HttpApiOptions['tls'],
): (handler: Parameters<typeof createHttpServer>[1]) => Server {
  const options: ServerOptions = {
    maxHeaderSize: API_LIMITS.maxHeaderBytes,
    headersTimeout: API_LIMITS.headersTimeoutMs,
    requestTimeout: API_LIMITS.requestTimeoutMs,
    keepAliveTimeout: API_LIMITS.keepAliveTimeoutMs,
  };
  return (handler) => {
    const server = tls
      ? createHttpsServer({ ...options, cert: tls.cert, key: tls.key }, handler)
      : createHttpServer(options, handler);
    server.setTimeout(API_LIMITS.idleSocketTimeoutMs);
    return server;
  };
}

/** A fastify instance with the shared error and not-found answers, all in `{"error": "…"}` form. */
function baseApp(deps: HttpApiDeps, tls: HttpApiOptions['tls'], paths: string): FastifyInstance {
  const app = Fastify({
    serverFactory: nodeServer(tls),
    logger: false,
    bodyLimit: 1024,
    // Ends slow readers' connections on stop() instead of waiting for them.
    forceCloseConnections: true,
    // Unknown parameters are an error (not silently dropped), and a repeated one is not coerced.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: true, allErrors: false } },
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    // A store refusing the filter (a cursor it did not give out) is the client's error too.
    const refusedByStore = error instanceof StoreError && error.code === 'STORE_INVALID_INPUT';
    if (error instanceof BadQuery || error.validation || refusedByStore) {
      deps.refused('bad_query');
      return reply.code(400).send({ error: error.message });
    }
    const status = error.statusCode ?? 500;
    if (status >= 500) deps.log.error({ err: error, url: request.url }, 'HTTP request failed');
    return reply.code(status).send({ error: error.message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      error: `no such path ${request.url.split('?')[0] ?? ''} (${paths})`,
    }),
  );
  return app;
}

const HEALTH_PATHS = '/metrics, /healthz, /readyz';

function addHealthRoutes(app: FastifyInstance, deps: HttpApiDeps): void {
  const config = { public: true };
  app.get('/metrics', { config }, async (_request, reply) => {
    const text = await deps.registry.metrics();
    return reply.type(deps.registry.contentType).send(text);
  });
  app.get('/healthz', { config }, (_request, reply) => reply.type('text/plain').send('ok\n'));
  app.get('/readyz', { config }, (_request, reply) => {
    const why = deps.notReady();
    return reply
      .code(why === null ? 200 : 503)
      .type('text/plain')
      .send(`${why ?? 'ready'}\n`);
  });
}

/** The query API (and, with options.health, the health endpoints) as a fastify app, not yet listening. */
export function createHttpApi(deps: HttpApiDeps, options: HttpApiOptions): FastifyInstance {
  const api = '/api/v1/flows, /api/v1/services, /api/v1/findings';
  const app = baseApp(deps, options.tls, options.health ? `${api}, ${HEALTH_PATHS}` : api);
  const { tokens, maxConcurrent } = options;
  let inFlight = 0;
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.url !== undefined && request.raw.url.length > API_LIMITS.maxUrlLength) {
      deps.refused('url_too_long');
      return reply
        .code(414)
        .send({ error: `the URL is longer than ${API_LIMITS.maxUrlLength} characters` });
    }
    if (request.routeOptions.config.public === true) return;
    // Unknown paths need a token too: a 404 would otherwise tell a stranger which paths exist.
    if (tokens !== null && !tokens.accepts(parseBearer(request.headers.authorization ?? ''))) {
      deps.refused('unauthorized');
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="snatscope"')
        .send({ error: 'a valid API token is needed: Authorization: Bearer <token>' });
    }
    if (inFlight >= maxConcurrent) {
      deps.refused('busy');
      return reply
        .code(503)
        .header('retry-after', '1')
        .send({ error: `busy: ${maxConcurrent} API requests are in progress; retry shortly` });
    }
    inFlight++;
    // 'close' comes once per response, whether it was read to the end or the client went away.
    reply.raw.once('close', () => {
      inFlight--;
    });
  });
  if (options.health) addHealthRoutes(app, deps);
  app.get<{ Querystring: FlowsQuery }>(
    '/api/v1/flows',
    { schema: { querystring: flowsQuerySchema } },
    async (request, reply) => {
      const page = await deps.store.queryFlows(flowFilter(request.query, Date.now() / 1000));
      const next = page.next === null ? null : encodeCursor(page.next);
      return reply
        .type('application/json')
        .send(jsonListStream('flows', page.flows, flowToJson, { next }));
    },
  );
  app.get('/api/v1/services', { schema: { querystring: noQuerySchema } }, (_request, reply) =>
    reply
      .type('application/json')
      .send(jsonListStream('services', deps.correlator.summaries(), summaryToJson)),
  );
  app.get('/api/v1/findings', { schema: { querystring: noQuerySchema } }, (_request, reply) =>
    reply
      .type('application/json')
      .send(jsonListStream('findings', deps.correlator.findings(), findingToJson)),
  );
  registerWebUi(app, deps);
  return app;
}

/** /metrics, /healthz and /readyz on their own listener (--metrics-listen), never the API. */
export function createMetricsServer(deps: HttpApiDeps): FastifyInstance {
  const app = baseApp(deps, null, HEALTH_PATHS);
  addHealthRoutes(app, deps);
  return app;
}
