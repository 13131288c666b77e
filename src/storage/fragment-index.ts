// The LMDB index of one drive (formats in index-format.ts), plus an in-memory
// mirror of the per-segment bookkeeping so that stats() and the compaction policy
// need no database scan. Every mutation runs inside commit(), one LMDB write
// transaction that is durable (flushed) before commit() resolves.

import { open, type RootDatabase, type Database } from 'lmdb';
import {
  STORE_FORMAT_VERSION, decodeLocation, decodePositionKey, decodeSegmentKey, decodeSegmentMeta,
  encodeLocation, encodeSegmentMeta, positionKey, segmentKey, type FragmentLocation, type SegmentMeta,
} from './index-format.js';
import { UnsupportedFormatError } from './errors.js';
import { recordLengthBytes } from './segment-format.js';
import { assert } from '../util/assert.js';

type BinaryDb = Database<Buffer, Buffer>;

export class FragmentIndex {
  /** Mirror of the "segments" database; changed only inside commit(). */
  readonly segments = new Map<number, SegmentMeta>();
  private readonly dirty = new Set<number>();
  private inCommit = false;

  private constructor(
    private readonly root: RootDatabase,
    private readonly fragments: BinaryDb,
    private readonly bySegment: BinaryDb,
    private readonly segmentsDb: BinaryDb,
  ) {}

  static async open(path: string): Promise<FragmentIndex> {
    const root = open({ path, noSubdir: true });
    const binary = { keyEncoding: 'binary', encoding: 'binary' } as const;
    const meta = root.openDB<Buffer, string>({ name: 'meta', encoding: 'binary' });
    const index = new FragmentIndex(
      root,
      root.openDB<Buffer, Buffer>({ name: 'fragments', ...binary }),
      root.openDB<Buffer, Buffer>({ name: 'bySegment', ...binary }),
      root.openDB<Buffer, Buffer>({ name: 'segments', ...binary }),
    );
    const format = meta.getBinary('format');
    if (format === undefined) {
      await meta.put('format', Buffer.from([STORE_FORMAT_VERSION]));
      await root.flushed;
    } else if (format[0] !== STORE_FORMAT_VERSION) {
      await root.close();
      throw new UnsupportedFormatError('fragment store', format[0] ?? 0);
    }
    index.reloadSegments();
    return index;
  }

  lookup(id: Uint8Array): FragmentLocation | undefined {
    const value = this.fragments.getBinary(Buffer.from(id.buffer, id.byteOffset, id.byteLength));
    return value === undefined ? undefined : decodeLocation(value);
  }

  has(id: Uint8Array): boolean {
    return this.fragments.doesExist(Buffer.from(id.buffer, id.byteOffset, id.byteLength));
  }

  /** Up to `limit` fragment ids in key order, strictly after `after` when given. */
  idsPage(after: Buffer | undefined, limit: number): Buffer[] {
    const ids: Buffer[] = [];
    for (const key of this.fragments.getKeys({ start: after, limit: limit + 1 })) {
      if (after !== undefined && key.equals(after)) continue;
      if (ids.length === limit) break;
      ids.push(Buffer.from(key));
    }
    return ids;
  }

  /** Live records of a segment at or after `fromOffset`, in file order. */
  recordsInSegment(segmentNo: number, fromOffset = 0): Array<{ offset: number; id: Buffer }> {
    const records: Array<{ offset: number; id: Buffer }> = [];
    const range = { start: positionKey(segmentNo, fromOffset), end: positionKey(segmentNo + 1, 0) };
    for (const { key, value } of this.bySegment.getRange(range)) {
      records.push({ offset: decodePositionKey(key).offset, id: Buffer.from(value) });
    }
    return records;
  }

  /**
   * Runs `fn` in one write transaction and resolves once it is durable. lmdb-js
   * batches async transaction callbacks into one LMDB transaction and does not
   * roll back a plain callback that throws; a child transaction does, so a
   * failing `fn` leaves no partial change behind.
   */
  async commit(fn: () => void): Promise<void> {
    try {
      await this.root.childTransaction(() => {
        this.inCommit = true;
        try {
          fn();
          this.writeDirtySegments();
        } finally {
          this.inCommit = false;
        }
      });
      await this.root.flushed;
    } catch (err) {
      // The transaction aborted, so the mirror may hold changes LMDB does not.
      this.dirty.clear();
      this.reloadSegments();
      throw err;
    }
  }

