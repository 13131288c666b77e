// PostObject — https://docs.aws.amazon.com/AmazonS3/latest/API/RESTObjectPOST.html
// Browser-form upload: POST /bucket with multipart/form-data. The fields before the file
// carry the key, the signed policy and the object's attributes; the file part streams
// straight into ObjectService.putObject like a PutObject body.
//
// The request has no Authorization header (app.ts lets it through because its route row says
// authInBody); the form is authenticated here by verifyPostPolicy (SigV4 or the legacy V2
// signature), and the bucket is always the one the URL names.
//
// Who may upload is decided as for PutObject (bucket policy, bucket ACL, ownership controls):
// a form without a policy is an anonymous upload, which a public-read-write bucket (or a
// policy) allows; the `acl` field is the object's canned ACL.

import type { Readable } from 'node:stream';
import { accountOf, requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { verifyPostPolicy } from '../auth/post-policy.js';
import { attributesFromHeaders } from '../object-headers.js';
import { readPostForm } from '../post-object/form.js';
import { parseTaggingXml } from '../tagging.js';
import { sendEmpty, sendXml } from './respond.js';
import { continueBody } from '../body.js';
import { checkOwner, newObjectOwner } from './access.js';
import { setSseResponse, writeEncryption } from '../sse-headers.js';
import { checksumAlgorithms, checksumDigestBytes, checksumHeader } from '../../pipeline/checksums.js';
import type { BodyChecksum } from '../../gateway/object-service.js';
import type { WriteResult } from '../../pipeline/write-path.js';

const CANNED_ACLS = new Set([
  'private', 'public-read', 'public-read-write', 'aws-exec-read', 'authenticated-read', 'bucket-owner-read', 'bucket-owner-full-control', 'log-delivery-write',
]);

// Form fields that become the object's attributes, as the PutObject header of the same name.
const ATTRIBUTE_FIELDS = new Set(['content-type', 'cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires', 'x-amz-storage-class']);

export async function postObject(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  if (!ctx.credentials) throw new Error('PostObject routed without a credential lookup');
  continueBody(ctx);
  const form = await readPostForm(ctx.koa.req);
  try {
    const fields = lowerCased(form.fields);
    // The policy's "bucket" condition is checked against the URL's bucket; a form field naming
    // another bucket must not slip through a policy that does not mention it (CVE-2023-43040).
    if (fields.bucket !== undefined && fields.bucket !== bucket) {
      throw new S3Error('AccessDenied', 'The bucket field of the form does not match the bucket of the request.');
    }
    if (fields.key !== undefined) form.fields = withKey(form.fields, fields.key.split('${filename}').join(form.filename));
    const auth = verifyPostPolicy({ bucket, fields: form.fields }, ctx.credentials, ctx.svc.now());
    ctx.identity = auth.anonymous ? null : accountOf(ctx.svc, auth.accessKeyId);
    const key = objectKeyOf(lowerCased(form.fields).key ?? '');
    ctx.key = key;
    const record = checkOwner(ctx, bucket);
    const attrs = attributesFromFields(fields, newObjectOwner(ctx, record, fields.acl));
    const range = auth.anonymous ? undefined : auth.contentLengthRange;
    const checksum = formChecksum(fields);
    // SSE form fields (x-amz-server-side-encryption[-customer-*]) or the bucket default.
    const encryption = writeEncryption(ctx, bucket, (name) => fields[name]);
    const object = await ctx.svc.objects.putObject(
      bucket,
      key,
      attrs,
      {
        data: boundedFile(form.file, range?.min ?? 0, Math.min(range?.max ?? Infinity, limits.putObjectSizeBytesMax)),
        ...(checksum ? { checksumAlgorithm: checksum.algorithm, verify: (w) => verifyChecksum(w, checksum) } : {}),
        ...(encryption ? { encryption } : {}),
      },
      {},
    );
    setSseResponse(ctx, object.sse);
    respond(ctx, fields, bucket, key, object.etag);
  } finally {
    // Whatever happened, the file stream must not hold the request: an unread one stalls it.
    if (!form.file.readableEnded) form.file.resume();
  }
}

/** An x-amz-checksum-<alg> field: the file must hash to it (checked before anything is committed). */
function formChecksum(fields: Record<string, string>): BodyChecksum | undefined {
  const sent = checksumAlgorithms.filter((a) => fields[checksumHeader(a)] !== undefined);
  if (sent.length === 0) return undefined;
  if (sent.length > 1) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const algorithm = sent[0]!;
  const base64 = fields[checksumHeader(algorithm)]!.trim();
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length !== checksumDigestBytes(algorithm) || bytes.toString('base64') !== base64) {
    throw new S3Error('InvalidRequest', `Value for ${checksumHeader(algorithm)} header is invalid.`);
  }
  return { algorithm, base64 };
}

