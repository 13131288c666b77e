// authenticate(): what it refuses, and with which S3 error. Requests are signed by aws4, an
// implementation independent of ours, so a shared misunderstanding cannot hide a bug.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import aws4 from 'aws4';
import { createHmac } from 'node:crypto';
import { authenticate, SigningKeyCache } from '../../../../src/s3/auth/index.js';
import type { AuthRequest } from '../../../../src/s3/auth/types.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { formatAmzDate } from '../../../../src/s3/auth/parse.js';
import { canonicalHeaders, canonicalRequest, signHex, signingKey, stringToSign } from '../../../../src/s3/auth/canonical.js';

const creds = { accessKeyId: 'AKTESSERA', secretAccessKey: 'secret/with+chars=' };
const lookup = (id: string) => (id === creds.accessKeyId ? creds : undefined);
const nowMs = Date.UTC(2026, 0, 15, 12, 0, 0);
const host = 'localhost:9900';

interface SignOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  atMs?: number;
  region?: string;
  signQuery?: boolean;
}

function toAuthRequest(method: string, path: string, headers: Record<string, unknown>): AuthRequest {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = String(v);
  const q = path.indexOf('?');
  return { method, rawPath: q < 0 ? path : path.slice(0, q), rawQuery: q < 0 ? '' : path.slice(q + 1), headers: lower };
}

function signed(o: SignOptions = {}): AuthRequest {
  const method = o.method ?? 'GET';
  const headers: Record<string, string> = { ...(o.headers ?? {}) };
  // aws4 takes a presigned URL's time from the Date header and a header-signed one's from X-Amz-Date.
  if (o.signQuery) headers.Date = new Date(o.atMs ?? nowMs).toUTCString();
  else headers['X-Amz-Date'] = formatAmzDate(o.atMs ?? nowMs);
  const r = aws4.sign({
    host, method, path: o.path ?? '/bucket/key', service: 's3', region: o.region ?? 'us-east-1', headers,
    body: o.body, signQuery: o.signQuery,
  }, creds);
  return toAuthRequest(method, r.path!, { ...r.headers, host });
}

