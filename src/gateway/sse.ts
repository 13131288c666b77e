// Server-side encryption on the object service: turns "SSE-S3 for this account" or "SSE-C
// with this customer key" into the record stored with the object (no key material) and the
// scope cipher the pipeline seals with, and decides whether two objects share a scope (a
// copy by reference is only sound within one). Request parsing lives in s3/sse-headers.ts.

import { KeyRing, type ScopeCipher } from '../pipeline/encryption.js';
import type { SseRecord } from '../metadata/records.js';

/** What a write needs to encrypt: the record to store and the cipher of its scope. */
export interface ObjectEncryption {
  record: SseRecord;
  cipher: ScopeCipher;
}

export class SseKeys {
  private readonly ring: KeyRing;

  constructor(masterKey: Uint8Array) {
    this.ring = new KeyRing(masterKey);
  }

  /** SSE-S3: sealed in the scope of `account` (the bucket owner), under the master key. */
  sseS3(account: string): ObjectEncryption {
    return { record: { mode: 'SSE-S3', account }, cipher: this.ring.sseS3Scope(account) };
  }

  /** SSE-KMS without a KMS: sealed under a master-derived key named by (account, key id). */
  sseKms(account: string, kmsKeyId: string | undefined): ObjectEncryption {
    return {
      record: { mode: 'SSE-KMS', account, ...(kmsKeyId !== undefined ? { kmsKeyId } : {}) },
      cipher: this.ring.sseKmsScope(account, kmsKeyId ?? ''),
    };
  }

  /** SSE-C: sealed in the scope of the customer key; only its MD5 and keyed hash are kept. */
  sseC(customerKey: Uint8Array, keyMd5: string): ObjectEncryption {
    return {
      record: { mode: 'SSE-C', keyMd5, keyHmac: this.ring.customerKeyVerifier(customerKey) },
      cipher: this.ring.sseCScope(customerKey),
    };
  }

  /** Whether `customerKey` is the key `record` was written with (constant-time). */
  customerKeyMatches(record: SseRecord, customerKey: Uint8Array): boolean {
    return record.mode === 'SSE-C' && record.keyHmac !== undefined && this.ring.verifyCustomerKey(customerKey, record.keyHmac);
  }

  /** The cipher to read an SSE-S3 object (SSE-C objects need customerKeyMatches first). */
  readCipher(record: SseRecord, customerKey?: Uint8Array): ScopeCipher {
    if (record.mode === 'SSE-S3') return this.ring.sseS3Scope(record.account ?? '');
    if (record.mode === 'SSE-KMS') return this.ring.sseKmsScope(record.account ?? '', record.kmsKeyId ?? '');
    if (!customerKey) throw new Error('an SSE-C object needs its customer key');
    return this.ring.sseCScope(customerKey);
  }
}

/** True when data of `a` can be referenced by an object of `b` without re-encryption. */
export function sameScope(a: SseRecord | undefined, b: SseRecord | undefined): boolean {
  if (!a || !b) return !a && !b;
  if (a.mode !== b.mode) return false;
  if (a.mode === 'SSE-S3') return a.account === b.account;
  if (a.mode === 'SSE-KMS') return a.account === b.account && (a.kmsKeyId ?? '') === (b.kmsKeyId ?? '');
  return a.keyHmac !== undefined && b.keyHmac !== undefined && Buffer.compare(Buffer.from(a.keyHmac), Buffer.from(b.keyHmac)) === 0;
}
