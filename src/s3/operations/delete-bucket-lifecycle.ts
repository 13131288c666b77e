// DeleteBucketLifecycle — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketLifecycle.html
// 204 whether or not the bucket had a configuration.

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function deleteBucketLifecycle(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  if (ctx.svc.objects.bucketConfig(bucket, 'lifecycle') !== undefined) await ctx.svc.objects.putBucketConfig(bucket, 'lifecycle', null);
  sendEmpty(ctx, 204);
}
