// The linearizability checker is validated on hand-made histories with known answers and on
// histories generated from a real linearization, before anything trusts its verdicts.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { checkOperations, kvModel, type KvInput, type KvOutput, type Operation } from '../../../support/raft/linearizability.js';

type Op = Operation<KvInput, KvOutput>;
const put = (c: number, key: string, value: string, call: number, ret: number): Op => ({ clientId: c, input: { op: 'put', key, value }, call, output: ret === Infinity ? undefined : { value: '' }, return: ret });
const append = (c: number, key: string, value: string, call: number, ret: number): Op => ({ ...put(c, key, value, call, ret), input: { op: 'append', key, value } });
const get = (c: number, key: string, value: string, call: number, ret: number): Op => ({ clientId: c, input: { op: 'get', key }, call, output: { value }, return: ret });

test('hand-made linearizable histories pass', () => {
  assert.equal(checkOperations(kvModel, [put(0, 'x', '1', 0, 10), get(1, 'x', '1', 5, 15)]), 'ok');
  // Concurrent puts may take effect in either order.
  assert.equal(checkOperations(kvModel, [put(0, 'x', '1', 0, 50), put(1, 'x', '2', 10, 20), get(2, 'x', '1', 30, 40)]), 'ok');
  // A timed-out append may take effect late, or never.
  assert.equal(checkOperations(kvModel, [append(0, 'x', 'a', 0, Infinity), get(1, 'x', '', 10, 20), get(2, 'x', 'a', 30, 40)]), 'ok');
  assert.equal(checkOperations(kvModel, [append(0, 'x', 'a', 0, Infinity), get(1, 'x', '', 10, 20)]), 'ok');
  // Keys are independent.
  assert.equal(checkOperations(kvModel, [put(0, 'x', '1', 0, 10), put(0, 'y', '2', 20, 30), get(1, 'x', '1', 40, 50), get(1, 'y', '2', 40, 50)]), 'ok');
});

test('hand-made non-linearizable histories fail', () => {
  // A read that misses a write completed before it began (a stale read).
  assert.equal(checkOperations(kvModel, [put(0, 'x', '1', 0, 10), get(1, 'x', '', 20, 30)]), 'illegal');
  // Writes that completed in order are observed out of order.
  assert.equal(checkOperations(kvModel, [put(0, 'x', '1', 0, 10), put(1, 'x', '2', 20, 30), get(2, 'x', '1', 40, 50)]), 'illegal');
  // Once visible, an effect cannot disappear.
  assert.equal(
    checkOperations(kvModel, [append(0, 'x', 'a', 0, Infinity), get(1, 'x', 'a', 30, 40), get(2, 'x', '', 50, 60)]),
    'illegal',
  );
  // A retried append applied twice.
  assert.equal(checkOperations(kvModel, [append(0, 'x', 'a', 0, 10), get(1, 'x', 'aa', 20, 30)]), 'illegal');
  // A value nobody wrote.
  assert.equal(checkOperations(kvModel, [put(0, 'x', '1', 0, 10), get(1, 'x', '7', 0, 30)]), 'illegal');
});

// Builds a concurrent history from a sequential execution: each operation gets an interval
// around its linearization point, so the history is linearizable by construction.
const historyArb = fc
  .array(
    fc.record({
      op: fc.constantFrom('get', 'put', 'append'),
      key: fc.constantFrom('a', 'b'),
      v: fc.integer({ min: 0, max: 9 }),
      before: fc.integer({ min: 0, max: 30 }),
      after: fc.integer({ min: 0, max: 30 }),
      lost: fc.boolean(),
    }),
    { minLength: 1, maxLength: 24 },
  )
  .map((steps) => {
    const state = new Map<string, string>();
    return steps.map((s, i): Op => {
      const point = i * 10;
      const call = point - s.before;
      const ret = point + s.after;
      const cur = state.get(s.key) ?? '';
      if (s.op === 'get') return get(i, s.key, cur, call, ret);
      const value = `${s.v}`;
      state.set(s.key, s.op === 'put' ? value : cur + value);
      const mk = s.op === 'put' ? put : append;
      return mk(i, s.key, value, call, s.lost ? Infinity : ret);
    });
  });

test('histories generated from a linearization are accepted', () => {
  fc.assert(fc.property(historyArb, (h) => checkOperations(kvModel, h) === 'ok'), { numRuns: 300 });
});

test('a read of a value no write produced is always rejected', () => {
  fc.assert(
    fc.property(historyArb, (h) => {
      const bad: Op = get(99, 'a', 'never-written', -1000, 100_000);
      return checkOperations(kvModel, [...h, bad]) === 'illegal';
    }),
    { numRuns: 200 },
  );
});
