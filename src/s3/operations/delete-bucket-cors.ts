// DeleteBucketCors — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketCors.html

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function deleteBucketCors(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  await ctx.svc.objects.putBucketConfig(bucket, 'cors', null);
  sendEmpty(ctx, 204);
}
