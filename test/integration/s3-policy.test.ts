// Bucket policies between two real users (created through the admin CLI) and anonymous
// callers: grants, explicit Deny, conditions, the policy APIs and public access blocks.

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketPolicyCommand, GetBucketPolicyCommand, GetBucketPolicyStatusCommand, GetObjectCommand,
  ListObjectsV2Command, PutBucketPolicyCommand, PutObjectCommand, PutPublicAccessBlockCommand, GetPublicAccessBlockCommand,
  DeletePublicAccessBlockCommand, PutBucketAclCommand, HeadObjectCommand, CopyObjectCommand, DeleteObjectsCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { startTestServer, s3Client, type TestServer } from '../support/server.js';
import { createUser, type CreatedUser } from '../support/users.js';
import { errorName } from '../support/errors.js';

let t: TestServer;
let alt: CreatedUser;
let altS3: S3Client;

before(async () => {
  t = await startTestServer();
  alt = await createUser(t.server.adminUrl, 'alt', 'ALTACCESSKEY00000002', 'alt-secret-00000000000000002');
  altS3 = s3Client(t.server.s3Url, { accessKeyId: alt.accessKeyId, secretAccessKey: alt.secretAccessKey });
});
after(async () => {
  altS3.destroy();
  await t.close();
});

const anonGet = (bucket: string, key: string) => fetch(`${t.server.s3Url}/${bucket}/${key}`);
const putPolicy = (bucket: string, statements: unknown[]) =>
  t.client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));

async function bucketWith(name: string, keys: string[]): Promise<void> {
  await t.client.send(new CreateBucketCommand({ Bucket: name }));
  for (const k of keys) await t.client.send(new PutObjectCommand({ Bucket: name, Key: k, Body: `body of ${k}` }));
}

