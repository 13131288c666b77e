// Authentication of browser-form uploads (POST Object): the signed policy document and its
// conditions over the form fields.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-HTTPPOSTConstructPolicy.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-post-example.html
//
// The caller parses the multipart form up to the file part and passes the fields (with
// ${filename} already substituted in `key`) and the bucket named by the request's path or
// host. The bucket is never taken from a form field (Ceph RGW's CVE-2023-43040): a `bucket`
// field is just another field the policy must allow.
//
// Differences from AWS: besides SigV4, the legacy form with AWSAccessKeyId and an HMAC-SHA1
// `signature` is accepted, because the Ceph s3-tests POST cases use it; x-amz-algorithm,
// x-amz-credential and x-amz-date need not be repeated as policy conditions.

import { createHmac, timingSafeEqual } from 'node:crypto';
import { limits } from '../../limits.js';
import { S3Error } from '../errors.js';
import { hmacSha256, signaturesEqual, signingKey } from './canonical.js';
import { parseAmzDate, parseCredential } from './parse.js';
import type { AuthOptions, CredentialLookup, Credentials } from './types.js';

export interface PostPolicyInput {
  /** The bucket the request addresses (path or host), not a form field. */
  bucket: string;
  /** Form fields before the file part, by name as sent. */
  fields: Record<string, string>;
}

export type PostPolicyResult =
  | { anonymous: true }
  | {
    anonymous: false;
    accessKeyId: string;
    /** From a content-length-range condition: the caller answers EntityTooSmall/EntityTooLarge outside it. */
    contentLengthRange?: { min: number; max: number };
  };

// Fields that the policy need not mention (AWS: signature, file, policy, x-ignore-*), plus the
// credential fields, which the signature already binds.
const exemptFields = new Set([
  'policy', 'x-amz-signature', 'signature', 'file', 'awsaccesskeyid', 'x-amz-algorithm', 'x-amz-credential', 'x-amz-date',
  // The file's checksum binds nothing the policy grants; it is verified against the file.
  'x-amz-checksum-crc32', 'x-amz-checksum-crc32c', 'x-amz-checksum-crc64nvme', 'x-amz-checksum-sha1', 'x-amz-checksum-sha256',
]);

function policyError(detail: string): S3Error {
  return new S3Error('InvalidPolicyDocument', `Invalid Policy: ${detail}`);
}

function denied(detail: string): S3Error {
  return new S3Error('AccessDenied', `Invalid according to Policy: ${detail}`);
}

function lowerCaseFields(fields: Record<string, string>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(fields)) {
    const lower = name.toLowerCase();
    if (!out.has(lower)) out.set(lower, value);
  }
  return out;
}

function lookupOrThrow(lookup: CredentialLookup, accessKeyId: string): Credentials {
  const creds = lookup(accessKeyId);
  if (creds === undefined) throw new S3Error('InvalidAccessKeyId', undefined, { fields: { AWSAccessKeyId: accessKeyId } });
  return creds;
}

function required(fields: Map<string, string>, name: string, shownAs: string): string {
  const v = fields.get(name);
  if (v === undefined) throw new S3Error('InvalidArgument', `Bucket POST must contain a field named '${shownAs}'.`);
  return v;
}

/** Checks the policy's signature; returns the access key that signed it. */
function verifyPolicySignature(fields: Map<string, string>, policy: string, lookup: CredentialLookup, opts: AuthOptions): string {
  if (fields.has('x-amz-signature') || fields.has('x-amz-credential') || fields.has('x-amz-algorithm')) {
    if (required(fields, 'x-amz-algorithm', 'x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
      throw new S3Error('InvalidArgument', 'x-amz-algorithm only supports "AWS4-HMAC-SHA256".');
    }
    const scope = parseCredential(required(fields, 'x-amz-credential', 'x-amz-credential'), 'query', { region: opts.region, service: opts.service ?? 's3' });
    const amzDate = required(fields, 'x-amz-date', 'x-amz-date');
    if (parseAmzDate(amzDate) === undefined || amzDate.slice(0, 8) !== scope.date) {
      throw new S3Error('InvalidArgument', 'x-amz-date must be the date of x-amz-credential, as yyyyMMddTHHmmssZ.');
    }
    const creds = lookupOrThrow(lookup, scope.accessKeyId);
    const key = opts.signingKeys?.get(scope.accessKeyId, creds.secretAccessKey, scope.date, scope.region, scope.service)
      ?? signingKey(creds.secretAccessKey, scope.date, scope.region, scope.service);
    const expected = hmacSha256(key, policy).toString('hex');
    if (!signaturesEqual(expected, required(fields, 'x-amz-signature', 'x-amz-signature'))) throw new S3Error('SignatureDoesNotMatch');
    return scope.accessKeyId;
  }
  const accessKeyId = required(fields, 'awsaccesskeyid', 'AWSAccessKeyId');
  const provided = Buffer.from(required(fields, 'signature', 'Signature'), 'base64');
  const creds = lookupOrThrow(lookup, accessKeyId);
  const expected = createHmac('sha1', creds.secretAccessKey).update(policy, 'utf8').digest();
  if (provided.length !== expected.length || !timingSafeEqual(provided, expected)) throw new S3Error('SignatureDoesNotMatch');
  return accessKeyId;
}

const expirationPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

interface PolicyDocument { expirationMs: number; conditions: unknown[] }

function parsePolicy(policy: string): PolicyDocument {
  if (policy.length > limits.postPolicyBytesMax) throw policyError('the policy is too large.');
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(policy, 'base64').toString('utf8'));
  } catch {
    throw policyError('Invalid JSON.');
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw policyError('Invalid JSON.');
  const { expiration, conditions } = doc as Record<string, unknown>;
  if (typeof expiration !== 'string') throw policyError('Policy missing expiration.');
  const expirationMs = Date.parse(expiration);
  if (!expirationPattern.test(expiration) || !Number.isFinite(expirationMs)) throw policyError('Invalid \'expiration\' value.');
  if (!Array.isArray(conditions)) throw policyError('Policy missing conditions.');
  if (conditions.length > limits.postPolicyConditionsMax) throw policyError('Too many conditions.');
  return { expirationMs, conditions };
}

