// Every bound Tessera enforces, in one place (TigerStyle: put a limit on everything).
// Units are last in each name. Client input that exceeds a bound gets an S3 error;
// only a bug may trip an assert().

export const limits = Object.freeze({
  // S3 object keys and metadata (AWS: key ≤ 1024 bytes UTF-8, user metadata ≤ 2 KB).
  keyLengthBytesMax: 1024,
  userMetadataBytesMax: 2048,
  /** KMSMasterKeyID of PutBucketEncryption (an ARN or alias; stored and echoed only). */
  kmsKeyIdBytesMax: 2048,
  bucketNameLengthMin: 3,
  bucketNameLengthMax: 63,
  bucketsPerAccountMax: 10_000,

  // HTTP request framing.
  headerBytesMax: 16 * 1024,
  xmlBodyBytesMax: 1024 * 1024,
  // A refused request's body up to this size is read and discarded after the error answer,
  // so a client still sending it gets the answer and keeps its connection (s3/body.ts).
  refusedBodyDrainBytesMax: 8 * 1024 * 1024,
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

  // Versioning: our version ids are ~22 characters; anything much longer is not one of ours.
  versionIdLengthMax: 64,
  versionsListMax: 1000,
  // Object Lock default retention: AWS allows up to 100 years.
  lockRetentionDaysMax: 36_500,
  lockRetentionYearsMax: 100,

  // Content-defined chunking defaults (bytes); see docs/chunking.md for the measurement.
  chunkSizeBytesMin: 128 * 1024,
  chunkSizeBytesAvg: 256 * 1024,
  chunkSizeBytesMax: 1024 * 1024,
  // Hard bounds any configuration must respect.
  chunkSizeBytesFloor: 1024,
  chunkSizeBytesCeiling: 8 * 1024 * 1024,

  // Objects up to this size are stored inline in metadata: a stripe of 6 fragments
  // costs more than the data.
  inlineObjectBytesMax: 4096,

  // Write path: how many chunks one request may have in flight through
  // compression + erasure coding + fragment writes at once (and how many a GET prefetches).
  // Measured on a quiet machine with a 256 MiB unique PUT: 16 → 63–69 MB/s, 32 → 88–90
  // (peak RSS 176 MiB), 128 → 94–104 (209 MiB): more chunks per group commit, fewer commits.
  chunksInFlightPerRequestMax: 32,
  // Idle chunk and stripe buffers the write path keeps for reuse (buffer-pool.ts), in
  // bytes, for the whole process; buffers larger than the second row are never pooled.
  writeBufferPoolIdleBytesMax: 64 * 1024 * 1024,
  writeBufferPoolBufferBytesMax: 4 * 1024 * 1024,
  // Ingest worker (pipeline/ingest.ts): threads doing MD5 + chunking + SHA-256 of write
  // streams (0 = on the event loop), the slab of body bytes the worker is handed at a
  // time, slab bytes one stream may hold, and idle slabs kept for reuse (process-wide).
  ingestWorkers: 1,
  ingestSlabBytes: 512 * 1024,
  ingestSessionBytesMax: 4 * 1024 * 1024,
  ingestIdleSlabsMax: 32,
  // Bodies up to this size are hashed and chunked on the event loop, without the worker.
  ingestWorkerBytesMin: 512 * 1024,

  // Storage: segment files and group commit.
  segmentSizeBytesMax: 256 * 1024 * 1024,
  groupCommitBatchMax: 256,
  groupCommitDelayMs: 0,

  // ---- Storage: fragment store (src/storage/, owned by the storage area) ----
  // A fragment id is opaque bytes (34 today: fingerprint + u16 index); the record
  // header stores its length in one byte.
  fragmentIdBytesMax: 64,
  // A fragment is at most a whole chunk (REPLICA class) plus codec framing.
  fragmentSizeBytesMax: 16 * 1024 * 1024,
  // One group commit writes at most this many bytes before its fsync, so a burst of
  // large fragments cannot make one batch (and its memory) unbounded.
  groupCommitBatchBytesMax: 64 * 1024 * 1024,
  // Puts and deletes waiting for a group commit; beyond this, callers get STORAGE_BUSY.
  fragmentOpsQueuedMax: 16_384,
  // Segment files kept open for reads per drive; idle ones beyond this are closed.
  segmentFdsOpenMax: 256,
  // compact() rewrites a sealed segment whose live bytes fall below this share.
  compactLiveRatioMax: 0.5,
  // compact() copies records through a buffer of at most this size before writing.
  compactWriteBufferBytesMax: 8 * 1024 * 1024,
  // scrub() default rate, and how many index entries it reads per snapshot.
  scrubBytesPerSecondMax: 64 * 1024 * 1024,
  scrubIdsPerPageMax: 1024,
  // ---- end of storage block ----

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
  // ---- Raft (src/metadata/raft/) ----
  // Entry data bytes and entries per append message: one batch stays well under a frame.
  raftMessageBytesMax: 1024 * 1024,
  // A member address ("host:port") in a configuration change.
  raftMemberAddressBytesMax: 300,
  raftEntriesPerMessageMax: 4096,
  // Append messages in flight per follower (pipelining window).
  raftInflightMessagesMax: 256,
  // Proposals are refused (backpressure) while this many entries are uncommitted.
  raftUncommittedEntriesMax: 100_000,
  // Committed entries handed to the state machine per Ready batch.
  raftApplyEntriesPerReadyMax: 8192,
  // ReadIndex requests queued at a leader at once.
  raftReadsPendingMax: 100_000,
  // Client sessions remembered for at-most-once proposals; the least recently used is
  // evicted (deterministically, in log order) beyond this.
  raftSessionsMax: 10_000,
  // Raft TCP transport: the largest frame accepted, the socket buffer beyond which messages
  // to a slow peer are dropped (Raft retransmits), and frames queued while dialling.
  raftFrameBytesMax: 8 * 1024 * 1024,
  raftPeerSendBufferBytesMax: 16 * 1024 * 1024,
  raftPeerPendingFramesMax: 256,
  // Inbound connections accepted at once (peers, plus strangers until they fail the
  // handshake), and how long a connection may take to authenticate.
  raftInboundConnectionsMax: 64,
  raftHandshakeTimeoutMs: 2000,
  // Raft snapshots: a node snapshots its state machine once this many entries were applied
  // since the last snapshot (RaftNode's default); snapshots travel in pieces of this size with
  // at most this many bytes unacknowledged; a receiver refuses a snapshot beyond the maximum;
  // a transfer without an acknowledgement for this long is restarted from the last one.
  raftSnapshotThresholdEntries: 10_000,
  raftSnapshotChunkBytes: 256 * 1024,
  raftSnapshotOutstandingBytesMax: 2 * 1024 * 1024,
  raftSnapshotBytesMax: 1024 * 1024 * 1024,
  raftSnapshotStallMs: 2000,
  // ---- end Raft ----
  // SigV4 authentication (src/s3/auth): derived signing keys kept per gateway, one per
  // access key, day, region and service.
  signingKeyCacheEntriesMax: 4096,
  // A browser-form POST policy (base64 as sent) and its number of conditions.
  postPolicyBytesMax: 20 * 1024,
  postPolicyConditionsMax: 100,
  // POST Object form fields before the file part: how many, and the bytes of one value and
  // of all of them (a field holds at most the policy, which is capped above).
  postFormFieldsMax: 100,
  postFormFieldBytesMax: 24 * 1024,
  postFormFieldsBytesMax: 64 * 1024,

  // CORS configuration (AWS: at most 100 rules, a document of at most 64 KB).
  corsRulesMax: 100,
  corsConfigBytesMax: 64 * 1024,

  // Tags (AWS): per object and per bucket; key and value lengths in Unicode characters.
  objectTagsMax: 10,
  bucketTagsMax: 50,
  tagKeyCharsMax: 128,
  tagValueCharsMax: 256,

  // Shutdown.
  shutdownGraceMs: 10_000,

  // S3 HTTP connections: keep-alive between requests, the time allowed to send headers,
  // and how long a socket may stay silent (mid-body too) before it is closed.
  httpKeepAliveMs: 30_000,
  httpHeadersTimeoutMs: 60_000,
  httpSocketIdleMs: 120_000,

  // Repair: damaged chunks waiting to have their fragments rewritten; how often the
  // scrubber re-reads every fragment (at most limits.scrubBytesPerSecondMax).
  repairQueueChunksMax: 10_000,
  scrubIntervalMs: 24 * 60 * 60 * 1000,

  // GC: chunks reclaimed per ReclaimChunks command (bounds one metadata transaction).
  gcReclaimBatchMax: 256,

  // Lifecycle (AWS: 1,000 rules, ids of 255 characters): how often the worker scans, the
  // length of a lifecycle "day" (shorter only in tests), and the most entries one pass
  // examines per bucket before yielding to the next (the next pass resumes there).
  lifecycleRulesMax: 1000,
  lifecycleRuleIdLengthMax: 255,
  lifecycleIntervalMs: 60 * 60 * 1000,
  lifecycleDayMs: 24 * 60 * 60 * 1000,
  lifecycleEntriesPerPassMax: 100_000,

  // --- Placement (src/placement/) ---
  // Fragments per chunk (k+m); the placement hash salts positions with 8 bits.
  placementFragmentsPerChunkMax: 32,
  // Cluster map shape. The encoding stores counts in 16 bits; these keep maps and the
  // per-placement scratch buffers small enough for Raft entries and cheap compilation.
  placementZonesMax: 256,
  placementNodesPerZoneMax: 4096,
  placementDrivesPerNodeMax: 256,
  placementDrivesMax: 1_000_000,
  placementIdBytesMax: 64,
  // Drive weight is an integer (e.g. GiB of capacity).
  placementWeightMax: 0xffff_ffff,
  // --- end placement ---
  // ---- Access: users, ACLs, bucket policies (src/metadata/users.ts, src/s3/access/) ----
  usersMax: 10_000,
  userNameLengthMax: 64,
  accessKeyIdLengthMin: 3,
  accessKeyIdLengthMax: 128,
  secretAccessKeyLengthMin: 8,
  secretAccessKeyLengthMax: 128,
  // Admin API request bodies are a few small JSON fields.
  adminBodyBytesMax: 16 * 1024,
  // Account lookups by access key kept in front of the users table.
  accountCacheEntriesMax: 4096,
  accountCacheTtlMs: 5_000,
  // AWS: at most 100 grants per ACL; a bucket policy is at most 20 KB.
  aclGrantsMax: 100,
  bucketPolicyBytesMax: 20 * 1024,
  bucketPolicyStatementsMax: 100,
  // Parsed policies kept per gateway (src/s3/access/policy-cache.ts).
  policyCacheEntriesMax: 1024,
  // ---- end access ----
});

export type Limits = typeof limits;
