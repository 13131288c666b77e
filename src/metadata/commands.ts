// Commands: every metadata change is one of these, applied by the state machine in one
// LMDB transaction. They carry everything the change depends on (time, ids, records), so
// applying the same command sequence gives the same state on every replica; the Raft log
// will carry them msgpack-encoded. Format version 1 (field `v` on the envelope).

import type { BucketConfig, ChunkRecord, ObjectChecksum, ObjectConfig, ObjectRecord, PartRecord, UploadRecord, UserRecord } from './records.js';

/** A chunk the writer stored itself: inserted if absent, otherwise its refcount grows. */
export interface NewChunk {
  fp: Uint8Array;
  record: Omit<ChunkRecord, 'refs' | 'zeroSinceMs' | 'v'>;
}

export interface WriteConditions {
  ifMatch?: string;        // ETag without quotes, or '*'
  ifNoneMatch?: string;    // '*' (or an ETag)
}

export type Command =
  /** `config`: settings the bucket is born with (Object Lock can only be set at creation). */
  | { type: 'CreateBucket'; bucket: string; owner: string; region: string; nowMs: number; config?: BucketConfig }
  | { type: 'DeleteBucket'; bucket: string }
  /** Sets (value) or deletes (null) one sub-resource configuration of a bucket. */
  | { type: 'PutBucketConfig'; bucket: string; name: keyof BucketConfig; value: BucketConfig[keyof BucketConfig] | null }
  /**
   * Sets (value) or deletes (null) one mutable setting of an existing object version: the
   * latest when versionId is absent. Object Lock fields are checked against nowMs.
   */
  | {
      type: 'PutObjectConfig';
      bucket: string;
      key: string;
      name: keyof ObjectConfig;
      value: ObjectConfig[keyof ObjectConfig] | null;
      versionId?: string;
      bypassGovernance?: boolean;
      nowMs?: number;
    }
  /** versionNonce: random bytes from the gateway that make the new version's id (versions.ts). */
  | { type: 'PutObject'; object: ObjectRecord; newChunks: NewChunk[]; conditions: WriteConditions; nowMs: number; versionNonce?: Uint8Array }
  /**
   * Without versionId: delete (unversioned) or add a delete marker owned by `owner`. With
   * `expect`, only if the key's current version is still that one (lifecycle expiry must never
   * take a newer object written after its scan); otherwise a no-op answered 'skipped'.
   */
  | {
      type: 'DeleteObject';
      bucket: string;
      key: string;
      nowMs: number;
      versionId?: string;
      owner?: string;
      versionNonce?: Uint8Array;
      bypassGovernance?: boolean;
      expect?: { etag: string; lastModifiedMs: number };
    }
  | { type: 'CreateUpload'; upload: UploadRecord }
  | { type: 'PutPart'; bucket: string; key: string; uploadId: string; part: PartRecord; newChunks: NewChunk[]; nowMs: number }
  | {
      type: 'CompleteUpload';
      bucket: string;
      key: string;
      uploadId: string;
      parts: { partNumber: number; etag: string; checksum?: string }[];
      conditions: WriteConditions;
      nowMs: number;
      versionNonce?: Uint8Array;
      /** The object's checksum, computed from the parts by the gateway (FULL_OBJECT or COMPOSITE). */
      checksum?: ObjectChecksum;
    }
  | { type: 'AbortUpload'; bucket: string; key: string; uploadId: string; nowMs: number }
  | { type: 'ReclaimChunks'; fps: Uint8Array[]; zeroBeforeMs: number }
  /** Users: applied by metadata/users.ts (name and access key unique; delete refused while the user owns buckets). */
  | { type: 'CreateUser'; user: UserRecord }
  | { type: 'DeleteUser'; name: string };

export type CommandResult =
  | { type: 'ok' }
  | { type: 'skipped' }
  | { type: 'object'; object: ObjectRecord }
  | { type: 'deleted'; versionId?: string; deleteMarker: boolean }
  | { type: 'reclaimed'; fps: Uint8Array[] };
