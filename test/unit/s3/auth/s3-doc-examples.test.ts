// The worked examples of the S3 SigV4 documentation, end to end.
// Header auth:  https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// Presigned:    https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
// Chunked:      https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// Trailers:     https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { authenticate, createPayloadVerifier } from '../../../../src/s3/auth/index.js';
import type { AuthRequest, PayloadMode } from '../../../../src/s3/auth/types.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { runBody, splitAt } from './body.js';

const accessKeyId = 'AKIAIOSFODNN7EXAMPLE';
const secretAccessKey = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const lookup = (id: string) => (id === accessKeyId ? { accessKeyId, secretAccessKey } : undefined);
const docTimeMs = Date.UTC(2013, 4, 24, 0, 0, 0);
const scope = `${accessKeyId}/20130524/us-east-1/s3/aws4_request`;
const emptyHash = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function authz(signedHeaders: string, signature: string): string {
  return `AWS4-HMAC-SHA256 Credential=${scope},SignedHeaders=${signedHeaders},Signature=${signature}`;
}

function isS3Error(code: string) {
  return (e: unknown) => e instanceof S3Error && e.code === code;
}

test('GET object with a range', () => {
  const req: AuthRequest = {
    method: 'GET', rawPath: '/test.txt', rawQuery: '',
    headers: {
      host: 'examplebucket.s3.amazonaws.com', range: 'bytes=0-9', 'x-amz-content-sha256': emptyHash, 'x-amz-date': '20130524T000000Z',
      authorization: authz('host;range;x-amz-content-sha256;x-amz-date', 'f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41'),
    },
  };
  const r = authenticate(req, lookup, docTimeMs, { region: 'us-east-1' });
  assert.deepEqual(r, { anonymous: false, accessKeyId, payload: { kind: 'sha256', expectedHex: emptyHash } });
  assert.throws(() => authenticate({ ...req, headers: { ...req.headers, range: 'bytes=0-10' } }, lookup, docTimeMs),
    isS3Error('SignatureDoesNotMatch'));
});

test('PUT object with a $ in the key, sent raw or percent-encoded', async () => {
  const body = Buffer.from('Welcome to Amazon S3.');
  const sha = '44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072';
  for (const rawPath of ['/test$file.text', '/test%24file.text']) {
    const req: AuthRequest = {
      method: 'PUT', rawPath, rawQuery: '',
      headers: {
        host: 'examplebucket.s3.amazonaws.com', date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-date': '20130524T000000Z',
        'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'x-amz-content-sha256': sha,
        authorization: authz('date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class', '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd'),
      },
    };
    const r = authenticate(req, lookup, docTimeMs);
    assert.deepEqual(r.payload, { kind: 'sha256', expectedHex: sha });
    const ok = await runBody(createPayloadVerifier(r.payload, req.headers), [body.subarray(0, 7), body.subarray(7)]);
    assert.equal(ok.error, undefined);
    assert.deepEqual(ok.data, body);
    const tampered = await runBody(createPayloadVerifier(r.payload, req.headers), [Buffer.from('Welcome to Amazon S4.')]);
    assert.ok(isS3Error('XAmzContentSHA256Mismatch')(tampered.error));
  }
});

test('GET bucket lifecycle and list objects (query strings)', () => {
  const base = { host: 'examplebucket.s3.amazonaws.com', 'x-amz-date': '20130524T000000Z', 'x-amz-content-sha256': emptyHash };
  const lifecycle: AuthRequest = {
    method: 'GET', rawPath: '/', rawQuery: 'lifecycle',
    headers: { ...base, authorization: authz('host;x-amz-content-sha256;x-amz-date', 'fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543') },
  };
  assert.equal(authenticate(lifecycle, lookup, docTimeMs).anonymous, false);
  const list: AuthRequest = {
    method: 'GET', rawPath: '/', rawQuery: 'max-keys=2&prefix=J',
    headers: { ...base, authorization: authz('host;x-amz-content-sha256;x-amz-date', '34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7') },
  };
  assert.equal(authenticate(list, lookup, docTimeMs).anonymous, false);
  // Parameter order on the wire does not matter; their values do.
  assert.equal(authenticate({ ...list, rawQuery: 'prefix=J&max-keys=2' }, lookup, docTimeMs).anonymous, false);
  assert.throws(() => authenticate({ ...list, rawQuery: 'max-keys=3&prefix=J' }, lookup, docTimeMs), isS3Error('SignatureDoesNotMatch'));
});

