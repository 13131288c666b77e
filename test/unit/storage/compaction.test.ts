import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { copyFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FragmentStore } from '../../../src/storage/fragment-store.js';
import { faultyFs } from './fixtures/faulty-fs.js';
import { withTempDir } from './fixtures/temp-dir.js';
import { fragmentData, fragmentId } from './fixtures/fragment-data.js';

const SIZE = 3000;

/** 60 fragments over ~6 segments, two thirds of them deleted. */
async function sparseStore(dir: string, fs?: ReturnType<typeof faultyFs>['fs']): Promise<FragmentStore> {
  const store = await FragmentStore.open({ dir, segmentSizeBytesMax: 32 * 1024, ...(fs === undefined ? {} : { fs }) });
  await Promise.all(Array.from({ length: 60 }, (_, n) => store.put(fragmentId(n), fragmentData(n, SIZE))));
  await Promise.all(Array.from({ length: 60 }, (_, n) => (n % 3 !== 0 ? store.delete(fragmentId(n)) : undefined)));
  return store;
}

async function expectSurvivors(store: FragmentStore): Promise<void> {
  for (let n = 0; n < 60; n++) assert.deepEqual(await store.get(fragmentId(n)), n % 3 === 0 ? fragmentData(n, SIZE) : null);
}

test('a compaction that fails before its commit leaves every fragment where it was', async () => {
  await withTempDir(async (dir) => {
    const { fs, faults } = faultyFs();
    const store = await sparseStore(dir, fs);
    try {
      const segmentsBefore = (await readdir(join(dir, 'segments'))).sort();
      faults.datasyncError = 'EIO'; // The target segment's fsync fails.
      await assert.rejects(store.compact(), { code: 'EIO' });
      faults.datasyncError = null;
      await expectSurvivors(store);
      // The unregistered target was removed; the victims are untouched.
      assert.deepEqual((await readdir(join(dir, 'segments'))).sort(), segmentsBefore);
      assert.ok((await store.compact()).segmentsRewritten > 0);
      await expectSurvivors(store);
    } finally {
      await store.close();
    }
  });
});

test('victim files left behind by a crash after the compaction commit are deleted on open', async () => {
  await withTempDir(async (dir) => {
    const store = await sparseStore(dir);
    const names = (await readdir(join(dir, 'segments'))).sort();
    const saved = join(dir, 'saved-victim');
    await copyFile(join(dir, 'segments', names[0]!), saved);
    assert.ok((await store.compact()).segmentsRewritten > 0);
    await store.close();
    // As if the process died between the index commit and the unlink.
    await copyFile(saved, join(dir, 'segments', names[0]!));
    const reopened = await FragmentStore.open({ dir });
    try {
      assert.equal(reopened.recovery.orphanSegmentsRemoved, 1);
      await expectSurvivors(reopened);
    } finally {
      await reopened.close();
    }
  });
});

test('deletes and replaces racing a compaction win over the copies it made', async () => {
  await withTempDir(async (dir) => {
    const store = await sparseStore(dir);
    try {
      const compaction = store.compact();
      // Issued while compaction copies: these must not be undone by its commit.
      const racing = [store.delete(fragmentId(0)), store.put(fragmentId(3), fragmentData(333, SIZE), { replace: true })];
      await Promise.all([compaction, ...racing]);
      assert.equal(await store.get(fragmentId(0)), null);
      assert.deepEqual(await store.get(fragmentId(3)), fragmentData(333, SIZE));
      for (let n = 6; n < 60; n += 3) assert.deepEqual(await store.get(fragmentId(n)), fragmentData(n, SIZE));
      await store.close();
      const reopened = await FragmentStore.open({ dir });
      try {
        assert.equal(await reopened.get(fragmentId(0)), null);
        assert.deepEqual(await reopened.get(fragmentId(3)), fragmentData(333, SIZE));
        assert.equal(reopened.stats().fragments, 19);
      } finally {
        await reopened.close();
      }
    } finally {
      await store.close();
    }
  });
});

test('gets keep returning verified bytes while compaction moves and unlinks segments', async () => {
  await withTempDir(async (dir) => {
    const store = await sparseStore(dir);
    try {
      const compaction = store.compact();
      const reads: Promise<void>[] = [];
      for (let round = 0; round < 20; round++) {
        for (let n = 0; n < 60; n += 3) {
          reads.push(store.get(fragmentId(n)).then((data) => assert.deepEqual(data, fragmentData(n, SIZE))));
        }
        await new Promise((resolve) => setImmediate(resolve));
      }
      await Promise.all([compaction, ...reads]);
    } finally {
      await store.close();
    }
  });
});
