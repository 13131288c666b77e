// ListMultipartUploads — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListMultipartUploads.html

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { isoDate, listEncoder, owner, parseMaxKeys, sendXml } from './respond.js';
import { reportedStorageClass } from '../object-headers.js';

export async function listMultipartUploads(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const q = ctx.query;
  const maxUploads = parseMaxKeys(q.get('max-uploads'), limits.uploadsListMax);
  if (maxUploads < 0) throw new S3Error('InvalidArgument', 'Argument max-uploads must be an integer between 0 and 2147483647');
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const uploadIdMarker = q.get('upload-id-marker') ?? '';
  const page = ctx.svc.objects.listUploads(bucket, { prefix, delimiter, after: keyMarker, uploadIdMarker, maxKeys: maxUploads });
  const enc = listEncoder(ctx);
  const lastUpload = page.entries[page.entries.length - 1];
  sendXml(ctx, 'ListMultipartUploadsResult', {
    Bucket: bucket,
    KeyMarker: enc(keyMarker),
    UploadIdMarker: uploadIdMarker,
    ...(page.isTruncated ? { NextKeyMarker: enc(page.last ?? ''), NextUploadIdMarker: lastUpload?.uploadId ?? '' } : {}),
    ...(delimiter !== '' ? { Delimiter: enc(delimiter) } : {}),
    Prefix: enc(prefix),
    MaxUploads: maxUploads,
    IsTruncated: page.isTruncated,
    ...(q.has('encoding-type') ? { EncodingType: q.get('encoding-type') } : {}),
    Upload: page.entries.map((u) => ({
      Key: enc(u.key),
      UploadId: u.uploadId,
      Initiator: owner(ctx, u.owner),
      Owner: owner(ctx, u.owner),
      StorageClass: reportedStorageClass(u),
      Initiated: isoDate(u.initiatedMs),
    })),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}
