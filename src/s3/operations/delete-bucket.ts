// DeleteBucket — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteBucket.html
//
// AWS deletes a bucket whose only content is in-progress multipart uploads, and those uploads
// go with it (s3-tests' cleanup relies on it: test_multipart_upload_empty and friends leave an
// upload behind). The metadata layer refuses to drop a bucket that still has uploads, so the
// uploads are aborted here first, but only once no object is left: a bucket that is not empty
// keeps its uploads and answers BucketNotEmpty as before.
//
// Differences from AWS: the aborts and the delete are separate commands, so an upload created
// between them makes the delete answer BucketNotEmpty.

import { requireBucket, type S3Ctx } from '../context.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

export async function deleteBucket(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const objects = ctx.svc.objects.listObjects(bucket, { prefix: '', delimiter: '', after: '', maxKeys: 1 });
  if (objects.entries.length === 0) await abortAllUploads(ctx, bucket);
  await ctx.svc.objects.deleteBucket(bucket);
  sendEmpty(ctx, 204);
}

async function abortAllUploads(ctx: S3Ctx, bucket: string): Promise<void> {
  // Each page is aborted before the next is read, so the scan always restarts at the front.
  for (;;) {
    const page = ctx.svc.objects.listUploads(bucket, {
      prefix: '', delimiter: '', after: '', uploadIdMarker: '', maxKeys: limits.uploadsListMax,
    });
    if (page.entries.length === 0) return;
    for (const u of page.entries) await ctx.svc.multipart.abort(bucket, u.key, u.uploadId);
  }
}
