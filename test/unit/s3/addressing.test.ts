import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { parseAddress, validBucketName } from '../../../src/s3/addressing.js';
import { S3Error } from '../../../src/s3/errors.js';

test('path-style: the bucket is the first raw segment, the key is decoded once and never normalised', () => {
  assert.deepEqual(parseAddress('/b/a%20b+c?x=1', '127.0.0.1:9900', ['localhost']), { bucket: 'b', key: 'a b+c', rawPath: '/b/a%20b+c', rawQuery: 'x=1', virtualHost: false });
  assert.equal(parseAddress('/a/../b/key', 'h', []).bucket, 'a');
  assert.equal(parseAddress('/a/../b/key', 'h', []).key, '../b/key');
  assert.equal(parseAddress('/b/dir%2Fx', 'h', []).key, 'dir/x');
  assert.deepEqual(parseAddress('/', 'h', []), { bucket: undefined, key: undefined, rawPath: '/', rawQuery: '', virtualHost: false });
  assert.equal(parseAddress('/b/', 'h', []).key, undefined);
  assert.equal(parseAddress('/b//x', 'h', []).key, '/x');
});

test('virtual-host style under a configured domain', () => {
  const a = parseAddress('/photos/x.jpg', 'my-bucket.localhost:9900', ['localhost']);
  assert.equal(a.bucket, 'my-bucket');
  assert.equal(a.key, 'photos/x.jpg');
  assert.equal(parseAddress('/', 'localhost:9900', ['localhost']).bucket, undefined);
});

test('bad encodings and over-long keys are S3 errors', () => {
  assert.throws(() => parseAddress('/b/%zz', 'h', []), (e: unknown) => e instanceof S3Error && e.code === 'InvalidURI');
  assert.throws(() => parseAddress('/b/' + 'k'.repeat(1025), 'h', []), (e: unknown) => e instanceof S3Error && e.code === 'KeyTooLongError');
  assert.doesNotThrow(() => parseAddress('/b/' + 'k'.repeat(1024), 'h', []));
});

test('bucket naming rules', () => {
  for (const ok of ['abc', 'a-b.c', 'my.bucket.1', 'a'.repeat(63)]) assert.ok(validBucketName(ok), ok);
  for (const bad of ['ab', 'a'.repeat(64), 'Abc', 'a_b', '-ab', 'ab-', 'a..b', 'a.-b', '10.0.0.1', 'xn--abc', 'x-s3alias']) assert.ok(!validBucketName(bad), bad);
});
