import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DriveFullError, FragmentStore } from '../../../src/storage/fragment-store.js';
import { faultyFs } from './fixtures/faulty-fs.js';
import { withTempDir } from './fixtures/temp-dir.js';
import { fragmentData, fragmentId } from './fixtures/fragment-data.js';

test('ENOSPC on write fails the put with DriveFullError; durable data stays readable', async () => {
  await withTempDir(async (dir) => {
    const { fs, faults } = faultyFs();
    const store = await FragmentStore.open({ dir, fs });
    try {
      for (let n = 0; n < 5; n++) await store.put(fragmentId(n), fragmentData(n));
      faults.writeError = 'ENOSPC';
      faults.partialWriteBytes = 700; // The disk took part of the batch before filling up.
      const failed = await Promise.allSettled([10, 11, 12].map((n) => store.put(fragmentId(n), fragmentData(n))));
      for (const outcome of failed) {
        assert.equal(outcome.status, 'rejected');
        assert.ok(outcome.reason instanceof DriveFullError);
        assert.equal(outcome.reason.code, 'STORAGE_DRIVE_FULL');
      }
      for (let n = 0; n < 5; n++) assert.deepEqual(await store.get(fragmentId(n)), fragmentData(n));
      assert.equal(store.has(fragmentId(10)), false);
      assert.equal((await store.scrub()).corrupt.length, 0);
      // Space comes back: writes work again, and everything survives a reopen.
      faults.writeError = null;
      await store.put(fragmentId(10), fragmentData(10));
      await store.close();
      const reopened = await FragmentStore.open({ dir });
      try {
        for (const n of [0, 1, 2, 3, 4, 10]) assert.deepEqual(await reopened.get(fragmentId(n)), fragmentData(n));
        assert.equal(reopened.has(fragmentId(11)), false);
        assert.equal(reopened.recovery.fragmentsDropped, 0);
      } finally {
        await reopened.close();
      }
    } finally {
      await store.close();
    }
  });
});

test('EDQUOT when creating a segment is a DriveFullError too', async () => {
  await withTempDir(async (dir) => {
    const { fs, faults } = faultyFs();
    faults.createError = 'EDQUOT';
    const store = await FragmentStore.open({ dir, fs });
    try {
      await assert.rejects(store.put(fragmentId(1), fragmentData(1)), { code: 'STORAGE_DRIVE_FULL' });
      faults.createError = null;
      await store.put(fragmentId(1), fragmentData(1));
      assert.deepEqual(await store.get(fragmentId(1)), fragmentData(1));
    } finally {
      await store.close();
    }
  });
});

test('a failed fsync fails the batch with the original error and nothing is acknowledged', async () => {
  await withTempDir(async (dir) => {
    const { fs, faults } = faultyFs();
    const store = await FragmentStore.open({ dir, fs });
    try {
      await store.put(fragmentId(1), fragmentData(1));
      faults.datasyncError = 'EIO';
      await assert.rejects(store.put(fragmentId(2), fragmentData(2)), { code: 'EIO' });
      assert.equal(store.has(fragmentId(2)), false);
      faults.datasyncError = null;
      await store.put(fragmentId(3), fragmentData(3));
      assert.deepEqual(await store.get(fragmentId(1)), fragmentData(1));
      assert.deepEqual(await store.get(fragmentId(3)), fragmentData(3));
      assert.equal(store.stats().fragments, 2);
    } finally {
      await store.close();
    }
  });
});

test('a disk filling up under a stream of overlapping batches loses no acknowledged put', async () => {
  await withTempDir(async (dir) => {
    const { fs, faults } = faultyFs();
    const store = await FragmentStore.open({ dir, fs, groupCommitBatchMax: 4, segmentSizeBytesMax: 64 * 1024 });
    faults.writeError = 'ENOSPC';
    faults.partialWriteBytes = 100;
    faults.writesBeforeFailure = 15;
    const outcomes = await Promise.allSettled(Array.from({ length: 200 }, (_, n) => store.put(fragmentId(n), fragmentData(n, 2000))));
    const resolved = outcomes.flatMap((o, n) => (o.status === 'fulfilled' ? [n] : []));
    const rejected = outcomes.flatMap((o, n) => (o.status === 'rejected' ? [n] : []));
    assert.ok(resolved.length >= 4 && rejected.length > 0, `resolved ${resolved.length}, rejected ${rejected.length}`);
    for (const n of rejected) {
      const reason = (outcomes[n] as PromiseRejectedResult).reason;
      assert.equal(reason.code, 'STORAGE_DRIVE_FULL');
    }
    faults.writeError = null;
    await store.put(fragmentId(1000), fragmentData(1000));
    await store.close();
    const reopened = await FragmentStore.open({ dir });
    try {
      for (const n of resolved) assert.deepEqual(await reopened.get(fragmentId(n)), fragmentData(n, 2000));
      for (const n of rejected) assert.equal(reopened.has(fragmentId(n)), false);
      assert.deepEqual(await reopened.get(fragmentId(1000)), fragmentData(1000));
      assert.equal(reopened.stats().fragments, resolved.length + 1);
      assert.equal((await reopened.scrub()).corrupt.length, 0);
    } finally {
      await reopened.close();
    }
  });
});
