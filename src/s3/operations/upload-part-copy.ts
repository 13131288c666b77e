// UploadPartCopy — https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPartCopy.html
// The source range is read through the read path and written as a new part, so its
// chunks deduplicate against the source's where boundaries line up.

import { header, requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { copySource } from './copy-source.js';
import { parsePartNumber } from './part-number.js';
import { isoDate, sendXml } from './respond.js';
import { limits } from '../../limits.js';
import { COPY_SOURCE, partEncryption, readEncryption, setSseResponse } from '../sse-headers.js';

export async function uploadPartCopy(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const partNumber = parsePartNumber(ctx.query.get('partNumber'));
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = ctx.svc.multipart.getUpload(bucket, key, uploadId);
  const encryption = partEncryption(ctx, upload);
  const src = copySource(ctx);
  const srcEncryption = readEncryption(ctx, src, COPY_SOURCE);
  let start = 0;
  let end = src.size;
  const r = header(ctx, 'x-amz-copy-source-range');
  if (r !== undefined) {
    const m = /^bytes=(\d+)-(\d+)$/.exec(r.trim());
    if (!m) throw new S3Error('InvalidArgument', 'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy');
    start = Number(m[1]);
    end = Number(m[2]) + 1;
    if (end <= start || end > src.size) throw new S3Error('InvalidRange');
  }
  if (end - start > limits.partSizeBytesMax) throw new S3Error('EntityTooLarge');
  // SSE: decrypted with the source's key, sealed again in the upload's scope.
  const data = ctx.svc.objects.read(src, start, end, srcEncryption);
  const part = await ctx.svc.multipart.uploadPart(bucket, key, uploadId, partNumber, { data, ...(encryption ? { encryption } : {}) });
  setSseResponse(ctx, upload.sse);
  sendXml(ctx, 'CopyPartResult', { LastModified: isoDate(part.lastModifiedMs), ETag: `"${part.etag}"` });
}
