// Keys and values of the per-drive LMDB index (file `index.mdb` in the drive
// directory). Four named databases, all with binary keys and values:
//
//   "fragments"  key: fragment id (opaque bytes)
//                value v1, 24 bytes: version=1 u8 | reserved u8 | segment u32 BE |
//                offset u48 BE | data length u32 BE | xxh64 of the data u64 BE
//   "bySegment"  key: segment u32 BE | offset u48 BE (10 bytes; sorts by position)
//                value: fragment id. Lets compaction and recovery visit one
//                segment's live records in order without scanning every fragment.
//   "segments"   key: segment u32 BE
//                value v1, 30 bytes: version=1 u8 | reserved u8 | committed length
//                u48 BE | live records u32 BE | live record bytes u48 BE | live
//                data bytes u48 BE | synced length u48 BE. A segment file that has
//                no entry here is an orphan (an interrupted creation or
//                compaction) and is deleted. The synced length is the prefix that
//                was fsync'd before this entry was committed: the writer fsyncs a
//                batch's records while it commits their index entries, so on open
//                the records between the synced and committed lengths (at most
//                one batch) are verified and dropped if their bytes never landed.
//   "meta"       key "format": value u8, the store format version (1).
//
// Keys, and the bySegment value, carry no version byte of their own: the store
// format version in "meta" covers them, and open() refuses any other version.
//
// The committed length moves in the same transaction as the fragment entries, so
// after a crash the index and the segment tails always agree on what was written.

import { UnsupportedFormatError } from './errors.js';

export const INDEX_FORMAT_VERSION = 1;
export const STORE_FORMAT_VERSION = 1;
const LOCATION_BYTES = 24;
const SEGMENT_META_BYTES = 30;

/** Where a fragment's record lives, and what its data must hash to. */
export interface FragmentLocation {
  segmentNo: number;
  offset: number;
  dataLengthBytes: number;
  checksum: bigint;
}

/** Per-segment bookkeeping that compaction and stats() rely on. */
export interface SegmentMeta {
  lengthBytes: number;
  liveRecords: number;
  liveRecordBytes: number;
  liveDataBytes: number;
  /** Prefix known to be fsync'd when this entry committed; the rest is verified on open. */
  syncedBytes: number;
}

export function encodeLocation(location: FragmentLocation): Buffer {
  const value = Buffer.alloc(LOCATION_BYTES);
  value.writeUInt8(INDEX_FORMAT_VERSION, 0);
  value.writeUInt32BE(location.segmentNo, 2);
  value.writeUIntBE(location.offset, 6, 6);
  value.writeUInt32BE(location.dataLengthBytes, 12);
  value.writeBigUInt64BE(location.checksum, 16);
  return value;
}

export function decodeLocation(value: Uint8Array): FragmentLocation {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  checkVersion('fragment index entry', buf);
  return {
    segmentNo: buf.readUInt32BE(2),
    offset: buf.readUIntBE(6, 6),
    dataLengthBytes: buf.readUInt32BE(12),
    checksum: buf.readBigUInt64BE(16),
  };
}

export function encodeSegmentMeta(meta: SegmentMeta): Buffer {
  const value = Buffer.alloc(SEGMENT_META_BYTES);
  value.writeUInt8(INDEX_FORMAT_VERSION, 0);
  value.writeUIntBE(meta.lengthBytes, 2, 6);
  value.writeUInt32BE(meta.liveRecords, 8);
  value.writeUIntBE(meta.liveRecordBytes, 12, 6);
  value.writeUIntBE(meta.liveDataBytes, 18, 6);
  value.writeUIntBE(meta.syncedBytes, 24, 6);
  return value;
}

export function decodeSegmentMeta(value: Uint8Array): SegmentMeta {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  checkVersion('segment index entry', buf);
  return {
    lengthBytes: buf.readUIntBE(2, 6),
    liveRecords: buf.readUInt32BE(8),
    liveRecordBytes: buf.readUIntBE(12, 6),
    liveDataBytes: buf.readUIntBE(18, 6),
    syncedBytes: buf.readUIntBE(24, 6),
  };
}

export function segmentKey(segmentNo: number): Buffer {
  const key = Buffer.alloc(4);
  key.writeUInt32BE(segmentNo, 0);
  return key;
}

export function decodeSegmentKey(key: Uint8Array): number {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).readUInt32BE(0);
}

export function positionKey(segmentNo: number, offset: number): Buffer {
  const key = Buffer.alloc(10);
  key.writeUInt32BE(segmentNo, 0);
  key.writeUIntBE(offset, 4, 6);
  return key;
}

export function decodePositionKey(key: Uint8Array): { segmentNo: number; offset: number } {
  const buf = Buffer.from(key.buffer, key.byteOffset, key.byteLength);
  return { segmentNo: buf.readUInt32BE(0), offset: buf.readUIntBE(4, 6) };
}

function checkVersion(what: string, buf: Buffer): void {
  const version = buf.length > 0 ? buf.readUInt8(0) : 0;
  if (version !== INDEX_FORMAT_VERSION) throw new UnsupportedFormatError(what, version);
}
