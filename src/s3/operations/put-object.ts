// PutObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html
// The body streams through the pipeline; Content-MD5 and x-amz-checksum-* (header or
// trailer) are verified before the commit, so a mismatch stores nothing. In a versioned
// bucket the write is a new version (x-amz-version-id); x-amz-object-lock-* headers set the
// new version's retention and legal hold.

import { requireKey, type S3Ctx } from '../context.js';
import { limits } from '../../limits.js';
import { checkOwner, newObjectOwner } from './access.js';
import { sendEmpty } from './respond.js';
import { attributesFromHeaders } from '../object-headers.js';
import { objectBody } from '../body.js';
import { bodyChecks, writeConditions, setChecksumResponse } from './write-checks.js';
import { lockFromHeaders, setWrittenVersionHeader } from './versioning.js';
import { setExpirationHeader } from './expiration-header.js';
import { setSseResponse, writeEncryption } from '../sse-headers.js';

export async function putObject(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  const b = checkOwner(ctx, bucket);
  const headers = ctx.koa.req.headers;
  const attrs = attributesFromHeaders(headers, newObjectOwner(ctx, b));
  const lock = lockFromHeaders(ctx, b);
  if (lock) attrs.config = lock;
  const conditions = writeConditions(ctx);
  const checks = bodyChecks(ctx);
  const encryption = writeEncryption(ctx, bucket);
  const body = objectBody(ctx, limits.putObjectSizeBytesMax);
  const object = await ctx.svc.objects.putObject(
    bucket,
    key,
    attrs,
    { data: body.stream, checksumAlgorithm: checks.algorithm, verify: (w) => checks.verify(w, body.verifier), ...(encryption ? { encryption } : {}) },
    conditions,
  );
  ctx.koa.set('ETag', `"${object.etag}"`);
  setChecksumResponse(ctx, object.checksum);
  setWrittenVersionHeader(ctx, object);
  setExpirationHeader(ctx, b, object);
  setSseResponse(ctx, object.sse);
  sendEmpty(ctx, 200);
}
