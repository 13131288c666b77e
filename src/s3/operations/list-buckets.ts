// ListBuckets — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListBuckets.html

import { caller, type S3Ctx } from '../context.js';
import { isoDate, owner, sendXml } from './respond.js';

export async function listBuckets(ctx: S3Ctx): Promise<void> {
  const me = caller(ctx);
  const buckets = ctx.svc.objects.listBuckets(me);
  sendXml(ctx, 'ListAllMyBucketsResult', {
    Owner: owner(me),
    Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: isoDate(b.createdMs), BucketRegion: b.region })) },
  });
}
