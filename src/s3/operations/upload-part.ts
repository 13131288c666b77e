// UploadPart — https://docs.aws.amazon.com/AmazonS3/latest/API/API_UploadPart.html

import { requireKey, type S3Ctx } from '../context.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';
import { objectBody } from '../body.js';
import { bodyChecks } from './write-checks.js';
import { parsePartNumber } from './part-number.js';
import { checksumHeader, parseChecksumAlgorithm } from '../../pipeline/checksums.js';
import { partEncryption, setSseResponse } from '../sse-headers.js';

export async function uploadPart(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const partNumber = parsePartNumber(ctx.query.get('partNumber'));
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = ctx.svc.multipart.getUpload(bucket, key, uploadId);
  const checks = bodyChecks(ctx, upload.checksumAlgorithm);
  const encryption = partEncryption(ctx, upload);
  const body = objectBody(ctx, limits.partSizeBytesMax);
  const part = await ctx.svc.multipart.uploadPart(bucket, key, uploadId, partNumber, {
    data: body.stream,
    checksumAlgorithm: checks.algorithm,
    verify: (w) => checks.verify(w, body.verifier),
    ...(encryption ? { encryption } : {}),
  });
  setSseResponse(ctx, upload.sse);
  ctx.koa.set('ETag', `"${part.etag}"`);
  const algorithm = parseChecksumAlgorithm(part.checksumAlgorithm ?? '');
  if (part.checksum && algorithm) ctx.koa.set(checksumHeader(algorithm), part.checksum);
  sendEmpty(ctx, 200);
}
