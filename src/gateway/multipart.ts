// Multipart uploads on the object service: parts are written through the same pipeline
// and hold chunk references until Complete moves them to the object or Abort drops them.

import type { WriteConditions } from '../metadata/commands.js';
import { MetadataError } from '../metadata/errors.js';
import type { ChecksumType, ObjectChecksum, ObjectRecord, PartRecord, SseRecord, UploadRecord } from '../metadata/records.js';
import { uploadChecksum } from './upload-checksum.js';
import { partKey, partPrefix, prefixEnd, uploadKey } from '../index/keys.js';
import { bodyChecksum, type ObjectAttributes, type ObjectService, type PutBody } from './object-service.js';
import type { ChecksumAlgorithm } from '../pipeline/checksums.js';
import { writeObjectData } from '../pipeline/write-path.js';

export class MultipartService {
  constructor(private readonly objects: ObjectService) {}

  private get deps() {
    return this.objects.deps;
  }

  async create(
    bucket: string,
    key: string,
    attrs: ObjectAttributes,
    checksum?: { algorithm: ChecksumAlgorithm; type: ChecksumType },
    sse?: SseRecord,
  ): Promise<UploadRecord> {
    this.objects.getBucket(bucket);
    const upload: UploadRecord = {
      v: 1,
      bucket,
      key,
      uploadId: this.objects.newUploadId(),
      owner: attrs.owner,
      initiatedMs: this.deps.now(),
      contentType: attrs.contentType,
      headers: attrs.headers,
      userMeta: attrs.userMeta,
      storageClass: this.objects.storageClass(attrs.storageClass).name,
      ...(attrs.config ? { config: attrs.config } : {}),
      ...(checksum ? { checksumAlgorithm: checksum.algorithm, checksumType: checksum.type } : {}),
      ...(attrs.tagging ? { tagging: attrs.tagging } : {}),
      ...(sse ? { sse } : {}),
    };
    await this.deps.stateMachine.apply({ type: 'CreateUpload', upload });
    return upload;
  }

  getUpload(bucket: string, key: string, uploadId: string): UploadRecord {
    this.objects.getBucket(bucket);
    const u = this.deps.tables.uploads.get(uploadKey(bucket, key, uploadId));
    if (!u) throw new MetadataError('NoSuchUpload');
    return u;
  }

  async uploadPart(bucket: string, key: string, uploadId: string, partNumber: number, body: PutBody): Promise<PartRecord> {
    const upload = this.getUpload(bucket, key, uploadId);
    const written = await this.objects.writeData(body, this.objects.storageClass(upload.storageClass));
    const checksum = bodyChecksum(written, body.checksumAlgorithm);
    const pinnedSmall: Uint8Array[] = [];
    try {
      const part: PartRecord = {
        v: 1,
        partNumber,
        size: written.size,
        etag: written.md5.toString('hex'),
        lastModifiedMs: this.deps.now(),
        // Parts are never inline: Complete concatenates chunk lists.
        chunks: written.inline ? [] : written.chunks,
        ...(checksum ? { checksum: checksum.base64, checksumAlgorithm: checksum.algorithm } : {}),
      };
      let newChunks = written.newChunks;
      if (written.inline && written.inline.byteLength > 0) {
        const stored = await this.storeInlineAsChunk(written.inline, upload.storageClass, body, (fp) => {
          this.deps.pins.pin(fp);
          pinnedSmall.push(fp);
        });
        part.chunks = stored.chunks;
        newChunks = stored.newChunks;
      }
      await this.deps.stateMachine.apply({ type: 'PutPart', bucket, key, uploadId, part, newChunks, nowMs: part.lastModifiedMs });
      return part;
    } finally {
      // Unpinned only after the commit, so GC cannot take a chunk the part is about to reference.
      this.objects.release(written);
      this.deps.pins.unpinAll(pinnedSmall);
    }
  }

  /** A small part still needs chunks (objects assembled from parts have no inline body). */
  private async storeInlineAsChunk(data: Buffer, storageClass: string, body: PutBody, pin: (fp: Uint8Array) => void) {
    const one = async function* () {
      yield data;
    };
    // inlineBytesMax -1 forces chunking.
    return writeObjectData(
      one(),
      {
        chunkIO: this.deps.chunkIO,
        lookupChunk: (fp) => this.objects.lookupChunk(fp),
        pin,
        chunker: this.deps.chunker,
        inlineBytesMax: -1,
        windowChunks: 1,
      },
      { storageClass: this.objects.storageClass(storageClass), ...(body.encryption ? { encryption: body.encryption.cipher } : {}) },
    );
  }

  async complete(
    bucket: string,
    key: string,
    uploadId: string,
    parts: { partNumber: number; etag: string; checksum?: string }[],
    conditions: WriteConditions,
    verifyChecksum?: (c: ObjectChecksum | undefined) => void,
  ): Promise<ObjectRecord> {
    const upload = this.getUpload(bucket, key, uploadId);
    // The object's checksum is computed here from the parts named (the state machine checks
    // they exist with these ETags) and travels in the command, so every replica stores the same.
    const chosen = parts.map((p) => (p.partNumber >= 1 && p.partNumber <= 0xffff ? this.deps.tables.parts.get(partKey(uploadId, p.partNumber)) : undefined));
    const checksum = chosen.every((p, i) => p && p.etag === parts[i]!.etag) ? uploadChecksum(upload, chosen as PartRecord[]) : undefined;
    verifyChecksum?.(checksum);
    const result = await this.deps.stateMachine.apply({
      type: 'CompleteUpload',
      bucket,
      key,
      uploadId,
      parts,
      conditions,
      nowMs: this.deps.now(),
      versionNonce: this.objects.newVersionNonce(),
      ...(checksum ? { checksum } : {}),
    });
    if (result.type !== 'object') throw new Error('CompleteUpload returned no object');
    return result.object;
  }

  async abort(bucket: string, key: string, uploadId: string): Promise<void> {
    await this.deps.stateMachine.apply({ type: 'AbortUpload', bucket, key, uploadId, nowMs: this.deps.now() });
  }

  listParts(bucket: string, key: string, uploadId: string, afterPart: number, maxParts: number) {
    const upload = this.getUpload(bucket, key, uploadId);
    const prefix = partPrefix(uploadId);
    const parts: PartRecord[] = [];
    let isTruncated = false;
    const end = prefixEnd(prefix);
    for (const { value } of this.deps.tables.parts.getRange({ start: partKey(uploadId, afterPart + 1 > 0xffff ? 0xffff : afterPart + 1), ...(end ? { end } : {}) })) {
      if (value.partNumber <= afterPart) continue;
      if (parts.length === maxParts) {
        isTruncated = true;
        break;
      }
      parts.push(value);
    }
    return { upload, parts, isTruncated };
  }
}
