// x-amz-expiration on PutObject, GetObject and HeadObject: when the bucket's lifecycle will
// expire the current object, and which rule does it, e.g.
//   x-amz-expiration: expiry-date="Fri, 23 Dec 2026 00:00:00 GMT", rule-id="logs"
// It is computed in real days even when the worker runs on shortened test days (as RGW does).

import type { S3Ctx } from '../context.js';
import type { BucketRecord, ObjectRecord } from '../../metadata/records.js';
import { expirationHeader } from '../../lifecycle/rules.js';
import { limits } from '../../limits.js';

export function setExpirationHeader(ctx: S3Ctx, bucket: BucketRecord, o: ObjectRecord): void {
  const rules = bucket.config?.lifecycle;
  if (!rules || o.deleteMarker) return;
  // Only the current version expires by Expiration rules.
  if (o.versionId !== undefined && ctx.query.has('versionId')) {
    const latest = ctx.svc.objects.newestVersion(o.bucket, o.key);
    if (latest && latest.versionId !== o.versionId) return;
  }
  const v = expirationHeader(rules, { key: o.key, size: o.size, tags: o.config?.tagging ?? {}, lastModifiedMs: o.lastModifiedMs }, limits.lifecycleDayMs);
  if (v) ctx.koa.set('x-amz-expiration', v);
}
