// Errors the metadata state machine raises. Codes are stable and, where S3 has the same
// concept, named like the S3 error so the S3 layer can map them one to one.

export type MetadataErrorCode =
  | 'NoSuchBucket'
  | 'BucketAlreadyExists'
  | 'BucketAlreadyOwnedByYou'
  | 'BucketNotEmpty'
  | 'NoSuchKey'
  | 'NoSuchUpload'
  | 'InvalidPart'
  | 'InvalidPartOrder'
  | 'EntityTooSmall'
  | 'PreconditionFailed'
  | 'ChunkMissing'
  | 'NoSuchVersion'
  | 'MethodNotAllowed'
  | 'AccessDenied'
  | 'InvalidArgument'
  | 'UserAlreadyExists'
  | 'AccessKeyInUse'
  | 'NoSuchUser'
  | 'UserOwnsBuckets'
  | 'TooManyUsers';

export class MetadataError extends Error {
  override name = 'MetadataError';
  constructor(readonly code: MetadataErrorCode, message?: string) {
    super(message ?? code);
  }
}