function verifyChecksum(w: WriteResult, expected: BodyChecksum): BodyChecksum {
  if (w.checksum?.toString('base64') !== expected.base64) {
    throw new S3Error('BadDigest', `The ${expected.algorithm} you specified did not match the calculated checksum.`);
  }
  return expected;
}

function lowerCased(fields: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) {
    const lower = k.toLowerCase();
    if (!Object.prototype.hasOwnProperty.call(out, lower)) out[lower] = v;
  }
  return out;
}

function withKey(fields: Record<string, string>, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = k.toLowerCase() === 'key' ? key : v;
  return out;
}

function objectKeyOf(key: string): string {
  if (key === '') throw new S3Error('InvalidArgument', 'User key must have a length greater than 0.');
  if (Buffer.byteLength(key) > limits.keyLengthBytesMax) throw new S3Error('KeyTooLongError');
  return key;
}

function attributesFromFields(fields: Record<string, string>, owner: string) {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    if (ATTRIBUTE_FIELDS.has(name) || name.startsWith('x-amz-meta-')) headers[name] = value;
  }
  if (fields.acl !== undefined && !CANNED_ACLS.has(fields.acl)) throw new S3Error('InvalidArgument', 'The ACL you provided is not valid.');
  if (fields.acl !== undefined) headers['x-amz-acl'] = fields.acl;
  const attrs = attributesFromHeaders(headers, owner);
  if (fields.tagging !== undefined) attrs.tagging = parseTaggingXml(fields.tagging, limits.objectTagsMax);
  return attrs;
}

/** The file's bytes, failing (before anything is committed) outside [min, max]. */
async function* boundedFile(file: Readable, min: number, max: number): AsyncGenerator<Uint8Array> {
  let seen = 0;
  try {
    for await (const chunk of file) {
      seen += (chunk as Buffer).byteLength;
      if (seen > max) throw new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', { fields: { MaxSizeAllowed: String(max), ProposedSize: String(seen) } });
      yield chunk as Buffer;
    }
  } catch (err) {
    if (err instanceof S3Error) throw err;
    throw new S3Error('IncompleteBody');
  }
  if (seen < min) throw new S3Error('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', { fields: { MinSizeAllowed: String(min), ProposedSize: String(seen) } });
}

/** success_action_redirect (303), else success_action_status 200/201/204 (204 by default). */
function respond(ctx: S3Ctx, fields: Record<string, string>, bucket: string, key: string, etag: string): void {
  const location = `/${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
  ctx.koa.set('ETag', `"${etag}"`);
  const redirect = redirectUrl(fields.success_action_redirect ?? fields.redirect);
  if (redirect) {
    redirect.searchParams.set('bucket', bucket);
    redirect.searchParams.set('key', key);
    redirect.searchParams.set('etag', `"${etag}"`);
    ctx.koa.set('Location', redirect.toString());
    sendEmpty(ctx, 303);
    return;
  }
  ctx.koa.set('Location', location);
  const status = fields.success_action_status;
  if (status === '201') {
    // AWS's PostResponse carries no namespace (clients look up <Key> unqualified).
    sendXml(ctx, 'PostResponse', { Location: location, Bucket: bucket, Key: key, ETag: `"${etag}"` }, 201, false);
    return;
  }
  sendEmpty(ctx, status === '200' ? 200 : 204);
}

/** An absolute http(s) URL, else undefined: AWS ignores a redirect it cannot use. */
function redirectUrl(v: string | undefined): URL | undefined {
  if (v === undefined || v === '') return undefined;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u : undefined;
  } catch {
    return undefined;
  }
}
