// The hashing behind placement. Placement must give the same answer on every node and in every
// future release for a given map, so everything here uses only 32-bit integer operations and
// IEEE-754 basic arithmetic (+ - * /), which ECMAScript defines exactly; Math.log is avoided
// because its last bits may differ between engines. Changing any constant here moves data:
// treat these functions as part of the persistent format.

// A chunk's placement key: two 32-bit words folded from all of its id bytes. Chunk ids are
// SHA-256 digests and already uniform, but folding every byte keeps placement sound for any id.
export interface ChunkKey {
  a: number;
  b: number;
}

export function chunkKeyOf(chunkId: Uint8Array, out: ChunkKey = { a: 0, b: 0 }): ChunkKey {
  let a = 0x9e3779b9 ^ chunkId.length;
  let b = 0x85ebca6b;
  let i = 0;
  for (; i + 4 <= chunkId.length; i += 4) {
    const word = (chunkId[i]! | (chunkId[i + 1]! << 8) | (chunkId[i + 2]! << 16) | (chunkId[i + 3]! << 24));
    a = fmix32(a ^ word);
    b = Math.imul(b ^ a, 0xcc9e2d51) ^ (b >>> 15);
  }
  for (; i < chunkId.length; i++) {
    a = fmix32(a ^ chunkId[i]! ^ (i << 8));
  }
  out.a = fmix32(a ^ 0x27d4eb2f);
  out.b = fmix32(b ^ out.a);
  return out;
}

// murmur3's 32-bit finaliser: a bijection with full avalanche.
export function fmix32(input: number): number {
  let h = input >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

// An item's identity hash (two words) from its full path, e.g. "zone-1/node-7/drive-3". Using
// the path, not the position in an array, is what keeps other items' choices unchanged when an
// item is added or removed.
export function itemHashOf(path: string): [number, number] {
  let a = 0x811c9dc5;
  let b = 0x01000193;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c ^ (a >>> 11), 0x5bd1e995);
  }
  return [fmix32(a ^ path.length), fmix32(b ^ 0x68e31da4)];
}

// The rendezvous hash of (chunk, item, salt): a uniform signed 32-bit integer (signed, because
// V8 keeps small-integer results unboxed and this runs ~800 times per placement). Salt carries
// the fragment position and the purpose (first choice, count ranking, retry, share test).
export function pairHash(keyA: number, keyB: number, itemA: number, itemB: number, salt: number): number {
  let h = (keyA ^ itemA) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h ^= keyB ^ itemB ^ Math.imul(salt + 0x165667b1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h ^ itemA, 0x9e3779b1);
  h ^= h >>> 15;
  return h | 0;
}

// Exact powers of two (repeated halving of 1 is exact in binary floating point).
const INVERSE_POWERS_OF_TWO: readonly number[] = (() => {
  const table: number[] = [];
  let value = 1;
  for (let i = 0; i <= 32; i++) {
    table.push(value);
    value /= 2;
  }
  return table;
})();

const LOG2_E = 1.4426950408889634;
const SQRT_2 = 1.4142135623730951;
const TWO_POW_32 = 4294967296;
const THIRD = 1 / 3;
const FIFTH = 1 / 5;
const SEVENTH = 1 / 7;
const NINTH = 1 / 9;
const ELEVENTH = 1 / 11;

// -log2(u) for u = (h + 2^31 + 1) / 2^32, h a signed pairHash: a unit exponential variable in
// bits, decreasing in h (so the largest hash has the lowest score, as in the equal-weight
// shortcut that compares hashes directly). It is computed from
// the integer exponent and a short atanh series on the mantissa (|s| ≤ 0.172, error < 1e-10).
// The straw2 score of an item of weight w is this value divided by w; the lowest score wins,
// which picks each item with probability w / Σw and moves only what a weight change must move.
export function exponentialBits(h: number): number {
  const v = h + 2147483649;
  if (v >= TWO_POW_32) return 0;
  let exponent = 31 - Math.clz32(v);
  let mantissa = v * INVERSE_POWERS_OF_TWO[exponent]!;
  if (mantissa > SQRT_2) {
    mantissa /= 2;
    exponent += 1;
  }
  const s = (mantissa - 1) / (mantissa + 1);
  const s2 = s * s;
  const series = 1 + s2 * (THIRD + s2 * (FIFTH + s2 * (SEVENTH + s2 * (NINTH + s2 * ELEVENTH))));
  const log2Mantissa = 2 * s * series * LOG2_E;
  return (32 - exponent) - log2Mantissa;
}
