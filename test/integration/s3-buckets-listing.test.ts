import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketLocationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { errorName } from '../support/errors.js';
import { s3Client, startTestServer, type TestServer } from '../support/server.js';


describe('buckets', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer()));
  after(async () => t.close());

  test('create, list, head, location, re-create in us-east-1, delete', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'b-one' }));
    await t.client.send(new CreateBucketCommand({ Bucket: 'b-one' }));
    const list = await t.client.send(new ListBucketsCommand({}));
    assert.deepEqual(list.Buckets?.map((b) => b.Name), ['b-one']);
    await t.client.send(new HeadBucketCommand({ Bucket: 'b-one' }));
    const loc = await t.client.send(new GetBucketLocationCommand({ Bucket: 'b-one' }));
    assert.equal(loc.LocationConstraint, undefined);
    await t.client.send(new DeleteBucketCommand({ Bucket: 'b-one' }));
    assert.equal(await errorName(t.client.send(new HeadBucketCommand({ Bucket: 'b-one' }))), 'NotFound');
  });

  test('other regions: BucketAlreadyOwnedByYou on re-create; location is returned', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'b-west', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }));
    assert.equal(
      await errorName(t.client.send(new CreateBucketCommand({ Bucket: 'b-west', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }))),
      'BucketAlreadyOwnedByYou',
    );
    const loc = await t.client.send(new GetBucketLocationCommand({ Bucket: 'b-west' }));
    assert.equal(loc.LocationConstraint, 'eu-west-1');
  });

  test('invalid names, missing buckets, non-empty delete', async () => {
    for (const name of ['AB', 'ab', 'a_b', '-ab', 'ab-', 'a..b', '192.168.1.1']) {
      assert.equal(await errorName(t.client.send(new CreateBucketCommand({ Bucket: name }))), 'InvalidBucketName', name);
    }
    assert.equal(await errorName(t.client.send(new DeleteBucketCommand({ Bucket: 'missing-bucket' }))), 'NoSuchBucket');
    await t.client.send(new CreateBucketCommand({ Bucket: 'full' }));
    await t.client.send(new PutObjectCommand({ Bucket: 'full', Key: 'k', Body: 'x' }));
    assert.equal(await errorName(t.client.send(new DeleteBucketCommand({ Bucket: 'full' }))), 'BucketNotEmpty');
  });

  test('a wrong secret is SignatureDoesNotMatch, an unknown key InvalidAccessKeyId', async () => {
    const bad = s3Client(t.server.s3Url, { secretAccessKey: 'wrong' });
    assert.equal(await errorName(bad.send(new ListBucketsCommand({}))), 'SignatureDoesNotMatch');
    const unknown = s3Client(t.server.s3Url, { accessKeyId: 'NOSUCHKEY', secretAccessKey: 'x' });
    assert.equal(await errorName(unknown.send(new ListBucketsCommand({}))), 'InvalidAccessKeyId');
  });
});

describe('listing', () => {
  let t: TestServer;
  const bucket = 'listing';
  const keys = ['a', 'a/b', 'a/c/d', 'a/c/e', 'b', 'b/', 'b/x', 'c+d', 'c d', 'é', 'z/1', 'z/2', 'z/3'];
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
    for (const k of keys) await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: k }));
  });
  after(async () => t.close());

  test('v2 lists every key in UTF-8 binary order', async () => {
    const r = await t.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    const sorted = [...keys].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(r.Contents?.map((c) => c.Key), sorted);
    assert.equal(r.KeyCount, keys.length);
  });

  test('delimiter groups common prefixes; pages never repeat a prefix', async () => {
    const seenKeys: string[] = [];
    const seenPrefixes: string[] = [];
    let token: string | undefined;
    for (;;) {
      const r = await t.client.send(new ListObjectsV2Command({ Bucket: bucket, Delimiter: '/', MaxKeys: 2, ContinuationToken: token }));
      seenKeys.push(...(r.Contents ?? []).map((c) => c.Key!));
      seenPrefixes.push(...(r.CommonPrefixes ?? []).map((c) => c.Prefix!));
      assert.ok((r.KeyCount ?? 0) <= 2);
      if (!r.IsTruncated) break;
      token = r.NextContinuationToken;
    }
    assert.deepEqual(seenPrefixes, ['a/', 'b/', 'z/']);
    assert.deepEqual(seenKeys, ['a', 'b', 'c d', 'c+d', 'é']);
  });

  test('v1 with prefix, delimiter and marker paging', async () => {
    const r = await t.client.send(new ListObjectsCommand({ Bucket: bucket, Prefix: 'a/', Delimiter: '/' }));
    assert.deepEqual(r.Contents?.map((c) => c.Key), ['a/b']);
    assert.deepEqual(r.CommonPrefixes?.map((c) => c.Prefix), ['a/c/']);
    const p1 = await t.client.send(new ListObjectsCommand({ Bucket: bucket, MaxKeys: 3, Delimiter: '/' }));
    assert.equal(p1.IsTruncated, true);
    assert.ok(p1.NextMarker);
    const p2 = await t.client.send(new ListObjectsCommand({ Bucket: bucket, Marker: p1.NextMarker, Delimiter: '/' }));
    const all = [...(p1.Contents ?? []).map((c) => c.Key), ...(p1.CommonPrefixes ?? []).map((c) => c.Prefix), ...(p2.Contents ?? []).map((c) => c.Key), ...(p2.CommonPrefixes ?? []).map((c) => c.Prefix)];
    assert.equal(new Set(all).size, all.length, 'no entry repeats across pages');
    assert.equal(all.length, 8);
  });

  test('start-after and max-keys 0', async () => {
    const r = await t.client.send(new ListObjectsV2Command({ Bucket: bucket, StartAfter: 'b/x' }));
    assert.equal(r.Contents?.[0]?.Key, 'c d');
    assert.equal(r.StartAfter, 'b/x');
    const z = await t.client.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 0 }));
    assert.equal(z.KeyCount, 0);
    assert.equal(z.IsTruncated, false);
  });

  test('DeleteObjects removes the listed keys (SDK sends a checksum, no Content-MD5)', async () => {
    const r = await t.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'z/1' }, { Key: 'z/2' }, { Key: 'missing' }] } }));
    assert.deepEqual(r.Deleted?.map((d) => d.Key).sort(), ['missing', 'z/1', 'z/2']);
    const l = await t.client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'z/' }));
    assert.deepEqual(l.Contents?.map((c) => c.Key), ['z/3']);
    const q = await t.client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'z/3' }], Quiet: true } }));
    assert.equal(q.Deleted, undefined);
  });
});
