import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  CHUNK_SEAL_OVERHEAD_BYTES,
  EncryptionError,
  INLINE_SEAL_OVERHEAD_BYTES,
  KeyRing,
  ScopeCipher,
  gcmOpen,
  gcmSeal,
  hkdf,
} from '../../../src/pipeline/encryption.js';

// Expected values below were computed independently with Python's `cryptography` package
// (HKDF, AESGCM) and the standard library (hmac, hashlib), not with this module.
const MASTER = Buffer.from(Array.from({ length: 32 }, (_, i) => i));
const CUSTOMER = Buffer.from('pO3upElrwuEXSoFwCfnZPdSsmt/xWeFa0N9KgDijwVs=', 'base64');
const OTHER_CUSTOMER = Buffer.from('6b+WOZ1T3cqZMxgThRcXAQBrS5mXKdDUphvpxptl9/4=', 'base64');
const DATA = Buffer.from('hello, tessera');
const SALT = Buffer.from(Array.from({ length: 16 }, (_, i) => i));

const isAuthFailure = (e: unknown) => e instanceof EncryptionError && e.code === 'ENCRYPTION_AUTH_FAILED';

test('hkdf: RFC 5869 test case 1', () => {
  const okm = hkdf(Buffer.alloc(22, 0x0b), Buffer.from('000102030405060708090a0b0c', 'hex'), Buffer.from('f0f1f2f3f4f5f6f7f8f9', 'hex'), 42);
  assert.equal(okm.toString('hex'), '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865');
});

test('gcmSeal: GCM specification test case 16 (AES-256, 96-bit IV, AAD)', () => {
  const key = Buffer.from('feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308', 'hex');
  const pt = Buffer.from('d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39', 'hex');
  const aad = Buffer.from('feedfacedeadbeeffeedfacedeadbeefabaddad2', 'hex');
  const iv = Buffer.from('cafebabefacedbaddecaf888', 'hex');
  const sealed = gcmSeal(key, iv, aad, pt);
  assert.equal(
    sealed.toString('hex'),
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662' +
      '76fc6ece0f4e1768cddf8853bb2d551b',
  );
  assert.deepEqual(gcmOpen(key, iv, aad, sealed), pt);
});

test('SSE-S3 scope: known fingerprint, sealed chunk and sealed inline body', () => {
  const s = new KeyRing(MASTER).sseS3Scope('acct');
  const fp = s.fingerprint(DATA);
  assert.equal(fp.toString('hex'), '6a60fb7b5281f9a71076e17a38f46397d47d7a699020c79925058cde4ec0ddc6');
  const sealed = s.seal(fp, 1, DATA);
  assert.equal(sealed.toString('hex'), 'b21036d45ea8e8b80d45e347f4bf226234120d6ad02edfd7ceb09a7ea9d24506cec20873d4a9563adaed');
  assert.equal(sealed.byteLength, DATA.byteLength + CHUNK_SEAL_OVERHEAD_BYTES);
  assert.deepEqual(s.open(fp, 1, sealed), DATA);
  const inline = s.sealInline(DATA, SALT);
  assert.equal(inline.toString('hex'), '000102030405060708090a0b0c0d0e0f7bfcc289da1ace2aa3cbcc31d8d9ac9ab6dddd093a75054b47bd6b62fa13');
  assert.deepEqual(s.openInline(inline), DATA);
});

test('SSE-KMS scope: known fingerprint; another key id or account is another scope', () => {
  const ring = new KeyRing(MASTER);
  const fp = ring.sseKmsScope('acct', 'testkey-1').fingerprint(DATA);
  assert.equal(fp.toString('hex'), 'a22c7af4f9c4d40343482368ecc41d291c42e80ef144e7482a75677201ab41be');
  assert.notDeepEqual(ring.sseKmsScope('acct', 'testkey-2').fingerprint(DATA), fp);
  assert.notDeepEqual(ring.sseKmsScope('other', 'testkey-1').fingerprint(DATA), fp);
  assert.notDeepEqual(ring.sseS3Scope('acct').fingerprint(DATA), fp);
});

test('SSE-C scope: known fingerprint, sealed chunk, inline body and key verifier', () => {
  const ring = new KeyRing(MASTER);
  assert.equal(createHash('md5').update(CUSTOMER).digest('base64'), 'DWygnHRtgiJ77HCm+1rvHw==');
  const s = ring.sseCScope(CUSTOMER);
  const fp = s.fingerprint(DATA);
  assert.equal(fp.toString('hex'), '3c78a23347dcc9a47a060fc89b432089c155c03b00f998e1523fa7384168a006');
  assert.equal(s.seal(fp, 1, DATA).toString('hex'), '594714b40ff992e662de92019561b14279cfc4ed1e255c8fc03eaab3d580eaa6b05df231ab9be98d7fcd');
  assert.equal(s.sealInline(DATA, SALT).toString('hex'), '000102030405060708090a0b0c0d0e0f4761c34bf710cc8837d1b984e08dc072d68895f5befddd8eb9ea8d298397');
  const verifier = ring.customerKeyVerifier(CUSTOMER);
  assert.equal(verifier.toString('hex'), 'baf601c5d096a22f62774324245e942eeea3715929dc7ef615f30691e521c1ff');
  assert.equal(ring.verifyCustomerKey(CUSTOMER, verifier), true);
  assert.equal(ring.verifyCustomerKey(OTHER_CUSTOMER, verifier), false);
});

