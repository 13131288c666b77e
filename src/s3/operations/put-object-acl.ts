// PutObjectAcl — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectAcl.html
// The ACL comes from x-amz-acl / x-amz-grant-* or from an AccessControlPolicy body whose
// Owner must be the object's owner; the owner never changes.
// Differences from AWS: versionId is not interpreted yet (the current object is changed);
// grants by e-mail address are refused (UnresolvableGrantByEmailAddress).

import { requireKey, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { checkNewAcl, requestedAcl } from './acl-request.js';
import { expandAcl } from '../access/acl.js';
import { sendEmpty } from './respond.js';

export async function putObjectAcl(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  const b = checkOwner(ctx, bucket);
  const o = ctx.svc.objects.getObject(bucket, key);
  const acl = await requestedAcl(ctx, o.owner);
  checkNewAcl(b, expandAcl(acl, o.owner, b.owner));
  // TODO(versioning): pass ctx.query.get('versionId') once PutObjectConfig takes one.
  await ctx.svc.objects.putObjectConfig(bucket, key, 'acl', acl);
  sendEmpty(ctx, 200);
}
