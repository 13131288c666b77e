// A streaming decoder for 'Content-Encoding: aws-chunked' request bodies.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
//
// Wire format (signed chunks; the unsigned-trailer variant omits ';chunk-signature=…'):
//
//   <hex size>;chunk-signature=<64 hex>\r\n <size bytes> \r\n     one per data chunk
//   0;chunk-signature=<64 hex>\r\n                                  the final, empty chunk
//   then either \r\n                                                 (no trailer)
//   or trailer lines  <name>:<value>\r\n … [x-amz-trailer-signature:<64 hex>\r\n] \r\n
//
// Each chunk signature chains from the previous one (the first from the request's seed
// signature), so chunks can be neither altered, reordered, dropped nor appended.
//
// Memory stays bounded: chunk data is never buffered. It is passed downstream as it
// arrives, hashed on the way, and the stream fails at the end of a chunk whose signature
// does not match. That is safe because nothing downstream commits an object before this
// stream ends cleanly (design.md, write path step 4), and a failed stream never ends
// cleanly. Only header and trailer lines are buffered, each capped by src/limits.ts.

import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { limits } from '../../limits.js';
import { S3Error } from '../errors.js';
import { emptySha256Hex, hmacSha256, sha256Hex, signaturesEqual } from './canonical.js';
import type { ChunkSigningContext } from './types.js';

export interface AwsChunkedOptions {
  /** Present for STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]: every chunk must be signed. */
  signing?: ChunkSigningContext;
  /** Whether trailer lines follow the final chunk. */
  trailer: boolean;
  /** x-amz-decoded-content-length: the object's size once the framing is removed. */
  decodedLengthBytes: number;
  /** Sees every decoded byte, in order (for checksums). */
  onData(data: Buffer): void;
  /** Runs once the framing, the length and every signature verified; may throw an S3Error to fail the body. */
  onEnd(trailers: Readonly<Record<string, string>>): void;
}

type State = 'header' | 'data' | 'data-crlf' | 'trailer' | 'done';

const chunkSizePattern = /^[0-9a-fA-F]{1,16}$/;

function framingError(detail: string): S3Error {
  return new S3Error('InvalidRequest', `Malformed aws-chunked body: ${detail}`);
}

export class AwsChunkedDecoder extends Transform {
  private state: State = 'header';
  private readonly line: Buffer[] = [];
  private lineBytes = 0;
  private trailerBytes = 0;
  private chunkRemainingBytes = 0;
  private chunkSignature = '';
  private chunkHash: Hash | undefined;
  private previousSignature: string;
  private crlfBytesSeen = 0;
  private finalChunkSeen = false;
  private decodedBytes = 0;
  private readonly trailerValues: Record<string, string> = {};
  private trailerCanonical = '';
  private trailerSignature: string | undefined;

  constructor(private readonly opts: AwsChunkedOptions) {
    super();
    this.previousSignature = opts.signing?.seedSignature ?? '';
  }

