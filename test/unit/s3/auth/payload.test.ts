// createPayloadVerifier(): decoding aws-chunked bodies and verifying hashes and checksums.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import fc from 'fast-check';
import { createPayloadVerifier } from '../../../../src/s3/auth/payload.js';
import type { PayloadMode } from '../../../../src/s3/auth/types.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { checksumBase64, checksumAlgorithms, checksumHeader } from '../../../../src/pipeline/checksums.js';
import { limits } from '../../../../src/limits.js';
import { runBody, splitAt, unsignedChunked } from './body.js';

const unsignedTrailer: PayloadMode = { kind: 'streaming-unsigned-trailer' };

function trailerHeaders(decodedLength: number, trailer = 'x-amz-checksum-crc32'): Record<string, string> {
  return {
    'content-encoding': 'aws-chunked', 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'x-amz-decoded-content-length': String(decodedLength), 'x-amz-trailer': trailer,
  };
}

function isCode(err: unknown, code: string): boolean {
  return err instanceof S3Error && err.code === code;
}

test('unsigned trailer: any data, chunking and read boundaries decode and verify, for every algorithm', async () => {
  await fc.assert(fc.asyncProperty(
    fc.uint8Array({ maxLength: 3000 }), fc.integer({ min: 1, max: 1200 }), fc.array(fc.nat(), { maxLength: 10 }),
    fc.constantFrom(...checksumAlgorithms),
    async (bytes, chunkBytes, cuts, alg) => {
      const data = Buffer.from(bytes);
      const name = checksumHeader(alg);
      const body = unsignedChunked(data, chunkBytes, [`${name}:${checksumBase64(alg, data)}`]);
      const v = createPayloadVerifier(unsignedTrailer, trailerHeaders(data.length, name));
      const out = await runBody(v, splitAt(body, cuts));
      assert.equal(out.error, undefined);
      assert.deepEqual(out.data, data);
      assert.deepEqual(v.checksum(), { algorithm: alg, base64: checksumBase64(alg, data) });
      assert.equal(v.trailers()[name], checksumBase64(alg, data));
    },
  ), { numRuns: 150 });
});

test('unsigned trailer: a wrong checksum is BadDigest, an undeclared or missing one InvalidRequest', async () => {
  const data = randomBytes(5000);
  const good = `x-amz-checksum-crc32:${checksumBase64('CRC32', data)}`;
  const bad = `x-amz-checksum-crc32:${checksumBase64('CRC32', Buffer.from('other'))}`;
  const run = (lines: string[], headers = trailerHeaders(data.length)) =>
    runBody(createPayloadVerifier(unsignedTrailer, headers), [unsignedChunked(data, 1000, lines)]);
  assert.equal((await run([good])).error, undefined);
  assert.ok(isCode((await run([bad])).error, 'BadDigest'));
  assert.ok(isCode((await run([])).error, 'InvalidRequest'));
  assert.ok(isCode((await run([`x-amz-checksum-crc32c:${checksumBase64('CRC32C', data)}`])).error, 'InvalidRequest'));
  assert.ok(isCode((await run([good, 'x-amz-checksum-sha1:' + checksumBase64('SHA1', data)])).error, 'InvalidRequest'));
  assert.ok(isCode((await run(['x-amz-checksum-crc32:!!notbase64'])).error, 'InvalidRequest'));
  assert.ok(isCode((await run([good, good])).error, 'InvalidRequest'));
});

