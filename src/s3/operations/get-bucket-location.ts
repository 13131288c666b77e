// GetBucketLocation — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketLocation.html
// us-east-1 is answered with an empty LocationConstraint, as AWS does.

import { requireBucket, type S3Ctx } from '../context.js';
import { checkOwner } from './access.js';
import { renderXml } from '../xml.js';

export async function getBucketLocation(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  ctx.koa.type = 'application/xml';
  ctx.koa.body = b.region === 'us-east-1'
    ? '<?xml version="1.0" encoding="UTF-8"?>\n<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>'
    : renderXml('LocationConstraint', { '#text': b.region });
}
