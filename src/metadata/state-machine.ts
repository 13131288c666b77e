// The metadata state machine: applies one Command in one LMDB transaction. It is the only
// writer of the metadata tables, deterministic (time and ids come inside commands), and
// validates before it writes, so a rejected command changes nothing. Today the single-node
// server calls it directly; the Raft issue puts it behind a replicated log unchanged.

import { createHash } from 'node:crypto';
import { assert } from '../util/assert.js';
import { limits } from '../limits.js';
import { readStats, type MetaTables } from '../index/meta-db.js';
import { bucketPrefix, objectKey, partKey, partPrefix, prefixEnd, uploadKey } from '../index/keys.js';
import type { Command, CommandResult, NewChunk, WriteConditions } from './commands.js';
import { MetadataError } from './errors.js';
import type { ChunkRef, ObjectChecksum, ObjectRecord, PartRecord, StatsRecord } from './records.js';
import { createChecksum, parseChecksumAlgorithm } from '../pipeline/checksums.js';

export class StateMachine {
  private tx = new WriteBuffer();

  constructor(private readonly t: MetaTables) {}

  /**
   * Applies `cmd` atomically and durably (resolves after LMDB has flushed). Writes are
   * buffered and reach LMDB only when the whole command succeeded: lmdb-js does not roll
   * back a transaction callback that throws, so nothing may throw after a write.
   */
  async apply(cmd: Command): Promise<CommandResult> {
    let result: CommandResult = { type: 'ok' };
    let failure: unknown;
    await this.t.root.transaction(() => {
      this.tx = new WriteBuffer();
      try {
        result = this.applyInTxn(cmd);
        this.tx.flush();
      } catch (err) {
        failure = err;
      }
    });
    if (failure !== undefined) throw failure;
    await this.t.root.flushed;
    return result;
  }

  private applyInTxn(cmd: Command): CommandResult {
    switch (cmd.type) {
      case 'CreateBucket': {
        const existing = this.tx.get(this.t.buckets, cmd.bucket);
        if (existing) {
          if (existing.owner !== cmd.owner) throw new MetadataError('BucketAlreadyExists');
          // S3 answers 200 to the owner re-creating a bucket in us-east-1.
          if (cmd.region !== 'us-east-1' || existing.region !== 'us-east-1') throw new MetadataError('BucketAlreadyOwnedByYou');
          return { type: 'ok' };
        }
        this.tx.put(this.t.buckets, cmd.bucket, { v: 1, name: cmd.bucket, owner: cmd.owner, region: cmd.region, createdMs: cmd.nowMs });
        return { type: 'ok' };
      }
      case 'DeleteBucket': {
        this.requireBucket(cmd.bucket);
        if (this.hasAny(this.t.objects, bucketPrefix(cmd.bucket)) || this.hasAny(this.t.uploads, bucketPrefix(cmd.bucket))) {
          throw new MetadataError('BucketNotEmpty');
        }
        this.tx.remove(this.t.buckets, cmd.bucket);
        return { type: 'ok' };
      }
      case 'PutBucketConfig': {
        const b = this.tx.get(this.t.buckets, cmd.bucket);
        if (!b) throw new MetadataError('NoSuchBucket');
        this.tx.put(this.t.buckets, cmd.bucket, { ...b, config: withField(b.config, cmd.name, cmd.value) });
        return { type: 'ok' };
      }
      case 'PutObjectConfig': {
        this.requireBucket(cmd.bucket);
        const k = objectKey(cmd.bucket, cmd.key);
        const o = this.tx.get(this.t.objects, k);
        if (!o) throw new MetadataError('NoSuchKey');
        const object: ObjectRecord = { ...o, config: withField(o.config, cmd.name, cmd.value) };
        this.tx.put(this.t.objects, k, object);
        return { type: 'object', object };
      }
      case 'PutObject':
        return this.putObject(cmd.object, cmd.newChunks, cmd.conditions, cmd.nowMs);
      case 'DeleteObject': {
        this.requireBucket(cmd.bucket);
        const k = objectKey(cmd.bucket, cmd.key);
        const old = this.tx.get(this.t.objects, k);
        if (old) {
          this.releaseObject(old, cmd.nowMs);
          this.tx.remove(this.t.objects, k);
        }
        return { type: 'ok' };
      }
      case 'CreateUpload':
        this.requireBucket(cmd.upload.bucket);
        this.tx.put(this.t.uploads, uploadKey(cmd.upload.bucket, cmd.upload.key, cmd.upload.uploadId), cmd.upload);
        return { type: 'ok' };
      case 'PutPart': {
        this.requireUpload(cmd.bucket, cmd.key, cmd.uploadId);
        this.refChunks(cmd.part.chunks, cmd.newChunks);
        const pk = partKey(cmd.uploadId, cmd.part.partNumber);
        const old = this.tx.get(this.t.parts, pk);
        if (old) this.unrefChunks(old.chunks, cmd.nowMs);
        this.tx.put(this.t.parts, pk, cmd.part);
        return { type: 'ok' };
      }
      case 'CompleteUpload':
        return this.completeUpload(cmd);
      case 'AbortUpload': {
        this.requireUpload(cmd.bucket, cmd.key, cmd.uploadId);
        for (const { key, value } of this.t.parts.getRange(this.prefixRange(partPrefix(cmd.uploadId)))) {
          this.unrefChunks(value.chunks, cmd.nowMs);
          this.tx.remove(this.t.parts, key);
        }
        this.tx.remove(this.t.uploads, uploadKey(cmd.bucket, cmd.key, cmd.uploadId));
        return { type: 'ok' };
      }
      case 'ReclaimChunks': {
        const reclaimed: Uint8Array[] = [];
        const stats = this.stats();
        for (const fp of cmd.fps) {
          const k = Buffer.from(fp);
          const c = this.tx.get(this.t.chunks, k);
          if (!c || c.refs > 0 || c.zeroSinceMs === 0 || c.zeroSinceMs >= cmd.zeroBeforeMs) continue;
          this.tx.remove(this.t.chunks, k);
          stats.uniqueBytes -= c.rawSize;
          stats.compressedBytes -= c.storedSize;
          reclaimed.push(fp);
        }
        this.putStats(stats);
        return { type: 'reclaimed', fps: reclaimed };
      }
    }
  }

