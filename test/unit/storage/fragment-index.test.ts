import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { FragmentIndex } from '../../../src/storage/fragment-index.js';
import { withTempDir } from './fixtures/temp-dir.js';

const location = (segmentNo: number, offset: number) => ({ segmentNo, offset, dataLengthBytes: 10, checksum: 42n });

test('a commit whose callback throws leaves neither LMDB nor the mirror changed', async () => {
  await withTempDir(async (dir) => {
    const path = join(dir, 'index.mdb');
    let index = await FragmentIndex.open(path);
    await index.commit(() => {
      index.setSegmentLength(1, 1000, 1000);
      index.putFragment(Buffer.from('a'), location(1, 16));
    });
    await assert.rejects(index.commit(() => {
      index.setSegmentLength(1, 5000, 1000);
      index.putFragment(Buffer.from('b'), location(1, 1000));
      index.removeFragment(Buffer.from('a'));
      throw new Error('bug in the middle of a batch');
    }), /bug in the middle/);
    const check = (idx: FragmentIndex): void => {
      assert.equal(idx.has(Buffer.from('a')), true);
      assert.equal(idx.has(Buffer.from('b')), false);
      assert.equal(idx.segments.get(1)?.lengthBytes, 1000);
      assert.equal(idx.segments.get(1)?.liveRecords, 1);
    };
    check(index);
    await index.close();
    index = await FragmentIndex.open(path);
    try {
      check(index);
      assert.deepEqual(index.recordsInSegment(1).map((r) => r.offset), [16]);
    } finally {
      await index.close();
    }
  });
});

test('live counters follow puts, replacements and removals', async () => {
  await withTempDir(async (dir) => {
    const index = await FragmentIndex.open(join(dir, 'index.mdb'));
    try {
      await index.commit(() => {
        index.setSegmentLength(1, 500, 16);
        index.setSegmentLength(2, 500, 500);
        index.putFragment(Buffer.from('a'), location(1, 16));
        index.putFragment(Buffer.from('b'), location(1, 100));
        index.putFragment(Buffer.from('a'), location(2, 16)); // Replaces a's record in segment 1.
      });
      assert.deepEqual(index.segments.get(1), { lengthBytes: 500, liveRecords: 1, liveRecordBytes: 24 + 1 + 10, liveDataBytes: 10, syncedBytes: 16 });
      assert.equal(index.segments.get(2)?.liveRecords, 1);
      await index.commit(() => {
        assert.equal(index.removeFragment(Buffer.from('b')), true);
        assert.equal(index.removeFragment(Buffer.from('zz')), false);
      });
      assert.deepEqual(index.segments.get(1), { lengthBytes: 500, liveRecords: 0, liveRecordBytes: 0, liveDataBytes: 0, syncedBytes: 16 });
      assert.deepEqual(index.recordsInSegment(1), []);
      assert.deepEqual(index.lookup(Buffer.from('a')), location(2, 16));
    } finally {
      await index.close();
    }
  });
});
