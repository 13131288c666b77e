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

  // ---- Pipeline: CDC, compression, erasure coding (owned by src/pipeline/) ----
  // zstd level for chunk compression: on backup-like data level 1 kept ~2% more
  // bytes than level 3 (and more than restic); see docs/chunking.md.
  compressionZstdLevel: 3,
  // A chunk stays compressed only if zstd saves at least 1/this of its size.
  compressionSavingsDivisorMin: 16,
  // Before compressing a chunk of at least 2 x slices x sliceBytes, a level-1
  // probe of that many evenly spaced slices decides whether to try at all.
  compressionProbeSlices: 4,
  compressionProbeSliceBytes: 4096,
  // @ronomon/reed-solomon supports k <= 24 and m <= 6; we cap k lower, since a
  // stripe is spread over k + m distinct drives.
  erasureDataFragmentsMax: 16,
  erasureParityFragmentsMax: 6,
  // Fragments are padded to a multiple of this (the native coder needs 8).
  erasureFragmentAlignBytes: 8,
  // ---- end pipeline ----

  // Shutdown.
  shutdownGraceMs: 10_000,
});

export type Limits = typeof limits;
