// Test helper: pushes a body through a PayloadVerifier in pieces and reports what came out.

import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import type { PayloadVerifier } from '../../../../src/s3/auth/payload.js';

export interface BodyOutcome {
  data: Buffer;
  error: unknown;
}

/** Splits body at the given cut points (taken modulo its length) to exercise every boundary. */
export function splitAt(body: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => (body.length === 0 ? 0 : c % (body.length + 1))))].sort((a, b) => a - b);
  const pieces: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, body.length]) {
    if (p > prev) pieces.push(body.subarray(prev, p));
    prev = p;
  }
  return pieces;
}

export async function runBody(verifier: PayloadVerifier, pieces: readonly Buffer[]): Promise<BodyOutcome> {
  const out: Buffer[] = [];
  let error: unknown;
  try {
    await pipeline(Readable.from(pieces), verifier.stream, new Writable({
      write(chunk: Buffer, _enc, cb) { out.push(chunk); cb(); },
    }));
  } catch (err) {
    error = err;
  }
  return { data: Buffer.concat(out), error };
}

/** Frames data as aws-chunked with the given chunk size, unsigned, with optional trailer lines. */
export function unsignedChunked(data: Buffer, chunkBytes: number, trailerLines: readonly string[]): Buffer {
  const parts: Buffer[] = [];
  for (let off = 0; off < data.length; off += chunkBytes) {
    const piece = data.subarray(off, off + chunkBytes);
    parts.push(Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from('0\r\n'));
  for (const line of trailerLines) parts.push(Buffer.from(`${line}\r\n`));
  parts.push(Buffer.from('\r\n'));
  return Buffer.concat(parts);
}
