// Building an AuthRequest from node's IncomingMessage, so that every caller takes the path
// and query exactly as they came off the wire.

import type { IncomingMessage } from 'node:http';
import type { AuthRequest } from './types.js';

/**
 * The AuthRequest for an incoming request. req.url is the request target as sent (node
 * neither decodes nor normalises it, and refuses raw non-ASCII bytes in it with a 400), so
 * the path and query are split from it here and nowhere else.
 */
export function authRequestFromIncoming(req: Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'rawHeaders'>): AuthRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    rawHeaders: req.rawHeaders,
  };
}
