import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  ChunkCompressor,
  CODEC_IDS,
  codecFromId,
  CompressionError,
  compressChunk,
  decompressChunk,
} from '../../../src/pipeline/compression.js';

function isCompressionError(code: string) {
  return (err: unknown) => err instanceof CompressionError && err.code === code;
}

function sampleText(bytes: number): Buffer {
  const words = ['object', 'storage', 'chunk', 'bucket', 'erasure', 'parity', 'raft', 'the', 'a', 'of'];
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size <= bytes; i++) {
    const word = words[(i * 7 + (i >> 3)) % words.length]!;
    parts.push(word);
    size += word.length + 1;
  }
  return Buffer.from(parts.join(' ')).subarray(0, bytes);
}

test('property: compress then decompress returns the input, whatever the codec chosen', () => {
  const compressors = [new ChunkCompressor(), new ChunkCompressor(1, false), new ChunkCompressor(3, false)];
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: compressors.length - 1 }),
      fc.oneof(
        fc.uint8Array({ maxLength: 5000 }),
        fc.string({ maxLength: 3000 }).map((s) => new TextEncoder().encode(s.repeat(3))),
        fc.tuple(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 100_000 })).map(([b, n]) => new Uint8Array(n).fill(b)),
        fc.tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 })).map(([r, z]) => Buffer.concat([randomBytes(r), Buffer.alloc(z)])),
      ),
      (which, data) => {
        const compressor = compressors[which]!;
        const { codec, data: stored } = compressor.compress(data);
        if (codec === 'zstd') assert.ok(stored.length <= data.length - data.length / 16);
        else assert.ok(Buffer.from(stored).equals(data));
        assert.ok(compressor.decompress(codec, stored, data.length).equals(data));
      },
    ),
    { numRuns: 200 },
  );
});

test('random bytes stay uncompressed, as the original bytes', () => {
  const data = randomBytes(256 * 1024);
  const out = compressChunk(data);
  assert.equal(out.codec, 'none');
  assert.equal(out.data, data);
});

test('text shrinks well below the threshold', () => {
  const data = sampleText(256 * 1024);
  const out = compressChunk(data);
  assert.equal(out.codec, 'zstd');
  assert.ok(out.data.length < data.length / 4, `compressed to ${out.data.length}`);
  assert.deepEqual(decompressChunk('zstd', out.data, data.length), data);
});

test('data that shrinks by less than 1/16 stays uncompressed', () => {
  // Mostly random with a compressible tail: zstd saves only a few percent.
  const data = Buffer.concat([randomBytes(60_000), Buffer.alloc(2_000)]);
  const out = compressChunk(data);
  assert.equal(out.codec, 'none');
  const moreZeros = Buffer.concat([randomBytes(50_000), Buffer.alloc(12_000)]);
  assert.equal(compressChunk(moreZeros).codec, 'zstd');
});

test('the level-1 probe finds compressible data away from the chunk start', () => {
  // Slices are sampled at the start, the end and evenly between, so a compressible
  // middle is seen.
  const middle = Buffer.concat([randomBytes(40_000), sampleText(100_000), randomBytes(40_000)]);
  assert.equal(new ChunkCompressor().compress(middle).codec, 'zstd');
});

test('the probe trades a blind spot for speed: compressible data between the slices is missed', () => {
  // 4 slices of 4 KiB over 160,000 bytes sit at 0, ~52K, ~104K and ~156K; a
  // zero run from 60K to 100K falls between them. Without the probe it is found.
  const data = Buffer.concat([randomBytes(60_000), Buffer.alloc(40_000), randomBytes(60_000)]);
  assert.equal(new ChunkCompressor(3, true).compress(data).codec, 'none');
  const unprobed = new ChunkCompressor(3, false).compress(data);
  assert.equal(unprobed.codec, 'zstd');
  assert.deepEqual(decompressChunk('zstd', unprobed.data, data.length), data);
});

test('empty and tiny inputs stay uncompressed', () => {
  assert.equal(compressChunk(new Uint8Array(0)).codec, 'none');
  assert.equal(compressChunk(Buffer.from('aaaa')).codec, 'none');
  assert.equal(decompressChunk('none', new Uint8Array(0), 0).length, 0);
});

test('property: a corrupted byte in a zstd chunk is a typed error or decodes exactly, never to wrong bytes', () => {
  const data = sampleText(100_000);
  const { codec, data: stored } = compressChunk(data);
  assert.equal(codec, 'zstd');
  fc.assert(
    fc.property(fc.nat(stored.length - 1), fc.integer({ min: 1, max: 255 }), (at, flip) => {
      const bad = Buffer.from(stored);
      bad[at] ^= flip;
      // A flip in a bit the decoder ignores (e.g. the frame header's unused bit) may still
      // decode exactly; what must never happen is different bytes without an error.
      let out: Buffer;
      try {
        out = decompressChunk('zstd', bad, data.length);
      } catch (err) {
        assert.ok(err instanceof CompressionError, String(err));
        return;
      }
      assert.ok(out.equals(data), `corruption at byte ${at} (xor ${flip}) decoded to different bytes`);
    }),
    { numRuns: 300 },
  );
});

test('garbage and truncated zstd input are typed errors', () => {
  const data = sampleText(100_000);
  const { data: stored } = compressChunk(data);
  assert.throws(() => decompressChunk('zstd', randomBytes(500), 1000), isCompressionError('COMPRESSION_CORRUPT'));
  assert.throws(() => decompressChunk('zstd', stored.subarray(0, stored.length - 5), data.length), isCompressionError('COMPRESSION_CORRUPT'));
});

test('a size that disagrees with the stored bytes is a typed error', () => {
  const data = sampleText(100_000);
  const { data: stored } = compressChunk(data);
  assert.throws(() => decompressChunk('zstd', stored, data.length + 1), isCompressionError('COMPRESSION_SIZE_MISMATCH'));
  assert.throws(() => decompressChunk('zstd', stored, data.length - 1), (err: unknown) => err instanceof CompressionError);
  assert.throws(() => decompressChunk('none', data, data.length - 1), isCompressionError('COMPRESSION_SIZE_MISMATCH'));
  assert.throws(() => decompressChunk('zstd', stored, 1e12), isCompressionError('COMPRESSION_SIZE_MISMATCH'));
});

test('codec ids are stable and unknown ids are rejected', () => {
  assert.deepEqual({ ...CODEC_IDS }, { none: 0, zstd: 1 });
  assert.equal(codecFromId(0), 'none');
  assert.equal(codecFromId(1), 'zstd');
  assert.throws(() => codecFromId(2), isCompressionError('COMPRESSION_UNKNOWN_CODEC'));
});

test('one compressor instance serves many chunks of different sizes', () => {
  const compressor = new ChunkCompressor(3);
  for (const size of [10_000, 300_000, 1000, 1_000_000]) {
    const data = sampleText(size);
    const out = compressor.compress(data);
    assert.equal(out.codec, 'zstd');
    assert.deepEqual(compressor.decompress(out.codec, out.data, size), data);
  }
});
