// GetBucketAcl — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketAcl.html

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendAcl } from './acl-request.js';

export async function getBucketAcl(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  sendAcl(ctx, b.config?.acl, b.owner, b.owner, b.config?.ownershipControls === 'BucketOwnerEnforced');
}
