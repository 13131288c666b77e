// GetObjectLegalHold — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectLegalHold.html
// 404 NoSuchObjectLockConfiguration when no legal hold was ever set on the version.

import { requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';
import { requireObjectLock } from './versioning.js';
import { readVersion } from './get-object.js';

export async function getObjectLegalHold(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  requireObjectLock(checkOwner(ctx, bucket));
  const hold = readVersion(ctx, bucket, key).config?.legalHold;
  if (hold === undefined) throw new S3Error('NoSuchObjectLockConfiguration');
  sendXml(ctx, 'LegalHold', { Status: hold ? 'ON' : 'OFF' });
}