  private putObject(object: ObjectRecord, newChunks: NewChunk[], cond: WriteConditions, nowMs: number): CommandResult {
    this.requireBucket(object.bucket);
    const k = objectKey(object.bucket, object.key);
    const old = this.tx.get(this.t.objects, k);
    checkConditions(old, cond);
    this.refChunks(object.chunks, newChunks);
    if (old) this.releaseObject(old, nowMs);
    this.tx.put(this.t.objects, k, object);
    const stats = this.stats();
    stats.objects += 1;
    stats.logicalBytes += object.size;
    if (object.inline) {
      stats.uniqueBytes += object.inline.byteLength;
      stats.compressedBytes += object.inline.byteLength;
      stats.inlineBytes += object.inline.byteLength;
    }
    this.putStats(stats);
    return { type: 'object', object };
  }

  private completeUpload(cmd: Extract<Command, { type: 'CompleteUpload' }>): CommandResult {
    const upload = this.requireUpload(cmd.bucket, cmd.key, cmd.uploadId);
    if (cmd.parts.length === 0) throw new MetadataError('InvalidPart', 'You must specify at least one part');
    const chosen: PartRecord[] = [];
    let previous = 0;
    for (const p of cmd.parts) {
      if (p.partNumber <= previous) throw new MetadataError('InvalidPartOrder');
      previous = p.partNumber;
      const part = this.tx.get(this.t.parts, partKey(cmd.uploadId, p.partNumber));
      if (!part || part.etag !== p.etag) throw new MetadataError('InvalidPart');
      chosen.push(part);
    }
    for (let i = 0; i < chosen.length - 1; i++) {
      if (chosen[i]!.size < limits.partSizeBytesMin) throw new MetadataError('EntityTooSmall');
    }
    const k = objectKey(cmd.bucket, cmd.key);
    const old = this.tx.get(this.t.objects, k);
    checkConditions(old, cmd.conditions);

    const md5 = createHash('md5');
    const chunks: ChunkRef[] = [];
    let size = 0;
    for (const part of chosen) {
      md5.update(Buffer.from(part.etag, 'hex'));
      for (const c of part.chunks) chunks.push(c);
      size += part.size;
    }
    const object: ObjectRecord = {
      v: 1,
      bucket: cmd.bucket,
      key: cmd.key,
      size,
      etag: `${md5.digest('hex')}-${chosen.length}`,
      lastModifiedMs: cmd.nowMs,
      owner: upload.owner,
      contentType: upload.contentType,
      headers: upload.headers,
      userMeta: upload.userMeta,
      storageClass: upload.storageClass,
      chunks,
      parts: chosen.map((p) => ({ partNumber: p.partNumber, size: p.size, etag: p.etag, ...(p.checksum ? { checksum: p.checksum } : {}) })),
    };
    const composite = upload.checksumAlgorithm ? compositeChecksum(upload.checksumAlgorithm, chosen) : undefined;
    if (composite) object.checksum = composite;
    if (upload.sse) object.sse = upload.sse; // SSE: the parts were sealed in the upload's scope
    // The chosen parts' references move to the object; parts left out are released.
    const chosenNumbers = new Set(chosen.map((p) => p.partNumber));
    for (const { key, value } of this.t.parts.getRange(this.prefixRange(partPrefix(cmd.uploadId)))) {
      if (!chosenNumbers.has(value.partNumber)) this.unrefChunks(value.chunks, cmd.nowMs);
      this.tx.remove(this.t.parts, key);
    }
    this.tx.remove(this.t.uploads, uploadKey(cmd.bucket, cmd.key, cmd.uploadId));
    if (old) this.releaseObject(old, cmd.nowMs);
    this.tx.put(this.t.objects, k, object);
    const stats = this.stats();
    stats.objects += 1;
    stats.logicalBytes += size;
    this.putStats(stats);
    return { type: 'object', object };
  }

