// DeleteObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
// Deleting a missing key succeeds (204), as on AWS.

import { requireKey, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function deleteObject(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  await ctx.svc.objects.deleteObject(bucket, key);
  sendEmpty(ctx, 204);
}
