// PutObjectLockConfiguration — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectLockConfiguration.html
// Turns Object Lock on (only on a bucket whose versioning is Enabled, as AWS now allows for
// existing buckets) and sets or clears the default retention rule (Mode with Days or Years).
// Object Lock cannot be turned off again.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { limits } from '../../limits.js';
import type { ObjectLockConfig } from '../../metadata/records.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

function positive(v: string, max: number): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new S3Error('InvalidRetentionPeriod', 'Default retention period must be a positive integer value');
  if (Number(v) > max) throw new S3Error('InvalidRetentionPeriod', 'Default retention period is too large');
  return Number(v);
}

function parseRule(rule: unknown): ObjectLockConfig['rule'] {
  if (rule === undefined) return undefined;
  const dr = typeof rule === 'object' && rule !== null ? (rule as Record<string, unknown>)['DefaultRetention'] : undefined;
  if (typeof dr !== 'object' || dr === null) throw new S3Error('MalformedXML');
  const f = dr as Record<string, unknown>;
  const mode = xmlText(f['Mode']);
  const days = xmlText(f['Days']);
  const years = xmlText(f['Years']);
  if (mode !== 'GOVERNANCE' && mode !== 'COMPLIANCE') throw new S3Error('MalformedXML');
  if ((days === undefined) === (years === undefined)) throw new S3Error('MalformedXML');
  return days !== undefined
    ? { mode, days: positive(days, limits.lockRetentionDaysMax) }
    : { mode, years: positive(years!, limits.lockRetentionYearsMax) };
}

export async function putObjectLockConfiguration(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  const b = checkOwner(ctx, bucket);
  const doc = parseXml((await readSmallBody(ctx)).toString('utf8'));
  const conf = doc['ObjectLockConfiguration'];
  if (typeof conf !== 'object' || conf === null) throw new S3Error('MalformedXML');
  const fields = conf as Record<string, unknown>;
  if (xmlText(fields['ObjectLockEnabled']) !== 'Enabled') throw new S3Error('MalformedXML');
  const rule = parseRule(fields['Rule']);
  if (!b.config?.objectLock && b.config?.versioning !== 'Enabled') {
    throw new S3Error('InvalidBucketState', 'Versioning must be \'Enabled\' on the bucket to apply a Object Lock configuration');
  }
  await ctx.svc.objects.putBucketConfig(bucket, 'objectLock', { enabled: true, ...(rule ? { rule } : {}) });
  sendEmpty(ctx, 200);
}
