// `snatscope agent`: flags in, agent/agent.ts does the work (once or continuously).
import { hostname } from 'node:os';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';
import type { Cidr } from '../common/cidr.js';
import { CredentialsError } from '../common/credentials.js';
import { DEFAULT_TABLES_FRESHNESS } from '../agent/tables-freshness.js';
import {
  Agent,
  kubeApiReader,
  snapshotNode,
  type CollectorTarget,
  type KubeApiConfig,
} from '../agent/agent.js';
import { DEFAULT_SPOOL_MAX_RECORDS } from '../agent/export/spool.js';
import {
  DEFAULT_EVENT_BUFFER_BYTES,
  DEFAULT_MAX_FLOW_RATE,
  RECONCILE_INTERVAL_MS,
} from '../agent/pipeline.js';
import { stdoutWriter } from '../agent/output.js';
import { DEFAULT_LIMITS } from '../agent/sources/exec.js';
import { LiveNodeReader } from '../agent/sources/node-reader.js';
import {
  byteSize,
  collect,
  collectCidr,
  describeProblem,
  durationMs,
  listenAddress,
  outputOption,
  nonNegativeInteger,
  positiveInteger,
  UsageError,
} from './options.js';
import {
  addTransportSecurityOptions,
  transportSecurity,
  type TransportSecurityFlags,
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
  tablesRefresh: number;
  followTables: boolean;
  reconcileInterval: number;
  eventBufferSize: number;
  maxFlowRate: number;
  nodeIp: string[];
  podCidr: Cidr[];
  logLevel: string;
  collector: string[];
  spoolDir?: string;
  spoolMaxRecords: number;
  batchSize: number;
  batchDelay: number;
  kubeApi: boolean;
  kubeconfig?: string;
  kubeSyncTimeout: number;
  socketTracer: boolean;
  mountTracefs: boolean;
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
    .option(
      '--tables-refresh <duration>',
      'read rules and addresses at least this often while their changes are followed',
      durationMs,
      DEFAULT_TABLES_FRESHNESS.safetyRefreshMs,
    )
    .option(
      '--no-follow-tables',
      'do not follow nft monitor and ip monitor: read rules and addresses every 10 s',
    )
    .option(
      '--no-events',
      'read the whole conntrack table every poll instead of following conntrack -E (by default ' +
        'events are the source of flows and the table is read only to reconcile)',
    )
    .option(
      '--reconcile-interval <duration>',
      'with events: re-read the whole conntrack table this often to find flows whose events were lost',
      durationMs,
      RECONCILE_INTERVAL_MS,
    )
    .option(
      '--event-buffer-size <bytes>',
      'netlink receive buffer of conntrack -E (e.g. 32Mi): room for bursts before events are lost',
      byteSize,
      DEFAULT_EVENT_BUFFER_BYTES,
    )
    .option(
      '--max-flow-rate <n>',
      'new flows per second reported in full; above it 1 in N is reported (sampleRate N in the ' +
        'record, per-Service counts stay exact); 0: never sample',
      nonNegativeInteger,
      DEFAULT_MAX_FLOW_RATE,
    )
    .option('--node-ip <ip>', 'an extra address of this node (repeatable)', collect, [])
    .option(
      '--pod-cidr <cidr>',
      'this node’s pod subnet, when interfaces do not show it',
      collectCidr,
      [],
    )
    .option(
      '--services <file>',
      'kubectl get svc -A -o json dump: names IPVS virtual servers and tells LoadBalancer from ' +
        'external IPs in nftables mode (the Kubernetes API does this in a cluster)',
    )
    .option(
      '--no-kube-api',
      'do not read the Kubernetes API (by default: in-cluster service account, or --kubeconfig)',
    )
    .option('--kubeconfig <file>', 'read the Kubernetes API with this kubeconfig file')
    .option(
      '--kube-sync-timeout <duration>',
      'with --once: longest wait for the API’s first list before reading the node',
      durationMs,
      10_000,
    )
    .option(
      '--no-socket-tracer',
      'do not run bpftrace on sock:inet_sock_set_state (the backend socket’s peer, socketObserved)',
    )
    .option(
      '--mount-tracefs',
      'mount tracefs at /sys/kernel/tracing when it is not mounted (the socket tracer needs it)',
      false,
    )
    .option('--log-level <level>', 'pino log level (logs go to stderr)', 'info')
    .option(
      '--collector <host:port>',
      'continuous mode streams records to this collector instead of stdout (--once ignores it); ' +
        'repeat it for several replicas of one collector (sharing a store): the agent streams to ' +
        'one and moves to the next when that stream fails',
      (value: string, previous: string[]) => [...previous, collectorAddress(value)],
      [],
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

function kubeApiConfig(options: AgentOptions): KubeApiConfig | null {
  return options.kubeApi ? { kubeconfig: options.kubeconfig ?? null } : null;
}

async function runOnce(options: AgentOptions): Promise<void> {
  const writer = stdoutWriter(options.output, options.nodeName, options.limit);
  const api = kubeApiConfig(options);
  // Warnings only on stderr: stdout holds the records.
  const log = pino({ level: 'warn', base: { node: options.nodeName } }, pino.destination(2));
  const kube = api ? kubeApiReader(options.nodeName, api, log) : null;
  if (kube) {
    kube.start();
    const synced = await Promise.race([
      kube.whenSynced(),
      new Promise<false>((resolve) => setTimeout(resolve, options.kubeSyncTimeout, false).unref()),
    ]);
    if (!synced && kube.status().state !== 'disabled') {
      process.stderr.write(
        `warning: the Kubernetes API did not answer within ${options.kubeSyncTimeout} ms (${kube.status().detail ?? 'no detail'}); records name no pods or nodes\n`,
      );
    }
  }
  const result = await snapshotNode(
    new LiveNodeReader(DEFAULT_LIMITS, options.services ?? null),
    {
      nodeName: options.nodeName,
      nodeIps: options.nodeIp,
      podCidrs: options.podCidr,
      cluster: kube,
    },
    writer,
    (problem) => process.stderr.write(`warning: skipped ${describeProblem(problem)}\n`),
  ).finally(() => kube?.stop());
  for (const failure of result.toolFailures) process.stderr.write(`warning: ${failure}\n`);
  if (!result.complete) {
    throw new AgentFailure('could not read the kube-proxy rules or the IPv4 conntrack table');
  }
}

async function runContinuous(options: AgentOptions): Promise<void> {
  const log = pino(
    { level: options.logLevel, base: { node: options.nodeName } },
    pino.destination(2),
  );
  const collector: CollectorTarget | null =
    options.collector.length > 0
      ? {
          addresses: options.collector,
          security: transportSecurity(options, 'client'),
          spoolDir: options.spoolDir ?? null,
          spoolMaxRecords: options.spoolMaxRecords,
          batchSize: options.batchSize,
          batchDelayMs: options.batchDelay,
        }
      : null;
  let agent: Agent;
  try {
    agent = await Agent.create(
      {
        nodeName: options.nodeName,
        nodeIps: options.nodeIp,
        podCidrs: options.podCidr,
        pollIntervalMs: options.pollInterval,
        events: options.events,
        tablesRefreshMs: options.tablesRefresh,
        followTables: options.followTables,
        reconcileIntervalMs: options.reconcileInterval,
        eventBufferBytes: options.eventBufferSize,
        maxFlowRate: options.maxFlowRate,
        collector,
        metricsListen: options.metricsListen ?? null,
        kubeApi: kubeApiConfig(options),
        socketTracer: options.socketTracer ? { mountTracefs: options.mountTracefs } : null,
      },
      new LiveNodeReader(DEFAULT_LIMITS, options.services ?? null),
      log,
    );
  } catch (error) {
    if (error instanceof CredentialsError) throw new UsageError(error.message);
    throw error;
  }
  await agent.start();
  await new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      log.info({ signal }, 'agent stopping');
      resolve();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await agent.stop();
}
