import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { RaftLog } from '../../../../src/metadata/raft/log.js';
import { EntryKind, type Entry } from '../../../../src/metadata/raft/types.js';

const e = (index: number, term: number): Entry => ({ index, term, kind: EntryKind.normal, data: new Uint8Array([index]) });

test('merge keeps matching entries and truncates at the first conflict', () => {
  const log = new RaftLog(0, 0, [e(1, 1), e(2, 1), e(3, 2), e(4, 2)], 1, 0);
  log.merge([e(2, 1), e(3, 3)]);
  assert.equal(log.lastIndex(), 3);
  assert.equal(log.term(3), 3);
  assert.equal(log.stableIndex, 2, 'the replaced entry is no longer durable');
});

test('findConflictByTerm skips a whole term', () => {
  const log = new RaftLog(0, 0, [e(1, 1), e(2, 1), e(3, 4), e(4, 4), e(5, 4)], 0, 0);
  assert.equal(log.findConflictByTerm(5, 3), 2);
  assert.equal(log.findConflictByTerm(5, 4), 5);
  assert.equal(log.findConflictByTerm(9, 1), 2);
});

test('compaction keeps the suffix and the snapshot term', () => {
  const log = new RaftLog(0, 0, [e(1, 1), e(2, 1), e(3, 2)], 3, 3);
  log.compact(2, 1);
  assert.equal(log.firstIndex(), 3);
  assert.equal(log.term(2), 1);
  assert.equal(log.term(1), undefined);
  assert.equal(log.lastIndex(), 3);
});

test('a snapshot that conflicts with the log discards it, durable entries included', () => {
  // Entries 1..4 are durable; a snapshot at 3 from another term replaces everything.
  const log = new RaftLog(0, 0, [e(1, 1), e(2, 1), e(3, 1), e(4, 1)], 1, 1);
  log.compact(3, 2);
  assert.equal(log.lastIndex(), 3);
  assert.equal(log.stableIndex, 3, 'an entry appended at 4 must not count as durable');
  log.append(e(4, 2));
  assert.equal(log.stableIndex, 3);
});
