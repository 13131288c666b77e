import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { decodeMessage, encodeMessage } from '../../../../src/metadata/raft/wire.js';
import { RaftCorruptionError } from '../../../../src/metadata/raft/errors.js';
import { EntryKind, type Message } from '../../../../src/metadata/raft/types.js';

test('every message kind survives the wire', () => {
  const msgs: Message[] = [
    { type: 'vote', from: 'a', to: 'b', term: 3, lastIndex: 9, lastTerm: 2 },
    { type: 'preVoteResp', from: 'b', to: 'a', term: 4, granted: true },
    {
      type: 'append', from: 'a', to: 'b', term: 3, prevIndex: 4, prevTerm: 2, commit: 4,
      entries: [
        { index: 5, term: 3, kind: EntryKind.noop, data: new Uint8Array(0) },
        { index: 6, term: 3, kind: EntryKind.normal, data: new Uint8Array([1, 2, 3]) },
      ],
    },
    { type: 'appendResp', from: 'b', to: 'a', term: 3, index: 6, reject: false, hintIndex: 0, hintTerm: 0 },
    { type: 'heartbeat', from: 'a', to: 'b', term: 3, commit: 6, readRound: 7 },
    { type: 'readIndexResp', from: 'a', to: 'b', term: 3, ctx: 'x:1', index: 6 },
    { type: 'snapshot', from: 'a', to: 'b', term: 3, index: 100, snapTerm: 2, config: { voters: ['a', 'b', 'c'], learners: ['d'] }, data: new Uint8Array([9, 8, 7]) },
  ];
  for (const m of msgs) assert.deepEqual(decodeMessage(encodeMessage(m)), m);
});

test('malformed frames are rejected with a typed error', () => {
  assert.throws(() => decodeMessage(new Uint8Array([2, 0, 0, 0, 0])), RaftCorruptionError);
  const bad = encodeMessage({ type: 'heartbeat', from: 'a', to: 'b', term: 1, commit: 0, readRound: 0 });
  assert.throws(() => decodeMessage(bad.subarray(0, bad.length - 3)), RaftCorruptionError);
  const h = new TextEncoder().encode(JSON.stringify({ type: 'bogus', from: 'a', to: 'b', term: 1 }));
  const frame = new Uint8Array(5 + h.length);
  frame[0] = 1;
  new DataView(frame.buffer).setUint32(1, h.length);
  frame.set(h, 5);
  assert.throws(() => decodeMessage(frame), RaftCorruptionError);
});
