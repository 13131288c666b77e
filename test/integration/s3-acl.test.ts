// ACLs between two real users (created through the admin CLI) and anonymous callers, with
// @aws-sdk/client-s3 and plain fetch for unsigned requests.

import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CreateBucketCommand, GetBucketAclCommand, GetObjectAclCommand, GetObjectCommand, ListObjectsV2Command,
  PutBucketAclCommand, PutObjectAclCommand, PutObjectCommand, CopyObjectCommand, type S3Client,
  CreateMultipartUploadCommand, UploadPartCommand, ListBucketsCommand, CompleteMultipartUploadCommand, PutBucketOwnershipControlsCommand,
  PutBucketPolicyCommand, ListPartsCommand,
} from '@aws-sdk/client-s3';
import { startTestServer, s3Client, type TestServer } from '../support/server.js';
import { createUser, type CreatedUser } from '../support/users.js';
import { errorName } from '../support/errors.js';

let t: TestServer;
let alt: CreatedUser;
let altS3: S3Client;
const ALL_USERS = 'http://acs.amazonaws.com/groups/global/AllUsers';

before(async () => {
  t = await startTestServer();
  alt = await createUser(t.server.adminUrl, 'alt', 'ALTACCESSKEY00000001', 'alt-secret-00000000000000001');
  altS3 = s3Client(t.server.s3Url, { accessKeyId: alt.accessKeyId, secretAccessKey: alt.secretAccessKey });
});
after(async () => {
  altS3.destroy();
  await t.close();
});

const anonGet = (bucket: string, key: string) => fetch(`${t.server.s3Url}/${bucket}/${key}`);

test('a private bucket is closed to other users and to anonymous callers', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-private' }));
  await t.client.send(new PutObjectCommand({ Bucket: 'acl-private', Key: 'k', Body: 'secret' }));
  assert.equal(await errorName(altS3.send(new GetObjectCommand({ Bucket: 'acl-private', Key: 'k' }))), 'AccessDenied');
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'acl-private' }))), 'AccessDenied');
  assert.equal(await errorName(altS3.send(new PutObjectCommand({ Bucket: 'acl-private', Key: 'x', Body: 'x' }))), 'AccessDenied');
  assert.equal(await errorName(altS3.send(new GetBucketAclCommand({ Bucket: 'acl-private' }))), 'AccessDenied');
  const anon = await anonGet('acl-private', 'k');
  assert.equal(anon.status, 403);
  assert.match(await anon.text(), /<Code>AccessDenied<\/Code>/);
  // A stranger does not learn whether a key exists.
  assert.equal((await anonGet('acl-private', 'missing')).status, 403);
  const acl = await t.client.send(new GetBucketAclCommand({ Bucket: 'acl-private' }));
  assert.equal(acl.Owner?.ID, t.server.credentials.accessKeyId);
  // The same owner as the listings show (ID and DisplayName).
  const listed = await t.client.send(new ListBucketsCommand({}));
  assert.deepEqual(acl.Owner, listed.Owner);
  assert.deepEqual(acl.Grants?.map((g) => [g.Grantee?.Type, g.Grantee?.ID, g.Permission]), [['CanonicalUser', t.server.credentials.accessKeyId, 'FULL_CONTROL']]);
});

test('public-read on the bucket opens listing; public-read on an object opens GET to anyone', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-public', ACL: 'public-read' }));
  await t.client.send(new PutObjectCommand({ Bucket: 'acl-public', Key: 'open', Body: 'hello', ACL: 'public-read' }));
  await t.client.send(new PutObjectCommand({ Bucket: 'acl-public', Key: 'closed', Body: 'no' }));
  const list = await altS3.send(new ListObjectsV2Command({ Bucket: 'acl-public' }));
  assert.deepEqual(list.Contents?.map((c) => c.Key), ['closed', 'open']);
  const anonList = await fetch(`${t.server.s3Url}/acl-public?list-type=2`);
  assert.equal(anonList.status, 200);
  const open = await anonGet('acl-public', 'open');
  assert.equal(open.status, 200);
  assert.equal(await open.text(), 'hello');
  assert.equal((await anonGet('acl-public', 'closed')).status, 403);
  // The bucket is readable, not writable.
  assert.equal(await errorName(altS3.send(new PutObjectCommand({ Bucket: 'acl-public', Key: 'x', Body: 'x' }))), 'AccessDenied');
  // Readers of the bucket listing may learn that a key is missing.
  assert.equal((await anonGet('acl-public', 'missing')).status, 404);
  const oacl = await t.client.send(new GetObjectAclCommand({ Bucket: 'acl-public', Key: 'open' }));
  assert.ok(oacl.Grants?.some((g) => g.Grantee?.Type === 'Group' && g.Grantee.URI === ALL_USERS && g.Permission === 'READ'));
});

