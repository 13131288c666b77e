// LMDB key encodings for the metadata tables. Keys are raw bytes compared with memcmp
// (lmdb keyEncoding 'binary'), so an object key's UTF-8 bytes sort exactly as S3 lists
// them: UTF-8 binary order. Bucket names never contain 0x00, so `bucket 0x00 key` keeps
// each bucket's objects contiguous and ordered.
//
// Format version 1:
//   object key:  utf8(bucket) 0x00 utf8(key)
//   upload key:  utf8(bucket) 0x00 utf8(key) 0x00 ascii(uploadId)
//   part key:    ascii(uploadId) 0x00 u16be(partNumber)
//   chunk key:   fingerprint (32 bytes)
//   version key: utf8(bucket) 0x00 utf8(key) 0x00 u64be(2^64 - 1 - seq)
//
// Versions: `seq` is a store-wide counter the state machine bumps for every version or
// delete marker it writes (deterministic: replicas apply commands in the same order), so
// inverting it makes a key's newest version come first and ListObjectVersions is one
// forward range scan in (key ascending, version newest-first) order, as S3 lists them.
// The suffix has a fixed length of 9 bytes, so a version key decodes from its end even if
// an S3 key were to contain 0x00 (its order relative to keys sharing that prefix then
// differs from S3's; such keys are not in practical use).

const SEP = 0x00;

export function bucketPrefix(bucket: string): Buffer {
  return Buffer.concat([Buffer.from(bucket, 'utf8'), Buffer.of(SEP)]);
}

export function objectKey(bucket: string, key: string): Buffer {
  return Buffer.concat([Buffer.from(bucket, 'utf8'), Buffer.of(SEP), Buffer.from(key, 'utf8')]);
}

/** The object key (S3 key) stored in an encoded object key. */
export function decodeObjectKey(encoded: Uint8Array, bucket: string): string {
  const skip = Buffer.byteLength(bucket, 'utf8') + 1;
  return Buffer.from(encoded.buffer, encoded.byteOffset + skip, encoded.byteLength - skip).toString('utf8');
}

export function uploadKey(bucket: string, key: string, uploadId: string): Buffer {
  return Buffer.concat([objectKey(bucket, key), Buffer.of(SEP), Buffer.from(uploadId, 'latin1')]);
}

export function partKey(uploadId: string, partNumber: number): Buffer {
  const b = Buffer.alloc(Buffer.byteLength(uploadId, 'latin1') + 3);
  b.write(uploadId, 0, 'latin1');
  b[b.length - 3] = SEP;
  b.writeUInt16BE(partNumber, b.length - 2);
  return b;
}

export function partPrefix(uploadId: string): Buffer {
  return Buffer.concat([Buffer.from(uploadId, 'latin1'), Buffer.of(SEP)]);
}

/** The smallest key greater than every key that starts with `prefix`, or undefined if none. */
export function prefixEnd(prefix: Uint8Array): Buffer | undefined {
  const end = Buffer.from(prefix);
  for (let i = end.length - 1; i >= 0; i--) {
    if (end[i]! < 0xff) {
      end[i]!++;
      return end.subarray(0, i + 1);
    }
  }
  return undefined;
}

/** The smallest key strictly greater than `key` in memcmp order. */
export function keySuccessor(key: Uint8Array): Buffer {
  return Buffer.concat([key, Buffer.of(0x00)]);
}

const SEQ_MAX = (1n << 64n) - 1n;
const VERSION_SUFFIX_BYTES = 9;

export function versionPrefix(bucket: string, key: string): Buffer {
  return Buffer.concat([objectKey(bucket, key), Buffer.of(SEP)]);
}

export function versionKey(bucket: string, key: string, seq: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(SEQ_MAX - BigInt(seq));
  return Buffer.concat([versionPrefix(bucket, key), b]);
}

/** True when `encoded` is a version key of exactly the key whose versionPrefix is `prefix`. */
export function isVersionKeyOf(encoded: Uint8Array, prefix: Uint8Array): boolean {
  return encoded.byteLength === prefix.byteLength + 8;
}

/** The part of a version key before its version suffix: the encoded object key. */
export function versionObjectKey(encoded: Uint8Array): Buffer {
  return Buffer.from(encoded.buffer, encoded.byteOffset, encoded.byteLength - VERSION_SUFFIX_BYTES);
}

/**
 * Version ids: base64url(u64be(seq) ‖ nonce), the nonce being random bytes the gateway put
 * in the command. The seq finds the row directly; the whole id must still match the stored
 * one, so a guessed seq with a wrong nonce finds nothing.
 */
export function makeVersionId(seq: number, nonce: Uint8Array): string {
  const b = Buffer.alloc(8 + nonce.byteLength);
  b.writeBigUInt64BE(BigInt(seq));
  b.set(nonce, 8);
  return b.toString('base64url');
}

/** The seq inside a version id, or undefined when the id is not one of ours. */
export function versionIdSeq(versionId: string): number | undefined {
  if (!/^[A-Za-z0-9_-]{11,64}$/.test(versionId)) return undefined;
  const b = Buffer.from(versionId, 'base64url');
  if (b.length < 8) return undefined;
  const seq = b.readBigUInt64BE(0);
  return seq > BigInt(Number.MAX_SAFE_INTEGER) ? undefined : Number(seq);
}
