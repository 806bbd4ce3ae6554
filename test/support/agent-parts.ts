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
}

/** The fake node's `conntrack -E` stream: the test writes event lines into it. */
export interface FakeEvents {
  /** Delivers one event line to the agent (throws when nothing follows the events). */
  emit(line: string): void;
  /** Delivers one stderr line (e.g. conntrack's ENOBUFS report). */
  emitStderr(line: string): void;
  /** How many times the agent started following events. */
  started: number;
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
  const conntrack: FakeConntrack = { lines: [], failing: false };
  let handlers: RunningToolHandlers | null = null;
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
    started: 0,
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
      if (conntrack.failing) {
        return Promise.reject(new ToolError('conntrack', ['-L'], 'signal', 'killed'));
      }
      conntrack.lines.forEach((line, index) => {
        const bytes = Buffer.from(line);
        onLine(bytes, 0, bytes.length, index + 1, bytes.length === line.length);
      });
      return Promise.resolve(conntrack.lines.length);
    },
    conntrackEvents: (given) => {
      handlers = given;
      events.started++;
      let exit: (error: ToolError | null) => void = () => undefined;
      const done = new Promise<ToolError | null>((resolve) => {
        exit = resolve;
      });
      return {
        done,
        stop: () => {
          handlers = null;
          exit(null);
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
      address: '127.0.0.1:1',
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
