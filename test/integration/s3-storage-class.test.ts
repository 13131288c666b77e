// Storage classes as S3 names them (x-amz-storage-class on PUT, copy and multipart; reported
// on HEAD, listings and GetObjectAttributes) and GetBucketRequestPayment / PutBucketRequestPayment.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  GetBucketRequestPaymentCommand, GetObjectAttributesCommand, HeadObjectCommand, ListMultipartUploadsCommand,
  ListObjectsV2Command, PutBucketRequestPaymentCommand, PutObjectCommand, UploadPartCommand, type StorageClass,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('storage classes and request payment', () => {
  let t: TestServer;
  const bucket = 'classes';
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => t.close());

  const headClass = async (Key: string) => (await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key }))).StorageClass;

  test('S3 classes are stored and reported back as sent; archive and unknown classes are refused', async () => {
    for (const sc of ['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'REDUCED_REDUNDANCY'] as StorageClass[]) {
      await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: `sc/${sc}`, Body: 'x'.repeat(10_000), StorageClass: sc }));
      assert.equal(await headClass(`sc/${sc}`), sc);
    }
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'sc/STANDARD', Body: 'x', StorageClass: 'STANDARD' }));
    assert.equal(await headClass('sc/STANDARD'), undefined, 'AWS omits x-amz-storage-class for STANDARD');
    const list = await t.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'sc/' }));
    assert.deepEqual(Object.fromEntries((list.Contents ?? []).map((o) => [o.Key, o.StorageClass])), {
      'sc/GLACIER_IR': 'GLACIER_IR', 'sc/INTELLIGENT_TIERING': 'INTELLIGENT_TIERING', 'sc/ONEZONE_IA': 'ONEZONE_IA',
      'sc/REDUCED_REDUNDANCY': 'REDUCED_REDUNDANCY', 'sc/STANDARD': 'STANDARD', 'sc/STANDARD_IA': 'STANDARD_IA',
    });
    const attrs = await t.client.send(new GetObjectAttributesCommand({ Bucket: bucket, Key: 'sc/STANDARD_IA', ObjectAttributes: ['StorageClass'] }));
    assert.equal(attrs.StorageClass, 'STANDARD_IA');
    for (const sc of ['GLACIER', 'DEEP_ARCHIVE', 'OUTPOSTS', 'bogus'] as StorageClass[]) {
      const e = await errorOf(t.client.send(new PutObjectCommand({ Bucket: bucket, Key: `bad/${sc}`, Body: 'x', StorageClass: sc })));
      assert.deepEqual(e, { name: 'InvalidStorageClass', status: 400 }, sc);
    }
  });

  test('CopyObject changes the class in place; multipart uploads carry theirs to the object', async () => {
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'copy/me', Body: 'data', StorageClass: 'STANDARD_IA' }));
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/me', CopySource: `${bucket}/copy/me`, StorageClass: 'ONEZONE_IA' }));
    assert.equal(await headClass('copy/me'), 'ONEZONE_IA');
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/std', CopySource: `${bucket}/copy/me`, StorageClass: 'STANDARD' }));
    assert.equal(await headClass('copy/std'), undefined);
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy/kept', CopySource: `${bucket}/copy/me` }));
    assert.equal(await headClass('copy/kept'), 'ONEZONE_IA');
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', StorageClass: 'INTELLIGENT_TIERING' }));
    const uploads = await t.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.equal(uploads.Uploads?.find((u) => u.UploadId === UploadId)?.StorageClass, 'INTELLIGENT_TIERING');
    const part = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'mpu', UploadId, PartNumber: 1, Body: 'p' }));
    await t.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.equal(await headClass('mpu'), 'INTELLIGENT_TIERING');
  });

  test('request payment: the bucket owner pays', async () => {
    assert.equal((await t.client.send(new GetBucketRequestPaymentCommand({ Bucket: bucket }))).Payer, 'BucketOwner');
    await t.client.send(new PutBucketRequestPaymentCommand({ Bucket: bucket, RequestPaymentConfiguration: { Payer: 'BucketOwner' } }));
    const e = await errorOf(t.client.send(new PutBucketRequestPaymentCommand({ Bucket: bucket, RequestPaymentConfiguration: { Payer: 'Requester' } })));
    assert.deepEqual(e, { name: 'NotImplemented', status: 501 });
    assert.equal((await t.client.send(new GetBucketRequestPaymentCommand({ Bucket: bucket }))).Payer, 'BucketOwner');
  });
});
