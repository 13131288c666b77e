// PutObjectTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
// GetObjectTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
// DeleteObjectTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html
// The tag set lives in the version's ObjectConfig.tagging, changed through putObjectConfig;
// ?versionId addresses a version (the latest by default) and is echoed as x-amz-version-id.

import type { S3Ctx } from '../context.js';
import { limits } from '../../limits.js';
import { readConfigBody } from './config-body.js';
import { parseTaggingXml, tagSetXml } from '../tagging.js';
import { sendEmpty, sendXml } from './respond.js';
import { addressedVersion } from './addressed-version.js';

export async function putObjectTagging(ctx: S3Ctx): Promise<void> {
  const { bucket, key, versionId } = addressedVersion(ctx);
  const tags = parseTaggingXml(await readConfigBody(ctx, limits.xmlBodyBytesMax), limits.objectTagsMax);
  await ctx.svc.objects.putObjectConfig(bucket, key, 'tagging', tags, versionId !== undefined ? { versionId } : {});
  sendEmpty(ctx, 200);
}

export async function getObjectTagging(ctx: S3Ctx): Promise<void> {
  const { o } = addressedVersion(ctx);
  sendXml(ctx, 'Tagging', tagSetXml(o.config?.tagging));
}

export async function deleteObjectTagging(ctx: S3Ctx): Promise<void> {
  const { bucket, key, versionId } = addressedVersion(ctx);
  await ctx.svc.objects.putObjectConfig(bucket, key, 'tagging', null, versionId !== undefined ? { versionId } : {});
  sendEmpty(ctx, 204);
}
