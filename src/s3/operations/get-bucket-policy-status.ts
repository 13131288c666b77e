// GetBucketPolicyStatus — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketPolicyStatus.html
// IsPublic: some Allow statement applies to everyone ("*") without a condition that ties it
// to a source (aws:SourceIp, aws:SourceArn, …), as AWS decides.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';
import { parsePolicy } from '../access/policy.js';
import { isPublicPolicy } from '../access/policy-eval.js';

export async function getBucketPolicyStatus(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const text = b.config?.policy;
  if (text === undefined) throw new S3Error('NoSuchBucketPolicy');
  sendXml(ctx, 'PolicyStatus', { IsPublic: String(isPublicPolicy(parsePolicy(text, b.name))) });
}
