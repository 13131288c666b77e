// The write path for one object body: stream it once through MD5 (the ETag), the requested
// checksum, the content-defined chunker and, per chunk, fingerprint → dedup lookup →
// (new chunks) compress + erasure code + durable fragment writes, with a bounded number of
// chunks in flight. Small bodies stay inline. Memory is bounded by the chunk size times
// the window, whatever the object size.

import { createHash } from 'node:crypto';
import { Chunker, type ChunkerParams } from './cdc.js';
import { fingerprintAsync } from './fingerprint.js';
import { createChecksum, type ChecksumAlgorithm } from './checksums.js';
import type { ChunkIO } from './chunk-io.js';
import type { ChunkCipher } from './encryption.js';
import type { StorageClass } from '../placement/index.js';
import type { ChunkRecord, ChunkRef } from '../metadata/records.js';
import type { NewChunk } from '../metadata/commands.js';

export interface WriteDeps {
  chunkIO: ChunkIO;
  lookupChunk(fp: Uint8Array): ChunkRecord | undefined;
  /** Pins keep GC away from chunks an in-flight write uses; the caller unpins after commit. */
  pin(fp: Uint8Array): void;
  chunker: ChunkerParams;
  inlineBytesMax: number;
  windowChunks: number;
}

export interface WriteOptions {
  storageClass: StorageClass;
  checksumAlgorithm?: ChecksumAlgorithm;
  /** SSE: scoped fingerprints and sealed chunks (encryption.ts). The caller seals `inline`. */
  encryption?: ChunkCipher;
}

export interface WriteResult {
  size: number;
  md5: Buffer;
  checksum?: Buffer;
  inline?: Buffer;
  chunks: ChunkRef[];
  newChunks: NewChunk[];
  /** Every fingerprint pinned for this write (for the caller to unpin). */
  pinned: Uint8Array[];
}

export async function writeObjectData(body: AsyncIterable<Uint8Array>, deps: WriteDeps, opts: WriteOptions): Promise<WriteResult> {
  const md5 = createHash('md5');
  const sum = opts.checksumAlgorithm ? createChecksum(opts.checksumAlgorithm) : undefined;
  const result: WriteResult = { size: 0, md5: Buffer.alloc(0), chunks: [], newChunks: [], pinned: [] };
  const seenNew = new Set<string>();
  let chunker: Chunker | undefined;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  const inFlight: Promise<void>[] = [];
  let slots = 0;

  const processChunk = async (slot: number, raw: Buffer) => {
    // SHA-256 in the thread pool: the event loop keeps MD5 and chunking going meanwhile.
    // SSE hook: an encrypted object's chunk identity is an HMAC under its scope key.
    const fp = opts.encryption ? opts.encryption.fingerprint(raw) : await fingerprintAsync(raw);
    deps.pin(fp);
    result.pinned.push(fp);
    result.chunks[slot] = { fp, size: raw.byteLength };
    const hex = fp.toString('hex');
    if (deps.lookupChunk(fp) || seenNew.has(hex)) return;
    seenNew.add(hex);
    result.newChunks.push(await deps.chunkIO.write(fp, raw, opts.storageClass, opts.encryption));
  };
  const submit = async (chunks: Buffer[]) => {
    for (const c of chunks) {
      if (inFlight.length >= deps.windowChunks) await inFlight.shift();
      const p = processChunk(slots++, c);
      p.catch(() => undefined); // observed when awaited; avoids an unhandled rejection meanwhile
      inFlight.push(p);
    }
  };

  try {
    for await (const piece of body) {
      md5.update(piece);
      sum?.update(piece);
      result.size += piece.byteLength;
      if (!chunker) {
        head.push(piece);
        headBytes += piece.byteLength;
        if (headBytes <= deps.inlineBytesMax) continue;
        chunker = new Chunker(deps.chunker);
        for (const h of head) await submit(chunker.push(h));
        head = [];
        continue;
      }
      await submit(chunker.push(piece));
    }
    if (chunker) await submit(chunker.end());
    else result.inline = Buffer.concat(head);
    for (const p of inFlight.splice(0)) await p;
  } catch (err) {
    await Promise.allSettled(inFlight);
    throw err;
  }
  result.md5 = md5.digest();
  if (sum) result.checksum = sum.digest();
  return result;
}
