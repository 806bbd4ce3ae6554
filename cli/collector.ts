// `snatscope collector`: gRPC ingest from every agent, the forensics store, /metrics and the API.
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { pino } from 'pino';
import type { Cidr } from '../common/cidr.js';
import { CredentialsError, httpsCredentials } from '../common/credentials.js';
import { Collector, type CollectorConfig } from '../collector/collector.js';
import { API_LIMITS } from '../collector/http-api.js';
import { openClickHouseStore, type ClickHouseFlowStore } from '../collector/clickhouse-store.js';
import {
  DEFAULT_MEMORY_BUDGET_BYTES,
  MIN_MEMORY_BUDGET_BYTES,
} from '../collector/memory-budget.js';
import {
  IN_CLUSTER_CREDENTIALS_DIR,
  inClusterApiServer,
  TOKEN_REVIEW_DEFAULTS,
  type TokenReviewConfig,
} from '../collector/token-review.js';
import {
  byteSize,
  CommandFailure,
  UsageError,
  collectCidr,
  durationMs,
  listenAddress,
  positiveInteger,
} from './options.js';
import {
  addTransportSecurityOptions,
  transportSecurity,
  type TransportFlags,
} from './transport-options.js';

interface CollectorOptions extends TransportFlags {
  grpcListen: { host: string; port: number };
  httpListen: { host: string; port: number };
  metricsListen?: { host: string; port: number };
  apiTokenFile?: string;
  apiInsecureNoAuth: boolean;
  apiTlsCert?: string;
  apiTlsKey?: string;
  apiMaxConcurrent: number;
  store: 'sqlite' | 'clickhouse';
  db?: string;
  clickhouseUrl?: string;
  clickhouseDatabase: string;
  clickhouseUser?: string;
  clickhousePasswordFile?: string;
  clickhouseCluster?: string;
  retention: number;
  upstreamCidr: Cidr[];
  memoryBudget: number;
  logLevel: string;
  tokenReview: boolean;
  tokenReviewAudience: string;
  agentServiceAccount: string;
  kubeApiServer?: string;
  kubeCredentialsDir: string;
  credentialsPoll: number;
  allowUnauthenticatedAgents: boolean;
}

/** The TokenReview settings of the flags (in-cluster defaults), or null without --token-review. */
function tokenReviewConfig(options: CollectorOptions): TokenReviewConfig | null {
  if (!options.tokenReview) return null;
  const apiServer = options.kubeApiServer ?? inClusterApiServer(process.env);
  if (apiServer === null) {
    throw new UsageError(
      '--token-review needs the Kubernetes API: run in a pod (KUBERNETES_SERVICE_HOST/PORT) or give --kube-api-server',
    );
  }
  if (!/^system:serviceaccount:[^:]+:[^:]+$/.test(options.agentServiceAccount)) {
    throw new UsageError(
      `--agent-service-account: expected system:serviceaccount:NAMESPACE:NAME, got "${options.agentServiceAccount}"`,
    );
  }
  return {
    ...TOKEN_REVIEW_DEFAULTS,
    apiServer,
    tokenFile: join(options.kubeCredentialsDir, 'token'),
    caFile: join(options.kubeCredentialsDir, 'ca.crt'),
    audience: options.tokenReviewAudience,
    agentUser: options.agentServiceAccount,
  };
}

