import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FragmentCorruptError, FragmentStore } from '../../../src/storage/fragment-store.js';
import { SEGMENT_HEADER_BYTES, RECORD_HEADER_BYTES } from '../../../src/storage/segment-format.js';
import { withTempDir } from './fixtures/temp-dir.js';
import { fragmentData, fragmentId } from './fixtures/fragment-data.js';

async function flipByte(path: string, offset: number): Promise<void> {
  const file = await open(path, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0x40;
    await file.write(byte, 0, 1, offset);
  } finally {
    await file.close();
  }
}

async function onlySegment(dir: string): Promise<string> {
  const names = (await readdir(join(dir, 'segments'))).filter((n) => n.endsWith('.tsg'));
  assert.equal(names.length, 1);
  return join(dir, 'segments', names[0]!);
}

// Fragments 0..2 of 1000 bytes each, written one after another into one segment.
const SIZE = 1000;
const RECORD = RECORD_HEADER_BYTES + 34 + SIZE;

async function threeFragments(dir: string): Promise<FragmentStore> {
  const store = await FragmentStore.open({ dir });
  for (let n = 0; n < 3; n++) await store.put(fragmentId(n), fragmentData(n, SIZE));
  return store;
}

test('a flipped data byte makes get throw STORAGE_FRAGMENT_CORRUPT and scrub report it', async () => {
  await withTempDir(async (dir) => {
    const store = await threeFragments(dir);
    try {
      await flipByte(await onlySegment(dir), SEGMENT_HEADER_BYTES + RECORD + RECORD_HEADER_BYTES + 34 + 500);
      await assert.rejects(store.get(fragmentId(1)), (err: unknown) => {
        return err instanceof FragmentCorruptError && err.code === 'STORAGE_FRAGMENT_CORRUPT' &&
          Buffer.from(err.fragmentId).equals(fragmentId(1));
      });
      assert.deepEqual(await store.get(fragmentId(0)), fragmentData(0, SIZE));
      assert.deepEqual(await store.get(fragmentId(2)), fragmentData(2, SIZE));
      const result = await store.scrub();
      assert.equal(result.checked, 3);
      assert.deepEqual(result.corrupt.map((id) => Buffer.from(id).toString('hex')), [fragmentId(1).toString('hex')]);
    } finally {
      await store.close();
    }
  });
});

test('flipped header and id bytes are caught too', async () => {
  await withTempDir(async (dir) => {
    const store = await threeFragments(dir);
    try {
      const segment = await onlySegment(dir);
      await flipByte(segment, SEGMENT_HEADER_BYTES + 9); // data length field of record 0
      await flipByte(segment, SEGMENT_HEADER_BYTES + 2 * RECORD + RECORD_HEADER_BYTES + 3); // id of record 2
      await assert.rejects(store.get(fragmentId(0)), { code: 'STORAGE_FRAGMENT_CORRUPT' });
      await assert.rejects(store.get(fragmentId(2)), { code: 'STORAGE_FRAGMENT_CORRUPT' });
      assert.deepEqual(await store.get(fragmentId(1)), fragmentData(1, SIZE));
      assert.equal((await store.scrub()).corrupt.length, 2);
    } finally {
      await store.close();
    }
  });
});

test('put with replace repairs a corrupt fragment', async () => {
  await withTempDir(async (dir) => {
    const store = await threeFragments(dir);
    try {
      await flipByte(await onlySegment(dir), SEGMENT_HEADER_BYTES + RECORD_HEADER_BYTES + 34 + 10);
      await assert.rejects(store.get(fragmentId(0)), { code: 'STORAGE_FRAGMENT_CORRUPT' });
      await store.put(fragmentId(0), fragmentData(0, SIZE)); // A plain put is a no-op...
      await assert.rejects(store.get(fragmentId(0)), { code: 'STORAGE_FRAGMENT_CORRUPT' });
      await store.put(fragmentId(0), fragmentData(0, SIZE), { replace: true }); // ...replace rewrites.
      assert.deepEqual(await store.get(fragmentId(0)), fragmentData(0, SIZE));
      assert.equal((await store.scrub()).corrupt.length, 0);
    } finally {
      await store.close();
    }
  });
});

test('compaction never copies a corrupt record: it reports it and drops its entry', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir, segmentSizeBytesMax: 4 * RECORD });
    try {
      for (let n = 0; n < 12; n++) await store.put(fragmentId(n), fragmentData(n, SIZE));
      const names = (await readdir(join(dir, 'segments'))).sort();
      // Corrupt record 1 of the first segment, then make that segment sparse.
      await flipByte(join(dir, 'segments', names[0]!), SEGMENT_HEADER_BYTES + RECORD + 100);
      await store.delete(fragmentId(2));
      await store.delete(fragmentId(3));
      await store.delete(fragmentId(0));
      const result = await store.compact();
      assert.ok(result.segmentsRewritten >= 1);
      assert.deepEqual(result.corrupt.map((id) => Buffer.from(id).toString('hex')), [fragmentId(1).toString('hex')]);
      assert.equal(await store.get(fragmentId(1)), null);
      for (let n = 4; n < 12; n++) assert.deepEqual(await store.get(fragmentId(n)), fragmentData(n, SIZE));
    } finally {
      await store.close();
    }
  });
});

test('scrub honours bytesPerSecondMax', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, n) => store.put(fragmentId(n), fragmentData(n, 10_000))));
      const started = performance.now();
      const result = await store.scrub({ bytesPerSecondMax: 1_000_000 }); // ~200 KB at 1 MB/s
      const elapsedMs = performance.now() - started;
      assert.equal(result.checked, 20);
      assert.ok(elapsedMs >= 150, `scrub took ${elapsedMs} ms`);
    } finally {
      await store.close();
    }
  });
});
