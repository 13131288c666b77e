import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHasher } from '../../../src/storage/hasher.js';
import {
  RECORD_HEADER_BYTES, SEGMENT_HEADER_BYTES, decodeRecord, encodeRecordHead, encodeSegmentHeader,
  parseSegmentFileName, recordLengthBytes, segmentFileName,
} from '../../../src/storage/segment-format.js';

const hasher = await createHasher();

function record(id: Uint8Array, data: Uint8Array): { bytes: Buffer; checksum: bigint } {
  const checksum = hasher.h64(data);
  return { bytes: Buffer.concat([encodeRecordHead(id, data.length, checksum, hasher), data]), checksum };
}

test('segment file names round-trip and never collide with other files', () => {
  assert.equal(segmentFileName(1), 'seg-00000001.tsg');
  assert.equal(segmentFileName(0xffffffff), 'seg-ffffffff.tsg');
  fc.assert(fc.property(fc.nat({ max: 0xffffffff }), (n) => parseSegmentFileName(segmentFileName(n)) === n));
  for (const name of ['index.mdb', 'seg-1.tsg', 'seg-0000000G.tsg', 'seg-00000001.tsg.tmp']) {
    assert.equal(parseSegmentFileName(name), null);
  }
});

test('segment header holds magic, version and number', () => {
  const header = encodeSegmentHeader(0x01020304, hasher);
  assert.equal(header.length, SEGMENT_HEADER_BYTES);
  assert.equal(header.toString('latin1', 0, 4), 'TSEG');
  assert.equal(header[4], 1);
  assert.equal(header.readUInt32BE(8), 0x01020304);
});

test('records round-trip for any id and data', () => {
  fc.assert(fc.property(
    fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.uint8Array({ maxLength: 4096 }),
    (id, data) => {
      const { bytes, checksum } = record(id, data);
      assert.equal(bytes.length, recordLengthBytes(id.length, data.length));
      const decoded = decodeRecord(bytes, { id, dataLengthBytes: data.length, checksum }, hasher);
      assert.ok(Buffer.isBuffer(decoded));
      assert.ok(decoded.equals(data));
    },
  ));
});

test('any single flipped bit in a record is detected', () => {
  fc.assert(fc.property(
    fc.uint8Array({ minLength: 34, maxLength: 34 }), fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.nat({ max: 7 }),
    (id, data, at, bit) => {
      const { bytes, checksum } = record(id, data);
      const position = at % bytes.length;
      // Bytes 6..7 are reserved padding: nothing reads them, so they cannot mislead.
      fc.pre(position !== 6 && position !== 7);
      bytes[position] = bytes[position]! ^ (1 << bit);
      const decoded = decodeRecord(bytes, { id, dataLengthBytes: data.length, checksum }, hasher);
      assert.equal(typeof decoded, 'string');
    },
  ));
});

test('a short record, or one for another id, is rejected', () => {
  const id = Buffer.alloc(34, 7);
  const data = Buffer.alloc(100, 9);
  const { bytes, checksum } = record(id, data);
  assert.equal(decodeRecord(bytes.subarray(0, bytes.length - 1), { id, dataLengthBytes: 100, checksum }, hasher), 'short read');
  const other = Buffer.alloc(34, 8);
  assert.equal(typeof decodeRecord(bytes, { id: other, dataLengthBytes: 100, checksum }, hasher), 'string');
  assert.equal(RECORD_HEADER_BYTES, 24);
});
