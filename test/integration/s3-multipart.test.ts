import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { errorName } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { randomBytesSeeded, streamToBuffer } from '../support/bytes.js';
import { crc32 } from 'node:zlib';

const crc32b64 = (b: Buffer) => {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(crc32(b) >>> 0);
  return out.toString('base64');
};

const MiB = 1024 * 1024;


describe('multipart uploads', () => {
  let t: TestServer;
  const bucket = 'mpu';
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => t.close());

  test('three parts: list, complete, -N ETag, byte-exact GET, partNumber GET', async () => {
    const parts = [randomBytesSeeded(5 * MiB, 1), randomBytesSeeded(5 * MiB, 2), randomBytesSeeded(1234, 3)];
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'big', ContentType: 'app/x', Metadata: { m: 'v' } }));
    const etags: string[] = [];
    for (let i = 0; i < parts.length; i++) {
      const r = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'big', UploadId, PartNumber: i + 1, Body: parts[i] }));
      etags.push(r.ETag!);
    }
    const lp = await t.client.send(new ListPartsCommand({ Bucket: bucket, Key: 'big', UploadId }));
    assert.deepEqual(lp.Parts?.map((p) => p.Size), [5 * MiB, 5 * MiB, 1234]);
    const ups = await t.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.ok(ups.Uploads?.some((u) => u.UploadId === UploadId));
    const done = await t.client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'big', UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
    );
    const md5s = Buffer.concat(parts.map((p) => createHash('md5').update(p).digest()));
    assert.equal(done.ETag, `"${createHash('md5').update(md5s).digest('hex')}-3"`);
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'big' }));
    assert.ok((await streamToBuffer(got.Body)).equals(Buffer.concat(parts)));
    assert.deepEqual(got.Metadata, { m: 'v' });
    const p2 = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'big', PartNumber: 2 }));
    assert.equal(p2.PartsCount, 3);
    assert.equal(p2.ContentRange, `bytes ${5 * MiB}-${10 * MiB - 1}/${10 * MiB + 1234}`);
    assert.ok((await streamToBuffer(p2.Body)).equals(parts[1]!));
    const after = await t.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.ok(!after.Uploads?.some((u) => u.UploadId === UploadId));
  });

  test('Complete errors: EntityTooSmall, InvalidPartOrder, InvalidPart, NoSuchUpload after abort', async () => {
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'bad' }));
    const a = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'bad', UploadId, PartNumber: 1, Body: Buffer.alloc(100, 1) }));
    const b = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'bad', UploadId, PartNumber: 2, Body: Buffer.alloc(100, 2) }));
    const complete = (Parts: { ETag?: string; PartNumber: number }[]) =>
      t.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'bad', UploadId, MultipartUpload: { Parts } }));
    assert.equal(await errorName(complete([{ ETag: a.ETag, PartNumber: 1 }, { ETag: b.ETag, PartNumber: 2 }])), 'EntityTooSmall');
    assert.equal(await errorName(complete([{ ETag: b.ETag, PartNumber: 2 }, { ETag: a.ETag, PartNumber: 1 }])), 'InvalidPartOrder');
    assert.equal(await errorName(complete([{ ETag: '"00000000000000000000000000000000"', PartNumber: 1 }])), 'InvalidPart');
    await t.client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'bad', UploadId }));
    assert.equal(await errorName(complete([{ ETag: a.ETag, PartNumber: 1 }])), 'NoSuchUpload');
  });

  test('UploadPartCopy with a range', async () => {
    const src = randomBytesSeeded(6 * MiB, 7);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'copysrc', Body: src }));
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'copied' }));
    const p1 = await t.client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied', UploadId, PartNumber: 1, CopySource: `${bucket}/copysrc`, CopySourceRange: `bytes=0-${5 * MiB - 1}` }));
    const p2 = await t.client.send(new UploadPartCopyCommand({ Bucket: bucket, Key: 'copied', UploadId, PartNumber: 2, CopySource: `${bucket}/copysrc`, CopySourceRange: `bytes=${5 * MiB}-${6 * MiB - 1}` }));
    await t.client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'copied', UploadId, MultipartUpload: { Parts: [{ ETag: p1.CopyPartResult!.ETag, PartNumber: 1 }, { ETag: p2.CopyPartResult!.ETag, PartNumber: 2 }] } }),
    );
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'copied' }));
    assert.ok((await streamToBuffer(got.Body)).equals(src));
  });

  test('lib-storage Upload (multipart with default checksums) round-trips', async () => {
    const body = randomBytesSeeded(12 * MiB + 5, 8);
    const up = new Upload({ client: t.client, params: { Bucket: bucket, Key: 'lib-storage', Body: body }, partSize: 5 * MiB, queueSize: 2 });
    await up.done();
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'lib-storage' }));
    assert.equal(head.ContentLength, body.length);
    assert.match(head.ETag ?? '', /-3"$/);
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'lib-storage' }));
    assert.ok((await streamToBuffer(got.Body)).equals(body));
  });

  test('a part listed twice in Complete: the last entry counts, as the last upload of the part is kept', async () => {
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'resent' }));
    const first = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'resent', UploadId, PartNumber: 1, Body: 'first' }));
    const second = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'resent', UploadId, PartNumber: 1, Body: 'second' }));
    // The stale entry last: its ETag is not the stored part's.
    const stale = { Bucket: bucket, Key: 'resent', UploadId, MultipartUpload: { Parts: [{ ETag: second.ETag, PartNumber: 1 }, { ETag: first.ETag, PartNumber: 1 }] } };
    assert.equal(await errorName(t.client.send(new CompleteMultipartUploadCommand(stale))), 'InvalidPart');
    await t.client.send(new CompleteMultipartUploadCommand({ ...stale, MultipartUpload: { Parts: [{ ETag: first.ETag, PartNumber: 1 }, { ETag: second.ETag, PartNumber: 1 }] } }));
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'resent' }));
    assert.equal((await streamToBuffer(got.Body)).toString(), 'second');
  });

  test('composite CRC32 checksum: per part, then the checksum of the part checksums with -N', async () => {
    const parts = [randomBytesSeeded(5 * MiB, 31), randomBytesSeeded(4096, 32)];
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'crc', ChecksumAlgorithm: 'CRC32' }));
    const uploaded = [];
    for (let i = 0; i < parts.length; i++) {
      const r = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'crc', UploadId, PartNumber: i + 1, Body: parts[i], ChecksumAlgorithm: 'CRC32' }));
      assert.equal(r.ChecksumCRC32, crc32b64(parts[i]!));
      uploaded.push({ ETag: r.ETag, PartNumber: i + 1, ChecksumCRC32: r.ChecksumCRC32 });
    }
    const done = await t.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'crc', UploadId, MultipartUpload: { Parts: uploaded } }));
    const expected = crc32b64(Buffer.concat(uploaded.map((p) => Buffer.from(p.ChecksumCRC32!, 'base64')))) + '-2';
    assert.equal(done.ChecksumCRC32, expected);
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'crc', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumCRC32, expected);
    assert.equal(head.ChecksumType, 'COMPOSITE');
    // ?partNumber=N answers that part's own checksum, with the object's checksum type.
    for (let i = 0; i < parts.length; i++) {
      const part = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'crc', PartNumber: i + 1, ChecksumMode: 'ENABLED' }));
      assert.equal(part.ChecksumCRC32, uploaded[i]!.ChecksumCRC32);
      assert.equal(part.ChecksumType, 'COMPOSITE');
      assert.ok((await streamToBuffer(part.Body)).equals(parts[i]!));
    }
  });
});
