// Request bodies: every body passes through the payload verifier (aws-chunked decoding,
// chunk signatures, x-amz-content-sha256) and a length check, and is consumed as a stream.
// XML bodies are read whole but capped.

import type { ServerResponse } from 'node:http';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createPayloadVerifier, type PayloadVerifier, type PayloadVerifierOptions } from './auth/payload.js';
import { S3Error } from './errors.js';
import { header, type S3Ctx } from './context.js';
import { limits } from '../limits.js';

/** The number of object bytes the client promised, or undefined when it did not say. */
export function declaredLength(ctx: S3Ctx): number | undefined {
  const decoded = header(ctx, 'x-amz-decoded-content-length');
  const raw = decoded ?? header(ctx, 'content-length');
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new S3Error('InvalidArgument', 'Invalid content length');
  return Number(raw);
}

/** Counts bytes and fails with IncompleteBody when fewer or more arrive than declared. */
class LengthCheck extends Transform {
  seen = 0;
  constructor(private readonly expected: number | undefined, private readonly max: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.byteLength;
    if (this.seen > this.max) return cb(new S3Error('EntityTooLarge'));
    if (this.expected !== undefined && this.seen > this.expected) return cb(new S3Error('IncompleteBody', 'More data than declared'));
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.expected !== undefined && this.seen !== this.expected) return cb(new S3Error('IncompleteBody'));
    cb();
  }
}

export interface ObjectBody {
  stream: AsyncIterable<Uint8Array>;
  verifier: PayloadVerifier;
  done: Promise<void>;
}

const continued = new WeakSet<ServerResponse>();

/**
 * Sends "100 Continue" to a client waiting for it (Expect: 100-continue; server.ts leaves it to
 * us): called by whatever starts reading a request body, once the request is authorized.
 */
export function continueBody(ctx: S3Ctx): void {
  const res = ctx.koa.res;
  if (continued.has(res) || !/^100-continue$/i.test(ctx.koa.req.headers.expect ?? '')) return;
  continued.add(res);
  res.writeContinue();
}

/**
 * Before an error answer to a request whose body was not read in full. A client still sending
 * the body would see the socket closed under it (EPIPE) instead of the answer if the
 * connection closed now: the AWS SDK for JavaScript did, on a 100 KB PUT with a wrong secret.
 * So a body of known size up to limits.refusedBodyDrainBytesMax that the client is sending
 * (not one held back for a 100 Continue that never came) is read and discarded after the
 * answer, and the connection stays open. Otherwise the connection closes after the answer:
 * unread body bytes must not be parsed as the next request.
 */
export function settleUnreadBody(ctx: S3Ctx): void {
  const req = ctx.koa.req;
  if (req.complete) return;
  const length = Number(req.headers['content-length']);
  const heldBack = /^100-continue$/i.test(req.headers.expect ?? '') && !continued.has(ctx.koa.res);
  if (!heldBack && !req.destroyed && Number.isSafeInteger(length) && length <= limits.refusedBodyDrainBytesMax) {
    req.resume();
    return;
  }
  ctx.koa.set('Connection', 'close');
}

/** The request's object bytes as a stream (framing removed, signatures checked). */
export function objectBody(ctx: S3Ctx, maxBytes: number, opts: PayloadVerifierOptions = {}): ObjectBody {
  const expected = declaredLength(ctx);
  if (expected !== undefined && expected > maxBytes) throw new S3Error('EntityTooLarge');
  continueBody(ctx);
  const verifier = createPayloadVerifier(ctx.payload, ctx.koa.req.headers, opts);
  const check = new LengthCheck(expected, maxBytes);
  const req = ctx.koa.req;
  // Closed connections end the stream with an error, never a silently short body.
  const done = pipeline(req, verifier.stream, check).catch((err: unknown) => {
    if (err instanceof S3Error) throw err;
    throw new S3Error('IncompleteBody');
  });
  done.catch(() => undefined);
  return { stream: guarded(check, done), verifier, done };
}

async function* guarded(src: AsyncIterable<Uint8Array>, done: Promise<void>): AsyncGenerator<Uint8Array> {
  try {
    for await (const c of src) yield c;
  } catch {
    await done;
    throw new S3Error('IncompleteBody');
  }
  await done;
}

/** Reads a whole (small) request body, e.g. an XML document, within `maxBytes`. */
export async function readSmallBody(ctx: S3Ctx, maxBytes = limits.xmlBodyBytesMax, opts: PayloadVerifierOptions = {}): Promise<Buffer> {
  const body = objectBody(ctx, maxBytes, opts);
  const parts: Uint8Array[] = [];
  for await (const c of body.stream) parts.push(c);
  return Buffer.concat(parts);
}
