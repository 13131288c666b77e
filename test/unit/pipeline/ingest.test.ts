import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Chunker } from '../../../src/pipeline/cdc.js';
import { fingerprint } from '../../../src/pipeline/fingerprint.js';
import { IngestError, IngestPool } from '../../../src/pipeline/ingest.js';
import { xorshiftBytes } from '../../support/bytes.js';

const params = { minSizeBytes: 16 * 1024, avgSizeBytes: 64 * 1024, maxSizeBytes: 256 * 1024 };
const alloc = (n: number) => Buffer.allocUnsafe(n);

/** Pieces of pseudo-random sizes (1 byte up to 150 KiB), as a socket might deliver them. */
function split(data: Buffer, seed: number): Buffer[] {
  const sizes = xorshiftBytes(4 * 4096, seed);
  const out: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const n = 1 + (sizes.readUInt32LE((4 * i) % (sizes.length - 4)) % (150 * 1024));
    out.push(data.subarray(at, at + n));
    at += n;
  }
  return out;
}

async function ingest(pool: IngestPool, pieces: Buffer[]): Promise<{ chunks: Buffer[]; fps: Buffer[]; md5: Buffer }> {
  const session = pool.open(params, alloc)!;
  const chunks: Buffer[] = [];
  const fps: Buffer[] = [];
  const collect = () => {
    for (let c = session.next(); c; c = session.next()) {
      chunks.push(c.raw);
      fps.push(c.fp);
    }
  };
  for (const p of pieces) {
    await session.write(p);
    collect();
  }
  const md5 = await session.end();
  collect();
  return { chunks, fps, md5 };
}

test('the worker cuts, fingerprints and MD5s exactly like the in-thread chunker, across slab boundaries', async () => {
  const pool = new IngestPool({ workers: 2, slabBytes: 40 * 1024, sessionBytesMax: 600 * 1024, idleSlabsMax: 4 });
  try {
    for (const seed of [1, 2, 3]) {
      const data = xorshiftBytes(5 * 1024 * 1024 + seed * 777, seed);
      const reference = new Chunker(params);
      const wantChunks = [...reference.push(data), ...reference.end()];
      assert.ok(wantChunks.length > 10);
      const got = await ingest(pool, split(data, seed));
      assert.deepEqual(got.chunks.map((c) => c.length), wantChunks.map((c) => c.length));
      assert.ok(Buffer.concat(got.chunks).equals(data));
      assert.deepEqual(got.fps, wantChunks.map((c) => fingerprint(c)));
      assert.ok(got.md5.equals(createHash('md5').update(data).digest()));
    }
  } finally {
    await pool.close();
  }
});

test('sessions run side by side on one worker without mixing their streams', async () => {
  const pool = new IngestPool({ workers: 1, slabBytes: 64 * 1024, sessionBytesMax: 512 * 1024, idleSlabsMax: 4 });
  try {
    const datas = [10, 11, 12, 13].map((seed) => xorshiftBytes(2 * 1024 * 1024 + seed, seed));
    const results = await Promise.all(datas.map((d, i) => ingest(pool, split(d, i + 20))));
    results.forEach((r, i) => {
      assert.ok(Buffer.concat(r.chunks).equals(datas[i]!));
      assert.ok(r.md5.equals(createHash('md5').update(datas[i]!).digest()));
    });
  } finally {
    await pool.close();
  }
});

test('an empty body, a one-byte body, a small body and an aborted session', async () => {
  const pool = new IngestPool({ workers: 1, slabBytes: 64 * 1024, sessionBytesMax: 512 * 1024, idleSlabsMax: 4 });
  try {
    const one = await ingest(pool, [Buffer.from([42])]);
    assert.equal(one.chunks.length, 1);
    assert.ok(one.md5.equals(createHash('md5').update(Buffer.from([42])).digest()));
    // Shorter than a quarter slab: the worker gets a copy and the slab stays here.
    const small = xorshiftBytes(10_000, 9);
    const smallGot = await ingest(pool, split(small, 9));
    assert.ok(Buffer.concat(smallGot.chunks).equals(small));
    assert.ok(smallGot.md5.equals(createHash('md5').update(small).digest()));
    const none = await ingest(pool, []);
    assert.equal(none.chunks.length, 0);
    assert.ok(none.md5.equals(createHash('md5').digest()));
    const aborted = pool.open(params, alloc)!;
    await aborted.write(xorshiftBytes(300 * 1024, 5));
    aborted.abort();
    const after = await ingest(pool, [xorshiftBytes(100 * 1024, 6)]);
    assert.ok(Buffer.concat(after.chunks).equals(xorshiftBytes(100 * 1024, 6)));
  } finally {
    await pool.close();
  }
});

test('a worker that dies fails its sessions with IngestError, and the next session gets a new worker', async () => {
  const pool = new IngestPool({ workers: 1, slabBytes: 64 * 1024, sessionBytesMax: 512 * 1024, idleSlabsMax: 4 });
  try {
    const session = pool.open(params, alloc)!;
    await session.write(xorshiftBytes(100 * 1024, 7));
    await pool.close();
    await assert.rejects(session.end(), IngestError);
    const next = await ingest(pool, [xorshiftBytes(100 * 1024, 8)]);
    assert.ok(Buffer.concat(next.chunks).equals(xorshiftBytes(100 * 1024, 8)));
  } finally {
    await pool.close();
  }
});

test('workers: 0 turns the worker path off', () => {
  const pool = new IngestPool({ workers: 0, slabBytes: 64 * 1024, sessionBytesMax: 512 * 1024, idleSlabsMax: 4 });
  assert.equal(pool.open(params, alloc), null);
});
