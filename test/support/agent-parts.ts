// Parts of the continuous agent for tests without tools or root: a node reader whose rules the
// test swaps between polls, and an exporter that spools but never connects.
import { readFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { CollectorExporter } from '../../agent/export/exporter.js';
import type { Spool } from '../../agent/export/spool.js';
import type { AgentMetrics } from '../../agent/metrics.js';
import type { PipelineConfig } from '../../agent/pipeline.js';
import { ToolError } from '../../agent/sources/exec.js';
import type { NodeReader } from '../../agent/sources/node-reader.js';
import { channelCredentials } from '../../common/credentials.js';
import { v1 } from '../../proto/index.js';

/** The rules the fake node shows; null makes iptables-save fail as on a node without them. */
export interface FakeRules {
  text: string | null;
}

/**
 * A NodeReader over lab node n1's captured addresses, with swappable IPv4 rules (no IPv6 rules,
 * nftables, IPVS or Services file) and an empty conntrack table.
 */
export async function fakeNodeReader(): Promise<{ reader: NodeReader; rules: FakeRules }> {
  const addresses = await readFile('test/fixtures/lab-n1-ip-addr.json', 'utf8');
  const rules: FakeRules = { text: null };
  const reader: NodeReader = {
    iptablesSave: (family) => {
      if (family === 'ipv4' && rules.text !== null) {
        return Promise.resolve({ text: rules.text, source: 'iptables-save', skipped: [] });
      }
      return Promise.reject(new ToolError('iptables-save', ['-c'], 'exit', 'no rules'));
    },
    conntrack: () => Promise.resolve(0),
    nftTable: () => Promise.resolve(null),
    kubeServices: () => Promise.resolve(null),
    addresses: () => Promise.resolve(addresses),
    routes: () => Promise.resolve('[]'),
    ipvsServices: () => Promise.resolve(null),
    ipvsConnections: () => Promise.resolve(null),
    ipsetSave: () => Promise.resolve(null),
  };
  return { reader, rules };
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
      proxyMode: v1.ProxyMode.iptables,
      credentials: () => channelCredentials({ insecure: true }),
      token: () => null,
    },
    spool,
    metrics,
    log,
  );
}
