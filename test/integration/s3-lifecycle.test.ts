import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketLifecycleCommand,
  GetBucketLifecycleConfigurationCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  PutBucketLifecycleConfigurationCommand,
  PutObjectCommand,
  PutBucketVersioningCommand,
  ListObjectVersionsCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { LifecycleWorker } from '../../src/lifecycle/worker.js';
import { MultipartService } from '../../src/gateway/multipart.js';

// Passes run with a clock moved forward instead of waiting: `pass(0)` is now, `pass(2)` is
// two lifecycle days later (a day is a minute here, so writes never become due by themselves
// however slow the machine is).
const DAY_MS = 60_000;

describe('bucket lifecycle', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer({ lifecycle: { intervalMs: 3_600_000, dayMs: DAY_MS } })));
  after(async () => t.close());

  const pass = (days: number) =>
    new LifecycleWorker({
      objects: t.server.objects,
      multipart: new MultipartService(t.server.objects),
      now: () => Date.now() + days * DAY_MS,
      dayMs: DAY_MS,
    }).run();
  const put = (Bucket: string, rules: LifecycleRule[]) =>
    t.client.send(new PutBucketLifecycleConfigurationCommand({ Bucket, LifecycleConfiguration: { Rules: rules } }));
  const keys = async (Bucket: string) => ((await t.client.send(new ListObjectsV2Command({ Bucket }))).Contents ?? []).map((o) => o.Key).sort();

  test('put, get (in the shape put), delete; NoSuchLifecycleConfiguration when absent', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'lc-conf' }));
    const missing = await errorOf(t.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'lc-conf' })));
    assert.deepEqual(missing, { name: 'NoSuchLifecycleConfiguration', status: 404 });
    const rules: LifecycleRule[] = [
      { ID: 'legacy', Prefix: 'logs/', Status: 'Enabled', Expiration: { Days: 31 } },
      { ID: 'and', Filter: { And: { Prefix: 'tmp/', Tags: [{ Key: 'k', Value: 'v' }], ObjectSizeGreaterThan: 10 } }, Status: 'Disabled', Expiration: { Date: new Date('2030-01-01T00:00:00Z') } },
      { ID: 'mpu', Filter: { Prefix: '' }, Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 }, NoncurrentVersionExpiration: { NoncurrentDays: 3 } },
    ];
    await put('lc-conf', rules);
    const got = await t.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'lc-conf' }));
    assert.deepEqual(got.Rules, rules);
    await t.client.send(new DeleteBucketLifecycleCommand({ Bucket: 'lc-conf' }));
    await t.client.send(new DeleteBucketLifecycleCommand({ Bucket: 'lc-conf' }));
    assert.equal((await errorOf(t.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'lc-conf' })))).name, 'NoSuchLifecycleConfiguration');
  });

  test('invalid configurations are refused with the AWS codes and change nothing', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'lc-bad' }));
    const cases: [LifecycleRule[], string][] = [
      [[{ ID: 'r', Prefix: 'a/', Status: 'enabled' as 'Enabled', Expiration: { Days: 1 } }], 'MalformedXML'],
      [[{ ID: 'r', Prefix: 'a/', Status: 'Enabled', Expiration: { Days: 0 } }], 'InvalidArgument'],
      [[{ ID: 'x'.repeat(256), Prefix: 'a/', Status: 'Enabled', Expiration: { Days: 1 } }], 'InvalidArgument'],
      [[{ ID: 'r', Prefix: 'a/', Status: 'Enabled', Expiration: { Days: 1 } }, { ID: 'r', Prefix: 'b/', Status: 'Enabled', Expiration: { Days: 2 } }], 'InvalidArgument'],
      [[{ ID: 'r', Prefix: 'a/', Status: 'Enabled' }], 'InvalidRequest'],
      [[{ ID: 'r', Prefix: 'a/', Status: 'Enabled', Expiration: { Date: new Date('2030-01-01T12:00:00Z') } }], 'InvalidArgument'],
      [[{ ID: 'r', Prefix: 'a/', Status: 'Enabled', Transitions: [{ Days: 1, StorageClass: 'GLACIER' }] }], 'NotImplemented'],
      // A malformed transition date is the client's error before it is a missing feature.
      [[{ ID: 'r', Prefix: 'a/', Status: 'Enabled', Transitions: [{ Date: new Date('2030-01-01T12:00:00Z'), StorageClass: 'GLACIER' }] }], 'InvalidArgument'],
    ];
    for (const [rules, code] of cases) {
      assert.equal((await errorOf(put('lc-bad', rules))).name, code, JSON.stringify(rules));
    }
    assert.equal((await errorOf(t.client.send(new GetBucketLifecycleConfigurationCommand({ Bucket: 'lc-bad' })))).name, 'NoSuchLifecycleConfiguration');
  });

  test('expiration by days, date and size removes exactly the due objects', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'lc-exp' }));
    for (const k of ['expire/a', 'expire/b', 'keep/a', 'past/a', 'big/small', 'big/large', 'later/a']) {
      await t.client.send(new PutObjectCommand({ Bucket: 'lc-exp', Key: k, Body: k.endsWith('large') ? Buffer.alloc(5000, 1) : k }));
    }
    await put('lc-exp', [
      { ID: 'days', Prefix: 'expire/', Status: 'Enabled', Expiration: { Days: 1 } },
      { ID: 'date', Filter: { Prefix: 'past/' }, Status: 'Enabled', Expiration: { Date: new Date('2015-01-01T00:00:00Z') } },
      { ID: 'size', Filter: { And: { Prefix: 'big/', ObjectSizeGreaterThan: 1000 } }, Status: 'Enabled', Expiration: { Days: 1 } },
      { ID: 'later', Prefix: 'later/', Status: 'Enabled', Expiration: { Days: 1000 } },
      { ID: 'off', Prefix: 'keep/', Status: 'Disabled', Expiration: { Days: 1 } },
    ]);
    // Before a day has passed only the past date is due.
    let r = await pass(0);
    assert.equal(r.expired, 1);
    assert.deepEqual(await keys('lc-exp'), ['big/large', 'big/small', 'expire/a', 'expire/b', 'keep/a', 'later/a']);
    r = await pass(2);
    assert.equal(r.expired, 3);
    assert.deepEqual(await keys('lc-exp'), ['big/small', 'keep/a', 'later/a']);
  });

  test('an object rewritten after it became due is a new object and is kept', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'lc-new' }));
    await t.client.send(new PutObjectCommand({ Bucket: 'lc-new', Key: 'k', Body: 'old' }));
    await put('lc-new', [{ ID: 'd', Prefix: '', Status: 'Enabled', Expiration: { Days: 1 } }]);
    const scanned = t.server.objects.getObject('lc-new', 'k');
    await t.client.send(new PutObjectCommand({ Bucket: 'lc-new', Key: 'k', Body: 'new' }));
    // The worker's conditional delete of the version it scanned is a no-op on the newer one.
    assert.equal(await t.server.objects.expireObject('lc-new', scanned), false);
    assert.deepEqual(await keys('lc-new'), ['k']);
    const body = await (await t.client.send(new GetObjectCommand({ Bucket: 'lc-new', Key: 'k' }))).Body!.transformToString();
    assert.equal(body, 'new');
  });

  test('incomplete multipart uploads are aborted after DaysAfterInitiation', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'lc-mpu' }));
    await t.client.send(new CreateMultipartUploadCommand({ Bucket: 'lc-mpu', Key: 'test1/a' }));
    await t.client.send(new CreateMultipartUploadCommand({ Bucket: 'lc-mpu', Key: 'test2/a' }));
    await put('lc-mpu', [{ ID: 'm', Prefix: 'test1/', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }]);
    assert.equal((await pass(0)).uploadsAborted, 0);
    assert.equal((await pass(2)).uploadsAborted, 1);
    const left = await t.client.send(new ListMultipartUploadsCommand({ Bucket: 'lc-mpu' }));
    assert.deepEqual(left.Uploads?.map((u) => u.Key), ['test2/a']);
  });

  test('x-amz-expiration on PUT, GET and HEAD names the rule and the midnight after Days', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'lc-hdr' }));
    await put('lc-hdr', [{ ID: 'rule1', Prefix: 'days1/', Status: 'Enabled', Expiration: { Days: 1 } }]);
    const expected = (lastModified: Date) => {
      const due = Math.ceil((lastModified.getTime() + 86_400_000) / 86_400_000) * 86_400_000;
      return `expiry-date="${new Date(due).toUTCString()}", rule-id="rule1"`;
    };
    const putRes = await t.client.send(new PutObjectCommand({ Bucket: 'lc-hdr', Key: 'days1/foo', Body: 'bar' }));
    const head = await t.client.send(new HeadObjectCommand({ Bucket: 'lc-hdr', Key: 'days1/foo' }));
    assert.equal(putRes.Expiration, expected(head.LastModified!));
    assert.equal(head.Expiration, expected(head.LastModified!));
    const get = await t.client.send(new GetObjectCommand({ Bucket: 'lc-hdr', Key: 'days1/foo' }));
    assert.equal(get.Expiration, expected(head.LastModified!));
    await get.Body!.transformToString();
    await t.client.send(new PutObjectCommand({ Bucket: 'lc-hdr', Key: 'other', Body: 'bar' }));
    assert.equal((await t.client.send(new HeadObjectCommand({ Bucket: 'lc-hdr', Key: 'other' }))).Expiration, undefined);
  });

  describe('versioned buckets', () => {
    const versions = async (Bucket: string) => {
      const r = await t.client.send(new ListObjectVersionsCommand({ Bucket }));
      return {
        versions: (r.Versions ?? []).map((v) => `${v.Key}${v.IsLatest ? '*' : ''}`),
        markers: (r.DeleteMarkers ?? []).map((m) => `${m.Key}${m.IsLatest ? '*' : ''}`),
      };
    };
    const versioned = async (Bucket: string) => {
      await t.client.send(new CreateBucketCommand({ Bucket }));
      await t.client.send(new PutBucketVersioningCommand({ Bucket, VersioningConfiguration: { Status: 'Enabled' } }));
    };

    test('noncurrent versions expire NoncurrentDays after a newer version replaced them; NewerNoncurrentVersions are kept', async () => {
      await versioned('lc-nc');
      for (let i = 0; i < 3; i++) await t.client.send(new PutObjectCommand({ Bucket: 'lc-nc', Key: 'test1/a', Body: `v${i}` }));
      for (let i = 0; i < 4; i++) await t.client.send(new PutObjectCommand({ Bucket: 'lc-nc', Key: 'keep1/a', Body: `v${i}` }));
      for (let i = 0; i < 2; i++) await t.client.send(new PutObjectCommand({ Bucket: 'lc-nc', Key: 'other/a', Body: `v${i}` }));
      await put('lc-nc', [
        { ID: 'nc', Prefix: 'test1/', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
        { ID: 'keep', Prefix: 'keep1/', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1, NewerNoncurrentVersions: 1 } },
      ]);
      assert.equal((await pass(0)).versionsRemoved, 0);
      assert.equal((await pass(2)).versionsRemoved, 4);
      assert.deepEqual((await versions('lc-nc')).versions, ['keep1/a*', 'keep1/a', 'other/a*', 'other/a', 'test1/a*']);
      const body = await (await t.client.send(new GetObjectCommand({ Bucket: 'lc-nc', Key: 'test1/a' }))).Body!.transformToString();
      assert.equal(body, 'v2');
    });

    test('expiring a current version adds a delete marker; an expired object delete marker is then removed', async () => {
      await versioned('lc-dm');
      await t.client.send(new PutObjectCommand({ Bucket: 'lc-dm', Key: 'test1/a', Body: 'x' }));
      await t.client.send(new PutObjectCommand({ Bucket: 'lc-dm', Key: 'test2/a', Body: 'y' }));
      await t.client.send(new DeleteObjectCommand({ Bucket: 'lc-dm', Key: 'test2/a' }));
      await put('lc-dm', [
        { ID: 'cur', Prefix: 'test1/', Status: 'Enabled', Expiration: { Days: 1 } },
        { ID: 'dm', Prefix: 'test2/', Status: 'Enabled', NoncurrentVersionExpiration: { NoncurrentDays: 1 } },
        { ID: 'dm2', Prefix: 'test2/', Status: 'Enabled', Expiration: { ExpiredObjectDeleteMarker: true } },
      ]);
      const r = await pass(2);
      assert.equal(r.expired, 1);
      assert.equal(r.versionsRemoved, 1);
      // test2/a's marker was left alone once its version went (in this pass or the next), so it
      // is removed; test1/a's new marker has a version behind it and stays.
      await pass(2);
      assert.deepEqual(await versions('lc-dm'), { versions: ['test1/a'], markers: ['test1/a*'] });
      const before = await versions('lc-dm');
      await pass(2);
      assert.deepEqual(await versions('lc-dm'), before);
    });
  });
});
