// PutBucketCors — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html
// The rules are validated once (src/s3/cors.ts) and stored in BucketConfig.cors.

import { requireBucket, type S3Ctx } from '../context.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { readConfigBody } from './config-body.js';
import { parseCorsXml } from '../cors.js';
import { sendEmpty } from './respond.js';

export async function putBucketCors(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const rules = parseCorsXml(await readConfigBody(ctx, limits.corsConfigBytesMax));
  await ctx.svc.objects.putBucketConfig(bucket, 'cors', rules);
  sendEmpty(ctx, 200);
}
