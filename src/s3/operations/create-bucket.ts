// CreateBucket — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
// Re-creating a bucket you own answers 200 in us-east-1 and BucketAlreadyOwnedByYou elsewhere.
// x-amz-bucket-object-lock-enabled: true creates the bucket with Object Lock, which turns
// versioning on for good. x-amz-acl / x-amz-grant-* set the bucket's ACL,
// x-amz-object-ownership its ownership controls. Differences from AWS: a new bucket has ACLs
// enabled (no ownership controls), as S3 had before April 2023 and as Ceph does; the ACL is
// stored by a second command right after the bucket's (the bucket is private in between).

import { caller, header, requireBucket, type S3Ctx } from '../context.js';
import { aclFromHeaders } from '../access/acl.js';
import { MetadataError } from '../../metadata/errors.js';
import type { BucketRecord } from '../../metadata/records.js';
import { S3Error } from '../errors.js';
import { validBucketName } from '../addressing.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { sendEmpty } from './respond.js';

export async function createBucket(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  if (!ctx.identity) throw new S3Error('AccessDenied');
  if (!validBucketName(bucket)) throw new S3Error('InvalidBucketName');
  const accounts = ctx.svc.accounts;
  const acl = aclFromHeaders(ctx.koa.req.headers, (id) => !accounts || accounts.byId(id) !== undefined);
  const ownership = header(ctx, 'x-amz-object-ownership');
  if (ownership !== undefined && ownership !== 'BucketOwnerEnforced' && ownership !== 'BucketOwnerPreferred' && ownership !== 'ObjectWriter') {
    throw new S3Error('InvalidArgument', 'Invalid x-amz-object-ownership header');
  }
  if (ownership === 'BucketOwnerEnforced' && acl && !('canned' in acl && (acl.canned === 'private' || acl.canned === 'bucket-owner-full-control'))) {
    throw new S3Error('InvalidBucketAclWithObjectOwnership');
  }
  const body = (await readSmallBody(ctx)).toString('utf8');
  let region = 'us-east-1';
  if (body.trim() !== '') {
    const doc = parseXml(body);
    const conf = doc['CreateBucketConfiguration'] as Record<string, unknown> | undefined;
    if (conf === undefined) throw new S3Error('MalformedXML');
    const loc = typeof conf === 'object' ? xmlText(conf['LocationConstraint']) : undefined;
    if (loc !== undefined && loc !== '') region = loc;
  }
  if (!/^[a-z0-9-]{1,32}$/.test(region)) throw new S3Error('InvalidLocationConstraint');
  const existing = existingBucket(ctx, bucket);
  // Re-creating one's bucket must not change its ACL: Ceph answers BucketAlreadyExists when
  // the ACL asked for differs (s3-tests test_bucket_recreate_*_acl), and leaves it alone.
  if (existing && existing.owner === caller(ctx) && JSON.stringify(existing.config?.acl ?? PRIVATE) !== JSON.stringify(acl ?? PRIVATE)) {
    throw new S3Error('BucketAlreadyExists');
  }
  const lock = header(ctx, 'x-amz-bucket-object-lock-enabled')?.trim().toLowerCase() === 'true';
  await ctx.svc.objects.createBucket(caller(ctx), bucket, region, lock ? { versioning: 'Enabled', objectLock: { enabled: true } } : undefined);
  if (acl && !existing) await ctx.svc.objects.putBucketConfig(bucket, 'acl', acl);
  if (ownership !== undefined && !existing) await ctx.svc.objects.putBucketConfig(bucket, 'ownershipControls', ownership);
  ctx.koa.set('Location', `/${bucket}`);
  sendEmpty(ctx, 200);
}

const PRIVATE = { canned: 'private' };

function existingBucket(ctx: S3Ctx, bucket: string): BucketRecord | undefined {
  try {
    return ctx.svc.objects.getBucket(bucket);
  } catch (err) {
    if (err instanceof MetadataError && err.code === 'NoSuchBucket') return undefined;
    throw err;
  }
}
