// The collector's HTTP side: Prometheus /metrics, health and readiness, and the JSON query API
// that `snatscope flows|services` read.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Registry } from 'prom-client';
import { canonicalIp } from '../common/cidr.js';
import { parseDuration } from '../common/duration.js';
import { flowToJson, summaryToJson, findingToJson } from '../proto/json.js';
import type { Correlator } from './correlate.js';
import type { FlowFilter, FlowStore } from './store.js';

/** What the HTTP side reads. */
export interface HttpApiDeps {
  store: FlowStore;
  correlator: Correlator;
  registry: Registry;
  /** Null when ready; otherwise why not (e.g. "rebuilding correlation from the store"). */
  notReady: () => string | null;
}

/** A query parameter that cannot be used: answered with 400 and this message. */
class BadQuery extends Error {}

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 100_000;

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

/** Turns /api/v1/flows query parameters into a store filter. */
export function flowFilter(params: URLSearchParams, nowSeconds: number): FlowFilter {
  const filter: FlowFilter = { limit: DEFAULT_LIMIT };
  for (const [name, value] of params) {
    switch (name) {
      case 'client':
        if (isIP(value) === 0) throw new BadQuery(`client=${value}: expected an IP address`);
        filter.client = canonicalIp(value);
        break;
      case 'service':
        if (!/^[^/\s]+\/[^/:\s]+(:[^/\s]*)?$/.test(value)) {
          throw new BadQuery(`service=${value}: expected namespace/name or namespace/name:port`);
        }
        filter.service = value;
        break;
      case 'node':
        filter.node = value;
        break;
      case 'since':
        filter.since = parseTimeParameter(name, value, nowSeconds);
        break;
      case 'until':
        filter.until = parseTimeParameter(name, value, nowSeconds);
        break;
      case 'limit': {
        const limit = Number(value);
        if (!Number.isInteger(limit) || limit <= 0 || limit > MAX_LIMIT) {
          throw new BadQuery(`limit=${value}: expected an integer from 1 to ${MAX_LIMIT}`);
        }
        filter.limit = limit;
        break;
      }
      case 'backend':
        filter.includeBackend = value === 'true' || value === '1';
        break;
      default:
        throw new BadQuery(
          `unknown parameter "${name}" (client, service, node, since, until, limit, backend)`,
        );
    }
  }
  return filter;
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response
    .writeHead(status, { 'content-type': 'application/json' })
    .end(JSON.stringify(body) + '\n');
}

function route(deps: HttpApiDeps, request: IncomingMessage, response: ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://collector');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { error: 'only GET is served' });
    return;
  }
  switch (url.pathname) {
    case '/metrics':
      deps.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': deps.registry.contentType }).end(text),
        (error: unknown) => {
          sendJson(response, 500, { error: `metrics: ${String(error)}` });
        },
      );
      return;
    case '/healthz':
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
      return;
    case '/readyz': {
      const why = deps.notReady();
      response
        .writeHead(why === null ? 200 : 503, { 'content-type': 'text/plain' })
        .end(`${why ?? 'ready'}\n`);
      return;
    }
    case '/api/v1/flows': {
      const filter = flowFilter(url.searchParams, Date.now() / 1000);
      sendJson(response, 200, { flows: deps.store.queryFlows(filter).map(flowToJson) });
      return;
    }
    case '/api/v1/services':
      sendJson(response, 200, { services: deps.correlator.summaries().map(summaryToJson) });
      return;
    case '/api/v1/findings':
      sendJson(response, 200, { findings: deps.correlator.findings().map(findingToJson) });
      return;
    default:
      sendJson(response, 404, {
        error: `no such path ${url.pathname} (/api/v1/flows, /api/v1/services, /api/v1/findings, /metrics, /healthz, /readyz)`,
      });
  }
}

/** An HTTP server for the API (not yet listening). */
export function createHttpApi(deps: HttpApiDeps): Server {
  return createServer((request, response) => {
    try {
      route(deps, request, response);
    } catch (error) {
      if (error instanceof BadQuery) sendJson(response, 400, { error: error.message });
      else sendJson(response, 500, { error: (error as Error).message });
    }
  });
}
