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
  type LifecycleRule,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

// A lifecycle "day" of one second: rules with Days: 1 are due a second after the write.
const DAY_MS = 1000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('bucket lifecycle', () => {
  let t: TestServer;
  before(async () => (t = await startTestServer({ lifecycle: { intervalMs: 3_600_000, dayMs: DAY_MS } })));
  after(async () => t.close());

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
    let r = await t.server.lifecycle.run();
    assert.equal(r.expired, 1);
    assert.deepEqual(await keys('lc-exp'), ['big/large', 'big/small', 'expire/a', 'expire/b', 'keep/a', 'later/a']);
    await sleep(DAY_MS + 200);
    r = await t.server.lifecycle.run();
    assert.equal(r.expired, 3);
    assert.deepEqual(await keys('lc-exp'), ['big/small', 'keep/a', 'later/a']);
  });

  test('an object rewritten after it became due is a new object and is kept', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'lc-new' }));
    await t.client.send(new PutObjectCommand({ Bucket: 'lc-new', Key: 'k', Body: 'old' }));
    await put('lc-new', [{ ID: 'd', Prefix: '', Status: 'Enabled', Expiration: { Days: 1 } }]);
    await sleep(DAY_MS + 200);
    await t.client.send(new PutObjectCommand({ Bucket: 'lc-new', Key: 'k', Body: 'new' }));
    const old = { key: 'k', etag: 'ignored', lastModifiedMs: 0 };
    // The worker's conditional delete of the version it scanned is a no-op on the newer one.
    assert.equal(await t.server.objects.expireObject('lc-new', old), false);
    await t.server.lifecycle.run();
    assert.deepEqual(await keys('lc-new'), ['k']);
  });

  test('incomplete multipart uploads are aborted after DaysAfterInitiation', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'lc-mpu' }));
    await t.client.send(new CreateMultipartUploadCommand({ Bucket: 'lc-mpu', Key: 'test1/a' }));
    await t.client.send(new CreateMultipartUploadCommand({ Bucket: 'lc-mpu', Key: 'test2/a' }));
    await put('lc-mpu', [{ ID: 'm', Prefix: 'test1/', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }]);
    assert.equal((await t.server.lifecycle.run()).uploadsAborted, 0);
    await sleep(DAY_MS + 200);
    assert.equal((await t.server.lifecycle.run()).uploadsAborted, 1);
    const left = await t.client.send(new ListMultipartUploadsCommand({ Bucket: 'lc-mpu' }));
    assert.deepEqual(left.Uploads?.map((u) => u.Key), ['test2/a']);
  });
});
