// Model-based test of the failure paths: random puts, replaces and deletes while
// writes and fsyncs fail at random. A failed operation may or may not have taken
// effect, so the model keeps, per id, the set of values the store may hold.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { FragmentStore } from '../../../src/storage/fragment-store.js';
import { nodeStorageFs, type StorageFs } from '../../../src/storage/storage-fs.js';
import { withTempDir } from './fixtures/temp-dir.js';
import { fragmentData, fragmentId } from './fixtures/fragment-data.js';

type Op = { kind: 'put'; n: number; size: number; replace: boolean } | { kind: 'delete'; n: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), n: fc.nat({ max: 9 }), size: fc.nat({ max: 3000 }), replace: fc.boolean() }),
  fc.record({ kind: fc.constant('delete' as const), n: fc.nat({ max: 9 }) }),
);

/** A file-system layer whose writes and fsyncs fail when the next coin says so. */
function coinFs(coins: boolean[]): StorageFs {
  const inner = nodeStorageFs();
  let next = 0;
  const flip = (): boolean => coins[next++ % coins.length]!;
  const fail = (code: string): never => {
    throw Object.assign(new Error(`${code}: injected`), { code });
  };
  return {
    ...inner,
    async openSegment(path, create) {
      const file = await inner.openSegment(path, create);
      return {
        ...file,
        writeAll: async (buffers, position) => (flip() ? fail('ENOSPC') : file.writeAll(buffers, position)),
        datasync: async () => (flip() ? fail('EIO') : file.datasync()),
        read: (buffer, position) => file.read(buffer, position),
        truncate: (length) => file.truncate(length),
        sizeBytes: () => file.sizeBytes(),
        close: () => file.close(),
      };
    },
  };
}

type Value = string | null; // hex of the data, or absent

function outcomes(possible: Set<Value>, o: Op, ok: boolean): Set<Value> {
  const result = new Set<Value>();
  for (const current of possible) {
    if (o.kind === 'delete') {
      result.add(null);
      if (!ok) result.add(current);
    } else {
      const written = fragmentData(o.n * 10_000 + o.size, o.size).toString('hex');
      const writes = o.replace || current === null;
      if (ok) result.add(writes ? written : current);
      else result.add(current).add(writes ? null : current);
    }
  }
  return result;
}

test('under random write and fsync failures every id holds a value its history allows', { timeout: 120_000 }, async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.array(op, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 10 }),
    fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }),
    async (steps, coins) => {
      await withTempDir(async (dir) => {
        const model = new Map<number, Set<Value>>();
        const possible = (n: number): Set<Value> => model.get(n) ?? new Set([null]);
        const store = await FragmentStore.open({ dir, fs: coinFs(coins), segmentSizeBytesMax: 8 * 1024 });
        try {
          for (const step of steps) {
            const results = await Promise.allSettled(step.map((o) => (o.kind === 'put'
              ? store.put(fragmentId(o.n), fragmentData(o.n * 10_000 + o.size, o.size), { replace: o.replace })
              : store.delete(fragmentId(o.n)))));
            step.forEach((o, i) => model.set(o.n, outcomes(possible(o.n), o, results[i]!.status === 'fulfilled')));
          }
        } finally {
          await store.close();
        }
        const reopened = await FragmentStore.open({ dir, segmentSizeBytesMax: 8 * 1024 });
        try {
          let present = 0;
          for (let n = 0; n < 10; n++) {
            const data = await reopened.get(fragmentId(n));
            const value = data === null ? null : data.toString('hex');
            if (value !== null) present++;
            assert.ok(possible(n).has(value), `fragment ${n} holds a value its history does not allow`);
          }
          assert.equal(reopened.stats().fragments, present);
          assert.equal((await reopened.scrub()).corrupt.length, 0);
        } finally {
          await reopened.close();
        }
      });
    },
  ), { numRuns: 30 });
});
