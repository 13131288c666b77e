import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { Chunker } from '../../../src/pipeline/cdc.js';
import { ChunkCompressor, CODEC_IDS, codecFromId } from '../../../src/pipeline/compression.js';
import { ErasureCoder, ErasureError } from '../../../src/pipeline/erasure.js';
import { xorshiftBytes } from '../../support/bytes.js';

/** Every way to keep exactly `keep` of `n` indices. */
function subsets(n: number, keep: number): number[][] {
  const out: number[][] = [];
  for (let mask = 0; mask < 1 << n; mask++) {
    const picked = [...Array(n).keys()].filter((i) => mask & (1 << i));
    if (picked.length === keep) out.push(picked);
  }
  return out;
}

function keepOnly(fragments: Buffer[], kept: number[]): (Buffer | null)[] {
  return fragments.map((f, i) => (kept.includes(i) ? f : null));
}

function isErasureError(code: string) {
  return (err: unknown) => err instanceof ErasureError && err.code === code;
}

test('RS(4,2): fragments have equal, 8-aligned sizes; data fragments hold the data in order', async () => {
  const coder = new ErasureCoder(4, 2);
  const data = randomBytes(1001);
  const fragments = await coder.encode(data);
  assert.equal(fragments.length, 6);
  assert.equal(coder.fragmentSizeBytes(1001), 256);
  for (const f of fragments) assert.equal(f.length, 256);
  const joined = Buffer.concat(fragments.slice(0, 4));
  assert.deepEqual(joined.subarray(0, 1001), data);
  assert.ok(joined.subarray(1001).every((b) => b === 0), 'padding is zeros');
  assert.ok(!fragments[4]!.equals(fragments[5]!), 'the two parity fragments differ');
});

test('RS(4,2): each of the 15 ways to keep 4 of 6 fragments decodes the original', async () => {
  const coder = new ErasureCoder(4, 2);
  const data = randomBytes(64 * 1024 + 13);
  const fragments = await coder.encode(data);
  const ways = subsets(6, 4);
  assert.equal(ways.length, 15);
  for (const kept of ways) {
    const decoded = await coder.decode(keepOnly(fragments, kept), data.length);
    assert.deepEqual(decoded, data, `kept ${kept.join(',')}`);
  }
});

test('RS(4,2): any 3 of 6 is too few, with a typed error', async () => {
  const coder = new ErasureCoder(4, 2);
  const data = randomBytes(4096);
  const fragments = await coder.encode(data);
  for (const kept of subsets(6, 3)) {
    await assert.rejects(coder.decode(keepOnly(fragments, kept), data.length), isErasureError('ERASURE_TOO_FEW_FRAGMENTS'));
    await assert.rejects(coder.reconstruct(keepOnly(fragments, kept)), isErasureError('ERASURE_TOO_FEW_FRAGMENTS'));
  }
});

test('RS(8,3): every way to lose 3 of 11 fragments decodes and reconstructs', async () => {
  const coder = new ErasureCoder(8, 3);
  const data = randomBytes(100_003);
  const fragments = await coder.encode(data);
  const ways = subsets(11, 8);
  assert.equal(ways.length, 165);
  for (const kept of ways) {
    const partial = keepOnly(fragments, kept);
    assert.deepEqual(await coder.decode(partial, data.length), data, `kept ${kept.join(',')}`);
    const rebuilt = await coder.reconstruct(partial);
    rebuilt.forEach((f, i) => assert.deepEqual(f, fragments[i], `fragment ${i} after keeping ${kept.join(',')}`));
  }
});

test('property: any k of k+m decode for random sizes, including 0, 1 and odd ones', async () => {
  const layouts: [number, number][] = [
    [4, 2],
    [8, 3],
    [2, 1],
    [6, 3],
  ];
  await fc.assert(
    fc.asyncProperty(
      fc.constantFrom(...layouts),
      fc.oneof(fc.constantFrom(0, 1, 7, 8, 9, 31, 33), fc.integer({ min: 0, max: 70_000 })),
      fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
      fc.integer(),
      async ([k, m], size, randoms, seed) => {
        const coder = new ErasureCoder(k, m);
        const data = xorshiftBytes(size, seed);
        const fragments = await coder.encode(data);
        // Drop m fragments chosen from the random stream.
        const order = [...Array(k + m).keys()].sort(() => randoms.next().value - 0.5);
        const kept = order.slice(0, k);
        const decoded = await coder.decode(keepOnly(fragments, kept), size);
        assert.deepEqual(decoded, data);
        const rebuilt = await coder.reconstruct(keepOnly(fragments, kept));
        rebuilt.forEach((f, i) => assert.deepEqual(f, fragments[i]));
      },
    ),
    { numRuns: 60 },
  );
});

