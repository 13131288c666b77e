// GetObjectAcl — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html
// Differences from AWS: versionId is not interpreted yet (the current object answers).

import { requireKey, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendAcl } from './acl-request.js';

export async function getObjectAcl(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  const b = checkOwner(ctx, bucket);
  const o = ctx.svc.objects.getObject(bucket, key);
  sendAcl(ctx, o.config?.acl, o.owner, b.owner, b.config?.ownershipControls === 'BucketOwnerEnforced');
}
