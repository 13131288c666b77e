// Test helper: turns an HTTP request written out as text (the test-suite format) into the
// AuthRequest that the S3 layer would build from node's IncomingMessage.

import type { AuthRequest } from '../../../../src/s3/auth/types.js';

export interface WireRequest {
  req: AuthRequest;
  body: Buffer;
}

/** Percent-encodes what cannot appear raw in a request target (spaces, non-ASCII), as a client would. */
export function toWireTarget(target: string): string {
  return target.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
}

/**
 * Parses 'METHOD target HTTP/1.1\nName:value\n…\n\nbody'. Folded header lines (leading
 * whitespace) continue the previous value. Headers are given both as node's lower-case
 * record (repeats joined with ', ') and as rawHeaders.
 */
export function parseWireRequest(text: string): WireRequest {
  const blank = text.indexOf('\n\n');
  const head = blank < 0 ? text : text.slice(0, blank);
  const body = Buffer.from(blank < 0 ? '' : text.slice(blank + 2), 'utf8');
  const lines = head.split('\n');
  const requestLine = lines.shift()!;
  const firstSpace = requestLine.indexOf(' ');
  const lastSpace = requestLine.lastIndexOf(' ');
  const method = requestLine.slice(0, firstSpace);
  const target = toWireTarget(requestLine.slice(firstSpace + 1, lastSpace));
  const rawHeaders: string[] = [];
  for (const line of lines) {
    if (/^\s/.test(line) && rawHeaders.length > 0) {
      rawHeaders[rawHeaders.length - 1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    rawHeaders.push(line.slice(0, colon), line.slice(colon + 1));
  }
  const headers: Record<string, string> = {};
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!.toLowerCase();
    const value = rawHeaders[i + 1]!.trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  const q = target.indexOf('?');
  return {
    req: {
      method,
      rawPath: q < 0 ? target : target.slice(0, q),
      rawQuery: q < 0 ? '' : target.slice(q + 1),
      headers,
      rawHeaders,
    },
    body,
  };
}
