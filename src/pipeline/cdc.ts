// Content-defined chunking: a FastCDC-style gear hash with normalized chunking.
//
// Chunk boundaries are the dedup identity of every byte Tessera stores: the same
// content must cut at the same places forever, or two copies of a file stop
// sharing chunks. Everything that decides a boundary is therefore fixed here and
// covered by CHUNKER_VERSION: the gear table, the 32-byte hash window, where the
// masks sit in the hash, the normalization level, and the size rules below.
// Changing any of them changes every boundary and needs a new version number.
//
// The algorithm, for the chunk starting at offset 0 (p is a byte's offset in the chunk):
// - bytes with p < min - 32 are skipped without hashing (FastCDC's cut-point skipping);
// - bytes with p >= min - 32 feed h = (h << 1) + GEAR[byte] (mod 2^32). Because of the
//   shift, h depends only on the last 32 bytes, so the warm-up makes every tested hash
//   a pure function of the 32-byte window before the candidate cut;
// - a cut after byte p (a chunk of length p + 1) is taken when, for p + 1 in
//   [min, avg), the top log2(avg) + 2 bits of h are zero (the strict mask), and for
//   p + 1 in [avg, max), the top log2(avg) - 2 bits are zero (the loose mask);
// - a chunk that reaches max bytes is cut there.
// The masks test the top bits because bit j of a gear hash depends on the last j + 1
// bytes only: the top bits see the whole window, the bottom ones almost nothing.
// Two masks around the average (normalization level 2) narrow the size distribution.
//
// See docs/chunking.md for the measurements behind the default sizes.

import { limits } from '../limits.js';
import { assert } from '../util/assert.js';
import { WasmGearScanner, wasmAvailable } from './cdc-wasm.js';

/** Bumped whenever anything that decides a boundary changes. */
export const CHUNKER_VERSION = 1;

/** Bytes of history the 32-bit gear hash depends on. */
export const GEAR_WINDOW_BYTES = 32;

/**
 * Default mask bits added to (strict) or removed from (loose) log2(avg): FastCDC's
 * "NC level". 0 is plain gear CDC with one mask.
 */
export const NORMALIZATION_LEVEL = 2;
export const NORMALIZATION_LEVEL_MAX = 3;

/**
 * The seed that GEAR_TABLE was generated from, kept so the table can be re-derived:
 * entry i is the high 32 bits of the (i + 1)-th output of SplitMix64 started from this
 * state (state += 0x9e3779b97f4a7c15; z = state; z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9;
 * z = (z ^ z >> 27) * 0x94d049bb133111eb; z ^= z >> 31). The unit test re-derives it.
 */
export const GEAR_SEED = 0x7e55e7ac0cd00100n;

