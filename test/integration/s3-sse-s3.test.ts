// SSE-S3 and bucket default encryption through a real server and @aws-sdk/client-s3.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketEncryptionCommand,
  GetBucketEncryptionCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutBucketEncryptionCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { randomBytesSeeded, streamToBuffer } from '../support/bytes.js';
import { samples, windowsFound, withHeaders } from '../support/sse.js';
import { SseKeys } from '../../src/gateway/sse.js';

const MiB = 1024 * 1024;

describe('SSE-S3 and bucket default encryption', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    for (const b of ['s3e', 'dflt', 'kms']) await t.client.send(new CreateBucketCommand({ Bucket: b }));
  });
  after(async () => t.close());

  const getBody = async (Bucket: string, Key: string) => {
    const got = await t.client.send(new GetObjectCommand({ Bucket, Key }));
    return { sse: got.ServerSideEncryption, body: await streamToBuffer(got.Body) };
  };

  test('x-amz-server-side-encryption: AES256 round trips at 1 B, 1 KiB, 1 MiB with the header on PUT, GET and HEAD', async () => {
    for (const size of [1, 1024, MiB]) {
      const body = randomBytesSeeded(size, size);
      const put = await t.client.send(new PutObjectCommand({ Bucket: 's3e', Key: `o${size}`, Body: body, ServerSideEncryption: 'AES256' }));
      assert.equal(put.ServerSideEncryption, 'AES256');
      const got = await getBody('s3e', `o${size}`);
      assert.equal(got.sse, 'AES256');
      assert.ok(got.body.equals(body));
      const head = await t.client.send(new HeadObjectCommand({ Bucket: 's3e', Key: `o${size}` }));
      assert.equal(head.ServerSideEncryption, 'AES256');
    }
    const plain = await t.client.send(new PutObjectCommand({ Bucket: 's3e', Key: 'plain', Body: 'x' }));
    assert.equal(plain.ServerSideEncryption, undefined);
  });

  test('invalid SSE request headers: aws:kms without a key id → 400, aws:kms:dsse → 501, AES256 with a KMS key id → 400, a misspelt method → 400, a key id alone → 400', async () => {
    const put = (h: Record<string, string>) => errorOf(t.client.send(withHeaders(new PutObjectCommand({ Bucket: 's3e', Key: 'bad', Body: 'x' }), h)));
    assert.deepEqual(await put({ 'x-amz-server-side-encryption': 'aws:kms' }), { name: 'InvalidArgument', status: 400 });
    assert.deepEqual(await put({ 'x-amz-server-side-encryption': 'aws:kms:dsse' }), { name: 'NotImplemented', status: 501 });
    assert.deepEqual(await put({ 'x-amz-server-side-encryption': 'AES256', 'x-amz-server-side-encryption-aws-kms-key-id': 'k' }), { name: 'InvalidArgument', status: 400 });
    assert.deepEqual(await put({ 'x-amz-server-side-encryption': 'aes:kms' }), { name: 'InvalidArgument', status: 400 });
    assert.deepEqual(await put({ 'x-amz-server-side-encryption-aws-kms-key-id': 'k' }), { name: 'InvalidArgument', status: 400 });
    // A GET/HEAD carrying x-amz-server-side-encryption is refused (s3-tests test_sse_s3_default_method_head).
    await t.client.send(new PutObjectCommand({ Bucket: 's3e', Key: 'h', Body: 'x', ServerSideEncryption: 'AES256' }));
    assert.equal((await errorOf(t.client.send(withHeaders(new HeadObjectCommand({ Bucket: 's3e', Key: 'h' }), { 'x-amz-server-side-encryption': 'AES256' })))).status, 400);
  });

  test('Put/Get/DeleteBucketEncryption; the default seals PUT and multipart writes; existing objects stay readable after delete', async () => {
    assert.deepEqual(await errorOf(t.client.send(new GetBucketEncryptionCommand({ Bucket: 'dflt' }))), { name: 'ServerSideEncryptionConfigurationNotFoundError', status: 404 });
    await t.client.send(new PutBucketEncryptionCommand({ Bucket: 'dflt', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    const cfg = await t.client.send(new GetBucketEncryptionCommand({ Bucket: 'dflt' }));
    assert.equal(cfg.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'AES256');

    const secret = randomBytesSeeded(256 * 1024, 71);
    const put = await t.client.send(new PutObjectCommand({ Bucket: 'dflt', Key: 'd', Body: secret }));
    assert.equal(put.ServerSideEncryption, 'AES256');
    const got = await getBody('dflt', 'd');
    assert.equal(got.sse, 'AES256');
    assert.ok(got.body.equals(secret));
    const drives = readdirSync(t.dataDir).filter((d) => d.startsWith('drive-')).map((d) => join(t.dataDir, d));
    assert.equal(windowsFound(drives, samples(secret)), 0, 'the default-encrypted body is not on the drives in the clear');

    const parts = [randomBytesSeeded(5 * MiB, 72), randomBytesSeeded(100, 73)];
    const init = await t.client.send(new CreateMultipartUploadCommand({ Bucket: 'dflt', Key: 'mp' }));
    assert.equal(init.ServerSideEncryption, 'AES256');
    const etags = [];
    for (let i = 0; i < parts.length; i++) {
      etags.push((await t.client.send(new UploadPartCommand({ Bucket: 'dflt', Key: 'mp', UploadId: init.UploadId, PartNumber: i + 1, Body: parts[i] }))).ETag!);
    }
    const done = await t.client.send(
      new CompleteMultipartUploadCommand({ Bucket: 'dflt', Key: 'mp', UploadId: init.UploadId, MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) } }),
    );
    assert.equal(done.ServerSideEncryption, 'AES256');
    const mp = await getBody('dflt', 'mp');
    assert.equal(mp.sse, 'AES256');
    assert.ok(mp.body.equals(Buffer.concat(parts)));

    const del = await t.client.send(new DeleteBucketEncryptionCommand({ Bucket: 'dflt' }));
    assert.equal(del.$metadata.httpStatusCode, 204);
    assert.equal((await errorOf(t.client.send(new GetBucketEncryptionCommand({ Bucket: 'dflt' })))).status, 404);
    assert.equal((await t.client.send(new PutObjectCommand({ Bucket: 'dflt', Key: 'after', Body: 'x' }))).ServerSideEncryption, undefined);
    const again = await getBody('dflt', 'd');
    assert.equal(again.sse, 'AES256');
    assert.ok(again.body.equals(secret));
  });

  test('aws:kms with a key id: built-in key, aws:kms and the key id echoed on PUT, GET and HEAD; no key needed to read', async () => {
    const body = randomBytesSeeded(300 * 1024, 75);
    const put = await t.client.send(new PutObjectCommand({ Bucket: 's3e', Key: 'kms', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'testkey-1' }));
    assert.equal(put.ServerSideEncryption, 'aws:kms');
    assert.equal(put.SSEKMSKeyId, 'testkey-1');
    const got = await t.client.send(new GetObjectCommand({ Bucket: 's3e', Key: 'kms' }));
    assert.equal(got.ServerSideEncryption, 'aws:kms');
    assert.equal(got.SSEKMSKeyId, 'testkey-1');
    assert.ok((await streamToBuffer(got.Body)).equals(body));
    const head = await t.client.send(new HeadObjectCommand({ Bucket: 's3e', Key: 'kms' }));
    assert.equal(head.SSEKMSKeyId, 'testkey-1');
    // Another key id is another dedup scope: the same bytes are stored again.
    const u0 = t.server.objects.stats().uniqueBytes;
    await t.client.send(new PutObjectCommand({ Bucket: 's3e', Key: 'kms2', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'testkey-2' }));
    assert.equal(t.server.objects.stats().uniqueBytes - u0, body.byteLength);
    await t.client.send(new PutObjectCommand({ Bucket: 's3e', Key: 'kms3', Body: body, ServerSideEncryption: 'aws:kms', SSEKMSKeyId: 'testkey-1' }));
    assert.equal(t.server.objects.stats().uniqueBytes - u0, body.byteLength, 'same key id: deduplicated');
  });

  test('an aws:kms default is stored and echoed, and its writes use its key id', async () => {
    await t.client.send(
      new PutBucketEncryptionCommand({
        Bucket: 'kms',
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'fool-me-again' }, BucketKeyEnabled: true }] },
      }),
    );
    const cfg = await t.client.send(new GetBucketEncryptionCommand({ Bucket: 'kms' }));
    const rule = cfg.ServerSideEncryptionConfiguration?.Rules?.[0];
    assert.equal(rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm, 'aws:kms');
    assert.equal(rule?.ApplyServerSideEncryptionByDefault?.KMSMasterKeyID, 'fool-me-again');
    assert.equal(rule?.BucketKeyEnabled, true);
    const put = await t.client.send(new PutObjectCommand({ Bucket: 'kms', Key: 'k', Body: 'hello' }));
    assert.equal(put.ServerSideEncryption, 'aws:kms');
    assert.equal(put.SSEKMSKeyId, 'fool-me-again');
    assert.equal((await getBody('kms', 'k')).body.toString(), 'hello');
  });

  test('PutBucketEncryption validation: unknown algorithm, KMS key id with AES256, no rule', async () => {
    const put = (Rules: unknown) =>
      errorOf(t.client.send(new PutBucketEncryptionCommand({ Bucket: 's3e', ServerSideEncryptionConfiguration: { Rules } as never })));
    assert.deepEqual(await put([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'DES' } }]), { name: 'InvalidArgument', status: 400 });
    assert.deepEqual(await put([{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256', KMSMasterKeyID: 'k' } }]), { name: 'InvalidArgument', status: 400 });
    assert.deepEqual(await put([]), { name: 'MalformedXML', status: 400 });
  });

  test('SSE-S3 dedups within an account and not across two (object service, two bucket owners)', async () => {
    const master = JSON.parse(readFileSync(join(t.dataDir, 'master-key.json'), 'utf8')) as { keyBase64: string };
    assert.equal(statSync(join(t.dataDir, 'master-key.json')).mode & 0o777, 0o600);
    const sse = new SseKeys(Buffer.from(master.keyBase64, 'base64'));
    const objects = t.server.objects;
    await objects.createBucket('alice', 'alice-b', 'us-east-1');
    await objects.createBucket('bob', 'bob-b', 'us-east-1');
    const body = randomBytesSeeded(400 * 1024, 81);
    const put = (bucket: string, key: string, owner: string) =>
      objects.putObject(
        bucket,
        key,
        { owner, contentType: 'binary/octet-stream', headers: {}, userMeta: {} },
        { data: (async function* () { yield body; })(), encryption: sse.sseS3(owner) },
        {},
      );
    const unique = () => objects.stats().uniqueBytes;
    const u0 = unique();
    await put('alice-b', 'a1', 'alice');
    const u1 = unique();
    assert.equal(u1 - u0, body.byteLength);
    await put('alice-b', 'a2', 'alice');
    assert.equal(unique(), u1, 'same account: deduplicated');
    await put('bob-b', 'b1', 'bob');
    assert.equal(unique() - u1, body.byteLength, 'another account: stored again');
    const back: Buffer[] = [];
    const rec = objects.getObject('bob-b', 'b1');
    for await (const c of objects.read(rec, 0, rec.size, sse.readCipher(rec.sse!))) back.push(c);
    assert.ok(Buffer.concat(back).equals(body));
    // Bob's chunks cannot be opened in Alice's scope: the tag check refuses, no garbage is returned.
    await assert.rejects(async () => {
      for await (const _ of objects.read(rec, 0, rec.size, sse.sseS3('alice').cipher)) void _;
    }, /authentication tag mismatch/);
  });

  test('encrypted objects survive a restart (the generated master key is reused)', async () => {
    await t.client.send(new PutObjectCommand({ Bucket: 's3e', Key: 'persist', Body: randomBytesSeeded(200 * 1024, 91), ServerSideEncryption: 'AES256' }));
    await t.stop();
    const again = await startTestServer({ dataDir: t.dataDir });
    try {
      const got = await again.client.send(new GetObjectCommand({ Bucket: 's3e', Key: 'persist' }));
      assert.ok((await streamToBuffer(got.Body)).equals(randomBytesSeeded(200 * 1024, 91)));
    } finally {
      await again.stop();
    }
  });
});
