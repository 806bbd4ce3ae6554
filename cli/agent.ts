// `snatscope agent`: reads the live node's tables, once or continuously.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as grpc from '@grpc/grpc-js';
import { Command, InvalidArgumentError } from 'commander';
import { pino, type Logger } from 'pino';
import type { Cidr } from '../common/cidr.js';
import {
  channelCredentials,
  CredentialsError,
  readAgentToken,
  rereadKeepingLastGood,
} from '../common/credentials.js';
import { CollectorExporter } from '../agent/export/exporter.js';
import { DEFAULT_SPOOL_MAX_RECORDS, Spool } from '../agent/export/spool.js';
import { AgentHealth, DEFAULT_MAX_DISCONNECTED_MS, maxPollAgeFor } from '../agent/health.js';
import { serveAgentHttp } from '../agent/http.js';
import { AgentMetrics } from '../agent/metrics.js';
import { NdjsonWriter, stdoutWriter } from '../agent/output.js';
import { AgentPipeline, type RecordSink } from '../agent/pipeline.js';
import { pollNode } from '../agent/poll.js';
import { DEFAULT_LIMITS } from '../agent/sources/exec.js';
import { LiveNodeReader } from '../agent/sources/node-reader.js';
import { v1 } from '../proto/index.js';
import {
  collect,
  collectCidr,
  describeProblem,
  durationMs,
  listenAddress,
  outputOption,
  positiveInteger,
  UsageError,
} from './options.js';
import {
  addTransportSecurityOptions,
  transportSecurity,
  type TransportSecurityFlags,
  type TransportSettings,
} from './transport-options.js';

/** The node's tables could not be read at all (exit code 1). */
export class AgentFailure extends Error {
  readonly exitCode = 1;
}

interface AgentOptions extends TransportSecurityFlags {
  nodeName: string;
  once: boolean;
  services?: string;
  output: 'table' | 'json';
  limit: number;
  pollInterval: number;
  metricsListen?: { host: string; port: number };
  events: boolean;
  nodeIp: string[];
  podCidr: Cidr[];
  logLevel: string;
  collector?: string;
  spoolDir?: string;
  spoolMaxRecords: number;
  batchSize: number;
  batchDelay: number;
}

/** Parses the collector's HOST:PORT (IPv6 as [::1]:9443) into a gRPC target. */
function collectorAddress(value: string): string {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(value);
  if (!match || Number(match[3]) > 65535) {
    throw new InvalidArgumentError('expected HOST:PORT, e.g. snatscope-collector:9443');
  }
  return value;
}

/** The agent command. */
export function agentCommand(): Command {
  const command = new Command('agent')
    .description(
      'Read this node’s conntrack table and kube-proxy rules and report every NodePort, ' +
        'LoadBalancer and external-IP flow with the source its backend saw. Needs root or CAP_NET_ADMIN.',
    )
    .option('--node-name <name>', 'this node’s name', process.env.NODE_NAME ?? hostname())
    .option('--once', 'print one snapshot and exit', false)
    .addOption(outputOption())
    .option('--limit <n>', 'flows shown per table with --once --output table', positiveInteger, 200)
    .option('--poll-interval <duration>', 'time between polls (continuous mode)', durationMs, 2000)
    .option(
      '--metrics-listen <host:port>',
      'serve Prometheus /metrics, and /healthz (polls) and /readyz (polls and collector) for probes',
      listenAddress,
    )
    .option('--events', 'also follow conntrack -E to poll sooner after new connections', false)
    .option('--node-ip <ip>', 'an extra address of this node (repeatable)', collect, [])
    .option(
      '--pod-cidr <cidr>',
      'this node’s pod subnet, when interfaces do not show it',
      collectCidr,
      [],
    )
    .option(
      '--services <file>',
      'kubectl get svc -A -o json dump: tells LoadBalancer from external IPs in nftables mode',
    )
    .option('--log-level <level>', 'pino log level (logs go to stderr)', 'info')
    .option(
      '--collector <host:port>',
      'continuous mode streams records to this collector instead of stdout (--once ignores it)',
      collectorAddress,
    )
    .option(
      '--spool-dir <dir>',
      'keep unacknowledged messages in this directory too, so a restart replays them',
    )
    .option(
      '--spool-max-records <n>',
      'records kept for the collector while it does not acknowledge them (oldest dropped)',
      positiveInteger,
      DEFAULT_SPOOL_MAX_RECORDS,
    )
    .option('--batch-size <n>', 'records per message to the collector', positiveInteger, 500)
    .option(
      '--batch-delay <duration>',
      'longest wait before a partial batch goes to the collector',
      durationMs,
      1000,
    );
  return addTransportSecurityOptions(command)
    .addHelpText(
      'after',
      '\nContinuous mode writes NDJSON records to stdout: each flow when first seen and again\n' +
        'with "closed": true when its conntrack entry ends; service records when they change.\n' +
        'With --collector it streams them over gRPC instead: TLS with --tls-ca (mutual TLS with\n' +
        '--tls-cert/--tls-key), plaintext only with --insecure; --token-file sends a bearer token.\n' +
        'SIGTERM or SIGINT stops it cleanly.',
    )
    .action(async (options: AgentOptions) => {
      await (options.once ? runOnce(options) : runContinuous(options));
    });
}

