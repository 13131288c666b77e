// The object service: buckets, objects, copies and listings in S3's terms, without HTTP or
// XML. Writes go through the state machine as commands; reads come straight from the
// metadata tables and the chunk store. Multipart lives in multipart.ts on the same parts.

import { randomUUID } from 'node:crypto';
import type { MetaTables } from '../index/meta-db.js';
import { objectKey } from '../index/keys.js';
import type { StateMachine } from '../metadata/state-machine.js';
import type { Command, WriteConditions } from '../metadata/commands.js';
import { MetadataError } from '../metadata/errors.js';
import type { BucketConfig, BucketRecord, ChunkRecord, ObjectConfig, ObjectRecord, StatsRecord } from '../metadata/records.js';
import { readStats } from '../index/meta-db.js';
import { writeObjectData, type WriteResult } from '../pipeline/write-path.js';
import { readObjectRange } from '../pipeline/read-path.js';
import type { ChunkIO } from '../pipeline/chunk-io.js';
import type { ChunkerParams } from '../pipeline/cdc.js';
import type { ChecksumAlgorithm } from '../pipeline/checksums.js';
import { storageClassByName, type StorageClass } from '../placement/index.js';
import { listObjects, listUploads, type ListPage, type ListQuery, type UploadListQuery } from './listing.js';
import type { PinSet } from './pins.js';
import { limits } from '../limits.js';
import type { UploadRecord } from '../metadata/records.js';
import type { ChunkCipher } from '../pipeline/encryption.js';
import type { ObjectEncryption } from './sse.js';

export interface ObjectServiceDeps {
  tables: MetaTables;
  stateMachine: StateMachine;
  chunkIO: ChunkIO;
  pins: PinSet;
  chunker: ChunkerParams;
  defaultStorageClass: string;
  now(): number;
  onDamaged?(fp: Uint8Array, fragments: number[]): void;
}

/** What a writer says about the object besides its bytes. */
export interface ObjectAttributes {
  owner: string;
  contentType: string;
  headers: Record<string, string>;
  userMeta: Record<string, string>;
  storageClass?: string;
}

export interface PutBody {
  data: AsyncIterable<Uint8Array>;
  /** An algorithm to compute here (when the client asked for one but sent no value to verify). */
  checksumAlgorithm?: ChecksumAlgorithm;
  /**
   * Runs after the body was fully read and before commit: verifies Content-MD5, and returns
   * the checksum the client sent and the payload verifier checked, if any.
   */
  verify?(written: WriteResult): BodyChecksum | undefined;
  /** SSE: seal the body in this scope (gateway/sse.ts). */
  encryption?: ObjectEncryption;
}

export interface BodyChecksum {
  algorithm: ChecksumAlgorithm;
  base64: string;
}

/** What the pipeline wrote, plus the client's verified checksum. */
export interface WrittenBody extends WriteResult {
  verifiedChecksum?: BodyChecksum;
}

/** The object's checksum: the one the client sent (verified), else the one computed on request. */
export function bodyChecksum(w: WrittenBody, algorithm: ChecksumAlgorithm | undefined): BodyChecksum | undefined {
  if (w.verifiedChecksum) return w.verifiedChecksum;
  if (w.checksum && algorithm) return { algorithm, base64: w.checksum.toString('base64') };
  return undefined;
}

export class ObjectService {
  constructor(readonly deps: ObjectServiceDeps) {}

  private get t() {
    return this.deps.tables;
  }

  private apply(cmd: Command) {
    return this.deps.stateMachine.apply(cmd);
  }

  storageClass(name?: string): StorageClass {
    return storageClassByName(name ?? this.deps.defaultStorageClass);
  }

  // Buckets.

  async createBucket(owner: string, bucket: string, region: string): Promise<void> {
    await this.apply({ type: 'CreateBucket', bucket, owner, region, nowMs: this.deps.now() });
  }

  async deleteBucket(bucket: string): Promise<void> {
    await this.apply({ type: 'DeleteBucket', bucket });
  }

  getBucket(bucket: string): BucketRecord {
    const b = this.t.buckets.get(bucket);
    if (!b) throw new MetadataError('NoSuchBucket');
    return b;
  }

  /** Sets (value) or deletes (null) one sub-resource configuration of `bucket`. */
  async putBucketConfig<N extends keyof BucketConfig>(bucket: string, name: N, value: BucketConfig[N] | null): Promise<void> {
    await this.apply({ type: 'PutBucketConfig', bucket, name, value });
  }

  /** One sub-resource configuration of `bucket`, undefined when not set. */
  bucketConfig<N extends keyof BucketConfig>(bucket: string, name: N): BucketConfig[N] | undefined {
    return this.getBucket(bucket).config?.[name];
  }

  /** Sets (value) or deletes (null) one mutable setting of an existing object. */
  async putObjectConfig<N extends keyof ObjectConfig>(bucket: string, key: string, name: N, value: ObjectConfig[N] | null): Promise<ObjectRecord> {
    const r = await this.apply({ type: 'PutObjectConfig', bucket, key, name, value });
    if (r.type !== 'object') throw new Error('PutObjectConfig returned no object');
    return r.object;
  }

  listBuckets(owner: string): BucketRecord[] {
    const out: BucketRecord[] = [];
    for (const { value } of this.t.buckets.getRange({})) if (value.owner === owner) out.push(value);
    return out;
  }

