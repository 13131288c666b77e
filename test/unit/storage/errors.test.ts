import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { DriveFullError, FragmentCorruptError, isNoSpaceError } from '../../../src/storage/errors.js';

test('no-space errors are recognised by errno code or by LMDB message', () => {
  assert.equal(isNoSpaceError(Object.assign(new Error('x'), { code: 'ENOSPC' })), true);
  assert.equal(isNoSpaceError(Object.assign(new Error('x'), { code: 'EDQUOT' })), true);
  assert.equal(isNoSpaceError(new Error('MDB_xxx: No space left on device')), true);
  assert.equal(isNoSpaceError(Object.assign(new Error('x'), { code: 'EIO' })), false);
  assert.equal(isNoSpaceError(null), false);
  assert.equal(isNoSpaceError('ENOSPC'), false);
});

test('storage errors carry stable codes and keep their cause', () => {
  const cause = new Error('disk');
  const full = new DriveFullError('/data/drive-3', cause);
  assert.equal(full.code, 'STORAGE_DRIVE_FULL');
  assert.equal(full.cause, cause);
  assert.equal(full.name, 'DriveFullError');
  const corrupt = new FragmentCorruptError(new Uint8Array([0xab, 0xcd]), 'data checksum mismatch');
  assert.equal(corrupt.code, 'STORAGE_FRAGMENT_CORRUPT');
  assert.match(corrupt.message, /abcd.*data checksum mismatch/);
});