test('aws-chunked framing errors: truncation, length mismatch, bad sizes, missing CRLF, trailing garbage', async () => {
  const data = Buffer.alloc(3000, 7);
  const line = `x-amz-checksum-crc32:${checksumBase64('CRC32', data)}`;
  const body = unsignedChunked(data, 1000, [line]);
  const run = (b: Buffer, headers = trailerHeaders(data.length)) => runBody(createPayloadVerifier(unsignedTrailer, headers), [b]);
  for (const cut of [1, 10, 1500, body.length - line.length - 5]) {
    assert.ok(isCode((await run(body.subarray(0, cut))).error, 'IncompleteBody'), `cut at ${cut}`);
  }
  assert.ok(isCode((await run(body, trailerHeaders(2999))).error, 'IncompleteBody'));
  assert.ok(isCode((await run(body, trailerHeaders(3001))).error, 'IncompleteBody'));
  assert.ok(isCode((await run(Buffer.from('zz\r\n'))).error, 'InvalidRequest'));
  assert.ok(isCode((await run(Buffer.from('-1\r\n'))).error, 'InvalidRequest'));
  assert.ok(isCode((await run(Buffer.from(`${(limits.awsChunkSizeBytesMax + 1).toString(16)}\r\n`))).error, 'InvalidRequest'));
  assert.ok(isCode((await run(Buffer.from('3\r\nabcX\r\n'), trailerHeaders(3))).error, 'InvalidRequest'));
  assert.ok(isCode((await run(Buffer.from('3\nabc\r\n'), trailerHeaders(3))).error, 'InvalidRequest'));
  assert.ok(isCode((await run(Buffer.concat([body, Buffer.from('extra')]))).error, 'InvalidRequest'));
  // Trailer lines ending in a bare LF are accepted (their content is still verified).
  const lfTrailer = Buffer.from(body.toString('latin1').replace(`${line}\r\n\r\n`, `${line}\n\n`), 'latin1');
  assert.notDeepEqual(lfTrailer, body);
  assert.equal((await run(lfTrailer)).error, undefined);
  // A trailing CRLF after the end is tolerated, as is a body that stops right after its trailer line.
  assert.equal((await run(Buffer.concat([body, Buffer.from('\r\n')]))).error, undefined);
  assert.equal((await run(body.subarray(0, body.length - 2))).error, undefined);
});

test('header and trailer lines are capped, so a client cannot make us buffer without bound', async () => {
  const longHeader = Buffer.from(`1;${'x'.repeat(limits.awsChunkHeaderBytesMax)}\r\n`);
  const out = await runBody(createPayloadVerifier(unsignedTrailer, trailerHeaders(1)), splitAt(longHeader, [100, 2000]));
  assert.ok(isCode(out.error, 'InvalidRequest'));
  assert.match((out.error as Error).message, /chunk header too long/);
  const longTrailer = Buffer.concat([Buffer.from('0\r\n'), Buffer.from(`x-amz-meta:${'y'.repeat(limits.awsTrailerBytesMax)}\r\n\r\n`)]);
  const out2 = await runBody(createPayloadVerifier(unsignedTrailer, trailerHeaders(0)), [longTrailer]);
  assert.match((out2.error as Error).message, /trailer too long/);
  const manyTrailers = Buffer.concat([Buffer.from('0\r\n'), ...Array.from({ length: 2000 }, (_, i) => Buffer.from(`x-t${i}:v\r\n`))]);
  const out3 = await runBody(createPayloadVerifier(unsignedTrailer, trailerHeaders(0)), [manyTrailers]);
  assert.match((out3.error as Error).message, /trailer too long/);
});

test('streaming modes need a well-formed x-amz-decoded-content-length', () => {
  const headers = trailerHeaders(1);
  delete (headers as Record<string, string | undefined>)['x-amz-decoded-content-length'];
  assert.throws(() => createPayloadVerifier(unsignedTrailer, headers), (e: unknown) => isCode(e, 'MissingContentLength'));
  assert.throws(() => createPayloadVerifier(unsignedTrailer, { ...trailerHeaders(1), 'x-amz-decoded-content-length': '1e3' }),
    (e: unknown) => isCode(e, 'InvalidArgument'));
});

