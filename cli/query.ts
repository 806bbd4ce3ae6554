// `snatscope flows` and `snatscope services`: ask a collector's JSON API, print NDJSON records in
// the contract or tables for people.
import { isIP } from 'node:net';
import { Command, InvalidArgumentError } from 'commander';
import { renderTable } from '../common/table.js';
import { CommandFailure, outputOption, positiveInteger, UsageError } from './options.js';

/** The collector could not be reached or answered with an error (exit code 1). */
export class CollectorUnreachable extends CommandFailure {}

type Json = Record<string, unknown>;

/** Normalises `--collector`: a base URL, `http://` assumed when no scheme is given. */
export function collectorUrl(value: string): URL {
  const text = /^[a-z]+:\/\//i.test(value) ? value : `http://${value}`;
  try {
    const url = new URL(text);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    return url;
  } catch {
    throw new InvalidArgumentError(
      'expected the collector’s HTTP address, e.g. http://127.0.0.1:9108',
    );
  }
}

async function getJson(base: URL, path: string, params: URLSearchParams): Promise<Json> {
  const url = new URL(path, base);
  url.search = params.toString();
  let response: Response;
  try {
    response = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
    throw new CollectorUnreachable(`cannot reach the collector at ${url.origin}: ${cause}`);
  }
  const body = (await response.json().catch(() => ({}))) as Json;
  const message = typeof body.error === 'string' ? body.error : '';
  if (response.status === 400) throw new UsageError(message || 'bad query');
  if (!response.ok) {
    throw new CollectorUnreachable(`${url.pathname}: HTTP ${response.status} ${message}`);
  }
  return body;
}

function list(body: Json, key: string): Json[] {
  const value = body[key];
  return Array.isArray(value) ? (value as Json[]) : [];
}

