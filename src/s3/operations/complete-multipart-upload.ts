// CompleteMultipartUpload — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
// Parts in ascending order, ETags matching, all but the last at least 5 MiB; the ETag is
// the MD5 of the parts' binary MD5s followed by "-N". The object's checksum (FULL_OBJECT or
// COMPOSITE, as the upload was created) is computed from the parts; a whole-object
// x-amz-checksum-* header on this request must match it.

import { requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { sendXml } from './respond.js';
import { setChecksumResponse, wholeObjectChecksumCheck, writeConditions } from './write-checks.js';
import { partEncryption, setSseResponse } from '../sse-headers.js';

export async function completeMultipartUpload(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const uploadId = ctx.query.get('uploadId') ?? '';
  const upload = ctx.svc.multipart.getUpload(bucket, key, uploadId);
  // An SSE-C upload completes only with its key (s3-tests test_copy_part_enc); others ignore SSE-C headers.
  if (upload.sse?.mode === 'SSE-C') partEncryption(ctx, upload);
  // x-amz-checksum-* on Complete is the whole object's checksum, not the XML body's.
  const doc = parseXml((await readSmallBody(ctx, undefined, { ignoreChecksumHeaders: true })).toString('utf8'), ['CompleteMultipartUpload.Part']);
  const root = doc['CompleteMultipartUpload'] as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const rawParts = (root['Part'] as Record<string, unknown>[] | undefined) ?? [];
  if (rawParts.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  if (rawParts.length > limits.partNumberMax) throw new S3Error('MalformedXML');
  const parts = rawParts.map((p) => {
    const n = xmlText(p['PartNumber']);
    const etag = xmlText(p['ETag']);
    if (n === undefined || etag === undefined || !/^\d+$/.test(n)) throw new S3Error('MalformedXML');
    const checksum = ['ChecksumCRC32', 'ChecksumCRC32C', 'ChecksumSHA1', 'ChecksumSHA256', 'ChecksumCRC64NVME'].map((f) => xmlText(p[f])).find((v) => v !== undefined);
    return { partNumber: Number(n), etag: etag.trim().replace(/^"|"$/g, ''), ...(checksum ? { checksum } : {}) };
  });
  const object = await ctx.svc.multipart.complete(bucket, key, uploadId, parts, writeConditions(ctx), wholeObjectChecksumCheck(ctx));
  setChecksumResponse(ctx, object.checksum);
  if (object.seq !== undefined) ctx.koa.set('x-amz-version-id', object.versionId ?? 'null');
  setSseResponse(ctx, object.sse);
  sendXml(ctx, 'CompleteMultipartUploadResult', {
    Location: `/${bucket}/${key}`,
    Bucket: bucket,
    Key: key,
    ETag: `"${object.etag}"`,
    ...(object.checksum ? { [`Checksum${object.checksum.algorithm}`]: object.checksum.value, ChecksumType: object.checksum.type } : {}),
  });
}
