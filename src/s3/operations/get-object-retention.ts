// GetObjectRetention — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectRetention.html
// 404 NoSuchObjectLockConfiguration when the version has no retention; 400 InvalidRequest on
// a bucket without Object Lock.

import { requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';
import { requireObjectLock } from './versioning.js';
import { readVersion } from './get-object.js';

export async function getObjectRetention(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  requireObjectLock(checkOwner(ctx, bucket));
  const r = readVersion(ctx, bucket, key).config?.retention;
  if (!r) throw new S3Error('NoSuchObjectLockConfiguration');
  sendXml(ctx, 'Retention', { Mode: r.mode, RetainUntilDate: new Date(r.retainUntilMs).toISOString() });
}
