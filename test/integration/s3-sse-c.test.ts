// SSE-C through a real server and @aws-sdk/client-s3: round trips (inline, chunked, ranges,
// multipart, copies), the errors s3-tests expects, and plaintext never reaching the drives.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { randomBytesSeeded, streamToBuffer } from '../support/bytes.js';
import { samples, windowsFound, withHeaders } from '../support/sse.js';

const MiB = 1024 * 1024;
// The keys of Ceph s3-tests' SSE-C tests.
const KEY_A = 'pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs=';
const MD5_A = 'DWygnHRtgiJ77HCm+1rvHw==';
const KEY_B = '6b+WOZ1T3cqZMxgThRcXAQBrS5mXKdDUphvpxptl9/4=';
const sseA = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY_A } as const;
const sseB = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: KEY_B } as const;

describe('SSE-C', () => {
  let t: TestServer;
  const bucket = 'ssec';
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => t.close());

  test('PUT/GET/HEAD round trip, inline and chunked, with the algorithm and key MD5 echoed', async () => {
    for (const [key, body] of [['small', Buffer.from('A'.repeat(1000))], ['big', randomBytesSeeded(MiB + 123, 11)]] as const) {
      const put = await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ...sseA }));
      assert.equal(put.SSECustomerAlgorithm, 'AES256');
      assert.equal(put.SSECustomerKeyMD5, MD5_A);
      const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...sseA }));
      assert.equal(got.SSECustomerAlgorithm, 'AES256');
      assert.equal(got.SSECustomerKeyMD5, MD5_A);
      assert.ok((await streamToBuffer(got.Body)).equals(body), key);
      const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ...sseA }));
      assert.equal(head.ContentLength, body.byteLength);
      assert.equal(head.SSECustomerKeyMD5, MD5_A);
    }
  });

  test('range GETs are byte-exact across chunk boundaries', async () => {
    const body = randomBytesSeeded(700 * 1024, 12);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged', Body: body, ...sseA }));
    for (const [a, b] of [[0, 0], [1, 99_999], [65_000, 300_000], [699 * 1024, 700 * 1024 - 1], [123_456, 654_321]] as const) {
      const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged', Range: `bytes=${a}-${b}`, ...sseA }));
      assert.ok((await streamToBuffer(got.Body)).equals(body.subarray(a, b + 1)), `${a}-${b}`);
    }
    const small = Buffer.from('0123456789abcdef');
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'ranged-inline', Body: small, ...sseA }));
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'ranged-inline', Range: 'bytes=3-7', ...sseA }));
    assert.equal((await streamToBuffer(got.Body)).toString(), '34567');
  });

  test('GET/HEAD without the key → 400 InvalidRequest; with another key → 400 InvalidArgument; a key on a plain object → 400', async () => {
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'locked', Body: 'secret', ...sseA }));
    assert.deepEqual(await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'locked' }))), { name: 'InvalidRequest', status: 400 });
    assert.equal((await errorOf(t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'locked' })))).status, 400);
    assert.deepEqual(await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'locked', ...sseB }))), { name: 'InvalidArgument', status: 400 });
    assert.equal((await errorOf(t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'locked', ...sseB })))).status, 400);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'open' }));
    assert.deepEqual(await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'plain', ...sseA }))), { name: 'InvalidRequest', status: 400 });
  });

  test('malformed SSE-C headers on PUT: MD5 mismatch, no MD5, short key, no algorithm, bad algorithm', async () => {
    const put = (key: string, headers: Record<string, string | undefined>) =>
      errorOf(t.client.send(withHeaders(new PutObjectCommand({ Bucket: bucket, Key: key, Body: 'x', ...sseA }), headers)));
    assert.deepEqual(await put('m1', { 'x-amz-server-side-encryption-customer-key-md5': 'AAAAAAAAAAAAAAAAAAAAAA==' }), { name: 'InvalidArgument', status: 400 });
    assert.deepEqual(await put('m2', { 'x-amz-server-side-encryption-customer-key-md5': undefined }), { name: 'InvalidArgument', status: 400 });
    const shortKey = Buffer.alloc(16, 1);
    assert.deepEqual(
      await put('m3', { 'x-amz-server-side-encryption-customer-key': shortKey.toString('base64'), 'x-amz-server-side-encryption-customer-key-md5': undefined }),
      { name: 'InvalidArgument', status: 400 },
    );
    assert.deepEqual(await put('m4', { 'x-amz-server-side-encryption-customer-algorithm': undefined }), { name: 'InvalidArgument', status: 400 });
    assert.deepEqual(await put('m5', { 'x-amz-server-side-encryption-customer-algorithm': 'AES128' }), { name: 'InvalidEncryptionAlgorithmError', status: 400 });
    assert.deepEqual(await put('m6', { 'x-amz-server-side-encryption': 'AES256' }), { name: 'InvalidArgument', status: 400 });
  });

  test('multipart: same key on every part, a part with another key refused, byte-exact GET, partNumber and ranges', async () => {
    const parts = [randomBytesSeeded(5 * MiB, 21), randomBytesSeeded(5 * MiB + 1, 22), randomBytesSeeded(1000, 23)];
    const key = 'mp';
    const init = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'text/plain', ...sseA }));
    assert.equal(init.SSECustomerKeyMD5, MD5_A);
    const UploadId = init.UploadId!;
    assert.deepEqual(
      await errorOf(t.client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: parts[0], ...sseB }))),
      { name: 'InvalidArgument', status: 400 },
    );
    assert.equal((await errorOf(t.client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: 1, Body: parts[0] })))).status, 400);
    const etags: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const r = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: i + 1, Body: parts[i], ...sseA }));
      assert.equal(r.SSECustomerKeyMD5, MD5_A);
      etags.push(r.ETag!);
    }
    await t.client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) }, ...sseA }),
    );
    const whole = Buffer.concat(parts);
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...sseA }));
    assert.equal(got.ContentType, 'text/plain');
    assert.ok((await streamToBuffer(got.Body)).equals(whole));
    const p2 = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, PartNumber: 2, ...sseA }));
    assert.ok((await streamToBuffer(p2.Body)).equals(parts[1]!));
    const r = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, Range: `bytes=${5 * MiB - 10}-${5 * MiB + 10}`, ...sseA }));
    assert.ok((await streamToBuffer(r.Body)).equals(whole.subarray(5 * MiB - 10, 5 * MiB + 11)));
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...sseB })))).status, 400);
  });

  test('CopyObject: to another key re-encrypts, to the same key copies by reference, to plain decrypts; the source key is required', async () => {
    const body = randomBytesSeeded(300 * 1024, 31);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: body, ...sseA }));
    const src = `${bucket}/src`;
    assert.equal((await errorOf(t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'c0', CopySource: src })))).status, 400);
    const copySourceA = { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: KEY_A } as const;

    const uniqueBefore = t.server.objects.stats().uniqueBytes;
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'same', CopySource: src, ...copySourceA, ...sseA }));
    assert.equal(t.server.objects.stats().uniqueBytes, uniqueBefore, 'a same-scope copy stores no new chunk');
    const same = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'same', ...sseA }));
    assert.ok((await streamToBuffer(same.Body)).equals(body));

    const toB = await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'toB', CopySource: src, ...copySourceA, ...sseB }));
    assert.equal(toB.SSECustomerAlgorithm, 'AES256');
    assert.ok(t.server.objects.stats().uniqueBytes >= uniqueBefore + body.byteLength, 'a copy to another key stores its own chunks');
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'toB', ...sseA })))).status, 400);
    const b = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'toB', ...sseB }));
    assert.ok((await streamToBuffer(b.Body)).equals(body));

    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'toPlain', CopySource: src, ...copySourceA }));
    const plain = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'toPlain' }));
    assert.equal(plain.SSECustomerAlgorithm, undefined);
    assert.ok((await streamToBuffer(plain.Body)).equals(body));

    // A plain object copied with SSE-C headers becomes encrypted.
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'plainToA', CopySource: `${bucket}/toPlain`, ...sseA }));
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'plainToA' })))).status, 400);
    const a = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'plainToA', ...sseA }));
    assert.ok((await streamToBuffer(a.Body)).equals(body));
  });

  test('UploadPartCopy from an SSE-C source into an upload under another key', async () => {
    const body = randomBytesSeeded(5 * MiB + 77, 41);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'upc-src', Body: body, ...sseA }));
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'upc', ...sseB }));
    const common = { Bucket: bucket, Key: 'upc', UploadId, CopySource: `${bucket}/upc-src` };
    assert.equal((await errorOf(t.client.send(new UploadPartCopyCommand({ ...common, PartNumber: 1, ...sseB })))).status, 400, 'source key missing');
    const src = { CopySourceSSECustomerAlgorithm: 'AES256', CopySourceSSECustomerKey: KEY_A } as const;
    const p1 = await t.client.send(new UploadPartCopyCommand({ ...common, PartNumber: 1, ...src, ...sseB }));
    const p2 = await t.client.send(new UploadPartCopyCommand({ ...common, PartNumber: 2, CopySourceRange: 'bytes=0-99', ...src, ...sseB }));
    const complete = (sse: object) =>
      t.client.send(
        new CompleteMultipartUploadCommand({
          Bucket: bucket,
          Key: 'upc',
          UploadId,
          MultipartUpload: { Parts: [{ ETag: p1.CopyPartResult!.ETag!, PartNumber: 1 }, { ETag: p2.CopyPartResult!.ETag!, PartNumber: 2 }] },
          ...sse,
        }),
      );
    // Complete of an SSE-C upload needs the upload's key, as s3-tests expects.
    assert.equal((await errorOf(complete({}))).status, 400);
    assert.equal((await errorOf(complete(sseA))).status, 400);
    await complete(sseB);
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'upc', ...sseB }));
    assert.ok((await streamToBuffer(got.Body)).equals(Buffer.concat([body, body.subarray(0, 100)])));
  });

  test('dedup within one customer key, never across two', async () => {
    const body = randomBytesSeeded(512 * 1024, 51);
    const unique = () => t.server.objects.stats().uniqueBytes;
    const u0 = unique();
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'd1', Body: body, ...sseA }));
    const u1 = unique();
    assert.equal(u1 - u0, body.byteLength);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'd2', Body: body, ...sseA }));
    assert.equal(unique(), u1, 'same key: deduplicated');
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'd3', Body: body, ...sseB }));
    const u3 = unique();
    assert.equal(u3 - u1, body.byteLength, 'another key: stored again');
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'd4', Body: body }));
    assert.equal(unique() - u3, body.byteLength, 'plain: stored again');
  });

  test('plaintext never reaches the drives or the metadata; a plain control object does', async () => {
    const secret = randomBytesSeeded(256 * 1024, 61);
    const control = randomBytesSeeded(256 * 1024, 62);
    const smallSecret = randomBytesSeeded(2000, 63);
    const smallControl = randomBytesSeeded(2000, 64);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'scan-secret', Body: secret, ...sseA }));
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'scan-control', Body: control }));
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'scan-small-secret', Body: smallSecret, ...sseA }));
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'scan-small-control', Body: smallControl }));
    const drives = readdirSync(t.dataDir).filter((d) => d.startsWith('drive-')).map((d) => join(t.dataDir, d));
    // The control proves the scan finds stored data (random bytes are stored uncompressed).
    assert.ok(windowsFound(drives, samples(control)) >= 12);
    assert.equal(windowsFound(drives, samples(secret)), 0);
    const meta = [join(t.dataDir, 'meta')];
    assert.ok(windowsFound(meta, samples(smallControl, 4)) >= 1);
    assert.equal(windowsFound(meta, samples(smallSecret, 4)), 0);
  });
});
