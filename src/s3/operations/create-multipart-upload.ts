// CreateMultipartUpload — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html

import { caller, header, requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner } from './access.js';
import { attributesFromHeaders } from '../object-headers.js';
import { parseChecksumAlgorithm } from '../../pipeline/checksums.js';
import { sendXml } from './respond.js';
import type { ChecksumType } from '../../metadata/records.js';
import { setSseResponse, writeEncryption } from '../sse-headers.js';

export async function createMultipartUpload(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const attrs = attributesFromHeaders(ctx.koa.req.headers, caller(ctx));
  const algRaw = header(ctx, 'x-amz-checksum-algorithm');
  let checksum: { algorithm: NonNullable<ReturnType<typeof parseChecksumAlgorithm>>; type: ChecksumType } | undefined;
  if (algRaw !== undefined) {
    const algorithm = parseChecksumAlgorithm(algRaw);
    if (!algorithm) throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
    const typeRaw = (header(ctx, 'x-amz-checksum-type') ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE')).toUpperCase();
    if (typeRaw !== 'FULL_OBJECT' && typeRaw !== 'COMPOSITE') throw new S3Error('InvalidRequest', 'Invalid checksum type');
    if (typeRaw === 'FULL_OBJECT') {
      // Differences from AWS: full-object checksums of multipart uploads need CRC combination
      // across parts, not implemented yet; the parts' checksums are still verified.
      checksum = undefined;
    } else {
      if (algorithm === 'CRC64NVME') throw new S3Error('InvalidRequest', 'The COMPOSITE checksum type is not supported for CRC64NVME.');
      checksum = { algorithm, type: 'COMPOSITE' };
    }
  }
  const encryption = writeEncryption(ctx, bucket);
  const upload = await ctx.svc.multipart.create(bucket, key, attrs, checksum, encryption?.record);
  setSseResponse(ctx, upload.sse);
  if (checksum) {
    ctx.koa.set('x-amz-checksum-algorithm', checksum.algorithm);
    ctx.koa.set('x-amz-checksum-type', checksum.type);
  }
  sendXml(ctx, 'InitiateMultipartUploadResult', { Bucket: bucket, Key: key, UploadId: upload.uploadId });
}
