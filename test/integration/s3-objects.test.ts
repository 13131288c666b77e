import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { md5hex, randomBytesSeeded, streamToBuffer, textBytes } from '../support/bytes.js';


describe('objects through the full pipeline', () => {
  let t: TestServer;
  const bucket = 'objects';
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => t.close());

  for (const [name, body] of [
    ['empty', Buffer.alloc(0)],
    ['inline small', Buffer.from('hello tessera')],
    ['random 1 MiB (several chunks)', randomBytesSeeded(1024 * 1024 + 17, 3)],
    ['text 2 MiB (compressible)', textBytes(2 * 1024 * 1024, 5)],
  ] as const) {
    test(`PUT then GET returns the same bytes: ${name}`, async () => {
      const key = `rt/${name}`;
      const put = await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: 'text/x-test', Metadata: { color: 'blue' } }));
      assert.equal(put.ETag, `"${md5hex(body)}"`);
      const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(got.ContentLength, body.length);
      assert.equal(got.ContentType, 'text/x-test');
      assert.deepEqual(got.Metadata, { color: 'blue' });
      assert.ok((await streamToBuffer(got.Body)).equals(body));
      const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal(head.ContentLength, body.length);
      assert.equal(head.ETag, `"${md5hex(body)}"`);
    });
  }

  test('keys with spaces, plus, percent, unicode and slashes round-trip', async () => {
    for (const key of ['a b+c', '100% sure', 'ünïcødé/日本語/ключ', 'dir/sub/../x', 'trailing/']) {
      await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: key }));
      const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      assert.equal((await streamToBuffer(got.Body)).toString(), key);
    }
  });

  test('ranges: closed, open, suffix, past the end', async () => {
    const body = randomBytesSeeded(300 * 1024, 9);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'range', Body: body }));
    const get = async (Range: string) => {
      const r = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'range', Range }));
      return { data: await streamToBuffer(r.Body), contentRange: r.ContentRange };
    };
    let r = await get('bytes=100-70000');
    assert.ok(r.data.equals(body.subarray(100, 70001)));
    assert.equal(r.contentRange, `bytes 100-70000/${body.length}`);
    r = await get('bytes=200000-');
    assert.ok(r.data.equals(body.subarray(200000)));
    r = await get('bytes=-1000');
    assert.ok(r.data.equals(body.subarray(body.length - 1000)));
    r = await get(`bytes=0-${body.length + 100}`);
    assert.ok(r.data.equals(body));
    const e = await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'range', Range: `bytes=${body.length}-` })));
    assert.equal(e.name, 'InvalidRange');
    assert.equal(e.status, 416);
  });

  test('several ranges answer 200 with the whole object', async () => {
    const r = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'range', Range: 'bytes=0-1,5-9' }));
    assert.equal(r.$metadata.httpStatusCode, 200);
    assert.equal((await streamToBuffer(r.Body)).length, 300 * 1024);
  });

  test('read preconditions: If-Match, If-None-Match, If-Modified-Since', async () => {
    const put = await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cond', Body: 'x' }));
    const ok = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: put.ETag }));
    assert.equal(ok.$metadata.httpStatusCode, 200);
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfMatch: '"nope"' })))).status, 412);
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfNoneMatch: put.ETag })))).status, 304);
    const future = new Date(Date.now() + 86_400_000);
    const r = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfModifiedSince: future }));
    assert.equal(r.$metadata.httpStatusCode, 200);
    const past = new Date(Date.now() - 86_400_000);
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', IfUnmodifiedSince: past })))).status, 412);
  });

  test('conditional writes: If-None-Match * and If-Match', async () => {
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cw', Body: 'one', IfNoneMatch: '*' }));
    const e = await errorOf(t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cw', Body: 'two', IfNoneMatch: '*' })));
    assert.equal(e.status, 412);
    const e2 = await errorOf(t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cw', Body: 'two', IfMatch: '"0000"' })));
    assert.equal(e2.status, 412);
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'cw' }));
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cw', Body: 'three', IfMatch: head.ETag }));
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'cw' }));
    assert.equal((await streamToBuffer(got.Body)).toString(), 'three');
  });

  test('response-* overrides', async () => {
    const r = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'cond', ResponseContentType: 'application/x-over', ResponseCacheControl: 'no-cache', ResponseContentDisposition: 'attachment' }));
    assert.equal(r.ContentType, 'application/x-over');
    assert.equal(r.CacheControl, 'no-cache');
    assert.equal(r.ContentDisposition, 'attachment');
  });

  test('missing keys: GET NoSuchKey, HEAD 404, DELETE 204', async () => {
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'nope' })))).name, 'NoSuchKey');
    assert.equal((await errorOf(t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'nope' })))).status, 404);
    const d = await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'nope' }));
    assert.equal(d.$metadata.httpStatusCode, 204);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'a/b', Body: 'x' }));
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'a/b/' })))).name, 'NoSuchKey');
  });

  test('copy: COPY keeps metadata, REPLACE replaces it, copy onto itself needs REPLACE', async () => {
    const body = textBytes(500 * 1024, 11);
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'src key+1', Body: body, Metadata: { a: '1' }, ContentType: 'text/plain' }));
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst1', CopySource: `${bucket}/${encodeURIComponent('src key+1')}` }));
    let h = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst1' }));
    assert.deepEqual(h.Metadata, { a: '1' });
    assert.equal(h.ContentType, 'text/plain');
    await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst1', CopySource: `${bucket}/dst1`, MetadataDirective: 'REPLACE', Metadata: { b: '2' } }));
    h = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dst1' }));
    assert.deepEqual(h.Metadata, { b: '2' });
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'dst1' }));
    assert.ok((await streamToBuffer(got.Body)).equals(body));
    const e = await errorOf(t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst1', CopySource: `${bucket}/dst1` })));
    assert.equal(e.name, 'InvalidRequest');
    const e2 = await errorOf(t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'dst2', CopySource: `${bucket}/dst1`, CopySourceIfMatch: '"zzz"' })));
    assert.equal(e2.status, 412);
  });

  test('checksums: SDK default CRC32 and explicit SHA256/CRC32C/CRC64NVME are stored and returned', async () => {
    for (const alg of ['CRC32', 'CRC32C', 'SHA256', 'SHA1', 'CRC64NVME'] as const) {
      const key = `ck/${alg}`;
      const put = await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: textBytes(100_000, 2), ChecksumAlgorithm: alg }));
      const field = `Checksum${alg}` as const;
      assert.ok(put[field], `PUT returns ${field}`);
      const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
      assert.equal(head[field], put[field]);
    }
  });

  test('Content-MD5 mismatch is BadDigest and stores nothing', async () => {
    const e = await errorOf(t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'md5', Body: 'abc', ContentMD5: Buffer.alloc(16).toString('base64') })));
    assert.equal(e.name, 'BadDigest');
    assert.equal((await errorOf(t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'md5' })))).status, 404);
  });
});
