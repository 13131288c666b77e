// On-disk format of segment files. Fragments are appended to segment files as
// self-describing records; the LMDB index (index-format.ts) says where each live
// record is. Records are position independent, so compaction copies them verbatim.
//
// Segment file `seg-<8 hex digits of the segment number>.tsg`, format version 1:
//
//   offset size  field
//   0      4     magic "TSEG"
//   4      1     version = 1
//   5      3     reserved, zero
//   8      4     segment number, u32 big-endian (must match the file name)
//   12     4     xxh32 (seed 0) of bytes 0..11
//   16     ...   records, back to back, no padding
//
// Record, format version 1:
//
//   offset size  field
//   0      4     magic "TFRG"
//   4      1     version = 1
//   5      1     id length L (1..255)
//   6      2     reserved, zero
//   8      4     data length N, u32 big-endian
//   12     8     xxh64 (seed 0) of the data, big-endian
//   20     4     xxh32 (seed 0) of bytes 0..19 followed by the id
//   24     L     fragment id
//   24+L   N     fragment data
//
// Bytes past the length the index records for a segment are a torn tail or were
// never committed: recovery truncates them and nothing ever serves them.

import type { Hasher } from './hasher.js';

export const SEGMENT_FORMAT_VERSION = 1;
export const RECORD_FORMAT_VERSION = 1;
export const SEGMENT_HEADER_BYTES = 16;
export const RECORD_HEADER_BYTES = 24;

const SEGMENT_MAGIC = 0x54534547; // "TSEG"
const RECORD_MAGIC = 0x54465247; // "TFRG"
const SEGMENT_NAME = /^seg-([0-9a-f]{8})\.tsg$/;

/** File name of a segment: derived from its number only, never from object keys. */
export function segmentFileName(segmentNo: number): string {
  return `seg-${segmentNo.toString(16).padStart(8, '0')}.tsg`;
}

/** Segment number of a file name, or null for files that are not segments. */
export function parseSegmentFileName(name: string): number | null {
  const match = SEGMENT_NAME.exec(name);
  return match === null ? null : Number.parseInt(match[1]!, 16);
}

export function encodeSegmentHeader(segmentNo: number, hasher: Hasher): Buffer {
  const header = Buffer.alloc(SEGMENT_HEADER_BYTES);
  header.writeUInt32BE(SEGMENT_MAGIC, 0);
  header.writeUInt8(SEGMENT_FORMAT_VERSION, 4);
  header.writeUInt32BE(segmentNo, 8);
  header.writeUInt32BE(hasher.h32(header.subarray(0, 12)), 12);
  return header;
}

/** Total on-disk size of a record for an id and data of these lengths. */
export function recordLengthBytes(idLengthBytes: number, dataLengthBytes: number): number {
  return RECORD_HEADER_BYTES + idLengthBytes + dataLengthBytes;
}

/**
 * Header and id of a record, ready to be written followed by the data. The data
 * checksum is passed in because the caller already computed it for the index.
 */
export function encodeRecordHead(id: Uint8Array, dataLengthBytes: number, checksum: bigint, hasher: Hasher): Buffer {
  const head = Buffer.alloc(RECORD_HEADER_BYTES + id.length);
  head.writeUInt32BE(RECORD_MAGIC, 0);
  head.writeUInt8(RECORD_FORMAT_VERSION, 4);
  head.writeUInt8(id.length, 5);
  head.writeUInt32BE(dataLengthBytes, 8);
  head.writeBigUInt64BE(checksum, 12);
  head.set(id, RECORD_HEADER_BYTES);
  head.writeUInt32BE(headChecksum(head, id.length, hasher), 20);
  return head;
}

/** What a record must contain to be served for an index entry. */
export interface RecordExpectation {
  id: Uint8Array;
  dataLengthBytes: number;
  checksum: bigint;
}

/**
 * Verifies a whole record read from a segment against its index entry and returns
 * the data (a view into `record`), or a reason string when anything disagrees.
 */
export function decodeRecord(record: Buffer, expected: RecordExpectation, hasher: Hasher): Buffer | string {
  const idLength = expected.id.length;
  if (record.length !== recordLengthBytes(idLength, expected.dataLengthBytes)) return 'short read';
  if (record.readUInt32BE(0) !== RECORD_MAGIC) return 'bad record magic';
  if (record.readUInt8(4) !== RECORD_FORMAT_VERSION) return `record version ${record.readUInt8(4)}`;
  if (record.readUInt8(5) !== idLength) return 'id length mismatch';
  if (record.readUInt32BE(8) !== expected.dataLengthBytes) return 'data length mismatch';
  if (record.readBigUInt64BE(12) !== expected.checksum) return 'header checksum field mismatch';
  if (record.readUInt32BE(20) !== headChecksum(record, idLength, hasher)) return 'header checksum mismatch';
  const id = record.subarray(RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + idLength);
  if (!id.equals(expected.id)) return 'id mismatch';
  const data = record.subarray(RECORD_HEADER_BYTES + idLength);
  if (hasher.h64(data) !== expected.checksum) return 'data checksum mismatch';
  return data;
}

// The header checksum covers bytes 0..19 and the id, skipping its own field. They are
// gathered into one scratch buffer for the hash call (reused: this runs for every
// fragment written or read, and is synchronous, so one buffer per thread is enough).
let headScratch = Buffer.allocUnsafe(20 + 64);

function headChecksum(head: Buffer, idLength: number, hasher: Hasher): number {
  if (headScratch.length < 20 + idLength) headScratch = Buffer.allocUnsafe(20 + idLength);
  head.copy(headScratch, 0, 0, 20);
  head.copy(headScratch, 20, RECORD_HEADER_BYTES, RECORD_HEADER_BYTES + idLength);
  return hasher.h32(headScratch.subarray(0, 20 + idLength));
}
