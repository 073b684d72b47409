// Small, fast, well-distributed non-cryptographic hashing for stable per-visitor draws.

/** FNV-1a 32-bit over UTF-16 code units, with a murmur3 finaliser to spread low-entropy ids. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return fmix32(h);
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A stable uniform draw in [0, 1) for (salt, id). */
export function unitDraw(salt: string, id: string): number {
  return hash32(`${salt}:${id}`) / 4_294_967_296;
}
