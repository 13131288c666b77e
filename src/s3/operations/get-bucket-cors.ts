// GetBucketCors — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketCors.html

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { corsXml } from '../cors.js';
import { sendXml } from './respond.js';

export async function getBucketCors(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const rules = ctx.svc.objects.bucketConfig(bucket, 'cors');
  if (!rules) throw new S3Error('NoSuchCORSConfiguration');
  sendXml(ctx, 'CORSConfiguration', corsXml(rules));
}
