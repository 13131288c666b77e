// PutObjectAcl — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
// The ACL comes from x-amz-acl / x-amz-grant-* or from an AccessControlPolicy body whose
// Owner must be the object's owner; the owner never changes.
// ?versionId changes that version's ACL (the latest by default).
// Differences from AWS: grants by e-mail address are refused (UnresolvableGrantByEmailAddress).

import type { S3Ctx } from '../context.js';
import { addressedVersion } from './addressed-version.js';
import { checkNewAcl, requestedAcl } from './acl-request.js';
import { expandAcl } from '../access/acl.js';
import { sendEmpty } from './respond.js';

export async function putObjectAcl(ctx: S3Ctx): Promise<void> {
  const { bucket, key, b, o, versionId } = addressedVersion(ctx);
  const acl = await requestedAcl(ctx, o.owner);
  checkNewAcl(b, expandAcl(acl, o.owner, b.owner));
  await ctx.svc.objects.putObjectConfig(bucket, key, 'acl', acl, versionId !== undefined ? { versionId } : {});
  sendEmpty(ctx, 200);
}