  private releaseObject(old: ObjectRecord, nowMs: number): void {
    this.unrefChunks(old.chunks, nowMs);
    const stats = this.stats();
    stats.objects -= 1;
    stats.logicalBytes -= old.size;
    if (old.inline) {
      stats.uniqueBytes -= old.inline.byteLength;
      stats.compressedBytes -= old.inline.byteLength;
      stats.inlineBytes -= old.inline.byteLength;
    }
    this.putStats(stats);
  }

  private refChunks(refs: ChunkRef[], newChunks: NewChunk[]): void {
    const fresh = new Map<string, NewChunk>();
    for (const n of newChunks) fresh.set(Buffer.from(n.fp).toString('hex'), n);
    let stats: StatsRecord | undefined;
    for (const ref of refs) {
      const k = Buffer.from(ref.fp);
      const c = this.tx.get(this.t.chunks, k);
      if (c) {
        this.tx.put(this.t.chunks, k, { ...c, refs: c.refs + 1, zeroSinceMs: 0 });
        continue;
      }
      const n = fresh.get(k.toString('hex'));
      // A deduplicated chunk that GC reclaimed between lookup and commit: refuse, never
      // commit a manifest that points at data which may be gone.
      if (!n) throw new MetadataError('ChunkMissing', `chunk ${k.toString('hex')} is not in the index`);
      this.tx.put(this.t.chunks, k, { v: 1, ...n.record, refs: 1, zeroSinceMs: 0 });
      stats ??= this.stats();
      stats.uniqueBytes += n.record.rawSize;
      stats.compressedBytes += n.record.storedSize;
    }
    if (stats) this.putStats(stats);
  }

  private unrefChunks(refs: ChunkRef[], nowMs: number): void {
    for (const ref of refs) {
      const k = Buffer.from(ref.fp);
      const c = this.tx.get(this.t.chunks, k);
      assert(c && c.refs > 0, `refcount underflow for chunk ${k.toString('hex')}`);
      const refsLeft = c.refs - 1;
      this.tx.put(this.t.chunks, k, { ...c, refs: refsLeft, zeroSinceMs: refsLeft === 0 ? nowMs : 0 });
    }
  }

