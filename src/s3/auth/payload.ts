// Verification of a request body against what authentication promised about it: its
// SHA-256 (x-amz-content-sha256), its signed chunks (aws-chunked), its length
// (x-amz-decoded-content-length) and its additional checksum (x-amz-checksum-* header or
// trailer). The body reaches the object pipeline only through PayloadVerifier.stream, which
// fails with an S3Error instead of ending whenever any of these does not hold.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html

import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import {
  checksumAlgorithmFromHeader, checksumDigestBytes, checksumHeader, createChecksum,
  type Checksum, type ChecksumAlgorithm,
} from '../../pipeline/checksums.js';
import { S3Error } from '../errors.js';
import { AwsChunkedDecoder } from './aws-chunked.js';
import type { AuthRequest, PayloadMode } from './types.js';

export interface VerifiedChecksum {
  algorithm: ChecksumAlgorithm;
  /** The value as S3 shows it in x-amz-checksum-* (base64 of the big-endian digest). */
  base64: string;
}

export interface PayloadVerifier {
  /** Raw request body in → decoded object bytes out; errors with an S3Error when verification fails. */
  stream: Transform;
  /** Trailing headers (e.g. x-amz-checksum-crc32), complete after the stream ended. */
  trailers(): Record<string, string>;
  /** The additional checksum that was sent and verified, once the stream ended; undefined if none was sent. */
  checksum(): VerifiedChecksum | undefined;
}

type Headers = AuthRequest['headers'];

