// PutBucketLifecycleConfiguration — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html
// Replaces the bucket's whole rule set. The background worker (lifecycle/worker.ts) applies it.
// Differences from AWS: Transition and NoncurrentVersionTransition are refused with
// NotImplemented (one storage tier).

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { readSmallBody } from '../body.js';
import { parseLifecycleXml } from '../lifecycle-xml.js';
import { sendEmpty } from './respond.js';

export async function putBucketLifecycleConfiguration(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const rules = parseLifecycleXml((await readSmallBody(ctx)).toString('utf8'));
  await ctx.svc.objects.putBucketConfig(bucket, 'lifecycle', rules);
  sendEmpty(ctx, 200);
}