test('grants to a user by id (header and XML body); the grantee can use exactly what it got', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-grant' }));
  await t.client.send(new PutObjectCommand({ Bucket: 'acl-grant', Key: 'k', Body: 'v' }));
  assert.equal(await errorName(altS3.send(new GetObjectCommand({ Bucket: 'acl-grant', Key: 'k' }))), 'AccessDenied');
  await t.client.send(new PutObjectAclCommand({ Bucket: 'acl-grant', Key: 'k', GrantRead: `id="${alt.id}"` }));
  const got = await altS3.send(new GetObjectCommand({ Bucket: 'acl-grant', Key: 'k' }));
  assert.equal(await got.Body?.transformToString(), 'v');
  assert.equal(await errorName(altS3.send(new GetObjectAclCommand({ Bucket: 'acl-grant', Key: 'k' }))), 'AccessDenied');

  const rootId = t.server.credentials.accessKeyId;
  await t.client.send(new PutBucketAclCommand({
    Bucket: 'acl-grant',
    AccessControlPolicy: {
      Owner: { ID: rootId },
      Grants: [
        { Grantee: { Type: 'CanonicalUser', ID: rootId }, Permission: 'FULL_CONTROL' },
        { Grantee: { Type: 'CanonicalUser', ID: alt.id }, Permission: 'WRITE' },
      ],
    },
  }));
  const acl = await t.client.send(new GetBucketAclCommand({ Bucket: 'acl-grant' }));
  const altGrant = acl.Grants?.find((g) => g.Grantee?.ID === alt.id);
  assert.equal(altGrant?.Permission, 'WRITE');
  assert.equal(altGrant?.Grantee?.DisplayName, 'alt');
  // WRITE lets alt add objects, which alt then owns: the bucket owner cannot read them without a grant.
  await altS3.send(new PutObjectCommand({ Bucket: 'acl-grant', Key: 'from-alt', Body: 'mine' }));
  assert.equal(await errorName(t.client.send(new GetObjectCommand({ Bucket: 'acl-grant', Key: 'from-alt' }))), 'AccessDenied');
  await altS3.send(new PutObjectCommand({ Bucket: 'acl-grant', Key: 'shared', Body: 'ours', ACL: 'bucket-owner-full-control' }));
  assert.equal(await (await t.client.send(new GetObjectCommand({ Bucket: 'acl-grant', Key: 'shared' }))).Body?.transformToString(), 'ours');
  // But not list it.
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'acl-grant' }))), 'AccessDenied');
});

test('ACL validation errors are AWS\'s', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-errors' }));
  assert.equal(await errorName(t.client.send(new PutBucketAclCommand({ Bucket: 'acl-errors', GrantRead: 'id="no-such-user"' }))), 'InvalidArgument');
  assert.equal(await errorName(t.client.send(new PutBucketAclCommand({ Bucket: 'acl-errors', GrantRead: 'emailAddress="a@example.com"' }))), 'UnresolvableGrantByEmailAddress');
  assert.equal(await errorName(t.client.send(new PutObjectCommand({ Bucket: 'acl-errors', Key: 'k', Body: 'x', ACL: 'nonsense' as 'private' }))), 'InvalidArgument');
  const res = await t.client.send(new PutBucketAclCommand({ Bucket: 'acl-errors', ACL: 'private' })).then(() => 'ok');
  assert.equal(res, 'ok');
});

