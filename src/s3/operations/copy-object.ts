// CopyObject — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html
// Copies by reference: the new manifest shares the source's chunks. COPY keeps the
// source's metadata, REPLACE takes the request's; copying onto itself needs REPLACE.
// The source may be a version (?versionId in x-amz-copy-source); the copy is a new version
// of the destination and takes Object Lock settings only from this request's headers.

import { header, requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner, newObjectOwner } from './access.js';
import { attributesFromHeaders } from '../object-headers.js';
import { copySource } from './copy-source.js';
import { aclFromHeaders } from '../access/acl.js';
import { isoDate, sendXml } from './respond.js';
import { writeConditions } from './write-checks.js';
import { lockFromHeaders, setVersionHeader, setWrittenVersionHeader } from './versioning.js';
import { COPY_SOURCE, hasWriteEncryptionHeaders, readEncryption, setSseResponse, writeEncryption } from '../sse-headers.js';
import { sameScope } from '../../gateway/sse.js';

export async function copyObject(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  const b = checkOwner(ctx, bucket);
  const owner = newObjectOwner(ctx, b);
  const src = copySource(ctx);
  const lock = lockFromHeaders(ctx, b);
  const directive = (header(ctx, 'x-amz-metadata-directive') ?? 'COPY').toUpperCase();
  if (directive !== 'COPY' && directive !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown metadata directive.');
  if (src.size > limits.putObjectSizeBytesMax) throw new S3Error('InvalidRequest', 'The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
  const storageClass = header(ctx, 'x-amz-storage-class');
  const srcEncryption = readEncryption(ctx, src, COPY_SOURCE);
  const encryption = writeEncryption(ctx, bucket);
  // Copying an older version onto its own key is how a version is restored: allowed.
  const namedVersion = /[?&]versionId=/.test(header(ctx, 'x-amz-copy-source') ?? '');
  if (src.bucket === bucket && src.key === key && !namedVersion && directive === 'COPY' && storageClass === undefined && !hasWriteEncryptionHeaders(ctx)) {
    throw new S3Error(
      'InvalidRequest',
      "This copy request is illegal because it is trying to copy an object to itself without changing the object's metadata, storage class, website redirect location or encryption attributes.",
    );
  }
  let attrs = directive === 'REPLACE' ? attributesFromHeaders(ctx.koa.req.headers, owner) : undefined;
  if (!attrs) {
    // COPY keeps the source's metadata, but the copy belongs to the caller and gets the ACL
    // sent now; a new storage class replaces the remembered S3 class name.
    const sc = storageClass !== undefined ? attributesFromHeaders({ 'x-amz-storage-class': storageClass }, owner) : undefined;
    const { 'x-amz-storage-class': _old, ...srcHeaders } = src.headers;
    const acl = aclFromHeaders(ctx.koa.req.headers, () => true);
    attrs = {
      owner: owner,
      contentType: src.contentType,
      headers: sc ? { ...srcHeaders, ...sc.headers } : src.headers,
      userMeta: src.userMeta,
      ...(sc?.storageClass ? { storageClass: sc.storageClass } : {}),
      ...(acl ? { config: { acl } } : {}),
    };
  }
  // x-amz-tagging-directive: COPY keeps the source's tags, REPLACE takes x-amz-tagging (or none).
  const taggingDirective = (header(ctx, 'x-amz-tagging-directive') ?? 'COPY').toUpperCase();
  if (taggingDirective !== 'COPY' && taggingDirective !== 'REPLACE') throw new S3Error('InvalidArgument', 'Unknown tagging directive.');
  if (taggingDirective === 'REPLACE') attrs = { ...(attrs ?? { owner: owner, contentType: src.contentType, headers: src.headers, userMeta: src.userMeta }), tagging: attributesFromHeaders({ 'x-amz-tagging': header(ctx, 'x-amz-tagging') ?? '' }, owner).tagging ?? {} };
  else if (attrs) delete attrs.tagging;
  // SSE: same scope → by reference; otherwise the data is decrypted and sealed again, with
  // the settings a by-reference copy would get (source tags unless replaced, this request's lock).
  const base = attrs ?? { owner: owner, contentType: src.contentType, headers: src.headers, userMeta: src.userMeta, storageClass: src.storageClass };
  const object = sameScope(src.sse, encryption?.record)
    ? await ctx.svc.objects.copyObject(src, bucket, key, attrs, writeConditions(ctx), lock)
    : await ctx.svc.objects.putObject(
        bucket,
        key,
        {
          ...base,
          ...(base.config || lock ? { config: { ...base.config, ...lock } } : {}),
          ...(base.tagging === undefined && src.config?.tagging ? { tagging: src.config.tagging } : {}),
        },
        { data: ctx.svc.objects.read(src, 0, src.size, srcEncryption), ...(encryption ? { encryption } : {}) },
        writeConditions(ctx),
      );
  setVersionHeader(ctx, src, 'x-amz-copy-source-version-id');
  setWrittenVersionHeader(ctx, object);
  setSseResponse(ctx, object.sse);
  sendXml(ctx, 'CopyObjectResult', { LastModified: isoDate(object.lastModifiedMs), ETag: `"${object.etag}"` });
}
