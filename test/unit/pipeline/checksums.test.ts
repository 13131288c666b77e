import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { Crc32cJs, Crc64NvmeJs } from '@aws-sdk/checksums/crc';
import {
  checksumAlgorithmFromHeader, checksumAlgorithms, checksumBase64, checksumDigestBytes, checksumHeader,
  combineChecksums, compositeChecksum, createChecksum, fullObjectChecksum, isCombinable, parseChecksumAlgorithm, type ChecksumAlgorithm,
} from '../../../src/pipeline/checksums.js';

function hexOf(alg: ChecksumAlgorithm, data: Uint8Array): string {
  const c = createChecksum(alg);
  c.update(data);
  return c.digest().toString('hex');
}

test('checksums match the published check values for "123456789"', () => {
  const check = Buffer.from('123456789');
  assert.equal(hexOf('CRC32', check), 'cbf43926');
  assert.equal(hexOf('CRC32C', check), 'e3069283');
  assert.equal(hexOf('CRC64NVME', check), 'ae8b14860a799888');
  assert.equal(hexOf('SHA1', check), createHash('sha1').update(check).digest('hex'));
  assert.equal(hexOf('SHA256', check), createHash('sha256').update(check).digest('hex'));
});

test('checksums of the empty input and the S3 documentation value', () => {
  assert.equal(hexOf('CRC32', new Uint8Array(0)), '00000000');
  assert.equal(hexOf('CRC32C', new Uint8Array(0)), '00000000');
  assert.equal(hexOf('CRC64NVME', new Uint8Array(0)), '0000000000000000');
  // The trailer example in the S3 SigV4 streaming-trailers documentation: 66,560 bytes of 'a'.
  assert.equal(checksumBase64('CRC32C', Buffer.alloc(66_560, 'a')), 'sOO8/Q==');
});

test('digest lengths are those S3 expects', () => {
  for (const alg of checksumAlgorithms) {
    assert.equal(createChecksum(alg).digest().length, checksumDigestBytes(alg));
  }
});

test('CRC32C and CRC64NVME agree with the AWS SDK implementations on random data', async () => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 5000 }), fc.nat(64), async (bytes, shift) => {
    // Shift the view so that unaligned starts are exercised too.
    const backing = new Uint8Array(bytes.length + shift);
    backing.set(bytes, shift);
    const data = backing.subarray(shift);
    const ref32c = new Crc32cJs();
    ref32c.update(data);
    assert.equal(hexOf('CRC32C', data), Buffer.from(await ref32c.digest()).toString('hex'));
    const ref64 = new Crc64NvmeJs();
    ref64.update(data);
    assert.equal(hexOf('CRC64NVME', data), Buffer.from(await ref64.digest()).toString('hex'));
  }), { numRuns: 200 });
});

