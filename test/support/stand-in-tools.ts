// Stand-in `ipvsadm` and `ipvsadm-save` for a kernel without IPVS: small shell scripts put first
// on PATH that print dump files named by environment variables, as the real tools print the
// kernel's tables. Only the tools this kernel cannot serve are stood in for; iptables, ipset,
// conntrack and ip stay the real ones. Without the variables they fail exactly as the real
// ipvsadm 1.31 does here (test/fixtures/ipvsadm-1.31-no-ipvs-kernel.stderr.txt).
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/** Environment variables the stand-ins read: paths of the dumps they print. */
export const STAND_IN_ENV = {
  /** `ipvsadm-save -n` / `ipvsadm -Sn` text. */
  rules: 'SNATSCOPE_STAND_IN_IPVS_RULES',
  /** `ipvsadm -Ln` text. */
  list: 'SNATSCOPE_STAND_IN_IPVS_LIST',
  /** `ipvsadm -Lnc` text. */
  connections: 'SNATSCOPE_STAND_IN_IPVS_CONNECTIONS',
} as const;

const NO_IPVS_STDERR = resolve('test/fixtures/ipvsadm-1.31-no-ipvs-kernel.stderr.txt');

/**
 * Writes the stand-ins into `dir` (created if needed) and returns it, to be put first on PATH.
 * ipvsadm answers -Sn/-S -n, -Ln and -Lnc; ipvsadm-save -n runs `ipvsadm -Sn` as the real
 * wrapper script does.
 */
export async function writeIpvsStandIns(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const noIpvs = (await readFile(NO_IPVS_STDERR, 'utf8')).trimEnd();
  const print = (variable: string): string =>
    `if [ -z "$${variable}" ]; then printf '%s\\n' '${noIpvs.replace(/'/g, `'\\''`)}' >&2; exit 2; fi; exec cat "$${variable}"`;
  const ipvsadm = [
    '#!/bin/sh',
    'PATH=/usr/bin:/bin',
    'case "$*" in',
    `  "-Sn"|"-S -n"|"-nS") ${print(STAND_IN_ENV.rules)} ;;`,
    `  "-Ln"|"-L -n"|"-nL") ${print(STAND_IN_ENV.list)} ;;`,
    `  "-Lnc"|"-L -n -c"|"-Lcn") ${print(STAND_IN_ENV.connections)} ;;`,
    `  *) echo "stand-in ipvsadm: unsupported arguments: $*" >&2; exit 2 ;;`,
    'esac',
    '',
  ].join('\n');
  const save = [
    '#!/bin/sh',
    'case "$*" in',
    `  "-n") exec "$(dirname "$0")/ipvsadm" -Sn ;;`,
    `  *) echo "stand-in ipvsadm-save: unsupported arguments: $*" >&2; exit 1 ;;`,
    'esac',
    '',
  ].join('\n');
  for (const [name, text] of [
    ['ipvsadm', ipvsadm],
    ['ipvsadm-save', save],
  ] as const) {
    await writeFile(join(dir, name), text);
    await chmod(join(dir, name), 0o755);
  }
  return dir;
}

/** One `ipvsadm -Lnc` row. */
export interface IpvsConnectionRow {
  protocol: 'tcp' | 'udp';
  expiresInSeconds: number;
  state: string;
  client: string;
  virtual: string;
  destination: string;
}

/** `ipvsadm -Lnc` text with ipvsadm.c's print_conn formats. */
export function renderIpvsadmConnections(rows: readonly IpvsConnectionRow[]): string {
  const pad = (text: string, width: number): string => text.padEnd(width);
  const lines = [
    'IPVS connection entries',
    `pro expire ${pad('state', 11)} ${pad('source', 18)} ${pad('virtual', 18)} destination`,
  ];
  for (const row of rows) {
    const minutes = String(Math.floor(row.expiresInSeconds / 60)).padStart(2, '0');
    const seconds = String(row.expiresInSeconds % 60).padStart(2, '0');
    lines.push(
      [
        pad(row.protocol.toUpperCase(), 3),
        pad(`${minutes}:${seconds}`, 6),
        pad(row.state, 11),
        pad(row.client, 18),
        pad(row.virtual, 18),
        row.destination,
      ].join(' '),
    );
  }
  return lines.map((line) => line + '\n').join('');
}