/** The collector command. */
export function collectorCommand(): Command {
  const command = new Command('collector')
    .description(
      'Receive the agents’ record streams, stitch entry and backend halves, correlate per Service, ' +
        'store flows for forensics and serve /metrics and the JSON API.',
    )
    .requiredOption('--grpc-listen <host:port>', 'gRPC ingest address for agents', listenAddress)
    .requiredOption(
      '--http-listen <host:port>',
      'the query API /api/v1 (and /metrics, /healthz, /readyz unless --metrics-listen is given)',
      listenAddress,
    )
    .option(
      '--metrics-listen <host:port>',
      'serve /metrics, /healthz and /readyz here instead, without TLS or token',
      listenAddress,
    )
    .option(
      '--api-token-file <file>',
      'accepted query API tokens, one per line (not the agents’ --token-file)',
    )
    .option(
      '--api-insecure-no-auth',
      'serve the query API (client IPs) to anyone who reaches --http-listen',
      false,
    )
    .option('--api-tls-cert <file>', 'serve the query API over HTTPS with this certificate (PEM)')
    .option('--api-tls-key <file>', 'the private key (PEM) of --api-tls-cert')
    .option(
      '--api-max-concurrent <n>',
      'query API requests in progress at once; more get 503',
      positiveInteger,
      API_LIMITS.defaultMaxConcurrent,
    )
    .addOption(
      new Option('--store <kind>', 'where flows are kept: an embedded SQLite file, or ClickHouse')
        .choices(['sqlite', 'clickhouse'])
        .default('sqlite'),
    )
    .option('--db <path>', 'with --store sqlite: the SQLite file (created when missing)')
    .option(
      '--clickhouse-url <url>',
      'with --store clickhouse: the server, e.g. http://clickhouse:8123 (user from ' +
        'CLICKHOUSE_USER or --clickhouse-user, password from --clickhouse-password-file or ' +
        'CLICKHOUSE_PASSWORD, never a flag)',
    )
    .option('--clickhouse-database <name>', 'database of the flow tables', 'snatscope')
    .option('--clickhouse-user <name>', 'ClickHouse user (default: CLICKHOUSE_USER, else default)')
    .option('--clickhouse-password-file <file>', 'a file whose first line is the password')
    .option(
      '--clickhouse-cluster <name>',
      'remote_servers cluster whose shards all hold the database: writes to this server, reads ' +
        'through Distributed tables',
    )
    .option('--retention <duration>', 'keep flows this long', durationMs, 7 * 86_400_000)
    .option(
      '--upstream-cidr <cidr>',
      'addresses of load balancers or proxies in front of the nodes: clients from here lost their IP upstream (repeatable)',
      collectCidr,
      [],
    )
    .option(
      '--memory-budget <size>',
      'memory for the in-memory caches (stitcher, per-Service view, metric series), sized from it; ' +
        'keep it about half the container limit',
      budgetBytes,
      DEFAULT_MEMORY_BUDGET_BYTES,
    )
    .option('--log-level <level>', 'pino log level (logs go to stderr)', 'info')
    .option(
      '--token-review',
      'verify agent tokens with Kubernetes TokenReviews: each agent sends its pod’s projected ServiceAccount token and may speak only for the node its pod runs on (Kubernetes 1.30+)',
      false,
    )
    .option(
      '--token-review-audience <audience>',
      'the audience agent tokens must be minted for',
      'snatscope-collector',
    )
    .option(
      '--agent-service-account <user>',
      'the user agent tokens must authenticate as',
      'system:serviceaccount:snatscope:snatscope-agent',
    )
    .option(
      '--kube-api-server <url>',
      'Kubernetes API for TokenReviews (default: https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT)',
    )
    .option(
      '--kube-credentials-dir <dir>',
      'the collector’s own ServiceAccount "token" and the API server’s "ca.crt"',
      IN_CLUSTER_CREDENTIALS_DIR,
    )
    .option(
      '--credentials-poll <duration>',
      'how often TLS and token files are checked for changes (reloaded without a restart)',
      durationMs,
      5000,
    )
    .option(
      '--allow-unauthenticated-agents',
      'accept TLS agent streams with neither client certificates (--tls-ca) nor tokens',
      false,
    );
  addTransportSecurityOptions(
    command,
    'accepted agent tokens, one per line, optionally "TOKEN NODE" (re-read when it changes)',
  );
  return command
    .addHelpText(
      'after',
      '\nPlaintext gRPC needs --insecure; otherwise give --tls-cert and --tls-key (and --tls-ca to\n' +
        'require client certificates). A TLS collector also needs a way to tell agents apart:\n' +
        '--tls-ca, --token-file or --token-review (or --allow-unauthenticated-agents). The query\n' +
        'API needs --api-token-file (or, deliberately, --api-insecure-no-auth). SIGTERM stores and\n' +
        'acknowledges what was received, then exits.',
    )
    .action(async (options: CollectorOptions) => {
      const security = transportSecurity(options, 'server');
      const api = apiSettings(options);
      const tokenReview = tokenReviewConfig(options);
      // TLS that anyone may use looks safe and is not: make that an explicit choice.
      const agentCredentials =
        security.tlsCa !== null || security.tokenFile !== null || tokenReview;
      if (!security.insecure && !agentCredentials && !options.allowUnauthenticatedAgents) {
        throw new UsageError(
          'this TLS collector would accept streams from anyone: give --tls-ca (client certificates), ' +
            '--token-file or --token-review, or --allow-unauthenticated-agents to mean it',
        );
      }
      const log = pino(
        { level: options.logLevel, base: { component: 'collector' } },
        pino.destination(2),
      );
      const store = await openStore(options);
      let collector: Collector;
      try {
        collector = new Collector(
          {
            grpcListen: options.grpcListen,
            httpListen: options.httpListen,
            metricsListen: options.metricsListen ?? null,
            api,
            dbPath: options.db ?? '',
            retentionMs: options.retention,
            upstreamCidrs: options.upstreamCidr,
            memoryBudgetBytes: options.memoryBudget,
            security,
            tokenFile: security.tokenFile,
            tokenReview,
            credentialsPollMs: options.credentialsPoll,
          },
          log,
          store ?? undefined,
        );
      } catch (error) {
        if (error instanceof CredentialsError) throw error;
        throw new CommandFailure(`collector: ${(error as Error).message}`);
      }
      try {
        await collector.start();
      } catch (error) {
        await collector.stop().catch(() => undefined);
        throw new CommandFailure(`collector: ${(error as Error).message}`);
      }
      const stopped = new Promise<null>((resolve) => {
        const stop = (signal: string): void => {
          log.info({ signal }, 'collector stopping');
          resolve(null);
        };
        process.once('SIGTERM', stop);
        process.once('SIGINT', stop);
      });
      // A dead store ends the process with an error: agents fail over and replay what was not
      // acknowledged, and the orchestrator restarts this one.
      const failure = await Promise.race([stopped, collector.failed]);
      await collector.stop();
      if (failure !== null) throw new CommandFailure(`collector: ${failure.message}`);
      log.info('collector stopped');
    });
}

