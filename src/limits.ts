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

  // ---- Raft (src/metadata/raft/) ----
  // Entry data bytes and entries per append message: one batch stays well under a frame.
  raftMessageBytesMax: 1024 * 1024,
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
  // ---- end Raft ----

  // Shutdown.
  shutdownGraceMs: 10_000,
});

export type Limits = typeof limits;
