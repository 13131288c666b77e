import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbRaftStorage } from '../../../../src/metadata/raft/lmdb-storage.js';
import { decodeEntry, decodeHardState, encodeEntry, encodeHardState } from '../../../../src/metadata/raft/log-codec.js';
import { RaftCorruptionError } from '../../../../src/metadata/raft/errors.js';
import { EntryKind, type Entry } from '../../../../src/metadata/raft/types.js';

const e = (index: number, term: number, s = `v${index}`): Entry => ({ index, term, kind: EntryKind.normal, data: new TextEncoder().encode(s) });

test('log records and hard state round-trip and reject unknown versions', () => {
  const x = e(7, 2 ** 40 + 3, 'hello');
  assert.deepEqual(decodeEntry(7, encodeEntry(x)), x);
  const hs = { term: 9, vote: 'node-a', commit: 2 ** 33 };
  assert.deepEqual(decodeHardState(encodeHardState(hs)), hs);
  assert.deepEqual(decodeHardState(encodeHardState({ term: 1, vote: null, commit: 0 })), { term: 1, vote: null, commit: 0 });
  const bad = encodeEntry(x);
  bad[0] = 2;
  assert.throws(() => decodeEntry(7, bad), RaftCorruptionError);
});

test('LMDB storage persists entries and hard state across reopen, replacing conflicting suffixes', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-raft-'));
  try {
    let s = LmdbRaftStorage.open(dir);
    assert.equal(s.load(0).entries.length, 0);
    await s.save({ term: 1, vote: 'a', commit: 0 }, [e(1, 1), e(2, 1), e(3, 1), e(4, 1)]);
    await s.save({ term: 2, vote: 'b', commit: 2 }, [e(3, 2, 'new3')]);
    await s.close();
    s = LmdbRaftStorage.open(dir);
    const st = s.load(0);
    assert.deepEqual(st.hardState, { term: 2, vote: 'b', commit: 2 });
    assert.deepEqual(st.entries.map((x) => [x.index, x.term, new TextDecoder().decode(x.data)]), [
      [1, 1, 'v1'],
      [2, 1, 'v2'],
      [3, 2, 'new3'],
    ]);
    await s.compact(2, 1, { voters: ['a', 'b', 'c'], learners: ['d'] });
    await s.close();
    s = LmdbRaftStorage.open(dir);
    const st2 = s.load(0);
    assert.equal(st2.snapshotIndex, 2);
    assert.deepEqual(st2.snapshotConfig, { voters: ['a', 'b', 'c'], learners: ['d'] });
    assert.equal(st2.applied, 2);
    assert.deepEqual(st2.entries.map((x) => x.index), [3]);
    await s.close();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
