// AbortMultipartUpload — https://docs.aws.amazon.com/AmazonS3/latest/API/API_AbortMultipartUpload.html

import { requireKey, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function abortMultipartUpload(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  await ctx.svc.multipart.abort(bucket, key, ctx.query.get('uploadId') ?? '');
  sendEmpty(ctx, 204);
}
