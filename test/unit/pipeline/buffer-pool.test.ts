import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { BufferPool } from '../../../src/pipeline/buffer-pool.js';
import { ErasureCoder } from '../../../src/pipeline/erasure.js';
import { Chunker } from '../../../src/pipeline/cdc.js';
import { xorshiftBytes } from '../../support/bytes.js';

test('a given buffer is reused for the next take of its size class', () => {
  const pool = new BufferPool(1 << 20, 8 << 20);
  const a = pool.take(100_000);
  assert.equal(a.length, 100_000);
  pool.give(a);
  assert.equal(pool.idle, 128 * 1024);
  const b = pool.take(70_000);
  assert.equal(b.buffer, a.buffer, 'same size class reuses the buffer');
  assert.equal(b.length, 70_000);
  assert.equal(pool.idle, 0);
  const c = pool.take(70_000);
  assert.notEqual(c.buffer, b.buffer, 'a buffer that is out is never handed out twice');
});

test('a double give, or a view the pool never made, cannot hand one buffer to two owners', () => {
  const pool = new BufferPool(1 << 20, 8 << 20);
  const a = pool.take(200_000);
  pool.give(a);
  pool.give(a);
  pool.give(Buffer.allocUnsafeSlow(256 * 1024));
  const b = pool.take(200_000);
  const c = pool.take(200_000);
  assert.equal(b.buffer, a.buffer);
  assert.notEqual(c.buffer, b.buffer);
});

test('idle bytes stay under the bound and oversized requests are not pooled', () => {
  const pool = new BufferPool(1 << 20, 256 * 1024);
  const views = [pool.take(200_000), pool.take(200_000), pool.take(200_000)];
  for (const v of views) pool.give(v);
  assert.equal(pool.idle, 256 * 1024, 'only one 256 KiB buffer fits the idle bound');
  const big = pool.take(2 << 20);
  assert.equal(big.length, 2 << 20);
  pool.give(big);
  assert.equal(pool.idle, 256 * 1024);
});

test('pooled stripes and chunks: recycled buffers give the same fragments and chunks as fresh ones', async () => {
  const pool = new BufferPool(4 << 20, 64 << 20);
  const coder = new ErasureCoder(4, 2);
  const data = xorshiftBytes(3 << 20, 7);
  const params = { minSizeBytes: 64 * 1024, avgSizeBytes: 256 * 1024, maxSizeBytes: 1024 * 1024 };
  const fresh = new Chunker(params).push(data);
  const pooled = new Chunker(params, 'wasm', (n) => pool.take(n)).push(data);
  assert.deepEqual(pooled.map((c) => c.length), fresh.map((c) => c.length));
  for (let i = 0; i < fresh.length; i++) {
    assert.ok(pooled[i]!.equals(fresh[i]!));
    const want = await coder.encode(fresh[i]!);
    // Dirty the pool first, so stale bytes would show in padding or parity.
    const dirty = pool.take(want[0]!.length * 6);
    dirty.fill(0xa5);
    pool.give(dirty);
    const got = await coder.encode(pooled[i]!, (n) => pool.take(n));
    assert.deepEqual(got, want);
    pool.give(got[0]!);
    pool.give(pooled[i]!);
  }
});
