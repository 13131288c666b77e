// DeleteBucketEncryption — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketEncryption.html
// Objects already written stay encrypted; only the default for new writes goes.

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function deleteBucketEncryption(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  await ctx.svc.objects.putBucketConfig(bucket, 'encryption', null);
  sendEmpty(ctx, 204);
}
