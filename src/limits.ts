// Every bound Tessera enforces, in one place (TigerStyle: put a limit on everything).
// Units are last in each name. Client input that exceeds a bound gets an S3 error;
// only a bug may trip an assert().

export const limits = Object.freeze({
  // S3 object keys and metadata (AWS: key ≤ 1024 bytes UTF-8, user metadata ≤ 2 KB).
  keyLengthBytesMax: 1024,
  userMetadataBytesMax: 2048,
  bucketNameLengthMin: 3,
  bucketNameLengthMax: 63,
  bucketsPerAccountMax: 10_000,

  // HTTP request framing.
  headerBytesMax: 16 * 1024,
  xmlBodyBytesMax: 1024 * 1024,
  deleteObjectsKeysMax: 1000,
  listKeysMax: 1000,
  objectSizeBytesMax: 5 * 1024 * 1024 * 1024 * 1024,
  putObjectSizeBytesMax: 5 * 1024 * 1024 * 1024,

  // aws-chunked framing: a chunk header line and a trailer block are small.
  awsChunkHeaderBytesMax: 4096,
  awsTrailerBytesMax: 16 * 1024,
  awsChunkSizeBytesMax: 64 * 1024 * 1024,

  // SigV4.
  clockSkewMsMax: 15 * 60 * 1000,
  presignedExpiresSecondsMin: 1,
  presignedExpiresSecondsMax: 604_800,

  // Multipart.
  partNumberMax: 10_000,
  partSizeBytesMin: 5 * 1024 * 1024,
  partSizeBytesMax: 5 * 1024 * 1024 * 1024,
  uploadsListMax: 1000,

  // Content-defined chunking defaults (bytes); see docs/chunking.md for the measurement.
  chunkSizeBytesMin: 64 * 1024,
  chunkSizeBytesAvg: 256 * 1024,
  chunkSizeBytesMax: 1024 * 1024,
  // Hard bounds any configuration must respect.
  chunkSizeBytesFloor: 1024,
  chunkSizeBytesCeiling: 8 * 1024 * 1024,

  // Objects up to this size are stored inline in metadata: a stripe of 6 fragments
  // costs more than the data.
  inlineObjectBytesMax: 4096,

  // Write path: how many chunks one request may have in flight through
  // compression + erasure coding + fragment writes at once.
  chunksInFlightPerRequestMax: 4,

  // Storage: segment files and group commit.
  segmentSizeBytesMax: 256 * 1024 * 1024,
  groupCommitBatchMax: 256,
  groupCommitDelayMs: 0,

  // GC: an unreferenced chunk is reclaimed only after this grace period.
  gcGracePeriodMs: 60 * 60 * 1000,
  gcIntervalMs: 10 * 60 * 1000,

  // Caches.
  manifestCacheEntriesMax: 10_000,
  chunkCacheEntriesMax: 100_000,

  // SigV4 authentication (src/s3/auth): derived signing keys kept per gateway, one per
  // access key, day, region and service.
  signingKeyCacheEntriesMax: 4096,
  // A browser-form POST policy (base64 as sent) and its number of conditions.
  postPolicyBytesMax: 20 * 1024,
  postPolicyConditionsMax: 100,

  // Shutdown.
  shutdownGraceMs: 10_000,
});

export type Limits = typeof limits;
