// Sizes on the command line, written as Kubernetes writes memory quantities: "256Mi", "1Gi",
// "500M", "1048576" — so a flag can be copied from the container's resources.limits.memory.

const UNIT_BYTES: Readonly<Record<string, number>> = {
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
};

/** Bytes of a size such as "256Mi"; null when malformed or not positive. */
export function parseByteSize(text: string): number | null {
  const match = /^(\d+(?:\.\d+)?)(|k|M|G|Ki|Mi|Gi)$/.exec(text.trim());
  if (!match) return null;
  const [, amount = '', unit = ''] = match;
  const bytes = Math.floor(Number(amount) * (UNIT_BYTES[unit] ?? Number.NaN));
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}
