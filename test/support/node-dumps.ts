// Dumps a lab node's tables with the real tools, as an operator makes a support bundle, and runs
// `snatscope analyze` on them: what the live agent's records are compared with.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lab/lab.js';
import { parseNdjson, runCli } from './cli.js';

/** Files that do not come from a tool run in the node (stand-in IPVS dumps, the Services). */
export interface GivenDumps {
  /** `kubectl get svc -A -o json`. */
  services?: string;
  /** IPVS mode: `ipvsadm-save -n` and `ipvsadm -Lnc` as the stand-in tools print them. */
  ipvs?: { rules: string; connections: string };
}

/**
 * Dumps `node`'s tables in the lab's kube-proxy mode into `dir` and returns analyze's records of
 * them (NDJSON parsed). Fails the test when analyze does not exit 0.
 */
export async function analyzeNodeDumps(
  lab: Lab,
  node: string,
  dir: string,
  given: GivenDumps = {},
): Promise<Record<string, unknown>[]> {
  const namespace = lab.nodeNamespace(node);
  const dump = async (name: string, argv: readonly string[]): Promise<string> => {
    const path = join(dir, `${node}-${name}`);
    writeFileSync(path, (await lab.exec(namespace, argv)).stdout);
    return path;
  };
  const rules: string[] = [];
  if (lab.proxyMode === 'nftables') {
    rules.push('--nft', await dump('nft.json', ['nft', '-j', 'list', 'table', 'ip', 'kube-proxy']));
  } else {
    rules.push('--iptables-save', await dump('iptables.txt', ['iptables-save', '-c']));
  }
  if (lab.proxyMode === 'ipvs') {
    assert.ok(given.ipvs, 'IPVS mode needs the ipvsadm dumps');
    rules.push(
      '--ipvs',
      given.ipvs.rules,
      '--ipvs-connections',
      given.ipvs.connections,
      '--ipset',
      await dump('ipset.txt', ['ipset', 'save']),
    );
  }
  const run = runCli([
    'analyze',
    '--node-name',
    node,
    ...rules,
    '--conntrack',
    await dump('conntrack.txt', ['conntrack', '-L', '-o', 'extended,id']),
    '--addresses',
    await dump('addr.json', ['ip', '-j', 'addr']),
    ...(given.services === undefined ? [] : ['--services', given.services]),
    '--output',
    'json',
  ]);
  assert.equal(run.status, 0, run.stderr);
  return parseNdjson(run.stdout);
}

/** A record as text without the time it was observed: reads a moment apart differ only there. */
export function timeless(record: Record<string, unknown>): string {
  return JSON.stringify({ ...record, observedAt: 0 });
}
