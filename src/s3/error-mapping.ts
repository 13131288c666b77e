// Domain errors → S3 errors, in one place. Metadata codes are named like S3's; storage
// and pipeline errors carry stable codes of their own.

import { S3Error, isS3ErrorCode } from './errors.js';
import { MetadataError } from '../metadata/errors.js';

/** Maps any thrown value to the S3 error to answer with. */
export function toS3Error(err: unknown): S3Error | undefined {
  if (err instanceof S3Error) return err;
  if (err instanceof MetadataError) {
    if (err.code === 'ChunkMissing') return new S3Error('ServiceUnavailable', 'A deduplicated chunk was reclaimed concurrently; retry the request.');
    if (isS3ErrorCode(err.code)) return new S3Error(err.code, err.message === err.code ? undefined : err.message);
  }
  const code = (err as { code?: unknown })?.code;
  if (code === 'STORAGE_DRIVE_FULL') return new S3Error('InsufficientStorage');
  // The class cannot be honoured on this map: say so, never downgrade silently.
  if (code === 'PLACEMENT_INSUFFICIENT_DRIVES') return new S3Error('InvalidStorageClass', (err as Error).message);
  if (code === 'PLACEMENT_UNKNOWN_STORAGE_CLASS') return new S3Error('InvalidStorageClass');
  return undefined;
}

