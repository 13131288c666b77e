import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { FragmentStore } from '../../../src/storage/fragment-store.js';
import { faultyFs } from './fixtures/faulty-fs.js';
import { collect, withTempDir } from './fixtures/temp-dir.js';
import { fragmentData, fragmentId } from './fixtures/fragment-data.js';

test('put then get returns the same bytes; absent ids read as null', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    try {
      await store.put(fragmentId(1), fragmentData(1));
      await store.put(fragmentId(2), new Uint8Array(0));
      assert.deepEqual(await store.get(fragmentId(1)), fragmentData(1));
      assert.equal((await store.get(fragmentId(2)))?.length, 0);
      assert.equal(await store.get(fragmentId(3)), null);
      assert.equal(store.has(fragmentId(1)), true);
      assert.equal(store.has(fragmentId(3)), false);
      assert.equal(store.stats().fragments, 2);
      assert.equal(store.stats().bytesLive, fragmentData(1).length);
    } finally {
      await store.close();
    }
  });
});

test('concurrent puts are group-committed: far fewer fsyncs and commits than puts', async () => {
  await withTempDir(async (dir) => {
    const { fs, faults } = faultyFs();
    const store = await FragmentStore.open({ dir, fs });
    try {
      const count = 500;
      await Promise.all(Array.from({ length: count }, (_, n) => store.put(fragmentId(n), fragmentData(n, 4096))));
      const { writer } = store.stats();
      assert.equal(writer.putsCommitted, count);
      // 500 puts with a batch bound of 256 need at least 2 commits; allow a few
      // more, but nowhere near one per put.
      assert.ok(writer.groupCommits >= 2 && writer.groupCommits <= 10, `groupCommits=${writer.groupCommits}`);
      assert.ok(faults.datasyncs <= 12, `datasyncs=${faults.datasyncs}`);
      for (let n = 0; n < count; n += 37) assert.deepEqual(await store.get(fragmentId(n)), fragmentData(n, 4096));
    } finally {
      await store.close();
    }
  });
});

test('a batch is bounded by groupCommitBatchMax', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir, groupCommitBatchMax: 8 });
    try {
      await Promise.all(Array.from({ length: 64 }, (_, n) => store.put(fragmentId(n), fragmentData(n, 100))));
      assert.ok(store.stats().writer.groupCommits >= 8);
    } finally {
      await store.close();
    }
  });
});

test('putting an existing id is a no-op unless replace is set', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    try {
      await store.put(fragmentId(1), fragmentData(1));
      const onDisk = store.stats().bytesOnDisk;
      await store.put(fragmentId(1), fragmentData(1));
      assert.equal(store.stats().bytesOnDisk, onDisk);
      await store.put(fragmentId(1), fragmentData(99), { replace: true });
      assert.deepEqual(await store.get(fragmentId(1)), fragmentData(99));
      assert.equal(store.stats().fragments, 1);
      assert.equal(store.stats().bytesLive, fragmentData(99).length);
    } finally {
      await store.close();
    }
  });
});

test('a put and a delete of one id in the same batch apply in call order', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    try {
      await store.put(fragmentId(1), fragmentData(1));
      await Promise.all([store.delete(fragmentId(1)), store.put(fragmentId(1), fragmentData(1)), store.delete(fragmentId(2)), store.put(fragmentId(2), fragmentData(2))]);
      assert.deepEqual(await store.get(fragmentId(1)), fragmentData(1));
      assert.deepEqual(await store.get(fragmentId(2)), fragmentData(2));
      await Promise.all([store.put(fragmentId(3), fragmentData(3)), store.delete(fragmentId(3))]);
      assert.equal(await store.get(fragmentId(3)), null);
    } finally {
      await store.close();
    }
  });
});

