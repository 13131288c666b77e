// CopyObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
// Copies by reference: the new manifest shares the source's chunks. COPY keeps the
// source's metadata, REPLACE takes the request's; copying onto itself needs REPLACE.

import { caller, header, requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { attributesFromHeaders } from '../object-headers.js';
import { copySource } from './copy-source.js';
import { isoDate, sendXml } from './respond.js';
import { writeConditions } from './write-checks.js';
import { COPY_SOURCE, hasWriteEncryptionHeaders, readEncryption, setSseResponse, writeEncryption } from '../sse-headers.js';
import { sameScope } from '../../gateway/sse.js';

export async function copyObject(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const src = copySource(ctx);
  const directive = (header(ctx, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.');
  if (src.size > limits.putObjectSizeBytesMax) throw new S3Error('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  const storageClass = header(ctx, 'x-amz-storage-class');
  const srcEncryption = readEncryption(ctx, src, COPY_SOURCE);
  const encryption = writeEncryption(ctx, bucket);
  if (src.bucket === bucket && src.key === key && directive === 'COPY' && storageClass === undefined && !hasWriteEncryptionHeaders(ctx)) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  let attrs = directive === 'REPLACE' ? attributesFromHeaders(ctx.koa.req.headers, caller(ctx)) : undefined;
  if (!attrs && storageClass !== undefined) {
    const sc = attributesFromHeaders({ 'x-amz-storage-class': storageClass }, caller(ctx)).storageClass;
    attrs = { owner: caller(ctx), contentType: src.contentType, headers: src.headers, userMeta: src.userMeta, ...(sc ? { storageClass: sc } : {}) };
  }
  // SSE: same scope → by reference; otherwise the data is decrypted and sealed again.
  const object = sameScope(src.sse, encryption?.record)
    ? await ctx.svc.objects.copyObject(src, bucket, key, attrs, writeConditions(ctx))
    : await ctx.svc.objects.putObject(
        bucket,
        key,
        attrs ?? { owner: caller(ctx), contentType: src.contentType, headers: src.headers, userMeta: src.userMeta, storageClass: src.storageClass },
        { data: ctx.svc.objects.read(src, 0, src.size, srcEncryption), ...(encryption ? { encryption } : {}) },
        writeConditions(ctx),
      );
  setSseResponse(ctx, object.sse);
  sendXml(ctx, 'CopyObjectResult', { LastModified: isoDate(object.lastModifiedMs), ETag: `"${object.etag}"` });
}
