// `snatscope agent`: reads the live node's tables, once or continuously.
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { Command } from 'commander';
import { pino } from 'pino';
import type { Cidr } from '../common/cidr.js';
import { AgentMetrics } from '../agent/metrics.js';
import { NdjsonWriter, stdoutWriter } from '../agent/output.js';
import { AgentPipeline } from '../agent/pipeline.js';
import { pollNode } from '../agent/poll.js';
import { LiveNodeReader } from '../agent/sources/node-reader.js';
import {
  collect,
  collectCidr,
  describeProblem,
  durationMs,
  listenAddress,
  outputOption,
  positiveInteger,
} from './options.js';

/** The node's tables could not be read at all (exit code 1). */
export class AgentFailure extends Error {
  readonly exitCode = 1;
}

interface AgentOptions {
  nodeName: string;
  once: boolean;
  output: 'table' | 'json';
  limit: number;
  pollInterval: number;
  metricsListen?: { host: string; port: number };
  events: boolean;
  nodeIp: string[];
  podCidr: Cidr[];
  logLevel: string;
}

/** The agent command. */
export function agentCommand(): Command {
  return new Command('agent')
    .description(
      'Read this node’s conntrack table and kube-proxy rules and report every NodePort, ' +
        'LoadBalancer and external-IP flow with the source its backend saw. Needs root or CAP_NET_ADMIN.',
    )
    .option('--node-name <name>', 'this node’s name', process.env.NODE_NAME ?? hostname())
    .option('--once', 'print one snapshot and exit', false)
    .addOption(outputOption())
    .option('--limit <n>', 'flows shown per table with --once --output table', positiveInteger, 200)
    .option('--poll-interval <duration>', 'time between polls (continuous mode)', durationMs, 2000)
    .option('--metrics-listen <host:port>', 'serve Prometheus /metrics here', listenAddress)
    .option('--events', 'also follow conntrack -E to poll sooner after new connections', false)
    .option('--node-ip <ip>', 'an extra address of this node (repeatable)', collect, [])
    .option(
      '--pod-cidr <cidr>',
      'this node’s pod subnet, when interfaces do not show it',
      collectCidr,
      [],
    )
    .option('--log-level <level>', 'pino log level (logs go to stderr)', 'info')
    .addHelpText(
      'after',
      '\nContinuous mode writes NDJSON records to stdout: each flow when first seen and again\n' +
        'with "closed": true when its conntrack entry ends; service records when they change.\n' +
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
    new LiveNodeReader(),
    { nodeName: options.nodeName, nodeIps: options.nodeIp, podCidrs: options.podCidr },
    {
      service: (state) => {
        writer.service(state);
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
  const log = pino(
    { level: options.logLevel, base: { node: options.nodeName } },
    pino.destination(2),
  );
  const metrics = new AgentMetrics();
  const writer = new NdjsonWriter(process.stdout);
  const config = {
    nodeName: options.nodeName,
    nodeIps: options.nodeIp,
    podCidrs: options.podCidr,
    pollIntervalMs: options.pollInterval,
    events: options.events,
  };
  log.info(
    { config: { ...config, podCidrs: options.podCidr.map((c) => c.text) } },
    'agent starting',
  );
  const pipeline = new AgentPipeline(new LiveNodeReader(), config, writer, metrics, log);
  const server = options.metricsListen ? await serveMetrics(metrics, options.metricsListen) : null;
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
  await new Promise<void>((resolve) => {
    if (server)
      server.close(() => {
        resolve();
      });
    else resolve();
  });
  log.info('agent stopped');
}

async function serveMetrics(
  metrics: AgentMetrics,
  address: { host: string; port: number },
): Promise<Server> {
  const server = createServer((request, response) => {
    if (request.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
        },
        (error: unknown) => {
          response.writeHead(500).end(String(error));
        },
      );
    } else if (request.url === '/healthz') {
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok\n');
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
