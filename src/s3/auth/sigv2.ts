// AWS Signature Version 2 (legacy HMAC-SHA1), header and query forms.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html
//
// AWS still accepts it in its oldest regions, boto3 speaks it with signature_version='s3', and
// the Ceph s3-tests run a group of cases (the *_aws2 ones in test_headers.py) with it. There is
// no payload hash in V2, so bodies are unsigned (Content-MD5 is the caller's to check).

import { createHmac, timingSafeEqual } from 'node:crypto';
import { limits } from '../../limits.js';
import { S3Error } from '../errors.js';
import { headerValues, type QueryParam } from './canonical.js';
import { formatIsoSeconds, parseAmzDate, parseHttpDate } from './parse.js';
import { payloadModeFor } from './payload-mode.js';
import type { AuthOptions, AuthRequest, AuthResult, CredentialLookup, Credentials } from './types.js';

// The query parameters that are part of the signed resource (botocore's list, which follows
// the AWS documentation's and adds the newer subresources).
const signedSubresources = new Set([
  'accelerate', 'acl', 'analytics', 'cors', 'defaultObjectAcl', 'delete', 'inventory', 'legal-hold', 'lifecycle', 'location',
  'logging', 'metrics', 'notification', 'object-lock', 'partNumber', 'policy', 'replication', 'requestPayment', 'restore',
  'retention', 'select', 'select-type', 'storageClass', 'tagging', 'torrent', 'uploadId', 'uploads', 'versionId',
  'versioning', 'versions', 'website', 'response-cache-control', 'response-content-disposition',
  'response-content-encoding', 'response-content-language', 'response-content-type', 'response-expires',
]);

function single(req: AuthRequest, name: string): string {
  return headerValues(req.headers, req.rawHeaders, name).join(',');
}

/** CanonicalizedAmzHeaders: x-amz-* lower-cased and sorted, repeats joined by ',', each line ending in '\n'. */
function canonicalAmzHeaders(req: AuthRequest): string {
  const names = Object.keys(req.headers).map((n) => n.toLowerCase()).filter((n) => n.startsWith('x-amz-')).sort();
  return names.map((n) => `${n}:${headerValues(req.headers, req.rawHeaders, n).map((v) => v.trim().replace(/\s+/g, ' ')).join(',')}\n`).join('');
}

/**
 * CanonicalizedResource candidates: [/bucket when addressed by host] + path as sent + signed
 * subresources, sorted. A bucket addressed as '/bucket' is signed as '/bucket/' by botocore and
 * as '/bucket' by others, so both spellings are tried for a one-segment path.
 */
function canonicalResources(req: AuthRequest, query: readonly QueryParam[], opts: AuthOptions): string[] {
  const prefix = opts.virtualHostBucket === undefined ? '' : `/${opts.virtualHostBucket}`;
  const subresources = query
    .filter((p) => signedSubresources.has(p.name))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((p) => (p.value === '' ? p.name : `${p.name}=${p.value}`));
  const suffix = subresources.length > 0 ? `?${subresources.join('&')}` : '';
  const path = `${prefix}${req.rawPath === '' ? '/' : req.rawPath}`;
  const bucketOnly = /^\/[^/]+$/.test(path);
  return bucketOnly ? [`${path}${suffix}`, `${path}/${suffix}`] : [`${path}${suffix}`];
}

function verifyV2Signature(req: AuthRequest, creds: Credentials, dateLine: string, provided: string, query: readonly QueryParam[], opts: AuthOptions): void {
  const head = [req.method.toUpperCase(), single(req, 'content-md5'), single(req, 'content-type'), dateLine].join('\n') +
    '\n' + canonicalAmzHeaders(req);
  const given = Buffer.from(provided, 'base64');
  const candidates = canonicalResources(req, query, opts).map((resource) => head + resource);
  for (const sts of candidates) {
    const expected = createHmac('sha1', creds.secretAccessKey).update(sts, 'utf8').digest();
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
  }
  throw new S3Error('SignatureDoesNotMatch', undefined, { fields: { AWSAccessKeyId: creds.accessKeyId, StringToSign: candidates[0]! } });
}

