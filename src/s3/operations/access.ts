// Access checks for the operation files: every operation calls checkOwner(ctx, bucket)
// before touching a bucket, and the decision is made in src/s3/access/ (bucket policy,
// ACLs, ownership controls, public access block) for the operation the router named in
// ctx.operation. The name is historical: the bucket owner is no longer the only one allowed.

import { caller, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import type { BucketRecord, ObjectRecord } from '../../metadata/records.js';
import { authorize } from '../access/authorize.js';
import { aclFromHeaders, expandAcl, hasAclHeaders, isPublicAcl } from '../access/acl.js';

/** Operations whose request headers may carry an ACL for what they create. */
const ACL_WRITERS = new Set(['PutObject', 'CopyObject', 'CreateMultipartUpload', 'PostObject']);

/**
 * Throws AccessDenied unless the caller may perform ctx.operation on `bucket` (and on
 * ctx.key for object operations); returns the bucket record.
 */
export function checkOwner(ctx: S3Ctx, bucket: string): BucketRecord {
  const b = ctx.svc.objects.getBucket(bucket);
  checkExpectedOwner(ctx, b, 'x-amz-expected-bucket-owner');
  authorize(ctx, b);
  if (ACL_WRITERS.has(ctx.operation) && hasAclHeaders(ctx.koa.req.headers)) checkAclHeaders(ctx, b);
  return b;
}

/**
 * The bucket, for an operation that authorizes each object it names itself (DeleteObjects:
 * AWS checks s3:DeleteObject on every key, so a policy on a prefix applies key by key).
 */
export function bucketForPerKeyAccess(ctx: S3Ctx, bucket: string): BucketRecord {
  const b = ctx.svc.objects.getBucket(bucket);
  checkExpectedOwner(ctx, b, 'x-amz-expected-bucket-owner');
  return b;
}

/** Throws AccessDenied unless the caller may perform `operation` on `key` of bucket `b`. */
export function checkKeyAccess(ctx: S3Ctx, b: BucketRecord, key: string, operation: string, versioned: boolean): void {
  authorize(ctx, b, { key, operation, versioned });
}

/**
 * For an operation that has the object record at hand (a specific version, say): checks
 * the object's ACL against that record rather than the current one.
 */
export function checkObjectAccess(ctx: S3Ctx, bucket: BucketRecord, object: ObjectRecord): void {
  authorize(ctx, bucket, { key: object.key, object });
}

/** The source of CopyObject / UploadPartCopy needs s3:GetObject on the source object. */
export function checkCopySource(ctx: S3Ctx, bucket: string, key: string): BucketRecord {
  const b = ctx.svc.objects.getBucket(bucket);
  checkExpectedOwner(ctx, b, 'x-amz-source-expected-bucket-owner');
  authorize(ctx, b, { key, operation: 'GetObject' });
  return b;
}

/** x-amz-expected-bucket-owner (and its copy-source twin): a bucket owned by another account is AccessDenied. */
function checkExpectedOwner(ctx: S3Ctx, b: BucketRecord, name: string): void {
  const expected = ctx.koa.req.headers[name];
  if (typeof expected === 'string' && expected !== b.owner) throw new S3Error('AccessDenied');
}

/**
 * The owner of the object (or upload) a write creates. Ownership controls decide, as AWS
 * documents: BucketOwnerEnforced gives every object to the bucket owner; BucketOwnerPreferred
 * does so when the writer grants the bucket owner full control (x-amz-acl:
 * bucket-owner-full-control); otherwise (ObjectWriter, the default) the writer owns it.
 */
export function newObjectOwner(ctx: S3Ctx, b: BucketRecord, cannedAcl = ctx.koa.req.headers['x-amz-acl']): string {
  const ownership = b.config?.ownershipControls;
  if (ownership === 'BucketOwnerEnforced') return b.owner;
  if (ownership === 'BucketOwnerPreferred' && cannedAcl === 'bucket-owner-full-control') return b.owner;
  return caller(ctx);
}

/**
 * An ACL sent with a write: refused when the bucket has ACLs disabled (BucketOwnerEnforced
 * accepts only bucket-owner-full-control, as AWS) or blocks public ACLs.
 */
function checkAclHeaders(ctx: S3Ctx, b: BucketRecord): void {
  const accounts = ctx.svc.accounts;
  const acl = aclFromHeaders(ctx.koa.req.headers, (id) => !accounts || accounts.byId(id) !== undefined);
  if (!acl) return;
  if (b.config?.ownershipControls === 'BucketOwnerEnforced' && !('canned' in acl && acl.canned === 'bucket-owner-full-control')) {
    throw new S3Error('AccessControlListNotSupported');
  }
  if (b.config?.publicAccessBlock?.blockPublicAcls && isPublicAcl(expandAcl(acl, b.owner, b.owner))) throw new S3Error('AccessDenied');
}
