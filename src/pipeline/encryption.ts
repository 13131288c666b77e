// Server-side encryption of chunks and inline bodies: key derivation from the server master
// key (SSE-S3) or a customer key (SSE-C), scoped fingerprints, and AES-256-GCM seal/open.
// Pure functions over node:crypto; the design and its reasoning are in docs/encryption.md.
//
// Key hierarchy (HKDF-SHA256 everywhere; every `info` string names its purpose, so no two
// uses ever share a key):
//   master (32 B) ──► SSE-S3 scope key of an account   info "tessera/v1/sse-s3/scope\0<account>"
//                 ──► SSE-KMS scope key                  info "tessera/v1/sse-kms/scope\0<account>\0<key id>"
//                 ──► SSE-C salt                         info "tessera/v1/sse-c/salt"
//                 ──► SSE-C key verifier key             info "tessera/v1/sse-c/verifier"
//   customer key ──(salt = SSE-C salt)──► SSE-C scope key info "tessera/v1/sse-c/scope"
//   scope key ──► fingerprint key                        info "tessera/v1/fingerprint"
//             ──(salt = fingerprint)──► chunk enc key | chunk nonce key  info "tessera/v1/chunk"
//             ──(salt = 16 random bytes)──► inline key | inline nonce    info "tessera/v1/inline"
//
// Persistent formats (chunk records say `encryption: ENCRYPTION_FORMAT_V1`):
//   sealed chunk  = nonce (12) ‖ AES-256-GCM ciphertext ‖ tag (16); AAD = 0x01 ‖ codec id ‖ fingerprint;
//                   nonce = first 12 bytes of HMAC-SHA256(chunk nonce key, AAD ‖ compressed bytes).
//   sealed inline = salt (16) ‖ AES-256-GCM ciphertext ‖ tag (16); AAD = 0x01.

import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

/** Format version of sealed chunks and inline bodies (stored in ChunkRecord.encryption). */
export const ENCRYPTION_FORMAT_V1 = 1;
export const MASTER_KEY_BYTES = 32;
export const CUSTOMER_KEY_BYTES = 32;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const INLINE_SALT_BYTES = 16;
/** Bytes a sealed chunk adds to its compressed size. */
export const CHUNK_SEAL_OVERHEAD_BYTES = NONCE_BYTES + TAG_BYTES;
/** Bytes a sealed inline body adds to its size. */
export const INLINE_SEAL_OVERHEAD_BYTES = INLINE_SALT_BYTES + TAG_BYTES;

export type EncryptionErrorCode = 'ENCRYPTION_AUTH_FAILED' | 'ENCRYPTION_BAD_KEY' | 'ENCRYPTION_KEY_MISSING' | 'ENCRYPTION_UNKNOWN_FORMAT';

export class EncryptionError extends Error {
  constructor(readonly code: EncryptionErrorCode, message: string) {
    super(message);
  }
}

export function hkdf(ikm: Uint8Array, salt: Uint8Array, info: string | Uint8Array, length: number): Buffer {
  return Buffer.from(hkdfSync('sha256', ikm, salt, typeof info === 'string' ? Buffer.from(info, 'utf8') : info, length));
}

