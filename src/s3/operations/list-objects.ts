// ListObjects (v1) — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjects.html
// NextMarker is returned only when a delimiter was given, as AWS does. With encoding-type=url
// the Prefix element stays as sent: SDKs decode Marker, NextMarker, Delimiter, Key and the
// CommonPrefixes but not v1's Prefix (s3-tests: test_bucket_list_prefix_unreadable).

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { isoDate, listEncoder, owner, parseMaxKeys, sendXml } from './respond.js';
import type { ObjectRecord } from '../../metadata/records.js';
import { reportedStorageClass } from '../object-headers.js';

export function contentsEntry(ctx: S3Ctx, o: ObjectRecord, enc: (s: string) => string, withOwner: boolean) {
  return {
    Key: enc(o.key),
    LastModified: isoDate(o.lastModifiedMs),
    ETag: `"${o.etag}"`,
    Size: o.size,
    ...(withOwner ? { Owner: owner(ctx, o.owner) } : {}),
    StorageClass: reportedStorageClass(o),
  };
}

export async function listObjects(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const q = ctx.query;
  const maxKeys = parseMaxKeys(q.get('max-keys'), limits.listKeysMax);
  if (maxKeys < 0) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range');
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const marker = q.get('marker') ?? '';
  const page = ctx.svc.objects.listObjects(bucket, { prefix, delimiter, after: marker, maxKeys });
  const enc = listEncoder(ctx);
  sendXml(ctx, 'ListBucketResult', {
    Name: bucket,
    Prefix: prefix,
    Marker: enc(marker),
    ...(page.isTruncated && delimiter !== '' && page.last !== undefined ? { NextMarker: enc(page.last) } : {}),
    MaxKeys: maxKeys,
    ...(delimiter !== '' ? { Delimiter: enc(delimiter) } : {}),
    IsTruncated: page.isTruncated,
    ...(q.has('encoding-type') ? { EncodingType: q.get('encoding-type') } : {}),
    Contents: page.entries.map((o) => contentsEntry(ctx, o, enc, true)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}