test('a zero-byte chunk has k+m empty fragments and decodes to nothing', async () => {
  const coder = new ErasureCoder(4, 2);
  const fragments = await coder.encode(new Uint8Array(0));
  assert.deepEqual(fragments.map((f) => f.length), [0, 0, 0, 0, 0, 0]);
  const decoded = await coder.decode([null, null, fragments[2]!, fragments[3]!, fragments[4]!, fragments[5]!], 0);
  assert.equal(decoded.length, 0);
});

test('a corrupted fragment passed as present decodes wrong; passed as null it is rebuilt', async () => {
  // The coder trusts what it is given: this is why the read path must drop
  // fragments that fail their checksum. verify() catches the inconsistency.
  const coder = new ErasureCoder(4, 2);
  const data = randomBytes(10_000);
  const fragments = await coder.encode(data);
  assert.equal(await coder.verify(fragments), true);
  const bad = fragments.map((f) => Buffer.from(f));
  bad[1]![17] ^= 0x40;
  assert.equal(await coder.verify(bad), false);
  const corrupt = await coder.decode([null, bad[1]!, bad[2]!, bad[3]!, bad[4]!, null], data.length);
  assert.notDeepEqual(corrupt, data);
  const repaired = await coder.decode([bad[0]!, null, bad[2]!, bad[3]!, bad[4]!, bad[5]!], data.length);
  assert.deepEqual(repaired, data);
});

test('fragment count and size mismatches are typed errors', async () => {
  const coder = new ErasureCoder(4, 2);
  const fragments = await coder.encode(randomBytes(1000));
  await assert.rejects(coder.decode(fragments.slice(0, 5), 1000), isErasureError('ERASURE_FRAGMENT_COUNT'));
  const short = [...fragments];
  short[2] = fragments[2]!.subarray(0, 100);
  await assert.rejects(coder.decode(short, 1000), isErasureError('ERASURE_FRAGMENT_SIZE_MISMATCH'));
  await assert.rejects(coder.decode(fragments, 5000), isErasureError('ERASURE_FRAGMENT_SIZE_MISMATCH'));
  await assert.rejects(coder.reconstruct(short), isErasureError('ERASURE_FRAGMENT_SIZE_MISMATCH'));
  await assert.rejects(coder.decode(fragments, -1), isErasureError('ERASURE_DATA_SIZE'));
});

test('unsupported layouts are rejected', () => {
  for (const [k, m] of [
    [0, 2],
    [4, 0],
    [17, 2],
    [4, 7],
    [2.5, 1],
  ] as const) {
    assert.throws(() => new ErasureCoder(k, m), isErasureError('ERASURE_INVALID_PARAMS'));
  }
});

test('decode does not alias or modify the caller fragments', async () => {
  const coder = new ErasureCoder(4, 2);
  const data = randomBytes(4096);
  const fragments = await coder.encode(data);
  const copies = fragments.map((f) => Buffer.from(f));
  const decoded = await coder.decode([null, copies[1]!, copies[2]!, copies[3]!, copies[4]!, copies[5]!], data.length);
  decoded.fill(0);
  copies.slice(1).forEach((f, i) => assert.deepEqual(f, fragments[i + 1]));
});

test('property: chunked, compressed and erasure-coded data comes back after losing m fragments per chunk', async () => {
  // The pieces composed the way the write and read paths use them.
  const coder = new ErasureCoder(4, 2);
  const compressor = new ChunkCompressor();
  await fc.assert(
    fc.asyncProperty(fc.integer(), fc.integer({ min: 0, max: 120_000 }), fc.nat(5), async (seed, size, lostFirst) => {
      // Half text-like (compressible), half random.
      const random = xorshiftBytes(size >> 1, seed);
      const text = Buffer.from('the quick brown fox jumps over the lazy dog. '.repeat(Math.ceil(size / 90) + 1)).subarray(0, size - (size >> 1));
      const data = Buffer.concat([text, random]);
      const chunker = new Chunker({ minSizeBytes: 1024, avgSizeBytes: 8192, maxSizeBytes: 32768 });
      const chunks = [...chunker.push(data), ...chunker.end()];
      const restored: Buffer[] = [];
      for (const chunk of chunks) {
        const { codec, data: stored } = compressor.compress(chunk);
        const codecId = CODEC_IDS[codec];
        const fragments = await coder.encode(stored);
        const lost = new Set([lostFirst, (lostFirst + 3) % 6]);
        const survivors = fragments.map((f, i) => (lost.has(i) ? null : f));
        const back = await coder.decode(survivors, stored.length);
        restored.push(compressor.decompress(codecFromId(codecId), back, chunk.length));
      }
      assert.ok(Buffer.concat(restored).equals(data));
    }),
    { numRuns: 40 },
  );
});
