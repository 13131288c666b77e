// Signed aws-chunked bodies of any shape, produced by a small encoder written here with raw
// node:crypto (independent of src/s3/auth/canonical.ts), then run through authenticate() and
// createPayloadVerifier() like a request from minio-go or the Java SDK.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { authenticate, createPayloadVerifier } from '../../../../src/s3/auth/index.js';
import type { AuthRequest } from '../../../../src/s3/auth/types.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { checksumBase64 } from '../../../../src/pipeline/checksums.js';
import { runBody, splitAt } from './body.js';

const secret = 'streaming/secret';
const lookup = (id: string) => (id === 'AKSTREAM' ? { accessKeyId: id, secretAccessKey: secret } : undefined);
const amzDate = '20260301T101500Z';
const nowMs = Date.UTC(2026, 2, 1, 10, 15, 0);
const scope = '20260301/us-east-1/s3/aws4_request';

const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s).digest();
const sha = (d: string | Buffer) => createHash('sha256').update(d).digest('hex');
const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, '20260301'), 'us-east-1'), 's3'), 'aws4_request');

/** A signed streaming PUT: the request and its framed body. */
function signedStream(data: Buffer, chunkBytes: number, trailer: boolean): { req: AuthRequest; body: Buffer } {
  const headers: Record<string, string> = {
    host: 'localhost', 'content-encoding': 'aws-chunked', 'x-amz-date': amzDate,
    'x-amz-content-sha256': trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'x-amz-decoded-content-length': String(data.length),
  };
  if (trailer) headers['x-amz-trailer'] = 'x-amz-checksum-sha256';
  const names = Object.keys(headers).sort();
  const creq = ['PUT', '/bucket/stream%20key', '', names.map((n) => `${n}:${headers[n]}\n`).join(''), names.join(';'), headers['x-amz-content-sha256']].join('\n');
  const seed = hmac(key, `AWS4-HMAC-SHA256\n${amzDate}\n${scope}\n${sha(creq)}`).toString('hex');
  headers.authorization = `AWS4-HMAC-SHA256 Credential=AKSTREAM/${scope}, SignedHeaders=${names.join(';')}, Signature=${seed}`;
  const parts: Buffer[] = [];
  let prev = seed;
  const emit = (piece: Buffer) => {
    prev = hmac(key, `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${prev}\n${sha('')}\n${sha(piece)}`).toString('hex');
    parts.push(Buffer.from(`${piece.length.toString(16)};chunk-signature=${prev}\r\n`));
    if (piece.length > 0 || !trailer) parts.push(piece, Buffer.from('\r\n'));
  };
  for (let off = 0; off < data.length; off += chunkBytes) emit(data.subarray(off, off + chunkBytes));
  emit(Buffer.alloc(0));
  if (trailer) {
    const line = `x-amz-checksum-sha256:${checksumBase64('SHA256', data)}`;
    const trailerSig = hmac(key, `AWS4-HMAC-SHA256-TRAILER\n${amzDate}\n${scope}\n${prev}\n${sha(`${line}\n`)}`).toString('hex');
    parts.push(Buffer.from(`${line}\r\nx-amz-trailer-signature:${trailerSig}\r\n\r\n`));
  }
  return { req: { method: 'PUT', rawPath: '/bucket/stream%20key', rawQuery: '', headers }, body: Buffer.concat(parts) };
}

test('signed streaming bodies of any shape verify and decode, with and without a trailer', async () => {
  await fc.assert(fc.asyncProperty(
    fc.uint8Array({ maxLength: 4000 }), fc.integer({ min: 1, max: 1500 }), fc.boolean(), fc.array(fc.nat(), { maxLength: 8 }),
    async (bytes, chunkBytes, trailer, cuts) => {
      const data = Buffer.from(bytes);
      const { req, body } = signedStream(data, chunkBytes, trailer);
      const { payload } = authenticate(req, lookup, nowMs);
      const v = createPayloadVerifier(payload, req.headers);
      const out = await runBody(v, splitAt(body, cuts));
      assert.equal(out.error, undefined);
      assert.deepEqual(out.data, data);
      if (trailer) assert.deepEqual(v.checksum(), { algorithm: 'SHA256', base64: checksumBase64('SHA256', data) });
    },
  ), { numRuns: 120 });
});

test('any single flipped byte in a signed streaming body is detected', async () => {
  const data = Buffer.from('0123456789'.repeat(300));
  for (const trailer of [false, true]) {
    const { req, body } = signedStream(data, 1000, trailer);
    const { payload } = authenticate(req, lookup, nowMs);
    await fc.assert(fc.asyncProperty(fc.nat(body.length - 1), fc.integer({ min: 1, max: 255 }), async (at, x) => {
      const bad = Buffer.from(body);
      bad[at] = bad[at]! ^ x;
      // Flipping only the case of a hex digit in a size line, or a CR/LF pair into the tolerated
      // trailing CRLF, leaves the message's meaning intact; everything else must fail.
      const out = await runBody(createPayloadVerifier(payload, req.headers), [bad]);
      if (out.error === undefined) {
        assert.deepEqual(out.data, data, `flip at ${at} accepted with different content`);
      } else {
        assert.ok(out.error instanceof S3Error, String(out.error));
      }
    }), { numRuns: 100 });
  }
});

test('the seed signature covers the streaming mode: switching to the unsigned trailer mode fails', () => {
  const { req } = signedStream(Buffer.from('abc'), 10, false);
  const headers = { ...req.headers, 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' };
  assert.throws(() => authenticate({ ...req, headers }, lookup, nowMs), (e: unknown) => e instanceof S3Error && e.code === 'SignatureDoesNotMatch');
  const unsignedPayload = { ...req.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  assert.throws(() => authenticate({ ...req, headers: unsignedPayload }, lookup, nowMs), (e: unknown) => e instanceof S3Error && e.code === 'SignatureDoesNotMatch');
});
