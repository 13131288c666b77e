// Server-side encryption request and response headers: SSE-C (x-amz-server-side-encryption-
// customer-*, and the x-amz-copy-source-… variants for a copy's source), SSE-S3
// (x-amz-server-side-encryption: AES256) and the bucket default (PutBucketEncryption).
// References: "Using server-side encryption with customer-provided keys (SSE-C)" and
// PutObject / GetObject / CopyObject / UploadPart in the AWS S3 API reference.
// Differences from AWS:
// - SSE-C over plain HTTP is accepted (AWS requires HTTPS); put Tessera behind TLS.
// - A GET/HEAD with the wrong SSE-C key answers 400 InvalidArgument, as Ceph RGW and the
//   s3-tests suite expect (test_encryption_sse_c_other_key); AWS answers 403 AccessDenied.
// - There is no external KMS. aws:kms uses built-in keys derived from the master key, one per
//   (account, key id); an explicit aws:kms needs a key id (AWS would use its aws/s3 key; RGW
//   and s3-tests refuse), a bucket default without one uses the account's default key.
//   aws:kms:dsse is 501 NotImplemented.
// - Objects are not encrypted unless asked (explicitly or by the bucket default); AWS
//   applies SSE-S3 to every new object since 2023.

import { createHash } from 'node:crypto';
import { header, type S3Ctx } from './context.js';
import { S3Error } from './errors.js';
import { limits } from '../limits.js';
import type { ObjectEncryption } from '../gateway/sse.js';
import type { ChunkCipher } from '../pipeline/encryption.js';
import type { ObjectRecord, SseRecord, UploadRecord } from '../metadata/records.js';

const SSE = 'x-amz-server-side-encryption';
const KMS_KEY_ID = 'x-amz-server-side-encryption-aws-kms-key-id';
const C_ALG = 'server-side-encryption-customer-algorithm';
const C_KEY = 'server-side-encryption-customer-key';
const C_MD5 = 'server-side-encryption-customer-key-md5';
/** Header prefixes: the request's own SSE-C key, and a copy's source key. */
const OWN = 'x-amz-';
export const COPY_SOURCE = 'x-amz-copy-source-';
/** Base64 of exactly 32 bytes. */
const KEY_B64 = /^[A-Za-z0-9+/]{43}=$/;

export interface CustomerKey {
  key: Buffer;
  keyMd5: string;
}

/** Where SSE settings are read from: the request's headers, or a POST form's fields. */
export type SseFields = (name: string) => string | undefined;

/** The SSE-C key a request carries (prefix COPY_SOURCE for a copy's source), validated. */
export function customerKey(ctx: S3Ctx, prefix = OWN, get: SseFields = (n) => header(ctx, n)): CustomerKey | undefined {
  const alg = get(prefix + C_ALG);
  const keyB64 = get(prefix + C_KEY);
  const md5 = get(prefix + C_MD5);
  if (alg === undefined && keyB64 === undefined && md5 === undefined) return undefined;
  if (alg === undefined) throw new S3Error('InvalidArgument', 'Requests specifying Server Side Encryption with Customer provided keys must provide a valid encryption algorithm.');
  if (alg !== 'AES256') throw new S3Error('InvalidEncryptionAlgorithmError');
  if (keyB64 === undefined) throw new S3Error('InvalidArgument', 'Requests specifying Server Side Encryption with Customer provided keys must provide an appropriate secret key.');
  if (!KEY_B64.test(keyB64.trim())) throw new S3Error('InvalidArgument', 'The secret key was invalid for the specified algorithm.');
  if (md5 === undefined) throw new S3Error('InvalidArgument', 'Requests specifying Server Side Encryption with Customer provided keys must provide the client calculated MD5 of the secret key.');
  const key = Buffer.from(keyB64.trim(), 'base64');
  const actual = createHash('md5').update(key).digest('base64');
  if (actual !== md5.trim()) throw new S3Error('InvalidArgument', 'The calculated MD5 hash of the key did not match the hash that was provided.');
  return { key, keyMd5: actual };
}

