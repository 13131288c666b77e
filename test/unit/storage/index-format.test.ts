import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  decodeLocation, decodePositionKey, decodeSegmentMeta, encodeLocation, encodeSegmentMeta, positionKey,
} from '../../../src/storage/index-format.js';
import { UnsupportedFormatError } from '../../../src/storage/errors.js';

const u48 = fc.nat({ max: 2 ** 48 - 1 });
const u32 = fc.nat({ max: 2 ** 32 - 1 });

test('fragment locations round-trip', () => {
  fc.assert(fc.property(u32, u48, u32, fc.bigUintN(64), (segmentNo, offset, dataLengthBytes, checksum) => {
    const location = { segmentNo, offset, dataLengthBytes, checksum };
    assert.deepEqual(decodeLocation(encodeLocation(location)), location);
  }));
});

test('segment metadata round-trips', () => {
  fc.assert(fc.property(u48, u32, u48, u48, u48, (lengthBytes, liveRecords, liveRecordBytes, liveDataBytes, syncedBytes) => {
    const meta = { lengthBytes, liveRecords, liveRecordBytes, liveDataBytes, syncedBytes };
    assert.deepEqual(decodeSegmentMeta(encodeSegmentMeta(meta)), meta);
  }));
});

test('position keys sort like (segment, offset)', () => {
  fc.assert(fc.property(u32, u48, u32, u48, (s1, o1, s2, o2) => {
    const byBytes = Math.sign(Buffer.compare(positionKey(s1, o1), positionKey(s2, o2)));
    const byValue = s1 !== s2 ? Math.sign(s1 - s2) : Math.sign(o1 - o2);
    assert.equal(byBytes, byValue);
    assert.deepEqual(decodePositionKey(positionKey(s1, o1)), { segmentNo: s1, offset: o1 });
  }));
});

test('an unknown version byte is refused, not misread', () => {
  const value = encodeLocation({ segmentNo: 1, offset: 2, dataLengthBytes: 3, checksum: 4n });
  value[0] = 2;
  assert.throws(() => decodeLocation(value), (err: unknown) => err instanceof UnsupportedFormatError && err.code === 'STORAGE_UNSUPPORTED_FORMAT');
});
