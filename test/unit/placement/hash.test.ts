import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { chunkKeyOf, exponentialBits, pairHash } from '../../../src/placement/hash.js';

test('exponentialBits equals -log2 of the hash quantile to within 1e-9 bits', () => {
  fc.assert(fc.property(fc.integer({ min: -0x8000_0000, max: 0x7fff_ffff }), (h) => {
    const expected = -Math.log2((h + 2 ** 31 + 1) / 2 ** 32);
    assert.ok(Math.abs(exponentialBits(h) - expected) < 1e-9, `h=${h}`);
  }), { numRuns: 2000 });
  assert.equal(exponentialBits(0x7fff_ffff), 0);
  assert.ok(Math.abs(exponentialBits(-0x8000_0000) - 32) < 1e-9);
});

test('exponentialBits decreases as the hash grows, so equal weights may compare raw hashes', () => {
  let previous = Infinity;
  for (let h = -0x8000_0000; h < 0x7fff_ffff; h += 65_537) {
    const bits = exponentialBits(h);
    assert.ok(bits <= previous, `not monotone at ${h}`);
    previous = bits;
  }
});

test('pairHash is a pure function whose outputs look uniform', () => {
  assert.equal(pairHash(1, 2, 3, 4, 5), pairHash(1, 2, 3, 4, 5));
  const buckets = new Array<number>(16).fill(0);
  for (let i = 0; i < 160_000; i++) buckets[(pairHash(i, i * 7, 0x1234, 0x5678, 3) >>> 0) >>> 28]!++;
  for (const count of buckets) assert.ok(Math.abs(count - 10_000) < 500, `bucket count ${count}`);
});

test('chunkKeyOf uses every byte of the id', () => {
  const id = new Uint8Array(32);
  const base = { ...chunkKeyOf(id) };
  for (let i = 0; i < 32; i++) {
    const changed = id.slice();
    changed[i] = 1;
    const key = chunkKeyOf(changed);
    assert.ok(key.a !== base.a || key.b !== base.b, `byte ${i} ignored`);
  }
});
