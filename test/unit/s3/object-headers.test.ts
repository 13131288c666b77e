import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { attributesFromHeaders, checkReadPreconditions, parseRange } from '../../../src/s3/object-headers.js';
import { S3Error } from '../../../src/s3/errors.js';
import type { ObjectRecord } from '../../../src/metadata/records.js';

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return (e as S3Error).code;
  }
  return 'none';
};

test('Range: closed, open, suffix, clamped, several and malformed', () => {
  assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, endExclusive: 10 });
  assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, endExclusive: 100 });
  assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, endExclusive: 100 });
  assert.deepEqual(parseRange('bytes=-1000', 100), { start: 0, endExclusive: 100 });
  assert.deepEqual(parseRange('bytes=50-5000', 100), { start: 50, endExclusive: 100 });
  assert.equal(parseRange('bytes=0-1,3-4', 100), undefined);
  assert.equal(parseRange('items=0-1', 100), undefined);
  assert.equal(parseRange('bytes=9-3', 100), undefined);
  assert.equal(code(() => parseRange('bytes=100-', 100)), 'InvalidRange');
  assert.equal(code(() => parseRange('bytes=-0', 100)), 'InvalidRange');
  assert.equal(code(() => parseRange('bytes=0-', 0)), 'InvalidRange');
});

const obj = { etag: 'abc', lastModifiedMs: Date.UTC(2026, 0, 1, 12, 0, 0, 500) } as ObjectRecord;

test('read preconditions follow RFC 7232 as S3 applies them', () => {
  const now = Date.UTC(2026, 5, 1);
  assert.equal(code(() => checkReadPreconditions({ 'if-match': '"abc"' }, obj, now)), 'none');
  assert.equal(code(() => checkReadPreconditions({ 'if-match': '"x"' }, obj, now)), 'PreconditionFailed');
  assert.equal(code(() => checkReadPreconditions({ 'if-none-match': '"abc"' }, obj, now)), 'NotModified');
  assert.equal(code(() => checkReadPreconditions({ 'if-modified-since': new Date(Date.UTC(2026, 0, 1, 12)).toUTCString() }, obj, now)), 'NotModified');
  assert.equal(code(() => checkReadPreconditions({ 'if-modified-since': new Date(Date.UTC(2025, 0, 1)).toUTCString() }, obj, now)), 'none');
  // A date in the future is ignored, as AWS does.
  assert.equal(code(() => checkReadPreconditions({ 'if-modified-since': new Date(Date.UTC(2027, 0, 1)).toUTCString() }, obj, now)), 'none');
  assert.equal(code(() => checkReadPreconditions({ 'if-unmodified-since': new Date(Date.UTC(2025, 0, 1)).toUTCString() }, obj, now)), 'PreconditionFailed');
  // If-Match true wins over a failing If-Unmodified-Since.
  assert.equal(code(() => checkReadPreconditions({ 'if-match': '"abc"', 'if-unmodified-since': new Date(Date.UTC(2025, 0, 1)).toUTCString() }, obj, now)), 'none');
  assert.equal(code(() => checkReadPreconditions({ 'x-amz-copy-source-if-none-match': '"abc"' }, obj, now, 'x-amz-copy-source-')), 'PreconditionFailed');
});

test('object attributes: user metadata, stored headers, aws-chunked stripped, metadata limit', () => {
  const a = attributesFromHeaders({ 'x-amz-meta-color': 'blue', 'content-encoding': 'aws-chunked,gzip', 'cache-control': 'no-cache' }, 'me');
  assert.deepEqual(a.userMeta, { color: 'blue' });
  assert.deepEqual(a.headers, { 'content-encoding': 'gzip', 'cache-control': 'no-cache' });
  assert.equal(a.contentType, 'binary/octet-stream');
  assert.equal(attributesFromHeaders({ 'content-encoding': 'aws-chunked' }, 'me').headers['content-encoding'], undefined);
  assert.equal(code(() => attributesFromHeaders({ 'x-amz-meta-big': 'x'.repeat(2100) }, 'me')), 'MetadataTooLarge');
  assert.equal(code(() => attributesFromHeaders({ 'x-amz-storage-class': 'GLACIER' }, 'me')), 'InvalidStorageClass');
});
