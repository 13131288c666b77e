// POST Object (browser-form uploads) through a real server: forms built and signed here the
// way a browser page's server would (SigV4 and the legacy V2 signature), sent with fetch.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { CreateBucketCommand, DeleteBucketEncryptionCommand, GetObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, PutBucketEncryptionCommand } from '@aws-sdk/client-s3';
import { errorName } from '../support/errors.js';
import { startTestServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../support/server.js';
import { md5hex, randomBytesSeeded, streamToBuffer } from '../support/bytes.js';

const MiB = 1024 * 1024;

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function hmac(key: Buffer | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

interface FormOpts {
  bucket: string;
  key: string;
  conditions?: unknown[];
  extra?: Record<string, string>;
  expiresInMs?: number;
  secret?: string;
  v2?: boolean;
  /** Form fields added after signing, not covered by the policy. */
  unsigned?: Record<string, string>;
}

/** Fields of a signed POST form, as a page's server would hand them to the browser. */
function signedFields(o: FormOpts): Record<string, string> {
  const now = Date.now();
  const date = amzDate(now);
  const credential = `${TEST_ACCESS_KEY}/${date.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const extra = o.extra ?? {};
  const base: Record<string, string> = o.v2 ? {} : { 'x-amz-algorithm': 'AWS4-HMAC-SHA256', 'x-amz-credential': credential, 'x-amz-date': date };
  const conditions = o.conditions ?? [
    { bucket: o.bucket },
    ['starts-with', '$key', o.key.split('${filename}')[0]],
    ...Object.entries({ ...extra }).map(([k, v]) => ({ [k]: v })),
    ...Object.entries(base).map(([k, v]) => ({ [k]: v })),
  ];
  const policy = Buffer.from(JSON.stringify({ expiration: new Date(now + (o.expiresInMs ?? 300_000)).toISOString(), conditions })).toString('base64');
  const secret = o.secret ?? TEST_SECRET_KEY;
  if (o.v2) {
    const signature = createHmac('sha1', secret).update(policy).digest('base64');
    return { key: o.key, AWSAccessKeyId: TEST_ACCESS_KEY, policy, signature, ...extra, ...o.unsigned };
  }
  let k = hmac(`AWS4${secret}`, date.slice(0, 8));
  for (const part of ['us-east-1', 's3', 'aws4_request']) k = hmac(k, part);
  return { key: o.key, ...base, policy, 'x-amz-signature': hmac(k, policy).toString('hex'), ...extra, ...o.unsigned };
}

async function post(url: string, fields: Record<string, string>, file: Buffer | undefined, filename = 'upload.bin') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (file) form.append('file', new Blob([file], { type: 'application/octet-stream' }), filename);
  const res = await fetch(url, { method: 'POST', body: form, redirect: 'manual' });
  const text = await res.text();
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1];
  return { status: res.status, text, code, headers: res.headers };
}

describe('POST Object (browser form upload)', () => {
  let t: TestServer;
  const bucket = 'forms';
  let url: string;
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
    url = `${t.server.s3Url}/${bucket}`;
  });
  after(async () => t.close());

  test('a multi-MiB SigV4 form upload is stored byte-exact with its attributes (201 PostResponse)', async () => {
    const body = randomBytesSeeded(6 * MiB + 123, 41);
    const tagging = '<Tagging><TagSet><Tag><Key>team</Key><Value>web</Value></Tag></TagSet></Tagging>';
    const extra = { 'Content-Type': 'image/png', 'x-amz-meta-origin': 'browser', success_action_status: '201', tagging };
    const r = await post(url, signedFields({ bucket, key: 'uploads/${filename}', extra }), body, 'photo.png');
    assert.equal(r.status, 201, r.text);
    assert.match(r.text, /<PostResponse[^>]*>.*<Bucket>forms<\/Bucket><Key>uploads\/photo.png<\/Key><ETag>&quot;[0-9a-f]{32}&quot;<\/ETag>/s);
    assert.equal(r.headers.get('etag'), `"${md5hex(body)}"`);
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'uploads/photo.png' }));
    assert.equal(got.ContentType, 'image/png');
    assert.deepEqual(got.Metadata, { origin: 'browser' });
    const data = await streamToBuffer(got.Body);
    assert.equal(data.length, body.length);
    assert.equal(createHash('sha256').update(data).digest('hex'), createHash('sha256').update(body).digest('hex'));
    const tags = await t.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: 'uploads/photo.png' }));
    assert.deepEqual(tags.TagSet, [{ Key: 'team', Value: 'web' }]);
  });

  test('the legacy V2 signature (AWSAccessKeyId + signature) works and answers 204 by default', async () => {
    const r = await post(url, signedFields({ bucket, key: 'v2/file.txt', v2: true }), Buffer.from('hello v2'));
    assert.equal(r.status, 204, r.text);
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'v2/file.txt' }));
    assert.equal(head.ContentLength, 8);
    assert.equal(head.ContentType, 'binary/octet-stream');
  });

  test('success_action_status 200 and success_action_redirect (303 with bucket, key and etag)', async () => {
    const ok = await post(url, signedFields({ bucket, key: 'status/200', extra: { success_action_status: '200' } }), Buffer.from('x'));
    assert.equal(ok.status, 200);
    const redirect = 'https://example.com/done?x=1';
    const r = await post(url, signedFields({ bucket, key: 'redirected', extra: { success_action_redirect: redirect } }), Buffer.from('abc'));
    assert.equal(r.status, 303, r.text);
    const loc = new URL(r.headers.get('location') ?? '');
    assert.equal(loc.origin + loc.pathname, 'https://example.com/done');
    assert.equal(loc.searchParams.get('x'), '1');
    assert.equal(loc.searchParams.get('bucket'), bucket);
    assert.equal(loc.searchParams.get('key'), 'redirected');
    assert.equal(loc.searchParams.get('etag'), `"${md5hex(Buffer.from('abc'))}"`);
  });

  test('fields sent as file parts (as Python requests does) are fields; only the part named "file" is the content', async () => {
    const fields = signedFields({ bucket, key: 'requests/${filename}', v2: true });
    const boundary = 'b0undary';
    const parts = Object.entries(fields).map(([k, v]) => `--${boundary}\r\nContent-Disposition: form-data; name="${k}"; filename="${k}"\r\n\r\n${v}\r\n`);
    const body = parts.join('') + `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="data.txt"\r\n\r\nbar\r\n--${boundary}--\r\n`;
    const res = await fetch(url, { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });
    assert.equal(res.status, 204, await res.text());
    const got = await t.client.send(new GetObjectCommand({ Bucket: bucket, Key: 'requests/data.txt' }));
    assert.equal((await streamToBuffer(got.Body)).toString(), 'bar');
  });

  test('an x-amz-checksum-* field is verified against the file (it need not be in the policy)', async () => {
    const body = randomBytesSeeded(300 * 1024, 77);
    const good = createHash('sha256').update(body).digest('base64');
    const ok = await post(url, signedFields({ bucket, key: 'sum/good', unsigned: { 'x-amz-checksum-sha256': good } }), body);
    assert.equal(ok.status, 204, ok.text);
    const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'sum/good', ChecksumMode: 'ENABLED' }));
    assert.equal(head.ChecksumSHA256, good);
    const wrong = createHash('sha256').update('other').digest('base64');
    const bad = await post(url, signedFields({ bucket, key: 'sum/bad', unsigned: { 'x-amz-checksum-sha256': wrong } }), body);
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.code, 'BadDigest');
    const malformed = await post(url, signedFields({ bucket, key: 'sum/bad', unsigned: { 'x-amz-checksum-sha256': 'sailorjerry' } }), body);
    assert.equal(malformed.status, 400, malformed.text);
    assert.equal(await errorName(t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'sum/bad' }))), 'NotFound');
  });

  test('policy violations are refused with the AWS codes and store nothing', async () => {
    const cases: [string, Record<string, string>, Buffer | undefined, number, string][] = [
      ['key outside the policy', { ...signedFields({ bucket, key: 'allowed/a' }), key: 'other/a' }, Buffer.from('x'), 403, 'AccessDenied'],
      ['bucket field naming another bucket', signedFields({ bucket, key: 'b/x', unsigned: { bucket: 'someone-else' } }), Buffer.from('x'), 403, 'AccessDenied'],
      ['expired policy', signedFields({ bucket, key: 'expired/x', expiresInMs: -60_000 }), Buffer.from('x'), 403, 'AccessDenied'],
      ['bad signature', signedFields({ bucket, key: 'badsig/x', secret: 'not-the-secret' }), Buffer.from('x'), 403, 'SignatureDoesNotMatch'],
      ['V2 bad signature', signedFields({ bucket, key: 'badsig/v2', secret: 'not-the-secret', v2: true }), Buffer.from('x'), 403, 'SignatureDoesNotMatch'],
      ['field not in the policy', signedFields({ bucket, key: 'extra/x', unsigned: { 'x-amz-meta-sneaky': '1' } }), Buffer.from('x'), 403, 'AccessDenied'],
      ['no policy (anonymous)', { key: 'anon/x' }, Buffer.from('x'), 403, 'AccessDenied'],
      ['no file', signedFields({ bucket, key: 'nofile/x' }), undefined, 400, 'IncorrectNumberOfFilesInPostRequest'],
      ['file over content-length-range', signedFields({ bucket, key: 'big/x', conditions: [{ bucket }, ['starts-with', '$key', 'big/'], ['content-length-range', 0, 100], { 'x-amz-algorithm': 'AWS4-HMAC-SHA256' }] }), Buffer.alloc(5000, 1), 400, 'EntityTooLarge'],
      ['file under content-length-range', signedFields({ bucket, key: 'small/x', conditions: [{ bucket }, ['starts-with', '$key', 'small/'], ['content-length-range', 10, 100]] }), Buffer.alloc(3, 1), 400, 'EntityTooSmall'],
    ];
    for (const [name, fields, file, status, code] of cases) {
      const r = await post(url, fields, file);
      assert.equal(r.status, status, `${name}: ${r.text}`);
      assert.equal(r.code, code, `${name}: ${r.text}`);
    }
    for (const key of ['other/a', 'allowed/a', 'b/x', 'expired/x', 'badsig/x', 'extra/x', 'anon/x', 'big/x', 'small/x']) {
      assert.equal(await errorName(t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }))), 'NotFound', key);
    }
  });

  test('anonymous forms: allowed where the bucket ACL allows writes, with the acl field stored; bucket default encryption applies', async () => {
    await t.client.send(new CreateBucketCommand({ Bucket: 'forms-open', ACL: 'public-read-write' }));
    const open = `${t.server.s3Url}/forms-open`;
    const r = await post(open, { key: 'drop.txt', acl: 'public-read', 'Content-Type': 'text/plain' }, Buffer.from('anonymous'));
    assert.equal(r.status, 204, r.text);
    // The anonymous writer owns it; public-read (the acl field) is what lets the bucket owner read it.
    const got = await t.client.send(new GetObjectCommand({ Bucket: 'forms-open', Key: 'drop.txt' }));
    assert.equal((await streamToBuffer(got.Body)).toString(), 'anonymous');
    const priv = await post(open, { key: 'closed.txt' }, Buffer.from('x'));
    assert.equal(priv.status, 204, priv.text);
    assert.equal(await errorName(t.client.send(new GetObjectCommand({ Bucket: 'forms-open', Key: 'closed.txt' }))), 'AccessDenied');
    // Still refused on a private bucket.
    assert.equal((await post(url, { key: 'anon/y' }, Buffer.from('x'))).status, 403);
    await t.client.send(new PutBucketEncryptionCommand({ Bucket: bucket, ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }));
    try {
      const enc = await post(url, signedFields({ bucket, key: 'sse/by-default' }), Buffer.from('sealed'));
      assert.equal(enc.status, 204, enc.text);
      assert.equal(enc.headers.get('x-amz-server-side-encryption'), 'AES256');
      const head = await t.client.send(new HeadObjectCommand({ Bucket: bucket, Key: 'sse/by-default' }));
      assert.equal(head.ServerSideEncryption, 'AES256');
    } finally {
      await t.client.send(new DeleteBucketEncryptionCommand({ Bucket: bucket }));
    }
  });

  test('malformed forms and oversized fields are 400s, not crashes', async () => {
    const notForm = await fetch(url, { method: 'POST', body: 'key=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.equal(notForm.status, 400);
    assert.match(await notForm.text(), /MalformedPOSTRequest/);
    const broken = await fetch(url, { method: 'POST', body: '--zz\r\nContent-Disposition: form-data; name="key"\r\n\r\nabc', headers: { 'content-type': 'multipart/form-data; boundary=zz' } });
    assert.equal(broken.status, 400);
    const huge = await post(url, { ...signedFields({ bucket, key: 'huge/x' }), 'x-amz-meta-big': 'a'.repeat(100 * 1024) }, Buffer.from('x'));
    assert.equal(huge.status, 400);
    assert.equal(huge.code, 'InvalidArgument');
    const many: Record<string, string> = signedFields({ bucket, key: 'many/x' });
    for (let i = 0; i < 200; i++) many[`x-ignore-${i}`] = 'v';
    const tooMany = await post(url, many, Buffer.from('x'));
    assert.equal(tooMany.status, 400);
    // The server is still serving.
    const r = await post(url, signedFields({ bucket, key: 'after/ok' }), Buffer.from('fine'));
    assert.equal(r.status, 204, r.text);
  });
});
