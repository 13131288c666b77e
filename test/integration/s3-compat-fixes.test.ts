// Regression tests for behaviour the Ceph s3-tests suite found wrong (compat-tests/s3-tests).
// Each test names the s3-tests cases it stands for.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { errorName } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('s3-tests regressions', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(async () => t.close());

  // s3-tests: test_multipart_upload_empty and every test after it (the suite's bucket cleanup
  // deletes buckets that still hold in-progress uploads).
  test('DeleteBucket aborts in-progress uploads of an otherwise empty bucket', async () => {
    const bucket = 'del-with-uploads';
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const key of ['a', 'a', 'b/c']) await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: key }));
    await t.client.send(new DeleteBucketCommand({ Bucket: bucket }));
    assert.equal(await errorName(t.client.send(new HeadBucketCommand({ Bucket: bucket }))), 'NotFound');
    // The name is free again, and no upload of the old bucket shows up in the new one.
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
    const ups = await t.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.equal(ups.Uploads?.length ?? 0, 0);
  });

  test('DeleteBucket with objects and uploads answers BucketNotEmpty and keeps the uploads', async () => {
    const bucket = 'del-not-empty';
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj', Body: 'x' }));
    await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'up' }));
    assert.equal(await errorName(t.client.send(new DeleteBucketCommand({ Bucket: bucket }))), 'BucketNotEmpty');
    const ups = await t.client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
    assert.equal(ups.Uploads?.length, 1);
  });
});
