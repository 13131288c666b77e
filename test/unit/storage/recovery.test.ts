import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { appendFile, mkdir, readdir, rm, stat, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FragmentStore } from '../../../src/storage/fragment-store.js';
import { createHasher } from '../../../src/storage/hasher.js';
import { encodeRecordHead } from '../../../src/storage/segment-format.js';
import { withTempDir } from './fixtures/temp-dir.js';
import { fragmentData, fragmentId } from './fixtures/fragment-data.js';

async function segmentPaths(dir: string): Promise<string[]> {
  const names = (await readdir(join(dir, 'segments'))).filter((n) => n.endsWith('.tsg')).sort();
  return names.map((n) => join(dir, 'segments', n));
}

async function fill(dir: string, count: number, segmentSizeBytesMax = 1024 * 1024): Promise<void> {
  const store = await FragmentStore.open({ dir, segmentSizeBytesMax });
  await Promise.all(Array.from({ length: count }, (_, n) => store.put(fragmentId(n), fragmentData(n))));
  await store.close();
}

test('a torn tail of garbage after the last commit is truncated and never served', async () => {
  await withTempDir(async (dir) => {
    await fill(dir, 20);
    const [segment] = await segmentPaths(dir);
    const sizeBefore = (await stat(segment!)).size;
    // Half a record header followed by noise: what a crash mid-append leaves.
    const garbage = Buffer.concat([Buffer.from('TFRG\x01\x22'), Buffer.alloc(3000, 0xab)]);
    await appendFile(segment!, garbage);
    let store = await FragmentStore.open({ dir });
    try {
      assert.equal(store.recovery.tornBytesTruncated, garbage.length);
      assert.equal((await stat(segment!)).size, sizeBefore);
      for (let n = 0; n < 20; n++) assert.deepEqual(await store.get(fragmentId(n)), fragmentData(n));
      // Appends resume exactly at the committed length and survive a reopen.
      await store.put(fragmentId(500), fragmentData(500));
      await store.close();
      store = await FragmentStore.open({ dir });
      assert.deepEqual(await store.get(fragmentId(500)), fragmentData(500));
      assert.deepEqual(await store.get(fragmentId(19)), fragmentData(19));
    } finally {
      await store.close();
    }
  });
});

test('a well-formed record without an index entry is truncated, not resurrected', async () => {
  await withTempDir(async (dir) => {
    await fill(dir, 5);
    const [segment] = await segmentPaths(dir);
    const hasher = await createHasher();
    const data = fragmentData(77);
    // The crash hit after the segment fsync but before the index commit.
    await appendFile(segment!, Buffer.concat([encodeRecordHead(fragmentId(77), data.length, hasher.h64(data), hasher), data]));
    const store = await FragmentStore.open({ dir });
    try {
      assert.ok(store.recovery.tornBytesTruncated > data.length);
      assert.equal(store.has(fragmentId(77)), false);
      assert.equal(await store.get(fragmentId(77)), null);
      assert.equal(store.stats().fragments, 5);
    } finally {
      await store.close();
    }
  });
});

test('a segment cut short mid-record loses only the records it no longer holds', async () => {
  await withTempDir(async (dir) => {
    await fill(dir, 10);
    const [segment] = await segmentPaths(dir);
    const size = (await stat(segment!)).size;
    await truncate(segment!, size - 10); // The last record loses its final bytes.
    const store = await FragmentStore.open({ dir });
    try {
      assert.equal(store.recovery.fragmentsDropped, 1);
      assert.equal(store.stats().fragments, 9);
      let absent = 0;
      for (let n = 0; n < 10; n++) {
        const data = await store.get(fragmentId(n));
        if (data === null) absent++;
        else assert.deepEqual(data, fragmentData(n));
      }
      assert.equal(absent, 1);
      await store.put(fragmentId(100), fragmentData(100));
      assert.deepEqual(await store.get(fragmentId(100)), fragmentData(100));
    } finally {
      await store.close();
    }
  });
});

