// verifyPostPolicy(): browser-form uploads, in the SigV4 form and in the legacy form the Ceph
// s3-tests POST cases use (AWSAccessKeyId + base64 HMAC-SHA1 signature).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { verifyPostPolicy } from '../../../../src/s3/auth/post-policy.js';
import { S3Error } from '../../../../src/s3/errors.js';

const creds = { accessKeyId: 'AKPOST', secretAccessKey: 'post/secret' };
const lookup = (id: string) => (id === creds.accessKeyId ? creds : undefined);
const nowMs = Date.UTC(2026, 5, 1, 12, 0, 0);

function b64(doc: unknown): string {
  return Buffer.from(JSON.stringify(doc)).toString('base64');
}

function v2(policyDoc: unknown, extra: Record<string, string>): Record<string, string> {
  const policy = typeof policyDoc === 'string' ? policyDoc : b64(policyDoc);
  const signature = createHmac('sha1', creds.secretAccessKey).update(policy).digest('base64');
  return { key: 'foo.txt', AWSAccessKeyId: creds.accessKeyId, acl: 'private', signature, policy, 'Content-Type': 'text/plain', ...extra };
}

function v4(policyDoc: unknown, extra: Record<string, string>): Record<string, string> {
  const policy = b64(policyDoc);
  const hmac = (k: Buffer | string, s: string) => createHmac('sha256', k).update(s).digest();
  const key = hmac(hmac(hmac(hmac(`AWS4${creds.secretAccessKey}`, '20260601'), 'us-east-1'), 's3'), 'aws4_request');
  return {
    key: 'user/user1/photo.jpg', 'X-Amz-Algorithm': 'AWS4-HMAC-SHA256', 'X-Amz-Credential': `${creds.accessKeyId}/20260601/us-east-1/s3/aws4_request`,
    'X-Amz-Date': '20260601T000000Z', Policy: policy, 'X-Amz-Signature': hmac(key, policy).toString('hex'), ...extra,
  };
}

const basePolicy = {
  expiration: '2026-06-01T13:00:00Z',
  conditions: [{ bucket: 'bucket' }, ['starts-with', '$key', 'foo'], { acl: 'private' }, ['starts-with', '$Content-Type', 'text/plain'], ['content-length-range', 0, 1024]],
};