function single(headers: Headers, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Where the client's checksum comes from: a header value now, or a trailer later. */
type ChecksumSource =
  | { algorithm: ChecksumAlgorithm; from: 'header'; base64: string }
  | { algorithm: ChecksumAlgorithm; from: 'trailer' };

function invalidChecksumValue(alg: ChecksumAlgorithm, where: 'header' | 'trailer'): S3Error {
  return new S3Error('InvalidRequest', `Value for ${checksumHeader(alg)} ${where} is invalid.`);
}

/** A well-formed checksum value is base64 of exactly the algorithm's digest length. */
function isWellFormedChecksum(alg: ChecksumAlgorithm, base64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return false;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.length === checksumDigestBytes(alg) && bytes.toString('base64') === base64;
}

export interface PayloadVerifierOptions {
  /**
   * Set for operations whose x-amz-checksum-* headers describe something other than the request
   * body: CompleteMultipartUpload, where they carry the whole object's checksum. Trailers are
   * still verified.
   */
  ignoreChecksumHeaders?: boolean;
}

function declaredChecksum(payload: PayloadMode, headers: Headers, ignoreHeaders: boolean): ChecksumSource | undefined {
  const trailerMode = payload.kind === 'streaming-unsigned-trailer' || (payload.kind === 'streaming-signed' && payload.trailer);
  const declared = (single(headers, 'x-amz-trailer') ?? '').split(',').map((s) => s.trim().toLowerCase()).filter((s) => s !== '');
  const fromTrailer = declared.map(checksumAlgorithmFromHeader).filter((a): a is ChecksumAlgorithm => a !== undefined);
  const fromHeader = (ignoreHeaders ? [] : Object.keys(headers))
    .map((name) => ({ name, algorithm: checksumAlgorithmFromHeader(name) }))
    .filter((h): h is { name: string; algorithm: ChecksumAlgorithm } => h.algorithm !== undefined);
  if (fromTrailer.length + fromHeader.length > 1) {
    throw new S3Error('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  }
  if (fromTrailer.length === 1) {
    if (!trailerMode) throw new S3Error('InvalidRequest', 'x-amz-trailer requires a STREAMING-…-TRAILER x-amz-content-sha256.');
    return { algorithm: fromTrailer[0]!, from: 'trailer' };
  }
  const h = fromHeader[0];
  if (h === undefined) return undefined;
  const value = (single(headers, h.name) ?? '').trim();
  if (!isWellFormedChecksum(h.algorithm, value)) throw invalidChecksumValue(h.algorithm, 'header');
  return { algorithm: h.algorithm, from: 'header', base64: value };
}

/** The decoded length that streaming modes require, as a safe integer. */
function decodedContentLength(headers: Headers): number {
  const v = single(headers, 'x-amz-decoded-content-length');
  if (v === undefined) {
    throw new S3Error('MissingContentLength', 'You must provide the x-amz-decoded-content-length header with aws-chunked bodies.');
  }
  if (!/^\d{1,15}$/.test(v.trim())) {
    throw new S3Error('InvalidArgument', 'x-amz-decoded-content-length must be a non-negative integer.', {
      fields: { ArgumentName: 'x-amz-decoded-content-length', ArgumentValue: v.slice(0, 32) },
    });
  }
  return Number(v.trim());
}

/** Passes bytes through unchanged, letting the verifier observe them and veto the end. */
class ObservingPassThrough extends Transform {
  constructor(private readonly onData: (data: Buffer) => void, private readonly onEnd: () => void) {
    super();
  }
  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.onData(chunk);
    callback(null, chunk);
  }
  override _flush(callback: TransformCallback): void {
    try {
      this.onEnd();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }
}

/**
 * Builds the verifier for a body. Throws an S3Error synchronously for headers that are
 * malformed before any byte is read (missing decoded length, malformed checksum value).
 */
export function createPayloadVerifier(payload: PayloadMode, headers: Headers, opts: PayloadVerifierOptions = {}): PayloadVerifier {
  const source = declaredChecksum(payload, headers, opts.ignoreChecksumHeaders === true);
  const running: Checksum | undefined = source === undefined ? undefined : createChecksum(source.algorithm);
  let verified: VerifiedChecksum | undefined;
  const verifyChecksum = (trailers: Readonly<Record<string, string>>): void => {
    // A checksum trailer that x-amz-trailer did not announce was not computed, so it cannot be vouched for.
    for (const name of Object.keys(trailers)) {
      const alg = checksumAlgorithmFromHeader(name);
      if (alg !== undefined && (source?.from !== 'trailer' || source.algorithm !== alg)) {
        throw new S3Error('InvalidRequest', `The trailer ${name} was not declared in x-amz-trailer.`);
      }
    }
    if (source === undefined || running === undefined) return;
    const name = checksumHeader(source.algorithm);
    const sent = source.from === 'header' ? source.base64 : trailers[name];
    if (sent === undefined) throw new S3Error('InvalidRequest', `The trailer ${name} declared in x-amz-trailer was not sent.`);
    if (!isWellFormedChecksum(source.algorithm, sent)) throw invalidChecksumValue(source.algorithm, source.from);
    const computed = running.digest().toString('base64');
    if (computed !== sent) {
      throw new S3Error('BadDigest', `The ${source.algorithm} you specified did not match the calculated checksum.`);
    }
    verified = { algorithm: source.algorithm, base64: computed };
  };
  const onData = running === undefined ? () => {} : (d: Buffer) => running.update(d);

  if (payload.kind === 'unsigned' || payload.kind === 'sha256') {
    const sha: Hash | undefined = payload.kind === 'sha256' ? createHash('sha256') : undefined;
    const stream = new ObservingPassThrough((d) => { sha?.update(d); onData(d); }, () => {
      if (sha !== undefined && payload.kind === 'sha256') {
        const computed = sha.digest('hex');
        if (computed !== payload.expectedHex) {
          throw new S3Error('XAmzContentSHA256Mismatch', undefined, {
            fields: { ClientComputedContentSHA256: payload.expectedHex, S3ComputedContentSHA256: computed },
          });
        }
      }
      verifyChecksum({});
    });
    return { stream, trailers: () => ({}), checksum: () => verified };
  }

  const decoder = new AwsChunkedDecoder({
    signing: payload.kind === 'streaming-signed' ? payload : undefined,
    trailer: payload.kind === 'streaming-unsigned-trailer' || payload.trailer,
    decodedLengthBytes: decodedContentLength(headers),
    onData,
    onEnd: verifyChecksum,
  });
  return { stream: decoder, trailers: () => decoder.trailers(), checksum: () => verified };
}
