// x-amz-copy-source: "bucket/key" or "/bucket/key", URL-encoded, optional ?versionId
// (a version of the source; naming a delete marker is 400 InvalidRequest, a key whose latest
// is a delete marker is 404 NoSuchKey, as on AWS).
// The bucket is the first segment as sent; ".." is part of the key and never climbs into
// another bucket (CVE-2026-55874).

import { header, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checkCopySource } from './access.js';
import { checkReadPreconditions } from '../object-headers.js';
import type { ObjectRecord } from '../../metadata/records.js';
import { limits } from '../../limits.js';

export function copySource(ctx: S3Ctx): ObjectRecord {
  const raw = header(ctx, 'x-amz-copy-source') ?? '';
  const q = raw.indexOf('?');
  const path = (q >= 0 ? raw.slice(0, q) : raw).replace(/^\//, '');
  const query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  const slash = path.indexOf('/');
  if (slash <= 0 || slash === path.length - 1) throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(path.slice(0, slash));
    key = decodeURIComponent(path.slice(slash + 1));
  } catch {
    throw new S3Error('InvalidArgument', 'Invalid copy source encoding');
  }
  if (Buffer.byteLength(key) > limits.keyLengthBytesMax) throw new S3Error('KeyTooLongError');
  const versionId = query.get('versionId');
  if (versionId !== null && (versionId === '' || versionId.length > limits.versionIdLengthMax)) throw new S3Error('InvalidArgument', 'Invalid version id specified');
  checkCopySource(ctx, bucket, key);
  const o = versionId !== null ? ctx.svc.objects.getObjectVersion(bucket, key, versionId) : ctx.svc.objects.getObject(bucket, key);
  if (o.deleteMarker) throw new S3Error('InvalidRequest', 'The source of a copy request may not specifically refer to a delete marker by version id.');
  checkReadPreconditions(ctx.koa.req.headers, o, ctx.svc.now(), 'x-amz-copy-source-');
  return o;
}
