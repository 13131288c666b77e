// GetBucketRequestPayment — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetBucketRequestPayment.html
// PutBucketRequestPayment — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketRequestPayment.html
//
// Differences from AWS: Tessera does not bill requests, so the bucket owner always pays:
// Payer BucketOwner is accepted (and nothing is stored), Payer Requester is NotImplemented.

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { readConfigBody } from './config-body.js';
import { parseXml, xmlText } from '../xml.js';
import { sendEmpty, sendXml } from './respond.js';

export async function getBucketRequestPayment(ctx: S3Ctx): Promise<void> {
  checkOwner(ctx, requireBucket(ctx));
  sendXml(ctx, 'RequestPaymentConfiguration', { Payer: 'BucketOwner' });
}

export async function putBucketRequestPayment(ctx: S3Ctx): Promise<void> {
  checkOwner(ctx, requireBucket(ctx));
  const doc = parseXml(await readConfigBody(ctx, limits.xmlBodyBytesMax));
  const root = doc['RequestPaymentConfiguration'];
  const payer = root && typeof root === 'object' ? xmlText((root as Record<string, unknown>)['Payer']) : undefined;
  if (payer === 'Requester') throw new S3Error('NotImplemented', 'Requester Pays buckets are not supported; the bucket owner pays.');
  if (payer !== 'BucketOwner') throw new S3Error('MalformedXML');
  sendEmpty(ctx, 200);
}
