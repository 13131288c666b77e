// HeadBucket — https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function headBucket(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  ctx.koa.set('x-amz-bucket-region', b.region);
  sendEmpty(ctx, 200);
}