test('scope separation: one plaintext, two scopes → different fingerprints and ciphertexts, and neither opens the other', () => {
  const ring = new KeyRing(MASTER);
  const scopes = [ring.sseCScope(CUSTOMER), ring.sseCScope(OTHER_CUSTOMER), ring.sseS3Scope('alice'), ring.sseS3Scope('bob')];
  const fps = scopes.map((s) => s.fingerprint(DATA).toString('hex'));
  assert.equal(new Set(fps).size, scopes.length);
  assert.ok(!fps.includes(createHash('sha256').update(DATA).digest('hex')), 'a scoped fingerprint is not the plain SHA-256');
  const sealed = scopes.map((s, i) => s.seal(Buffer.from(fps[i]!, 'hex'), 0, DATA));
  assert.equal(new Set(sealed.map((b) => b.toString('hex'))).size, scopes.length);
  // Scope b cannot open scope a's chunk, even under a's fingerprint.
  assert.throws(() => scopes[1]!.open(Buffer.from(fps[0]!, 'hex'), 0, sealed[0]!), isAuthFailure);
  assert.throws(() => scopes[3]!.openInline(scopes[2]!.sealInline(DATA)), isAuthFailure);
  // Another master key gives other SSE-S3 and SSE-C scopes.
  const other = new KeyRing(Buffer.alloc(32, 7));
  assert.notEqual(other.sseS3Scope('alice').fingerprint(DATA).toString('hex'), fps[2]);
  assert.notEqual(other.sseCScope(CUSTOMER).fingerprint(DATA).toString('hex'), fps[0]);
});

test('seal is deterministic per (scope, fingerprint, codec, bytes); inline sealing is randomised', () => {
  const s = new KeyRing(MASTER).sseS3Scope('acct');
  const fp = s.fingerprint(DATA);
  assert.deepEqual(s.seal(fp, 1, DATA), s.seal(fp, 1, DATA));
  // Different stored bytes under the same chunk key get a different nonce.
  assert.notDeepEqual(s.seal(fp, 1, DATA).subarray(0, 12), s.seal(fp, 1, Buffer.from('hello, tesserA')).subarray(0, 12));
  const a = s.sealInline(DATA);
  const b = s.sealInline(DATA);
  assert.notDeepEqual(a, b);
  assert.equal(a.byteLength, DATA.byteLength + INLINE_SEAL_OVERHEAD_BYTES);
  assert.deepEqual(s.openInline(a), DATA);
  assert.deepEqual(s.openInline(b), DATA);
});

test('tamper detection: any flipped bit, a wrong codec or a wrong fingerprint fails the tag', () => {
  const s = new KeyRing(MASTER).sseCScope(CUSTOMER);
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 0, maxLength: 2048 }), fc.nat(), fc.integer({ min: 0, max: 7 }), (data, at, bit) => {
      const fp = s.fingerprint(data);
      const sealed = s.seal(fp, 1, data);
      assert.deepEqual(s.open(fp, 1, sealed), Buffer.from(data));
      const bad = Buffer.from(sealed);
      bad[at % bad.byteLength]! ^= 1 << bit;
      assert.throws(() => s.open(fp, 1, bad), isAuthFailure);
      assert.throws(() => s.open(fp, 0, sealed), isAuthFailure);
      const otherFp = Buffer.from(fp);
      otherFp[0]! ^= 1;
      assert.throws(() => s.open(otherFp, 1, sealed), isAuthFailure);
      const inline = s.sealInline(data);
      const badInline = Buffer.from(inline);
      badInline[at % badInline.byteLength]! ^= 1 << bit;
      assert.throws(() => s.openInline(badInline), isAuthFailure);
    }),
    { numRuns: 200 },
  );
  assert.throws(() => s.open(Buffer.alloc(32), 1, Buffer.alloc(10)), isAuthFailure);
  assert.throws(() => s.openInline(Buffer.alloc(10)), isAuthFailure);
});

test('bad key sizes are refused', () => {
  const bad = (e: unknown) => e instanceof EncryptionError && e.code === 'ENCRYPTION_BAD_KEY';
  assert.throws(() => new KeyRing(Buffer.alloc(16)), bad);
  const ring = new KeyRing(MASTER);
  assert.throws(() => ring.sseCScope(Buffer.alloc(31)), bad);
  assert.throws(() => ring.customerKeyVerifier(Buffer.alloc(33)), bad);
  assert.throws(() => new ScopeCipher(Buffer.alloc(8)), bad);
});
