// GetObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html
// HeadObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html
// Range (single, suffix, open), several ranges answered with the whole object as AWS
// does, preconditions, response-* overrides, partNumber and versionId. A key whose latest
// version is a delete marker is 404 NoSuchKey with x-amz-delete-marker: true; a versionId
// naming a delete marker is 405 MethodNotAllowed with the same header.

import { Readable } from 'node:stream';
import { header, requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { setExpirationHeader } from './expiration-header.js';
import { checkOwner } from './access.js';
import { applyResponseOverrides, checkReadPreconditions, parseRange, setObjectHeaders, type ByteRange } from '../object-headers.js';
import type { ObjectChecksum, ObjectRecord } from '../../metadata/records.js';
import { limits } from '../../limits.js';
import { MetadataError } from '../../metadata/errors.js';
import { deleteMarkerHeaders, setLockHeaders, setVersionHeader, versionIdParam } from './versioning.js';
import { readEncryption, setSseResponse } from '../sse-headers.js';

function partRange(o: ObjectRecord, partNumberRaw: string): ByteRange & { checksum?: ObjectChecksum } {
  if (!/^\d+$/.test(partNumberRaw)) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  const n = Number(partNumberRaw);
  if (n < 1 || n > limits.partNumberMax) throw new S3Error('InvalidArgument', 'Part number must be an integer between 1 and 10000, inclusive');
  if (!o.parts) {
    if (n !== 1) throw new S3Error('InvalidPart', 'The requested partnumber is not satisfiable');
    return { start: 0, endExclusive: o.size, ...(o.checksum ? { checksum: o.checksum } : {}) };
  }
  let start = 0;
  for (const p of o.parts) {
    // A part's own checksum (AWS answers it, with the object's checksum type, for ?partNumber).
    if (p.partNumber === n) return { start, endExclusive: start + p.size, ...(o.checksum && p.checksum ? { checksum: { ...o.checksum, value: p.checksum } } : {}) };
    start += p.size;
  }
  throw new S3Error('InvalidPart', 'The requested partnumber is not satisfiable');
}

/** The version a GET/HEAD reads, or the S3 error a delete marker in its place calls for. */
export function readVersion(ctx: S3Ctx, bucket: string, key: string): ObjectRecord {
  const versionId = versionIdParam(ctx);
  if (versionId !== undefined) {
    const o = ctx.svc.objects.getObjectVersion(bucket, key, versionId);
    if (o.deleteMarker) throw new S3Error('MethodNotAllowed', undefined, { headers: deleteMarkerHeaders(o) });
    return o;
  }
  try {
    return ctx.svc.objects.getObject(bucket, key);
  } catch (err) {
    if (!(err instanceof MetadataError && err.code === 'NoSuchKey')) throw err;
    const newest = ctx.svc.objects.newestVersion(bucket, key);
    if (newest?.deleteMarker) throw new S3Error('NoSuchKey', undefined, { headers: deleteMarkerHeaders(newest) });
    throw err;
  }
}

async function serve(ctx: S3Ctx, withBody: boolean): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  const b = checkOwner(ctx, bucket);
  const o = readVersion(ctx, bucket, key);
  checkReadPreconditions(ctx.koa.req.headers, o, ctx.svc.now());
  const partNumber = ctx.query.get('partNumber');
  const rangeHeader = header(ctx, 'range');
  if (partNumber !== null && rangeHeader !== undefined) throw new S3Error('InvalidRequest', 'Cannot specify both Range header and partNumber query parameter');
  const part = partNumber !== null ? partRange(o, partNumber) : undefined;
  const range = part ?? parseRange(rangeHeader, o.size);
  // After the part number check: s3-tests expects InvalidPart for a bad part even without the SSE-C key.
  const encryption = readEncryption(ctx, o);
  const checksumMode = header(ctx, 'x-amz-checksum-mode')?.toUpperCase() === 'ENABLED';
  setObjectHeaders(ctx.koa, o, !checksumMode ? undefined : part ? part.checksum : range ? undefined : o.checksum);
  setSseResponse(ctx, o.sse);
  applyResponseOverrides(ctx.koa, ctx.query);
  setVersionHeader(ctx, o, 'x-amz-version-id', b);
  setLockHeaders(ctx, o);
  setExpirationHeader(ctx, b, o);
  const start = range?.start ?? 0;
  const end = range?.endExclusive ?? o.size;
  if (range) {
    ctx.koa.status = 206;
    ctx.koa.set('Content-Range', `bytes ${start}-${end - 1}/${o.size}`);
  } else {
    ctx.koa.status = 200;
  }
  ctx.koa.length = end - start;
  // HEAD: koa sends the headers with no body when none is set.
  if (!withBody) return;
  if (o.inline && !o.sse) {
    // Small bodies live in the manifest: hand koa the bytes, no stream machinery.
    ctx.koa.body = Buffer.from(o.inline.buffer, o.inline.byteOffset + start, end - start);
    return;
  }
  // Read the first piece before sending headers, so a missing chunk is a clean error.
  const it = ctx.svc.objects.read(o, start, end, encryption);
  const first = await it.next();
  async function* rest() {
    if (!first.done) yield first.value;
    yield* it;
  }
  const stream = Readable.from(rest(), { objectMode: false });
  ctx.koa.body = stream;
  ctx.koa.length = end - start;
}

export async function getObject(ctx: S3Ctx): Promise<void> {
  await serve(ctx, true);
}

export async function headObject(ctx: S3Ctx): Promise<void> {
  await serve(ctx, false);
}
