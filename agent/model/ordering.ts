// Stable orderings for model output: the same rules always give the same model (golden files,
// and service states that only change when the rules do).
import ipaddr from 'ipaddr.js';

/** Plain code-unit order. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Orders addresses and CIDRs numerically (IPv4 first); anything unparsable sorts last by text. */
export function compareAddresses(a: string, b: string): number {
  const ka = addressSortKey(a);
  const kb = addressSortKey(b);
  if (ka === null || kb === null) {
    if (ka !== kb) return ka === null ? 1 : -1;
    return compareStrings(a, b);
  }
  if (ka.bytes.length !== kb.bytes.length) return ka.bytes.length - kb.bytes.length;
  for (let i = 0; i < ka.bytes.length; i++) {
    const d = (ka.bytes[i] ?? 0) - (kb.bytes[i] ?? 0);
    if (d !== 0) return d;
  }
  return ka.prefix - kb.prefix || compareStrings(a, b);
}

function addressSortKey(text: string): { bytes: number[]; prefix: number } | null {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  if (!ipaddr.isValid(address)) return null;
  const prefix = slash < 0 ? -1 : Number(text.slice(slash + 1));
  return { bytes: ipaddr.parse(address).toByteArray(), prefix: Number.isNaN(prefix) ? -1 : prefix };
}

/** Frontends by kind, then address, then port. */
export function compareFrontends(
  a: { kind: string; ip: string; port: number },
  b: { kind: string; ip: string; port: number },
): number {
  return compareStrings(a.kind, b.kind) || compareAddresses(a.ip, b.ip) || a.port - b.port;
}
