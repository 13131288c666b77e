// S3 versioning inside the state machine. Layout (format version 1, see index/keys.ts):
//
//   objects  bucket\0key          → the key's latest version, only when it is not a delete
//                                   marker: what GET, HEAD and ListObjects read, so they
//                                   cost the same in versioned and unversioned buckets.
//   versions bucket\0key\0~seq    → every version and delete marker, newest first, for
//                                   buckets whose versioning was ever set.
//
// A bucket never versioned writes only `objects` (records without `seq`): it pays nothing.
// Once versioning is set, every write gets a seq and lands in both tables; a record still
// without seq (written before) is the key's null version and is moved into `versions` the
// first time its key is written or deleted again. Invariant: a key whose `objects` record
// has no seq has no rows in `versions`.
//
// Each stored version (not delete markers) holds its own chunk references and counts once
// in the stats; dropping a version releases exactly its references.

import { makeVersionId, objectKey, versionIdSeq, versionKey, versionPrefix, isVersionKeyOf } from '../index/keys.js';
import { MetadataError } from './errors.js';
import { assertDeletable } from './object-lock.js';
import type { BucketRecord, ObjectRecord } from './records.js';
import { prefixRange, type Txn } from './txn.js';

export interface DeleteOutcome {
  /** The version removed or the delete marker created; absent in unversioned buckets. */
  versionId?: string;
  deleteMarker: boolean;
}

const NO_NONCE = new Uint8Array(0);

/** The version id S3 shows for a stored record: 'null' for the null version. */
export function shownVersionId(o: ObjectRecord): string {
  return o.versionId ?? 'null';
}

function nextSeq(x: Txn): number {
  const seq = ((x.tx.get(x.t.system, 'versionSeq') as number | undefined) ?? 0) + 1;
  x.tx.put(x.t.system, 'versionSeq', seq);
  return seq;
}

/** Gives a record written before versioning its place in `versions` (as the null version). */
function migrateLegacy(x: Txn, latest: ObjectRecord | undefined): void {
  if (!latest || latest.seq !== undefined) return;
  const seq = nextSeq(x);
  const moved: ObjectRecord = { ...latest, seq };
  x.tx.put(x.t.versions, versionKey(latest.bucket, latest.key, seq), moved);
}

/** Removes the key's null version, if any (Suspended writes replace it). Scans before writing. */
function removeNullVersion(x: Txn, bucket: string, key: string, latest: ObjectRecord | undefined, nowMs: number): void {
  if (latest && latest.versionId === undefined) {
    if (latest.seq !== undefined) x.tx.remove(x.t.versions, versionKey(bucket, key, latest.seq));
    x.releaseObject(latest, nowMs);
    return;
  }
  const prefix = versionPrefix(bucket, key);
  for (const { key: vk, value } of x.t.versions.getRange(prefixRange(prefix))) {
    if (!isVersionKeyOf(vk, prefix) || value.versionId !== undefined) continue;
    x.tx.remove(x.t.versions, Buffer.from(vk));
    x.releaseObject(value, nowMs);
    return;
  }
}

/** Appends `rec` as the key's newest version (seq and version id assigned here). */
function appendVersion(x: Txn, bucket: BucketRecord, rec: ObjectRecord, nonce: Uint8Array): ObjectRecord {
  const seq = nextSeq(x);
  const stored: ObjectRecord = { ...rec, seq };
  delete stored.versionId;
  if (bucket.config?.versioning === 'Enabled') stored.versionId = makeVersionId(seq, nonce);
  x.tx.put(x.t.versions, versionKey(rec.bucket, rec.key, seq), stored);
  return stored;
}

/** Makes room for a new latest version of `key` as the bucket's versioning state says. */
function prepareNewLatest(x: Txn, bucket: BucketRecord, key: string, latest: ObjectRecord | undefined, nowMs: number): void {
  if (bucket.config?.versioning === 'Suspended') removeNullVersion(x, bucket.name, key, latest, nowMs);
  else migrateLegacy(x, latest);
}

/**
 * Stores `object` (chunks already referenced) as its key's new latest version. Unversioned:
 * replaces the previous object. Enabled: adds a version. Suspended: replaces the null version.
 */
export function commitObject(x: Txn, bucket: BucketRecord, object: ObjectRecord, nonce: Uint8Array | undefined, nowMs: number): ObjectRecord {
  const k = objectKey(object.bucket, object.key);
  const latest = x.tx.get(x.t.objects, k);
  const clean: ObjectRecord = { ...object };
  delete clean.seq;
  delete clean.versionId;
  delete clean.deleteMarker;
  let stored = clean;
  if (bucket.config?.versioning === undefined) {
    if (latest) x.releaseObject(latest, nowMs);
  } else {
    prepareNewLatest(x, bucket, object.key, latest, nowMs);
    stored = appendVersion(x, bucket, clean, nonce ?? NO_NONCE);
  }
  x.tx.put(x.t.objects, k, stored);
  x.countObject(stored);
  return stored;
}

