// A NodeReader over texts a test already holds (fixtures, or dumps it took from a lab node), and
// the model the one node read (agent/node-read.ts) builds from them: tests go through the same
// mode detection and model building as the agent and `analyze`.
import assert from 'node:assert/strict';
import { readNode } from '../../agent/node-read.js';
import type { KubeProxyModel } from '../../agent/model/service-model.js';
import type { NodeReader, TextDump } from '../../agent/sources/node-reader.js';

/** What the node shows; absent tables are absent from the node. */
export interface NodeTexts {
  /** `iptables-save -c` texts: IPv4, then IPv6. */
  iptables?: readonly string[];
  /** `nft -j list table ip|ip6 kube-proxy`: IPv4, then IPv6. */
  nft?: readonly string[];
  ipvs?: string;
  ipset?: string;
  services?: string;
  addresses?: string;
}

const dump = (text: string | undefined, source: string): Promise<TextDump | null> =>
  Promise.resolve(text === undefined ? null : { text, source });

/** A reader that serves the texts (empty conntrack tables). */
export function textNodeReader(texts: NodeTexts): NodeReader {
  const family = (list: readonly string[] | undefined, f: 'ipv4' | 'ipv6'): string | undefined =>
    list?.[f === 'ipv4' ? 0 : 1];
  return {
    iptablesSave: (f) =>
      Promise.resolve({
        text: family(texts.iptables, f) ?? '',
        source: `iptables-save ${f}`,
        skipped: [],
      }),
    conntrack: () => Promise.resolve(0),
    nftTable: (f) => dump(family(texts.nft, f), `nft ${f}`),
    kubeServices: () => dump(texts.services, 'services'),
    addresses: () => Promise.resolve(texts.addresses ?? '[]'),
    routes: () => Promise.resolve('[]'),
    ipvsServices: () => dump(texts.ipvs, 'ipvsadm-save -n'),
    ipvsConnections: () => Promise.resolve(null),
    ipsetSave: () => dump(texts.ipset, 'ipset save'),
  };
}

/** The model of a node showing `texts`; any problem reading them fails the test. */
export async function modelOf(texts: NodeTexts): Promise<KubeProxyModel> {
  const tables = await readNode(textNodeReader(texts), {
    problem: (problem) => assert.fail(`problem reading the dumps: ${JSON.stringify(problem)}`),
    toolFailure: (error) => assert.fail(`tool failure: ${error.message}`),
  });
  return tables.model;
}
