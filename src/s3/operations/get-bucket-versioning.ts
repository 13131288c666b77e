// GetBucketVersioning — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketVersioning.html
// A bucket that was never versioned answers an empty VersioningConfiguration.
// Differences from AWS: MFA delete is not supported, so MfaDelete is never reported.

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';

export async function getBucketVersioning(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const status = b.config?.versioning;
  sendXml(ctx, 'VersioningConfiguration', status ? { Status: status } : {});
}
