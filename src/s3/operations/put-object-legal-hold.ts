// PutObjectLegalHold — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLegalHold.html
// ON or OFF on a version (the latest, or ?versionId). While ON, the version cannot be
// deleted by anyone, whatever its retention.

import { requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';
import { requireObjectLock, setVersionHeader, versionIdParam } from './versioning.js';

export async function putObjectLegalHold(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  requireObjectLock(checkOwner(ctx, bucket));
  const versionId = versionIdParam(ctx);
  const doc = parseXml((await readSmallBody(ctx)).toString('utf8'));
  const h = doc['LegalHold'];
  const status = typeof h === 'object' && h !== null ? xmlText((h as Record<string, unknown>)['Status']) : undefined;
  if (status !== 'ON' && status !== 'OFF') throw new S3Error('MalformedXML');
  const o = await ctx.svc.objects.putObjectConfig(bucket, key, 'legalHold', status === 'ON', versionId !== undefined ? { versionId } : {});
  setVersionHeader(ctx, o);
  sendEmpty(ctx, 200);
}
