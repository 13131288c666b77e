// GetBucketPolicyStatus — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicyStatus.html
// IsPublic: some Allow statement applies to everyone ("*") without a condition that ties it
// to a source (aws:SourceIp, aws:SourceArn, …), as AWS decides, or the bucket ACL grants to
// AllUsers / AuthenticatedUsers.
// Differences from AWS: a bucket without a policy answers IsPublic (false unless its ACL is
// public) instead of NoSuchBucketPolicy, as Ceph does and its s3-tests expect.

import { requireBucket, type S3Ctx } from '../context.js';
import { expandAcl, isPublicAcl } from '../access/acl.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';
import { parsePolicy } from '../access/policy.js';
import { isPublicPolicy } from '../access/policy-eval.js';

export async function getBucketPolicyStatus(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const text = b.config?.policy;
  const publicPolicy = text !== undefined && isPublicPolicy(parsePolicy(text, b.name));
  const publicAcl = b.config?.ownershipControls !== 'BucketOwnerEnforced' && isPublicAcl(expandAcl(b.config?.acl, b.owner, b.owner));
  sendXml(ctx, 'PolicyStatus', { IsPublic: String(publicPolicy || publicAcl) });
}
