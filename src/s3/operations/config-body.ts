// The XML body of a sub-resource Put (PutBucketCors, Put*Tagging, PutBucketRequestPayment):
// read whole within its bound, Content-MD5 checked here (x-amz-checksum-* headers are checked
// by the payload verifier as the body is read).

import { createHash } from 'node:crypto';
import { header, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { readSmallBody } from '../body.js';

export async function readConfigBody(ctx: S3Ctx, maxBytes: number): Promise<string> {
  const md5 = header(ctx, 'content-md5');
  if (md5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(md5.trim())) throw new S3Error('InvalidDigest');
  const body = await readSmallBody(ctx, maxBytes);
  if (md5 !== undefined && createHash('md5').update(body).digest('base64') !== md5.trim()) throw new S3Error('BadDigest');
  return body.toString('utf8');
}
