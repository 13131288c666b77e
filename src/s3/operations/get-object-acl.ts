// GetObjectAcl — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAcl.html
// ?versionId reads that version's ACL (the latest by default).

import type { S3Ctx } from '../context.js';
import { sendAcl } from './acl-request.js';
import { addressedVersion } from './addressed-version.js';

export async function getObjectAcl(ctx: S3Ctx): Promise<void> {
  const { b, o } = addressedVersion(ctx);
  sendAcl(ctx, o.config?.acl, o.owner, b.owner, b.config?.ownershipControls === 'BucketOwnerEnforced');
}
