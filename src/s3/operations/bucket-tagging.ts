// PutBucketTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketTagging.html
// GetBucketTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketTagging.html
// DeleteBucketTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucketTagging.html
// Up to 50 tags in BucketConfig.tagging; a bucket without tags answers NoSuchTagSet.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { readConfigBody } from './config-body.js';
import { parseTaggingXml, tagSetXml } from '../tagging.js';
import { sendEmpty, sendXml } from './respond.js';

export async function putBucketTagging(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const tags = parseTaggingXml(await readConfigBody(ctx, limits.xmlBodyBytesMax), limits.bucketTagsMax);
  await ctx.svc.objects.putBucketConfig(bucket, 'tagging', tags);
  sendEmpty(ctx, 204);
}

export async function getBucketTagging(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const tags = ctx.svc.objects.bucketConfig(bucket, 'tagging');
  if (!tags || Object.keys(tags).length === 0) throw new S3Error('NoSuchTagSet');
  sendXml(ctx, 'Tagging', tagSetXml(tags));
}

export async function deleteBucketTagging(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  await ctx.svc.objects.putBucketConfig(bucket, 'tagging', null);
  sendEmpty(ctx, 204);
}
