// The checksum of an object assembled by CompleteMultipartUpload, from its parts' checksums:
// FULL_OBJECT (the CRC of the whole object, combined from the part CRCs and sizes) or
// COMPOSITE (the checksum of the concatenated part digests, then "-N").
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html

import { MetadataError } from '../metadata/errors.js';
import type { ObjectChecksum, PartRecord, UploadRecord } from '../metadata/records.js';
import { compositeChecksum, fullObjectChecksum, parseChecksumAlgorithm } from '../pipeline/checksums.js';

/**
 * The object's checksum from the chosen parts (in order), or undefined when the upload has no
 * algorithm or a part was stored without a checksum of it (e.g. UploadPartCopy).
 */
export function uploadChecksum(upload: UploadRecord, parts: readonly PartRecord[]): ObjectChecksum | undefined {
  const alg = upload.checksumAlgorithm ? parseChecksumAlgorithm(upload.checksumAlgorithm) : undefined;
  if (!alg || parts.length === 0) return undefined;
  for (const p of parts) {
    if (p.checksum === undefined) return undefined;
    if (p.checksumAlgorithm !== undefined && p.checksumAlgorithm !== alg) {
      throw new MetadataError('InvalidPart', `Part ${p.partNumber} has a ${p.checksumAlgorithm} checksum; the upload uses ${alg}.`);
    }
  }
  const digests = parts.map((p) => Buffer.from(p.checksum!, 'base64'));
  if (upload.checksumType === 'FULL_OBJECT') {
    const value = fullObjectChecksum(alg, parts.map((p, i) => ({ digest: digests[i]!, sizeBytes: p.size }))).toString('base64');
    return { algorithm: alg, value, type: 'FULL_OBJECT' };
  }
  return { algorithm: alg, value: compositeChecksum(alg, digests), type: 'COMPOSITE' };
}
