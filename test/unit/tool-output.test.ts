// Tool output the agent cannot afford to hold: a poll of the live reader against stand-in tools on
// PATH (shell scripts, no root) that print a 64 MiB line or never stop. The poll must skip and
// report the line, stop the runaway tool with an error naming the limit, and stay small meanwhile.
import assert from 'node:assert/strict';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pollNode, type PollResult } from '../../agent/poll.js';
import type { InputProblem } from '../../agent/snapshot.js';
import { DEFAULT_LIMITS, type ToolError, type ToolLimits } from '../../agent/sources/exec.js';
import { LiveNodeReader } from '../../agent/sources/node-reader.js';

const MIB = 1024 * 1024;
const RULES = resolve('test/fixtures/lab-n1-iptables-save-c.txt');
const CONNTRACK = resolve('test/fixtures/lab-n1-conntrack-L-extended-id.txt');
const ADDRESSES = resolve('test/fixtures/lab-n1-ip-addr.json');
// 64 MiB of "a" on one line: what a wedged or hostile tool might print.
const LONG_LINE = `head -c ${64 * MIB} /dev/zero | tr '\\0' a`;

/** Stand-in tools: name → shell script body. The scripts find head, tr, yes and cat themselves. */
async function standInTools(dir: string, tools: Record<string, string>): Promise<void> {
  for (const [name, body] of Object.entries(tools)) {
    const path = join(dir, name);
    await writeFile(path, `#!/bin/sh\nPATH=/usr/bin:/bin\n${body}\n`);
    await chmod(path, 0o755);
  }
}

interface PollOutcome {
  result: PollResult;
  problems: InputProblem[];
  failures: ToolError[];
  /** Peak RSS above the RSS before the poll. */
  riseMb: number;
}

/** One poll through LiveNodeReader, sampling the RSS while it runs. */
async function pollWithStandIns(limits: ToolLimits): Promise<PollOutcome> {
  const problems: InputProblem[] = [];
  const failures: ToolError[] = [];
  const base = process.memoryUsage.rss();
  let peak = base;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 5);
  try {
    const result = await pollNode(
      new LiveNodeReader(limits),
      { nodeName: 'n1', nodeIps: [], podCidrs: [] },
      {
        services: () => undefined,
        record: () => undefined,
        problem: (problem) => problems.push(problem),
        toolFailure: (error) => failures.push(error),
      },
      Date.now() / 1000,
    );
    peak = Math.max(peak, process.memoryUsage.rss());
    return { result, problems, failures, riseMb: (peak - base) / MIB };
  } finally {
    clearInterval(sampler);
  }
}

describe('tool output bounds (stand-in tools on PATH)', () => {
  let dir = '';
  const path = process.env.PATH;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'snatscope-tools-'));
    // Only the stand-ins: a tool not among them is "missing", never the host's real one.
    process.env.PATH = dir;
    // A first poll of ordinary output loads and compiles the code, which the RSS must not count.
    await standInTools(dir, {
      'iptables-nft-save': `cat ${RULES}`,
      conntrack: `cat ${CONNTRACK}`,
      ip: `case "$2" in addr) cat ${ADDRESSES} ;; *) echo '[]' ;; esac`,
    });
    assert.deepEqual((await pollWithStandIns(DEFAULT_LIMITS)).problems, []);
  });
  after(async () => {
    process.env.PATH = path;
    await rm(dir, { recursive: true, force: true });
  });

  it('skips a 64 MiB line as a parse error with tool and line number, never holding it', async () => {
    await standInTools(dir, {
      'iptables-nft-save': `sed -n 1,10p ${RULES}; ${LONG_LINE}; echo; sed -n '11,$p' ${RULES}`,
      conntrack: `${LONG_LINE}; echo; cat ${CONNTRACK}`,
      ip: `case "$2" in addr) cat ${ADDRESSES} ;; *) echo '[]' ;; esac`,
    });
    const { result, problems, riseMb } = await pollWithStandIns(DEFAULT_LIMITS);
    const overlong = problems.map((p) => `${p.source}:${p.lineNumber}: ${p.reason}`);
    const reason = `line of ${64 * MIB} bytes is over the 65536-byte limit; skipped`;
    assert.ok(overlong.includes(`iptables-nft-save:11: ${reason}`), overlong.join('\n'));
    assert.ok(overlong.includes(`conntrack:1: ${reason}`), overlong.join('\n'));
    assert.equal(problems.length, 2, overlong.join('\n'));
    assert.ok(result.servicePorts > 0, 'the rules after the long line were read');
    assert.ok((result.conntrackLines.ipv4 ?? 0) > 1, 'the entries after the long line were read');
    // Read chunks wait for a GC, which V8 runs at about 32 MB of such external memory: the peak
    // stays near that whatever the line's length (256 MiB measured the same), and under the line.
    assert.ok(riseMb < 48, `RSS rose ${riseMb.toFixed(1)} MB while reading a 64 MiB line`);
  });

  it('stops a tool that never stops printing, naming the tool and the limit', async () => {
    await standInTools(dir, {
      'iptables-nft-save': `cat ${RULES}`,
      conntrack: `exec yes "$(head -n 1 ${CONNTRACK})"`,
      ip: `case "$2" in addr) cat ${ADDRESSES} ;; *) exec yes '[{"dst":"10.0.0.0/8"}]' ;; esac`,
    });
    const limits = { ...DEFAULT_LIMITS, maxStreamedBytes: 16 * MIB };
    const { result, failures, riseMb } = await pollWithStandIns(limits);
    const messages = failures.map((f) => f.message);
    assert.ok(
      messages.includes(
        'ip -j route show table main: output-cap: output over the 32 MiB limit; stopped it',
      ),
      messages.join('\n'),
    );
    assert.ok(
      messages.includes(
        'conntrack -L -o extended,id -f ipv4: output-cap: output over the 16 MiB limit; stopped it',
      ),
      messages.join('\n'),
    );
    assert.equal(result.complete, false);
    // The kept output may reach its 32 MiB cap before the tool is stopped; nothing beyond.
    assert.ok(riseMb < 64, `RSS rose ${riseMb.toFixed(1)} MB with two endless tools`);
  });
});
