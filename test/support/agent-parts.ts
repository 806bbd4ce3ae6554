// Parts of the continuous agent for tests without tools or root: a node reader whose rules the
// test swaps between polls, and an exporter that spools but never connects.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { CollectorExporter } from '../../agent/export/exporter.js';
import type { Spool } from '../../agent/export/spool.js';
import type { AgentMetrics } from '../../agent/metrics.js';
import type { PipelineConfig } from '../../agent/pipeline.js';
import { ToolError, type RunningToolHandlers } from '../../agent/sources/exec.js';
import type { NodeReader } from '../../agent/sources/node-reader.js';
import { channelCredentials } from '../../common/credentials.js';
import { v1 } from '../../proto/index.js';

/** The rules the fake node shows; null makes iptables-save fail as on a node without them. */
export interface FakeRules {
  text: string | null;
}

/** The fake node's IPv4 conntrack table (one `conntrack -L -o extended,id` line each). */
export interface FakeConntrack {
  lines: string[];
  /** When set, the next dumps fail as a killed `conntrack -L` would. */
  failing: boolean;
  /** IPv4 dumps read so far. */
  reads: number;
  /** Called after each line a dump delivers: events may come while the table is read. */
  afterLine: ((index: number) => void) | null;
}

/** The fake node's `conntrack -E` stream: the test writes event lines into it. */
export interface FakeEvents {
  /** Delivers one event line to the agent (throws when nothing follows the events). */
  emit(line: string): void;
  /** Delivers one stderr line (e.g. conntrack's ENOBUFS report). */
  emitStderr(line: string): void;
  /** Ends the running stream as a dying `conntrack -E` would (with this failure, or none). */
  exit(error?: ToolError | null): void;
  /** How many times the agent started following events. */
  started: number;
  /** The netlink buffer the agent last asked for. */
  bufferBytes: number | null;
}

/**
 * A NodeReader over lab node n1's captured addresses, with swappable IPv4 rules and conntrack
 * lines (no IPv6 rules, IPVS or Services file), and an event stream the test drives.
 */
export async function fakeNodeReader(): Promise<{
  reader: NodeReader;
  rules: FakeRules;
  /** `nft -j list table ip kube-proxy` text; null: no such table (not nftables mode). */
  nft: FakeRules;
  conntrack: FakeConntrack;
  events: FakeEvents;
}> {
  const addresses = await readFile('test/fixtures/lab-n1-ip-addr.json', 'utf8');
  const rules: FakeRules = { text: null };
  const nft: FakeRules = { text: null };
  const conntrack: FakeConntrack = { lines: [], failing: false, reads: 0, afterLine: null };
  let handlers: RunningToolHandlers | null = null;
  let exitRunning: (error: ToolError | null) => void = () => undefined;
  const following = (): RunningToolHandlers => {
    if (!handlers) throw new Error('the agent is not following conntrack events');
    return handlers;
  };
  const events: FakeEvents = {
    emit: (line) => {
      following().line(line);
    },
    emitStderr: (line) => {
      following().stderrLine(line);
    },
    exit: (error = null) => {
      handlers = null;
      exitRunning(error);
    },
    started: 0,
    bufferBytes: null,
  };
  const reader: NodeReader = {
    iptablesSave: (family) => {
      if (family === 'ipv4' && rules.text !== null) {
        return Promise.resolve({ text: rules.text, source: 'iptables-save', skipped: [] });
      }
      return Promise.reject(new ToolError('iptables-save', ['-c'], 'exit', 'no rules'));
    },
    conntrack: (family, lines) => {
      const onLine = lines(`conntrack -L -f ${family}`);
      if (family !== 'ipv4') return Promise.resolve(0);
      conntrack.reads++;
      if (conntrack.failing) {
        return Promise.reject(new ToolError('conntrack', ['-L'], 'signal', 'killed'));
      }
      conntrack.lines.forEach((line, index) => {
        const bytes = Buffer.from(line);
        onLine(bytes, 0, bytes.length, index + 1, bytes.length === line.length);
        conntrack.afterLine?.(index);
      });
      return Promise.resolve(conntrack.lines.length);
    },
    conntrackEvents: (given, options) => {
      handlers = given;
      events.started++;
      events.bufferBytes = options.bufferBytes;
      const done = new Promise<ToolError | null>((resolve) => {
        exitRunning = resolve;
      });
      return {
        done,
        stop: () => {
          events.exit();
        },
      };
    },
    nftTable: (family) =>
      Promise.resolve(
        family === 'ipv4' && nft.text !== null ? { text: nft.text, source: 'nft -j' } : null,
      ),
    kubeServices: () => Promise.resolve(null),
    addresses: () => Promise.resolve(addresses),
    routes: () => Promise.resolve('[]'),
    ipvsServices: () => Promise.resolve(null),
    ipvsConnections: () => Promise.resolve(null),
    ipsetSave: () => Promise.resolve(null),
  };
  return { reader, rules, nft, conntrack, events };
}

/** Lab node n1's `iptables-save -c`. */
export function labRules(): Promise<string> {
  return readFile('test/fixtures/lab-n1-iptables-save-c.txt', 'utf8');
}

/** Node n1, polled every second; tablesRefreshMs 0 makes every poll read the rules again. */
export const PIPELINE_CONFIG: PipelineConfig = {
  nodeName: 'n1',
  nodeIps: [],
  podCidrs: [],
  pollIntervalMs: 1000,
  events: false,
  tablesRefreshMs: 0,
};

/**
 * An exporter that is never started: flush() spools snapshots and batches, nothing connects, and
 * its state is that of an agent whose collector is unreachable.
 */
export function unstartedExporter(
  spool: Spool,
  metrics: AgentMetrics,
  log: Logger,
): CollectorExporter {
  return new CollectorExporter(
    {
      collectors: ['127.0.0.1:1'],
      node: 'n1',
      agentVersion: 'test',
      proxyMode: () => v1.ProxyMode.iptables,
      credentials: () => channelCredentials({ insecure: true }),
      token: () => null,
    },
    spool,
    metrics,
    log,
  );
}
