// Object and bucket tagging through the SDK: round trips, x-amz-tagging on every writer
// (PutObject, CopyObject with both directives, multipart), x-amz-tagging-count, and limits.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand, CopyObjectCommand, CreateBucketCommand, CreateMultipartUploadCommand,
  DeleteBucketTaggingCommand, DeleteObjectTaggingCommand, GetBucketTaggingCommand, GetObjectCommand,
  GetObjectTaggingCommand, HeadObjectCommand, PutBucketTaggingCommand, PutObjectCommand, PutObjectTaggingCommand,
  UploadPartCommand, type Tag,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

function tags(n: number, prefix = 'k'): Tag[] {
  return Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${i}`, Value: `v${i}` }));
}

describe('tagging', () => {
  let t: TestServer;
  const bucket = 'tags';
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => t.close());

  const getTags = async (Key: string) => (await t.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key }))).TagSet ?? [];

  test('Put/Get/DeleteObjectTagging round trip with tag count on GET and HEAD', async () => {
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'o', Body: 'x' }));
    assert.deepEqual(await getTags('o'), []);
    const set = [{ Key: 'ünïcode key', Value: 'a value with spaces & <xml>' }, { Key: 'empty', Value: '' }, ...tags(8)];
    await t.client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'o', Tagging: { TagSet: set } }));
    // Answered sorted by key, whatever the order sent.
    assert.deepEqual(await getTags('o'), [set[1], ...tags(8), set[0]]);
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'o' }));
    assert.equal(head.TagCount, 10);
    const get = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'o' }));
    assert.equal(get.TagCount, 10);
    await get.Body?.transformToByteArray();
    await t.client.send(new DeleteObjectTaggingCommand({ Bucket: bucket, Key: 'o' }));
    assert.deepEqual(await getTags('o'), []);
    const after = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'o' }));
    assert.equal(after.TagCount, undefined);
    await after.Body?.transformToByteArray();
  });

  test('limits: 10 tags, key 128 and value 256 characters, no duplicates, no aws: prefix', async () => {
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'lim', Body: 'x' }));
    await t.client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'lim', Tagging: { TagSet: [{ Key: 'é'.repeat(128), Value: 'ü'.repeat(256) }] } }));
    const bad: Tag[][] = [
      tags(11),
      [{ Key: 'k'.repeat(129), Value: 'v' }],
      [{ Key: 'k', Value: 'v'.repeat(257) }],
      [{ Key: 'dup', Value: '1' }, { Key: 'dup', Value: '2' }],
      [{ Key: 'aws:reserved', Value: 'v' }],
      [{ Key: '', Value: 'v' }],
    ];
    for (const TagSet of bad) {
      const e = await errorOf(t.client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'lim', Tagging: { TagSet } })));
      assert.deepEqual(e, { name: 'InvalidTag', status: 400 }, JSON.stringify(TagSet).slice(0, 80));
    }
    assert.deepEqual(await getTags('lim'), [{ Key: 'é'.repeat(128), Value: 'ü'.repeat(256) }]);
    const missing = await errorOf(t.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'nope' })));
    assert.equal(missing.name, 'NoSuchKey');
    // A version id that is not one of ours is malformed (AWS: InvalidArgument, "Invalid version id specified").
    const version = await errorOf(t.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'lim', VersionId: 'v123' })));
    assert.equal(version.name, 'InvalidArgument');
  });

  test('x-amz-tagging on PutObject; CopyObject copies or replaces tags', async () => {
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'src', Body: 'data', Tagging: 'b=two%20words&a=1' }));
    assert.deepEqual(await getTags('src'), [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }]);
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'copy', CopySource: `${bucket}/src` }));
    assert.deepEqual(await getTags('copy'), [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }]);
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'replaced', CopySource: `${bucket}/src`, TaggingDirective: 'REPLACE', Tagging: 'c=3' }));
    assert.deepEqual(await getTags('replaced'), [{ Key: 'c', Value: '3' }]);
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'cleared', CopySource: `${bucket}/src`, TaggingDirective: 'REPLACE', MetadataDirective: 'REPLACE' }));
    assert.deepEqual(await getTags('cleared'), []);
    const tooMany = await errorOf(t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'x', Body: 'x', Tagging: tags(11).map((x) => `${x.Key}=${x.Value}`).join('&') })));
    assert.equal(tooMany.name, 'InvalidTag');
  });

  test('CreateMultipartUpload tags move to the object on completion', async () => {
    const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', Tagging: 'project=tessera' }));
    const part = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'mpu', UploadId, PartNumber: 1, Body: 'only part' }));
    await t.client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mpu', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
    assert.deepEqual(await getTags('mpu'), [{ Key: 'project', Value: 'tessera' }]);
  });

  test('Put/Get/DeleteBucketTagging: 50 tags at most, NoSuchTagSet when absent', async () => {
    assert.deepEqual(await errorOf(t.client.send(new GetBucketTaggingCommand({ Bucket: bucket }))), { name: 'NoSuchTagSet', status: 404 });
    await t.client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags(50) } }));
    const sorted = tags(50).sort((a, b) => (a.Key! < b.Key! ? -1 : 1));
    assert.deepEqual((await t.client.send(new GetBucketTaggingCommand({ Bucket: bucket }))).TagSet, sorted);
    assert.equal((await errorOf(t.client.send(new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: tags(51) } })))).name, 'InvalidTag');
    await t.client.send(new DeleteBucketTaggingCommand({ Bucket: bucket }));
    assert.equal((await errorOf(t.client.send(new GetBucketTaggingCommand({ Bucket: bucket })))).name, 'NoSuchTagSet');
  });
});
