// ListParts — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListParts.html

import { requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { isoDate, owner, parseMaxKeys, sendXml } from './respond.js';
import { reportedStorageClass } from '../object-headers.js';

export async function listParts(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const uploadId = ctx.query.get('uploadId') ?? '';
  const maxParts = parseMaxKeys(ctx.query.get('max-parts'), limits.listKeysMax);
  if (maxParts < 0) throw new S3Error('InvalidArgument', 'Argument max-parts must be an integer between 0 and 2147483647');
  const markerRaw = ctx.query.get('part-number-marker') ?? '0';
  if (!/^\d+$/.test(markerRaw)) throw new S3Error('InvalidArgument', 'Argument part-number-marker must be an integer');
  const marker = Number(markerRaw);
  const { upload, parts, isTruncated } = ctx.svc.multipart.listParts(bucket, key, uploadId, marker, maxParts);
  sendXml(ctx, 'ListPartsResult', {
    Bucket: bucket,
    Key: key,
    UploadId: uploadId,
    Initiator: owner(ctx, upload.owner),
    Owner: owner(ctx, upload.owner),
    StorageClass: reportedStorageClass(upload),
    PartNumberMarker: marker,
    ...(parts.length > 0 ? { NextPartNumberMarker: parts[parts.length - 1]!.partNumber } : {}),
    MaxParts: maxParts,
    IsTruncated: isTruncated,
    ...(upload.checksumAlgorithm ? { ChecksumAlgorithm: upload.checksumAlgorithm } : {}),
    Part: parts.map((p) => ({
      PartNumber: p.partNumber,
      LastModified: isoDate(p.lastModifiedMs),
      ETag: `"${p.etag}"`,
      Size: p.size,
      ...(p.checksum && upload.checksumAlgorithm ? { [`Checksum${upload.checksumAlgorithm}`]: p.checksum } : {}),
    })),
  });
}
