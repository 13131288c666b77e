// GetObjectLockConfiguration — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLockConfiguration.html
// 404 ObjectLockConfigurationNotFoundError on a bucket without Object Lock.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';

export async function getObjectLockConfiguration(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const lock = b.config?.objectLock;
  if (!lock) throw new S3Error('ObjectLockConfigurationNotFoundError');
  const rule = lock.rule;
  sendXml(ctx, 'ObjectLockConfiguration', {
    ObjectLockEnabled: 'Enabled',
    ...(rule
      ? { Rule: { DefaultRetention: { Mode: rule.mode, ...(rule.days !== undefined ? { Days: rule.days } : { Years: rule.years }) } } }
      : {}),
  });
}
