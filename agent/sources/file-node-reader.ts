// A node read from a support bundle's files instead of live tools: `snatscope analyze` is this
// reader behind the same node read (node-read.ts) as the agent. A file that is not given reads as
// what the live tool says when the table does not exist; a file that cannot be read is a
// DumpFileError, which node-read passes on (it is no tool failure to count and go past).
import { readFile } from 'node:fs/promises';
import { ToolError } from './exec.js';
import type { LineParseError } from './line-error.js';
import type { NodeReader, RuleText, TextDump } from './node-reader.js';
import { DEFAULT_MAX_LINE_BYTES, forEachLine, type ByteLineHandler } from './read-lines.js';

/** The files of one node's bundle, each list in the order given. */
export interface NodeFiles {
  /** `iptables-save [-c]`: the IPv4 dump, then the IPv6 one (at most two). */
  iptables: readonly string[];
  /** `nft -j list table ip kube-proxy`, then `ip6` (at most two). */
  nft: readonly string[];
  /** `ipvsadm-save -n` or `ipvsadm -Ln` (at most one: it lists both families). */
  ipvs: readonly string[];
  /** `ipvsadm -Lnc` (at most one). */
  ipvsConnections: readonly string[];
  /** `ipset save` (at most one). */
  ipset: readonly string[];
  /** `kubectl get svc -A -o json`. */
  services: string | null;
  /** `conntrack -L [-o extended,id]`, any number, of either family. */
  conntrack: readonly string[];
  /** `ip -j addr`. */
  addresses: string | null;
  /** `ip -j route`. */
  routes: string | null;
}

/** A bundle file that cannot be read, or more files of a kind than a node has. */
export class DumpFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DumpFileError';
  }
}

/** The command-line flag of each kind of file, for messages. */
const FLAGS = {
  iptables: '--iptables-save',
  nft: '--nft',
  ipvs: '--ipvs',
  ipvsConnections: '--ipvs-connections',
  ipset: '--ipset',
  conntrack: '--conntrack',
} as const;

/** Reads a node's tables from its dumps; the files are read when node-read asks for them. */
export class FileNodeReader implements NodeReader {
  constructor(private readonly files: NodeFiles) {
    const most = { iptables: 2, nft: 2, ipvs: 1, ipvsConnections: 1, ipset: 1 } as const;
    for (const [kind, limit] of Object.entries(most) as [keyof typeof most, number][]) {
      if (files[kind].length > limit) {
        throw new DumpFileError(
          `${FLAGS[kind]} given ${files[kind].length} times; a node has at most ${limit}`,
        );
      }
    }
  }

  async iptablesSave(family: 'ipv4' | 'ipv6'): Promise<RuleText> {
    const path = this.files.iptables[family === 'ipv4' ? 0 : 1];
    if (path === undefined) {
      throw new ToolError('read', [FLAGS.iptables], 'missing', `no ${family} dump given`);
    }
    return { text: await readText(path, FLAGS.iptables), skipped: [], source: path };
  }

  /**
   * A bundle's conntrack files are not labelled by family (`-f ipv6` dumps are more --conntrack
   * files), so all of them are read as the IPv4 table and none as the IPv6 one.
   */
  async conntrack(
    family: 'ipv4' | 'ipv6',
    lines: (source: string) => ByteLineHandler,
    onOverlong: (error: LineParseError) => void,
  ): Promise<number> {
    if (family === 'ipv6') return 0;
    let count = 0;
    for (const path of this.files.conntrack) {
      try {
        count += await forEachLine(path, lines(path), {
          maxLineBytes: DEFAULT_MAX_LINE_BYTES,
          source: path,
          onOverlong,
        });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === undefined) throw error;
        throw new DumpFileError(
          `cannot read ${FLAGS.conntrack} ${path}: ${(error as Error).message}`,
        );
      }
    }
    return count;
  }

  nftTable(family: 'ipv4' | 'ipv6'): Promise<TextDump | null> {
    return optionalDump(this.files.nft[family === 'ipv4' ? 0 : 1], FLAGS.nft);
  }

  kubeServices(): Promise<TextDump | null> {
    return optionalDump(this.files.services ?? undefined, '--services');
  }

  addresses(): Promise<string> {
    return requiredText(this.files.addresses, '--addresses');
  }

  routes(): Promise<string> {
    return requiredText(this.files.routes, '--routes');
  }

  ipvsServices(): Promise<TextDump | null> {
    return optionalDump(this.files.ipvs[0], FLAGS.ipvs);
  }

  ipvsConnections(): Promise<TextDump | null> {
    return optionalDump(this.files.ipvsConnections[0], FLAGS.ipvsConnections);
  }

  ipsetSave(): Promise<TextDump | null> {
    return optionalDump(this.files.ipset[0], FLAGS.ipset);
  }
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new DumpFileError(`cannot read ${flag} ${path}: ${(error as Error).message}`);
  }
}

async function optionalDump(path: string | undefined, flag: string): Promise<TextDump | null> {
  return path === undefined ? null : { text: await readText(path, flag), source: path };
}

// Not given reads as a tool that is not there: the node read goes on without it.
async function requiredText(path: string | null, flag: string): Promise<string> {
  if (path === null) throw new ToolError('read', [flag], 'missing', `no ${flag} file given`);
  return readText(path, flag);
}
