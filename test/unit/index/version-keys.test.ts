import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { isVersionKeyOf, makeVersionId, versionIdSeq, versionKey, versionObjectKey, versionPrefix, objectKey } from '../../../src/index/keys.js';

test('version keys sort by key ascending (S3 order), then newest version first', () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 12 }), fc.nat(2 ** 40)), { minLength: 2, maxLength: 40 }),
      (rows) => {
        const byEncoding = [...rows].sort((a, b) => Buffer.compare(versionKey('b', a[0], a[1]), versionKey('b', b[0], b[1])));
        const expected = [...rows].sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])) || b[1] - a[1]);
        assert.deepEqual(byEncoding, expected);
      },
    ),
  );
});

test('a version key belongs to exactly its own key and decodes back to it', () => {
  const p = versionPrefix('b', 'a');
  assert.ok(isVersionKeyOf(versionKey('b', 'a', 7), p));
  assert.ok(!isVersionKeyOf(versionKey('b', 'a\u0000x', 7), p), 'a key extending "a" past 0x00 is not one of its versions');
  assert.ok(versionObjectKey(versionKey('b', 'dir/k', 3)).equals(objectKey('b', 'dir/k')));
});

test('version ids carry their seq, are URL-safe, and foreign ids are rejected', () => {
  fc.assert(
    fc.property(fc.nat(Number.MAX_SAFE_INTEGER), fc.uint8Array({ minLength: 8, maxLength: 8 }), (seq, nonce) => {
      const id = makeVersionId(seq, nonce);
      assert.match(id, /^[A-Za-z0-9_-]+$/);
      assert.equal(versionIdSeq(id), seq);
    }),
  );
  assert.equal(versionIdSeq('null'), undefined);
  assert.equal(versionIdSeq('not a version id'), undefined);
  assert.equal(versionIdSeq('//////////////////////'), undefined);
});
