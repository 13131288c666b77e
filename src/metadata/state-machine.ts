// The metadata state machine: applies one Command in one LMDB transaction. It is the only
// writer of the metadata tables, deterministic (time and ids come inside commands), and
// validates before it writes, so a rejected command changes nothing. Today the single-node
// server calls it directly; the Raft issue puts it behind a replicated log unchanged.

import { createHash } from 'node:crypto';
import { limits } from '../limits.js';
import type { MetaTables } from '../index/meta-db.js';
import { bucketPrefix, objectKey, partKey, partPrefix, uploadKey } from '../index/keys.js';
import type { Command, CommandResult, NewChunk, WriteConditions } from './commands.js';
import { MetadataError } from './errors.js';
import type { ChunkRef, ObjectChecksum, ObjectRecord, PartRecord } from './records.js';
import { createChecksum, parseChecksumAlgorithm } from '../pipeline/checksums.js';
import { prefixRange, Txn } from './txn.js';
import { commitObject, deleteLatest, deleteVersion, updateVersion } from './versions.js';
import { assertConfigChange, withDefaultRetention } from './object-lock.js';
import { applyUserCommand } from './users.js';

export class StateMachine {
  private x: Txn;

  constructor(private readonly t: MetaTables) {
    this.x = new Txn(t);
  }

  private get tx() {
    return this.x.tx;
  }

  /**
   * Applies `cmd` atomically and durably (resolves after LMDB has flushed). Writes are
   * buffered and reach LMDB only when the whole command succeeded: lmdb-js does not roll
   * back a transaction callback that throws, so nothing may throw after a write.
   */
  async apply(cmd: Command): Promise<CommandResult> {
    let result: CommandResult = { type: 'ok' };
    let failure: unknown;
    await this.t.root.transaction(() => {
      this.x = new Txn(this.t);
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
        this.tx.put(this.t.buckets, cmd.bucket, {
          v: 1, name: cmd.bucket, owner: cmd.owner, region: cmd.region, createdMs: cmd.nowMs, ...(cmd.config ? { config: cmd.config } : {}),
        });
        return { type: 'ok' };
      }
      case 'DeleteBucket': {
        this.x.requireBucket(cmd.bucket);
        const p = bucketPrefix(cmd.bucket);
        if (this.x.hasAny(this.t.objects, p) || this.x.hasAny(this.t.versions, p) || this.x.hasAny(this.t.uploads, p)) {
          throw new MetadataError('BucketNotEmpty');
        }
        this.tx.remove(this.t.buckets, cmd.bucket);
        return { type: 'ok' };
      }
      case 'PutBucketConfig': {
        const b = this.x.requireBucket(cmd.bucket);
        this.tx.put(this.t.buckets, cmd.bucket, { ...b, config: withField(b.config, cmd.name, cmd.value) });
        return { type: 'ok' };
      }
      case 'PutObjectConfig': {
        this.x.requireBucket(cmd.bucket);
        const object = updateVersion(this.x, cmd.bucket, cmd.key, cmd.versionId, (o) => {
          assertConfigChange(o, cmd.name, cmd.value, cmd.bypassGovernance === true, cmd.nowMs ?? 0);
          return { ...o, config: withField(o.config, cmd.name, cmd.value) };
        });
        return { type: 'object', object };
      }
      case 'PutObject':
        return this.putObject(cmd.object, cmd.newChunks, cmd.conditions, cmd.nowMs, cmd.versionNonce);
      case 'DeleteObject': {
        const b = this.x.requireBucket(cmd.bucket);
        if (cmd.expect) {
          const cur = this.x.tx.get(this.t.objects, objectKey(cmd.bucket, cmd.key));
          if (!cur || cur.etag !== cmd.expect.etag || cur.lastModifiedMs !== cmd.expect.lastModifiedMs) return { type: 'skipped' };
        }
        const out = cmd.versionId !== undefined
          ? deleteVersion(this.x, cmd.bucket, cmd.key, cmd.versionId, cmd.bypassGovernance === true, cmd.nowMs)
          : deleteLatest(this.x, b, cmd.key, cmd.owner ?? b.owner, cmd.versionNonce, cmd.nowMs);
        return { type: 'deleted', ...out };
      }
      case 'CreateUpload':
        this.x.requireBucket(cmd.upload.bucket);
        this.tx.put(this.t.uploads, uploadKey(cmd.upload.bucket, cmd.upload.key, cmd.upload.uploadId), cmd.upload);
        return { type: 'ok' };
      case 'PutPart': {
        this.requireUpload(cmd.bucket, cmd.key, cmd.uploadId);
        this.x.refChunks(cmd.part.chunks, cmd.newChunks);
        const pk = partKey(cmd.uploadId, cmd.part.partNumber);
        const old = this.tx.get(this.t.parts, pk);
        if (old) this.x.unrefChunks(old.chunks, cmd.nowMs);
        this.tx.put(this.t.parts, pk, cmd.part);
        return { type: 'ok' };
      }
      case 'CompleteUpload':
        return this.completeUpload(cmd);
      case 'AbortUpload': {
        this.requireUpload(cmd.bucket, cmd.key, cmd.uploadId);
        for (const { key, value } of this.t.parts.getRange(prefixRange(partPrefix(cmd.uploadId)))) {
          this.x.unrefChunks(value.chunks, cmd.nowMs);
          this.tx.remove(this.t.parts, key);
        }
        this.tx.remove(this.t.uploads, uploadKey(cmd.bucket, cmd.key, cmd.uploadId));
        return { type: 'ok' };
      }
      case 'ReclaimChunks': {
        const reclaimed: Uint8Array[] = [];
        const stats = this.x.stats();
        for (const fp of cmd.fps) {
          const k = Buffer.from(fp);
          const c = this.tx.get(this.t.chunks, k);
          if (!c || c.refs > 0 || c.zeroSinceMs === 0 || c.zeroSinceMs >= cmd.zeroBeforeMs) continue;
          this.tx.remove(this.t.chunks, k);
          stats.uniqueBytes -= c.rawSize;
          stats.compressedBytes -= c.storedSize;
          reclaimed.push(fp);
        }
        this.x.putStats(stats);
        return { type: 'reclaimed', fps: reclaimed };
      }
      case 'CreateUser':
      case 'DeleteUser':
        return applyUserCommand(this.tx, this.t, cmd);
    }
  }

