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

export async function copyObject(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  checkOwner(ctx, bucket);
  const src = copySource(ctx);
  const directive = (header(ctx, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.');
  if (src.size > limits.putObjectSizeBytesMax) throw new S3Error('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  const storageClass = header(ctx, 'x-amz-storage-class');
  if (src.bucket === bucket && src.key === key && directive === 'COPY' && storageClass === undefined) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  let attrs = directive === 'REPLACE' ? attributesFromHeaders(ctx.koa.req.headers, caller(ctx)) : undefined;
  if (!attrs && storageClass !== undefined) {
    const sc = attributesFromHeaders({ 'x-amz-storage-class': storageClass }, caller(ctx));
    const { 'x-amz-storage-class': _old, ...srcHeaders } = src.headers;
    attrs = { owner: caller(ctx), contentType: src.contentType, headers: { ...srcHeaders, ...sc.headers }, userMeta: src.userMeta, ...(sc.storageClass ? { storageClass: sc.storageClass } : {}) };
  }
  // x-amz-tagging-directive: COPY keeps the source's tags, REPLACE takes x-amz-tagging (or none).
  const taggingDirective = (header(ctx, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown tagging directive.');
  if (taggingDirective === 'REPLACE') attrs = { ...(attrs ?? { owner: caller(ctx), contentType: src.contentType, headers: src.headers, userMeta: src.userMeta }), tagging: attributesFromHeaders({ 'x-amz-tagging': header(ctx, 'x-amz-tagging') ?? '' }, caller(ctx)).tagging ?? {} };
  else if (attrs) delete attrs.tagging;
  const object = await ctx.svc.objects.copyObject(src, bucket, key, attrs, writeConditions(ctx));
  sendXml(ctx, 'CopyObjectResult', { LastModified: isoDate(object.lastModifiedMs), ETag: `"${object.etag}"` });
}
