// PutBucketEncryption — https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketEncryption.html
// The bucket's default encryption: new objects written without SSE headers are sealed with
// SSE-S3 (AES256) or SSE-KMS (aws:kms). Stored as BucketConfig.encryption through PutBucketConfig.
// Differences from AWS: there is no external KMS; aws:kms seals under built-in keys derived
// from the master key, one per (account, KMSMasterKeyID), see docs/encryption.md.
// aws:kms:dsse is 501 NotImplemented. BlockedEncryptionTypes is not supported (SSE-C is
// always allowed).

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { readSmallBody } from '../body.js';
import { parseXml, xmlText } from '../xml.js';
import { sendEmpty } from './respond.js';
import type { BucketEncryption } from '../../metadata/records.js';

const ALGORITHMS = new Set(['AES256', 'aws:kms']);

export function parseEncryptionConfiguration(body: string): BucketEncryption {
  const doc = parseXml(body, ['ServerSideEncryptionConfiguration.Rule']);
  const root = doc['ServerSideEncryptionConfiguration'] as Record<string, unknown> | undefined;
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const rules = (root['Rule'] as Record<string, unknown>[] | undefined) ?? [];
  // AWS takes exactly one rule.
  if (rules.length !== 1 || typeof rules[0] !== 'object') throw new S3Error('MalformedXML');
  const rule = rules[0]!;
  const apply = rule['ApplyServerSideEncryptionByDefault'] as Record<string, unknown> | undefined;
  if (!apply || typeof apply !== 'object') throw new S3Error('MalformedXML');
  const algorithm = xmlText(apply['SSEAlgorithm'])?.trim();
  if (algorithm === undefined) throw new S3Error('MalformedXML');
  if (algorithm === 'aws:kms:dsse') throw new S3Error('NotImplemented', 'Dual-layer SSE-KMS is not implemented.');
  if (!ALGORITHMS.has(algorithm)) throw new S3Error('InvalidArgument', 'The SSEAlgorithm is not valid; use AES256 or aws:kms.');
  const kmsKeyId = xmlText(apply['KMSMasterKeyID'])?.trim();
  if (kmsKeyId !== undefined && algorithm === 'AES256') {
    throw new S3Error('InvalidArgument', 'a KMSMasterKeyID is not applicable if the default sse algorithm is not aws:kms or aws:kms:dsse');
  }
  if (kmsKeyId !== undefined && (kmsKeyId === '' || Buffer.byteLength(kmsKeyId) > limits.kmsKeyIdBytesMax)) throw new S3Error('InvalidArgument', 'The KMSMasterKeyID is not valid.');
  const bke = xmlText(rule['BucketKeyEnabled'])?.trim();
  if (bke !== undefined && bke !== 'true' && bke !== 'false') throw new S3Error('MalformedXML');
  return {
    sseAlgorithm: algorithm as BucketEncryption['sseAlgorithm'],
    ...(kmsKeyId !== undefined ? { kmsMasterKeyId: kmsKeyId } : {}),
    ...(bke !== undefined ? { bucketKeyEnabled: bke === 'true' } : {}),
  };
}

export async function putBucketEncryption(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const config = parseEncryptionConfiguration((await readSmallBody(ctx)).toString('utf8'));
  await ctx.svc.objects.putBucketConfig(bucket, 'encryption', config);
  sendEmpty(ctx, 200);
}