test('index entries whose segment file is gone read as absent after open', async () => {
  await withTempDir(async (dir) => {
    await fill(dir, 40, 64 * 1024);
    const segments = await segmentPaths(dir);
    assert.ok(segments.length >= 3);
    await unlink(segments[0]!);
    const store = await FragmentStore.open({ dir });
    try {
      assert.equal(store.recovery.segmentsLost, 1);
      const dropped = store.recovery.fragmentsDropped;
      assert.ok(dropped > 0);
      assert.equal(store.stats().fragments, 40 - dropped);
      let present = 0;
      for (let n = 0; n < 40; n++) {
        const data = await store.get(fragmentId(n));
        if (data !== null) {
          present++;
          assert.deepEqual(data, fragmentData(n));
        }
      }
      assert.equal(present, 40 - dropped);
    } finally {
      await store.close();
    }
  });
});

test('a segment truncated while the store is open makes get throw, never return bytes', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    try {
      for (let n = 0; n < 5; n++) await store.put(fragmentId(n), fragmentData(n));
      const [segment] = await segmentPaths(dir);
      await truncate(segment!, 100);
      await assert.rejects(store.get(fragmentId(4)), { code: 'STORAGE_FRAGMENT_CORRUPT' });
      const scrub = await store.scrub();
      assert.equal(scrub.checked, 5);
      assert.equal(scrub.corrupt.length, 5);
    } finally {
      await store.close();
    }
  });
});

test('orphan segment files the index does not list are deleted on open', async () => {
  await withTempDir(async (dir) => {
    await fill(dir, 3);
    const orphan = join(dir, 'segments', 'seg-000000ff.tsg');
    await writeFile(orphan, Buffer.alloc(5000, 1));
    const store = await FragmentStore.open({ dir });
    try {
      assert.equal(store.recovery.orphanSegmentsRemoved, 1);
      await assert.rejects(stat(orphan), { code: 'ENOENT' });
      // Numbering continues past the orphan, so nothing ever reuses its name early.
      await store.put(fragmentId(9), fragmentData(9), { replace: true });
      assert.deepEqual(await store.get(fragmentId(9)), fragmentData(9));
    } finally {
      await store.close();
    }
  });
});

test('a wiped or missing drive directory opens as an empty, usable store', async () => {
  await withTempDir(async (dir) => {
    await fill(dir, 5);
    await rm(dir, { recursive: true });
    let store = await FragmentStore.open({ dir });
    assert.equal(store.stats().fragments, 0);
    await store.put(fragmentId(1), fragmentData(1));
    await store.close();
    const nested = join(dir, 'never', 'existed');
    store = await FragmentStore.open({ dir: nested });
    try {
      assert.equal(store.stats().fragments, 0);
      await store.put(fragmentId(2), fragmentData(2));
      assert.deepEqual(await store.get(fragmentId(2)), fragmentData(2));
    } finally {
      await store.close();
    }
  });
});

test('a wiped segments directory under a surviving index opens with nothing served', async () => {
  await withTempDir(async (dir) => {
    await fill(dir, 30, 64 * 1024);
    await rm(join(dir, 'segments'), { recursive: true });
    const store = await FragmentStore.open({ dir });
    try {
      assert.equal(store.stats().fragments, 0);
      assert.equal(store.recovery.fragmentsDropped, 30);
      for (let n = 0; n < 30; n++) assert.equal(await store.get(fragmentId(n)), null);
      await store.put(fragmentId(1), fragmentData(1));
      assert.deepEqual(await store.get(fragmentId(1)), fragmentData(1));
    } finally {
      await store.close();
    }
  });
});

test('health() notices a drive wiped while the store is open', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    try {
      await store.put(fragmentId(1), fragmentData(1));
      assert.deepEqual(await store.health(), { ok: true });
      await rm(join(dir, 'segments'), { recursive: true });
      const gone = await store.health();
      assert.equal(gone.ok, false);
      assert.match(gone.reason ?? '', /segments is gone/);
      await mkdir(join(dir, 'segments'));
      const replaced = await store.health();
      assert.equal(replaced.ok, false);
      assert.match(replaced.reason ?? '', /was replaced/);
    } finally {
      await store.close();
    }
  });
});
