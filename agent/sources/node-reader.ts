// Reads a live node's tables through the exec edge. The NodeReader interface is what the rest of
// the agent sees, so tests and benchmarks can hand it canned text instead of running tools.
import { readFile } from 'node:fs/promises';
import {
  DEFAULT_LIMITS,
  runLineTool,
  runTool,
  startTool,
  streamTool,
  ToolError,
  type RunningTool,
  type RunningToolHandlers,
  type ToolLimits,
  type ToolText,
} from './exec.js';
import type { LineParseError } from './line-error.js';
import type { ByteLineHandler } from './read-lines.js';

/** The kernel tables the agent needs from one node. */
export interface NodeReader {
  /**
   * `iptables-save -c` (all tables) of the backend that holds kube-proxy's rules, per family;
   * over-long lines are left out of the text and listed in `skipped`.
   */
  iptablesSave(family: 'ipv4' | 'ipv6'): Promise<RuleText>;
  /**
   * Streams `conntrack -L -o extended,id -f <family>` lines; over-long lines go to onOverlong.
   * Resolves with the line count.
   */
  conntrack(
    family: 'ipv4' | 'ipv6',
    onLine: ByteLineHandler,
    onOverlong: (error: LineParseError) => void,
  ): Promise<number>;
  /**
   * Follows `conntrack -E -e NEW,DESTROY -o id` until stopped: its event lines and stderr lines
   * (where conntrack reports lost events) go to the handlers.
   */
  conntrackEvents(handlers: RunningToolHandlers): RunningTool;
  /** `nft -j list table ip|ip6 kube-proxy` (nftables mode); null when the table does not exist. */
  nftTable(family: 'ipv4' | 'ipv6'): Promise<{ text: string; source: string } | null>;
  /** `kubectl get svc -A -o json` text when the agent was given it (`--services`); else null. */
  kubeServices(): Promise<{ text: string; source: string } | null>;
  /** `ip -j addr`. */
  addresses(): Promise<string>;
  /** `ip -j route show table main` (pod subnets show as link or blackhole routes there). */
  routes(): Promise<string>;
}

/** An iptables-save dump, the command that printed it, and the lines too long to keep. */
export interface RuleText extends ToolText {
  source: string;
}

const SAVE_COMMANDS = {
  ipv4: { nft: 'iptables-nft-save', legacy: 'iptables-legacy-save', plain: 'iptables-save' },
  ipv6: { nft: 'ip6tables-nft-save', legacy: 'ip6tables-legacy-save', plain: 'ip6tables-save' },
} as const;

/** Rules in KUBE- chains: how to tell which backend holds kube-proxy's iptables rules. */
export function kubeRuleCount(text: string): number {
  let count = 0;
  for (let i = text.indexOf('-A KUBE-'); i !== -1; i = text.indexOf('-A KUBE-', i + 1)) count++;
  return count;
}

/**
 * Reads the node by running iptables-save, conntrack and ip. Like kube-proxy's iptables-wrapper,
 * it reads whichever iptables backend (nft or legacy) holds the KUBE- chains, and sticks to it
 * until that backend stops holding them.
 */
export class LiveNodeReader implements NodeReader {
  private readonly backend: Record<'ipv4' | 'ipv6', string | null> = { ipv4: null, ipv6: null };

  /** `servicesFile`: a `kubectl get svc -A -o json` dump, re-read with the rules. */
  constructor(
    private readonly limits: ToolLimits = DEFAULT_LIMITS,
    private readonly servicesFile: string | null = null,
  ) {}

  async iptablesSave(family: 'ipv4' | 'ipv6'): Promise<RuleText> {
    const chosen = this.backend[family];
    if (chosen !== null) {
      const output = await runLineTool(chosen, ['-c'], this.limits);
      if (kubeRuleCount(output.text) > 0) return { ...output, source: chosen };
    }
    const commands = SAVE_COMMANDS[family];
    let best: (RuleText & { rules: number }) | null = null;
    let lastError: ToolError | null = null;
    for (const command of [commands.nft, commands.legacy, commands.plain]) {
      try {
        const output = await runLineTool(command, ['-c'], this.limits);
        const rules = kubeRuleCount(output.text);
        if (best === null || rules > best.rules) best = { ...output, source: command, rules };
        if (rules > 0) break;
      } catch (error) {
        if (!(error instanceof ToolError)) throw error;
        lastError = error;
      }
    }
    if (best === null)
      throw lastError ?? new ToolError(commands.plain, ['-c'], 'missing', 'no iptables-save');
    this.backend[family] = best.rules > 0 ? best.source : null;
    return { text: best.text, skipped: best.skipped, source: best.source };
  }

  conntrack(
    family: 'ipv4' | 'ipv6',
    onLine: ByteLineHandler,
    onOverlong: (error: LineParseError) => void,
  ): Promise<number> {
    const args = ['-L', '-o', 'extended,id', '-f', family];
    return streamTool('conntrack', args, onLine, onOverlong, this.limits);
  }

  conntrackEvents(handlers: RunningToolHandlers): RunningTool {
    const args = ['-E', '-e', 'NEW,DESTROY', '-o', 'id'];
    return startTool('conntrack', args, handlers, this.limits.maxLineBytes);
  }

  async nftTable(family: 'ipv4' | 'ipv6'): Promise<{ text: string; source: string } | null> {
    const args = ['-j', 'list', 'table', family === 'ipv4' ? 'ip' : 'ip6', 'kube-proxy'];
    try {
      return { text: await runTool('nft', args, this.limits), source: `nft ${args.join(' ')}` };
    } catch (error) {
      // nft exits 1 with "No such file or directory" when kube-proxy runs in another mode.
      if (error instanceof ToolError && /No such file or directory/.test(error.detail)) return null;
      throw error;
    }
  }

  async kubeServices(): Promise<{ text: string; source: string } | null> {
    if (this.servicesFile === null) return null;
    try {
      return { text: await readFile(this.servicesFile, 'utf8'), source: this.servicesFile };
    } catch (error) {
      throw new ToolError('read', [this.servicesFile], 'missing', (error as Error).message);
    }
  }

  addresses(): Promise<string> {
    return runTool('ip', ['-j', 'addr'], this.limits);
  }

  routes(): Promise<string> {
    return runTool('ip', ['-j', 'route', 'show', 'table', 'main'], this.limits);
  }
}
