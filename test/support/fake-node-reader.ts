// A node reader without tools or root: the test sets the iptables-save text between polls.
import { readFile } from 'node:fs/promises';
import { ToolError } from '../../agent/sources/exec.js';
import type { NodeReader } from '../../agent/sources/node-reader.js';

/** The rules the fake node shows; null makes iptables-save fail as on a node without them. */
export interface FakeRules {
  text: string | null;
}

/**
 * A NodeReader over lab node n1's captured addresses, with swappable IPv4 rules (no IPv6 rules,
 * nftables or Services file) and an empty conntrack table.
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
  };
  return { reader, rules };
}

/** Lab node n1's `iptables-save -c`. */
export function labRules(): Promise<string> {
  return readFile('test/fixtures/lab-n1-iptables-save-c.txt', 'utf8');
}