  private putObject(object: ObjectRecord, newChunks: NewChunk[], cond: WriteConditions, nowMs: number, nonce: Uint8Array | undefined): CommandResult {
    const bucket = this.x.requireBucket(object.bucket);
    const old = this.tx.get(this.t.objects, objectKey(object.bucket, object.key));
    checkConditions(old, cond);
    this.x.refChunks(object.chunks, newChunks);
    const stored = commitObject(this.x, bucket, withDefaultRetention(bucket, object, nowMs), nonce, nowMs);
    return { type: 'object', object: stored };
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
    const bucket = this.x.requireBucket(cmd.bucket);
    const old = this.tx.get(this.t.objects, objectKey(cmd.bucket, cmd.key));
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
      ...(upload.config || upload.tagging ? { config: { ...upload.config, ...(upload.tagging ? { tagging: upload.tagging } : {}) } } : {}),
      chunks,
      parts: chosen.map((p) => ({ partNumber: p.partNumber, size: p.size, etag: p.etag, ...(p.checksum ? { checksum: p.checksum } : {}) })),
    };
    const composite = cmd.checksum ?? (upload.checksumAlgorithm && upload.checksumType !== 'FULL_OBJECT' ? compositeChecksum(upload.checksumAlgorithm, chosen) : undefined);
    if (composite) object.checksum = composite;
    if (upload.sse) object.sse = upload.sse; // SSE: the parts were sealed in the upload's scope
    // The chosen parts' references move to the object; parts left out are released.
    const chosenNumbers = new Set(chosen.map((p) => p.partNumber));
    for (const { key, value } of this.t.parts.getRange(prefixRange(partPrefix(cmd.uploadId)))) {
      if (!chosenNumbers.has(value.partNumber)) this.x.unrefChunks(value.chunks, cmd.nowMs);
      this.tx.remove(this.t.parts, key);
    }
    this.tx.remove(this.t.uploads, uploadKey(cmd.bucket, cmd.key, cmd.uploadId));
    const stored = commitObject(this.x, bucket, withDefaultRetention(bucket, object, cmd.nowMs), cmd.versionNonce, cmd.nowMs);
    return { type: 'object', object: stored };
  }

  private requireUpload(bucket: string, key: string, uploadId: string) {
    this.x.requireBucket(bucket);
    const u = this.tx.get(this.t.uploads, uploadKey(bucket, key, uploadId));
    if (!u) throw new MetadataError('NoSuchUpload');
    return u;
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
