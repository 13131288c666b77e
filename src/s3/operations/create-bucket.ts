// CreateBucket — https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html
// Re-creating a bucket you own answers 200 in us-east-1 and BucketAlreadyOwnedByYou elsewhere.
// x-amz-bucket-object-lock-enabled: true creates the bucket with Object Lock, which turns
// versioning on for good.

import { caller, header, requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { validBucketName } from '../addressing.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { sendEmpty } from './respond.js';

export async function createBucket(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  if (!validBucketName(bucket)) throw new S3Error('InvalidBucketName');
  const body = (await readSmallBody(ctx)).toString('utf8');
  let region = 'us-east-1';
  if (body.trim() !== '') {
    const doc = parseXml(body);
    const conf = doc['CreateBucketConfiguration'] as Record<string, unknown> | undefined;
    if (conf === undefined) throw new S3Error('MalformedXML');
    const loc = typeof conf === 'object' ? xmlText(conf['LocationConstraint']) : undefined;
    if (loc !== undefined && loc !== '') region = loc;
  }
  if (!/^[a-z0-9-]{1,32}$/.test(region)) throw new S3Error('InvalidLocationConstraint');
  const lock = header(ctx, 'x-amz-bucket-object-lock-enabled')?.trim().toLowerCase() === 'true';
  await ctx.svc.objects.createBucket(caller(ctx), bucket, region, lock ? { versioning: 'Enabled', objectLock: { enabled: true } } : undefined);
  ctx.koa.set('Location', `/${bucket}`);
  sendEmpty(ctx, 200);
}
