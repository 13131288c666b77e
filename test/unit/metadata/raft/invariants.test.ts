// The invariant checker must itself catch violations, or a green simulation proves nothing.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { InvariantChecker, InvariantViolation } from '../../../support/raft/invariants.js';
import { Raft } from '../../../../src/metadata/raft/raft.js';
import { EntryKind, type Entry } from '../../../../src/metadata/raft/types.js';

const e = (index: number, term: number, v: number): Entry => ({ index, term, kind: EntryKind.normal, data: new Uint8Array([v]) });

function core(id: string, entries: Entry[], term: number, commit: number): Raft {
  return new Raft(
    { id, voters: ['a', 'b', 'c'], electionTicks: 10, heartbeatTicks: 1, random: () => 0 },
    { hardState: { term, vote: null, commit }, entries, snapshotIndex: 0, snapshotTerm: 0, applied: 0 },
  );
}

test('two different entries with the same index and term break log matching', () => {
  const chk = new InvariantChecker();
  chk.onPersist('a', core('a', [e(1, 1, 1)], 1, 0), [e(1, 1, 1)]);
  assert.throws(() => chk.onPersist('b', core('b', [e(1, 1, 2)], 1, 0), [e(1, 1, 2)]), InvariantViolation);
});

test('different entries applied at one index break state-machine safety', () => {
  const chk = new InvariantChecker();
  chk.onApply('a', e(1, 1, 1));
  assert.throws(() => chk.onApply('b', e(1, 1, 2)), InvariantViolation);
});

test('a node whose committed entry differs from the registered one is caught', () => {
  const chk = new InvariantChecker();
  chk.observe('a', core('a', [e(1, 1, 1), e(2, 1, 1)], 1, 2));
  assert.throws(() => chk.observe('b', core('b', [e(1, 1, 1), e(2, 2, 9)], 2, 2)), InvariantViolation);
});
