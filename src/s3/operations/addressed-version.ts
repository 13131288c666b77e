// The object version a sub-resource operation addresses (?tagging, ?acl): ?versionId or the
// latest, read as GetObject reads it (a delete marker answers as there), access checked
// against that version's record, and x-amz-version-id echoed where versioning applies.

import { requireKey, type S3Ctx } from '../context.js';
import { checkObjectAccess, checkOwner } from './access.js';
import { readVersion } from './get-object.js';
import { setVersionHeader, versionIdParam } from './versioning.js';
import type { BucketRecord, ObjectRecord } from '../../metadata/records.js';

/** The version addressed (checked for access), with x-amz-version-id set when versioning applies. */
export function addressedVersion(ctx: S3Ctx): { bucket: string; key: string; b: BucketRecord; o: ObjectRecord; versionId: string | undefined } {
  const { bucket, key } = requireKey(ctx);
  const b = checkOwner(ctx, bucket);
  const versionId = versionIdParam(ctx);
  const o = readVersion(ctx, bucket, key);
  if (versionId !== undefined) checkObjectAccess(ctx, b, o);
  setVersionHeader(ctx, o, 'x-amz-version-id', b);
  return { bucket, key, b, o, versionId };
}

