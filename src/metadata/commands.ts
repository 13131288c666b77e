// Commands: every metadata change is one of these, applied by the state machine in one
// LMDB transaction. They carry everything the change depends on (time, ids, records), so
// applying the same command sequence gives the same state on every replica; the Raft log
// will carry them msgpack-encoded. Format version 1 (field `v` on the envelope).

import type { BucketConfig, ChunkRecord, ObjectConfig, ObjectRecord, PartRecord, UploadRecord, UserRecord } from './records.js';

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
  | { type: 'CreateBucket'; bucket: string; owner: string; region: string; nowMs: number }
  | { type: 'DeleteBucket'; bucket: string }
  /** Sets (value) or deletes (null) one sub-resource configuration of a bucket. */
  | { type: 'PutBucketConfig'; bucket: string; name: keyof BucketConfig; value: BucketConfig[keyof BucketConfig] | null }
  /** Sets (value) or deletes (null) one mutable setting of an existing object. */
  | { type: 'PutObjectConfig'; bucket: string; key: string; name: keyof ObjectConfig; value: ObjectConfig[keyof ObjectConfig] | null }
  | { type: 'PutObject'; object: ObjectRecord; newChunks: NewChunk[]; conditions: WriteConditions; nowMs: number }
  | { type: 'DeleteObject'; bucket: string; key: string; nowMs: number }
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
    }
  | { type: 'AbortUpload'; bucket: string; key: string; uploadId: string; nowMs: number }
  | { type: 'ReclaimChunks'; fps: Uint8Array[]; zeroBeforeMs: number }
  /** Users: applied by metadata/users.ts (name and access key unique; delete refused while the user owns buckets). */
  | { type: 'CreateUser'; user: UserRecord }
  | { type: 'DeleteUser'; name: string };

export type CommandResult =
  | { type: 'ok' }
  | { type: 'object'; object: ObjectRecord }
  | { type: 'reclaimed'; fps: Uint8Array[] };
