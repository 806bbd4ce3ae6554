// nftRuleText against nft itself: every rule of a table dumped with `nft -j list table` must
// render as the line `nft list table` printed for it (same table, same nft 1.0.6 run).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { parseNftJson } from '../../agent/sources/nft-json.js';
import { nftRuleText } from '../../agent/sources/nft-text.js';
import { readFixture } from '../support/golden.js';

/** The rule lines of `nft list table`, per chain, in order. */
function listedRules(text: string): Map<string, string[]> {
  const chains = new Map<string, string[]>();
  let chain: string[] | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    const header = /^chain (\S+) \{$/.exec(line);
    if (header?.[1] !== undefined) {
      chain = [];
      chains.set(header[1], chain);
    } else if (line === '}') {
      chain = null;
    } else if (
      chain !== null &&
      line !== '' &&
      !line.startsWith('type ') &&
      !line.startsWith('comment ')
    ) {
      chain.push(line);
    }
  }
  return chains;
}

void describe('nftRuleText', () => {
  void it('renders every rule of kube-proxy’s table as `nft list` prints it', () => {
    const name = 'generated-nftables-mode-nft-j-list-table-ip-kube-proxy.json';
    const doc = parseNftJson(readFixture(name), name);
    const listed = listedRules(
      readFixture('generated-nftables-mode-nft-list-table-ip-kube-proxy.txt'),
    );
    const rendered = new Map<string, string[]>();
    for (const rule of doc.rules) {
      const list = rendered.get(rule.chain) ?? [];
      list.push(nftRuleText(rule));
      rendered.set(rule.chain, list);
    }
    assert.ok(doc.rules.length > 50);
    for (const [chain, rules] of rendered) assert.deepEqual(rules, listed.get(chain), chain);
  });
});
