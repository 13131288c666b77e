// GetBucketOwnershipControls — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketOwnershipControls.html

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';

export async function getBucketOwnershipControls(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const value = b.config?.ownershipControls;
  if (value === undefined) throw new S3Error('OwnershipControlsNotFoundError');
  sendXml(ctx, 'OwnershipControls', { Rule: { ObjectOwnership: value } });
}
