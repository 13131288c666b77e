// PutObjectRetention — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectRetention.html
// Sets a version's retention (the latest, or ?versionId). An active COMPLIANCE retention can
// only be extended; an active GOVERNANCE one can be shortened or removed (an empty
// <Retention/>) only with x-amz-bypass-governance-retention: true. The state machine
// checks this in the same transaction that writes the change.
// Differences from AWS: the bypass header needs no separate permission (the bucket owner
// is the only caller there is).

import { requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import type { ObjectRetention } from '../../metadata/records.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';
import { bypassGovernance, parseRetainUntil, parseRetentionMode, requireObjectLock, setVersionHeader, versionIdParam } from './versioning.js';

export async function putObjectRetention(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  requireObjectLock(checkOwner(ctx, bucket));
  const versionId = versionIdParam(ctx);
  const doc = parseXml((await readSmallBody(ctx)).toString('utf8'));
  const r = doc['Retention'];
  if (r === undefined) throw new S3Error('MalformedXML');
  const fields = typeof r === 'object' && r !== null ? (r as Record<string, unknown>) : {};
  const mode = xmlText(fields['Mode']);
  const until = xmlText(fields['RetainUntilDate']);
  if ((mode === undefined) !== (until === undefined)) throw new S3Error('MalformedXML');
  const value: ObjectRetention | null =
    mode === undefined ? null : { mode: parseRetentionMode(mode, 'MalformedXML'), retainUntilMs: parseRetainUntil(until, ctx.svc.now()) };
  const o = await ctx.svc.objects.putObjectConfig(bucket, key, 'retention', value, {
    bypassGovernance: bypassGovernance(ctx),
    ...(versionId !== undefined ? { versionId } : {}),
  });
  setVersionHeader(ctx, o);
  sendEmpty(ctx, 200);
}
