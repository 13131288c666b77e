// DeletePublicAccessBlock — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeletePublicAccessBlock.html

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function deletePublicAccessBlock(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  await ctx.svc.objects.putBucketConfig(b.name, 'publicAccessBlock', null);
  sendEmpty(ctx, 204);
}
