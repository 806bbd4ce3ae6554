// `snatscope flows` and `snatscope services`: ask a collector's JSON API (with a bearer token,
// over HTTPS when the collector serves it), print NDJSON records in the contract or tables for people.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { Command, InvalidArgumentError } from 'commander';
import { readAgentToken, readPem } from '../common/credentials.js';
import { renderTable } from '../common/table.js';
import { API_LIMITS } from '../collector/http-api.js';
import { CommandFailure, outputOption, positiveInteger, UsageError } from './options.js';

/** The collector could not be reached or answered with an error (exit code 1). */
export class CollectorUnreachable extends CommandFailure {}

/** The collector refused our token, or we sent none (exit code 1). */
export class CollectorRefused extends CommandFailure {}

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

/** Where the collector's API is and how to be let in. */
export interface ApiAccess {
  readonly collector: URL;
  /** Sent as `Authorization: Bearer`; null sends none (a collector with --api-insecure-no-auth). */
  readonly token: string | null;
  /** CA certificate (PEM) for an https:// collector; null: the system's CAs. */
  readonly ca: Buffer | null;
}

/** The access flags every query command has. */
interface AccessFlags {
  collector: URL;
  tokenFile?: string;
  ca?: string;
}

function addAccessOptions(command: Command): Command {
  return command
    .requiredOption(
      '--collector <url>',
      'the collector’s HTTP address, e.g. http://127.0.0.1:9108',
      collectorUrl,
    )
    .option(
      '--token-file <file>',
      'a file holding the API token (default: the SNATSCOPE_TOKEN environment variable)',
    )
    .option('--ca <file>', 'CA certificate (PEM) of an https:// collector');
}

/** --token-file, else $SNATSCOPE_TOKEN, else no token; --ca read now so a bad path fails first. */
export function apiAccess(flags: AccessFlags, env: NodeJS.ProcessEnv = process.env): ApiAccess {
  if (flags.ca !== undefined && flags.collector.protocol !== 'https:') {
    throw new UsageError('--ca is for an https:// collector');
  }
  const fromEnv = env.SNATSCOPE_TOKEN?.trim();
  return {
    collector: flags.collector,
    token:
      flags.tokenFile !== undefined ? readAgentToken(flags.tokenFile) : fromEnv ? fromEnv : null,
    ca: flags.ca === undefined ? null : readPem(flags.ca, 'collector CA'),
  };
}

function get(access: ApiAccess, url: URL): Promise<{ status: number; text: string }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(
      url,
      {
        headers: {
          accept: 'application/json',
          ...(access.token === null ? {} : { authorization: `Bearer ${access.token}` }),
        },
        ...(access.ca === null ? {} : { ca: access.ca }),
        timeout: 30_000,
      },
      (response: IncomingMessage) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => {
          resolve({ status: response.statusCode ?? 0, text });
        });
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error('no answer within 30 s')));
    request.on('error', reject);
    request.end();
  });
}