// The literal table, not the generator, is what chunking uses, so that a change to
// the generator code cannot silently move every boundary.
const GEAR_TABLE_WORDS = [
  0xb31ea011, 0x79d5de6a, 0x099be365, 0x9718a00c, 0x2e3df405, 0x1f3d4e4a, 0x9a3430c4, 0x2f33e86a,
  0xe506f974, 0x16b2d076, 0xe7b6f7ed, 0x0c497b5a, 0xcca51d88, 0x9b7dd2f9, 0x517fe6c6, 0x38963c92,
  0xc7174723, 0xefaa1b1a, 0x9ba5a1a0, 0x25af5cb6, 0xe25c104b, 0xb3347a1a, 0xcb94dc65, 0xca5edc51,
  0xbd8ce967, 0x112f1b9b, 0x1b3490b8, 0x99d9a16e, 0x3a147705, 0x2e0ce8dc, 0x53c229e0, 0xae875f73,
  0xac39f69d, 0x1d1eb1f3, 0xe147be30, 0x13b7dfd4, 0xec2c5869, 0x67507f27, 0x65be3369, 0x662987de,
  0x1074e792, 0xf7b3c265, 0x20e756ed, 0xb85a130f, 0x701d0789, 0xf453e028, 0x394a3f73, 0x0c6acc37,
  0xac459712, 0xb8fd2f3c, 0x1beb70a8, 0xa64f5a6c, 0xfd78586f, 0xb5816d37, 0x653acd3e, 0x0793a97c,
  0x047c0cfb, 0xdd587c09, 0xcdf06c72, 0xbb10a03f, 0xe2bd8914, 0xe65e69a1, 0xa8423d96, 0xa8c2728c,
  0x9cd39f01, 0xdaaecd69, 0xdff00f83, 0x0c5f5e64, 0x31d8e0fe, 0xdd86e260, 0xc7a7a295, 0x22519b40,
  0x47df939b, 0xc15d05c5, 0xda3ee546, 0x4df4e85f, 0xe90aea98, 0xc002d714, 0xdbd7352e, 0xf28298b1,
  0xa299f222, 0x9b84b69c, 0x19f56c25, 0x8d21c326, 0xa4119b8e, 0xfdabcce6, 0x7f0213d9, 0x21206463,
  0x2f54afa1, 0x02f921c8, 0x9f6a1549, 0x62480b34, 0x0e32b893, 0x3af48868, 0x88552541, 0xfc047208,
  0x4cfbae72, 0x4e276884, 0x0a1bdd35, 0x43948225, 0x090c4a88, 0x38271275, 0xa8a60af3, 0xb3def627,
  0x1e5e4d7b, 0x876c7193, 0x65169fe7, 0x4dcb8eaf, 0x7007cfdf, 0x7091a0b3, 0xadce015b, 0xce87cae1,
  0xdc3ec365, 0x3674d409, 0x43ca9457, 0x708405bf, 0x10a82905, 0xa25bf8dc, 0x1cbeea80, 0x7f4ae43e,
  0x31ef5240, 0x1ff30b08, 0xcb44a432, 0xad7148b7, 0xf5e26489, 0x28eff4b8, 0x6c0e35fe, 0xf403a7f2,
  0x969bc38d, 0x56a29b29, 0xa2fd1187, 0xb40b2f30, 0xfee5f864, 0xfe9ec54a, 0x5162cd4e, 0xd19190c1,
  0xb93d9ee8, 0x208ae2d3, 0x73fdb0bc, 0x6984fa48, 0x3d74fd92, 0x3fa4d381, 0xd41f60cc, 0xa26ad883,
  0x5d1b33f2, 0xc886bea9, 0x00f69ed0, 0x381253b4, 0x15f55351, 0x4c623073, 0x5c6b03ff, 0x596c72fe,
  0xe483d77c, 0xf8238e32, 0x7deb5cd7, 0xcf89ab00, 0xad63b14c, 0x6862497e, 0xcf33e8b0, 0xf8643a23,
  0x11ef05ce, 0x19897ba6, 0xad7ce9a2, 0x458d31ef, 0x2a205909, 0xeaae6bdd, 0x5845c90f, 0x66db1189,
  0x1f6f58ba, 0x52f8530b, 0x5b9e10f5, 0xefd0ad96, 0x24147560, 0xf0f759d1, 0x2c365ca7, 0x0914f008,
  0x3197f0ed, 0x64640411, 0x6241481c, 0xc6ceb104, 0x13eab443, 0x637ec41c, 0xb63779e2, 0x64e11cd9,
  0xaec540f2, 0xccda3fd6, 0xc83448ae, 0xbd6f0a46, 0x4bb69c27, 0x563673db, 0xf66da25a, 0xb762f289,
  0x62a49cef, 0xdbaadc88, 0xcfae92da, 0x1e216493, 0xadaa17f5, 0x219f9965, 0xdbd52513, 0xaa3cc4f1,
  0x23131340, 0x15adfe69, 0xd88056c3, 0x31951f81, 0xa3292f4a, 0xf1398617, 0xf76a0045, 0x3081df8d,
  0x567154b3, 0xcadb3513, 0xce36f2e9, 0xb36d35de, 0xd07854f7, 0x3ae66842, 0x78985d2e, 0xca94ab3c,
  0x5f14efbb, 0x47797a88, 0xf0d52125, 0xe0f88500, 0x272a4778, 0x8e942408, 0xe0c4b91e, 0x6f56782a,
  0x8b00affb, 0x9e0ed71b, 0x2e238a28, 0x985c3ad1, 0x74d15f34, 0xc8cab318, 0x2d3aefdb, 0x6658431f,
  0xbf185d58, 0x76c9bd4d, 0x83a3d6fe, 0x9bbfe0cb, 0x897c6001, 0xd13b7964, 0x23a75c62, 0x24515aaa,
  0xfd2423f6, 0x5866ce74, 0x2c6b09bc, 0x8dbb3a44, 0xc0c4aae4, 0x2d2ef060, 0xd6a9df72, 0xecafc501,
  0x90168429, 0x7a047440, 0x8d98c427, 0x6b9f08d7, 0xf81c8cf7, 0xabcb2e82, 0x55eaaf0d, 0x23fe8e58,
];

// Built once; never written to (chunkers only read it, gearTable() hands out copies).
const GEAR_TABLE = Int32Array.from(GEAR_TABLE_WORDS, (word) => word | 0);

/** A copy of the gear table as signed 32-bit integers, the form the hot loop reads. */
export function gearTable(): Int32Array {
  return GEAR_TABLE.slice();
}

export interface ChunkerParams {
  minSizeBytes: number;
  avgSizeBytes: number;
  maxSizeBytes: number;
  /** Defaults to NORMALIZATION_LEVEL; part of the chunk identity like the sizes. */
  normalizationLevel?: number;
}

