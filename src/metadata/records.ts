// Records stored in the metadata tables (values are msgpack, lmdb's default encoding).
// Every record carries `v`, its format version; readers reject versions they do not know.
// Format version 1 is described field by field below.

export const RECORD_VERSION = 1 as const;

export interface BucketRecord {
  v: 1;
  name: string;
  owner: string;          // access key id of the creator
  region: string;         // LocationConstraint ('us-east-1' when none was given)
  createdMs: number;
  config?: BucketConfig;  // sub-resources set on the bucket (absent: none set)
}

/**
 * A bucket's sub-resource configurations, one field per S3 sub-resource, each stored as the
 * parsed, validated value its Put operation accepted (plain data: it crosses the Raft log).
 * A field absent means "never set / deleted". Each feature adds its field here; the
 * state machine stores them all through one command (PutBucketConfig).
 */
export interface BucketConfig {
  tagging?: Record<string, string>;
  encryption?: BucketEncryption;
}

/** PutBucketEncryption's default rule (s3/operations/put-bucket-encryption.ts). */
export interface BucketEncryption {
  sseAlgorithm: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  kmsMasterKeyId?: string;   // aws:kms: the built-in key the default writes with (absent: the account's default key)
  bucketKeyEnabled?: boolean;
}

/**
 * How an object (or an upload's parts) is encrypted at rest (pipeline/encryption.ts). Never
 * holds key material: SSE-S3 keys derive from the master key and `account`; SSE-C keys are
 * recognised by `keyHmac`, a keyed hash under a master-derived key.
 */
export interface SseRecord {
  mode: 'SSE-S3' | 'SSE-KMS' | 'SSE-C';
  account?: string;        // SSE-S3, SSE-KMS: the account whose scope encrypts (the bucket owner at write)
  kmsKeyId?: string;       // SSE-KMS: the key id (built-in, master-derived keys; absent: the account's default)
  keyMd5?: string;         // SSE-C: base64 MD5 of the customer key, as S3 echoes it
  keyHmac?: Uint8Array;    // SSE-C: HMAC-SHA256 of the customer key (32 bytes)
}

/**
 * Per-object settings that can change after the object was written (tags, ACL, retention,
 * legal hold), stored on the object's record and changed through PutObjectConfig.
 */
export interface ObjectConfig {
  tagging?: Record<string, string>;
}

/** One content-defined chunk of an object, in order. */
export interface ChunkRef {
  fp: Uint8Array;         // SHA-256 of the uncompressed chunk, or HMAC-SHA256 under a scope key when encrypted (32 bytes)
  size: number;           // uncompressed size in bytes
}

/** What the chunk index knows about one unique chunk. */
export interface ChunkRecord {
  v: 1;
  rawSize: number;        // uncompressed bytes
  storedSize: number;     // bytes after compression (what is erasure coded)
  codec: number;          // compression codec id (pipeline/compression.ts)
  storageClass: string;   // placement/ storage class name (k+m layout)
  fragmentSize: number;   // bytes per fragment
  refs: number;           // committed manifests and upload parts that reference it
  zeroSinceMs: number;    // when refs last dropped to 0 (0 while referenced); GC waits a grace period
  encryption?: number;    // absent: plain; 1: fragments hold AES-256-GCM sealed bytes (pipeline/encryption.ts format v1)
}

export type ChecksumType = 'FULL_OBJECT' | 'COMPOSITE';

export interface ObjectChecksum {
  algorithm: string;      // CRC32 | CRC32C | SHA1 | SHA256 | CRC64NVME
  value: string;          // base64, as S3 returns it (composite values end in -N)
  type: ChecksumType;
}

/** Part boundaries of an object assembled by CompleteMultipartUpload. */
export interface PartInfo {
  partNumber: number;
  size: number;
  etag: string;           // hex MD5 of the part, no quotes
  checksum?: string;      // base64 part checksum when the upload had an algorithm
}

export interface ObjectRecord {
  v: 1;
  bucket: string;
  key: string;
  size: number;
  etag: string;           // without quotes; multipart ETags end in -N
  lastModifiedMs: number;
  owner: string;
  contentType: string;
  headers: Record<string, string>;   // stored standard headers: cache-control, content-disposition, content-encoding, content-language, expires
  userMeta: Record<string, string>;  // x-amz-meta-* without the prefix, lower-case names
  checksum?: ObjectChecksum;
  storageClass: string;
  inline?: Uint8Array;    // the whole body, for small objects (no chunks then); sealed when `sse` is set
  chunks: ChunkRef[];
  parts?: PartInfo[];
  config?: ObjectConfig;
  sse?: SseRecord;        // server-side encryption (absent: stored in the clear)
}

export interface UploadRecord {
  v: 1;
  bucket: string;
  key: string;
  uploadId: string;
  owner: string;
  initiatedMs: number;
  contentType: string;
  headers: Record<string, string>;
  userMeta: Record<string, string>;
  storageClass: string;
  checksumAlgorithm?: string;
  checksumType?: ChecksumType;
  sse?: SseRecord;        // every part is encrypted in this scope; CompleteUpload copies it to the object
}

export interface PartRecord {
  v: 1;
  partNumber: number;
  size: number;
  etag: string;
  lastModifiedMs: number;
  chunks: ChunkRef[];
  checksum?: string;           // base64
  checksumAlgorithm?: string;  // of `checksum`
}

/** Running totals kept by the state machine, for tessera_bytes and stats. */
export interface StatsRecord {
  v: 1;
  objects: number;
  logicalBytes: number;      // sum of live object sizes
  uniqueBytes: number;       // sum of rawSize over chunks with refs > 0, plus inline bytes
  compressedBytes: number;   // sum of storedSize over chunks with refs > 0, plus inline bytes
  inlineBytes: number;       // bytes of bodies stored inline in metadata
}