function text(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function endpoint(value: unknown): string {
  const hostPort = value as { ip?: string; port?: number } | null;
  if (!hostPort?.ip) return '-';
  return hostPort.ip.includes(':')
    ? `[${hostPort.ip}]:${hostPort.port ?? 0}`
    : `${hostPort.ip}:${hostPort.port ?? 0}`;
}

function serviceName(value: unknown): string {
  const service = value as { namespace?: string; name?: string; port?: string } | null;
  if (!service) return '-';
  return `${service.namespace ?? ''}/${service.name ?? ''}${service.port ? `:${service.port}` : ''}`;
}

function time(seconds: unknown): string {
  return typeof seconds === 'number' && seconds > 0
    ? new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z'
    : '-';
}

function writeNdjson(records: readonly Json[]): void {
  process.stdout.write(records.map((record) => JSON.stringify(record) + '\n').join(''));
}

interface FlowsOptions {
  collector: URL;
  client?: string;
  service?: string;
  node?: string;
  since?: string;
  until?: string;
  limit: number;
  output: 'table' | 'json';
}

function flowsTable(flows: readonly Json[]): string {
  const rows = flows.map((flow) => [
    flow.snat === true ? 'LOST' : 'kept',
    text(flow.cause),
    serviceName(flow.service),
    endpoint(flow.client),
    endpoint(flow.observedSource),
    text(flow.entryNode),
    text(flow.backendNode),
    endpoint(flow.backend),
    `${text(flow.protocol)}/${text(flow.entryKind)}`,
    flow.closed === true ? `${text(flow.state)} (closed)` : text(flow.state),
    time(flow.observedAt),
  ]);
  return renderTable(
    [
      'CLIENT IP',
      'CAUSE',
      'SERVICE',
      'CLIENT',
      'BACKEND SAW',
      'ENTRY NODE',
      'BACKEND NODE',
      'BACKEND',
      'VIA',
      'STATE',
      'FIRST SEEN',
    ],
    rows,
  );
}

/** The flows command. */
export function flowsCommand(): Command {
  return new Command('flows')
    .description('List stored flows from a collector: who the client was and what the backend saw.')
    .requiredOption(
      '--collector <url>',
      'the collector’s HTTP address, e.g. http://127.0.0.1:9108',
      collectorUrl,
    )
    .option('--client <ip>', 'only this client address', (value: string) => {
      if (isIP(value) === 0) throw new InvalidArgumentError('expected an IP address');
      return value;
    })
    .option('--service <ns/name[:port]>', 'only this Service (every port, or one port)')
    .option('--node <name>', 'only flows that entered or ended on this node')
    .option(
      '--since <time>',
      'only flows first seen since: a duration back (1h) or an RFC 3339 time',
    )
    .option('--until <time>', 'only flows first seen before this time')
    .option('--limit <n>', 'at most this many flows (most recent first)', positiveInteger, 1000)
    .addOption(outputOption())
    .action(async (options: FlowsOptions) => {
      const params = new URLSearchParams();
      for (const key of ['client', 'service', 'node', 'since', 'until'] as const) {
        const value = options[key];
        if (value !== undefined) params.set(key, value);
      }
      params.set('limit', String(options.limit));
      const flows = list(await getJson(options.collector, '/api/v1/flows', params), 'flows');
      if (options.output === 'json') writeNdjson(flows);
      else process.stdout.write(flows.length === 0 ? 'no flows match\n' : flowsTable(flows));
    });
}

function ratio(value: unknown): string {
  return typeof value === 'number' ? `${(value * 100).toFixed(1)}%` : '-';
}

function joined(value: unknown): string {
  return Array.isArray(value) && value.length > 0 ? value.map(String).join(',') : '-';
}

/** The `services` table and its findings, as `snatscope services` prints them (also for the demo). */
export function servicesTable(services: readonly Json[]): string {
  const rows = services.map((service) => [
    text(service.verdict),
    ratio(service.preservedRatio),
    text(service.flows),
    text(service.snatFlows),
    String(list(service, 'findings').length),
    `${serviceName(service.service)}/${text(service.protocol)}`,
    text(service.externalTrafficPolicy),
    joined(service.entryNodes),
    joined(service.backendNodes),
    joined(service.nodesDroppingWithoutLocalEndpoints),
  ]);
  const table = renderTable(
    [
      'VERDICT',
      'CLIENT IP KEPT',
      'FLOWS',
      'SNAT',
      'FINDINGS',
      'SERVICE',
      'POLICY',
      'ENTRY NODES',
      'BACKEND NODES',
      'DROPPING (NO LOCAL EP)',
    ],
    rows,
  );
  const findings = services.flatMap((service) => list(service, 'findings'));
  const details = findings.map(
    (finding) =>
      `\n[${text(finding.severity)}] ${text(finding.code)} — ${serviceName(finding.service)}` +
      `${Array.isArray(finding.nodes) && finding.nodes.length > 0 ? ` (nodes: ${joined(finding.nodes)})` : ''}\n` +
      `  ${text(finding.explanation)}\n  fix: ${text(finding.fix)}\n`,
  );
  return table + (findings.length > 0 ? `\nFindings:\n${details.join('')}` : '\nNo findings.\n');
}

/** The collector's per-Service summaries (`/api/v1/services`); throws CollectorUnreachable. */
export async function fetchServices(collector: URL): Promise<Json[]> {
  return list(await getJson(collector, '/api/v1/services', new URLSearchParams()), 'services');
}

interface ServicesOptions {
  collector: URL;
  output: 'table' | 'json';
}

/** The services command. */
export function servicesCommand(): Command {
  return new Command('services')
    .description(
      'Per-Service verdicts from a collector: do backends see client IPs, and what to change.',
    )
    .requiredOption(
      '--collector <url>',
      'the collector’s HTTP address, e.g. http://127.0.0.1:9108',
      collectorUrl,
    )
    .addOption(outputOption())
    .action(async (options: ServicesOptions) => {
      const services = list(
        await getJson(options.collector, '/api/v1/services', new URLSearchParams()),
        'services',
      );
      if (options.output === 'json') writeNdjson(services);
      else
        process.stdout.write(
          services.length === 0 ? 'no Services reported yet\n' : servicesTable(services),
        );
    });
}
