import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { FINGERPRINT_SIZE_BYTES, fingerprint, fingerprintAsync, fingerprintHex } from '../../../src/pipeline/fingerprint.js';

test('fingerprint is SHA-256 of the bytes (known answers)', () => {
  assert.equal(fingerprint(new Uint8Array(0)).toString('hex'), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(fingerprintHex(Buffer.from('abc')), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  assert.equal(fingerprint(Buffer.from('abc')).length, FINGERPRINT_SIZE_BYTES);
});

test('property: equal bytes give equal fingerprints, whatever view they come in', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), fc.nat(16), (bytes, pad) => {
      const backing = new Uint8Array(bytes.length + pad);
      backing.set(bytes, pad);
      const view = backing.subarray(pad);
      assert.deepEqual(fingerprint(view), fingerprint(Buffer.from(bytes)));
      assert.equal(fingerprintHex(view), fingerprint(bytes).toString('hex'));
    }),
  );
});

test('property: a one-bit change changes the fingerprint', () => {
  fc.assert(
    fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.nat(), fc.nat(7), (bytes, at, bit) => {
      const changed = Uint8Array.from(bytes);
      changed[at % bytes.length] ^= 1 << bit;
      assert.notDeepEqual(fingerprint(changed), fingerprint(bytes));
    }),
  );
});

test('property: fingerprintAsync (thread pool) equals fingerprint', async () => {
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300_000 }), fc.nat(16), async (bytes, pad) => {
      const backing = new Uint8Array(bytes.length + pad);
      backing.set(bytes, pad);
      assert.deepEqual(await fingerprintAsync(backing.subarray(pad)), fingerprint(bytes));
    }),
    { numRuns: 30 },
  );
});
