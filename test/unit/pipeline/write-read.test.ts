import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { ChunkIO, type FragmentIO } from '../../../src/pipeline/chunk-io.js';
import { writeObjectData, type WriteDeps } from '../../../src/pipeline/write-path.js';
import { readObjectRange } from '../../../src/pipeline/read-path.js';
import { STORAGE_CLASSES } from '../../../src/placement/storage-classes.js';
import type { DriveRef } from '../../../src/placement/compiled-map.js';
import type { ChunkRecord } from '../../../src/metadata/records.js';
import { xorshiftBytes } from '../../support/bytes.js';

/** The pipeline over in-memory drives: what the write path stores, the read path must give back. */
function memoryPipeline() {
  const drives = new Map<string, Buffer>();
  const key = (d: DriveRef, id: Buffer) => `${d.index}:${id.toString('hex')}`;
  const io: FragmentIO = {
    put: async (d, id, data) => void drives.set(key(d, id), Buffer.from(data)),
    get: async (d, id) => drives.get(key(d, id)) ?? null,
  };
  const placer = { place: (_id: Uint8Array, sc: { k: number; m: number }) => Array.from({ length: sc.k + sc.m }, (_, i) => ({ zone: 'z', node: 'n', drive: `d${i}`, index: i })) };
  const chunkIO = new ChunkIO(io, () => placer);
  const index = new Map<string, ChunkRecord>();
  const deps: WriteDeps = {
    chunkIO,
    lookupChunk: (fp) => index.get(Buffer.from(fp).toString('hex')),
    pin: () => undefined,
    chunker: { minSizeBytes: 16 * 1024, avgSizeBytes: 64 * 1024, maxSizeBytes: 256 * 1024 },
    inlineBytesMax: 4096,
    windowChunks: 8,
  };
  const readDeps = { chunkIO, lookupChunk: deps.lookupChunk, storageClass: () => STORAGE_CLASSES.STANDARD, prefetchChunks: 4 };
  return { deps, readDeps, index, drives };
}

async function* pieces(data: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < data.length; at += size) yield data.subarray(at, at + size);
}

async function collect(gen: AsyncGenerator<Buffer>): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const b of gen) out.push(Buffer.from(b));
  return Buffer.concat(out);
}

test('write then read back whole and ranged, across chunk and fragment boundaries', async () => {
  const { deps, readDeps, index } = memoryPipeline();
  const text = Buffer.from('tessera '.repeat(40_000)); // compressible: a zstd chunk or more
  const data = Buffer.concat([xorshiftBytes(1_500_000, 3), text, xorshiftBytes(70_001, 4)]);
  const w = await writeObjectData(pieces(data, 65_536), deps, { storageClass: STORAGE_CLASSES.STANDARD });
  assert.equal(w.size, data.length);
  assert.ok(w.md5.equals(createHash('md5').update(data).digest()));
  assert.ok(w.chunks.length > 5);
  for (const c of w.newChunks) index.set(Buffer.from(c.fp).toString('hex'), { v: 1, refs: 1, zeroSinceMs: 0, ...c.record });
  assert.ok(w.newChunks.some((c) => c.record.codec !== 0), 'the text part is stored compressed');
  assert.ok(w.newChunks.some((c) => c.record.codec === 0), 'the random part is stored raw');
  const src = { chunks: w.chunks };
  assert.ok((await collect(readObjectRange(src, 0, data.length, readDeps))).equals(data));
  const edges = [0, 1, 16_383, 16_384, 65_535, 65_536, 300_001, 1_499_999, 1_500_000, data.length - 1];
  for (const start of edges) {
    for (const len of [1, 7, 16_384, 100_000, 1_000_000]) {
      const end = Math.min(data.length, start + len);
      const got = await collect(readObjectRange(src, start, end, readDeps));
      assert.ok(got.equals(data.subarray(start, end)), `range ${start}-${end}`);
    }
  }
});

test('a missing data fragment is rebuilt from parity, and reported', async () => {
  const { deps, readDeps, index, drives } = memoryPipeline();
  const data = xorshiftBytes(600_000, 5);
  const w = await writeObjectData(pieces(data, 10_000), deps, { storageClass: STORAGE_CLASSES.STANDARD });
  for (const c of w.newChunks) index.set(Buffer.from(c.fp).toString('hex'), { v: 1, refs: 1, zeroSinceMs: 0, ...c.record });
  const victim = [...drives.keys()].find((k) => k.startsWith('1:'))!;
  drives.delete(victim);
  const damaged: number[][] = [];
  const got = await collect(readObjectRange({ chunks: w.chunks }, 0, data.length, { ...readDeps, onDamaged: (_fp, f) => void damaged.push(f) }));
  assert.ok(got.equals(data));
  assert.deepEqual(damaged, [[1]]);
});
