// PutBucketPolicy — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketPolicy.html
// The JSON is validated (src/s3/access/policy.ts: MalformedPolicy) and stored as sent, so
// GetBucketPolicy returns it byte for byte. A public policy is refused (AccessDenied) while
// the bucket's public access block has BlockPublicPolicy.
// Differences from AWS: x-amz-confirm-remove-self-bucket-access is ignored (the bucket owner
// can never lock itself out of the policy APIs here).

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';
import { parsePolicy } from '../access/policy.js';
import { isPublicPolicy } from '../access/policy-eval.js';

export async function putBucketPolicy(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  // Read up to the XML bound, so that a policy over 20 KB gets MalformedPolicy, not EntityTooLarge.
  const text = (await readSmallBody(ctx)).toString('utf8');
  if (text.trim() === '') throw new S3Error('MalformedPolicy', 'Policy is empty');
  const policy = parsePolicy(text, b.name);
  if (b.config?.publicAccessBlock?.blockPublicPolicy && isPublicPolicy(policy)) throw new S3Error('AccessDenied');
  await ctx.svc.objects.putBucketConfig(b.name, 'policy', text);
  sendEmpty(ctx, 204);
}
