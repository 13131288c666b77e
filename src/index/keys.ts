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
