// Pure readers of the two change streams that tell the agent its rules or addresses changed:
// `nft monitor` (every nf_tables commit: nftables-mode kube-proxy and iptables-nft alike) and
// `ip -o monitor address route`. They only say whether a line is a change worth a re-read; what
// changed is read from the tables themselves (node-read.ts). Captured output:
// test/fixtures/generated-nft-monitor-*.txt and generated-ip-o-monitor-*.txt.

/** What one line of a change stream means for the tables the agent reads. */
export type TableEvent =
  /** Something the agent reads changed (or may have: an unknown line counts as a change). */
  | { kind: 'change'; what: string }
  /** A change the agent does not read (another nft table, a link-local address, table local). */
  | { kind: 'ignored' }
  /** The end of one nf_tables commit; generations count up by one per commit in a netns. */
  | { kind: 'generation'; generation: number; process: string }
  /** The tool says it lost events (its netlink socket overflowed): anything may have changed. */
  | { kind: 'lost' };

// nft's words (src/monitor.c): `add|create|delete|replace|insert|destroy <object> <family> <table>`.
const NFT_CHANGE =
  /^(?:add|create|delete|replace|insert|destroy|flush|rename|update) (table|chain|rule|set|map|element|counter|quota|ct|limit|secmark|synproxy|flowtable|meter) (\S+) (\S+)/;
// `# new generation 7 by process 17368 (nft)`: the process part is left out when unknown.
const NFT_GENERATION = /^# new generation (\d+)(?: by process \d+ \((.*)\))?/;
// nftables' mnl_nft_event_listener when recvmsg fails with ENOBUFS.
const NFT_LOST = /lost some netlink events/i;

// The nf_tables tables the agent reads: kube-proxy's own (nftables mode), and iptables-nft's
// filter and nat (iptables and IPVS mode, and the CNI's SNAT rules), for IPv4 and IPv6.
const READ_TABLES = new Set(['kube-proxy', 'nat', 'filter']);
const READ_FAMILIES = new Set(['ip', 'ip6']);

/** Reads one line of `nft monitor` (text output, all event kinds). */
export function parseNftMonitorLine(line: string): TableEvent {
  const text = line.trim();
  const generation = NFT_GENERATION.exec(text);
  if (generation) {
    return {
      kind: 'generation',
      generation: Number(generation[1]),
      process: generation[2] ?? '',
    };
  }
  if (NFT_LOST.test(text)) return { kind: 'lost' };
  const change = NFT_CHANGE.exec(text);
  if (!change) return { kind: 'change', what: `nft: ${text.slice(0, 80)}` };
  const [, object = '', family = '', table = ''] = change;
  // `add table ip nat` ends with the table name; every other object names family then table.
  if (!READ_FAMILIES.has(family) || !READ_TABLES.has(table)) return { kind: 'ignored' };
  return { kind: 'change', what: `nft ${object} ${family} ${table}` };
}

// `3: d0    inet 203.0.113.11/24 …`, with `Deleted ` in front when removed.
const IP_ADDRESS = /^(?:Deleted )?\d+: (\S+)\s+(inet6?) (\S+)/;
// Routes in a table other than main (local, broadcast, multicast): the agent reads `table main`,
// and an address change that brings a local route is an address line too.
const OTHER_TABLE = / table (?!main\b)\S+/;

/** Reads one line of `ip -o monitor address route`. */
export function parseIpMonitorLine(line: string): TableEvent {
  const text = line.trim();
  const address = IP_ADDRESS.exec(text);
  if (address) {
    // Link-local IPv6 addresses come and go with every veth (every pod) and never take NodePorts.
    if (address[2] === 'inet6' && (address[3] ?? '').toLowerCase().startsWith('fe80:')) {
      return { kind: 'ignored' };
    }
    return { kind: 'change', what: `address ${address[1] ?? ''}` };
  }
  const route = text.startsWith('Deleted ') ? text.slice('Deleted '.length) : text;
  if (OTHER_TABLE.test(route) || /^fe80::\/64 /.test(route)) return { kind: 'ignored' };
  return { kind: 'change', what: 'route' };
}
