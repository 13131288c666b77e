// ListBuckets — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html
// Paged with max-buckets and continuation-token (an opaque base64url of the last name
// returned), filtered with prefix (s3-tests: test_list_buckets_paginated).
//
// Differences from AWS: bucket-region is not a filter here (every bucket is in this
// server's one region).

import { caller, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { isoDate, owner, sendXml } from './respond.js';

function parseMaxBuckets(v: string | null): number {
  if (v === null) return limits.bucketsPerAccountMax;
  const n = /^\d{1,6}$/.test(v) ? Number(v) : NaN;
  if (!(n >= 1 && n <= limits.bucketsPerAccountMax)) {
    throw new S3Error('InvalidArgument', `Argument max-buckets must be an integer between 1 and ${limits.bucketsPerAccountMax}`);
  }
  return n;
}

export async function listBuckets(ctx: S3Ctx): Promise<void> {
  const me = caller(ctx);
  const q = ctx.query;
  const maxBuckets = parseMaxBuckets(q.get('max-buckets'));
  const prefix = q.get('prefix') ?? '';
  const token = q.get('continuation-token');
  const after = token ? Buffer.from(token, 'base64url').toString('utf8') : '';
  // Bucket records come in name order; a name sorts after `after` exactly when it is greater.
  const matching = ctx.svc.objects.listBuckets(me).filter((b) => b.name.startsWith(prefix) && b.name > after);
  const page = matching.slice(0, maxBuckets);
  const last = page[page.length - 1];
  sendXml(ctx, 'ListAllMyBucketsResult', {
    Owner: owner(ctx, me),
    Buckets: { Bucket: page.map((b) => ({ Name: b.name, CreationDate: isoDate(b.createdMs), BucketRegion: b.region })) },
    ...(matching.length > page.length && last ? { ContinuationToken: Buffer.from(last.name, 'utf8').toString('base64url') } : {}),
    ...(q.has('prefix') ? { Prefix: prefix } : {}),
  });
}