async function runOnce(options: AgentOptions): Promise<void> {
  const writer = stdoutWriter(options.output, options.nodeName, options.limit);
  const failures: string[] = [];
  const result = await pollNode(
    new LiveNodeReader(DEFAULT_LIMITS, options.services ?? null),
    { nodeName: options.nodeName, nodeIps: options.nodeIp, podCidrs: options.podCidr },
    {
      services: (states) => {
        for (const state of states) writer.service(state);
      },
      record: (record) => {
        writer.flow(record);
      },
      problem: (problem) => process.stderr.write(`warning: skipped ${describeProblem(problem)}\n`),
      toolFailure: (error) => failures.push(error.message),
    },
    Date.now() / 1000,
  );
  writer.end();
  for (const failure of failures) process.stderr.write(`warning: ${failure}\n`);
  if (!result.tables.rulesRead || result.conntrackLines.ipv4 === null) {
    throw new AgentFailure('could not read the iptables rules or the IPv4 conntrack table');
  }
}

async function runContinuous(options: AgentOptions): Promise<void> {
  const security = options.collector ? transportSecurity(options, 'client') : null;
  const log = pino(
    { level: options.logLevel, base: { node: options.nodeName } },
    pino.destination(2),
  );
  const metrics = new AgentMetrics();
  const exporter =
    options.collector && security
      ? await collectorExporter(options, options.collector, security, metrics, log)
      : null;
  const sink: RecordSink = exporter ?? new NdjsonWriter(process.stdout);
  const config = {
    nodeName: options.nodeName,
    nodeIps: options.nodeIp,
    podCidrs: options.podCidr,
    pollIntervalMs: options.pollInterval,
    events: options.events,
  };
  log.info(
    {
      config: {
        ...config,
        podCidrs: options.podCidr.map((c) => c.text),
        collector: options.collector ?? null,
        // Paths only: the token itself never reaches the log.
        transport: security,
        spoolDir: options.spoolDir ?? null,
      },
    },
    'agent starting',
  );
  const pipeline = new AgentPipeline(
    new LiveNodeReader(DEFAULT_LIMITS, options.services ?? null),
    config,
    sink,
    metrics,
    log,
  );
  const health = new AgentHealth(
    {
      lastGoodPollAtMs: () => pipeline.lastGoodPollAtMs,
      exportState: exporter ? () => exporter.state() : null,
    },
    {
      startedAtMs: Date.now(),
      maxPollAgeMs: maxPollAgeFor(options.pollInterval),
      maxDisconnectedMs: DEFAULT_MAX_DISCONNECTED_MS,
    },
  );
  const server = options.metricsListen
    ? await serveAgentHttp(metrics, health, options.metricsListen)
    : null;
  exporter?.start();
  pipeline.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'agent stopping');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await pipeline.stop();
  // After the pipeline: its last poll's records are flushed into the spool and acked if possible.
  await exporter?.stop();
  await new Promise<void>((resolve) => {
    if (server)
      server.close(() => {
        resolve();
      });
    else resolve();
  });
  log.info('agent stopped');
}

/** Builds the gRPC exporter; bad credential files are usage errors now rather than retries later. */
async function collectorExporter(
  options: AgentOptions,
  address: string,
  security: TransportSettings,
  metrics: AgentMetrics,
  log: Logger,
): Promise<CollectorExporter> {
  const exportLog = log.child({ component: 'export' });
  const tokenFile = security.tokenFile;
  let credentials: () => grpc.ChannelCredentials;
  let token: () => string | null;
  try {
    // Read on every connect: projected tokens and renewed certificates rotate under the agent.
    credentials = rereadKeepingLastGood(
      () => channelCredentials(security),
      (error) => {
        exportLog.warn({ err: error }, 'cannot re-read the TLS files; using the previous ones');
      },
    );
    token = rereadKeepingLastGood(
      () => (tokenFile === null ? null : readAgentToken(tokenFile)),
      (error) => {
        exportLog.warn({ err: error }, 'cannot re-read the token file; using the previous token');
      },
    );
  } catch (error) {
    if (error instanceof CredentialsError) throw new UsageError(error.message);
    throw error;
  }
  const spool = await Spool.open(
    { maxRecords: options.spoolMaxRecords, dir: options.spoolDir ?? null },
    metrics,
    exportLog,
  );
  return new CollectorExporter(
    {
      address,
      node: options.nodeName,
      agentVersion: agentVersion(),
      // The pipeline does not expose the mode it found, and only iptables mode is read live yet.
      proxyMode: v1.ProxyMode.iptables,
      credentials,
      token,
      batchMaxRecords: options.batchSize,
      batchMaxDelayMs: options.batchDelay,
    },
    spool,
    metrics,
    exportLog,
  );
}

/** This package's version (package.json sits above cli/ in the sources and above dist/cli/). */
function agentVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 4; depth++) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (manifest.name === 'snatscope' && manifest.version) return manifest.version;
    } catch {
      // Not here: look one level up.
    }
    dir = dirname(dir);
  }
  return 'unknown';
}