function fails(code: string, fields: Record<string, string>, bucket = 'bucket', at = nowMs): S3Error {
  let caught: unknown;
  try {
    verifyPostPolicy({ bucket, fields }, lookup, at);
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof S3Error, `expected ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  return caught;
}

test('a legacy-signed form satisfying its policy authenticates and reports the size range', () => {
  const r = verifyPostPolicy({ bucket: 'bucket', fields: v2(basePolicy, {}) }, lookup, nowMs);
  assert.deepEqual(r, { anonymous: false, accessKeyId: 'AKPOST', contentLengthRange: { min: 0, max: 1024 } });
});

test('a SigV4-signed form authenticates; a changed policy or signature does not', () => {
  const policy = {
    expiration: '2026-06-01T13:00:00.000Z',
    conditions: [{ bucket: 'sigv4examplebucket' }, ['starts-with', '$key', 'user/user1/'], { 'x-amz-meta-uuid': '14365123651274' }, ['starts-with', '$x-amz-meta-tag', '']],
  };
  const fields = v4(policy, { 'x-amz-meta-uuid': '14365123651274', 'x-amz-meta-tag': 'anything' });
  assert.equal(verifyPostPolicy({ bucket: 'sigv4examplebucket', fields }, lookup, nowMs).anonymous, false);
  fails('SignatureDoesNotMatch', { ...fields, 'X-Amz-Signature': '0'.repeat(64) }, 'sigv4examplebucket');
  fails('SignatureDoesNotMatch', { ...fields, Policy: b64({ ...policy, expiration: '2027-01-01T00:00:00Z' }) }, 'sigv4examplebucket');
  fails('AuthorizationQueryParametersError', { ...fields, 'X-Amz-Credential': 'AKPOST/20260601/us-east-1/s3' }, 'sigv4examplebucket');
  fails('InvalidAccessKeyId', { ...fields, 'X-Amz-Credential': 'NOBODY/20260601/us-east-1/s3/aws4_request' }, 'sigv4examplebucket');
});

test('no policy and no signature is anonymous; half of the pair is an error', () => {
  assert.deepEqual(verifyPostPolicy({ bucket: 'b', fields: { key: 'k', acl: 'public-read' } }, lookup, nowMs), { anonymous: true });
  fails('InvalidArgument', { key: 'k', signature: 'abc', AWSAccessKeyId: 'AKPOST' });
  const noSig = v2(basePolicy, {});
  delete noSig.signature;
  fails('InvalidArgument', noSig);
  fails('InvalidArgument', { ...v2(basePolicy, {}), key: undefined as unknown as string });
});

test('the s3-tests failure cases get their status codes', () => {
  assert.equal(fails('SignatureDoesNotMatch', { ...v2(basePolicy, {}), signature: Buffer.alloc(20).toString('base64') }).status, 403);
  assert.equal(fails('InvalidAccessKeyId', { ...v2(basePolicy, {}), AWSAccessKeyId: 'NOBODY' }).status, 403);
  assert.equal(fails('AccessDenied', v2({ ...basePolicy, expiration: '2026-06-01T11:59:59Z' }, {})).message, 'Invalid according to Policy: Policy expired.');
  assert.equal(fails('InvalidPolicyDocument', v2({ conditions: basePolicy.conditions }, {})).status, 400);
  assert.equal(fails('InvalidPolicyDocument', v2({ expiration: basePolicy.expiration }, {})).status, 400);
  fails('InvalidPolicyDocument', v2({ ExPiRaTiOn: basePolicy.expiration, conditions: basePolicy.conditions }, {}));
  fails('InvalidPolicyDocument', v2({ ...basePolicy, conditions: [...basePolicy.conditions, ['ends-with', '$key', 'foo']] }, {}));
  fails('InvalidPolicyDocument', v2({ ...basePolicy, expiration: '2026/06/01 13:00' }, {}));
  fails('InvalidPolicyDocument', v2({ ...basePolicy, conditions: [...basePolicy.conditions, ['content-length-range', -1, 0]] }, {}));
  fails('InvalidPolicyDocument', v2({ ...basePolicy, conditions: [{}] }, {}));
  fails('InvalidPolicyDocument', v2('bm90IGpzb24=', {}));
  // A field the policy does not mention, a mentioned field that is missing, a wrong bucket.
  assert.match(fails('AccessDenied', v2(basePolicy, { 'x-amz-meta-foo': 'bar' })).message, /Extra input fields: x-amz-meta-foo/);
  fails('AccessDenied', v2({ ...basePolicy, conditions: [...basePolicy.conditions, ['starts-with', '$x-amz-meta-foo', 'bar']] }, {}));
  fails('AccessDenied', v2(basePolicy, {}), 'otherbucket');
  fails('AccessDenied', v2(basePolicy, { key: 'bar.txt' }));
  fails('AccessDenied', v2(basePolicy, { 'Content-Type': 'text/html' }));
  // A form field named bucket cannot redirect the upload: the policy is checked against the real one.
  fails('AccessDenied', v2({ ...basePolicy, conditions: [{ bucket: 'victim' }, ...basePolicy.conditions.slice(1)] }, { bucket: 'victim' }), 'bucket');
});

test('x-ignore- fields and field-name case are handled as AWS does', () => {
  assert.equal(verifyPostPolicy({ bucket: 'bucket', fields: v2(basePolicy, { 'x-ignore-me': '1' }) }, lookup, nowMs).anonymous, false);
  const fields = v2(basePolicy, {});
  const ct = fields['Content-Type']!;
  delete fields['Content-Type'];
  fields['content-TYPE'] = ct;
  assert.equal(verifyPostPolicy({ bucket: 'bucket', fields }, lookup, nowMs).anonymous, false);
  // Values are compared case-sensitively.
  fails('AccessDenied', v2(basePolicy, { acl: 'PRIVATE' }));
});

test('condition names and field names in conditions match case-insensitively (s3-tests case_insensitive_condition_fields)', () => {
  const policy = { ...basePolicy, conditions: [{ bUcKeT: 'bucket' }, ['StArTs-WiTh', '$KeY', 'foo'], { AcL: 'private' }, ['StArTs-WiTh', '$CoNtEnT-TyPe', 'text/plain'], ['content-length-range', 0, 1024]] };
  assert.equal(verifyPostPolicy({ bucket: 'bucket', fields: v2(policy, {}) }, lookup, nowMs).anonymous, false);
  fails('InvalidPolicyDocument', v2({ ...basePolicy, conditions: [['begins-with', '$key', 'foo']] }, {}));
});