test('presigned GET: valid for 86400 s, then expired', () => {
  const req: AuthRequest = {
    method: 'GET', rawPath: '/test.txt',
    rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404',
    headers: { host: 'examplebucket.s3.amazonaws.com' },
  };
  assert.deepEqual(authenticate(req, lookup, docTimeMs + 1000), { anonymous: false, accessKeyId, payload: { kind: 'unsigned' } });
  assert.equal(authenticate(req, lookup, docTimeMs + 86_400_000).anonymous, false);
  assert.throws(() => authenticate(req, lookup, docTimeMs + 86_401_000), (e: unknown) =>
    e instanceof S3Error && e.code === 'AccessDenied' && e.message === 'Request has expired' &&
    e.fields['X-Amz-Expires'] === '86400' && e.fields.ServerTime === '2013-05-25T00:00:01Z');
  assert.throws(() => authenticate(req, lookup, docTimeMs + 86_400_001), isS3Error('AccessDenied'));
  assert.throws(() => authenticate({ ...req, rawPath: '/test2.txt' }, lookup, docTimeMs), isS3Error('SignatureDoesNotMatch'));
});

interface SignedChunk { size: number; signature: string }

function signedChunkedBody(chunks: readonly SignedChunk[], trailer?: string[]): Buffer {
  const parts: Buffer[] = [];
  for (const c of chunks) {
    parts.push(Buffer.from(`${c.size.toString(16)};chunk-signature=${c.signature}\r\n`));
    if (c.size > 0) parts.push(Buffer.alloc(c.size, 'a'), Buffer.from('\r\n'));
  }
  if (trailer === undefined) parts.push(Buffer.from('\r\n'));
  else parts.push(Buffer.from(trailer.map((l) => `${l}\r\n`).join('') + '\r\n'));
  return Buffer.concat(parts);
}

const streamingChunks: SignedChunk[] = [
  { size: 65_536, signature: 'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648' },
  { size: 1024, signature: '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497' },
  { size: 0, signature: 'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9' },
];

function streamingRequest(): AuthRequest {
  return {
    method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '',
    headers: {
      host: 's3.amazonaws.com', 'x-amz-date': '20130524T000000Z', 'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560', 'content-length': '66824',
      authorization: authz('content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class',
        '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9'),
    },
  };
}

test('chunked upload: seed signature and every chunk signature verify, whatever the read boundaries', async () => {
  const req = streamingRequest();
  const r = authenticate(req, lookup, docTimeMs);
  assert.equal(r.payload.kind, 'streaming-signed');
  const payload = r.payload as Extract<PayloadMode, { kind: 'streaming-signed' }>;
  assert.equal(payload.seedSignature, '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9');
  assert.equal(payload.trailer, false);
  const body = signedChunkedBody(streamingChunks);
  assert.equal(body.length, 66_824);
  await fc.assert(fc.asyncProperty(fc.array(fc.nat(), { maxLength: 12 }), async (cuts) => {
    const out = await runBody(createPayloadVerifier(payload, req.headers), splitAt(body, cuts));
    assert.equal(out.error, undefined);
    assert.deepEqual(out.data, Buffer.alloc(66_560, 'a'));
  }), { numRuns: 40 });
});

