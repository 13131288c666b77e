// What every body-carrying write verifies: Content-MD5, x-amz-checksum-* given as a header
// or announced in x-amz-trailer, and the conditional-write headers.

import { header, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { checksumHeader, parseChecksumAlgorithm, type ChecksumAlgorithm } from '../../pipeline/checksums.js';
import type { PayloadVerifier } from '../auth/payload.js';
import type { WriteResult } from '../../pipeline/write-path.js';
import type { WriteConditions } from '../../metadata/commands.js';
import type { ObjectChecksum } from '../../metadata/records.js';

const ALGORITHMS: ChecksumAlgorithm[] = ['CRC32', 'CRC32C', 'SHA1', 'SHA256', 'CRC64NVME'];

export interface BodyChecks {
  algorithm?: ChecksumAlgorithm;
  verify(w: WriteResult, v: PayloadVerifier): void;
}

export function bodyChecks(ctx: S3Ctx): BodyChecks {
  const md5 = header(ctx, 'content-md5');
  if (md5 !== undefined && !/^[A-Za-z0-9+/]{22}==$/.test(md5.trim())) throw new S3Error('InvalidDigest');
  let algorithm: ChecksumAlgorithm | undefined;
  let expected: string | undefined;
  let fromTrailer = false;
  for (const a of ALGORITHMS) {
    const v = header(ctx, checksumHeader(a));
    if (v !== undefined) {
      if (algorithm) throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
      algorithm = a;
      expected = v;
    }
  }
  const trailer = header(ctx, 'x-amz-trailer');
  if (trailer !== undefined && !algorithm) {
    const name = trailer.trim().toLowerCase();
    const a = name.startsWith('x-amz-checksum-') ? parseChecksumAlgorithm(name.slice('x-amz-checksum-'.length)) : undefined;
    if (!a) throw new S3Error('InvalidRequest', 'The value specified in the x-amz-trailer header is not supported');
    algorithm = a;
    fromTrailer = true;
  }
  const sdkAlg = header(ctx, 'x-amz-sdk-checksum-algorithm') ?? header(ctx, 'x-amz-checksum-algorithm');
  if (!algorithm && sdkAlg !== undefined) {
    algorithm = parseChecksumAlgorithm(sdkAlg);
    if (!algorithm) throw new S3Error('InvalidRequest', 'Checksum algorithm provided is unsupported.');
  }
  return {
    algorithm,
    verify(w, v) {
      if (md5 !== undefined && w.md5.toString('base64') !== md5.trim()) throw new S3Error('BadDigest', 'The Content-MD5 you specified did not match what we received.');
      if (!algorithm) return;
      if (fromTrailer) expected = v.trailers()[checksumHeader(algorithm)];
      if (expected !== undefined && w.checksum && w.checksum.toString('base64') !== expected.trim()) {
        throw new S3Error('BadDigest', `The ${algorithm} you specified did not match the calculated checksum.`);
      }
    },
  };
}

export function writeConditions(ctx: S3Ctx): WriteConditions {
  const c: WriteConditions = {};
  const inm = header(ctx, 'if-none-match');
  const im = header(ctx, 'if-match');
  if (inm !== undefined) {
    if (inm.trim() !== '*') throw new S3Error('NotImplemented', 'If-None-Match on writes supports only *');
    c.ifNoneMatch = '*';
  }
  if (im !== undefined) c.ifMatch = im.trim() === '*' ? '*' : im.trim().replace(/^"|"$/g, '');
  return c;
}

export function setChecksumResponse(ctx: S3Ctx, c: ObjectChecksum | undefined): void {
  if (!c) return;
  const a = parseChecksumAlgorithm(c.algorithm);
  if (a) ctx.koa.set(checksumHeader(a), c.value);
  ctx.koa.set('x-amz-checksum-type', c.type);
}
