// The read path for one object range: find the chunks the range covers, read each (with
// the next few prefetched in parallel, a bounded window), and yield just the requested
// bytes. Fragment checksums are verified by the stores; damaged fragments are reported for
// repair while the chunk is rebuilt from the others.

import type { ChunkIO } from './chunk-io.js';
import type { ChunkCipher } from './encryption.js';
import type { ChunkRecord, ChunkRef } from '../metadata/records.js';
import type { StorageClass } from '../placement/index.js';

export interface ReadDeps {
  chunkIO: ChunkIO;
  lookupChunk(fp: Uint8Array): ChunkRecord | undefined;
  storageClass(name: string): StorageClass;
  prefetchChunks: number;
  onDamaged?(fp: Uint8Array, fragments: number[]): void;
  /** SSE: opens sealed chunks and the sealed inline body of an encrypted object. */
  encryption?: ChunkCipher;
}

export class ChunkIndexMissingError extends Error {
  readonly code = 'CHUNK_INDEX_MISSING';
}

/** Yields bytes [start, endExclusive) of an object made of `chunks` (or `inline`). */
export async function* readObjectRange(
  src: { chunks: ChunkRef[]; inline?: Uint8Array },
  start: number,
  endExclusive: number,
  deps: ReadDeps,
): AsyncGenerator<Buffer> {
  if (endExclusive <= start) return;
  if (src.inline) {
    const inline = deps.encryption ? deps.encryption.openInline(src.inline) : src.inline;
    yield Buffer.from(inline.buffer, inline.byteOffset + start, endExclusive - start);
    return;
  }
  const wanted: { ref: ChunkRef; from: number; to: number }[] = [];
  let offset = 0;
  for (const ref of src.chunks) {
    const chunkEnd = offset + ref.size;
    if (chunkEnd > start && offset < endExclusive) {
      wanted.push({ ref, from: Math.max(0, start - offset), to: Math.min(ref.size, endExclusive - offset) });
    }
    if (chunkEnd >= endExclusive) break;
    offset = chunkEnd;
  }
  const readOne = async (ref: ChunkRef): Promise<Buffer[]> => {
    const rec = deps.lookupChunk(ref.fp);
    if (!rec) throw new ChunkIndexMissingError(`chunk ${Buffer.from(ref.fp).toString('hex')} is not in the index`);
    const report = { damaged: [] as number[] };
    const parts = await deps.chunkIO.readParts(ref.fp, rec, deps.storageClass(rec.storageClass), report, deps.encryption);
    if (report.damaged.length > 0) deps.onDamaged?.(ref.fp, report.damaged);
    return parts;
  };
  const pending: Promise<Buffer[]>[] = [];
  let next = 0;
  const fill = () => {
    while (next < wanted.length && pending.length < deps.prefetchChunks) {
      const p = readOne(wanted[next++]!.ref);
      p.catch(() => undefined);
      pending.push(p);
    }
  };
  for (let i = 0; i < wanted.length; i++) {
    fill();
    const parts = await pending.shift()!;
    const w = wanted[i]!;
    // The chunk's bytes [from, to), part by part (uncompressed chunks come as fragment views).
    for (let p = 0, at = 0; p < parts.length && at < w.to; at += parts[p]!.byteLength, p++) {
      const part = parts[p]!;
      const from = Math.max(w.from - at, 0);
      const to = Math.min(w.to - at, part.byteLength);
      if (from < to) yield from === 0 && to === part.byteLength ? part : part.subarray(from, to);
    }
  }
}
