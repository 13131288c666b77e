// Model-based test: random interleavings of put, replace, delete, compact and
// reopen against a Map, checking contents, stats and scrub after every run.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { FragmentStore } from '../../../src/storage/fragment-store.js';
import { withTempDir } from './fixtures/temp-dir.js';
import { fragmentData, fragmentId } from './fixtures/fragment-data.js';

type Command =
  | { kind: 'put'; n: number; size: number; replace: boolean }
  | { kind: 'delete'; n: number }
  | { kind: 'compact'; ratio: number }
  | { kind: 'reopen' };

const command: fc.Arbitrary<Command> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), n: fc.nat({ max: 15 }), size: fc.nat({ max: 6000 }), replace: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), n: fc.nat({ max: 15 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const), ratio: fc.constantFrom(0.3, 0.6, 0.95) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reopen' as const) }) },
);

const SEGMENT_BYTES = 16 * 1024;

async function check(store: FragmentStore, model: Map<number, Buffer>): Promise<void> {
  for (let n = 0; n < 16; n++) {
    const expected = model.get(n) ?? null;
    assert.deepEqual(await store.get(fragmentId(n)), expected, `fragment ${n}`);
  }
  const stats = store.stats();
  assert.equal(stats.fragments, model.size);
  assert.equal(stats.bytesLive, [...model.values()].reduce((sum, b) => sum + b.length, 0));
}

test('random put/replace/delete/compact/reopen sequences match a Map', { timeout: 120_000 }, async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.array(command, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }), async (steps) => {
    await withTempDir(async (dir) => {
      const model = new Map<number, Buffer>();
      let store = await FragmentStore.open({ dir, segmentSizeBytesMax: SEGMENT_BYTES });
      try {
        for (const step of steps) {
          // The commands of one step are issued together, so they share batches.
          const pending: Promise<unknown>[] = [];
          for (const cmd of step) {
            if (cmd.kind === 'put') {
              const data = fragmentData(cmd.n * 1000 + cmd.size, cmd.size);
              if (cmd.replace || !model.has(cmd.n)) model.set(cmd.n, data);
              pending.push(store.put(fragmentId(cmd.n), data, { replace: cmd.replace }));
            } else if (cmd.kind === 'delete') {
              model.delete(cmd.n);
              pending.push(store.delete(fragmentId(cmd.n)));
            } else if (cmd.kind === 'compact') {
              pending.push(store.compact({ liveRatioMax: cmd.ratio }));
            } else {
              await Promise.all(pending.splice(0));
              await store.close();
              store = await FragmentStore.open({ dir, segmentSizeBytesMax: SEGMENT_BYTES });
            }
          }
          await Promise.all(pending);
        }
        await check(store, model);
        assert.equal((await store.scrub()).corrupt.length, 0);
        await store.close();
        store = await FragmentStore.open({ dir, segmentSizeBytesMax: SEGMENT_BYTES });
        assert.equal(store.recovery.tornBytesTruncated + store.recovery.orphanSegmentsRemoved + store.recovery.fragmentsDropped, 0);
        await check(store, model);
      } finally {
        await store.close();
      }
    });
  }), { numRuns: 25 });
});
