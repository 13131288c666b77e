// The pieces of an AWS Signature Version 4 signature, computed the way S3 computes them.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
//
// S3 differs from other AWS services in two ways that matter here: the canonical URI is the
// path URI-encoded once (not twice), and the path is never normalised ('a/../b' and 'a//b'
// are legal keys). We percent-decode the path as sent to bytes and encode those bytes again
// with the SigV4 rules, so that every client spelling of a key ('+' or '%2B', '~' or '%7E',
// '%c3%a9' or '%C3%A9') yields the canonical form its SDK signed.

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

export const signingAlgorithm = 'AWS4-HMAC-SHA256';
export const emptySha256Hex = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

const hexDigits = '0123456789ABCDEF';

function hexValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x46) return code - 0x41 + 10;
  if (code >= 0x61 && code <= 0x66) return code - 0x61 + 10;
  return -1;
}

/**
 * Percent-decodes `s` to bytes. A '%' not followed by two hex digits is kept literally, as
 * S3 keeps it; characters outside ASCII are taken as UTF-8. With `plusIsSpace`, '+' decodes
 * to a space (form encoding, which query strings use).
 */
export function percentDecodeToBytes(s: string, plusIsSpace: boolean): Buffer {
  if (!s.includes('%') && !(plusIsSpace && s.includes('+'))) return Buffer.from(s, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x25 && i + 2 < s.length && hexValue(s.charCodeAt(i + 1)) >= 0 && hexValue(s.charCodeAt(i + 2)) >= 0) {
      out.push(hexValue(s.charCodeAt(i + 1)) * 16 + hexValue(s.charCodeAt(i + 2)));
      i += 2;
    } else if (c === 0x2b && plusIsSpace) {
      out.push(0x20);
    } else if (c < 0x80) {
      out.push(c);
    } else {
      // A non-ASCII code point (possibly a surrogate pair): encode it as UTF-8.
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      for (const b of Buffer.from(ch, 'utf8')) out.push(b);
      i += ch.length - 1;
    }
  }
  return Buffer.from(out);
}

function isUnreserved(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || (b >= 0x30 && b <= 0x39) ||
    b === 0x2d || b === 0x2e || b === 0x5f || b === 0x7e;
}

/** SigV4 URI encoding of bytes: unreserved characters stay, everything else is %XX (upper case). */
export function uriEncodeBytes(bytes: Uint8Array, keepSlash: boolean): string {
  let out = '';
  for (const b of bytes) {
    if (isUnreserved(b) || (keepSlash && b === 0x2f)) out += String.fromCharCode(b);
    else out += '%' + hexDigits[b >> 4] + hexDigits[b & 15];
  }
  return out;
}

/** The canonical URI of a path as sent: decoded once, encoded once, '/' kept, never normalised. */
export function canonicalUri(rawPath: string): string {
  const path = rawPath === '' ? '/' : rawPath;
  return uriEncodeBytes(percentDecodeToBytes(path, false), true);
}

/** One query parameter, decoded (names are case-sensitive, as S3 treats them). */
export interface QueryParam { name: string; value: string }

/** Splits a raw query string into decoded parameters, in the order sent. */
export function parseRawQuery(rawQuery: string): QueryParam[] {
  const params: QueryParam[] = [];
  if (rawQuery === '') return params;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    params.push({
      name: percentDecodeToBytes(rawName, true).toString('utf8'),
      value: percentDecodeToBytes(rawValue, true).toString('utf8'),
    });
  }
  return params;
}

/**
 * The canonical query string: every parameter (but `exclude`) re-encoded with the SigV4
 * rules, sorted by encoded name and then encoded value, as 'name=value' joined by '&'.
 * Re-encoding works on the raw bytes, so a value that is not valid UTF-8 still signs as sent.
 */