function lookupOrThrow(lookup: CredentialLookup, accessKeyId: string): Credentials {
  const creds = lookup(accessKeyId);
  if (creds === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { fields: { AWSAccessKeyId: accessKeyId } });
  return creds;
}

function v2Payload(req: AuthRequest): AuthResult['payload'] {
  const contentSha = headerValues(req.headers, req.rawHeaders, 'x-amz-content-sha256')[0];
  return contentSha === undefined ? { kind: 'unsigned' } : payloadModeFor(contentSha, undefined);
}

/** 'AWS AKID:signature' in the Authorization header. */
export function authenticateV2Header(
  req: AuthRequest, authorization: string, query: readonly QueryParam[], lookup: CredentialLookup, nowMs: number, opts: AuthOptions,
): AuthResult {
  const m = /^AWS ([^:\s]+):(\S+)$/.exec(authorization.trim());
  if (m === null) {
    throw new S3Error('InvalidArgument', 'AWS authorization header is invalid.  Expected AwsAccessKeyId:signature', {
      fields: { ArgumentName: 'Authorization', ArgumentValue: authorization.slice(0, 64) },
    });
  }
  const creds = lookupOrThrow(lookup, m[1]!);
  // x-amz-date, when sent (even empty), replaces Date, whose line in the string to sign is
  // then empty.
  const hasAmzDate = headerValues(req.headers, req.rawHeaders, 'x-amz-date').length > 0;
  const amzDate = single(req, 'x-amz-date');
  const date = single(req, 'date');
  const sent = hasAmzDate ? amzDate : date;
  // V2 dates are HTTP dates; some clients put ISO 8601 basic in x-amz-date instead.
  const ms = sent === '' ? undefined : parseAmzDate(sent.trim()) ?? parseHttpDate(sent);
  if (ms === undefined || ms < 0) throw new S3Error('AccessDenied', 'AWS authentication requires a valid Date or x-amz-date header');
  if (Math.abs(nowMs - ms) > limits.clockSkewMsMax) {
    throw new S3Error('RequestTimeTooSkewed', undefined, {
      fields: { RequestTime: sent, ServerTime: formatIsoSeconds(nowMs), MaxAllowedSkewMilliseconds: String(limits.clockSkewMsMax) },
    });
  }
  verifyV2Signature(req, creds, hasAmzDate ? '' : date, m[2]!, query, opts);
  return { anonymous: false, accessKeyId: creds.accessKeyId, payload: v2Payload(req) };
}

/** ?AWSAccessKeyId=…&Expires=<epoch seconds>&Signature=… */
export function authenticateV2Query(
  req: AuthRequest, query: readonly QueryParam[], lookup: CredentialLookup, nowMs: number, opts: AuthOptions,
): AuthResult {
  const get = (n: string) => query.find((p) => p.name === n)?.value;
  const accessKeyId = get('AWSAccessKeyId');
  const expires = get('Expires');
  const signature = get('Signature');
  if (accessKeyId === undefined || expires === undefined || signature === undefined || !/^\d{1,12}$/.test(expires)) {
    throw new S3Error('AccessDenied', 'Query-string authentication requires the Signature, Expires and AWSAccessKeyId parameters');
  }
  const creds = lookupOrThrow(lookup, accessKeyId);
  if (nowMs > Number(expires) * 1000) {
    throw new S3Error('AccessDenied', 'Request has expired', {
      fields: { Expires: formatIsoSeconds(Number(expires) * 1000), ServerTime: formatIsoSeconds(nowMs) },
    });
  }
  verifyV2Signature(req, creds, expires, signature, query, opts);
  return { anonymous: false, accessKeyId, payload: v2Payload(req) };
}
