// GetObjectAttributes, ChecksumMode on GET/HEAD, and multipart checksums of both types
// (FULL_OBJECT combined from part CRCs, COMPOSITE) through the SDK. The SDK validates a
// FULL_OBJECT checksum against the bytes it downloads with its own CRC code, and zlib's CRC32
// is an independent reference too.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand, CreateBucketCommand, CreateMultipartUploadCommand, GetObjectAttributesCommand,
  GetObjectCommand, HeadObjectCommand, PutBucketVersioningCommand, PutObjectCommand, UploadPartCommand, type ChecksumAlgorithm,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { md5hex, randomBytesSeeded, streamToBuffer } from '../support/bytes.js';
import { checksumBase64 } from '../../src/pipeline/checksums.js';

const MiB = 1024 * 1024;

describe('object attributes and checksums', () => {
  let t: TestServer;
  const bucket = 'attrs';
  const p1 = randomBytesSeeded(5 * MiB, 51);
  const p2 = randomBytesSeeded(5 * MiB, 52);
  const p3 = randomBytesSeeded(1234, 53);
  const whole = Buffer.concat([p1, p2, p3]);
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => t.close());

  async function multipart(Key: string, alg: ChecksumAlgorithm, type: 'FULL_OBJECT' | 'COMPOSITE', complete: Record<string, string> = {}) {
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key, ChecksumAlgorithm: alg, ChecksumType: type }));
    const parts = [];
    for (const [i, Body] of [p1, p2, p3].entries()) {
      const r = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key, UploadId, PartNumber: i + 1, Body, ChecksumAlgorithm: alg }));
      parts.push({ PartNumber: i + 1, ETag: r.ETag, [`Checksum${alg}`]: (r as unknown as Record<string, unknown>)[`Checksum${alg}`] as string });
    }
    const done = t.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key, UploadId, MultipartUpload: { Parts: parts }, ...complete }));
    return { UploadId, parts, done };
  }

  test('FULL_OBJECT CRC64NVME: the combined CRC is the whole object\'s, and the SDK verifies the download', async () => {
    const expected = checksumBase64('CRC64NVME', whole);
    const { done } = await multipart('full-crc64', 'CRC64NVME', 'FULL_OBJECT', { ChecksumCRC64NVME: expected, ChecksumType: 'FULL_OBJECT' });
    const r = await done;
    assert.equal(r.ChecksumCRC64NVME, expected);
    assert.equal(r.ChecksumType, 'FULL_OBJECT');
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'full-crc64', ChecksumMode: 'ENABLED' }));
    assert.equal(got.ChecksumCRC64NVME, expected);
    assert.equal(got.ChecksumType, 'FULL_OBJECT');
    assert.ok((await streamToBuffer(got.Body)).equals(whole));
  });

  test('FULL_OBJECT CRC32 and CRC32C equal the CRC of the whole body', async () => {
    const r = await (await multipart('full-crc32', 'CRC32', 'FULL_OBJECT')).done;
    const zlibCrc = Buffer.alloc(4);
    zlibCrc.writeUInt32BE(crc32(whole) >>> 0);
    assert.equal(r.ChecksumCRC32, zlibCrc.toString('base64'));
    const c = await (await multipart('full-crc32c', 'CRC32C', 'FULL_OBJECT')).done;
    assert.equal(c.ChecksumCRC32C, checksumBase64('CRC32C', whole));
    assert.equal(c.ChecksumType, 'FULL_OBJECT');
  });

  test('a whole-object checksum on Complete that does not match is BadDigest and the upload stays open', async () => {
    const wrong = checksumBase64('CRC32', Buffer.from('something else'));
    const { UploadId, parts, done } = await multipart('bad-full', 'CRC32', 'FULL_OBJECT', { ChecksumCRC32: wrong });
    assert.deepEqual(await errorOf(done), { name: 'BadDigest', status: 400 });
    const ok = await t.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'bad-full', UploadId, MultipartUpload: { Parts: parts } }));
    assert.equal(ok.ChecksumCRC32, checksumBase64('CRC32', whole));
  });

  test('checksum type rules: FULL_OBJECT needs a CRC, CRC64NVME cannot be COMPOSITE', async () => {
    for (const [ChecksumAlgorithm, ChecksumType] of [['SHA256', 'FULL_OBJECT'], ['SHA1', 'FULL_OBJECT'], ['CRC64NVME', 'COMPOSITE']] as const) {
      const e = await errorOf(t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'rules', ChecksumAlgorithm, ChecksumType })));
      assert.equal(e.name, 'InvalidRequest', `${ChecksumAlgorithm} ${ChecksumType}`);
    }
  });

  test('GetObjectAttributes: ETag, size, class, checksum and paged ObjectParts of a COMPOSITE upload', async () => {
    const { parts, done } = await multipart('composite', 'SHA256', 'COMPOSITE');
    const completed = await done;
    assert.match(completed.ChecksumSHA256 ?? '', /-3$/);
    const attrs = await t.client.send(new GetObjectAttributesCommand({
      Bucket: bucket, Key: 'composite', ObjectAttributes: ['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'], MaxParts: 2,
    }));
    assert.equal(attrs.ETag, completed.ETag?.replace(/"/g, ''));
    assert.equal(attrs.ObjectSize, whole.length);
    assert.equal(attrs.StorageClass, 'STANDARD');
    assert.equal(attrs.Checksum?.ChecksumSHA256, completed.ChecksumSHA256);
    assert.equal(attrs.Checksum?.ChecksumType, 'COMPOSITE');
    assert.equal(attrs.ObjectParts?.TotalPartsCount, 3);
    assert.equal(attrs.ObjectParts?.IsTruncated, true);
    assert.deepEqual(attrs.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size, p.ChecksumSHA256]), [[1, 5 * MiB, parts[0]!.ChecksumSHA256], [2, 5 * MiB, parts[1]!.ChecksumSHA256]]);
    const next = await t.client.send(new GetObjectAttributesCommand({
      Bucket: bucket, Key: 'composite', ObjectAttributes: ['ObjectParts'], MaxParts: 2, PartNumberMarker: attrs.ObjectParts?.NextPartNumberMarker,
    }));
    assert.equal(next.ObjectParts?.IsTruncated, false);
    assert.deepEqual(next.ObjectParts?.Parts?.map((p) => [p.PartNumber, p.Size]), [[3, 1234]]);
    assert.equal(next.ETag, undefined);
    assert.equal(next.ObjectSize, undefined);
  });

  test('GetObjectAttributes of a simple object; bad requests', async () => {
    const body = Buffer.from('simple body');
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'simple', Body: body, ChecksumAlgorithm: 'CRC32C' }));
    const a = await t.client.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'simple', ObjectAttributes: ['ETag', 'ObjectSize', 'Checksum', 'ObjectParts'] }));
    assert.equal(a.ETag, md5hex(body));
    assert.equal(a.ObjectSize, body.length);
    assert.equal(a.Checksum?.ChecksumCRC32C, checksumBase64('CRC32C', body));
    assert.equal(a.ObjectParts, undefined);
    assert.ok(a.LastModified instanceof Date);
    assert.equal((await errorOf(t.client.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'nope', ObjectAttributes: ['ETag'] })))).name, 'NoSuchKey');
    assert.equal((await errorOf(t.client.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'simple', ObjectAttributes: ['Bogus' as 'ETag'] })))).name, 'InvalidArgument');
  });

  test('ChecksumMode: checksum headers only when ENABLED, on GET and HEAD', async () => {
    const body = Buffer.from('checksum mode');
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'mode', Body: body, ChecksumAlgorithm: 'SHA1' }));
    const off = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'mode' }));
    assert.equal(off.ChecksumSHA1, undefined);
    const on = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'mode', ChecksumMode: 'ENABLED' }));
    assert.equal(on.ChecksumSHA1, checksumBase64('SHA1', body));
    assert.equal(on.ChecksumType, 'FULL_OBJECT');
    const get = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'mode', ChecksumMode: 'ENABLED' }));
    assert.equal(get.ChecksumSHA1, checksumBase64('SHA1', body));
    assert.ok((await streamToBuffer(get.Body)).equals(body));
  });

  test('versionId selects the version; an SSE-C object needs its key', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'attrs-versioned' }));
    await t.client.send(new PutBucketVersioningCommand({ Bucket: 'attrs-versioned', VersioningConfiguration: { Status: 'Enabled' } }));
    const first = await t.client.send(new PutObjectCommand({ Bucket: 'attrs-versioned', Key: 'k', Body: 'one' }));
    await t.client.send(new PutObjectCommand({ Bucket: 'attrs-versioned', Key: 'k', Body: 'second' }));
    const latest = await t.client.send(new GetObjectAttributesCommand({ Bucket: 'attrs-versioned', Key: 'k', ObjectAttributes: ['ObjectSize'] }));
    assert.equal(latest.ObjectSize, 6);
    const old = await t.client.send(new GetObjectAttributesCommand({ Bucket: 'attrs-versioned', Key: 'k', VersionId: first.VersionId, ObjectAttributes: ['ObjectSize', 'ETag'] }));
    assert.equal(old.VersionId, first.VersionId);
    assert.equal(old.ObjectSize, 3);
    assert.equal(old.ETag, md5hex(Buffer.from('one')));
    const key = Buffer.alloc(32, 7);
    const sse = { SSECustomerAlgorithm: 'AES256', SSECustomerKey: key.toString('base64'), SSECustomerKeyMD5: createHash('md5').update(key).digest('base64') };
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sse-c', Body: 'secret', ...sse }));
    const denied = await errorOf(t.client.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'sse-c', ObjectAttributes: ['ObjectSize'] })));
    assert.equal(denied.status, 400);
    const ok = await t.client.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'sse-c', ObjectAttributes: ['ObjectSize'], ...sse }));
    assert.equal(ok.ObjectSize, 6);
  });
});