/**
 * The ClickHouse store of --store clickhouse, opened (schema created or migrated); null for
 * SQLite, which the collector opens itself (making a missing parent folder of --db, as a fresh
 * volume mount would need).
 */
async function openStore(options: CollectorOptions): Promise<ClickHouseFlowStore | null> {
  if (options.store === 'sqlite') {
    if (options.db === undefined) throw new UsageError('--store sqlite needs --db <path>');
    if (options.clickhouseUrl !== undefined) {
      throw new UsageError('--clickhouse-url is for --store clickhouse');
    }
    mkdirSync(dirname(resolvePath(options.db)), { recursive: true });
    return null;
  }
  if (options.clickhouseUrl === undefined) {
    throw new UsageError('--store clickhouse needs --clickhouse-url <url>');
  }
  if (options.db !== undefined) throw new UsageError('--db is for --store sqlite');
  try {
    return await openClickHouseStore({
      url: options.clickhouseUrl,
      database: options.clickhouseDatabase,
      ...(options.clickhouseUser === undefined ? {} : { username: options.clickhouseUser }),
      ...(options.clickhousePasswordFile === undefined
        ? {}
        : { passwordFile: options.clickhousePasswordFile }),
      ...(options.clickhouseCluster === undefined ? {} : { cluster: options.clickhouseCluster }),
      retentionDays: Math.max(1, Math.ceil(options.retention / 86_400_000)),
    });
  } catch (error) {
    throw new CommandFailure(`collector: ${(error as Error).message}`);
  }
}

/**
 * The query API's security from the flags: a token file, or no authentication only when asked for
 * by name (the API returns client IPs); HTTPS when both certificate and key are given.
 */
function apiSettings(options: CollectorOptions): CollectorConfig['api'] {
  if (options.apiTokenFile !== undefined && options.apiInsecureNoAuth) {
    throw new UsageError('--api-token-file and --api-insecure-no-auth exclude each other');
  }
  if (options.apiTokenFile === undefined && !options.apiInsecureNoAuth) {
    throw new UsageError(
      'the query API needs --api-token-file (one token per line); to serve it to anyone who ' +
        'reaches --http-listen, say --api-insecure-no-auth',
    );
  }
  if ((options.apiTlsCert === undefined) !== (options.apiTlsKey === undefined)) {
    throw new UsageError('--api-tls-cert and --api-tls-key go together');
  }
  return {
    tokenFile: options.apiTokenFile ?? null,
    tls:
      options.apiTlsCert === undefined || options.apiTlsKey === undefined
        ? null
        : httpsCredentials(options.apiTlsCert, options.apiTlsKey),
    maxConcurrent: options.apiMaxConcurrent,
  };
}

/** Parses --memory-budget: a size of at least MIN_MEMORY_BUDGET_BYTES. */
function budgetBytes(value: string): number {
  const bytes = byteSize(value);
  if (bytes < MIN_MEMORY_BUDGET_BYTES) {
    throw new InvalidArgumentError(`expected at least ${MIN_MEMORY_BUDGET_BYTES / 2 ** 20}Mi`);
  }
  return bytes;
}