/** DeleteObject without a version id: removes the object, or adds a delete marker. */
export function deleteLatest(x: Txn, bucket: BucketRecord, key: string, owner: string, nonce: Uint8Array | undefined, nowMs: number): DeleteOutcome {
  const k = objectKey(bucket.name, key);
  const latest = x.tx.get(x.t.objects, k);
  if (bucket.config?.versioning === undefined) {
    if (latest) {
      x.releaseObject(latest, nowMs);
      x.tx.remove(x.t.objects, k);
    }
    return { deleteMarker: false };
  }
  prepareNewLatest(x, bucket, key, latest, nowMs);
  const marker = appendVersion(
    x,
    bucket,
    { v: 1, bucket: bucket.name, key, size: 0, etag: '', lastModifiedMs: nowMs, owner, contentType: '', headers: {}, userMeta: {}, storageClass: 'STANDARD', chunks: [], deleteMarker: true },
    nonce ?? NO_NONCE,
  );
  x.tx.remove(x.t.objects, k);
  return { versionId: shownVersionId(marker), deleteMarker: true };
}

/** Where a version lives: its versions-table key, or none for a pre-versioning null version. */
export interface FoundVersion {
  record: ObjectRecord;
  vk?: Buffer;
}

/** The version `versionId` ('null' for the null version) of a key, or undefined. */
export function findVersion(x: Txn, bucket: string, key: string, versionId: string): FoundVersion | undefined {
  const latest = x.tx.get(x.t.objects, objectKey(bucket, key));
  if (versionId === 'null') {
    if (latest && latest.versionId === undefined) {
      return latest.seq === undefined ? { record: latest } : { record: latest, vk: versionKey(bucket, key, latest.seq) };
    }
    const prefix = versionPrefix(bucket, key);
    for (const { key: vk, value } of x.t.versions.getRange(prefixRange(prefix))) {
      if (isVersionKeyOf(vk, prefix) && value.versionId === undefined) return { record: x.tx.get(x.t.versions, Buffer.from(vk)) ?? value, vk: Buffer.from(vk) };
    }
    return undefined;
  }
  const seq = versionIdSeq(versionId);
  if (seq === undefined) throw new MetadataError('InvalidArgument', 'Invalid version id specified');
  const vk = versionKey(bucket, key, seq);
  const record = x.tx.get(x.t.versions, vk);
  if (!record || record.versionId !== versionId) return undefined;
  return { record, vk };
}

/** The key's two newest rows in `versions` (read from LMDB: call before writing them). */
function newestTwo(x: Txn, bucket: string, key: string): ObjectRecord[] {
  const prefix = versionPrefix(bucket, key);
  const out: ObjectRecord[] = [];
  for (const { key: vk, value } of x.t.versions.getRange(prefixRange(prefix))) {
    if (!isVersionKeyOf(vk, prefix)) continue;
    out.push(value);
    if (out.length === 2) break;
  }
  return out;
}

/** DeleteObject with a version id: removes exactly that version; a missing one is a no-op. */
export function deleteVersion(x: Txn, bucket: string, key: string, versionId: string, bypassGovernance: boolean, nowMs: number): DeleteOutcome {
  const found = findVersion(x, bucket, key, versionId);
  if (!found) return { versionId, deleteMarker: false };
  const { record, vk } = found;
  assertDeletable(record, bypassGovernance, nowMs);
  const k = objectKey(bucket, key);
  if (!vk) {
    x.releaseObject(record, nowMs);
    x.tx.remove(x.t.objects, k);
    return { versionId, deleteMarker: false };
  }
  const [newest, next] = newestTwo(x, bucket, key);
  x.tx.remove(x.t.versions, vk);
  x.releaseObject(record, nowMs);
  if (newest && newest.seq === record.seq) {
    // The latest went away: the next newer-than-all version (if not a marker) becomes it.
    const promoted = next ? x.tx.get(x.t.versions, versionKey(bucket, key, next.seq!)) : undefined;
    if (promoted && !promoted.deleteMarker) x.tx.put(x.t.objects, k, promoted);
    else x.tx.remove(x.t.objects, k);
  }
  return { versionId, deleteMarker: record.deleteMarker === true };
}

/** The key's newest row, delete markers included (undefined when none or never versioned). */
export function newestVersion(x: Txn, bucket: string, key: string): ObjectRecord | undefined {
  return newestTwo(x, bucket, key)[0];
}

/**
 * Applies `change` to one version (the latest when versionId is undefined), in `versions`
 * and, when it is the latest, in `objects` too. Delete markers have no settings: 405.
 */
export function updateVersion(
  x: Txn,
  bucket: string,
  key: string,
  versionId: string | undefined,
  change: (o: ObjectRecord) => ObjectRecord,
): ObjectRecord {
  const k = objectKey(bucket, key);
  let found: FoundVersion | undefined;
  if (versionId === undefined) {
    const latest = x.tx.get(x.t.objects, k);
    if (!latest) {
      if (newestVersion(x, bucket, key)?.deleteMarker) throw new MetadataError('MethodNotAllowed');
      throw new MetadataError('NoSuchKey');
    }
    found = latest.seq === undefined ? { record: latest } : { record: latest, vk: versionKey(bucket, key, latest.seq) };
  } else {
    found = findVersion(x, bucket, key, versionId);
    if (!found) throw new MetadataError('NoSuchVersion');
  }
  if (found.record.deleteMarker) throw new MetadataError('MethodNotAllowed');
  const next = change(found.record);
  if (found.vk) x.tx.put(x.t.versions, found.vk, next);
  const latest = x.tx.get(x.t.objects, k);
  if (latest && latest.seq === found.record.seq && latest.versionId === found.record.versionId) x.tx.put(x.t.objects, k, next);
  return next;
}