test('sha256 mode: the body must hash to the signed value', async () => {
  const data = randomBytes(10_000);
  const expectedHex = createHash('sha256').update(data).digest('hex');
  const ok = await runBody(createPayloadVerifier({ kind: 'sha256', expectedHex }, {}), splitAt(data, [1, 4000]));
  assert.equal(ok.error, undefined);
  assert.deepEqual(ok.data, data);
  const tampered = Buffer.from(data);
  tampered[9999] = tampered[9999]! ^ 1;
  const bad = await runBody(createPayloadVerifier({ kind: 'sha256', expectedHex }, {}), [tampered]);
  assert.ok(isCode(bad.error, 'XAmzContentSHA256Mismatch'));
  assert.equal((bad.error as S3Error).fields.S3ComputedContentSHA256, createHash('sha256').update(tampered).digest('hex'));
});

test('x-amz-checksum-* request headers are verified on plain bodies', async () => {
  const data = Buffer.from('checked body');
  const unsigned: PayloadMode = { kind: 'unsigned' };
  for (const alg of checksumAlgorithms) {
    const v = createPayloadVerifier(unsigned, { [checksumHeader(alg)]: checksumBase64(alg, data) });
    assert.equal((await runBody(v, [data])).error, undefined, alg);
    assert.deepEqual(v.checksum(), { algorithm: alg, base64: checksumBase64(alg, data) });
    const wrong = createPayloadVerifier(unsigned, { [checksumHeader(alg)]: checksumBase64(alg, Buffer.from('other')) });
    assert.ok(isCode((await runBody(wrong, [data])).error, 'BadDigest'), alg);
  }
  assert.throws(() => createPayloadVerifier(unsigned, { 'x-amz-checksum-crc32': 'AAAA' }), (e: unknown) => isCode(e, 'InvalidRequest'));
  assert.throws(() => createPayloadVerifier(unsigned, {
    'x-amz-checksum-crc32': checksumBase64('CRC32', data), 'x-amz-checksum-sha1': checksumBase64('SHA1', data),
  }), (e: unknown) => isCode(e, 'InvalidRequest'));
  assert.throws(() => createPayloadVerifier(unsigned, { 'x-amz-trailer': 'x-amz-checksum-crc32' }), (e: unknown) => isCode(e, 'InvalidRequest'));
  // CompleteMultipartUpload's checksum header is the object's, not the XML body's.
  const complete = createPayloadVerifier(unsigned, { 'x-amz-checksum-crc32': checksumBase64('CRC32', Buffer.from('whole object')) }, { ignoreChecksumHeaders: true });
  const completed = await runBody(complete, [data]);
  assert.equal(completed.error, undefined);
  assert.equal(complete.checksum(), undefined);
  // Names that merely share the prefix are not checksums.
  const v = createPayloadVerifier(unsigned, { 'x-amz-checksum-algorithm': 'CRC32', 'x-amz-checksum-type': 'FULL_OBJECT' });
  assert.equal((await runBody(v, [data])).error, undefined);
  assert.equal(v.checksum(), undefined);
});

test('a 64 MiB aws-chunked body streams through in bounded memory', async () => {
  const chunk = randomBytes(64 * 1024);
  const chunks = 1024;
  const framed = unsignedChunked(chunk, chunk.length, []);
  const oneChunk = framed.subarray(0, framed.length - 5); // without '0\r\n\r\n'
  const headers = { ...trailerHeaders(chunk.length * chunks), 'x-amz-trailer': '' };
  const v = createPayloadVerifier(unsignedTrailer, headers);
  const pieces = function* (): Generator<Buffer> {
    for (let i = 0; i < chunks; i++) yield oneChunk;
    yield Buffer.from('0\r\n\r\n');
  };
  const heapBefore = process.memoryUsage().heapUsed;
  let total = 0;
  let peakHeap = heapBefore;
  const start = process.hrtime.bigint();
  await pipeline(Readable.from(pieces()), v.stream, new Writable({
    write(c: Buffer, _e, cb) {
      total += c.length;
      if ((total & 0xffffff) === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
      cb();
    },
  }));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  assert.equal(total, chunk.length * chunks);
  assert.ok(peakHeap - heapBefore < 32 * 1024 * 1024, `heap grew by ${peakHeap - heapBefore}`);
  console.log(`# aws-chunked decode, unsigned, 64 MiB: ${(total / 1e6 / seconds).toFixed(0)} MB/s`);
});