  // Objects.

  getObject(bucket: string, key: string): ObjectRecord {
    this.getBucket(bucket);
    const o = this.t.objects.get(objectKey(bucket, key));
    if (!o) throw new MetadataError('NoSuchKey');
    return o;
  }

  /** Streams bytes [start, endExclusive) of `object` (`encryption`: the cipher of an SSE object). */
  read(object: Pick<ObjectRecord, 'chunks' | 'inline'>, start: number, endExclusive: number, encryption?: ChunkCipher): AsyncGenerator<Buffer> {
    return readObjectRange(object, start, endExclusive, {
      chunkIO: this.deps.chunkIO,
      lookupChunk: (fp) => this.lookupChunk(fp),
      storageClass: (name) => storageClassByName(name),
      prefetchChunks: limits.chunksInFlightPerRequestMax,
      onDamaged: this.deps.onDamaged,
      ...(encryption ? { encryption } : {}),
    });
  }

  lookupChunk(fp: Uint8Array): ChunkRecord | undefined {
    return this.t.chunks.get(Buffer.from(fp));
  }

  /** Streams a body through the pipeline; the caller commits. Pins are released by `release`. */
  async writeData(body: PutBody, storageClass: StorageClass): Promise<WrittenBody> {
    const pinned: Uint8Array[] = [];
    try {
      const written = await writeObjectData(
        body.data,
        {
          chunkIO: this.deps.chunkIO,
          lookupChunk: (fp) => this.lookupChunk(fp),
          pin: (fp) => {
            this.deps.pins.pin(fp);
            pinned.push(fp);
          },
          chunker: this.deps.chunker,
          inlineBytesMax: limits.inlineObjectBytesMax,
          windowChunks: limits.chunksInFlightPerRequestMax,
        },
        { storageClass, checksumAlgorithm: body.checksumAlgorithm, ...(body.encryption ? { encryption: body.encryption.cipher } : {}) },
      );
      const verifiedChecksum = body.verify?.(written);
      return verifiedChecksum ? { ...written, verifiedChecksum } : written;
    } catch (err) {
      this.deps.pins.unpinAll(pinned);
      throw err;
    }
  }

  release(written: WriteResult): void {
    this.deps.pins.unpinAll(written.pinned);
  }

  async putObject(
    bucket: string,
    key: string,
    attrs: ObjectAttributes,
    body: PutBody,
    conditions: WriteConditions,
  ): Promise<ObjectRecord> {
    this.getBucket(bucket);
    const sc = this.storageClass(attrs.storageClass);
    const written = await this.writeData(body, sc);
    const checksum = bodyChecksum(written, body.checksumAlgorithm);
    try {
      const object: ObjectRecord = {
        v: 1,
        bucket,
        key,
        size: written.size,
        etag: written.md5.toString('hex'),
        lastModifiedMs: this.deps.now(),
        owner: attrs.owner,
        contentType: attrs.contentType,
        headers: attrs.headers,
        userMeta: attrs.userMeta,
        storageClass: sc.name,
        chunks: written.chunks,
        ...(written.inline ? { inline: body.encryption ? body.encryption.cipher.sealInline(written.inline) : written.inline } : {}),
        ...(body.encryption ? { sse: body.encryption.record } : {}),
        ...(checksum ? { checksum: { algorithm: checksum.algorithm, value: checksum.base64, type: 'FULL_OBJECT' as const } } : {}),
      };
      await this.apply({ type: 'PutObject', object, newChunks: written.newChunks, conditions, nowMs: object.lastModifiedMs });
      return object;
    } finally {
      this.release(written);
    }
  }

  /** Copies by reference: the new manifest points at the same chunks (no data is rewritten). */
  async copyObject(
    src: ObjectRecord,
    bucket: string,
    key: string,
    attrs: ObjectAttributes | undefined,
    conditions: WriteConditions,
  ): Promise<ObjectRecord> {
    this.getBucket(bucket);
    for (const c of src.chunks) this.deps.pins.pin(c.fp);
    try {
      const object: ObjectRecord = {
        ...src,
        bucket,
        key,
        lastModifiedMs: this.deps.now(),
        ...(attrs
          ? { owner: attrs.owner, contentType: attrs.contentType, headers: attrs.headers, userMeta: attrs.userMeta }
          : {}),
        storageClass: attrs?.storageClass ? this.storageClass(attrs.storageClass).name : src.storageClass,
      };
      await this.apply({ type: 'PutObject', object, newChunks: [], conditions, nowMs: object.lastModifiedMs });
      return object;
    } finally {
      this.deps.pins.unpinAll(src.chunks.map((c) => c.fp));
    }
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.apply({ type: 'DeleteObject', bucket, key, nowMs: this.deps.now() });
  }

  listObjects(bucket: string, q: ListQuery): ListPage<ObjectRecord> {
    this.getBucket(bucket);
    return listObjects(this.t, bucket, q);
  }

  listUploads(bucket: string, q: UploadListQuery): ListPage<UploadRecord> {
    this.getBucket(bucket);
    return listUploads(this.t, bucket, q);
  }

  stats(): StatsRecord {
    return readStats(this.t.system.get('stats'));
  }

  newUploadId(): string {
    return randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
  }
}
