// One chunk in, k+m fragments out, and back: compression (skipped when it does not pay),
// Reed-Solomon coding, placement over drives, and reconstruction from any k fragments.
// Fragment I/O is injected so the same code serves the single node (local drives) and the
// cluster (storage-node clients).

import { ChunkCompressor, CODEC_IDS, codecFromId } from './compression.js';
import { ErasureCoder } from './erasure.js';
import { BufferPool } from './buffer-pool.js';
import { processIngestPool, type IngestPool } from './ingest.js';
import { limits } from '../limits.js';
import { ENCRYPTION_FORMAT_V1, EncryptionError, type ChunkCipher } from './encryption.js';
import type { DriveRef, StorageClass } from '../placement/index.js';
import type { ChunkRecord } from '../metadata/records.js';
import type { NewChunk } from '../metadata/commands.js';

/** Stable id of fragment `index` of chunk `fp`: the fingerprint then a u16 index. */
export function fragmentId(fp: Uint8Array, index: number): Buffer {
  const id = Buffer.alloc(fp.length + 2);
  id.set(fp, 0);
  id.writeUInt16BE(index, fp.length);
  return id;
}

export interface FragmentIO {
  /** Durable put; `replace` rewrites a fragment that exists (repair of a corrupt one). */
  put(drive: DriveRef, id: Buffer, data: Uint8Array, opts?: { replace?: boolean }): Promise<void>;
  /** The fragment's bytes, or null when missing or corrupt (the store verifies checksums). */
  get(drive: DriveRef, id: Buffer): Promise<Buffer | null>;
}

export class ChunkUnreadableError extends Error {
  readonly code = 'CHUNK_UNREADABLE';
  constructor(fp: Uint8Array, present: number, needed: number) {
    super(`chunk ${Buffer.from(fp).toString('hex')}: ${present} fragments readable, ${needed} needed`);
  }
}

export interface ChunkReadReport {
  /** Fragment indexes that were missing or corrupt (to queue a repair). */
  damaged: number[];
}

/** Chooses the k+m drives of a chunk (placement/Placer for the current map epoch). */
export interface FragmentPlacer {
  place(chunkId: Uint8Array, storageClass: StorageClass): DriveRef[];
}

export class ChunkIO {
  private readonly coders = new Map<string, ErasureCoder>();
  private readonly compressor = new ChunkCompressor();
  /** Recycled chunk and stripe buffers of the write path (the chunker takes from it too). */
  readonly buffers = new BufferPool(limits.writeBufferPoolBufferBytesMax, limits.writeBufferPoolIdleBytesMax);
  /** MD5, chunking and fingerprints of write streams on a worker thread (shared by the process). */
  readonly ingest: IngestPool = processIngestPool({
    workers: limits.ingestWorkers,
    slabBytes: limits.ingestSlabBytes,
    sessionBytesMax: limits.ingestSessionBytesMax,
    idleSlabsMax: limits.ingestIdleSlabsMax,
  });

  constructor(
    private readonly io: FragmentIO,
    private readonly placer: () => FragmentPlacer,
  ) {}

  private coder(sc: StorageClass): ErasureCoder {
    let c = this.coders.get(sc.name);
    if (!c) {
      c = new ErasureCoder(sc.k, sc.m);
      this.coders.set(sc.name, c);
    }
    return c;
  }

  /** Stores a new chunk durably on k+m drives; resolves once every fragment is durable. */
  async write(fp: Uint8Array, raw: Uint8Array, sc: StorageClass, cipher?: ChunkCipher): Promise<NewChunk> {
    const compressed = this.compressor.compress(raw);
    const codec = compressed.codec;
    // SSE hook: seal after compression (ciphertext does not compress), before erasure coding.
    const data = cipher ? cipher.seal(fp, CODEC_IDS[codec], compressed.data) : compressed.data;
    const fragments = await this.coder(sc).encode(data, (size) => this.buffers.take(size));
    const drives = this.placer().place(fp, sc);
    // allSettled: the stripe goes back to the pool only once no put can still read it.
    const puts = await Promise.allSettled(fragments.map((f, i) => this.io.put(drives[i]!, fragmentId(fp, i), f)));
    for (const p of puts) if (p.status === 'rejected') throw p.reason;
    this.buffers.give(fragments[0]!);
    return {
      fp,
      record: {
        rawSize: raw.byteLength,
        storedSize: data.byteLength,
        codec: CODEC_IDS[codec],
        storageClass: sc.name,
        fragmentSize: fragments[0]!.byteLength,
        ...(cipher ? { encryption: ENCRYPTION_FORMAT_V1 } : {}),
      },
    };
  }

