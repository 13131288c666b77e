// The additional checksums S3 accepts in x-amz-checksum-* headers and trailers.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
//
// Every digest is returned as the big-endian bytes that S3 base64-encodes, so a
// caller compares or stores `digest().toString('base64')` directly.
//
// CRC32 uses zlib.crc32 (native, incremental). CRC32C and CRC64NVME have no native
// implementation in Node, so they are table-driven JS using slicing-by-8: eight
// bytes per loop iteration and eight 256-entry tables. CRC64NVME keeps its 64-bit
// state in two 32-bit halves so that the hot loop stays in small integers; BigInt
// there is two orders of magnitude slower.
//
// Measured with `node dist/bench/checksums.js` (64 MiB in 1 MiB slices, single thread) on the
// shared 2-core machine at load average ~5 (docs/auth.md has both runs): CRC32 (zlib)
// 1,969–2,919 MB/s, CRC32C 840–1,074, CRC64NVME 685–840, SHA-1 ~1,100, SHA-256 ~1,150.
// Reading words through the Int32Array view doubled CRC32C (~320 → ~730 MB/s in an A/B run).

import { createHash, type Hash } from 'node:crypto';
import { crc32 } from 'node:zlib';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'SHA1' | 'SHA256' | 'CRC64NVME';

export const checksumAlgorithms: readonly ChecksumAlgorithm[] = Object.freeze([
  'CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME',
]);

export interface Checksum {
  update(data: Uint8Array): void;
  /** The big-endian digest bytes, as S3 base64-encodes them. */
  digest(): Buffer;
}

const digestBytesByAlgorithm: Readonly<Record<ChecksumAlgorithm, number>> = Object.freeze({
  CRC32: 4, CRC32C: 4, SHA1: 20, SHA256: 32, CRC64NVME: 8,
});

/** The length in bytes of an algorithm's digest (before base64). */
export function checksumDigestBytes(alg: ChecksumAlgorithm): number {
  return digestBytesByAlgorithm[alg];
}

/** The header (and trailer) name that carries this algorithm's value. */
export function checksumHeader(alg: ChecksumAlgorithm): string {
  return `x-amz-checksum-${alg.toLowerCase()}`;
}

/** 'crc32c' → 'CRC32C'; undefined for anything S3 does not define. */
export function parseChecksumAlgorithm(s: string): ChecksumAlgorithm | undefined {
  const upper = s.trim().toUpperCase();
  return (checksumAlgorithms as readonly string[]).includes(upper) ? upper as ChecksumAlgorithm : undefined;
}

/** 'x-amz-checksum-crc32' → 'CRC32'; undefined for any other header name. */
export function checksumAlgorithmFromHeader(name: string): ChecksumAlgorithm | undefined {
  const prefix = 'x-amz-checksum-';
  const lower = name.trim().toLowerCase();
  if (!lower.startsWith(prefix)) return undefined;
  return parseChecksumAlgorithm(lower.slice(prefix.length));
}

export function createChecksum(alg: ChecksumAlgorithm): Checksum {
  switch (alg) {
    case 'CRC32': return new Crc32();
    case 'CRC32C': return new Crc32c();
    case 'CRC64NVME': return new Crc64Nvme();
    case 'SHA1': return new HashChecksum(createHash('sha1'));
    case 'SHA256': return new HashChecksum(createHash('sha256'));
  }
}

/** One-shot convenience: the base64 value S3 would put in the checksum header. */
export function checksumBase64(alg: ChecksumAlgorithm, data: Uint8Array): string {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest().toString('base64');
}

class HashChecksum implements Checksum {
  constructor(private readonly hash: Hash) {}
  update(data: Uint8Array): void { this.hash.update(data); }
  digest(): Buffer { return this.hash.digest(); }
}

class Crc32 implements Checksum {
  private value = 0;
  update(data: Uint8Array): void { this.value = crc32(data, this.value); }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.value >>> 0);
    return out;
  }
}

