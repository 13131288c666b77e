// Records stored in the metadata tables (values are msgpack, lmdb's default encoding).
// Every record carries `v`, its format version; readers reject versions they do not know.
// Format version 1 is described field by field below. Fields added later are optional, so
// version 1 readers of older records see them absent (the versioning fields of ObjectRecord
// and BucketConfig were added this way; metadata/versions.ts describes how they are used).

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
  lifecycle?: LifecycleRule[];
  /** Absent: never versioned (writes keep only the latest, no version table rows). */
  versioning?: VersioningStatus;
  /** Present only on buckets created with Object Lock (it cannot be removed). */
  objectLock?: ObjectLockConfig;
  cors?: CorsRuleRecord[];
  acl?: StoredAcl;              // absent: private (owner FULL_CONTROL)
  policy?: string;              // the bucket policy JSON as accepted (validated, ≤ 20 KB)
  publicAccessBlock?: PublicAccessBlock;
  ownershipControls?: ObjectOwnership;
  encryption?: BucketEncryption;
}

/**
 * One lifecycle rule as PutBucketLifecycleConfiguration accepted it. The filter is kept in
 * the shape the client sent (legacy top-level Prefix, or Filter with one condition or an
 * And), so GetBucketLifecycleConfiguration answers with what was put.
 */
export interface LifecycleRule {
  id: string;
  enabled: boolean;
  /** Legacy form: <Rule><Prefix>…</Prefix> instead of <Filter>. */
  prefix?: string;
  filter?: LifecycleFilter;
  expiration?: { days?: number; dateMs?: number; expiredObjectDeleteMarker?: boolean };
  noncurrentVersionExpiration?: { noncurrentDays: number; newerNoncurrentVersions?: number };
  abortIncompleteMultipartUploadDays?: number;
}

export interface LifecycleFilter {
  prefix?: string;
  tag?: { key: string; value: string };
  objectSizeGreaterThan?: number;
  objectSizeLessThan?: number;
  and?: { prefix?: string; tags: { key: string; value: string }[]; objectSizeGreaterThan?: number; objectSizeLessThan?: number };
}

export type VersioningStatus = 'Enabled' | 'Suspended';
export type RetentionMode = 'GOVERNANCE' | 'COMPLIANCE';

export interface ObjectLockConfig {
  enabled: true;
  /** Default retention applied to new versions that carry none of their own. */
  rule?: { mode: RetentionMode; days?: number; years?: number };
}

/** An object version's retention: it may not be deleted or overwritten before retainUntilMs. */
export interface ObjectRetention {
  mode: RetentionMode;
  retainUntilMs: number;
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

/** One CORSRule as PutBucketCors validated it (src/s3/cors.ts). */
export interface CorsRuleRecord {
  id?: string;
  allowedMethods: string[];
  allowedOrigins: string[];
  allowedHeaders: string[];
  exposeHeaders: string[];
  maxAgeSeconds?: number;
}

/**
 * Per-object settings that can change after the object was written (tags, ACL, retention,
 * legal hold), stored on the object's record and changed through PutObjectConfig.
 */
export interface ObjectConfig {
  tagging?: Record<string, string>;
  retention?: ObjectRetention;
  legalHold?: boolean;    // true: ON; absent or false: OFF
  acl?: StoredAcl;              // absent: private (object owner FULL_CONTROL)
}

/** An ACL grant as stored (src/s3/access/acl.ts encodes and checks them). */
export interface StoredGrant {
  grantee: { type: 'CanonicalUser'; id: string } | { type: 'Group'; uri: string };
  permission: 'FULL_CONTROL' | 'WRITE' | 'WRITE_ACP' | 'READ' | 'READ_ACP';
}

/**
 * An access control list: a canned ACL by name (expanded when checked, since some name the
 * bucket owner), or explicit grants. The owner is the resource's owner, not stored here.
 */
export type StoredAcl = { canned: string } | { grants: StoredGrant[] };

export interface PublicAccessBlock {
  blockPublicAcls: boolean;
  ignorePublicAcls: boolean;
  blockPublicPolicy: boolean;
  restrictPublicBuckets: boolean;
}

export type ObjectOwnership = 'BucketOwnerEnforced' | 'BucketOwnerPreferred' | 'ObjectWriter';

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
  // Versioning (format version 1, optional fields; see metadata/versions.ts):
  /** Position in the versions table (a per-store sequence, newer is larger). Absent: the
   *  record was written while the bucket was never versioned and lives only in `objects`. */
  seq?: number;
  /** Absent: the "null" version. Otherwise base64url(u64be(seq) ‖ gateway nonce). */
  versionId?: string;
  /** A delete marker (size 0, no chunks, no body); never stored in `objects`. */
  deleteMarker?: true;
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
  tagging?: Record<string, string>;  // x-amz-tagging of CreateMultipartUpload, the object's tags on completion
  config?: ObjectConfig;  // settings the completed object starts with (its ACL)
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

/**
 * A user (an account of its own: it owns the buckets it creates). Keyed by access key id in
 * the `users` table. `id` is the canonical user id (64 hex digits, drawn when the user is
 * created, never reused); `name` is the display name and is unique.
 */
export interface UserRecord {
  v: 1;
  name: string;
  id: string;
  accessKeyId: string;
  secretAccessKey: string;  // needed to verify SigV4 signatures; never logged nor listed
  createdMs: number;
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
