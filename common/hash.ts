// cyrb53's two 32-bit halves of a string: the stores' compact connection identities (SQLite keeps
// 47 bits, ClickHouse 64). Not cryptographic; a collision only costs a comparison (SQLite) or
// needs the same source address too (ClickHouse's sort key).

/** Both 32-bit halves [h1, h2] of cyrb53 of `text`. Stored hashes depend on exactly this. */
export function cyrb53Halves(text: string): [number, number] {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return [h1 >>> 0, h2 >>> 0];
}
