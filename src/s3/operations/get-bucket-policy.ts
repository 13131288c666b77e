// GetBucketPolicy — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicy.html

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';

export async function getBucketPolicy(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const text = b.config?.policy;
  if (text === undefined) throw new S3Error('NoSuchBucketPolicy');
  ctx.koa.status = 200;
  ctx.koa.type = 'application/json';
  ctx.koa.body = text;
}
