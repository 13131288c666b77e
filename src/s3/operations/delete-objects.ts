// DeleteObjects — https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html
// Accepted with Content-MD5, with an x-amz-checksum-* header, or with neither (new SDKs
// send a checksum and no Content-MD5). Up to 1000 keys; Quiet lists only the errors.
// Each entry may name a VersionId; results carry DeleteMarker / DeleteMarkerVersionId as
// AWS reports them, and x-amz-bypass-governance-retention applies to every entry. Access is
// checked per key (s3:DeleteObject / s3:DeleteObjectVersion on that key): a key the caller may
// not delete is an AccessDenied <Error> entry, the others are deleted.

import { caller, requireBucket, header, type S3Ctx } from '../context.js';
import { bypassGovernance } from './versioning.js';
import type { DeleteOutcome } from '../../metadata/versions.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { bucketForPerKeyAccess, checkKeyAccess } from './access.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { sendXml } from './respond.js';
import { createHash } from 'node:crypto';
import { toS3Error } from '../error-mapping.js';

/** x-amz-checksum-* headers were verified by the payload verifier; Content-MD5 is ours. */
function verifyMd5(ctx: S3Ctx, body: Buffer): void {
  const md5 = header(ctx, 'content-md5');
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5.trim()) throw new S3Error('BadDigest');
}

export async function deleteObjects(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  const b = bucketForPerKeyAccess(ctx, bucket);
  const body = await readSmallBody(ctx);
  verifyMd5(ctx, body);
  const doc = parseXml(body.toString('utf8'), ['Delete.Object']);
  const del = doc['Delete'] as Record<string, unknown> | undefined;
  if (!del || typeof del !== 'object') throw new S3Error('MalformedXML');
  const objects = (del['Object'] as Record<string, unknown>[] | undefined) ?? [];
  if (objects.length === 0 || objects.length > limits.deleteObjectsKeysMax) throw new S3Error('MalformedXML');
  const quiet = xmlText(del['Quiet'])?.toLowerCase() === 'true';
  const bypass = bypassGovernance(ctx);
  const deleted: Record<string, unknown>[] = [];
  const errors: Record<string, unknown>[] = [];
  for (const o of objects) {
    const key = typeof o === 'object' ? xmlText(o['Key']) : undefined;
    if (key === undefined) throw new S3Error('MalformedXML');
    const versionId = xmlText(o['VersionId']);
    try {
      if (Buffer.byteLength(key) > limits.keyLengthBytesMax) throw new S3Error('KeyTooLongError');
      if (versionId !== undefined && (versionId === '' || versionId.length > limits.versionIdLengthMax)) throw new S3Error('InvalidArgument', 'Invalid version id specified');
      checkKeyAccess(ctx, b, key, 'DeleteObject', versionId !== undefined);
      const out = await ctx.svc.objects.deleteObject(bucket, key, { owner: caller(ctx), bypassGovernance: bypass, ...(versionId !== undefined ? { versionId } : {}) });
      if (!quiet) deleted.push(deletedEntry(key, versionId, out));
    } catch (err) {
      const e = toS3Error(err) ?? new S3Error('InternalError');
      errors.push({ Key: key, ...(versionId !== undefined ? { VersionId: versionId } : {}), Code: e.code, Message: e.message });
    }
  }
  sendXml(ctx, 'DeleteResult', { Deleted: deleted, Error: errors });
}

/** A <Deleted> entry: a named version echoes VersionId; a delete marker made or removed says so. */
function deletedEntry(key: string, versionId: string | undefined, out: DeleteOutcome): Record<string, unknown> {
  return {
    Key: key,
    ...(versionId !== undefined ? { VersionId: versionId } : {}),
    ...(out.deleteMarker ? { DeleteMarker: true, DeleteMarkerVersionId: out.versionId ?? 'null' } : {}),
  };
}
