// Reed-Solomon erasure coding of one chunk into k data and m parity fragments.
//
// Backed by @ronomon/reed-solomon, a native Cauchy Reed-Solomon coder (~10 GB/s for
// RS(4,2) here). Its only entry point runs in the libuv thread pool and reports by
// callback, so every coding method here returns a Promise: the coding runs off the
// event loop, which is also how a write stream gets the second core.
//
// Layout (part of the stored format, ERASURE_LAYOUT_VERSION = 1): the chunk's
// stored bytes are split into k fragments of fragmentSizeBytes(n) bytes each, the
// last padded with zeros; fragment i < k holds bytes [i * f, (i + 1) * f); fragments
// k .. k+m-1 are parity, as computed by the coder's matrix for (k, m). A zero-byte
// chunk has k + m empty fragments. The data size is not stored in fragments: the
// caller records it (the chunk index does) and passes it to decode().
//
// The coder does not detect corruption: a fragment that failed its checksum must
// be passed as null, so that it is rebuilt rather than trusted.

import { createRequire } from 'node:module';
import { limits } from '../limits.js';
import { assert } from '../util/assert.js';

export const ERASURE_LAYOUT_VERSION = 1;

/** The subset of @ronomon/reed-solomon's API we use (it ships no types). */
interface ReedSolomonBinding {
  create(k: number, m: number): Buffer;
  encode(
    context: Buffer,
    sources: number,
    targets: number,
    buffer: Buffer,
    bufferOffset: number,
    bufferSize: number,
    parity: Buffer,
    parityOffset: number,
    paritySize: number,
    end: (error?: Error) => void,
  ): void;
}

// The addon is a bare .node file, which ESM cannot import directly.
const reedSolomon = createRequire(import.meta.url)('@ronomon/reed-solomon') as ReedSolomonBinding;

export type ErasureErrorCode =
  | 'ERASURE_INVALID_PARAMS'
  | 'ERASURE_TOO_FEW_FRAGMENTS'
  | 'ERASURE_FRAGMENT_COUNT'
  | 'ERASURE_FRAGMENT_SIZE_MISMATCH'
  | 'ERASURE_DATA_SIZE';

export class ErasureError extends Error {
  override name = 'ErasureError';
  constructor(
    readonly code: ErasureErrorCode,
    message: string,
  ) {
    super(message);
  }
}


export class ErasureCoder {
  private readonly context: Buffer;
  private readonly dataMask: number;

  constructor(
    readonly k: number,
    readonly m: number,
  ) {
    const valid =
      Number.isInteger(k) && Number.isInteger(m) && k >= 1 && m >= 1 &&
      k <= limits.erasureDataFragmentsMax && m <= limits.erasureParityFragmentsMax;
    if (!valid) throw new ErasureError('ERASURE_INVALID_PARAMS', `unsupported layout RS(${k},${m})`);
    this.context = reedSolomon.create(k, m);
    this.dataMask = (1 << k) - 1;
  }

  /** Bytes in each of the k + m fragments of a chunk of dataSizeBytes stored bytes. */
  fragmentSizeBytes(dataSizeBytes: number): number {
    if (!Number.isSafeInteger(dataSizeBytes) || dataSizeBytes < 0 || dataSizeBytes > limits.chunkSizeBytesCeiling) {
      throw new ErasureError('ERASURE_DATA_SIZE', `data size ${dataSizeBytes} out of range`);
    }
    const align = limits.erasureFragmentAlignBytes;
    return Math.ceil(dataSizeBytes / this.k / align) * align;
  }

  /**
   * Splits data into k data fragments and computes m parity: all k + m are views of
   * one stripe buffer, from `alloc` when given (a recycling pool) or else new.
   */
  async encode(data: Uint8Array, alloc?: (size: number) => Buffer): Promise<Buffer[]> {
    const shard = this.fragmentSizeBytes(data.length);
    const stripe = alloc ? alloc(shard * (this.k + this.m)) : Buffer.allocUnsafe(shard * (this.k + this.m));
    const buffer = stripe.subarray(0, shard * this.k);
    buffer.set(data);
    buffer.fill(0, data.length);
    const parity = stripe.subarray(shard * this.k);
    if (shard > 0) await this.run(this.dataMask, this.allMask() & ~this.dataMask, buffer, parity);
    return this.split(buffer, parity, shard);
  }

