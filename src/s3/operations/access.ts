// Access checks of the foundation: a bucket belongs to the account that created it and only
// that account may use it. (Bucket policies and ACLs come with the S3 breadth issue.)

import { caller, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import type { BucketRecord } from '../../metadata/records.js';

export function checkOwner(ctx: S3Ctx, bucket: string): BucketRecord {
  const b = ctx.svc.objects.getBucket(bucket);
  if (!ctx.identity || b.owner !== caller(ctx)) throw new S3Error('AccessDenied');
  return b;
}