test('copies and multipart uploads take the ACL of their request, never the source\'s', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-copy' }));
  await t.client.send(new PutObjectCommand({ Bucket: 'acl-copy', Key: 'src', Body: 'data', ACL: 'public-read' }));
  await t.client.send(new CopyObjectCommand({ Bucket: 'acl-copy', Key: 'private-copy', CopySource: 'acl-copy/src' }));
  assert.equal((await anonGet('acl-copy', 'private-copy')).status, 403);
  await t.client.send(new CopyObjectCommand({ Bucket: 'acl-copy', Key: 'public-copy', CopySource: 'acl-copy/src', ACL: 'public-read' }));
  assert.equal((await anonGet('acl-copy', 'public-copy')).status, 200);
  // alt may read the public source but may not write into this bucket.
  await altS3.send(new CreateBucketCommand({ Bucket: 'acl-alt-dest' }));
  await altS3.send(new CopyObjectCommand({ Bucket: 'acl-alt-dest', Key: 'c', CopySource: 'acl-copy/src' }));
  assert.equal(await errorName(altS3.send(new CopyObjectCommand({ Bucket: 'acl-alt-dest', Key: 'd', CopySource: 'acl-copy/private-copy' }))), 'AccessDenied');

  const up = await t.client.send(new CreateMultipartUploadCommand({ Bucket: 'acl-copy', Key: 'mp', ACL: 'public-read' }));
  const part = await t.client.send(new UploadPartCommand({ Bucket: 'acl-copy', Key: 'mp', UploadId: up.UploadId, PartNumber: 1, Body: 'multi' }));
  await t.client.send(new CompleteMultipartUploadCommand({ Bucket: 'acl-copy', Key: 'mp', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  const mp = await anonGet('acl-copy', 'mp');
  assert.equal(mp.status, 200);
  assert.equal(await mp.text(), 'multi');
});

test('BucketOwnerEnforced turns ACLs off', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-enforced', ACL: 'public-read' }));
  const enforce = () => t.client.send(new PutBucketOwnershipControlsCommand({ Bucket: 'acl-enforced', OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] } }));
  // AWS refuses to disable ACLs while the bucket ACL grants anyone but the owner.
  assert.equal(await errorName(enforce()), 'InvalidBucketAclWithObjectOwnership');
  await t.client.send(new PutBucketAclCommand({ Bucket: 'acl-enforced', ACL: 'private' }));
  await enforce();
  assert.equal(await errorName(t.client.send(new PutObjectCommand({ Bucket: 'acl-enforced', Key: 'k', Body: 'x', ACL: 'public-read' }))), 'AccessControlListNotSupported');
  assert.equal(await errorName(t.client.send(new PutBucketAclCommand({ Bucket: 'acl-enforced', ACL: 'public-read' }))), 'AccessControlListNotSupported');
  // Setting any ACL fails once ACLs are off, even one equal to the default.
  assert.equal(await errorName(t.client.send(new PutBucketAclCommand({ Bucket: 'acl-enforced', ACL: 'private' }))), 'AccessControlListNotSupported');
  await t.client.send(new PutObjectCommand({ Bucket: 'acl-enforced', Key: 'k', Body: 'x', ACL: 'bucket-owner-full-control' }));
  assert.equal(await errorName(altS3.send(new ListObjectsV2Command({ Bucket: 'acl-enforced' }))), 'AccessDenied');
});