interface Condition { op: 'eq' | 'starts-with'; field: string; value: string }
type ParsedCondition = Condition | { op: 'content-length-range'; min: number; max: number };

function parseCondition(c: unknown): ParsedCondition {
  if (typeof c === 'object' && c !== null && !Array.isArray(c)) {
    const entries = Object.entries(c as Record<string, unknown>);
    if (entries.length !== 1 || typeof entries[0]![1] !== 'string') throw policyError('Invalid Simple-Condition: value must be a string.');
    return { op: 'eq', field: entries[0]![0].toLowerCase(), value: entries[0]![1] as string };
  }
  if (!Array.isArray(c) || c.length !== 3) throw policyError('Invalid Condition.');
  const [rawOp, a, b] = c as [unknown, unknown, unknown];
  // Condition names match case-insensitively ("StArTs-WiTh"), as AWS and RGW accept.
  const op = typeof rawOp === 'string' ? rawOp.toLowerCase() : rawOp;
  if (op === 'content-length-range') {
    if (!Number.isSafeInteger(a) || !Number.isSafeInteger(b) || (a as number) < 0 || (b as number) < (a as number)) {
      throw policyError('Invalid content-length-range.');
    }
    return { op, min: a as number, max: b as number };
  }
  if ((op !== 'eq' && op !== 'starts-with') || typeof a !== 'string' || !a.startsWith('$') || typeof b !== 'string') {
    throw policyError(`Invalid Condition: ${JSON.stringify(c).slice(0, 200)}`);
  }
  return { op, field: a.slice(1).toLowerCase(), value: b };
}

function conditionHolds(c: Condition, actual: string | undefined): boolean {
  if (c.op === 'eq') return actual === c.value;
  if (actual === undefined) return c.value === '';
  // Content-Type may list several types; each must start with the prefix.
  if (c.field === 'content-type') return actual.split(',').every((t) => t.trim().startsWith(c.value));
  return actual.startsWith(c.value);
}

/**
 * Verifies a POST Object form: anonymous when it carries neither policy nor signature;
 * otherwise the policy must be signed by a known key, unexpired, and satisfied by the fields,
 * and every field must be allowed by a condition.
 */
export function verifyPostPolicy(input: PostPolicyInput, lookup: CredentialLookup, nowMs: number, opts: AuthOptions = {}): PostPolicyResult {
  const fields = lowerCaseFields(input.fields);
  required(fields, 'key', 'key');
  const policy = fields.get('policy');
  const signed = ['x-amz-signature', 'signature', 'awsaccesskeyid', 'x-amz-credential'].some((n) => fields.has(n));
  if (policy === undefined) {
    if (signed) throw new S3Error('InvalidArgument', 'Bucket POST must contain a field named \'policy\'.');
    return { anonymous: true };
  }
  const accessKeyId = verifyPolicySignature(fields, policy, lookup, opts);
  const doc = parsePolicy(policy);
  const conditions = doc.conditions.map(parseCondition);
  if (nowMs > doc.expirationMs) throw denied('Policy expired.');
  const covered = new Set<string>();
  let range: { min: number; max: number } | undefined;
  for (const c of conditions) {
    if (c.op === 'content-length-range') {
      range = { min: c.min, max: c.max };
      continue;
    }
    covered.add(c.field);
    const actual = c.field === 'bucket' ? input.bucket : fields.get(c.field);
    if (!conditionHolds(c, actual)) throw denied(`Policy Condition failed: ["${c.op}", "$${c.field}", ${JSON.stringify(c.value)}]`);
  }
  for (const name of fields.keys()) {
    if (!covered.has(name) && !exemptFields.has(name) && !name.startsWith('x-ignore-')) {
      throw denied(`Extra input fields: ${name}`);
    }
  }
  return range === undefined ? { anonymous: false, accessKeyId } : { anonymous: false, accessKeyId, contentLengthRange: range };
}