  /**
   * Points `id` at a new record, releasing its previous record if it had one.
   * `knownAbsent` skips looking for that previous record: the writer passes it for
   * puts it planned because the id was absent (one LMDB read less per fragment).
   */
  putFragment(id: Uint8Array, location: FragmentLocation, knownAbsent = false): void {
    assert(this.inCommit, 'putFragment outside commit');
    const key = Buffer.from(id.buffer, id.byteOffset, id.byteLength);
    if (!knownAbsent) this.removeFragment(key);
    this.fragments.putSync(key, encodeLocation(location));
    this.bySegment.putSync(positionKey(location.segmentNo, location.offset), key);
    this.adjustLive(location.segmentNo, id.length, location.dataLengthBytes, +1);
  }

  /** Drops `id` from the index; its record becomes dead space. False if absent. */
  removeFragment(id: Uint8Array): boolean {
    assert(this.inCommit, 'removeFragment outside commit');
    const key = Buffer.from(id.buffer, id.byteOffset, id.byteLength);
    const old = this.lookup(key);
    if (old === undefined) return false;
    this.fragments.removeSync(key);
    this.bySegment.removeSync(positionKey(old.segmentNo, old.offset));
    this.adjustLive(old.segmentNo, id.length, old.dataLengthBytes, -1);
    return true;
  }

  /**
   * Records the committed length of a segment and the prefix of it known to be
   * fsync'd, registering the segment if it is new.
   */
  setSegmentLength(segmentNo: number, lengthBytes: number, syncedBytes: number): void {
    assert(this.inCommit, 'setSegmentLength outside commit');
    assert(syncedBytes <= lengthBytes, 'synced prefix longer than the segment');
    const meta = this.segments.get(segmentNo) ??
      { lengthBytes: 0, liveRecords: 0, liveRecordBytes: 0, liveDataBytes: 0, syncedBytes: 0 };
    meta.lengthBytes = lengthBytes;
    meta.syncedBytes = syncedBytes;
    this.segments.set(segmentNo, meta);
    this.dirty.add(segmentNo);
  }

  /** Notes that a segment's whole committed length is now known to be fsync'd. */
  markSynced(segmentNo: number): void {
    assert(this.inCommit, 'markSynced outside commit');
    const meta = this.segments.get(segmentNo);
    if (meta === undefined || meta.syncedBytes === meta.lengthBytes) return;
    meta.syncedBytes = meta.lengthBytes;
    this.dirty.add(segmentNo);
  }

  /** Unregisters a segment; its live records must already have been moved or dropped. */
  removeSegment(segmentNo: number): void {
    assert(this.inCommit, 'removeSegment outside commit');
    for (const { offset, id } of this.recordsInSegment(segmentNo)) {
      const location = this.lookup(id);
      if (location !== undefined && location.segmentNo === segmentNo && location.offset === offset) {
        this.removeFragment(id);
      } else {
        this.bySegment.removeSync(positionKey(segmentNo, offset));
      }
    }
    this.segments.delete(segmentNo);
    this.dirty.delete(segmentNo);
    this.segmentsDb.removeSync(segmentKey(segmentNo));
  }

  async close(): Promise<void> {
    await this.root.flushed;
    await this.root.close();
  }

  private adjustLive(segmentNo: number, idLength: number, dataLength: number, sign: 1 | -1): void {
    const meta = this.segments.get(segmentNo);
    assert(meta !== undefined, `segment ${segmentNo} is not registered`);
    meta.liveRecords += sign;
    meta.liveRecordBytes += sign * recordLengthBytes(idLength, dataLength);
    meta.liveDataBytes += sign * dataLength;
    assert(meta.liveRecords >= 0 && meta.liveRecordBytes >= 0, `segment ${segmentNo} live counts went negative`);
    this.dirty.add(segmentNo);
  }

  private writeDirtySegments(): void {
    for (const segmentNo of this.dirty) {
      const meta = this.segments.get(segmentNo);
      if (meta !== undefined) this.segmentsDb.putSync(segmentKey(segmentNo), encodeSegmentMeta(meta));
    }
    this.dirty.clear();
  }

  private reloadSegments(): void {
    this.segments.clear();
    for (const { key, value } of this.segmentsDb.getRange({})) {
      this.segments.set(decodeSegmentKey(key), decodeSegmentMeta(value));
    }
  }
}
