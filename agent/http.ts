// The agent's HTTP listener (--metrics-listen): Prometheus metrics and the answers to Kubernetes
// probes, /healthz for liveness and /readyz for readiness (see agent/health.ts).
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AgentHealth, HealthStatus } from './health.js';
import type { AgentMetrics } from './metrics.js';

function answer(response: ServerResponse, status: HealthStatus): void {
  response
    .writeHead(status.ok ? 200 : 503, { 'content-type': 'text/plain' })
    .end(status.ok ? 'ok\n' : `${status.reason}\n`);
}

/** Serves /metrics, /healthz and /readyz (200 "ok", or 503 with the reason) until closed. */
export async function serveAgentHttp(
  metrics: AgentMetrics,
  health: AgentHealth,
  address: { host: string; port: number },
): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://agent').pathname;
    if (path === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
        },
        (error: unknown) => {
          response.writeHead(500).end(`cannot render metrics: ${String(error)}\n`);
        },
      );
    } else if (path === '/healthz') {
      answer(response, health.liveness());
    } else if (path === '/readyz') {
      answer(response, health.readiness());
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, resolve);
  });
  return server;
}
