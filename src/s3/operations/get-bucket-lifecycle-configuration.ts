// GetBucketLifecycleConfiguration — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLifecycleConfiguration.html
// Answers the rules in the shape they were put (legacy Prefix or Filter).

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { renderLifecycle } from '../lifecycle-xml.js';
import { sendXml } from './respond.js';

export async function getBucketLifecycleConfiguration(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const rules = ctx.svc.objects.bucketConfig(bucket, 'lifecycle');
  if (!rules) throw new S3Error('NoSuchLifecycleConfiguration');
  sendXml(ctx, 'LifecycleConfiguration', renderLifecycle(rules));
}