// Both table-driven CRCs read the input eight bytes at a time through an Int32Array
// view of the aligned middle of the buffer: on this machine that alone took CRC32C
// from ~320 to ~720 MB/s compared with assembling words from single bytes. The view
// yields little-endian words, so big-endian hosts take the byte-at-a-time path.
const hostIsLittleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const noWords = new Int32Array(0);

/** The number of leading bytes to process singly so that the rest starts 4-aligned. */
function unalignedPrefixBytes(data: Uint8Array): number {
  if (!hostIsLittleEndian) return data.length;
  return Math.min(data.length, (4 - (data.byteOffset & 3)) & 3);
}

/** Whole 8-byte groups of data from byte `from` on, as pairs of little-endian words. */
function wordsFrom(data: Uint8Array, from: number): Int32Array {
  const groups = (data.length - from) >>> 3;
  if (groups === 0 || ((data.byteOffset + from) & 3) !== 0) return noWords;
  return new Int32Array(data.buffer, data.byteOffset + from, groups * 2);
}

// CRC32C (Castagnoli), reflected polynomial 0x82F63B78, init and final xor 0xFFFFFFFF.
// Eight 256-entry slicing tables, flattened: table s lives at [s * 256, s * 256 + 256).
const crc32cTable = buildCrc32Table(0x82f63b78);

function buildCrc32Table(polyReflected: number): Int32Array {
  const t = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? (c >>> 1) ^ polyReflected : c >>> 1;
    t[i] = c;
  }
  for (let s = 1; s < 8; s++) {
    for (let i = 0; i < 256; i++) {
      const prev = t[(s - 1) * 256 + i]!;
      t[s * 256 + i] = (prev >>> 8) ^ t[prev & 0xff]!;
    }
  }
  return t;
}

function crc32cUpdate(crcIn: number, data: Uint8Array): number {
  const t = crc32cTable;
  let crc = crcIn;
  const n = data.length;
  let i = 0;
  const prefix = unalignedPrefixBytes(data);
  for (; i < prefix; i++) crc = (crc >>> 8) ^ t[(crc ^ data[i]!) & 0xff]!;
  const words = wordsFrom(data, i);
  for (let j = 0; j < words.length; j += 2) {
    const a = crc ^ words[j]!;
    const b = words[j + 1]!;
    crc = t[1792 + (a & 0xff)]! ^ t[1536 + ((a >>> 8) & 0xff)]! ^ t[1280 + ((a >>> 16) & 0xff)]! ^
      t[1024 + (a >>> 24)]! ^ t[768 + (b & 0xff)]! ^ t[512 + ((b >>> 8) & 0xff)]! ^
      t[256 + ((b >>> 16) & 0xff)]! ^ t[b >>> 24]!;
  }
  i += words.length * 4;
  for (; i < n; i++) crc = (crc >>> 8) ^ t[(crc ^ data[i]!) & 0xff]!;
  return crc;
}

class Crc32c implements Checksum {
  private crc = 0xffffffff | 0;
  update(data: Uint8Array): void { this.crc = crc32cUpdate(this.crc, data); }
  digest(): Buffer {
    const out = Buffer.alloc(4);
    out.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return out;
  }
}

// CRC64/NVME, reflected polynomial 0x9A6C9329AC4BC9B5, init and final xor all ones.
// Each table entry is split into a low and a high 32-bit half kept in parallel flat
// arrays laid out like crc32cTable.
const crc64Table = buildCrc64Table(0x9a6c9329 | 0, 0xac4bc9b5 | 0);

function buildCrc64Table(polyHi: number, polyLo: number): { lo: Int32Array; hi: Int32Array } {
  const lo = new Int32Array(8 * 256);
  const hi = new Int32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let l = i;
    let h = 0;
    for (let k = 0; k < 8; k++) {
      const carry = l & 1;
      l = (l >>> 1) | (h << 31);
      h = h >>> 1;
      if (carry !== 0) { l ^= polyLo; h ^= polyHi; }
    }
    lo[i] = l;
    hi[i] = h;
  }
  for (let s = 1; s < 8; s++) {
    for (let i = 0; i < 256; i++) {
      const pl = lo[(s - 1) * 256 + i]!;
      const ph = hi[(s - 1) * 256 + i]!;
      lo[s * 256 + i] = ((pl >>> 8) | (ph << 24)) ^ lo[pl & 0xff]!;
      hi[s * 256 + i] = (ph >>> 8) ^ hi[pl & 0xff]!;
    }
  }
  return { lo, hi };
}