/** How a new object (PutObject, CopyObject's target, CreateMultipartUpload) is to be encrypted. */
export function writeEncryption(ctx: S3Ctx, bucket: string, get: SseFields = (n) => header(ctx, n)): ObjectEncryption | undefined {
  const sse = get(SSE);
  const kmsKeyId = get(KMS_KEY_ID);
  const c = customerKey(ctx, OWN, get);
  if (kmsKeyId !== undefined && sse !== 'aws:kms' && sse !== 'aws:kms:dsse') {
    throw new S3Error('InvalidArgument', 'Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption : aws:kms');
  }
  if (sse !== undefined && c) throw new S3Error('InvalidArgument', 'Server Side Encryption with Customer provided key is incompatible with the encryption method specified');
  if (c) return ctx.svc.sse.sseC(c.key, c.keyMd5);
  const owner = () => ctx.svc.objects.getBucket(bucket).owner;
  if (sse === 'AES256') return ctx.svc.sse.sseS3(owner());
  if (sse === 'aws:kms') {
    if (!kmsKeyId) throw new S3Error('InvalidArgument', 'Server Side Encryption with KMS managed key requires HTTP header x-amz-server-side-encryption-aws-kms-key-id');
    if (Buffer.byteLength(kmsKeyId) > limits.kmsKeyIdBytesMax) throw new S3Error('InvalidArgument', 'The KMS key id is too long.');
    return ctx.svc.sse.sseKms(owner(), kmsKeyId);
  }
  if (sse === 'aws:kms:dsse') throw new S3Error('NotImplemented', 'Dual-layer SSE-KMS is not implemented; use AES256, aws:kms or SSE-C.');
  if (sse !== undefined) throw new S3Error('InvalidArgument', 'The encryption method specified is not supported');
  const dflt = ctx.svc.objects.bucketConfig(bucket, 'encryption');
  if (dflt?.sseAlgorithm === 'aws:kms') return ctx.svc.sse.sseKms(owner(), dflt.kmsMasterKeyId);
  if (dflt) return ctx.svc.sse.sseS3(owner());
  return undefined;
}

/** The scope an UploadPart (or UploadPartCopy) seals in: the upload's, with the same SSE-C key. */
export function partEncryption(ctx: S3Ctx, upload: UploadRecord): ObjectEncryption | undefined {
  const c = customerKey(ctx);
  const sse = upload.sse;
  if (sse?.mode === 'SSE-C') {
    if (!c) throw new S3Error('InvalidRequest', 'The multipart upload initiate requested encryption. Subsequent part requests must include the appropriate encryption parameters.');
    if (!ctx.svc.sse.customerKeyMatches(sse, c.key)) throw new S3Error('InvalidArgument', 'The provided encryption parameters did not match the ones used originally.');
    return { record: sse, cipher: ctx.svc.sse.readCipher(sse, c.key) };
  }
  if (c) throw new S3Error('InvalidRequest', 'The multipart upload initiate did not request encryption with customer provided keys.');
  return sse ? { record: sse, cipher: ctx.svc.sse.readCipher(sse) } : undefined;
}

/**
 * The cipher to read `o` (GET/HEAD; prefix COPY_SOURCE for a copy's source), after
 * checking the request's SSE-C key against the object; undefined for a plain object.
 */
export function readEncryption(ctx: S3Ctx, o: Pick<ObjectRecord, 'sse'>, prefix = OWN): ChunkCipher | undefined {
  const c = customerKey(ctx, prefix);
  if (prefix === OWN && (header(ctx, SSE) !== undefined || header(ctx, KMS_KEY_ID) !== undefined)) {
    throw new S3Error('InvalidArgument', 'x-amz-server-side-encryption header is not supported for this operation.');
  }
  const sse = o.sse;
  if (sse?.mode === 'SSE-C') {
    if (!c) throw new S3Error('InvalidRequest', 'The object was stored using a form of Server Side Encryption. The correct parameters must be provided to retrieve the object.');
    if (!ctx.svc.sse.customerKeyMatches(sse, c.key)) throw new S3Error('InvalidArgument', 'The provided SSE-C key does not match the key the object was encrypted with.');
    return ctx.svc.sse.readCipher(sse, c.key);
  }
  if (c) throw new S3Error('InvalidRequest', 'The encryption parameters are not applicable to this object.');
  return sse ? ctx.svc.sse.readCipher(sse) : undefined;
}

/** The response headers that say how an object is encrypted. */
export function setSseResponse(ctx: S3Ctx, sse: SseRecord | undefined): void {
  if (!sse) return;
  if (sse.mode === 'SSE-S3') {
    ctx.koa.set(SSE, 'AES256');
    return;
  }
  if (sse.mode === 'SSE-KMS') {
    ctx.koa.set(SSE, 'aws:kms');
    if (sse.kmsKeyId !== undefined) ctx.koa.set(KMS_KEY_ID, sse.kmsKeyId);
    return;
  }
  ctx.koa.set(OWN + C_ALG, 'AES256');
  if (sse.keyMd5) ctx.koa.set(OWN + C_MD5, sse.keyMd5);
}

/** Whether the request asks for any encryption change (a copy onto itself is then legal). */
export function hasWriteEncryptionHeaders(ctx: S3Ctx): boolean {
  return header(ctx, SSE) !== undefined || header(ctx, OWN + C_ALG) !== undefined || header(ctx, OWN + C_KEY) !== undefined;
}
