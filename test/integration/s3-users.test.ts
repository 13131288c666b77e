// Users through the admin CLI (a real process against a started server) and their effect
// on S3: each user is an account of its own, with its own buckets.

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CreateBucketCommand, ListBucketsCommand, PutObjectCommand, DeleteBucketCommand } from '@aws-sdk/client-s3';
import { startTestServer, s3Client, type TestServer } from '../support/server.js';
import { adminCli, createUser } from '../support/users.js';
import { errorName } from '../support/errors.js';

let t: TestServer;
before(async () => {
  t = await startTestServer();
});
after(async () => {
  await t.close();
});

test('admin CLI creates, lists and deletes users; each user owns its own buckets', async () => {
  const alice = await createUser(t.server.adminUrl, 'alice', 'ALICEACCESSKEY000001', 'alice-secret-000000000001');
  assert.match(alice.id, /^[0-9a-f]{64}$/);
  const aliceS3 = s3Client(t.server.s3Url, { accessKeyId: alice.accessKeyId, secretAccessKey: alice.secretAccessKey });
  try {
    await aliceS3.send(new CreateBucketCommand({ Bucket: 'alice-bucket' }));
    await t.client.send(new CreateBucketCommand({ Bucket: 'root-bucket' }));
    const mine = await aliceS3.send(new ListBucketsCommand({}));
    assert.deepEqual(mine.Buckets?.map((b) => b.Name), ['alice-bucket']);
    assert.equal(mine.Owner?.ID, alice.id);
    const roots = await t.client.send(new ListBucketsCommand({}));
    assert.deepEqual(roots.Buckets?.map((b) => b.Name), ['root-bucket']);
    // Bucket names are global: another account cannot take one.
    assert.equal(await errorName(aliceS3.send(new CreateBucketCommand({ Bucket: 'root-bucket' }))), 'BucketAlreadyExists');
    // Without a grant, another account's bucket is closed.
    assert.equal(await errorName(aliceS3.send(new PutObjectCommand({ Bucket: 'root-bucket', Key: 'k', Body: 'x' }))), 'AccessDenied');

    const list = await adminCli(t.server.adminUrl, ['user', 'list', '--json']);
    assert.equal(list.code, 0, list.stderr);
    const users = JSON.parse(list.stdout) as Array<Record<string, unknown>>;
    assert.deepEqual(users.map((u) => u['name']), ['alice']);
    assert.ok(!list.stdout.includes(alice.secretAccessKey), 'list never shows secrets');

    // A user who owns buckets cannot be deleted; once they are gone it can, and its key stops working.
    const refused = await adminCli(t.server.adminUrl, ['user', 'delete', 'alice']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /UserOwnsBuckets/);
    await aliceS3.send(new DeleteBucketCommand({ Bucket: 'alice-bucket' }));
    const deleted = await adminCli(t.server.adminUrl, ['user', 'delete', 'alice']);
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(await errorName(aliceS3.send(new ListBucketsCommand({}))), 'InvalidAccessKeyId');
  } finally {
    aliceS3.destroy();
  }
});

test('admin CLI refuses duplicates, bad names and the root key', async () => {
  await createUser(t.server.adminUrl, 'bob', 'BOBACCESSKEY00000001', 'bob-secret-0000000000001');
  const dupName = await adminCli(t.server.adminUrl, ['user', 'create', 'bob', '--access-key', 'OTHERKEY000000000001', '--secret-key', 'whatever-secret-1']);
  assert.equal(dupName.code, 1);
  assert.match(dupName.stderr, /UserAlreadyExists/);
  const dupKey = await adminCli(t.server.adminUrl, ['user', 'create', 'carol', '--access-key', 'BOBACCESSKEY00000001', '--secret-key', 'whatever-secret-1']);
  assert.match(dupKey.stderr, /AccessKeyInUse/);
  const rootKey = await adminCli(t.server.adminUrl, ['user', 'create', 'dave', '--access-key', t.server.credentials.accessKeyId, '--secret-key', 'whatever-secret-1']);
  assert.match(rootKey.stderr, /AccessKeyInUse/);
  const badName = await adminCli(t.server.adminUrl, ['user', 'create', 'no spaces', '--access-key', 'EVEKEY00000000000001', '--secret-key', 'whatever-secret-1']);
  assert.match(badName.stderr, /400 InvalidArgument/);
});

test('the admin API refuses unsigned calls and calls signed by anyone but root', async () => {
  const unsigned = await fetch(`${t.server.adminUrl}/admin/v1/users`, { method: 'POST', body: '{"name":"x","accessKeyId":"XKEY0000","secretAccessKey":"xsecret00"}' });
  assert.equal(unsigned.status, 403);
  const wrong = await adminCli(t.server.adminUrl, ['user', 'list'], { TESSERA_SECRET_KEY: 'not-the-root-secret' });
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /403 SignatureDoesNotMatch/);
  await createUser(t.server.adminUrl, 'erin', 'ERINACCESSKEY0000001', 'erin-secret-000000000001');
  const asUser = await adminCli(t.server.adminUrl, ['user', 'list'], { TESSERA_ACCESS_KEY: 'ERINACCESSKEY0000001', TESSERA_SECRET_KEY: 'erin-secret-000000000001' });
  assert.equal(asUser.code, 1);
  assert.match(asUser.stderr, /403 InvalidAccessKeyId/);
  const noCreds = await adminCli(t.server.adminUrl, ['user', 'list', '--data-dir', '/nonexistent'], { TESSERA_ACCESS_KEY: '', TESSERA_SECRET_KEY: '' });
  assert.equal(noCreds.code, 2);
});
