import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutBucketVersioningCommand,
  PutObjectCommand,
  UploadPartCommand,
  PutObjectTaggingCommand,
  GetObjectTaggingCommand,
  PutObjectAclCommand,
  GetObjectAclCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { randomBytesSeeded, streamToBuffer } from '../support/bytes.js';

/** The failed call's HTTP status, error name and response headers. */
async function failure(p: Promise<unknown>): Promise<{ name: string; status?: number; headers: Record<string, string> }> {
  try {
    await p;
  } catch (err) {
    const e = err as { name: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
    return { name: e.name, status: e.$metadata?.httpStatusCode, headers: e.$response?.headers ?? {} };
  }
  assert.fail('expected the request to fail');
}

describe('versioning', () => {
  let t: TestServer;
  const bucket = 'versioned';
  const body = async (key: string, versionId?: string) =>
    (await streamToBuffer((await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }))).Body)).toString();
  const put = async (key: string, text: string) => (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: text }))).VersionId;

  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(async () => t.close());

  test('a never-versioned bucket answers an empty configuration and no version ids', async () => {
    assert.equal((await t.client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, undefined);
    const v = await put('pre', 'before versioning');
    assert.equal(v, undefined);
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'pre' }));
    assert.equal(head.VersionId, undefined);
  });

  test('enabling: puts make versions, each readable by id; the pre-existing object is the null version', async () => {
    await t.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    assert.equal((await t.client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled');
    const v1 = await put('pre', 'first version');
    const v2 = await put('pre', 'second version');
    assert.ok(v1 && v2 && v1 !== v2);
    assert.match(v1, /^[A-Za-z0-9_-]+$/, 'version ids are URL-safe');
    assert.equal(await body('pre'), 'second version');
    assert.equal(await body('pre', v1), 'first version');
    assert.equal(await body('pre', 'null'), 'before versioning');
    const legacyHead = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'pre', VersionId: 'null' }));
    assert.equal(legacyHead.VersionId, 'null', 'a pre-versioning object reads as the null version');
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'pre', VersionId: v1 }));
    assert.equal(head.VersionId, v1);
    assert.equal(head.ContentLength, 'first version'.length);
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'pre', VersionId: 'AAAAAAAAAAAAAAAAAAAAAA' })))).name, 'NoSuchVersion');
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'pre', VersionId: 'bad id!' })))).status, 400);
  });

  test('delete adds a marker: GET is 404 with x-amz-delete-marker, GET of the marker is 405, lists skip the key', async () => {
    const v1 = await put('dm', 'kept');
    const del = await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dm' }));
    assert.equal(del.DeleteMarker, true);
    assert.ok(del.VersionId && del.VersionId !== v1);
    const miss = await failure(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'dm' })));
    assert.equal(miss.status, 404);
    assert.equal(miss.name, 'NoSuchKey');
    assert.equal(miss.headers['x-amz-delete-marker'], 'true');
    assert.equal(miss.headers['x-amz-version-id'], del.VersionId);
    const headMiss = await failure(t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dm' })));
    assert.equal(headMiss.status, 404);
    assert.equal(headMiss.headers['x-amz-delete-marker'], 'true');
    const onMarker = await failure(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'dm', VersionId: del.VersionId })));
    assert.equal(onMarker.status, 405);
    assert.equal(onMarker.headers['x-amz-delete-marker'], 'true');
    const headOnMarker = await failure(t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'dm', VersionId: del.VersionId })));
    assert.equal(headOnMarker.status, 405);
    assert.equal(await body('dm', v1), 'kept', 'the old version is still there');
    const listed = await t.client.send(new ListObjectsV2Command({ Bucket: bucket }));
    assert.ok(!(listed.Contents ?? []).some((o) => o.Key === 'dm'), 'ListObjectsV2 skips a key whose latest is a delete marker');
    // Deleting the marker by id brings the object back.
    const undo = await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dm', VersionId: del.VersionId }));
    assert.equal(undo.DeleteMarker, true);
    assert.equal(undo.VersionId, del.VersionId);
    assert.equal(await body('dm'), 'kept');
  });

  test('deleting a version by id removes only it; a missing version is a no-op echoing the id', async () => {
    const a = await put('byid', 'a');
    const b = await put('byid', 'b');
    const r = await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'byid', VersionId: b }));
    assert.equal(r.VersionId, b);
    assert.equal(r.DeleteMarker, undefined);
    assert.equal(await body('byid'), 'a', 'the previous version is the latest again');
    const gone = await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'byid', VersionId: b }));
    assert.equal(gone.VersionId, b);
    await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'byid', VersionId: a }));
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'byid' })))).name, 'NoSuchKey');
  });

  test('DeleteObjects with and without VersionId reports markers and versions', async () => {
    const v = await put('multi-1', 'x');
    await put('multi-2', 'y');
    const r = await t.client.send(
      new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: [{ Key: 'multi-1', VersionId: v }, { Key: 'multi-2' }] } }),
    );
    const byKey = new Map((r.Deleted ?? []).map((d) => [d.Key, d]));
    assert.equal(byKey.get('multi-1')?.VersionId, v);
    assert.equal(byKey.get('multi-1')?.DeleteMarker, undefined);
    assert.equal(byKey.get('multi-2')?.DeleteMarker, true);
    assert.ok(byKey.get('multi-2')?.DeleteMarkerVersionId);
    assert.equal((r.Errors ?? []).length, 0);
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'multi-1', VersionId: v })))).name, 'NoSuchVersion');
  });

  test('CopyObject from a version; the copy is a new version; a marker as source is refused', async () => {
    const old = await put('cp-src', 'old content');
    await put('cp-src', 'new content');
    const c = await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'cp-dst', CopySource: `${bucket}/cp-src?versionId=${old}` }));
    assert.equal(c.CopySourceVersionId, old);
    assert.ok(c.VersionId);
    assert.equal(await body('cp-dst'), 'old content');
    // Restoring an old version onto its own key is allowed.
    const restored = await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'cp-src', CopySource: `${bucket}/cp-src?versionId=${old}` }));
    assert.ok(restored.VersionId && restored.VersionId !== old);
    assert.equal(await body('cp-src'), 'old content');
    const marker = await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'cp-src' }));
    assert.equal((await errorOf(t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/cp-src` })))).name, 'NoSuchKey');
    assert.equal((await errorOf(t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'x', CopySource: `${bucket}/cp-src?versionId=${marker.VersionId}` })))).status, 400);
  });

  test('CompleteMultipartUpload creates a version', async () => {
    const before = await put('mp', 'small first');
    const u = await t.client.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'mp' }));
    const part = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'mp', UploadId: u.UploadId, PartNumber: 1, Body: 'only part' }));
    const done = await t.client.send(
      new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'mp', UploadId: u.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }),
    );
    assert.ok(done.VersionId && done.VersionId !== before);
    assert.equal(await body('mp'), 'only part');
    assert.equal(await body('mp', before), 'small first');
  });

  test('suspended: writes replace the null version, versions made while enabled stay', async () => {
    const kept = await put('susp', 'enabled-era');
    await t.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } }));
    assert.equal((await t.client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Suspended');
    // A suspended write stores the null version and answers without x-amz-version-id (AWS's
    // PutObject reference; s3-tests test_versioning_bucket_atomic_upload_return_version_id).
    assert.equal(await put('susp', 'null one'), undefined);
    assert.equal(await put('susp', 'null two'), undefined);
    assert.equal((await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'susp' }))).VersionId, 'null');
    assert.equal(await body('susp', 'null'), 'null two');
    assert.equal(await body('susp', kept), 'enabled-era');
    const del = await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'susp' }));
    assert.equal(del.VersionId, 'null');
    assert.equal(del.DeleteMarker, true);
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'susp', VersionId: 'null' })))).status, 405);
    await t.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
  });

  test('versions share chunks: stats count every version and deleting versions releases exactly theirs', async () => {
    const s0 = t.server.objects.stats();
    const data = randomBytesSeeded(600 * 1024, 11);
    const a = (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'dedup', Body: data }))).VersionId!;
    const s1 = t.server.objects.stats();
    const b = (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'dedup', Body: data }))).VersionId!;
    const s2 = t.server.objects.stats();
    assert.equal(s2.objects - s0.objects, 2);
    assert.equal(s2.logicalBytes - s0.logicalBytes, 2 * data.length);
    assert.equal(s2.uniqueBytes, s1.uniqueBytes, 'the second version stored no new chunk');
    await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dedup', VersionId: a }));
    assert.ok((await streamToBuffer((await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'dedup', VersionId: b }))).Body)).equals(data));
    assert.equal((await t.server.gc.run()).chunksReclaimed, 0, 'chunks still referenced by the other version survive GC');
    await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'dedup', VersionId: b }));
    const s3 = t.server.objects.stats();
    assert.equal(s3.objects, s0.objects);
    assert.equal(s3.logicalBytes, s0.logicalBytes);
    assert.ok((await t.server.gc.run()).chunksReclaimed > 0, 'once no version references them, GC reclaims the chunks');
    assert.equal(t.server.objects.stats().uniqueBytes, s0.uniqueBytes);
  });

  test('DeleteBucket refuses while versions or delete markers remain', async () => {
    const b2 = 'versioned-empty';
    await t.client.send(new CreateBucketCommand({ Bucket: b2 }));
    await t.client.send(new PutBucketVersioningCommand({ Bucket: b2, VersioningConfiguration: { Status: 'Enabled' } }));
    const v = (await t.client.send(new PutObjectCommand({ Bucket: b2, Key: 'k', Body: 'x' }))).VersionId;
    const m = (await t.client.send(new DeleteObjectCommand({ Bucket: b2, Key: 'k' }))).VersionId;
    assert.equal((await errorOf(t.client.send(new DeleteBucketCommand({ Bucket: b2 })))).name, 'BucketNotEmpty');
    await t.client.send(new DeleteObjectCommand({ Bucket: b2, Key: 'k', VersionId: v }));
    assert.equal((await errorOf(t.client.send(new DeleteBucketCommand({ Bucket: b2 })))).name, 'BucketNotEmpty', 'a lone delete marker still counts');
    await t.client.send(new DeleteObjectCommand({ Bucket: b2, Key: 'k', VersionId: m }));
    await t.client.send(new DeleteBucketCommand({ Bucket: b2 }));
  });

  test('PutBucketVersioning validates its document; MFA delete is not implemented', async () => {
    assert.equal((await errorOf(t.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'On' as 'Enabled' } })))).name, 'MalformedXML');
    assert.equal((await errorOf(t.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled', MFADelete: 'Enabled' } })))).status, 501);
  });

  test('tagging and ACLs address a version by versionId; the latest by default', async () => {
    await t.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    const v1 = await put('sub', 'one');
    const v2 = await put('sub', 'two');
    await t.client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'sub', VersionId: v1, Tagging: { TagSet: [{ Key: 'gen', Value: '1' }] } }));
    await t.client.send(new PutObjectTaggingCommand({ Bucket: bucket, Key: 'sub', Tagging: { TagSet: [{ Key: 'gen', Value: '2' }] } }));
    const t1 = await t.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'sub', VersionId: v1 }));
    assert.deepEqual([t1.VersionId, t1.TagSet], [v1, [{ Key: 'gen', Value: '1' }]]);
    const latest = await t.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'sub' }));
    assert.deepEqual([latest.VersionId, latest.TagSet], [v2, [{ Key: 'gen', Value: '2' }]]);
    await t.client.send(new PutObjectAclCommand({ Bucket: bucket, Key: 'sub', VersionId: v1, ACL: 'public-read' }));
    const acl1 = await t.client.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'sub', VersionId: v1 }));
    assert.ok(acl1.Grants?.some((g) => g.Grantee?.URI?.endsWith('/AllUsers')), 'v1 is public-read');
    const acl2 = await t.client.send(new GetObjectAclCommand({ Bucket: bucket, Key: 'sub' }));
    assert.ok(!acl2.Grants?.some((g) => g.Grantee?.URI?.endsWith('/AllUsers')), 'the latest stays private');
    assert.equal((await failure(t.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'sub', VersionId: 'nope' })))).name, 'InvalidArgument');
    // A well-formed id of a version that is gone: NoSuchVersion.
    await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'sub', VersionId: v1 }));
    assert.equal((await failure(t.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'sub', VersionId: v1 })))).name, 'NoSuchVersion');
  });
});