test('chunked upload: a changed byte, a swapped signature or a missing chunk fails', async () => {
  const req = streamingRequest();
  const { payload } = authenticate(req, lookup, docTimeMs);
  const body = signedChunkedBody(streamingChunks);
  const flipped = Buffer.from(body);
  flipped[70_000 - 4000] = 'b'.charCodeAt(0);
  assert.ok(isS3Error('SignatureDoesNotMatch')((await runBody(createPayloadVerifier(payload, req.headers), [flipped])).error));
  const badSig = signedChunkedBody([streamingChunks[0]!, { size: 1024, signature: streamingChunks[0]!.signature }, streamingChunks[2]!]);
  assert.ok(isS3Error('SignatureDoesNotMatch')((await runBody(createPayloadVerifier(payload, req.headers), [badSig])).error));
  const dropped = signedChunkedBody([streamingChunks[0]!, streamingChunks[2]!]);
  assert.ok(isS3Error('SignatureDoesNotMatch')((await runBody(createPayloadVerifier(payload, req.headers), [dropped])).error));
  const truncated = body.subarray(0, 40_000);
  assert.ok(isS3Error('IncompleteBody')((await runBody(createPayloadVerifier(payload, req.headers), [truncated])).error));
  const wrongLength = { ...req.headers, 'x-amz-decoded-content-length': '66561' };
  assert.ok(isS3Error('IncompleteBody')((await runBody(createPayloadVerifier(payload, wrongLength), [body])).error));
  const shorter = { ...req.headers, 'x-amz-decoded-content-length': '65536' };
  assert.ok(isS3Error('IncompleteBody')((await runBody(createPayloadVerifier(payload, shorter), [body])).error));
});

test('chunked upload with a signed trailer (CRC32C sOO8/Q==)', async () => {
  const req: AuthRequest = {
    method: 'PUT', rawPath: '/examplebucket/chunkObject.txt', rawQuery: '',
    headers: {
      host: 's3.amazonaws.com', 'x-amz-date': '20130524T000000Z', 'x-amz-storage-class': 'REDUCED_REDUNDANCY',
      'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'content-encoding': 'aws-chunked',
      'x-amz-decoded-content-length': '66560', 'x-amz-trailer': 'x-amz-checksum-crc32c',
      authorization: authz('content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer',
        '106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e'),
    },
  };
  const { payload } = authenticate(req, lookup, docTimeMs);
  assert.equal(payload.kind === 'streaming-signed' && payload.trailer, true);
  const chunks: SignedChunk[] = [
    { size: 65_536, signature: 'b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2' },
    { size: 1024, signature: '1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7' },
    { size: 0, signature: '2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992' },
  ];
  const trailerSig = 'x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435';
  const body = signedChunkedBody(chunks, ['x-amz-checksum-crc32c:sOO8/Q==', trailerSig]);
  const v = createPayloadVerifier(payload, req.headers);
  const out = await runBody(v, splitAt(body, [66_000, 66_700, body.length - 20]));
  assert.equal(out.error, undefined);
  assert.equal(out.data.length, 66_560);
  assert.deepEqual(v.trailers(), { 'x-amz-checksum-crc32c': 'sOO8/Q==' });
  assert.deepEqual(v.checksum(), { algorithm: 'CRC32C', base64: 'sOO8/Q==' });
  // Another checksum value breaks the trailer signature before the checksum is even compared.
  const forged = signedChunkedBody(chunks, ['x-amz-checksum-crc32c:AAAAAA==', trailerSig]);
  assert.ok(isS3Error('SignatureDoesNotMatch')((await runBody(createPayloadVerifier(payload, req.headers), [forged])).error));
  const unsignedTrailer = signedChunkedBody(chunks, ['x-amz-checksum-crc32c:sOO8/Q==']);
  assert.ok(isS3Error('SignatureDoesNotMatch')((await runBody(createPayloadVerifier(payload, req.headers), [unsignedTrailer])).error));
});
