import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  SessionTable,
  decodeSessionCommand,
  encodeSessionCommand,
} from '../../../../src/metadata/raft/sessions.js';
import { RaftCorruptionError } from '../../../../src/metadata/raft/errors.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

test('session commands round-trip', () => {
  fc.assert(
    fc.property(fc.string({ minLength: 1, maxLength: 60 }), fc.nat(), fc.uint8Array({ maxLength: 64 }), (id, seq, payload) => {
      const c = decodeSessionCommand(encodeSessionCommand(id, seq, payload));
      assert.equal(c.clientId, id);
      assert.equal(c.seq, seq);
      assert.deepEqual([...c.payload], [...payload]);
    }),
  );
});

test('a retried proposal is applied at most once and returns the cached result', () => {
  const t = new SessionTable(100);
  let applied = 0;
  const run = (seq: number, v: string) =>
    t.apply(encodeSessionCommand('c1', seq, enc(v)), (p) => {
      applied++;
      return enc(`ok:${dec(p)}`);
    });
  const first = run(1, 'a');
  const again = run(1, 'a');
  assert.equal(first.kind, 'applied');
  assert.equal(again.kind, 'duplicate');
  assert.equal(applied, 1);
  assert.equal(again.kind === 'duplicate' && dec(again.result), 'ok:a');
  assert.equal(run(2, 'b').kind, 'applied');
  assert.equal(run(1, 'a').kind, 'stale');
  assert.equal(applied, 2);
});

test('the session table evicts the least recently used client and survives a snapshot', () => {
  const t = new SessionTable(2);
  const noop = (p: Uint8Array) => p;
  t.apply(encodeSessionCommand('a', 1, enc('1')), noop);
  t.apply(encodeSessionCommand('b', 1, enc('1')), noop);
  t.apply(encodeSessionCommand('a', 2, enc('2')), noop);
  t.apply(encodeSessionCommand('c', 1, enc('1')), noop);
  assert.equal(t.size(), 2);
  const restored = SessionTable.decode(t.encode(), 2);
  // a is remembered; b was evicted, so its old seq is applied again.
  assert.equal(restored.apply(encodeSessionCommand('a', 2, enc('2')), noop).kind, 'duplicate');
  assert.equal(restored.apply(encodeSessionCommand('b', 1, enc('1')), noop).kind, 'applied');
  assert.throws(() => SessionTable.decode(new Uint8Array([9, 0, 0, 0, 0]), 2), RaftCorruptionError);
});