/** Bytes a 'wasm' chunker hashes in JavaScript before it instantiates WASM. */
export const WASM_AFTER_BYTES = 128 * 1024;

/**
 * Which implementation runs the hot loop. Both cut at identical places (the unit
 * tests hold both to the same reference); 'wasm' is faster on long streams (and
 * starts in JavaScript, see WASM_AFTER_BYTES), 'js' is the fallback and the readable
 * statement of the loop.
 */
export type ChunkerEngine = 'wasm' | 'js';

/** A chunker configuration that violates the rules in validateChunkerParams(). */
export class ChunkerParamsError extends Error {
  override name = 'ChunkerParamsError';
  readonly code = 'CDC_INVALID_PARAMS';
}

/**
 * Checks a configuration: integers, floor <= min < avg < max <= ceiling, avg a power
 * of two whose loose and strict masks fit the 32-bit hash. Throws ChunkerParamsError.
 */
export function validateChunkerParams(params: ChunkerParams): void {
  const { minSizeBytes: min, avgSizeBytes: avg, maxSizeBytes: max } = params;
  const level = params.normalizationLevel ?? NORMALIZATION_LEVEL;
  const fail = (why: string): never => {
    throw new ChunkerParamsError(`invalid chunker params (min ${min}, avg ${avg}, max ${max}): ${why}`);
  };
  if (![min, avg, max].every((v) => Number.isSafeInteger(v))) fail('sizes must be integers');
  if (min < limits.chunkSizeBytesFloor) fail(`min below the floor of ${limits.chunkSizeBytesFloor}`);
  if (max > limits.chunkSizeBytesCeiling) fail(`max above the ceiling of ${limits.chunkSizeBytesCeiling}`);
  if (!(min < avg && avg < max)) fail('need min < avg < max');
  if ((avg & (avg - 1)) !== 0) fail('avg must be a power of two');
  const avgBits = Math.log2(avg);
  if (!Number.isInteger(level) || level < 0 || level > NORMALIZATION_LEVEL_MAX) fail(`bad normalization level ${level}`);
  if (avgBits - level < 1 || avgBits + level > 32) fail('avg out of the mask range');
}

/** A mask selecting the top `bits` bits of a 32-bit hash, as a signed int32. */
function topBitsMask(bits: number): number {
  return bits === 0 ? 0 : (-1 << (32 - bits)) | 0;
}

/**
 * Streaming chunker. push() any-sized pieces and get back the chunks they complete;
 * end() returns the tail. Boundaries do not depend on how the input is split into
 * pieces. Memory held between calls is at most maxSizeBytes of pending input, as
 * references to the caller's pieces (so a held piece stays alive until its chunk is
 * emitted); each chunk is copied once, when it is emitted, into its own Buffer.
 */
export class Chunker {
  private readonly gear = GEAR_TABLE;
  private readonly engine: ChunkerEngine;
  // Instantiating WebAssembly costs ~100 µs (measured 75-140), about what the
  // JavaScript loop needs for ~80 KiB more than WASM would. So the first
  // WASM_AFTER_BYTES hashed by a chunker go through JavaScript and only longer
  // streams instantiate WASM; objects below min never hash at all.
  private wasm: WasmGearScanner | null = null;
  private jsHashedBytes = 0;
  private readonly minBytes: number;
  private readonly avgBytes: number;
  private readonly maxBytes: number;
  private readonly maskStrict: number;
  private readonly maskLoose: number;
  private pending: Uint8Array[] = [];
  /** Bytes of the current chunk seen so far (all of them in `pending`). */
  private chunkBytes = 0;
  private hash = 0;

  /**
   * `alloc` supplies the buffer each chunk is copied into (the write path passes a
   * recycling pool's take()); by default a fresh Buffer.
   */
  constructor(
    params: ChunkerParams,
    engine: ChunkerEngine = 'wasm',
    private readonly alloc: (size: number) => Buffer = (size) => Buffer.allocUnsafe(size),
  ) {
    validateChunkerParams(params);
    this.engine = engine === 'wasm' && !wasmAvailable() ? 'js' : engine;
    this.minBytes = params.minSizeBytes;
    this.avgBytes = params.avgSizeBytes;
    this.maxBytes = params.maxSizeBytes;
    const avgBits = Math.log2(params.avgSizeBytes);
    const level = params.normalizationLevel ?? NORMALIZATION_LEVEL;
    this.maskStrict = topBitsMask(avgBits + level);
    this.maskLoose = topBitsMask(avgBits - level);
  }

  push(data: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    let start = 0;
    while (start < data.length) {
      const end = this.scan(data, start);
      if (end < 0) {
        this.pending.push(data.subarray(start));
        break;
      }
      out.push(this.emit(data, start, end));
      start = end;
    }
    return out;
  }

