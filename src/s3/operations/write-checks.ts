// What every body-carrying write verifies: Content-MD5, x-amz-checksum-* given as a header
// or announced in x-amz-trailer, and the conditional-write headers.

import { header, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checksumHeader, parseChecksumAlgorithm, type ChecksumAlgorithm } from '../../pipeline/checksums.js';
import type { PayloadVerifier } from '../auth/payload.js';
import type { WriteResult } from '../../pipeline/write-path.js';
import type { BodyChecksum } from '../../gateway/object-service.js';
import type { WriteConditions } from '../../metadata/commands.js';
import type { ObjectChecksum } from '../../metadata/records.js';

const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'];

export interface BodyChecks {
  /** Set when the client asked for a checksum without sending one: the pipeline computes it. */
  algorithm?: ChecksumAlgorithm;
  /** Content-MD5, then the checksum the payload verifier checked (header or trailer). */
  verify(w: WriteResult, v: PayloadVerifier): BodyChecksum | undefined;
}

/**
 * Content-MD5 is checked here; x-amz-checksum-* headers and trailers are checked by the
 * payload verifier as the body streams. Only a bare algorithm (x-amz-sdk-checksum-algorithm,
 * or the upload's) makes the pipeline compute a checksum itself.
 */
export function bodyChecks(ctx: S3Ctx, uploadAlgorithm?: string): BodyChecks {
  const md5 = header(ctx, 'content-md5');
  if (md5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(md5.trim())) throw new S3Error('InvalidDigest');
  const sent = ALGORITHMS.some((a) => header(ctx, checksumHeader(a)) !== undefined) || header(ctx, 'x-amz-trailer') !== undefined;
  let algorithm: ChecksumAlgorithm | undefined;
  if (!sent) {
    const requested = header(ctx, 'x-amz-sdk-checksum-algorithm') ?? header(ctx, 'x-amz-checksum-algorithm') ?? uploadAlgorithm;
    if (requested !== undefined) {
      algorithm = parseChecksumAlgorithm(requested);
      if (!algorithm) throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
    }
  }
  return {
    algorithm,
    verify(w, v) {
      if (md5 !== undefined && w.md5.toString('base64') !== md5.trim()) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
      return v.checksum();
    },
  };
}

function etagCondition(v: string): string {
  const t = v.trim();
  return t === '*' ? '*' : t.replace(/^"|"$/g, '');
}

export function writeConditions(ctx: S3Ctx): WriteConditions {
  const c: WriteConditions = {};
  const inm = header(ctx, 'if-none-match');
  const im = header(ctx, 'if-match');
  // '*' (no current object) or an ETag (the current object is not that one), as S3 and Ceph
  // answer conditional writes: 412 PreconditionFailed when the condition does not hold.
  if (inm !== undefined) c.ifNoneMatch = etagCondition(inm);
  if (im !== undefined) c.ifMatch = etagCondition(im);
  return c;
}

export function setChecksumResponse(ctx: S3Ctx, c: ObjectChecksum | undefined): void {
  if (!c) return;
  const a = parseChecksumAlgorithm(c.algorithm);
  if (a) ctx.koa.set(checksumHeader(a), c.value);
  ctx.koa.set('x-amz-checksum-type', c.type);
}

/**
 * CompleteMultipartUpload's x-amz-checksum-<alg> (and x-amz-checksum-type) describe the whole
 * object: the value computed from the parts must match, a composite one with or without "-N".
 */
export function wholeObjectChecksumCheck(ctx: S3Ctx): (actual: ObjectChecksum | undefined) => void {
  const sent = ALGORITHMS.map((a) => ({ algorithm: a, value: header(ctx, checksumHeader(a))?.trim() })).filter((s) => s.value !== undefined);
  if (sent.length > 1) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const type = header(ctx, 'x-amz-checksum-type')?.trim().toUpperCase();
  const expected = sent[0];
  return (actual) => {
    if (type !== undefined && actual && type !== actual.type) {
      throw new S3Error('InvalidRequest', `The upload was created using the ${actual.type} checksum mode. The complete request must use the same checksum mode.`);
    }
    if (!expected) return;
    if (!actual || actual.algorithm !== expected.algorithm) {
      throw new S3Error('InvalidRequest', `The upload was not created with the ${expected.algorithm} checksum algorithm.`);
    }
    if (expected.value !== actual.value && expected.value !== actual.value.replace(/-\d+$/, '')) {
      throw new S3Error('BadDigest', `The ${expected.algorithm} you specified did not match the calculated checksum.`);
    }
  };
}
