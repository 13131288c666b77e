// GetBucketEncryption — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketEncryption.html
// Differences from AWS: a bucket with no configuration answers 404
// ServerSideEncryptionConfigurationNotFoundError, as AWS did before it applied SSE-S3 to
// every bucket (2023) and as s3-tests expects; Tessera does not encrypt unless asked.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { sendXml } from './respond.js';

export async function getBucketEncryption(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const c = ctx.svc.objects.bucketConfig(bucket, 'encryption');
  if (!c) throw new S3Error('ServerSideEncryptionConfigurationNotFoundError');
  sendXml(ctx, 'ServerSideEncryptionConfiguration', {
    Rule: {
      ApplyServerSideEncryptionByDefault: { SSEAlgorithm: c.sseAlgorithm, ...(c.kmsMasterKeyId !== undefined ? { KMSMasterKeyID: c.kmsMasterKeyId } : {}) },
      BucketKeyEnabled: c.bucketKeyEnabled ? 'true' : 'false',
    },
  });
}
