// GetPublicAccessBlock — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetPublicAccessBlock.html

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';

export async function getPublicAccessBlock(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const p = b.config?.publicAccessBlock;
  if (!p) throw new S3Error('NoSuchPublicAccessBlockConfiguration');
  sendXml(ctx, 'PublicAccessBlockConfiguration', {
    BlockPublicAcls: String(p.blockPublicAcls),
    IgnorePublicAcls: String(p.ignorePublicAcls),
    BlockPublicPolicy: String(p.blockPublicPolicy),
    RestrictPublicBuckets: String(p.restrictPublicBuckets),
  });
}
