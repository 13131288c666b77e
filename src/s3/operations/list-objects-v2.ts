// ListObjectsV2 — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html
// The continuation token is opaque (base64 of the last key or prefix returned) and wins
// over StartAfter, which is echoed back.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { listEncoder, parseMaxKeys, sendXml } from './respond.js';
import { contentsEntry } from './list-objects.js';

export async function listObjectsV2(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const q = ctx.query;
  if (q.get('list-type') !== '2') throw new S3Error('InvalidArgument', 'Invalid list-type');
  const maxKeys = parseMaxKeys(q.get('max-keys'), limits.listKeysMax);
  if (maxKeys < 0) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range');
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const startAfter = q.get('start-after') ?? '';
  const token = q.get('continuation-token');
  let after = startAfter;
  // An empty token lists from the start and is echoed back (s3-tests:
  // test_bucket_listv2_continuationtoken_empty).
  if (token !== null && token !== '') after = Buffer.from(token, 'base64url').toString('utf8');
  const page = ctx.svc.objects.listObjects(bucket, { prefix, delimiter, after, maxKeys });
  const enc = listEncoder(ctx);
  const fetchOwner = q.get('fetch-owner') === 'true';
  sendXml(ctx, 'ListBucketResult', {
    Name: bucket,
    Prefix: enc(prefix),
    ...(startAfter !== '' ? { StartAfter: enc(startAfter) } : {}),
    ...(token !== null ? { ContinuationToken: token } : {}),
    ...(page.isTruncated && page.last !== undefined ? { NextContinuationToken: Buffer.from(page.last, 'utf8').toString('base64url') } : {}),
    KeyCount: page.entries.length + page.commonPrefixes.length,
    MaxKeys: maxKeys,
    ...(delimiter !== '' ? { Delimiter: enc(delimiter) } : {}),
    IsTruncated: page.isTruncated,
    ...(q.has('encoding-type') ? { EncodingType: q.get('encoding-type') } : {}),
    Contents: page.entries.map((o) => contentsEntry(ctx, o, enc, fetchOwner)),
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}
