// GetBucketVersioning — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
// Differences from AWS: versioning is not implemented yet, so every bucket answers as
// never-versioned (an empty VersioningConfiguration), which tools such as rclone probe for.

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';

export async function getBucketVersioning(ctx: S3Ctx): Promise<void> {
  checkOwner(ctx, requireBucket(ctx));
  sendXml(ctx, 'VersioningConfiguration', {});
}