test('incremental updates equal the one-shot digest for every algorithm', () => {
  fc.assert(fc.property(
    fc.uint8Array({ maxLength: 4000 }),
    fc.array(fc.nat(4000), { maxLength: 8 }),
    fc.constantFrom(...checksumAlgorithms),
    (bytes, cutsRaw, alg) => {
      const cuts = [...new Set(cutsRaw.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const inc = createChecksum(alg);
      let prev = 0;
      for (const cut of [...cuts, bytes.length]) {
        inc.update(bytes.subarray(prev, cut));
        prev = cut;
      }
      assert.equal(inc.digest().toString('hex'), hexOf(alg, bytes));
    },
  ), { numRuns: 300 });
});

test('one flipped bit changes every checksum', () => {
  fc.assert(fc.property(fc.uint8Array({ minLength: 1, maxLength: 2000 }), fc.nat(), fc.nat(7), (bytes, at, bit) => {
    const flipped = Uint8Array.from(bytes);
    const i = at % bytes.length;
    flipped[i] = flipped[i]! ^ (1 << bit);
    for (const alg of checksumAlgorithms) assert.notEqual(hexOf(alg, flipped), hexOf(alg, bytes));
  }), { numRuns: 100 });
});

test('algorithm names and headers parse case-insensitively', () => {
  assert.equal(parseChecksumAlgorithm('crc32c'), 'CRC32C');
  assert.equal(parseChecksumAlgorithm('Crc64Nvme'), 'CRC64NVME');
  assert.equal(parseChecksumAlgorithm('sha256'), 'SHA256');
  assert.equal(parseChecksumAlgorithm('md5'), undefined);
  assert.equal(parseChecksumAlgorithm(''), undefined);
  assert.equal(checksumHeader('CRC64NVME'), 'x-amz-checksum-crc64nvme');
  assert.equal(checksumAlgorithmFromHeader('X-Amz-Checksum-CRC32'), 'CRC32');
  assert.equal(checksumAlgorithmFromHeader('x-amz-checksum-algorithm'), undefined);
  assert.equal(checksumAlgorithmFromHeader('content-md5'), undefined);
});

test('combining CRCs gives the CRC of the concatenation, for every split and length', () => {
  fc.assert(fc.property(
    fc.uint8Array({ maxLength: 3000 }), fc.nat(), fc.constantFrom<ChecksumAlgorithm>('CRC32', 'CRC32C', 'CRC64NVME'),
    (bytes, at, alg) => {
      const cut = at % (bytes.length + 1);
      const a = bytes.subarray(0, cut);
      const b = bytes.subarray(cut);
      const digest = (d: Uint8Array) => { const c = createChecksum(alg); c.update(d); return c.digest(); };
      assert.equal(combineChecksums(alg, digest(a), digest(b), b.length).toString('hex'), digest(bytes).toString('hex'));
    },
  ), { numRuns: 300 });
});

test('combining works for part sizes far beyond memory (5 GiB parts, 10,000 parts)', () => {
  // Huge lengths cannot be checked against real bytes here, so check associativity, which
  // the shift by x^(8·len) must satisfy, and that 10,000 combines (a maximal upload) are cheap.
  const a = Buffer.from('head');
  const dA = createChecksum('CRC64NVME'); dA.update(a);
  const dB = createChecksum('CRC64NVME'); dB.update(Buffer.from('middle'));
  const dC = createChecksum('CRC64NVME'); dC.update(Buffer.from('tail'));
  const [x, y, z] = [dA.digest(), dB.digest(), dC.digest()];
  // The identity is algebraic, so it holds for any digests and lengths, and with lengths up to
  // 5 TiB it exercises the high entries of the x^(2^k) table in different combinations.
  for (const alg of ['CRC32', 'CRC32C', 'CRC64NVME'] as const) {
    const d = (s: string) => { const c = createChecksum(alg); c.update(Buffer.from(s)); return c.digest(); };
    for (const [lb, lc] of [[6, 4], [5 * 2 ** 30, 4], [3, 5 * 2 ** 40 - 3], [2 ** 33 + 12_345, 2 ** 37 - 1]] as const) {
      const left = combineChecksums(alg, combineChecksums(alg, d('head'), d('middle'), lb), d('tail'), lc);
      const right = combineChecksums(alg, d('head'), combineChecksums(alg, d('middle'), d('tail'), lc), lb + lc);
      assert.deepEqual(left, right, `${alg} ${lb} ${lc}`);
    }
  }
  const start = process.hrtime.bigint();
  let acc = x;
  for (let i = 0; i < 10_000; i++) acc = combineChecksums('CRC64NVME', acc, z, 5 * 1024 * 1024 * 1024);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  assert.equal(acc.length, 8);
  assert.ok(ms < 5_000, `10,000 combines took ${ms} ms`);
  assert.equal(isCombinable('SHA256'), false);
  assert.throws(() => combineChecksums('SHA1', x, y, 1), TypeError);
});

test('composite multipart checksums are the checksum of the part digests, then -N', () => {
  const parts = [Buffer.from('part one'), Buffer.from('part two')];
  const digests = parts.map((p) => { const c = createChecksum('CRC32'); c.update(p); return c.digest(); });
  assert.equal(compositeChecksum('CRC32', digests), `${checksumBase64('CRC32', Buffer.concat(digests))}-2`);
});

test('fullObjectChecksum: the CRC of the parts combined is the CRC of the whole object', () => {
  fc.assert(fc.property(
    fc.array(fc.uint8Array({ maxLength: 700 }), { minLength: 1, maxLength: 8 }), fc.constantFrom<ChecksumAlgorithm>('CRC32', 'CRC32C', 'CRC64NVME'),
    (parts, alg) => {
      const digest = (d: Uint8Array) => { const c = createChecksum(alg); c.update(d); return c.digest(); };
      const combined = fullObjectChecksum(alg, parts.map((p) => ({ digest: digest(p), sizeBytes: p.length })));
      assert.equal(combined.toString('hex'), digest(Buffer.concat(parts)).toString('hex'));
    },
  ), { numRuns: 200 });
  // Equal-sized parts share one cached shift; the answer must not depend on the cache.
  const part = Buffer.alloc(1000, 7);
  const d = createChecksum('CRC32'); d.update(part);
  const whole = createChecksum('CRC32'); for (let i = 0; i < 5; i++) whole.update(part);
  assert.deepEqual(fullObjectChecksum('CRC32', Array.from({ length: 5 }, () => ({ digest: d.digest(), sizeBytes: 1000 }))), whole.digest());
  assert.throws(() => fullObjectChecksum('SHA256', [{ digest: Buffer.alloc(32), sizeBytes: 1 }]), TypeError);
});
