// The web page on the API listener: its shell and hashed assets (no token: they hold no data, and
// a browser cannot send a bearer header when it navigates), and the JSON only the page needs
// (behind the token like the rest of /api). The page keeps the token the user typed in
// sessionStorage and sends it as `Authorization: Bearer` on every API call.
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { packageRoot } from '../../common/package-root.js';
import type { v1 } from '../../proto/index.js';
import { API_LIMITS, flowFilter, noQuerySchema, type HttpApiDeps } from '../http-api.js';
import { servicePaths } from './service-paths.js';
import type { ServicePathsJson, UiStatusJson } from './wire.js';

/** Where `npm run build` puts the page (vite's outDir). */
export function defaultAssetsDir(): string {
  return join(packageRoot(), 'dist', 'ui');
}

/** Most entry flows one diagram counts (the most recent ones): a few pages of the store. */
export const DIAGRAM_SCAN_LIMIT = 20_000;

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

// The page loads only its own files and talks only to this origin; it is never framed.
const PAGE_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
    "connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

// Vite names every asset after its content hash: a new build is a new name.
const IMMUTABLE = 'public, max-age=31536000, immutable';

interface ServicePathsQuery {
  service: string;
  protocol: string;
  since?: string;
  until?: string;
}

const servicePathsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['service', 'protocol'],
  properties: {
    service: { type: 'string', maxLength: 512 },
    protocol: { type: 'string', enum: ['tcp', 'udp', 'sctp'] },
    since: { type: 'string', maxLength: 64 },
    until: { type: 'string', maxLength: 64 },
  },
} as const;

async function sendPage(assetsDir: string, reply: FastifyReply): Promise<FastifyReply> {
  let html: string;
  try {
    html = await readFile(join(assetsDir, 'index.html'), 'utf8');
  } catch {
    return reply
      .code(503)
      .type('text/plain')
      .header('cache-control', 'no-store')
      .send(`the web page is not built (no ${assetsDir}/index.html): run npm run build\n`);
  }
  return reply
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-cache')
    .headers(PAGE_HEADERS)
    .send(html);
}

async function agentsConnected(deps: HttpApiDeps): Promise<number> {
  const metric = deps.registry.getSingleMetric('snatscope_agents_connected');
  const values = (await metric?.get())?.values ?? [];
  return values.reduce((sum, sample) => sum + sample.value, 0);
}

/** Reads the most recent entry flows of one Service port, page by page up to the scan limit. */
async function recentFlows(
  deps: HttpApiDeps,
  query: ServicePathsQuery,
): Promise<{ flows: v1.IFlowRecord[]; truncated: boolean }> {
  const filter = flowFilter(
    { service: query.service, since: query.since, until: query.until },
    Date.now() / 1000,
  );
  const flows: v1.IFlowRecord[] = [];
  for (;;) {
    filter.limit = Math.min(API_LIMITS.maxPageSize, DIAGRAM_SCAN_LIMIT - flows.length);
    // Promise.resolve: the store's queryFlows may answer directly or with a promise.
    const page = await Promise.resolve(deps.store.queryFlows(filter));
    flows.push(...page.flows);
    if (page.next === null) return { flows, truncated: false };
    if (flows.length >= DIAGRAM_SCAN_LIMIT) return { flows, truncated: true };
    filter.after = page.next;
  }
}

/**
 * Adds the page to the API's fastify app: `/` and `/assets/*` without a token, and
 * `/api/v1/ui/status` and `/api/v1/ui/service-paths` behind it (the app's onRequest hook).
 */
export function registerWebUi(
  app: FastifyInstance,
  deps: HttpApiDeps,
  assetsDir: string = defaultAssetsDir(),
): void {
  const config = { public: true };
  app.get('/', { config }, (_request, reply) => sendPage(assetsDir, reply));
  app.get<{ Params: { name: string } }>('/assets/:name', { config }, async (request, reply) => {
    const { name } = request.params;
    const type = CONTENT_TYPES[extname(name)];
    const path = join(assetsDir, 'assets', name);
    // One plain file name: no separators, no dot-dot, a type we serve.
    const size =
      /^[\w.-]+$/.test(name) && !name.startsWith('.') && type !== undefined
        ? await stat(path).then(
            (s) => (s.isFile() ? s.size : null),
            () => null,
          )
        : null;
    if (size === null) {
      return reply.code(404).send({ error: `no such asset ${name}: reload the page` });
    }
    return reply
      .type(type ?? 'application/octet-stream')
      .header('content-length', size)
      .header('cache-control', IMMUTABLE)
      .header('x-content-type-options', 'nosniff')
      .send(createReadStream(path));
  });
  app.get(
    '/api/v1/ui/status',
    { schema: { querystring: noQuerySchema } },
    async (): Promise<UiStatusJson> => ({
      notReady: deps.notReady(),
      agentsConnected: await agentsConnected(deps),
    }),
  );
  app.get<{ Querystring: ServicePathsQuery }>(
    '/api/v1/ui/service-paths',
    { schema: { querystring: servicePathsSchema } },
    async (request): Promise<ServicePathsJson> => {
      const { flows, truncated } = await recentFlows(deps, request.query);
      return servicePaths(
        flows,
        { service: request.query.service, protocol: request.query.protocol, truncated },
        (ip) => deps.correlator.isUpstream(ip),
      );
    },
  );
}
