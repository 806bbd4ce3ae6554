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
import { parseIpMonitorLine, parseNftMonitorLine, type TableEvent } from './table-monitor.js';

/** The kernel tables the agent needs from one node. */
export interface NodeReader {
  /**
   * `iptables-save -c` (all tables) of the backend that holds kube-proxy's rules, per family;
   * over-long lines are left out of the text and listed in `skipped`.
   */
  iptablesSave(family: 'ipv4' | 'ipv6'): Promise<RuleText>;
  /**
   * Streams `conntrack -L -o extended,id -f <family>` lines to the handler `lines` gives for their
   * source (the command, or each file of a bundle); over-long lines go to onOverlong. Resolves
   * with the line count.
   */
  conntrack(
    family: 'ipv4' | 'ipv6',
    lines: (source: string) => ByteLineHandler,
    onOverlong: (error: LineParseError) => void,
  ): Promise<number>;
  /**
   * Follows `conntrack -E -e NEW,DESTROY -o extended,id` until stopped: its event lines and
   * stderr lines (where conntrack reports lost events) go to the handlers. Absent where there are
   * no live events (a support bundle's files).
   */
  conntrackEvents?(handlers: RunningToolHandlers, options: ConntrackEventOptions): RunningTool;
  /**
   * Follows `nft monitor` and `ip -o monitor address route` until stopped: each line, read by
   * table-monitor.ts, goes to `event`. Absent where nothing can be followed (a support bundle).
   */
  followTableChanges?(handlers: TableChangeHandlers): TableFollower;
  /** `nft -j list table ip|ip6 kube-proxy` (nftables mode); null when the table does not exist. */
  nftTable(family: 'ipv4' | 'ipv6'): Promise<TextDump | null>;
  /** `kubectl get svc -A -o json` text when the agent was given it (`--services`); else null. */
  kubeServices(): Promise<TextDump | null>;
  /** `ip -j addr`. */
  addresses(): Promise<string>;
  /** `ip -j route show table main` (pod subnets show as link or blackhole routes there). */
  routes(): Promise<string>;
  /**
   * IPVS virtual servers: `ipvsadm-save -n`, or `ipvsadm -Ln` where ipvsadm-save is missing; null
   * when the node has no IPVS (ipvsadm not installed, or the kernel has no IPVS loaded).
   */
  ipvsServices(): Promise<TextDump | null>;
  /** IPVS connections (`ipvsadm -Lnc`); null when the node has no IPVS. */
  ipvsConnections(): Promise<TextDump | null>;
  /** `ipset save`; null when ipset is not installed or the kernel has no ip_set. */
  ipsetSave(): Promise<TextDump | null>;
}

/** Where the lines of the change streams go. */
export interface TableChangeHandlers {
  event(event: TableEvent, tool: 'nft' | 'ip'): void;
  overlong(error: LineParseError): void;
}

/** The running change streams of a node. */
export interface TableFollower {
  /** Resolves when a stream ends (with its failure, if any); the other is stopped then. */
  done: Promise<ToolError | null>;
  stop(): void;
  /**
   * Why the streams cannot see changes to the rules last read, or null when they can: rules on
   * the iptables-legacy backend are not nf_tables objects, so no `nft monitor` line tells of them.
   */
  blindSpot(): string | null;
}

/** How the event stream is read. */
export interface ConntrackEventOptions {
  /**
   * The netlink socket's receive buffer (`--buffer-size`), bytes: what absorbs a burst while the
   * agent is busy. conntrack forces it past net.core.rmem_max (SO_RCVBUFFORCE, as root); the
   * kernel raises anything below 2304 bytes to that.
   */
  bufferBytes: number;
}

/** A whole dump and the command or file it came from. */
export interface TextDump {
  text: string;
  source: string;
}

/** An iptables-save dump, the command that printed it, and the lines too long to keep. */
export interface RuleText extends ToolText {
  source: string;
}

// conntrack -E is read at most this often: one wake-up per event cost more than the event itself
// (agent/sources/exec.ts startTool); records still leave well within a second.
const EVENT_READ_MS = 50;

const SAVE_COMMANDS = {
  ipv4: { nft: 'iptables-nft-save', legacy: 'iptables-legacy-save', plain: 'iptables-save' },
  ipv6: { nft: 'ip6tables-nft-save', legacy: 'ip6tables-legacy-save', plain: 'ip6tables-save' },
} as const;

// ipvsadm's words (ipvsadm.c, libipvs) when the kernel has no IPVS: "Can't initialize ipvs:
// Protocol not available / Are you sure that IP Virtual Server is built in the kernel or as
// module?" (test/fixtures/ipvsadm-1.31-no-ipvs-kernel.stderr.txt, this kernel).
const NO_IPVS = /Protocol not available|IP Virtual Server is built in the kernel/;
// ipset's when the kernel has no ip_set ("Kernel error received: ipset protocol error", "Cannot
// open session to kernel", "Protocol not supported").
const NO_IPSET = /Cannot open session to kernel|Kernel error received|Protocol not supported/;