function fails(req: AuthRequest, code: string): S3Error {
  try {
    authenticate(req, lookup, nowMs);
  } catch (err) {
    assert.ok(err instanceof S3Error, String(err));
    assert.equal(err.code, code, err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

function rejects(req: AuthRequest, code: string, check?: (e: S3Error) => void, at = nowMs, opts = {}): void {
  assert.throws(() => authenticate(req, lookup, at, opts), (e: unknown) => {
    assert.ok(e instanceof S3Error, String(e));
    assert.equal(e.code, code, e.message);
    check?.(e);
    return true;
  });
}

test('a correctly signed request authenticates; no authentication at all is anonymous', () => {
  const r = authenticate(signed(), lookup, nowMs);
  assert.equal(r.anonymous, false);
  const anon = authenticate({ method: 'GET', rawPath: '/bucket/key', rawQuery: '', headers: { host } }, lookup, nowMs);
  assert.deepEqual(anon, { anonymous: true, payload: { kind: 'unsigned' } });
  const anonHashed = authenticate({ method: 'PUT', rawPath: '/b/k', rawQuery: '', headers: { host, 'x-amz-content-sha256': 'a'.repeat(64) } }, lookup, nowMs);
  assert.deepEqual(anonHashed.payload, { kind: 'sha256', expectedHex: 'a'.repeat(64) });
  const anonStream = authenticate({ method: 'PUT', rawPath: '/b/k', rawQuery: '', headers: { host, 'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER' } }, lookup, nowMs);
  assert.deepEqual(anonStream.payload, { kind: 'streaming-unsigned-trailer' });
});

test('wrong secret, unknown key, tampered header, path, query or method', () => {
  const wrong = (id: string) => ({ accessKeyId: id, secretAccessKey: 'other' });
  assert.throws(() => authenticate(signed(), wrong, nowMs), (e: unknown) => e instanceof S3Error && e.code === 'SignatureDoesNotMatch');
  const unknown = (_id: string) => undefined;
  assert.throws(() => authenticate(signed(), unknown, nowMs), (e: unknown) =>
    e instanceof S3Error && e.code === 'InvalidAccessKeyId' && e.fields.AWSAccessKeyId === 'AKTESSERA');
  const req = signed({ method: 'PUT', headers: { 'x-amz-meta-color': 'blue', 'content-type': 'text/plain' }, body: 'x' });
  assert.equal(authenticate(req, lookup, nowMs).anonymous, false);
  rejects({ ...req, headers: { ...req.headers, 'x-amz-meta-color': 'red' } }, 'SignatureDoesNotMatch');
  rejects({ ...req, headers: { ...req.headers, 'content-type': 'text/html' } }, 'SignatureDoesNotMatch');
  rejects({ ...req, rawPath: '/bucket/key2' }, 'SignatureDoesNotMatch');
  rejects({ ...req, rawPath: '/bucket/../bucket/key' }, 'SignatureDoesNotMatch');
  rejects({ ...req, rawQuery: 'acl' }, 'SignatureDoesNotMatch');
  rejects({ ...req, method: 'DELETE' }, 'SignatureDoesNotMatch');
});

test('a tampered body is caught against x-amz-content-sha256 (the hash itself is signed)', () => {
  const req = signed({ method: 'PUT', body: 'original' });
  const r = authenticate(req, lookup, nowMs);
  assert.equal(r.payload.kind, 'sha256');
  const otherHash = 'a'.repeat(64);
  rejects({ ...req, headers: { ...req.headers, 'x-amz-content-sha256': otherHash } }, 'SignatureDoesNotMatch');
  rejects({ ...req, headers: { ...req.headers, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } }, 'SignatureDoesNotMatch');
  rejects({ ...req, headers: { ...req.headers, 'x-amz-content-sha256': 'nonsense' } }, 'InvalidArgument');
});

test('x-amz-* headers that were sent but not signed are refused, and host must be signed', () => {
  const req = signed({ method: 'PUT', body: 'x' });
  rejects({ ...req, headers: { ...req.headers, 'x-amz-acl': 'public-read' } }, 'AccessDenied', (e) => {
    assert.equal(e.fields.HeadersNotSigned, 'x-amz-acl');
  });
  const authz = req.headers.authorization as string;
  const noHost = authz.replace(/SignedHeaders=([^,]*)/, (_m, list: string) => `SignedHeaders=${list.split(';').filter((h) => h !== 'host').join(';')}`);
  rejects({ ...req, headers: { ...req.headers, authorization: noHost } }, 'AccessDenied', (e) => assert.match(e.fields.HeadersNotSigned!, /host/));
});

test('clock skew beyond 15 minutes is RequestTimeTooSkewed with ServerTime; 14 minutes passes', () => {
  const sixteenMin = 16 * 60_000;
  rejects(signed({ atMs: nowMs - sixteenMin }), 'RequestTimeTooSkewed', (e) => {
    assert.equal(e.status, 403);
    assert.equal(e.fields.ServerTime, '2026-01-15T12:00:00Z');
    assert.equal(e.fields.RequestTime, '20260115T114400Z');
    assert.equal(e.fields.MaxAllowedSkewMilliseconds, '900000');
  });
  rejects(signed({ atMs: nowMs + sixteenMin }), 'RequestTimeTooSkewed');
  assert.equal(authenticate(signed({ atMs: nowMs - 14 * 60_000 }), lookup, nowMs).anonymous, false);
  assert.equal(authenticate(signed({ atMs: nowMs + 14 * 60_000 }), lookup, nowMs).anonymous, false);
});

test('the Date header is accepted when x-amz-date is absent', () => {
  // No signer at hand omits x-amz-date, so this one is signed with our own canonical pieces.
  const date = new Date(nowMs).toUTCString();
  const headers: Record<string, string> = { host, date, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' };
  const signedHeaders = 'date;host;x-amz-content-sha256';
  const creq = canonicalRequest({
    method: 'GET', canonicalUri: '/b/k', canonicalQuery: '', canonicalHeaders: canonicalHeaders(signedHeaders.split(';'), headers, undefined),
    signedHeaders, payloadHash: 'UNSIGNED-PAYLOAD',
  });
  const scope = '20260115/us-east-1/s3/aws4_request';
  const signature = signHex(signingKey(creds.secretAccessKey, '20260115', 'us-east-1', 's3'), stringToSign('20260115T120000Z', scope, creq));
  headers.authorization = `AWS4-HMAC-SHA256 Credential=AKTESSERA/${scope}, SignedHeaders=${signedHeaders}, Signature=${signature}`;
  const req: AuthRequest = { method: 'GET', rawPath: '/b/k', rawQuery: '', headers };
  assert.equal(authenticate(req, lookup, nowMs).anonymous, false);
  rejects({ ...req, headers: { ...headers, date: new Date(nowMs + 1000).toUTCString() } }, 'SignatureDoesNotMatch');
  const noDates = { ...headers };
  delete noDates.date;
  rejects({ ...req, headers: noDates }, 'AccessDenied', (e) => assert.match(e.message, /Date or x-amz-date/));
  rejects({ ...req, headers: { ...headers, date: 'yesterday-ish' } }, 'AccessDenied');
  rejects({ ...req, headers: { ...headers, 'x-amz-date': '20260230T120000Z' } }, 'AccessDenied');
});

test('malformed Authorization headers', () => {
  const req = signed();
  const authz = req.headers.authorization as string;
  const withAuthz = (a: string): AuthRequest => ({ ...req, headers: { ...req.headers, authorization: a } });
  rejects(withAuthz(authz.replace(/Signature=[0-9a-f]+/, '')), 'AuthorizationHeaderMalformed');
  rejects(withAuthz(authz.replace('aws4_request', 'aws5_request')), 'AuthorizationHeaderMalformed');
  rejects(withAuthz(authz.replace('/s3/', '/ec2/')), 'AuthorizationHeaderMalformed');
  rejects(withAuthz(authz.replace(/Credential=AKTESSERA\/\d{8}/, 'Credential=AKTESSERA/20260116')), 'AuthorizationHeaderMalformed');
  rejects(withAuthz(authz.replace(/Credential=[^,]*/, 'Credential=AKTESSERA/us-east-1')), 'AuthorizationHeaderMalformed');
  rejects(withAuthz(authz.replace(/Signature=[0-9a-f]+/, 'Signature=ABC')), 'SignatureDoesNotMatch');
  rejects(withAuthz(authz.replace(/Signature=([0-9a-f]+)/, (_m, s: string) => `Signature=${s.toUpperCase()}`)), 'SignatureDoesNotMatch');
  rejects(withAuthz('AWS AKTESSERA:c2lnbmF0dXJl'), 'SignatureDoesNotMatch');
  // What the Ceph s3-tests expect for these (test_headers.py).
  assert.equal(fails(withAuthz('AWS HAHAHA'), 'InvalidArgument').status, 400);
  assert.equal(fails(withAuthz(''), 'AccessDenied').status, 403);
  assert.equal(fails(withAuthz('\x07'), 'AccessDenied').status, 403);
  rejects(withAuthz('Bearer token'), 'InvalidArgument');
  rejects(withAuthz(authz.replace('AWS4-HMAC-SHA256', 'AWS4-ECDSA-P256-SHA256')), 'NotImplemented');
  rejects(req, 'AuthorizationHeaderMalformed', (e) => assert.equal(e.fields.Region, 'eu-west-1'), nowMs, { region: 'eu-west-1' });
  rejects({ ...req, rawQuery: 'X-Amz-Algorithm=AWS4-HMAC-SHA256' }, 'InvalidArgument');
});

test('presigned: expiry bounds, expiry, not-yet-valid and tampering', () => {
  const presigned = (expires: string, atMs = nowMs): AuthRequest =>
    signed({ path: `/bucket/k?X-Amz-Expires=${expires}`, signQuery: true, atMs });
  assert.deepEqual(authenticate(presigned('3600'), lookup, nowMs).payload, { kind: 'unsigned' });
  assert.equal(authenticate(presigned('604800'), lookup, nowMs + 604_800_000).anonymous, false);
  rejects(presigned('0'), 'AuthorizationQueryParametersError');
  rejects(presigned('604801'), 'AuthorizationQueryParametersError');
  rejects(presigned('-5'), 'AuthorizationQueryParametersError');
  rejects(presigned('abc'), 'AuthorizationQueryParametersError');
  rejects(presigned('60'), 'AccessDenied', (e) => {
    assert.equal(e.message, 'Request has expired');
    assert.equal(e.fields.ServerTime, '2026-01-15T12:01:01Z');
  }, nowMs + 61_000);
  rejects(presigned('60', nowMs + 3_600_000), 'AccessDenied', (e) => assert.equal(e.message, 'Request is not valid yet'));
  const ok = presigned('3600');
  rejects({ ...ok, rawQuery: ok.rawQuery.replace('X-Amz-Expires=3600', 'X-Amz-Expires=3601') }, 'SignatureDoesNotMatch');
  rejects({ ...ok, rawQuery: `${ok.rawQuery}&versionId=1` }, 'SignatureDoesNotMatch');
  rejects({ ...ok, rawQuery: ok.rawQuery.replace(/&X-Amz-Signature=[0-9a-f]+/, '') }, 'AuthorizationQueryParametersError');
  rejects({ ...ok, rawQuery: `${ok.rawQuery}&X-Amz-Date=20260115T120000Z` }, 'AuthorizationQueryParametersError');
  rejects({ ...ok, headers: { ...ok.headers, 'x-amz-acl': 'public-read' } }, 'AccessDenied');
  rejects({ ...ok, rawQuery: ok.rawQuery.replace('AWS4-HMAC-SHA256', 'AWS4-HMAC-SHA512') }, 'AuthorizationQueryParametersError');
  rejects(ok, 'AuthorizationQueryParametersError', (e) => assert.match(e.message, /region 'us-east-1' is wrong/), nowMs, { region: 'eu-west-1' });
});

/** Signature Version 2, computed here from the AWS documentation's recipe. */
function signV2(method: string, resource: string, headers: Record<string, string>, dateLine: string): string {
  const amz = Object.keys(headers).filter((h) => h.startsWith('x-amz-')).sort().map((h) => `${h}:${headers[h]}\n`).join('');
  const sts = `${method}\n${headers['content-md5'] ?? ''}\n${headers['content-type'] ?? ''}\n${dateLine}\n${amz}${resource}`;
  return createHmac('sha1', creds.secretAccessKey).update(sts).digest('base64');
}

test('Signature Version 2 headers: subresources, virtual hosts, dates and skew', () => {
  const date = new Date(nowMs).toUTCString();
  const headers: Record<string, string> = { host, date, 'content-type': 'text/plain', 'x-amz-meta-a': 'b' };
  const sig = signV2('PUT', '/bucket/a%20b?acl', headers, date);
  const req: AuthRequest = { method: 'PUT', rawPath: '/bucket/a%20b', rawQuery: 'acl&foo=ignored', headers: { ...headers, authorization: `AWS AKTESSERA:${sig}` } };
  assert.deepEqual(authenticate(req, lookup, nowMs), { anonymous: false, accessKeyId: 'AKTESSERA', payload: { kind: 'unsigned' } });
  rejects({ ...req, rawQuery: 'versioning' }, 'SignatureDoesNotMatch');
  rejects({ ...req, headers: { ...req.headers, 'x-amz-meta-a': 'c' } }, 'SignatureDoesNotMatch');
  rejects(req, 'RequestTimeTooSkewed', (e) => assert.equal(e.fields.ServerTime, '2026-01-15T12:16:00Z'), nowMs + 16 * 60_000);
  const noDate = { ...req.headers };
  delete noDate.date;
  rejects({ ...req, headers: noDate }, 'AccessDenied');
  rejects({ ...req, headers: { ...req.headers, date: 'Bad Date' } }, 'AccessDenied');
  // s3-tests test_object_create_bad_date_{invalid,empty}_aws2: a bad or empty x-amz-date wins over Date.
  rejects({ ...req, headers: { ...req.headers, 'x-amz-date': 'Bad Date' } }, 'AccessDenied');
  rejects({ ...req, headers: { ...req.headers, 'x-amz-date': '' } }, 'AccessDenied');
  rejects({ ...req, headers: { ...req.headers, date: 'Tue, 07 Jul 1950 21:53:04 GMT' } }, 'AccessDenied');
  rejects({ ...req, headers: { ...req.headers, date: 'Tue, 07 Jul 9999 21:53:04 GMT' } }, 'RequestTimeTooSkewed');
  // Virtual-hosted style signs '/bucket' + path; the caller says which bucket the host named.
  const vh = { ...headers, authorization: `AWS AKTESSERA:${signV2('GET', '/bucket/', headers, date)}` };
  assert.equal(authenticate({ method: 'GET', rawPath: '/', rawQuery: '', headers: vh }, lookup, nowMs, { virtualHostBucket: 'bucket' }).anonymous, false);
  rejects({ method: 'GET', rawPath: '/', rawQuery: '', headers: vh }, 'SignatureDoesNotMatch');
  // x-amz-date replaces Date, whose line is then empty.
  const amzHeaders = { host, 'x-amz-date': date };
  const amzReq: AuthRequest = { method: 'GET', rawPath: '/b/k', rawQuery: '', headers: { ...amzHeaders, authorization: `AWS AKTESSERA:${signV2('GET', '/b/k', amzHeaders, '')}` } };
  assert.equal(authenticate(amzReq, lookup, nowMs).anonymous, false);
});

test('Signature Version 2 query strings: valid until Expires, then expired', () => {
  const expires = String(nowMs / 1000 + 60);
  const signature = encodeURIComponent(signV2('GET', '/b/k', {}, expires));
  const req: AuthRequest = { method: 'GET', rawPath: '/b/k', rawQuery: `AWSAccessKeyId=AKTESSERA&Expires=${expires}&Signature=${signature}`, headers: { host } };
  assert.equal(authenticate(req, lookup, nowMs).anonymous, false);
  rejects(req, 'AccessDenied', (e) => assert.equal(e.message, 'Request has expired'), nowMs + 61_000);
  rejects({ ...req, rawPath: '/b/k2' }, 'SignatureDoesNotMatch');
  rejects({ method: 'GET', rawPath: '/b/k', rawQuery: 'AWSAccessKeyId=AK&Expires=1&Signature=abc', headers: { host } }, 'InvalidAccessKeyId');
  rejects({ method: 'GET', rawPath: '/b/k', rawQuery: 'Signature=abc', headers: { host } }, 'AccessDenied');
});

test('a signing-key cache gives the same answers, reuses keys, and follows a rotated secret', () => {
  const cache = new SigningKeyCache(2);
  const req = signed({ method: 'PUT', body: 'cached' });
  assert.equal(authenticate(req, lookup, nowMs, { signingKeys: cache }).anonymous, false);
  assert.equal(authenticate(req, lookup, nowMs, { signingKeys: cache }).anonymous, false);
  const k1 = cache.get('AKTESSERA', creds.secretAccessKey, '20260115', 'us-east-1', 's3');
  assert.equal(cache.get('AKTESSERA', creds.secretAccessKey, '20260115', 'us-east-1', 's3'), k1);
  assert.deepEqual(k1, signingKey(creds.secretAccessKey, '20260115', 'us-east-1', 's3'));
  // After rotation, the old signature must fail although a key for the old secret is cached.
  const rotated = (id: string) => ({ accessKeyId: id, secretAccessKey: 'rotated' });
  assert.throws(() => authenticate(req, rotated, nowMs, { signingKeys: cache }), (e: unknown) => e instanceof S3Error && e.code === 'SignatureDoesNotMatch');
  assert.notDeepEqual(cache.get('AKTESSERA', 'rotated', '20260115', 'us-east-1', 's3'), k1);
});