  /**
   * Returns the original dataSizeBytes bytes from any k of the k + m fragments
   * (missing or corrupt ones as null). Throws ERASURE_TOO_FEW_FRAGMENTS below k.
   */
  async decode(fragments: readonly (Uint8Array | null)[], dataSizeBytes: number): Promise<Buffer> {
    const shard = this.fragmentSizeBytes(dataSizeBytes);
    const present = this.checkFragments(fragments, shard);
    // The addon aborts the process on an empty buffer, so never call it for one.
    if (shard === 0) return Buffer.alloc(0);
    if ((present & this.dataMask) === this.dataMask) {
      // Every data fragment is here: no coding, one copy.
      const out = Buffer.allocUnsafe(dataSizeBytes);
      for (let i = 0, at = 0; at < dataSizeBytes; i++, at += shard) {
        out.set(fragments[i]!.subarray(0, Math.min(shard, dataSizeBytes - at)), at);
      }
      return out;
    }
    const { buffer, parity } = this.assemble(fragments, shard);
    await this.run(present, this.dataMask & ~present, buffer, parity);
    return buffer.subarray(0, dataSizeBytes);
  }

  /** Rebuilds all k + m fragments from any k of them (for repair). */
  async reconstruct(fragments: readonly (Uint8Array | null)[]): Promise<Buffer[]> {
    const first = fragments.find((f) => f !== null);
    const shard = first ? first.length : 0;
    if (shard % limits.erasureFragmentAlignBytes !== 0) {
      throw new ErasureError('ERASURE_FRAGMENT_SIZE_MISMATCH', `fragment size ${shard} is not a multiple of 8`);
    }
    const present = this.checkFragments(fragments, shard);
    const { buffer, parity } = this.assemble(fragments, shard);
    const missing = this.allMask() & ~present;
    if (missing !== 0 && shard > 0) await this.run(present, missing, buffer, parity);
    return this.split(buffer, parity, shard);
  }

  /**
   * True when the parity fragments match the data fragments. For the scrubber:
   * fragment checksums catch bit rot, this catches a fragment written wrong.
   */
  async verify(fragments: readonly Uint8Array[]): Promise<boolean> {
    const shard = fragments[0]?.length ?? 0;
    this.checkFragments(fragments, shard);
    const fresh = await this.encode(Buffer.concat(fragments.slice(0, this.k)));
    return fresh.every((f, i) => f.equals(fragments[i]!));
  }

  private allMask(): number {
    return (1 << (this.k + this.m)) - 1;
  }

  /** Validates count and sizes; returns the bit set of present fragments. */
  private checkFragments(fragments: readonly (Uint8Array | null)[], shard: number): number {
    const total = this.k + this.m;
    if (fragments.length !== total) {
      throw new ErasureError('ERASURE_FRAGMENT_COUNT', `got ${fragments.length} fragments, RS(${this.k},${this.m}) has ${total}`);
    }
    let present = 0;
    let count = 0;
    for (let i = 0; i < total; i++) {
      const f = fragments[i];
      if (f === null || f === undefined) continue;
      if (f.length !== shard) {
        throw new ErasureError('ERASURE_FRAGMENT_SIZE_MISMATCH', `fragment ${i} has ${f.length} bytes, expected ${shard}`);
      }
      present |= 1 << i;
      count++;
    }
    if (count < this.k) {
      throw new ErasureError('ERASURE_TOO_FEW_FRAGMENTS', `${count} of ${total} fragments present, need ${this.k}`);
    }
    return present;
  }

  /** Copies the present fragments into the contiguous buffers the coder needs. */
  private assemble(fragments: readonly (Uint8Array | null)[], shard: number): { buffer: Buffer; parity: Buffer } {
    const buffer = Buffer.alloc(shard * this.k);
    const parity = Buffer.alloc(shard * this.m);
    fragments.forEach((f, i) => {
      if (f === null) return;
      if (i < this.k) buffer.set(f, i * shard);
      else parity.set(f, (i - this.k) * shard);
    });
    return { buffer, parity };
  }

  private split(buffer: Buffer, parity: Buffer, shard: number): Buffer[] {
    const out: Buffer[] = [];
    for (let i = 0; i < this.k; i++) out.push(buffer.subarray(i * shard, (i + 1) * shard));
    for (let i = 0; i < this.m; i++) out.push(parity.subarray(i * shard, (i + 1) * shard));
    assert(out.length === this.k + this.m, 'fragment count = k + m');
    return out;
  }

  /** Runs the native coder: recompute `targets` from `sources` (bit sets over k + m). */
  private run(sources: number, targets: number, buffer: Buffer, parity: Buffer): Promise<void> {
    // The addon asserts (aborting the process) on empty buffers; callers skip those.
    assert(buffer.length > 0 && parity.length > 0, 'erasure coding an empty stripe');
    return new Promise((resolve, reject) => {
      reedSolomon.encode(this.context, sources, targets, buffer, 0, buffer.length, parity, 0, parity.length, (error) => {
        if (error) reject(error);
        else resolve();
      });
    });
  }
}
