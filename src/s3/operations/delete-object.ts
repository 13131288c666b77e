// DeleteObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObject.html
// Deleting a missing key succeeds (204), as on AWS. In a versioned bucket a delete without
// versionId adds a delete marker; with versionId it removes that version for good (a missing
// version is a no-op, as on AWS), unless Object Lock protects it (403 AccessDenied).

import { caller, requireKey, type S3Ctx } from '../context.js';
import { bypassGovernance, versionIdParam } from './versioning.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function deleteObject(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const versionId = versionIdParam(ctx);
  const out = await ctx.svc.objects.deleteObject(bucket, key, {
    owner: caller(ctx),
    bypassGovernance: bypassGovernance(ctx),
    ...(versionId !== undefined ? { versionId } : {}),
  });
  if (out.versionId !== undefined) ctx.koa.set('x-amz-version-id', out.versionId);
  if (out.deleteMarker) ctx.koa.set('x-amz-delete-marker', 'true');
  sendEmpty(ctx, 204);
}