export function canonicalQuery(rawQuery: string, exclude?: string): string {
  if (rawQuery === '') return '';
  const pairs: Array<[string, string]> = [];
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const rawName = eq < 0 ? part : part.slice(0, eq);
    const rawValue = eq < 0 ? '' : part.slice(eq + 1);
    const nameBytes = percentDecodeToBytes(rawName, true);
    if (exclude !== undefined && nameBytes.toString('utf8') === exclude) continue;
    pairs.push([uriEncodeBytes(nameBytes, false), uriEncodeBytes(percentDecodeToBytes(rawValue, true), false)]);
  }
  // Encoded strings are ASCII, so JS string order is byte order.
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** Trim, and collapse each run of whitespace (including folded lines) into one space. */
function canonicalHeaderValue(value: string): string {
  return value.trim().replace(/\s+/g, ' ');
}

/**
 * All values sent for one header, in order. rawHeaders (when given) keeps repeated headers
 * apart; node's `headers` joins most of them with ', ' already.
 */
export function headerValues(
  headers: Record<string, string | string[] | undefined>,
  rawHeaders: readonly string[] | undefined,
  name: string,
): string[] {
  if (rawHeaders !== undefined) {
    const values: string[] = [];
    for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
      if (rawHeaders[i]!.toLowerCase() === name) values.push(wireText(rawHeaders[i + 1]!));
    }
    return values;
  }
  const v = headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(wireText);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A header value as the client signed it. Node reads header bytes as latin1, one char per
 * byte. botocore sends a non-ASCII value as UTF-8 bytes (x-amz-meta-*: s3-tests
 * test_object_set_get_unicode_metadata), node clients (SDK v3) send it as latin1 bytes, and
 * both sign the UTF-8 encoding of the text. Bytes that form valid UTF-8 are taken as UTF-8,
 * anything else as latin1, so the canonical request (hashed as UTF-8) matches either.
 */
export function wireText(v: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(v)) return v;
  try {
    return strictUtf8.decode(Buffer.from(v, 'latin1'));
  } catch {
    return v;
  }
}

/** The canonical headers block: 'name:value\n' for each signed header, in the signed order. */
export function canonicalHeaders(
  signedHeaders: readonly string[],
  headers: Record<string, string | string[] | undefined>,
  rawHeaders: readonly string[] | undefined,
): string {
  let out = '';
  for (const name of signedHeaders) {
    const values = headerValues(headers, rawHeaders, name).map(canonicalHeaderValue);
    out += `${name}:${values.join(',')}\n`;
  }
  return out;
}

export interface CanonicalRequestParts {
  method: string;
  canonicalUri: string;
  canonicalQuery: string;
  canonicalHeaders: string;
  signedHeaders: string;
  payloadHash: string;
}

export function canonicalRequest(p: CanonicalRequestParts): string {
  return [p.method, p.canonicalUri, p.canonicalQuery, p.canonicalHeaders, p.signedHeaders, p.payloadHash].join('\n');
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function hmacSha256(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

export function stringToSign(amzDate: string, scope: string, canonicalRequestText: string): string {
  return `${signingAlgorithm}\n${amzDate}\n${scope}\n${sha256Hex(canonicalRequestText)}`;
}

/** kSigning = HMAC(HMAC(HMAC(HMAC('AWS4' + secret, date), region), service), 'aws4_request'). */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const kDate = hmacSha256(`AWS4${secretAccessKey}`, date);
  const kRegion = hmacSha256(kDate, region);
  const kService = hmacSha256(kRegion, service);
  return hmacSha256(kService, 'aws4_request');
}

export function signHex(key: Buffer, stringToSignText: string): string {
  return hmacSha256(key, stringToSignText).toString('hex');
}

const signaturePattern = /^[0-9a-f]{64}$/;

/**
 * Compares a computed signature with one a client sent, in time independent of where they
 * differ. A provided value that is not 64 lower-case hex digits never matches.
 */
export function signaturesEqual(expectedHex: string, providedHex: string): boolean {
  if (!signaturePattern.test(providedHex) || !signaturePattern.test(expectedHex)) return false;
  return timingSafeEqual(Buffer.from(expectedHex, 'hex'), Buffer.from(providedHex, 'hex'));
}