  private requireBucket(bucket: string): void {
    if (!this.tx.get(this.t.buckets, bucket)) throw new MetadataError('NoSuchBucket');
  }

  private requireUpload(bucket: string, key: string, uploadId: string) {
    this.requireBucket(bucket);
    const u = this.tx.get(this.t.uploads, uploadKey(bucket, key, uploadId));
    if (!u) throw new MetadataError('NoSuchUpload');
    return u;
  }

  private hasAny(db: MetaTables['objects'] | MetaTables['uploads'], prefix: Buffer): boolean {
    for (const _ of db.getKeys({ ...this.prefixRange(prefix), limit: 1 })) return true;
    return false;
  }

  private prefixRange(prefix: Buffer): { start: Buffer; end?: Buffer } {
    const end = prefixEnd(prefix);
    return end ? { start: prefix, end } : { start: prefix };
  }

  private stats(): StatsRecord {
    return readStats(this.tx.get(this.t.system, 'stats'));
  }

  private putStats(s: StatsRecord): void {
    this.tx.put(this.t.system, 'stats', s);
  }
}

/** `config` with field `name` set to `value`, or removed when `value` is null. */
function withField<C extends object>(config: C | undefined, name: keyof C, value: C[keyof C] | null): C {
  const next = { ...config } as C;
  if (value === null) delete next[name];
  else next[name] = value;
  return next;
}

function checkConditions(old: ObjectRecord | undefined, cond: WriteConditions): void {
  if (cond.ifNoneMatch !== undefined) {
    if (old && (cond.ifNoneMatch === '*' || cond.ifNoneMatch === old.etag)) throw new MetadataError('PreconditionFailed');
  }
  if (cond.ifMatch !== undefined) {
    if (!old) throw new MetadataError('NoSuchKey');
    if (cond.ifMatch !== '*' && cond.ifMatch !== old.etag) throw new MetadataError('PreconditionFailed');
  }
}

/**
 * S3's composite checksum: the checksum of the concatenated binary part checksums, then
 * "-N". Computed here (a pure function of the parts) so every replica agrees; absent when a
 * part was uploaded without one.
 */
function compositeChecksum(algorithm: string, parts: PartRecord[]): ObjectChecksum | undefined {
  const alg = parseChecksumAlgorithm(algorithm);
  if (!alg || parts.some((p) => p.checksum === undefined || (p.checksumAlgorithm !== undefined && p.checksumAlgorithm !== alg))) return undefined;
  const sum = createChecksum(alg);
  for (const p of parts) sum.update(Buffer.from(p.checksum!, 'base64'));
  return { algorithm: alg, value: `${sum.digest().toString('base64')}-${parts.length}`, type: 'COMPOSITE' };
}


type AnyDb = { get(key: never): unknown; put(key: never, value: never): unknown; remove(key: never): unknown };

/** Writes of one command, visible to its own reads, applied to LMDB only on success. */
class WriteBuffer {
  private readonly writes = new Map<string, { db: AnyDb; key: unknown; value: unknown }>();
  private readonly ids = new Map<AnyDb, number>();

  private id(db: AnyDb, key: unknown): string {
    let n = this.ids.get(db);
    if (n === undefined) this.ids.set(db, (n = this.ids.size));
    return `${n}:${Buffer.isBuffer(key) ? key.toString('hex') : String(key)}`;
  }

  get<V, K>(db: { get(key: K): V | undefined }, key: K): V | undefined {
    const w = this.writes.get(this.id(db as unknown as AnyDb, key));
    if (w) return w.value as V | undefined;
    return db.get(key);
  }

  put<V, K>(db: { put(key: K, value: V): unknown }, key: K, value: V): void {
    this.writes.set(this.id(db as unknown as AnyDb, key), { db: db as unknown as AnyDb, key, value });
  }

  remove<K>(db: { remove(key: K): unknown }, key: K): void {
    this.writes.set(this.id(db as unknown as AnyDb, key), { db: db as unknown as AnyDb, key, value: undefined });
  }

  flush(): void {
    for (const { db, key, value } of this.writes.values()) {
      if (value === undefined) db.remove(key as never);
      else db.put(key as never, value as never);
    }
  }
}
