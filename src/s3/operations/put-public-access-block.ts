// PutPublicAccessBlock — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutPublicAccessBlock.html
// BlockPublicAcls refuses new public ACLs, IgnorePublicAcls ignores existing ones,
// BlockPublicPolicy refuses public bucket policies, RestrictPublicBuckets limits a public
// policy to the bucket owner. Absent elements are false.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';

function flag(conf: Record<string, unknown>, name: string): boolean {
  const v = xmlText(conf[name]);
  if (v === undefined) return false;
  if (v !== 'true' && v !== 'false') throw new S3Error('MalformedXML');
  return v === 'true';
}

export async function putPublicAccessBlock(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const doc = parseXml((await readSmallBody(ctx)).toString('utf8'));
  const conf = doc['PublicAccessBlockConfiguration'];
  if (conf === undefined) throw new S3Error('MalformedXML');
  const c = typeof conf === 'object' && conf !== null ? (conf as Record<string, unknown>) : {};
  await ctx.svc.objects.putBucketConfig(b.name, 'publicAccessBlock', {
    blockPublicAcls: flag(c, 'BlockPublicAcls'),
    ignorePublicAcls: flag(c, 'IgnorePublicAcls'),
    blockPublicPolicy: flag(c, 'BlockPublicPolicy'),
    restrictPublicBuckets: flag(c, 'RestrictPublicBuckets'),
  });
  sendEmpty(ctx, 200);
}
