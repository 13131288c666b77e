// PutBucketVersioning — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketVersioning.html
// Status Enabled or Suspended; once set, a bucket never returns to "unversioned". A bucket
// with Object Lock cannot be suspended (409 InvalidBucketState).
// Differences from AWS: MFA delete is not supported: MfaDelete=Enabled is 501
// NotImplemented, MfaDelete=Disabled is accepted and ignored (it is the only state).

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function putBucketVersioning(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  const b = checkOwner(ctx, bucket);
  const doc = parseXml((await readSmallBody(ctx)).toString('utf8'));
  const conf = doc['VersioningConfiguration'];
  if (conf === undefined || conf === null) throw new S3Error('MalformedXML');
  const fields = typeof conf === 'object' ? (conf as Record<string, unknown>) : {};
  const mfa = xmlText(fields['MfaDelete']);
  if (mfa !== undefined && mfa !== 'Disabled') {
    if (mfa === 'Enabled') throw new S3Error('NotImplemented', 'MFA delete is not supported.');
    throw new S3Error('MalformedXML');
  }
  const status = xmlText(fields['Status']);
  if (status === undefined) {
    sendEmpty(ctx, 200);
    return;
  }
  if (status !== 'Enabled' && status !== 'Suspended') throw new S3Error('MalformedXML');
  if (status === 'Suspended' && b.config?.objectLock) {
    throw new S3Error('InvalidBucketState', 'An Object Lock configuration is present on this bucket, so the versioning state cannot be changed.');
  }
  await ctx.svc.objects.putBucketConfig(bucket, 'versioning', status);
  sendEmpty(ctx, 200);
}