test('delete + compact reclaims space and keeps every live fragment', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir, segmentSizeBytesMax: 64 * 1024 });
    try {
      const count = 120;
      await Promise.all(Array.from({ length: count }, (_, n) => store.put(fragmentId(n), fragmentData(n, 3000))));
      await Promise.all(Array.from({ length: count }, (_, n) => (n % 4 !== 0 ? store.delete(fragmentId(n)) : undefined)));
      const before = store.stats();
      assert.equal(before.fragments, count / 4);
      const result = await store.compact();
      const after = store.stats();
      assert.ok(result.segmentsRewritten > 0);
      assert.ok(result.bytesReclaimed > 0);
      assert.equal(after.bytesOnDisk, before.bytesOnDisk - result.bytesReclaimed);
      assert.ok(after.bytesOnDisk < before.bytesOnDisk / 2, `${after.bytesOnDisk} vs ${before.bytesOnDisk}`);
      assert.equal(after.fragments, count / 4);
      for (let n = 0; n < count; n++) {
        assert.deepEqual(await store.get(fragmentId(n)), n % 4 === 0 ? fragmentData(n, 3000) : null);
      }
      // A second run has nothing sparse left to rewrite.
      assert.equal((await store.compact()).segmentsRewritten, 0);
    } finally {
      await store.close();
    }
  });
});

test('compaction drops segments that hold no live fragment at all', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir, segmentSizeBytesMax: 16 * 1024 });
    try {
      await Promise.all(Array.from({ length: 20 }, (_, n) => store.put(fragmentId(n), fragmentData(n, 5000))));
      await Promise.all(Array.from({ length: 20 }, (_, n) => store.delete(fragmentId(n))));
      const result = await store.compact();
      assert.ok(result.segmentsRewritten >= 5);
      // Only the active segment (pinned by the writer) may remain.
      assert.ok(store.stats().segments <= 1);
    } finally {
      await store.close();
    }
  });
});

test('reopening after close keeps every fragment, deletion and the compacted layout', async () => {
  await withTempDir(async (dir) => {
    let store = await FragmentStore.open({ dir, segmentSizeBytesMax: 32 * 1024 });
    await Promise.all(Array.from({ length: 60 }, (_, n) => store.put(fragmentId(n), fragmentData(n))));
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.delete(fragmentId(i * 3))));
    await store.compact({ liveRatioMax: 0.9 });
    const stats = store.stats();
    await store.close();
    store = await FragmentStore.open({ dir, segmentSizeBytesMax: 32 * 1024 });
    try {
      assert.deepEqual(store.recovery, { orphanSegmentsRemoved: 0, tornBytesTruncated: 0, segmentsLost: 0, fragmentsDropped: 0, unsyncedRecordsDropped: 0 });
      assert.equal(store.stats().fragments, stats.fragments);
      assert.equal(store.stats().bytesOnDisk, stats.bytesOnDisk);
      for (let n = 0; n < 60; n++) assert.deepEqual(await store.get(fragmentId(n)), n % 3 === 0 ? null : fragmentData(n));
      const ids = await collect(store.ids());
      assert.equal(ids.length, 40);
      // New puts after reopen land and survive another reopen.
      await store.put(fragmentId(1000), fragmentData(1000));
      await store.close();
      store = await FragmentStore.open({ dir });
      assert.deepEqual(await store.get(fragmentId(1000)), fragmentData(1000));
    } finally {
      await store.close();
    }
  });
});

test('ids() lists every stored id exactly once, across pages', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    try {
      const count = 2500; // More than one page of limits.scrubIdsPerPageMax.
      for (let start = 0; start < count; start += 500) {
        await Promise.all(Array.from({ length: 500 }, (_, i) => store.put(fragmentId(start + i), fragmentData(start + i, 16))));
      }
      const ids = (await collect(store.ids())).map((id) => Buffer.from(id).toString('hex'));
      assert.equal(ids.length, count);
      assert.equal(new Set(ids).size, count);
    } finally {
      await store.close();
    }
  });
});