  /** The trailing headers received so far (complete once the stream has ended). */
  trailers(): Record<string, string> {
    return { ...this.trailerValues };
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      this.finish();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(buf: Buffer): void {
    let pos = 0;
    while (pos < buf.length) {
      switch (this.state) {
        case 'header':
          pos = this.readLine(buf, pos, limits.awsChunkHeaderBytesMax, (l) => this.onChunkHeader(l));
          break;
        case 'data':
          pos = this.readData(buf, pos);
          break;
        case 'data-crlf':
          pos = this.readCrlf(buf, pos);
          break;
        case 'trailer':
          pos = this.readLine(buf, pos, limits.awsTrailerBytesMax, (l) => this.onTrailerLine(l));
          break;
        case 'done':
          // Some clients end with an extra CRLF; anything else after the end is not ours to accept.
          for (; pos < buf.length; pos++) {
            if (buf[pos] !== 0x0d && buf[pos] !== 0x0a) throw framingError('data after the final chunk');
          }
          break;
      }
    }
  }

  /** Accumulates one CRLF-terminated line (capped) and hands it over without the CRLF. */
  private readLine(buf: Buffer, pos: number, maxBytes: number, onLine: (line: string) => void): number {
    const nl = buf.indexOf(0x0a, pos);
    const end = nl < 0 ? buf.length : nl + 1;
    this.lineBytes += end - pos;
    if (this.state === 'trailer') this.trailerBytes += end - pos;
    if (this.lineBytes > maxBytes || this.trailerBytes > limits.awsTrailerBytesMax) {
      throw framingError(this.state === 'trailer' ? 'trailer too long' : 'chunk header too long');
    }
    this.line.push(buf.subarray(pos, end));
    if (nl < 0) return buf.length;
    const whole = this.line.length === 1 ? this.line[0]! : Buffer.concat(this.line);
    this.line.length = 0;
    this.lineBytes = 0;
    const crlf = whole.length >= 2 && whole[whole.length - 2] === 0x0d;
    // Trailer lines ending in a bare LF are taken too: their content is verified either way
    // (by the trailer signature or the checksum), and not every client writes CRLF there.
    if (!crlf && this.state !== 'trailer') throw framingError('line not terminated by CRLF');
    onLine(whole.subarray(0, whole.length - (crlf ? 2 : 1)).toString('latin1'));
    return end;
  }

  private onChunkHeader(line: string): void {
    const [sizeText, ...extensions] = line.split(';');
    if (sizeText === undefined || !chunkSizePattern.test(sizeText)) throw framingError('bad chunk size');
    const size = parseInt(sizeText, 16);
    if (size > limits.awsChunkSizeBytesMax) throw framingError('chunk larger than allowed');
    let signature: string | undefined;
    for (const ext of extensions) {
      const eq = ext.indexOf('=');
      if (eq > 0 && ext.slice(0, eq).trim() === 'chunk-signature') signature = ext.slice(eq + 1).trim();
    }
    if (this.opts.signing !== undefined) {
      if (signature === undefined) throw framingError('chunk without chunk-signature');
      this.chunkSignature = signature;
      this.chunkHash = createHash('sha256');
    }
    this.chunkRemainingBytes = size;
    if (size > 0) {
      this.state = 'data';
      return;
    }
    this.verifyChunk();
    this.finalChunkSeen = true;
    this.state = this.opts.trailer ? 'trailer' : 'data-crlf';
  }

  private readData(buf: Buffer, pos: number): number {
    const n = Math.min(this.chunkRemainingBytes, buf.length - pos);
    const data = buf.subarray(pos, pos + n);
    this.decodedBytes += n;
    if (this.decodedBytes > this.opts.decodedLengthBytes) {
      throw new S3Error('IncompleteBody', 'The decoded body is longer than x-amz-decoded-content-length.');
    }
    this.chunkHash?.update(data);
    this.opts.onData(data);
    this.push(data);
    this.chunkRemainingBytes -= n;
    if (this.chunkRemainingBytes === 0) {
      this.verifyChunk();
      this.state = 'data-crlf';
    }
    return pos + n;
  }

  private readCrlf(buf: Buffer, pos: number): number {
    let p = pos;
    while (p < buf.length && this.crlfBytesSeen < 2) {
      const expected = this.crlfBytesSeen === 0 ? 0x0d : 0x0a;
      if (buf[p] !== expected) throw framingError('chunk data not followed by CRLF');
      this.crlfBytesSeen++;
      p++;
    }
    if (this.crlfBytesSeen === 2) {
      this.crlfBytesSeen = 0;
      this.state = this.finalChunkSeen ? 'done' : 'header';
    }
    return p;
  }

  /** Checks the chunk just read against its signature, which chains from the previous one. */
  private verifyChunk(): void {
    const signing = this.opts.signing;
    if (signing === undefined) return;
    const dataHash = this.chunkHash === undefined ? emptySha256Hex : this.chunkHash.digest('hex');
    this.chunkHash = undefined;
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${signing.amzDate}\n${signing.scope}\n${this.previousSignature}\n${emptySha256Hex}\n${dataHash}`;
    const expected = hmacSha256(signing.signingKey, sts).toString('hex');
    if (!signaturesEqual(expected, this.chunkSignature)) {
      throw new S3Error('SignatureDoesNotMatch', 'The chunk signature we calculated does not match the signature you provided.');
    }
    this.previousSignature = expected;
  }

  private onTrailerLine(line: string): void {
    if (line === '') {
      this.endTrailer();
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw framingError('trailer line is not name:value');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (name === 'x-amz-trailer-signature') {
      this.trailerSignature = value;
      return;
    }
    if (this.trailerSignature !== undefined) throw framingError('trailer after x-amz-trailer-signature');
    if (Object.prototype.hasOwnProperty.call(this.trailerValues, name)) throw framingError(`trailer ${name} repeated`);
    this.trailerValues[name] = value;
    this.trailerCanonical += `${name}:${value}\n`;
  }

  /** The trailer is signed like a chunk whose content is the canonical trailer lines. */
  private endTrailer(): void {
    const signing = this.opts.signing;
    if (signing !== undefined) {
      if (this.trailerSignature === undefined) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer carries no x-amz-trailer-signature.');
      }
      const sts = `AWS4-HMAC-SHA256-TRAILER\n${signing.amzDate}\n${signing.scope}\n${this.previousSignature}\n${sha256Hex(this.trailerCanonical)}`;
      const expected = hmacSha256(signing.signingKey, sts).toString('hex');
      if (!signaturesEqual(expected, this.trailerSignature)) {
        throw new S3Error('SignatureDoesNotMatch', 'The trailer signature we calculated does not match the signature you provided.');
      }
    }
    this.state = 'done';
  }

  private finish(): void {
    // Tolerate a body that ends right after its last trailer line without the closing CRLF.
    if (this.state === 'trailer' && this.lineBytes === 0) this.endTrailer();
    if (this.state !== 'done') {
      throw new S3Error('IncompleteBody', 'The aws-chunked body ended before its final chunk.');
    }
    if (this.decodedBytes !== this.opts.decodedLengthBytes) {
      throw new S3Error('IncompleteBody',
        `The decoded body has ${this.decodedBytes} bytes but x-amz-decoded-content-length says ${this.opts.decodedLengthBytes}.`);
    }
    this.opts.onEnd(this.trailerValues);
  }
}
