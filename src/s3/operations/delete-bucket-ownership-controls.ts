// DeleteBucketOwnershipControls — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketOwnershipControls.html

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function deleteBucketOwnershipControls(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  await ctx.svc.objects.putBucketConfig(b.name, 'ownershipControls', null);
  sendEmpty(ctx, 204);
}