test('ownership controls decide who owns what another account writes', async () => {
  const policy = (bucket: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`] }] });
  const ownerId = (await t.client.send(new GetBucketAclCommand({ Bucket: 'acl-private' }))).Owner?.ID;
  for (const [bucket, ownership] of [['own-enforced', 'BucketOwnerEnforced'], ['own-preferred', 'BucketOwnerPreferred']] as const) {
    await t.client.send(new CreateBucketCommand({ Bucket: bucket, ObjectOwnership: ownership }));
    await t.client.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy(bucket) }));
    await altS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'plain', Body: 'x' }));
    await altS3.send(new PutObjectCommand({ Bucket: bucket, Key: 'full', Body: 'x', ACL: 'bucket-owner-full-control' }));
    const plain = (await t.client.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'plain' }))).Owner?.ID;
    const full = (await t.client.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'full' }))).Owner?.ID;
    assert.equal(full, ownerId, `${ownership}: bucket-owner-full-control gives the object to the bucket owner`);
    if (ownership === 'BucketOwnerEnforced') assert.equal(plain, ownerId);
    else assert.notEqual(plain, ownerId);
    const up = await altS3.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp', ACL: 'bucket-owner-full-control' }));
    const parts = await altS3.send(new ListPartsCommand({ Bucket: bucket, Key: 'mp', UploadId: up.UploadId }));
    assert.equal(parts.Owner?.ID, ownerId);
  }
});

test('x-amz-expected-bucket-owner: another account id is AccessDenied, the right one passes', async () => {
  const ownerId = (await t.client.send(new GetBucketAclCommand({ Bucket: 'acl-private' }))).Owner?.ID;
  assert.equal(await errorName(t.client.send(new ListObjectsV2Command({ Bucket: 'acl-private', ExpectedBucketOwner: `${ownerId}x` }))), 'AccessDenied');
  await t.client.send(new ListObjectsV2Command({ Bucket: 'acl-private', ExpectedBucketOwner: ownerId }));
});

test('anonymous callers: writes where public-read-write allows them, an empty bucket list, never CreateBucket', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-anon-write', ACL: 'public-read-write' }));
  const put = await fetch(`${t.server.s3Url}/acl-anon-write/dropped`, { method: 'PUT', body: 'anonymous bytes' });
  assert.equal(put.status, 200, await put.text());
  // The anonymous writer owns the object: the bucket owner needs a grant to read it, anyone may (public-read-write covers the bucket only).
  const acl = await fetch(`${t.server.s3Url}/acl-anon-write/dropped?acl`);
  assert.equal(acl.status, 403);
  assert.equal(await errorName(t.client.send(new GetObjectCommand({ Bucket: 'acl-anon-write', Key: 'dropped' }))), 'AccessDenied');
  const list = await fetch(`${t.server.s3Url}/`);
  assert.equal(list.status, 200);
  assert.doesNotMatch(await list.text(), /<Bucket>/);
  const create = await fetch(`${t.server.s3Url}/acl-anon-bucket`, { method: 'PUT' });
  assert.equal(create.status, 403);
  assert.equal((await fetch(`${t.server.s3Url}/acl-private/k`, { method: 'PUT', body: 'x' })).status, 403);
});

test('an ACL with no grants: the owner keeps its objects and the ACL calls, loses writes', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-empty' }));
  await t.client.send(new PutObjectCommand({ Bucket: 'acl-empty', Key: 'foo', Body: 'bar' }));
  const acl = await t.client.send(new GetBucketAclCommand({ Bucket: 'acl-empty' }));
  await t.client.send(new PutBucketAclCommand({ Bucket: 'acl-empty', AccessControlPolicy: { Owner: acl.Owner, Grants: [] } }));
  assert.equal(await (await t.client.send(new GetObjectCommand({ Bucket: 'acl-empty', Key: 'foo' }))).Body?.transformToString(), 'bar');
  assert.equal(await errorName(t.client.send(new PutObjectCommand({ Bucket: 'acl-empty', Key: 'baz', Body: 'a' }))), 'AccessDenied');
  assert.deepEqual((await t.client.send(new GetBucketAclCommand({ Bucket: 'acl-empty' }))).Grants, []);
  await t.client.send(new PutBucketAclCommand({ Bucket: 'acl-empty', ACL: 'private' }));
  await t.client.send(new PutObjectCommand({ Bucket: 'acl-empty', Key: 'baz', Body: 'a' }));
});

test('re-creating one\'s bucket keeps its ACL; asking for another one is BucketAlreadyExists', async () => {
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-recreate', ACL: 'public-read' }));
  assert.equal(await errorName(t.client.send(new CreateBucketCommand({ Bucket: 'acl-recreate' }))), 'BucketAlreadyExists');
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-recreate', ACL: 'public-read' }));
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-recreate-2' }));
  assert.equal(await errorName(t.client.send(new CreateBucketCommand({ Bucket: 'acl-recreate-2', ACL: 'public-read' }))), 'BucketAlreadyExists');
  await t.client.send(new CreateBucketCommand({ Bucket: 'acl-recreate-2' }));
  const acl = await t.client.send(new GetBucketAclCommand({ Bucket: 'acl-recreate' }));
  assert.ok(acl.Grants?.some((g) => g.Grantee?.URI === ALL_USERS));
});