class Crc64Nvme implements Checksum {
  private lo = 0xffffffff | 0;
  private hi = 0xffffffff | 0;
  update(data: Uint8Array): void {
    const tl = crc64Table.lo;
    const th = crc64Table.hi;
    let lo = this.lo;
    let hi = this.hi;
    const n = data.length;
    let i = 0;
    const prefix = unalignedPrefixBytes(data);
    for (; i < prefix; i++) {
      const idx = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ tl[idx]!;
      hi = (hi >>> 8) ^ th[idx]!;
    }
    const words = wordsFrom(data, i);
    for (let j = 0; j < words.length; j += 2) {
      const a = lo ^ words[j]!;
      const b = hi ^ words[j + 1]!;
      const a0 = 1792 + (a & 0xff), a1 = 1536 + ((a >>> 8) & 0xff), a2 = 1280 + ((a >>> 16) & 0xff), a3 = 1024 + (a >>> 24);
      const b0 = 768 + (b & 0xff), b1 = 512 + ((b >>> 8) & 0xff), b2 = 256 + ((b >>> 16) & 0xff), b3 = b >>> 24;
      lo = tl[a0]! ^ tl[a1]! ^ tl[a2]! ^ tl[a3]! ^ tl[b0]! ^ tl[b1]! ^ tl[b2]! ^ tl[b3]!;
      hi = th[a0]! ^ th[a1]! ^ th[a2]! ^ th[a3]! ^ th[b0]! ^ th[b1]! ^ th[b2]! ^ th[b3]!;
    }
    i += words.length * 4;
    for (; i < n; i++) {
      const idx = (lo ^ data[i]!) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ tl[idx]!;
      hi = (hi >>> 8) ^ th[idx]!;
    }
    this.lo = lo;
    this.hi = hi;
  }
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}

// Combining CRCs: the CRC of A‖B from crc(A), crc(B) and B's length, without the bytes.
// CompleteMultipartUpload needs it for FULL_OBJECT checksums (CRC64NVME always; CRC32 and
// CRC32C when asked), which are the CRC of the whole object although only part CRCs were seen.
// The method is zlib's crc32_combine: with init and final xor all ones, as all three CRCs
// here have, crc(A‖B) = crc(A)·x^(8·|B|) mod P  xor  crc(B), in the reflected domain. It runs
// once per part, so BigInt is fine.

interface CrcParams {
  widthBits: bigint;
  polyReflected: bigint;
  /** x^(2^k) mod P for k = 0…63, so that x^e costs one product per set bit of e. */
  xPow2k: readonly bigint[];
}

function crcParams(widthBits: bigint, polyReflected: bigint): CrcParams {
  const p: CrcParams = { widthBits, polyReflected, xPow2k: [] };
  const table: bigint[] = [1n << (widthBits - 2n)];
  for (let k = 1; k < 64; k++) table.push(mulModP(table[k - 1]!, table[k - 1]!, p));
  return { widthBits, polyReflected, xPow2k: Object.freeze(table) };
}

/** a·b mod P, for polynomials in reflected bit order (bit width-1 is x^0). */
function mulModP(a: bigint, b: bigint, p: Pick<CrcParams, 'widthBits' | 'polyReflected'>): bigint {
  let m = 1n << (p.widthBits - 1n);
  let product = 0n;
  let bb = b;
  while (m !== 0n) {
    if ((a & m) !== 0n) product ^= bb;
    m >>= 1n;
    bb = (bb & 1n) !== 0n ? (bb >> 1n) ^ p.polyReflected : bb >> 1n;
  }
  return product;
}

