import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  GetObjectLegalHoldCommand,
  GetObjectLockConfigurationCommand,
  GetObjectRetentionCommand,
  HeadObjectCommand,
  PutBucketVersioningCommand,
  PutObjectCommand,
  PutObjectLegalHoldCommand,
  PutObjectLockConfigurationCommand,
  PutObjectRetentionCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { streamToBuffer } from '../support/bytes.js';

const DAY_MS = 86_400_000;
const inDays = (d: number) => new Date(Date.now() + d * DAY_MS);

describe('Object Lock', () => {
  let t: TestServer;
  const bucket = 'locked';
  const plain = 'not-locked';
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
    await t.client.send(new CreateBucketCommand({ Bucket: plain }));
  });
  after(async () => t.close());

  test('a bucket created with Object Lock is versioned for good', async () => {
    assert.equal((await t.client.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status, 'Enabled');
    const e = await errorOf(t.client.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Suspended' } })));
    assert.deepEqual(e, { name: 'InvalidBucketState', status: 409 });
    const conf = await t.client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }));
    assert.equal(conf.ObjectLockConfiguration?.ObjectLockEnabled, 'Enabled');
    assert.equal(conf.ObjectLockConfiguration?.Rule, undefined);
  });

  test('a bucket without Object Lock: 404 configuration, lock headers and retention calls refused', async () => {
    assert.deepEqual(await errorOf(t.client.send(new GetObjectLockConfigurationCommand({ Bucket: plain }))), { name: 'ObjectLockConfigurationNotFoundError', status: 404 });
    const enable = { Bucket: plain, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' as const } };
    assert.equal((await errorOf(t.client.send(new PutObjectLockConfigurationCommand(enable)))).name, 'InvalidBucketState', 'versioning must be enabled first');
    const put = new PutObjectCommand({ Bucket: plain, Key: 'k', Body: 'x', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(1) });
    assert.deepEqual(await errorOf(t.client.send(put)), { name: 'InvalidRequest', status: 400 });
    await t.client.send(new PutObjectCommand({ Bucket: plain, Key: 'k', Body: 'x' }));
    assert.equal((await errorOf(t.client.send(new GetObjectRetentionCommand({ Bucket: plain, Key: 'k' })))).name, 'InvalidRequest');
    // Like AWS today, an existing bucket can get Object Lock once versioning is enabled.
    await t.client.send(new PutBucketVersioningCommand({ Bucket: plain, VersioningConfiguration: { Status: 'Enabled' } }));
    await t.client.send(new PutObjectLockConfigurationCommand(enable));
    assert.equal((await t.client.send(new GetObjectLockConfigurationCommand({ Bucket: plain }))).ObjectLockConfiguration?.ObjectLockEnabled, 'Enabled');
  });

  test('a COMPLIANCE version survives every delete attempt and cannot be weakened', async () => {
    const until = inDays(2);
    const put = await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'c', Body: 'kept', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until }));
    const v = put.VersionId!;
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'c' }));
    assert.equal(head.ObjectLockMode, 'COMPLIANCE');
    assert.equal(head.ObjectLockRetainUntilDate?.toISOString(), until.toISOString());
    assert.deepEqual(await errorOf(t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'c', VersionId: v }))), { name: 'AccessDenied', status: 403 });
    assert.deepEqual(await errorOf(t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'c', VersionId: v, BypassGovernanceRetention: true }))), { name: 'AccessDenied', status: 403 });
    const multi = await t.client.send(new DeleteObjectsCommand({ Bucket: bucket, BypassGovernanceRetention: true, Delete: { Objects: [{ Key: 'c', VersionId: v }] } }));
    assert.equal(multi.Errors?.[0]?.Code, 'AccessDenied');
    const shorter = new PutObjectRetentionCommand({ Bucket: bucket, Key: 'c', VersionId: v, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: inDays(1) }, BypassGovernanceRetention: true });
    assert.equal((await errorOf(t.client.send(shorter))).name, 'AccessDenied');
    const toGovernance = new PutObjectRetentionCommand({ Bucket: bucket, Key: 'c', VersionId: v, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(3) }, BypassGovernanceRetention: true });
    assert.equal((await errorOf(t.client.send(toGovernance))).name, 'AccessDenied');
    const longer = inDays(5);
    await t.client.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'c', VersionId: v, Retention: { Mode: 'COMPLIANCE', RetainUntilDate: longer } }));
    const got = await t.client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'c', VersionId: v }));
    assert.equal(got.Retention?.Mode, 'COMPLIANCE');
    assert.equal(got.Retention?.RetainUntilDate?.toISOString(), longer.toISOString());
    // A delete without versionId only hides it behind a marker.
    const marker = await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'c' }));
    assert.equal(marker.DeleteMarker, true);
    const body = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'c', VersionId: v }));
    assert.equal((await streamToBuffer(body.Body)).toString(), 'kept');
  });

  test('GOVERNANCE yields to x-amz-bypass-governance-retention only', async () => {
    const v = (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'g', Body: 'g', ObjectLockMode: 'GOVERNANCE', ObjectLockRetainUntilDate: inDays(2) }))).VersionId!;
    assert.equal((await errorOf(t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'g', VersionId: v })))).name, 'AccessDenied');
    const shorten = { Bucket: bucket, Key: 'g', VersionId: v, Retention: { Mode: 'GOVERNANCE' as const, RetainUntilDate: inDays(1) } };
    assert.equal((await errorOf(t.client.send(new PutObjectRetentionCommand(shorten)))).name, 'AccessDenied');
    // Changing the mode to COMPLIANCE overrides the governance setting: it needs the bypass too.
    const toCompliance = { Bucket: bucket, Key: 'g', VersionId: v, Retention: { Mode: 'COMPLIANCE' as const, RetainUntilDate: inDays(3) } };
    assert.equal((await errorOf(t.client.send(new PutObjectRetentionCommand(toCompliance)))).name, 'AccessDenied');
    await t.client.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'g', VersionId: v, Retention: { Mode: 'GOVERNANCE', RetainUntilDate: inDays(3) } }));
    await t.client.send(new PutObjectRetentionCommand({ ...shorten, BypassGovernanceRetention: true }));
    await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'g', VersionId: v, BypassGovernanceRetention: true }));
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'g', VersionId: v })))).name, 'NoSuchVersion');
  });

  test('legal hold blocks deletes until it is turned off', async () => {
    const v = (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'h', Body: 'h', ObjectLockLegalHoldStatus: 'ON' }))).VersionId!;
    assert.equal((await t.client.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'h' }))).LegalHold?.Status, 'ON');
    assert.equal((await errorOf(t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'h', VersionId: v, BypassGovernanceRetention: true })))).name, 'AccessDenied');
    assert.deepEqual(await errorOf(t.client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'h' }))), { name: 'NoSuchObjectLockConfiguration', status: 404 });
    await t.client.send(new PutObjectLegalHoldCommand({ Bucket: bucket, Key: 'h', VersionId: v, LegalHold: { Status: 'OFF' } }));
    assert.equal((await t.client.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'h', VersionId: v }))).LegalHold?.Status, 'OFF');
    await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'h', VersionId: v }));
  });

  test('default retention applies to new versions; rule validation', async () => {
    const conf = (rule: object) => new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: rule } } });
    assert.equal((await errorOf(t.client.send(conf({ Mode: 'GOVERNANCE', Days: 1, Years: 1 })))).name, 'MalformedXML');
    assert.equal((await errorOf(t.client.send(conf({ Mode: 'GOVERNANCE', Days: 0 })))).name, 'InvalidRetentionPeriod');
    assert.equal((await errorOf(t.client.send(conf({ Mode: 'GOVERNANCE', Years: 0 })))).name, 'InvalidRetentionPeriod');
    await t.client.send(conf({ Mode: 'GOVERNANCE', Days: 1 }));
    const rule = (await t.client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))).ObjectLockConfiguration?.Rule?.DefaultRetention;
    assert.deepEqual({ mode: rule?.Mode, days: rule?.Days }, { mode: 'GOVERNANCE', days: 1 });
    const before = Date.now();
    const v = (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'd', Body: 'd' }))).VersionId!;
    const r = (await t.client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'd', VersionId: v }))).Retention;
    assert.equal(r?.Mode, 'GOVERNANCE');
    const untilMs = r!.RetainUntilDate!.getTime();
    assert.ok(untilMs >= before + DAY_MS - 1000 && untilMs <= Date.now() + DAY_MS + 1000);
    assert.equal((await errorOf(t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'd', VersionId: v })))).name, 'AccessDenied');
    // Clearing the rule: new versions carry no retention.
    await t.client.send(new PutObjectLockConfigurationCommand({ Bucket: bucket, ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } }));
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'e', Body: 'e' }));
    assert.equal((await errorOf(t.client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'e' })))).name, 'NoSuchObjectLockConfiguration');
  });

  test('CopyObject takes lock settings from its own headers, never from the source', async () => {
    const src = (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'cp-src', Body: 'src', ObjectLockLegalHoldStatus: 'ON' }))).VersionId!;
    const plainCopy = await t.client.send(new CopyObjectCommand({ Bucket: bucket, Key: 'cp-plain', CopySource: `${bucket}/cp-src?versionId=${src}` }));
    assert.equal((await errorOf(t.client.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'cp-plain' })))).name, 'NoSuchObjectLockConfiguration');
    await t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'cp-plain', VersionId: plainCopy.VersionId }));
    const locked = await t.client.send(
      new CopyObjectCommand({ Bucket: bucket, Key: 'cp-locked', CopySource: `${bucket}/cp-src`, ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: inDays(1) }),
    );
    assert.equal((await errorOf(t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'cp-locked', VersionId: locked.VersionId })))).name, 'AccessDenied');
  });

  test('lock headers are validated', async () => {
    const past = new PutObjectCommand({ Bucket: bucket, Key: 'p', Body: 'p', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: new Date(Date.now() - DAY_MS) });
    assert.deepEqual(await errorOf(t.client.send(past)), { name: 'InvalidArgument', status: 400 });
    const modeOnly = new PutObjectCommand({ Bucket: bucket, Key: 'p', Body: 'p', ObjectLockMode: 'COMPLIANCE' });
    assert.equal((await errorOf(t.client.send(modeOnly))).name, 'InvalidArgument');
    assert.equal((await errorOf(t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'p' })))).name, 'NoSuchKey', 'nothing was stored');
  });

  test('lock headers on CreateMultipartUpload protect the completed object', async () => {
    const until = inDays(2);
    const up = await t.client.send(new CreateMultipartUploadCommand({
      Bucket: bucket, Key: 'mpu', ObjectLockMode: 'COMPLIANCE', ObjectLockRetainUntilDate: until, ObjectLockLegalHoldStatus: 'ON',
    }));
    const part = await t.client.send(new UploadPartCommand({ Bucket: bucket, Key: 'mpu', UploadId: up.UploadId, PartNumber: 1, Body: 'locked body' }));
    const done = await t.client.send(new CompleteMultipartUploadCommand({
      Bucket: bucket, Key: 'mpu', UploadId: up.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] },
    }));
    const r = await t.client.send(new GetObjectRetentionCommand({ Bucket: bucket, Key: 'mpu', VersionId: done.VersionId }));
    assert.equal(r.Retention?.Mode, 'COMPLIANCE');
    assert.ok(Math.abs(r.Retention!.RetainUntilDate!.getTime() - until.getTime()) < 1000);
    assert.equal((await t.client.send(new GetObjectLegalHoldCommand({ Bucket: bucket, Key: 'mpu', VersionId: done.VersionId }))).LegalHold?.Status, 'ON');
    assert.equal((await errorOf(t.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: 'mpu', VersionId: done.VersionId })))).name, 'AccessDenied');
    await t.client.send(new CreateBucketCommand({ Bucket: 'never-locked' }));
    const refused = await errorOf(t.client.send(new CreateMultipartUploadCommand({ Bucket: 'never-locked', Key: 'k', ObjectLockLegalHoldStatus: 'ON' })));
    assert.deepEqual(refused, { name: 'InvalidRequest', status: 400 });
  });

  test('an unknown mode in a PutObjectRetention body is MalformedXML', async () => {
    const v = (await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'badmode', Body: 'x' }))).VersionId!;
    for (const Mode of ['governance', 'abc']) {
      const e = await errorOf(t.client.send(new PutObjectRetentionCommand({ Bucket: bucket, Key: 'badmode', VersionId: v, Retention: { Mode: Mode as 'GOVERNANCE', RetainUntilDate: inDays(3) } })));
      assert.deepEqual(e, { name: 'MalformedXML', status: 400 });
    }
  });
});