test('a policy grant lets the alt user in, for exactly the actions and resources it names', async () => {
  await bucketWith('pol-grant', ['shared/a', 'private/b']);
  assert.equal(await errorName(altS3.send(new GetObjectCommand({ Bucket: 'pol-grant', Key: 'shared/a' }))), 'AccessDenied');
  await putPolicy('pol-grant', [{ Sid: 'AltReadsShared', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${alt.id}:root`] }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::pol-grant/shared/*' }]);
  const got = await altS3.send(new GetObjectCommand({ Bucket: 'pol-grant', Key: 'shared/a' }));
  assert.equal(await got.Body?.transformToString(), 'body of shared/a');
  assert.equal(await errorName(altS3.send(new GetObjectCommand({ Bucket: 'pol-grant', Key: 'private/b' }))), 'AccessDenied');
  assert.equal(await errorName(altS3.send(new PutObjectCommand({ Bucket: 'pol-grant', Key: 'shared/new', Body: 'x' }))), 'AccessDenied');
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'pol-grant' }))), 'AccessDenied');
  // Anonymous callers are not the alt user.
  assert.equal((await anonGet('pol-grant', 'shared/a')).status, 403);
  // Only the owner may read or change the policy.
  assert.equal(await errorName(altS3.send(new GetBucketPolicyCommand({ Bucket: 'pol-grant' }))), 'AccessDenied');
  const stored = await t.client.send(new GetBucketPolicyCommand({ Bucket: 'pol-grant' }));
  assert.match(stored.Policy ?? '', /AltReadsShared/);
});

test('a public-read policy opens GET to anonymous callers; deleting it closes it again', async () => {
  await bucketWith('pol-public', ['k']);
  assert.equal((await anonGet('pol-public', 'k')).status, 403);
  await putPolicy('pol-public', [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pol-public/*' }]);
  const res = await anonGet('pol-public', 'k');
  assert.equal(res.status, 200);
  assert.equal(await res.text(), 'body of k');
  // Allowed to GET but not to list: a missing key is still AccessDenied, not NoSuchKey.
  assert.equal((await anonGet('pol-public', 'missing')).status, 403);
  await t.client.send(new DeleteBucketPolicyCommand({ Bucket: 'pol-public' }));
  assert.equal((await anonGet('pol-public', 'k')).status, 403);
  assert.equal(await errorName(t.client.send(new GetBucketPolicyCommand({ Bucket: 'pol-public' }))), 'NoSuchBucketPolicy');
});

test('an explicit Deny wins over a policy Allow and over an ACL, even for the owner; the owner keeps the policy APIs', async () => {
  await bucketWith('pol-deny', ['open/x', 'secret/y']);
  await t.client.send(new PutBucketAclCommand({ Bucket: 'pol-deny', ACL: 'public-read' }));
  await putPolicy('pol-deny', [
    { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pol-deny/*' },
    { Effect: 'Deny', Principal: '*', Action: ['s3:GetObject', 's3:ListBucket'], Resource: ['arn:aws:s3:::pol-deny/secret/*', 'arn:aws:s3:::pol-deny'] },
  ]);
  assert.equal((await anonGet('pol-deny', 'open/x')).status, 200);
  assert.equal((await anonGet('pol-deny', 'secret/y')).status, 403);
  assert.equal(await errorName(altS3.send(new GetObjectCommand({ Bucket: 'pol-deny', Key: 'secret/y' }))), 'AccessDenied');
  assert.equal(await errorName(t.client.send(new GetObjectCommand({ Bucket: 'pol-deny', Key: 'secret/y' }))), 'AccessDenied');
  // The public-read bucket ACL would allow listing; the Deny wins.
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'pol-deny' }))), 'AccessDenied');
  await t.client.send(new DeleteBucketPolicyCommand({ Bucket: 'pol-deny' }));
  const list = await altS3.send(new ListObjectsV2Command({ Bucket: 'pol-deny' }));
  assert.equal(list.KeyCount, 2);
});

test('conditions on the request: s3:prefix, aws:SourceIp, s3:x-amz-acl', async () => {
  await bucketWith('pol-cond', ['home/alt/a', 'home/other/b']);
  await putPolicy('pol-cond', [
    { Effect: 'Allow', Principal: { AWS: alt.id }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::pol-cond', Condition: { StringLike: { 's3:prefix': 'home/alt/*' } } },
    { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pol-cond/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } },
    { Effect: 'Allow', Principal: { AWS: alt.id }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::pol-cond/*', Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } } },
  ]);
  const mine = await altS3.send(new ListObjectsV2Command({ Bucket: 'pol-cond', Prefix: 'home/alt/' }));
  assert.deepEqual(mine.Contents?.map((c) => c.Key), ['home/alt/a']);
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'pol-cond', Prefix: 'home/' }))), 'AccessDenied');
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'pol-cond' }))), 'AccessDenied');
  // The test client connects from 127.0.0.1, outside 10.0.0.0/8.
  assert.equal((await anonGet('pol-cond', 'home/alt/a')).status, 403);
  assert.equal(await errorName(altS3.send(new PutObjectCommand({ Bucket: 'pol-cond', Key: 'up', Body: 'x' }))), 'AccessDenied');
  await altS3.send(new PutObjectCommand({ Bucket: 'pol-cond', Key: 'up', Body: 'x', ACL: 'bucket-owner-full-control' }));
  await putPolicy('pol-cond', [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pol-cond/*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }]);
  assert.equal((await anonGet('pol-cond', 'home/alt/a')).status, 200);
});

test('PutBucketPolicy validates: MalformedPolicy for bad JSON, other buckets, unknown actions', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'pol-bad' }));
  const put = (Policy: string) => errorName(t.client.send(new PutBucketPolicyCommand({ Bucket: 'pol-bad', Policy })));
  assert.equal(await put('{"Version":'), 'MalformedPolicy');
  assert.equal(await put(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::elsewhere/*' }] })), 'MalformedPolicy');
  assert.equal(await put(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 'iam:CreateUser', Resource: 'arn:aws:s3:::pol-bad/*' }] })), 'MalformedPolicy');
  assert.equal(await put(JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pol-bad/*', Pad: 'x'.repeat(21_000) }] })), 'MalformedPolicy');
  assert.equal(await errorName(t.client.send(new GetBucketPolicyCommand({ Bucket: 'pol-bad' }))), 'NoSuchBucketPolicy');
});

test('public access block: BlockPublicPolicy refuses public policies, RestrictPublicBuckets voids them, IgnorePublicAcls ignores public ACLs', async () => {
  await bucketWith('pol-pab', ['k']);
  const publicRead = [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::pol-pab/*' }];
  await putPolicy('pol-pab', publicRead);
  assert.equal((await anonGet('pol-pab', 'k')).status, 200);
  await t.client.send(new PutPublicAccessBlockCommand({ Bucket: 'pol-pab', PublicAccessBlockConfiguration: { RestrictPublicBuckets: true, BlockPublicPolicy: true, IgnorePublicAcls: true } }));
  assert.equal((await anonGet('pol-pab', 'k')).status, 403);
  assert.equal(await errorName(putPolicy('pol-pab', publicRead)), 'AccessDenied');
  await t.client.send(new PutBucketAclCommand({ Bucket: 'pol-pab', ACL: 'public-read' }));
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'pol-pab' }))), 'AccessDenied');
  const pab = await t.client.send(new GetPublicAccessBlockCommand({ Bucket: 'pol-pab' }));
  assert.deepEqual(pab.PublicAccessBlockConfiguration, { BlockPublicAcls: false, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true });
  await t.client.send(new DeletePublicAccessBlockCommand({ Bucket: 'pol-pab' }));
  assert.equal((await anonGet('pol-pab', 'k')).status, 200);
  assert.equal((await altS3.send(new ListObjectsV2Command({ Bucket: 'pol-pab' }))).KeyCount, 1);
  assert.equal(await errorName(t.client.send(new GetPublicAccessBlockCommand({ Bucket: 'pol-pab' }))), 'NoSuchPublicAccessBlockConfiguration');
});

test('the owner keeps the policy APIs under a Deny, but not the others', async () => {
  await bucketWith('pol-self', ['k']);
  await t.client.send(new PutPublicAccessBlockCommand({ Bucket: 'pol-self', PublicAccessBlockConfiguration: { BlockPublicAcls: true } }));
  const denyAll = [{ Effect: 'Deny', Principal: '*', Action: ['s3:GetBucketPolicy', 's3:PutBucketPolicy', 's3:DeleteBucketPolicy', 's3:GetBucketPublicAccessBlock'], Resource: 'arn:aws:s3:::pol-self' }];
  await putPolicy('pol-self', denyAll);
  assert.equal(await errorName(t.client.send(new GetPublicAccessBlockCommand({ Bucket: 'pol-self' }))), 'AccessDenied');
  assert.match((await t.client.send(new GetBucketPolicyCommand({ Bucket: 'pol-self' }))).Policy ?? '', /GetBucketPublicAccessBlock/);
  assert.equal(await errorName(altS3.send(new GetBucketPolicyCommand({ Bucket: 'pol-self' }))), 'AccessDenied');
  await t.client.send(new DeleteBucketPolicyCommand({ Bucket: 'pol-self' }));
  await t.client.send(new GetPublicAccessBlockCommand({ Bucket: 'pol-self' }));
});

test('a listing grant limited by s3:prefix decides 404 versus 403 for missing keys', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'pol-404' }));
  await putPolicy('pol-404', [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::pol-404', Condition: { StringLike: { 's3:prefix': 'public/*' } } }]);
  const head = async (Key: string) => {
    try {
      await altS3.send(new HeadObjectCommand({ Bucket: 'pol-404', Key }));
      return 200;
    } catch (e) {
      return (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    }
  };
  assert.equal(await head('public/object'), 404);
  assert.equal(await head('private/object'), 403);
});

test('GetBucketPolicyStatus: false without a policy, true for a public ACL or policy, false for a named principal', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'pol-status' }));
  const isPublic = async () => (await t.client.send(new GetBucketPolicyStatusCommand({ Bucket: 'pol-status' }))).PolicyStatus?.IsPublic;
  assert.equal(await isPublic(), false);
  await t.client.send(new PutBucketAclCommand({ Bucket: 'pol-status', ACL: 'authenticated-read' }));
  assert.equal(await isPublic(), true);
  await t.client.send(new PutBucketAclCommand({ Bucket: 'pol-status', ACL: 'private' }));
  await putPolicy('pol-status', [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${alt.id}:root` }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::pol-status' }]);
  assert.equal(await isPublic(), false);
  await putPolicy('pol-status', [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::pol-status' }]);
  assert.equal(await isPublic(), true);
});

test('s3:x-amz-copy-source limits which sources a copy grant accepts', async () => {
  await bucketWith('pol-src', ['public/foo', 'private/foo']);
  await putPolicy('pol-src', [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::pol-src/*' }]);
  await t.client.send(new CreateBucketCommand({ Bucket: 'pol-dst' }));
  await putPolicy('pol-dst', [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::pol-dst/*', Condition: { StringLike: { 's3:x-amz-copy-source': 'pol-src/public/*' } } }]);
  await altS3.send(new CopyObjectCommand({ Bucket: 'pol-dst', Key: 'new', CopySource: 'pol-src/public/foo' }));
  assert.equal(await (await altS3.send(new GetObjectCommand({ Bucket: 'pol-dst', Key: 'new' }))).Body?.transformToString(), 'body of public/foo');
  assert.equal(await errorName(altS3.send(new CopyObjectCommand({ Bucket: 'pol-dst', Key: 'new2', CopySource: 'pol-src/private/foo' }))), 'AccessDenied');
  assert.equal(await errorName(altS3.send(new PutObjectCommand({ Bucket: 'pol-dst', Key: 'plain', Body: 'x' }))), 'AccessDenied');
});

test('DeleteObjects is authorized key by key: a prefix policy applies to each entry', async () => {
  await bucketWith('pol-multi', ['protected/a', 'open/b', 'open/c', 'protected/d']);
  await putPolicy('pol-multi', [
    { Sid: 'NobodyDeletesProtected', Effect: 'Deny', Principal: '*', Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::pol-multi/protected/*' },
    { Sid: 'AltDeletesOpen', Effect: 'Allow', Principal: { AWS: [`arn:aws:iam::${alt.id}:root`] }, Action: 's3:DeleteObject', Resource: 'arn:aws:s3:::pol-multi/open/*' },
  ]);
  const byOwner = await t.client.send(new DeleteObjectsCommand({ Bucket: 'pol-multi', Delete: { Objects: [{ Key: 'protected/a' }, { Key: 'open/b' }] } }));
  assert.deepEqual(byOwner.Deleted?.map((d) => d.Key), ['open/b']);
  assert.deepEqual(byOwner.Errors?.map((e) => [e.Key, e.Code]), [['protected/a', 'AccessDenied']]);
  const byAlt = await altS3.send(new DeleteObjectsCommand({ Bucket: 'pol-multi', Delete: { Objects: [{ Key: 'open/c' }, { Key: 'protected/d' }] } }));
  assert.deepEqual(byAlt.Deleted?.map((d) => d.Key), ['open/c']);
  assert.deepEqual(byAlt.Errors?.map((e) => [e.Key, e.Code]), [['protected/d', 'AccessDenied']]);
  const left = await t.client.send(new ListObjectsV2Command({ Bucket: 'pol-multi' }));
  assert.deepEqual(left.Contents?.map((o) => o.Key), ['protected/a', 'protected/d']);
});

test('policy variables: ${aws:username} gives each user a home prefix; anonymous callers have none', async () => {
  await bucketWith('pol-home', ['home/alt/notes', 'home/other/notes']);
  await putPolicy('pol-home', [
    { Sid: 'Home', Effect: 'Allow', Principal: '*', Action: ['s3:GetObject', 's3:PutObject'], Resource: 'arn:aws:s3:::pol-home/home/${aws:username}/*' },
    { Sid: 'ListHome', Effect: 'Allow', Principal: '*', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::pol-home', Condition: { StringLike: { 's3:prefix': 'home/${aws:username}/*' } } },
  ]);
  const got = await altS3.send(new GetObjectCommand({ Bucket: 'pol-home', Key: 'home/alt/notes' }));
  assert.equal(await got.Body?.transformToString(), 'body of home/alt/notes');
  await altS3.send(new PutObjectCommand({ Bucket: 'pol-home', Key: 'home/alt/new', Body: 'mine' }));
  assert.equal(await errorName(altS3.send(new GetObjectCommand({ Bucket: 'pol-home', Key: 'home/other/notes' }))), 'AccessDenied');
  const listed = await altS3.send(new ListObjectsV2Command({ Bucket: 'pol-home', Prefix: 'home/alt/' }));
  assert.deepEqual(listed.Contents?.map((o) => o.Key), ['home/alt/new', 'home/alt/notes']);
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'pol-home', Prefix: 'home/other/' }))), 'AccessDenied');
  // No user name, no home: the statement does not apply to anonymous callers.
  assert.equal((await anonGet('pol-home', 'home/alt/notes')).status, 403);
});
