// Per-chunk compression: zstd at a low level, skipped where it does not pay.
//
// Each chunk is compressed on its own (no shared dictionary, no cross-chunk window)
// so that any chunk can be read, deduplicated and repaired independently. The codec
// is recorded per chunk; persistent formats store it as CODEC_IDS[codec].
//
// A chunk is kept compressed only when zstd saves at least 1/16 of its size
// (compressionSavingsDivisorMin in limits.ts). Below that the saving is in the
// noise of fragment padding and segment overhead, while every read of the chunk
// would pay a decompression. Incompressible data (media, archives, encrypted
// backups) is recognised cheaply: zstd gives up on such blocks fast (~2 GB/s).

import zstd from 'zstd-napi/binding.js';
import { limits } from '../limits.js';

export type Codec = 'none' | 'zstd';

/**
 * Persistent codec ids, format version CODEC_IDS_VERSION = 1. Ids are never reused:
 * 0 = none (raw bytes), 1 = zstd (one zstd frame with the content size and an
 * XXH64 content checksum in it; frames without the checksum decode too).
 */
export const CODEC_IDS_VERSION = 1;
export const CODEC_IDS: Readonly<Record<Codec, number>> = Object.freeze({ none: 0, zstd: 1 });

export type CompressionErrorCode = 'COMPRESSION_CORRUPT' | 'COMPRESSION_SIZE_MISMATCH' | 'COMPRESSION_UNKNOWN_CODEC';

/** Stored chunk bytes that cannot be turned back into the recorded raw bytes. */
export class CompressionError extends Error {
  override name = 'CompressionError';
  constructor(
    readonly code: CompressionErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Maps a persistent codec id back to its codec; throws COMPRESSION_UNKNOWN_CODEC. */
export function codecFromId(id: number): Codec {
  if (id === CODEC_IDS.none) return 'none';
  if (id === CODEC_IDS.zstd) return 'zstd';
  throw new CompressionError('COMPRESSION_UNKNOWN_CODEC', `unknown codec id ${id}`);
}

export interface CompressedChunk {
  codec: Codec;
  data: Buffer;
}

/**
 * Holds one zstd compression and one decompression context and a scratch output
 * buffer, so that a caller compressing many chunks (one write stream, one worker)
 * does not pay for context set-up per chunk. Every call is synchronous, so one
 * instance may serve any number of requests on one thread; a worker thread needs
 * its own.
 */
export class ChunkCompressor {
  private readonly cctx = new zstd.CCtx();
  private readonly dctx = new zstd.DCtx();
  private scratch: Buffer = Buffer.alloc(0);
  private readonly sample = Buffer.allocUnsafe(limits.compressionProbeSlices * limits.compressionProbeSliceBytes);

  /**
   * `probe`: before compressing a large chunk at `level`, compress a sample of it
   * at level 1 and store the chunk raw if the sample does not shrink. zstd gives
   * up on incompressible input much faster at level 1 than at 3, so this keeps
   * incompressible writes fast while compressible data gets the better level.
   */
  constructor(
    readonly level: number = limits.compressionZstdLevel,
    readonly probe: boolean = true,
  ) {
    this.cctx.setParameter(zstd.CParameter.compressionLevel, level);
    // A 4-byte XXH64 of the content in every frame: decompression then detects
    // corrupt stored bytes itself instead of returning wrong ones, even if a
    // fragment checksum upstream was skipped or collided. It costs ~nothing.
    this.cctx.setParameter(zstd.CParameter.checksumFlag, 1);
  }

  /**
   * Returns zstd bytes when they save at least 1/compressionSavingsDivisorMin of
   * the input, else codec 'none' with the input itself (not a copy).
   */
  compress(data: Uint8Array): CompressedChunk {
    const rawBytes = data.length;
    const keepBytesMax = rawBytes - Math.ceil(rawBytes / limits.compressionSavingsDivisorMin);
    if (keepBytesMax <= 0) return { codec: 'none', data: asBuffer(data) };
    if (this.probe && rawBytes >= 2 * this.sample.length && !this.sampleShrinks(data)) {
      return { codec: 'none', data: asBuffer(data) };
    }
    this.reserveScratch(rawBytes);
    const written = this.cctx.compress2(this.scratch, data);
    if (written > keepBytesMax) return { codec: 'none', data: asBuffer(data) };
    return { codec: 'zstd', data: Buffer.from(this.scratch.subarray(0, written)) };
  }

  /**
   * Compresses evenly spaced slices (start, end and between) at level 1 and says
   * whether they shrink by the keep threshold. Spreading the slices catches a
   * chunk whose compressible part is not at its start, like a tar stream's.
   */
  private sampleShrinks(data: Uint8Array): boolean {
    const slices = limits.compressionProbeSlices;
    const sliceBytes = limits.compressionProbeSliceBytes;
    for (let s = 0; s < slices; s++) {
      const from = Math.floor(((data.length - sliceBytes) * s) / (slices - 1));
      this.sample.set(data.subarray(from, from + sliceBytes), s * sliceBytes);
    }
    this.reserveScratch(this.sample.length);
    const written = this.cctx.compress(this.scratch, this.sample, 1);
    return written <= this.sample.length - this.sample.length / limits.compressionSavingsDivisorMin;
  }

  private reserveScratch(rawBytes: number): void {
    const bound = zstd.compressBound(rawBytes);
    if (this.scratch.length < bound) this.scratch = Buffer.allocUnsafe(bound);
  }

  /**
   * Returns exactly rawSizeBytes bytes or throws CompressionError. For 'none' the
   * result is a view of `data`, not a copy.
   */
  decompress(codec: Codec, data: Uint8Array, rawSizeBytes: number): Buffer {
    if (!Number.isSafeInteger(rawSizeBytes) || rawSizeBytes < 0 || rawSizeBytes > limits.chunkSizeBytesCeiling) {
      throw new CompressionError('COMPRESSION_SIZE_MISMATCH', `raw size ${rawSizeBytes} out of range`);
    }
    if (codec === 'none') {
      if (data.length !== rawSizeBytes) {
        throw new CompressionError('COMPRESSION_SIZE_MISMATCH', `stored ${data.length} bytes, expected ${rawSizeBytes}`);
      }
      return asBuffer(data);
    }
    if (codec !== 'zstd') throw new CompressionError('COMPRESSION_UNKNOWN_CODEC', `unknown codec ${String(codec)}`);
    // The output buffer has exactly the recorded size, so a hostile frame cannot
    // make us allocate more than one chunk: zstd fails instead of overrunning it.
    const out = Buffer.allocUnsafe(rawSizeBytes);
    let written: number;
    try {
      written = this.dctx.decompress(out, data);
    } catch (err) {
      throw new CompressionError('COMPRESSION_CORRUPT', `zstd: ${(err as Error).message}`);
    }
    if (written !== rawSizeBytes) {
      throw new CompressionError('COMPRESSION_SIZE_MISMATCH', `zstd produced ${written} bytes, expected ${rawSizeBytes}`);
    }
    return out;
  }
}

/** One-shot form of ChunkCompressor.compress(); creates a context per call. */
export function compressChunk(data: Uint8Array): CompressedChunk {
  return new ChunkCompressor().compress(data);
}

/** One-shot form of ChunkCompressor.decompress(); creates a context per call. */
export function decompressChunk(codec: Codec, data: Uint8Array, rawSizeBytes: number): Buffer {
  return new ChunkCompressor().decompress(codec, data, rawSizeBytes);
}

function asBuffer(data: Uint8Array): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length);
}