async function getJson(access: ApiAccess, path: string, params: URLSearchParams): Promise<Json> {
  const url = new URL(path, access.collector);
  url.search = params.toString();
  let answer: { status: number; text: string };
  try {
    answer = await get(access, url);
  } catch (error) {
    const cause = (error as { code?: string }).code ?? (error as Error).message;
    throw new CollectorUnreachable(`cannot reach the collector at ${url.origin}: ${cause}`);
  }
  let body: Json = {};
  try {
    body = JSON.parse(answer.text) as Json;
  } catch {
    // Not JSON (a proxy's error page): the status says enough.
  }
  const message = typeof body.error === 'string' ? body.error : '';
  if (answer.status === 401) {
    throw new CollectorRefused(
      `the collector at ${url.origin} refused the query (HTTP 401): ` +
        (access.token === null
          ? 'it needs an API token: give --token-file FILE or set SNATSCOPE_TOKEN'
          : 'the token is not one of its --api-token-file tokens'),
    );
  }
  if (answer.status === 400) throw new UsageError(message || 'bad query');
  if (answer.status < 200 || answer.status > 299) {
    throw new CollectorUnreachable(`${url.pathname}: HTTP ${answer.status} ${message}`);
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

/** Where the source was rewritten, as "table/chain" (the full rule is in --output json). */
function ruleChain(value: unknown): string {
  const rule = value as { table?: string; chain?: string } | null;
  return rule?.chain ? `${rule.table ?? ''}/${rule.chain}` : '-';
}

/** The backend as its pod when the agent knew it, else its address. */
function backendName(flow: Json): string {
  const pod = flow.backendPod as { namespace?: string; name?: string } | null;
  const address = endpoint(flow.backend);
  return pod?.name ? `${pod.namespace ?? ''}/${pod.name} (${address})` : address;
}

function time(seconds: unknown): string {
  return typeof seconds === 'number' && seconds > 0
    ? new Date(seconds * 1000).toISOString().slice(0, 19) + 'Z'
    : '-';
}

function writeNdjson(records: readonly Json[]): void {
  process.stdout.write(records.map((record) => JSON.stringify(record) + '\n').join(''));
}

interface FlowsOptions extends AccessFlags {
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
    ruleChain(flow.snatRule),
    serviceName(flow.service),
    endpoint(flow.client),
    endpoint(flow.observedSource),
    text(flow.entryNode),
    text(flow.backendNode),
    backendName(flow),
    `${text(flow.protocol)}/${text(flow.entryKind)}`,
    flow.closed === true ? `${text(flow.state)} (closed)` : text(flow.state),
    time(flow.observedAt),
  ]);
  return renderTable(
    [
      'CLIENT IP',
      'CAUSE',
      'SNAT BY',
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
  return addAccessOptions(
    new Command('flows').description(
      'List stored flows from a collector: who the client was and what the backend saw.',
    ),
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
    .option(
      '--limit <n>',
      'at most this many flows (most recent first; fetched in pages of up to 5000)',
      positiveInteger,
      1000,
    )
    .addOption(outputOption())
    .action(async (options: FlowsOptions) => {
      const access = apiAccess(options);
      const params = new URLSearchParams();
      for (const key of ['client', 'service', 'node', 'since', 'until'] as const) {
        const value = options[key];
        if (value !== undefined) params.set(key, value);
      }
      // The collector answers in pages; follow its cursor until --limit flows or the last page.
      const flows: Json[] = [];
      let cursor: string | null = null;
      do {
        params.set('limit', String(Math.min(options.limit - flows.length, API_LIMITS.maxPageSize)));
        if (cursor !== null) params.set('cursor', cursor);
        const body = await getJson(access, '/api/v1/flows', params);
        flows.push(...list(body, 'flows'));
        cursor = typeof body.next === 'string' ? body.next : null;
      } while (cursor !== null && flows.length < options.limit);
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
  // CLIENT IP KEPT is against the real client; SNAT ON NODE and LOST UPSTREAM say where the rest
  // was lost (a flow may be in both: an upstream proxy's flow that a node masqueraded as well).
  const rows = services.map((service) => [
    text(service.verdict),
    ratio(service.preservedRatio),
    text(service.flows),
    text(service.snatFlows),
    text(service.upstreamFlows),
    String(list(service, 'findings').length),
    `${serviceName(service.service)}/${text(service.protocol)}`,
    text(service.externalTrafficPolicy),
    joined(service.entryNodes),
    joined(service.backendNodes),
    joined(service.nodesDroppingWithoutLocalEndpoints),
    joined(service.nodesForwardingWithoutLocalEndpoints),
  ]);
  const table = renderTable(
    [
      'VERDICT',
      'CLIENT IP KEPT',
      'FLOWS',
      'SNAT ON NODE',
      'LOST UPSTREAM',
      'FINDINGS',
      'SERVICE',
      'POLICY',
      'ENTRY NODES',
      'BACKEND NODES',
      'DROPPING (NO LOCAL EP)',
      'FORWARDING (NO LOCAL EP)',
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
export async function fetchServices(access: ApiAccess): Promise<Json[]> {
  return list(await getJson(access, '/api/v1/services', new URLSearchParams()), 'services');
}

interface ServicesOptions extends AccessFlags {
  output: 'table' | 'json';
}

/** The services command. */
export function servicesCommand(): Command {
  return addAccessOptions(
    new Command('services').description(
      'Per-Service verdicts from a collector: do backends see client IPs, and what to change.',
    ),
  )
    .addOption(outputOption())
    .action(async (options: ServicesOptions) => {
      const services = await fetchServices(apiAccess(options));
      if (options.output === 'json') writeNdjson(services);
      else
        process.stdout.write(
          services.length === 0 ? 'no Services reported yet\n' : servicesTable(services),
        );
    });
}
