import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { assert as invariant, AssertionError } from '../../../src/util/assert.js';

test('assert throws AssertionError with its message when the condition is false', () => {
  assert.throws(() => invariant(false, 'refcount went negative'), (err: unknown) => {
    return err instanceof AssertionError && err.message === 'refcount went negative' && err.code === 'TESSERA_ASSERTION';
  });
  assert.doesNotThrow(() => invariant(1 + 1 === 2));
});
