import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { objectKey, decodeObjectKey, partKey, prefixEnd, keySuccessor } from '../../../src/index/keys.js';

const utf8Compare = (a: string, b: string) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

test('encoded object keys sort in S3 order (UTF-8 binary) within a bucket', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'binary', minLength: 1, maxLength: 20 }), { minLength: 2, maxLength: 30 }), (keys) => {
      const clean = keys.filter((k) => !k.includes('\u0000'));
      const byEncoding = [...clean].sort((a, b) => Buffer.compare(objectKey('bkt', a), objectKey('bkt', b)));
      const byS3 = [...clean].sort(utf8Compare);
      assert.deepEqual(byEncoding, byS3);
    }),
  );
});

test('keys of one bucket never interleave with another bucket with a longer name', () => {
  const a = [objectKey('ab', ''), objectKey('ab', '\uffff\uffff'), objectKey('ab', 'zzz')];
  const b = objectKey('ab-c', '');
  for (const k of a) assert.ok(Buffer.compare(k, b) < 0);
});

test('decodeObjectKey inverts objectKey', () => {
  fc.assert(
    fc.property(fc.string({ unit: 'grapheme', maxLength: 50 }), (k) => {
      assert.equal(decodeObjectKey(objectKey('bucket-1', k), 'bucket-1'), k);
    }),
  );
});

test('part keys sort by part number', () => {
  const ks = [1, 2, 10, 255, 256, 9999, 10000].map((n) => partKey('upload', n));
  const sorted = [...ks].sort(Buffer.compare);
  assert.deepEqual(sorted, ks);
});

test('prefixEnd bounds exactly the keys with that prefix; keySuccessor is the next key', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 8 }), fc.uint8Array({ maxLength: 8 }), (prefix, rest) => {
      const p = Buffer.from(prefix);
      const end = prefixEnd(p);
      const k = Buffer.concat([p, rest]);
      if (end) assert.ok(Buffer.compare(k, end) < 0);
      const s = keySuccessor(k);
      assert.ok(Buffer.compare(s, k) > 0);
    }),
  );
  assert.deepEqual(prefixEnd(Buffer.from([0x61, 0xff])), Buffer.from([0x62]));
  assert.equal(prefixEnd(Buffer.from([0xff, 0xff])), undefined);
});