  /**
   * Like push() for a chunker that never emits: returns where chunks end in `data`
   * (indexes just past their last byte), copying nothing. The ingest worker uses it
   * to cut a stream it hashes in place; do not mix it with push() on one chunker.
   */
  cuts(data: Uint8Array): number[] {
    const out: number[] = [];
    let start = 0;
    while (start < data.length) {
      const end = this.scan(data, start);
      if (end < 0) break;
      out.push(end);
      start = end;
    }
    return out;
  }

  /** For cuts(): whether the stream ends with a tail chunk; resets the chunker. */
  endCuts(): boolean {
    const tail = this.chunkBytes > 0;
    this.chunkBytes = 0;
    this.hash = 0;
    return tail;
  }

  end(): Buffer[] {
    if (this.chunkBytes === 0) return [];
    const empty = new Uint8Array(0);
    return [this.emit(empty, 0, 0)];
  }

  /**
   * Feeds data[from..] into the current chunk. Returns the index just past the
   * chunk's last byte when a cut falls inside data, else -1 with the state carried.
   * The work is split by region so that each loop has one fixed mask and no size checks.
   */
  private scan(data: Uint8Array, from: number): number {
    const n = data.length;
    // The offset in the chunk of data[i] is base + i.
    const base = this.chunkBytes - from;
    let i = from;
    // Bytes before the warm-up window cannot influence any tested hash.
    let lim = Math.min(n, this.minBytes - GEAR_WINDOW_BYTES - base);
    if (i < lim) i = lim;
    // Warm-up: hash without testing, up to the first candidate (length = min).
    lim = Math.min(n, this.minBytes - 1 - base);
    if (i < lim) {
      const gear = this.gear;
      let h = this.hash;
      for (; i < lim; i++) h = ((h << 1) + gear[data[i]]) | 0;
      this.hash = h;
    }
    lim = Math.min(n, this.avgBytes - 1 - base);
    if (i < lim) {
      const end = this.scanRegion(data, i, lim, this.maskStrict);
      if (end >= 0) return this.cutAt(end);
      i = lim;
    }
    lim = Math.min(n, this.maxBytes - 1 - base);
    if (i < lim) {
      const end = this.scanRegion(data, i, lim, this.maskLoose);
      if (end >= 0) return this.cutAt(end);
      i = lim;
    }
    // Here either the piece is used up, or data[i] is the chunk's max-th byte.
    if (i < n) return this.cutAt(i + 1);
    this.chunkBytes = base + n;
    return -1;
  }

  /**
   * Hashes data[from, lim) and returns the index just past the first byte whose hash
   * has all `mask` bits zero, or -1 (leaving the running hash in this.hash).
   * Unrolled by four: it measured ~15% faster than the plain loop in V8.
   */
  private scanRegion(data: Uint8Array, from: number, lim: number, mask: number): number {
    if (this.engine === 'wasm' && (this.wasm !== null || this.jsHashedBytes >= WASM_AFTER_BYTES)) {
      this.wasm ??= new WasmGearScanner(this.gear);
      const wasm = this.wasm;
      wasm.hash = this.hash;
      const end = wasm.scanRegion(data, from, lim, mask);
      this.hash = wasm.hash;
      return end;
    }
    this.jsHashedBytes += lim - from;
    const gear = this.gear;
    let h = this.hash;
    let i = from;
    for (const lim4 = lim - 3; i < lim4; i += 4) {
      h = ((h << 1) + gear[data[i]]) | 0;
      if ((h & mask) === 0) return i + 1;
      h = ((h << 1) + gear[data[i + 1]]) | 0;
      if ((h & mask) === 0) return i + 2;
      h = ((h << 1) + gear[data[i + 2]]) | 0;
      if ((h & mask) === 0) return i + 3;
      h = ((h << 1) + gear[data[i + 3]]) | 0;
      if ((h & mask) === 0) return i + 4;
    }
    for (; i < lim; i++) {
      h = ((h << 1) + gear[data[i]]) | 0;
      if ((h & mask) === 0) return i + 1;
    }
    this.hash = h;
    return -1;
  }

  private cutAt(end: number): number {
    this.hash = 0;
    this.chunkBytes = 0;
    return end;
  }

  /** Copies the pending pieces plus data[start, end) into one new Buffer. */
  private emit(data: Uint8Array, start: number, end: number): Buffer {
    let size = end - start;
    for (const piece of this.pending) size += piece.length;
    assert(size > 0 && size <= this.maxBytes, `chunk of ${size} bytes outside (0, ${this.maxBytes}]`);
    const chunk = this.alloc(size);
    let at = 0;
    for (const piece of this.pending) {
      chunk.set(piece, at);
      at += piece.length;
    }
    chunk.set(data.subarray(start, end), at);
    this.pending = [];
    this.chunkBytes = 0;
    this.hash = 0;
    return chunk;
  }
}
