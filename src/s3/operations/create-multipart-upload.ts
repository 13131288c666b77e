// CreateMultipartUpload — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateMultipartUpload.html
// Metadata, tags, ACL, Object Lock settings and the checksum algorithm are fixed here and
// given to the object on completion.

import { header, requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkOwner, newObjectOwner } from './access.js';
import { attributesFromHeaders } from '../object-headers.js';
import { isCombinable, parseChecksumAlgorithm } from '../../pipeline/checksums.js';
import { sendXml } from './respond.js';
import { lockFromHeaders } from './versioning.js';
import type { ChecksumType } from '../../metadata/records.js';
import { setSseResponse, writeEncryption } from '../sse-headers.js';

export async function createMultipartUpload(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  const b = checkOwner(ctx, bucket);
  const attrs = attributesFromHeaders(ctx.koa.req.headers, newObjectOwner(ctx, b));
  // Object Lock headers apply to the object the upload completes into.
  const lock = lockFromHeaders(ctx, b);
  if (lock) attrs.config = { ...attrs.config, ...lock };
  const algRaw = header(ctx, 'x-amz-checksum-algorithm');
  if (algRaw === undefined && header(ctx, 'x-amz-checksum-type') !== undefined) {
    throw new S3Error('InvalidRequest', 'The x-amz-checksum-type header can only be used with the x-amz-checksum-algorithm header.');
  }
  let checksum: { algorithm: NonNullable<ReturnType<typeof parseChecksumAlgorithm>>; type: ChecksumType } | undefined;
  if (algRaw !== undefined) {
    const algorithm = parseChecksumAlgorithm(algRaw);
    if (!algorithm) throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
    const typeRaw = (header(ctx, 'x-amz-checksum-type') ?? (algorithm === 'CRC64NVME' ? 'FULL_OBJECT' : 'COMPOSITE')).toUpperCase();
    if (typeRaw !== 'FULL_OBJECT' && typeRaw !== 'COMPOSITE') throw new S3Error('InvalidRequest', 'Invalid checksum type');
    if (typeRaw === 'FULL_OBJECT') {
      // The whole object's CRC is combined from the part CRCs at completion; SHAs cannot combine.
      if (!isCombinable(algorithm)) throw new S3Error('InvalidRequest', `The FULL_OBJECT checksum type is not supported for ${algorithm}.`);
      checksum = { algorithm, type: 'FULL_OBJECT' };
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