/** x^e mod P for 0 <= e < 2^64. */
function xPowModP(e: bigint, p: CrcParams): bigint {
  let result = 1n << (p.widthBits - 1n);
  let n = e;
  for (let k = 0; n > 0n; k++, n >>= 1n) {
    if ((n & 1n) !== 0n) result = mulModP(result, p.xPow2k[k]!, p);
  }
  return result;
}

const combinableCrcs: Readonly<Partial<Record<ChecksumAlgorithm, CrcParams>>> = Object.freeze({
  CRC32: crcParams(32n, 0xedb88320n),
  CRC32C: crcParams(32n, 0x82f63b78n),
  CRC64NVME: crcParams(64n, 0x9a6c9329ac4bc9b5n),
});

/** Whether combineChecksums() supports the algorithm (the CRCs do; the SHAs cannot). */
export function isCombinable(alg: ChecksumAlgorithm): boolean {
  return combinableCrcs[alg] !== undefined;
}

/**
 * The digest of A‖B given digest(A), digest(B) and |B| in bytes, for CRC32, CRC32C and
 * CRC64NVME. Digests are the big-endian bytes that Checksum.digest() returns.
 */
export function combineChecksums(alg: ChecksumAlgorithm, first: Uint8Array, second: Uint8Array, secondLengthBytes: number): Buffer {
  const p = combinableCrcs[alg];
  if (p === undefined) throw new TypeError(`${alg} digests cannot be combined`);
  const bytes = Number(p.widthBits / 8n);
  if (first.length !== bytes || second.length !== bytes) throw new TypeError(`${alg} digests are ${bytes} bytes`);
  const a = BigInt(`0x${Buffer.from(first).toString('hex')}`);
  const b = BigInt(`0x${Buffer.from(second).toString('hex')}`);
  const combined = mulModP(xPowModP(8n * BigInt(secondLengthBytes), p), a, p) ^ b;
  return Buffer.from(combined.toString(16).padStart(bytes * 2, '0'), 'hex');
}

/**
 * A multipart upload's COMPOSITE checksum as S3 shows it: the checksum of the concatenated
 * part digests, base64, then '-' and the part count.
 */
export function compositeChecksum(alg: ChecksumAlgorithm, partDigests: readonly Uint8Array[]): string {
  const c = createChecksum(alg);
  for (const d of partDigests) c.update(d);
  return `${c.digest().toString('base64')}-${partDigests.length}`;
}

/**
 * A multipart upload's FULL_OBJECT checksum: the CRC of the whole object, combined from the
 * parts' CRCs and sizes in order (CRC32, CRC32C, CRC64NVME). The x^(8·size) factor is cached
 * per distinct part size, since parts are nearly always the same size: one BigInt product
 * per part after the first of each size.
 */
export function fullObjectChecksum(alg: ChecksumAlgorithm, parts: readonly { digest: Uint8Array; sizeBytes: number }[]): Buffer {
  const p = combinableCrcs[alg];
  if (p === undefined) throw new TypeError(`${alg} digests cannot be combined`);
  if (parts.length === 0) throw new TypeError('no parts');
  const bytes = Number(p.widthBits / 8n);
  const asBig = (d: Uint8Array) => {
    if (d.length !== bytes) throw new TypeError(`${alg} digests are ${bytes} bytes`);
    return BigInt(`0x${Buffer.from(d).toString('hex')}`);
  };
  const shiftBySize = new Map<number, bigint>();
  let crc = asBig(parts[0]!.digest);
  for (let i = 1; i < parts.length; i++) {
    const { digest, sizeBytes } = parts[i]!;
    let shift = shiftBySize.get(sizeBytes);
    if (shift === undefined) {
      shift = xPowModP(8n * BigInt(sizeBytes), p);
      shiftBySize.set(sizeBytes, shift);
    }
    crc = mulModP(shift, crc, p) ^ asBig(digest);
  }
  return Buffer.from(crc.toString(16).padStart(bytes * 2, '0'), 'hex');
}
