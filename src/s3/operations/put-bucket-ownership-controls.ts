// PutBucketOwnershipControls — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketOwnershipControls.html
// BucketOwnerEnforced disables ACLs (the bucket owner owns and controls every object);
// BucketOwnerPreferred and ObjectWriter keep them.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { checkOwner } from './access.js';
import { sendEmpty } from './respond.js';
import { expandAcl, onlyOwnerFullControl } from '../access/acl.js';
import type { ObjectOwnership } from '../../metadata/records.js';

const VALUES = new Set(['BucketOwnerEnforced', 'BucketOwnerPreferred', 'ObjectWriter']);

export async function putBucketOwnershipControls(ctx: S3Ctx): Promise<void> {
  const b = checkOwner(ctx, requireBucket(ctx));
  const doc = parseXml((await readSmallBody(ctx)).toString('utf8'), ['OwnershipControls.Rule']);
  const controls = doc['OwnershipControls'] as Record<string, unknown> | undefined;
  const rules = controls && typeof controls === 'object' ? (controls['Rule'] as Array<Record<string, unknown>> | undefined) : undefined;
  if (!rules || rules.length !== 1 || typeof rules[0] !== 'object') throw new S3Error('MalformedXML');
  const value = xmlText(rules[0]!['ObjectOwnership']);
  if (value === undefined || !VALUES.has(value)) throw new S3Error('MalformedXML');
  // AWS refuses to disable ACLs while the bucket ACL still grants anyone but the owner.
  if (value === 'BucketOwnerEnforced' && !onlyOwnerFullControl(expandAcl(b.config?.acl, b.owner, b.owner), b.owner)) {
    throw new S3Error('InvalidBucketAclWithObjectOwnership');
  }
  await ctx.svc.objects.putBucketConfig(b.name, 'ownershipControls', value as ObjectOwnership);
  sendEmpty(ctx, 200);
}