test('invalid ids and oversized fragments are rejected with typed errors', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    try {
      await assert.rejects(store.put(new Uint8Array(0), fragmentData(1)), { code: 'STORAGE_INVALID_FRAGMENT_ID' });
      await assert.rejects(store.put(new Uint8Array(65), fragmentData(1)), { code: 'STORAGE_INVALID_FRAGMENT_ID' });
      await assert.rejects(store.put(fragmentId(1), new Uint8Array(16 * 1024 * 1024 + 1)), { code: 'STORAGE_FRAGMENT_TOO_LARGE' });
      assert.equal(store.stats().fragments, 0);
    } finally {
      await store.close();
    }
  });
});

test('close waits for queued puts, then refuses new calls', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir });
    const puts = Array.from({ length: 50 }, (_, n) => store.put(fragmentId(n), fragmentData(n)));
    await store.close();
    await Promise.all(puts);
    await assert.rejects(store.put(fragmentId(99), fragmentData(99)), { code: 'STORAGE_CLOSED' });
    await assert.rejects(store.get(fragmentId(1)), { code: 'STORAGE_CLOSED' });
    const reopened = await FragmentStore.open({ dir });
    try {
      assert.equal(reopened.stats().fragments, 50);
    } finally {
      await reopened.close();
    }
  });
});

test('large fragments span segments and round-trip', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir, segmentSizeBytesMax: 1024 * 1024 });
    try {
      const big = Array.from({ length: 5 }, (_, n) => fragmentData(n, 700 * 1024));
      await Promise.all(big.map((data, n) => store.put(fragmentId(n), data)));
      assert.ok(store.stats().segments >= 5);
      for (let n = 0; n < 5; n++) assert.deepEqual(await store.get(fragmentId(n)), big[n]);
    } finally {
      await store.close();
    }
  });
});

test('more queued operations than the queue bound are refused with STORAGE_BUSY', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir, fragmentOpsQueuedMax: 100 });
    try {
      const tiny = new Uint8Array(1);
      const puts = Array.from({ length: 100 }, (_, n) => store.put(fragmentId(n), tiny));
      await assert.rejects(store.put(fragmentId(99_999), tiny), { code: 'STORAGE_BUSY' });
      await Promise.all(puts);
      assert.equal(store.stats().fragments, 100);
      await store.put(fragmentId(99_999), tiny); // The queue drained, so this is accepted.
    } finally {
      await store.close();
    }
  });
});

test('with few descriptors allowed, concurrent reads across many segments still verify', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir, segmentSizeBytesMax: 8 * 1024, segmentFdsOpenMax: 2 });
    try {
      await Promise.all(Array.from({ length: 40 }, (_, n) => store.put(fragmentId(n), fragmentData(n, 3000))));
      assert.ok(store.stats().segments >= 15);
      for (let round = 0; round < 3; round++) {
        await Promise.all(Array.from({ length: 40 }, async (_, n) => assert.deepEqual(await store.get(fragmentId(n)), fragmentData(n, 3000))));
      }
      assert.equal((await store.scrub()).corrupt.length, 0);
    } finally {
      await store.close();
    }
  });
});

test('groupCommitDelayMs gathers puts that arrive over time into one batch', async () => {
  await withTempDir(async (dir) => {
    const store = await FragmentStore.open({ dir, groupCommitDelayMs: 50 });
    try {
      const puts: Promise<void>[] = [];
      for (let n = 0; n < 10; n++) {
        puts.push(store.put(fragmentId(n), fragmentData(n, 100)));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      await Promise.all(puts);
      // Without the delay, puts 2 ms apart mostly find the writer idle (5 commits here).
      assert.ok(store.stats().writer.groupCommits <= 3, `groupCommits=${store.stats().writer.groupCommits}`);
      assert.equal(store.stats().fragments, 10);
    } finally {
      await store.close();
    }
  });
});
