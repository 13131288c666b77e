// PutObjectTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
// GetObjectTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
// DeleteObjectTagging — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjectTagging.html
// The tag set lives in the object's ObjectConfig.tagging, changed through putObjectConfig.
//
// Differences from AWS: objects have no versions yet, so a versionId other than "null" is
// NoSuchVersion; "null" (the only version) is accepted and echoed.

import { requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { readConfigBody } from './config-body.js';
import { parseTaggingXml, tagSetXml } from '../tagging.js';
import { sendEmpty, sendXml } from './respond.js';

/** The object addressed, checking ?versionId and echoing it as x-amz-version-id. */
function target(ctx: S3Ctx): { bucket: string; key: string } {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const versionId = ctx.query.get('versionId');
  if (versionId !== null) {
    if (versionId !== 'null') throw new S3Error('NoSuchVersion', undefined, { fields: { VersionId: versionId } });
    ctx.koa.set('x-amz-version-id', versionId);
  }
  return { bucket, key };
}

export async function putObjectTagging(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = target(ctx);
  ctx.svc.objects.getObject(bucket, key);
  const tags = parseTaggingXml(await readConfigBody(ctx, limits.xmlBodyBytesMax), limits.objectTagsMax);
  await ctx.svc.objects.putObjectConfig(bucket, key, 'tagging', tags);
  sendEmpty(ctx, 200);
}

export async function getObjectTagging(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = target(ctx);
  const o = ctx.svc.objects.getObject(bucket, key);
  sendXml(ctx, 'Tagging', tagSetXml(o.config?.tagging));
}

export async function deleteObjectTagging(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = target(ctx);
  await ctx.svc.objects.putObjectConfig(bucket, key, 'tagging', null);
  sendEmpty(ctx, 204);
}
