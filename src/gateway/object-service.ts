// The object service: buckets, objects, copies and listings in S3's terms, without HTTP or
// XML. Writes go through the state machine as commands; reads come straight from the
// metadata tables and the chunk store. Multipart lives in multipart.ts on the same parts.

import { randomBytes, randomUUID } from 'node:crypto';
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
import { listVersions, type VersionListPage, type VersionListQuery } from './version-listing.js';
import { Txn } from '../metadata/txn.js';
import { findVersion, newestVersion, type DeleteOutcome } from '../metadata/versions.js';
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
  /** Settings the write sets at once (Object Lock headers, the ACL of x-amz-acl / x-amz-grant-*). */
  config?: ObjectConfig;
  /** x-amz-tagging: the object's tags, set with the object in the same command. */
  tagging?: Record<string, string>;
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

  async createBucket(owner: string, bucket: string, region: string, config?: BucketConfig): Promise<void> {
    await this.apply({ type: 'CreateBucket', bucket, owner, region, nowMs: this.deps.now(), ...(config ? { config } : {}) });
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

  /** Sets (value) or deletes (null) one mutable setting of an object version (the latest by default). */
  async putObjectConfig<N extends keyof ObjectConfig>(
    bucket: string,
    key: string,
    name: N,
    value: ObjectConfig[N] | null,
    opts: { versionId?: string; bypassGovernance?: boolean } = {},
  ): Promise<ObjectRecord> {
    const r = await this.apply({ type: 'PutObjectConfig', bucket, key, name, value, ...opts, nowMs: this.deps.now() });
    if (r.type !== 'object') throw new Error('PutObjectConfig returned no object');
    return r.object;
  }

  /** Every bucket (of any owner) that has sub-resource `name` configured, for background workers. */
  *bucketsWithConfig(name: keyof BucketConfig): Generator<BucketRecord> {
    for (const { value } of this.t.buckets.getRange({})) if (value.config?.[name] !== undefined) yield value;
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

  /**
   * One version of a key ('null' for the null version); may be a delete marker, which the
   * caller answers as S3 does. Malformed ids are InvalidArgument, unknown ones NoSuchVersion.
   */
  getObjectVersion(bucket: string, key: string, versionId: string): ObjectRecord {
    this.getBucket(bucket);
    const found = findVersion(new Txn(this.t), bucket, key, versionId);
    if (!found) throw new MetadataError('NoSuchVersion');
    return found.record;
  }

  /** The key's newest version row (delete markers included), undefined when it has none. */
  newestVersion(bucket: string, key: string): ObjectRecord | undefined {
    return newestVersion(new Txn(this.t), bucket, key);
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
        ...(attrs.config || attrs.tagging ? { config: { ...attrs.config, ...(attrs.tagging ? { tagging: attrs.tagging } : {}) } } : {}),
        ...(written.inline ? { inline: body.encryption ? body.encryption.cipher.sealInline(written.inline) : written.inline } : {}),
        ...(body.encryption ? { sse: body.encryption.record } : {}),
        ...(checksum ? { checksum: { algorithm: checksum.algorithm, value: checksum.base64, type: 'FULL_OBJECT' as const } } : {}),
      };
      return await this.commit({ type: 'PutObject', object, newChunks: written.newChunks, conditions, nowMs: object.lastModifiedMs, versionNonce: versionNonce() });
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
    lock?: ObjectConfig,
  ): Promise<ObjectRecord> {
    this.getBucket(bucket);
    for (const c of src.chunks) this.deps.pins.pin(c.fp);
    try {
      const base: ObjectRecord = { ...src };
      // The copy keeps the source's tags (x-amz-tagging-directive COPY) unless attrs replace
      // them, never its retention, legal hold or ACL, and takes the lock headers given (`lock`).
      // A copy gets the ACL its request asked for (else private), never the source's.
      const config: ObjectConfig = { ...withoutAcl(copiedConfig(src.config)), ...attrs?.config, ...lock, ...(attrs?.tagging !== undefined ? { tagging: attrs.tagging } : {}) };
      if (Object.keys(config).length > 0) base.config = config;
      else delete base.config;
      // The copy is a new version of its own: none of the source's version identity.
      delete base.seq;
      delete base.versionId;
      delete base.deleteMarker;
      const object: ObjectRecord = {
        ...base,
        bucket,
        key,
        lastModifiedMs: this.deps.now(),
        ...(attrs
          ? { owner: attrs.owner, contentType: attrs.contentType, headers: attrs.headers, userMeta: attrs.userMeta }
          : {}),
        storageClass: attrs?.storageClass ? this.storageClass(attrs.storageClass).name : src.storageClass,
      };
      return await this.commit({ type: 'PutObject', object, newChunks: [], conditions, nowMs: object.lastModifiedMs, versionNonce: versionNonce() });
    } finally {
      this.deps.pins.unpinAll(src.chunks.map((c) => c.fp));
    }
  }

  /** Applies a command that stores an object and returns the record as stored (with its version). */
  private async commit(cmd: Command): Promise<ObjectRecord> {
    const r = await this.apply(cmd);
    if (r.type !== 'object') throw new Error(`${cmd.type} returned no object`);
    return r.object;
  }

  /**
   * DeleteObject: without versionId removes the object or adds a delete marker owned by
   * `owner`; with it removes exactly that version (Object Lock permitting).
   */
  async deleteObject(bucket: string, key: string, opts: { versionId?: string; owner?: string; bypassGovernance?: boolean } = {}): Promise<DeleteOutcome> {
    const r = await this.apply({ type: 'DeleteObject', bucket, key, nowMs: this.deps.now(), versionNonce: versionNonce(), ...opts });
    return r.type === 'deleted' ? { deleteMarker: r.deleteMarker, ...(r.versionId !== undefined ? { versionId: r.versionId } : {}) } : { deleteMarker: false };
  }

  listObjectVersions(bucket: string, q: VersionListQuery): VersionListPage {
    this.getBucket(bucket);
    return listVersions(this.t, bucket, q);
  }

  /** Deletes `object` (as a lifecycle expiry) only if it is still the current one; true if it did. */
  async expireObject(bucket: string, object: Pick<ObjectRecord, 'key' | 'etag' | 'lastModifiedMs'>): Promise<boolean> {
    const expect = { etag: object.etag, lastModifiedMs: object.lastModifiedMs };
    const r = await this.apply({ type: 'DeleteObject', bucket, key: object.key, nowMs: this.deps.now(), versionNonce: versionNonce(), expect });
    return r.type !== 'skipped';
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

  newVersionNonce(): Uint8Array {
    return versionNonce();
  }

  newUploadId(): string {
    return randomUUID().replace(/-/g, '') + randomUUID().replace(/-/g, '');
  }
}

/** Random bytes that make version ids unguessable; drawn by the gateway, carried in the command. */
function versionNonce(): Uint8Array {
  return randomBytes(8);
}

/** What a copy keeps of the source's settings: tags and such, never its Object Lock state. */
function copiedConfig(config: ObjectConfig | undefined): ObjectConfig | undefined {
  if (!config) return undefined;
  const next = { ...config };
  delete next.retention;
  delete next.legalHold;
  return next;
}

function withoutAcl(config: ObjectConfig | undefined): ObjectConfig {
  const rest = { ...config };
  delete rest.acl;
  return rest;
}