function hmac(key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** AES-256-GCM: ciphertext ‖ tag. Exported for known-answer tests. */
export function gcmSeal(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, plaintext: Uint8Array): Buffer {
  const c = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  c.setAAD(aad);
  return Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
}

/** Inverse of gcmSeal; a wrong key, nonce, AAD or any flipped bit throws ENCRYPTION_AUTH_FAILED. */
export function gcmOpen(key: Uint8Array, nonce: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer {
  if (sealed.byteLength < TAG_BYTES) throw new EncryptionError('ENCRYPTION_AUTH_FAILED', 'sealed data shorter than its tag');
  const d = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  d.setAAD(aad);
  d.setAuthTag(sealed.subarray(sealed.byteLength - TAG_BYTES));
  try {
    return Buffer.concat([d.update(sealed.subarray(0, sealed.byteLength - TAG_BYTES)), d.final()]);
  } catch {
    throw new EncryptionError('ENCRYPTION_AUTH_FAILED', 'authentication tag mismatch: wrong key or tampered data');
  }
}

/** What the chunk pipeline needs from an encryption scope (write-path.ts, chunk-io.ts). */
export interface ChunkCipher {
  /** The dedup identity of a plaintext chunk within this scope. */
  fingerprint(raw: Uint8Array): Buffer;
  /** Seals the (compressed) bytes of chunk `fp`; `codec` is bound into the tag. */
  seal(fp: Uint8Array, codec: number, data: Uint8Array): Buffer;
  open(fp: Uint8Array, codec: number, sealed: Uint8Array): Buffer;
  sealInline(data: Uint8Array): Buffer;
  openInline(sealed: Uint8Array): Buffer;
}

/**
 * One dedup and encryption scope: an account's SSE-S3 data, or everything written under
 * one customer key. Fingerprints are HMACs under a scope key, so the same plaintext has
 * unrelated identities in two scopes and deduplicates only within one.
 */
export class ScopeCipher implements ChunkCipher {
  private readonly fpKey: Buffer;

  constructor(private readonly scopeKey: Buffer) {
    if (scopeKey.byteLength !== 32) throw new EncryptionError('ENCRYPTION_BAD_KEY', 'scope keys are 32 bytes');
    this.fpKey = hkdf(scopeKey, Buffer.alloc(0), 'tessera/v1/fingerprint', 32);
  }

  fingerprint(raw: Uint8Array): Buffer {
    return hmac(this.fpKey, raw);
  }

  private chunkKeys(fp: Uint8Array): { key: Buffer; nonceKey: Buffer } {
    const m = hkdf(this.scopeKey, fp, 'tessera/v1/chunk', 64);
    return { key: m.subarray(0, 32), nonceKey: m.subarray(32) };
  }

  private static chunkAad(fp: Uint8Array, codec: number): Buffer {
    return Buffer.concat([Buffer.from([ENCRYPTION_FORMAT_V1, codec]), fp]);
  }

  seal(fp: Uint8Array, codec: number, data: Uint8Array): Buffer {
    const { key, nonceKey } = this.chunkKeys(fp);
    const aad = ScopeCipher.chunkAad(fp, codec);
    // Synthetic nonce: deterministic (two writers of one chunk store identical fragments,
    // which erasure decoding may mix) and distinct for distinct bytes under one key.
    const nonce = hmac(nonceKey, aad, data).subarray(0, NONCE_BYTES);
    return Buffer.concat([nonce, gcmSeal(key, nonce, aad, data)]);
  }

  open(fp: Uint8Array, codec: number, sealed: Uint8Array): Buffer {
    if (sealed.byteLength < CHUNK_SEAL_OVERHEAD_BYTES) throw new EncryptionError('ENCRYPTION_AUTH_FAILED', 'sealed chunk too short');
    const { key } = this.chunkKeys(fp);
    const nonce = sealed.subarray(0, NONCE_BYTES);
    return gcmOpen(key, nonce, ScopeCipher.chunkAad(fp, codec), sealed.subarray(NONCE_BYTES));
  }

  private inlineKeys(salt: Uint8Array): { key: Buffer; nonce: Buffer } {
    const m = hkdf(this.scopeKey, salt, 'tessera/v1/inline', 32 + NONCE_BYTES);
    return { key: m.subarray(0, 32), nonce: m.subarray(32) };
  }

  /** A fresh random salt per body gives a fresh key, so the derived nonce is never reused. */
  sealInline(data: Uint8Array, salt: Uint8Array = randomSalt()): Buffer {
    const { key, nonce } = this.inlineKeys(salt);
    return Buffer.concat([salt, gcmSeal(key, nonce, Buffer.from([ENCRYPTION_FORMAT_V1]), data)]);
  }

  openInline(sealed: Uint8Array): Buffer {
    if (sealed.byteLength < INLINE_SEAL_OVERHEAD_BYTES) throw new EncryptionError('ENCRYPTION_AUTH_FAILED', 'sealed inline body too short');
    const { key, nonce } = this.inlineKeys(sealed.subarray(0, INLINE_SALT_BYTES));
    return gcmOpen(key, nonce, Buffer.from([ENCRYPTION_FORMAT_V1]), sealed.subarray(INLINE_SALT_BYTES));
  }
}

function randomSalt(): Buffer {
  return randomBytes(INLINE_SALT_BYTES);
}

/**
 * Everything derived from the server master key. The master key itself never leaves this
 * object; a customer key is used for the duration of one request and never stored.
 */
export class KeyRing {
  private readonly master: Buffer;
  private readonly sseCSalt: Buffer;
  private readonly verifierKey: Buffer;

  constructor(masterKey: Uint8Array) {
    if (masterKey.byteLength !== MASTER_KEY_BYTES) throw new EncryptionError('ENCRYPTION_BAD_KEY', `the master key must be ${MASTER_KEY_BYTES} bytes`);
    this.master = Buffer.from(masterKey);
    this.sseCSalt = hkdf(this.master, Buffer.alloc(0), 'tessera/v1/sse-c/salt', 32);
    this.verifierKey = hkdf(this.master, Buffer.alloc(0), 'tessera/v1/sse-c/verifier', 32);
  }

  /** The SSE-S3 scope of `account`: its objects deduplicate with each other only. */
  sseS3Scope(account: string): ScopeCipher {
    return new ScopeCipher(hkdf(this.master, Buffer.alloc(0), `tessera/v1/sse-s3/scope\0${account}`, 32));
  }

  /**
   * The SSE-KMS scope of (account, key id): Tessera's built-in stand-in for a KMS, where a
   * key id names a key derived from the master key ('' is the account's default key).
   */
  sseKmsScope(account: string, keyId: string): ScopeCipher {
    return new ScopeCipher(hkdf(this.master, Buffer.alloc(0), `tessera/v1/sse-kms/scope\0${account}\0${keyId}`, 32));
  }

  /** The SSE-C scope of one customer key. */
  sseCScope(customerKey: Uint8Array): ScopeCipher {
    checkCustomerKey(customerKey);
    return new ScopeCipher(hkdf(customerKey, this.sseCSalt, 'tessera/v1/sse-c/scope', 32));
  }

  /** Keyed hash of a customer key, stored to recognise the key later (never the key itself). */
  customerKeyVerifier(customerKey: Uint8Array): Buffer {
    checkCustomerKey(customerKey);
    return hmac(this.verifierKey, customerKey);
  }

  /** Constant-time check of a customer key against a stored verifier. */
  verifyCustomerKey(customerKey: Uint8Array, verifier: Uint8Array): boolean {
    const v = this.customerKeyVerifier(customerKey);
    return v.byteLength === verifier.byteLength && timingSafeEqual(v, verifier);
  }
}

function checkCustomerKey(k: Uint8Array): void {
  if (k.byteLength !== CUSTOMER_KEY_BYTES) throw new EncryptionError('ENCRYPTION_BAD_KEY', `customer keys are ${CUSTOMER_KEY_BYTES} bytes`);
}