  /** Reads a chunk back: the k data fragments first, parity only when one is bad. */
  async read(fp: Uint8Array, rec: ChunkRecord, sc: StorageClass, report?: ChunkReadReport, cipher?: ChunkCipher): Promise<Buffer> {
    const parts = await this.readParts(fp, rec, sc, report, cipher);
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts, rec.rawSize);
  }

  /**
   * The chunk's raw bytes as consecutive parts. An uncompressed chunk whose k data
   * fragments all read back is returned as views of those fragments, without copying
   * them into one buffer (a GET streams them out as they are); otherwise one part.
   */
  async readParts(fp: Uint8Array, rec: ChunkRecord, sc: StorageClass, report?: ChunkReadReport, cipher?: ChunkCipher): Promise<Buffer[]> {
    const drives = this.placer().place(fp, sc);
    const n = sc.k + sc.m;
    const frags: (Buffer | null)[] = new Array(n).fill(null);
    const fetch = async (i: number) => {
      frags[i] = await this.io.get(drives[i]!, fragmentId(fp, i)).catch(() => null);
      if (frags[i] && frags[i]!.byteLength !== rec.fragmentSize) frags[i] = null;
      if (!frags[i]) report?.damaged.push(i);
    };
    await Promise.all(Array.from({ length: sc.k }, (_, i) => fetch(i)));
    let present = frags.filter(Boolean).length;
    const codec = codecFromId(rec.codec);
    if (present === sc.k && this.isPlainStripe(codec, rec, sc)) return this.dataViews(frags, rec);
    for (let i = sc.k; i < n && present < sc.k; i++) {
      await fetch(i);
      if (frags[i]) present++;
    }
    if (present < sc.k) throw new ChunkUnreadableError(fp, present, sc.k);
    let stored = await this.coder(sc).decode(frags, rec.storedSize);
    // SSE hook: the GCM tag is checked on every read; a wrong key or tampering throws.
    if (rec.encryption !== undefined) stored = openChunk(fp, rec, stored, cipher);
    return [this.compressor.decompress(codec, stored, rec.rawSize)];
  }

  /** Uncompressed, and laid out as decode() expects (else decode() reports the mismatch). */
  private isPlainStripe(codec: string, rec: ChunkRecord, sc: StorageClass): boolean {
    return rec.encryption === undefined && codec === 'none' && rec.storedSize === rec.rawSize && this.coder(sc).fragmentSizeBytes(rec.storedSize) === rec.fragmentSize;
  }

  /** Views of the data fragments covering exactly rawSize bytes (the rest is padding). */
  private dataViews(frags: (Buffer | null)[], rec: ChunkRecord): Buffer[] {
    const parts: Buffer[] = [];
    for (let i = 0, at = 0; at < rec.rawSize; i++, at += rec.fragmentSize) {
      parts.push(frags[i]!.subarray(0, Math.min(rec.fragmentSize, rec.rawSize - at)));
    }
    return parts;
  }

  /**
   * Rebuilds every missing or corrupt fragment of a chunk from the others and writes it
   * back to its drive. Returns the fragment indexes rewritten (none when all were fine).
   */
  async repair(fp: Uint8Array, rec: ChunkRecord, sc: StorageClass): Promise<number[]> {
    const drives = this.placer().place(fp, sc);
    const frags = await Promise.all(
      drives.map(async (d, i) => {
        const f = await this.io.get(d, fragmentId(fp, i)).catch(() => null);
        return f && f.byteLength === rec.fragmentSize ? f : null;
      }),
    );
    const missing = frags.flatMap((f, i) => (f ? [] : [i]));
    if (missing.length === 0) return [];
    if (frags.length - missing.length < sc.k) throw new ChunkUnreadableError(fp, frags.length - missing.length, sc.k);
    const all = await this.coder(sc).reconstruct(frags);
    await Promise.all(missing.map((i) => this.io.put(drives[i]!, fragmentId(fp, i), all[i]!, { replace: true })));
    return missing;
  }
}

function openChunk(fp: Uint8Array, rec: ChunkRecord, stored: Buffer, cipher: ChunkCipher | undefined): Buffer {
  if (rec.encryption !== ENCRYPTION_FORMAT_V1) throw new EncryptionError('ENCRYPTION_UNKNOWN_FORMAT', `chunk encryption format ${rec.encryption}`);
  if (!cipher) throw new EncryptionError('ENCRYPTION_KEY_MISSING', 'an encrypted chunk was read without its key');
  return cipher.open(fp, rec.codec, stored);
}