/**
 * Runs a tool of an optional kernel feature: `missing` when the tool is not installed, `absent`
 * when its error matches `absent` (the kernel lacks the feature); any other failure (timeout,
 * permissions) is a ToolError.
 */
async function optionalTool(
  tool: string,
  args: readonly string[],
  absent: RegExp,
  limits: ToolLimits,
): Promise<TextDump | 'missing' | 'absent'> {
  try {
    return { text: await runTool(tool, args, limits), source: [tool, ...args].join(' ') };
  } catch (error) {
    if (!(error instanceof ToolError)) throw error;
    if (error.failure === 'missing') return 'missing';
    if (error.failure === 'exit' && absent.test(error.detail)) return 'absent';
    throw error;
  }
}

const dumpOrNull = (result: TextDump | 'missing' | 'absent'): TextDump | null =>
  typeof result === 'string' ? null : result;

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
    lines: (source: string) => ByteLineHandler,
    onOverlong: (error: LineParseError) => void,
  ): Promise<number> {
    const args = ['-L', '-o', 'extended,id', '-f', family];
    const onLine = lines(`conntrack -L -f ${family}`);
    return streamTool('conntrack', args, onLine, onOverlong, this.limits);
  }

  conntrackEvents(handlers: RunningToolHandlers, options: ConntrackEventOptions): RunningTool {
    const buffer = String(options.bufferBytes);
    const args = ['-E', '-e', 'NEW,DESTROY', '-o', 'extended,id', '--buffer-size', buffer];
    return startTool('conntrack', args, handlers, this.limits.maxLineBytes, EVENT_READ_MS);
  }

  followTableChanges(handlers: TableChangeHandlers): TableFollower {
    const follow = (
      tool: 'nft' | 'ip',
      args: readonly string[],
      parse: typeof parseIpMonitorLine,
    ) =>
      startTool(
        tool,
        args,
        {
          line: (line) => {
            handlers.event(parse(line), tool);
          },
          // nft prints its own errors there; a lost-events report is the one that matters.
          stderrLine: (line) => {
            const event = parse(line);
            if (event.kind === 'lost') handlers.event(event, tool);
          },
          overlong: (error) => {
            handlers.overlong(error);
          },
        },
        this.limits.maxLineBytes,
      );
    const tools = [
      follow('nft', ['monitor'], parseNftMonitorLine),
      follow('ip', ['-o', 'monitor', 'address', 'route'], parseIpMonitorLine),
    ];
    const stop = (): void => {
      for (const tool of tools) tool.stop();
    };
    const done = Promise.race(tools.map((tool) => tool.done)).then((error) => {
      stop();
      return error;
    });
    return { done, stop, blindSpot: () => this.rulesBlindSpot() };
  }

  /** Why `nft monitor` cannot see the iptables rules last read, or null. */
  private rulesBlindSpot(): string | null {
    for (const command of Object.values(this.backend)) {
      // Plain iptables-save is read only where iptables-nft-save is missing: iptables before 1.8,
      // which has no nf_tables backend.
      if (command !== null && !command.includes('-nft-')) {
        return `kube-proxy's iptables rules are on the legacy backend (${command}), which nft monitor does not see`;
      }
    }
    return null;
  }

  async nftTable(family: 'ipv4' | 'ipv6'): Promise<TextDump | null> {
    const args = ['-j', 'list', 'table', family === 'ipv4' ? 'ip' : 'ip6', 'kube-proxy'];
    try {
      return { text: await runTool('nft', args, this.limits), source: `nft ${args.join(' ')}` };
    } catch (error) {
      // nft exits 1 with "No such file or directory" when kube-proxy runs in another mode.
      if (error instanceof ToolError && /No such file or directory/.test(error.detail)) return null;
      throw error;
    }
  }

  async kubeServices(): Promise<TextDump | null> {
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

  async ipvsServices(): Promise<TextDump | null> {
    const saved = await optionalTool('ipvsadm-save', ['-n'], NO_IPVS, this.limits);
    // ipvsadm-save is a shell wrapper of `ipvsadm -S` that some packages leave out.
    if (saved !== 'missing') return dumpOrNull(saved);
    return dumpOrNull(await optionalTool('ipvsadm', ['-Ln'], NO_IPVS, this.limits));
  }

  async ipvsConnections(): Promise<TextDump | null> {
    return dumpOrNull(await optionalTool('ipvsadm', ['-Lnc'], NO_IPVS, this.limits));
  }

  async ipsetSave(): Promise<TextDump | null> {
    return dumpOrNull(await optionalTool('ipset', ['save'], NO_IPSET, this.limits));
  }
}
