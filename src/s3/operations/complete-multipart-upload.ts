// CompleteMultipartUpload — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html
// Parts in ascending order, ETags matching, all but the last at least 5 MiB; the ETag is
// the MD5 of the parts' binary MD5s followed by "-N". The object's checksum (FULL_OBJECT or
// COMPOSITE, as the upload was created) is computed from the parts; a whole-object
// x-amz-checksum-* header on this request must match it.
// A Complete repeated after it succeeded answers 200 again, as AWS does (s3-tests:
// test_multipart_upload, test_multipart_upload_small): the upload record is gone then, so the
// repeat is recognised by the object at the key having exactly the parts listed.
//
// Differences from AWS: the repeat is matched on the part list, not on the upload id (object
// records do not keep it), so an identical part list from another finished upload also matches.

import { requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { MetadataError } from '../../metadata/errors.js';
import type { ObjectRecord } from '../../metadata/records.js';
import { checkOwner } from './access.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { sendXml } from './respond.js';
import { setChecksumResponse, wholeObjectChecksumCheck, writeConditions } from './write-checks.js';
import { partEncryption, setSseResponse } from '../sse-headers.js';
import { setWrittenVersionHeader } from './versioning.js';

export async function completeMultipartUpload(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const uploadId = ctx.query.get('uploadId') ?? '';
  let uploadGone = false;
  try {
    const upload = ctx.svc.multipart.getUpload(bucket, key, uploadId);
    // An SSE-C upload completes only with its key (s3-tests test_copy_part_enc); others ignore SSE-C headers.
    if (upload.sse?.mode === 'SSE-C') partEncryption(ctx, upload);
  } catch (err) {
    if (!(err instanceof MetadataError && err.code === 'NoSuchUpload')) throw err;
    uploadGone = true;
  }
  // x-amz-checksum-* on Complete is the whole object's checksum, not the XML body's.
  const doc = parseXml((await readSmallBody(ctx, undefined, { ignoreChecksumHeaders: true })).toString('utf8'), ['CompleteMultipartUpload.Part']);
  const root = doc['CompleteMultipartUpload'] as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const rawParts = (root['Part'] as Record<string, unknown>[] | undefined) ?? [];
  if (rawParts.length === 0) throw new S3Error('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
  if (rawParts.length > limits.partNumberMax) throw new S3Error('MalformedXML');
  const listed = rawParts.map((p) => {
    const n = xmlText(p['PartNumber']);
    const etag = xmlText(p['ETag']);
    if (n === undefined || etag === undefined || !/^\d+$/.test(n)) throw new S3Error('MalformedXML');
    const checksum = ['ChecksumCRC32', 'ChecksumCRC32C', 'ChecksumSHA1', 'ChecksumSHA256', 'ChecksumCRC64NVME'].map((f) => xmlText(p[f])).find((v) => v !== undefined);
    return { partNumber: Number(n), etag: etag.trim().replace(/^"|"$/g, ''), ...(checksum ? { checksum } : {}) };
  });
  // A part uploaded twice may be listed twice (a client that retried an UploadPart and kept
  // both answers): the last entry for a part number is the one that counts, as the last
  // upload of a part is the one kept (s3-tests test_multipart_resend_first_finishes_last).
  // The order must still be ascending otherwise (InvalidPartOrder, checked on commit).
  const parts = listed.filter((p, i) => listed[i + 1]?.partNumber !== p.partNumber);
  const object = uploadGone ? completedBefore(ctx, bucket, key, parts) : await ctx.svc.multipart.complete(bucket, key, uploadId, parts, writeConditions(ctx), wholeObjectChecksumCheck(ctx));
  setChecksumResponse(ctx, object.checksum);
  setWrittenVersionHeader(ctx, object);
  setSseResponse(ctx, object.sse);
  sendXml(ctx, 'CompleteMultipartUploadResult', {
    Location: `/${bucket}/${key}`,
    Bucket: bucket,
    Key: key,
    ETag: `"${object.etag}"`,
    ...(object.checksum ? { [`Checksum${object.checksum.algorithm}`]: object.checksum.value, ChecksumType: object.checksum.type } : {}),
  });
}

/** The object a finished upload with exactly these parts made; NoSuchUpload when there is none. */
function completedBefore(ctx: S3Ctx, bucket: string, key: string, parts: { partNumber: number; etag: string }[]): ObjectRecord {
  let o: ObjectRecord | undefined;
  try {
    o = ctx.svc.objects.getObject(bucket, key);
  } catch (err) {
    if (!(err instanceof MetadataError)) throw err;
  }
  const same = o?.parts !== undefined && o.parts.length === parts.length &&
    o.parts.every((p, i) => p.partNumber === parts[i]!.partNumber && p.etag === parts[i]!.etag);
  if (!o || !same) throw new MetadataError('NoSuchUpload');
  return o;
}
