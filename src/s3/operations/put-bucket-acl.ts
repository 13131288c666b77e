// PutBucketAcl — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketAcl.html
// The ACL comes from x-amz-acl / x-amz-grant-* or from an AccessControlPolicy body.
// Differences from AWS: grants by e-mail address are refused (UnresolvableGrantByEmailAddress).

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { checkNewAcl, requestedAcl } from './acl-request.js';
import { expandAcl } from '../access/acl.js';
import { sendEmpty } from './respond.js';

export async function putBucketAcl(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const acl = await requestedAcl(ctx, b.owner);
  checkNewAcl(b, expandAcl(acl, b.owner, b.owner));
  await ctx.svc.objects.putBucketConfig(b.name, 'acl', acl);
  sendEmpty(ctx, 200);
}
