// Object headers in and out: the attributes a PUT/COPY/CreateMultipartUpload stores, the
// headers GET/HEAD return, GET's conditional headers and Range.
// References: PutObject, GetObject and HeadObject in the AWS S3 API reference.

import type Koa from 'koa';
import { limits } from '../limits.js';
import { S3Error } from './errors.js';
import type { ObjectAttributes } from '../gateway/object-service.js';
import type { ObjectChecksum, ObjectRecord } from '../metadata/records.js';
import { checksumHeader, parseChecksumAlgorithm } from '../pipeline/checksums.js';
import { parseTaggingHeader } from './tagging.js';
import { aclFromHeaders } from './access/acl.js';

const STORED_HEADERS = ['cache-control', 'content-disposition', 'content-encoding', 'content-language', 'expires'] as const;

type Headers = Record<string, string | string[] | undefined>;

function one(h: Headers, name: string): string | undefined {
  const v = h[name];
  return Array.isArray(v) ? v.join(',') : v;
}

export function attributesFromHeaders(h: Headers, owner: string): ObjectAttributes {
  const headers: Record<string, string> = {};
  for (const name of STORED_HEADERS) {
    let v = one(h, name);
    if (name === 'content-encoding' && v !== undefined) {
      // aws-chunked is transfer framing, not a property of the object; any other value is
      // kept as sent ("deflate, gzip": s3-tests test_object_content_encoding_aws_chunked).
      const codings = v.split(',').map((s) => s.trim());
      if (codings.includes('aws-chunked')) v = codings.filter((s) => s !== '' && s !== 'aws-chunked').join(', ');
      if (v === '') continue;
    }
    if (v !== undefined) headers[name] = v;
  }
  const userMeta: Record<string, string> = {};
  let metaBytes = 0;
  for (const [name, value] of Object.entries(h)) {
    if (!name.startsWith('x-amz-meta-') || value === undefined) continue;
    const k = name.slice('x-amz-meta-'.length);
    const v = Array.isArray(value) ? value.join(',') : value;
    userMeta[k] = v;
    metaBytes += Buffer.byteLength(k) + Buffer.byteLength(v);
  }
  if (metaBytes > limits.userMetadataBytesMax) throw new S3Error('MetadataTooLarge');
  const storageClass = one(h, 'x-amz-storage-class')?.trim();
  const tagging = one(h, 'x-amz-tagging');
  // Grantee ids were checked against the accounts by the operation's access check.
  const acl = aclFromHeaders(h, () => true);
  // An S3 class stored under another name is remembered, to be reported as sent.
  if (storageClass && s3StorageClassName(s3StorageClass(storageClass)) !== storageClass) headers['x-amz-storage-class'] = storageClass;
  return {
    ...(acl ? { config: { acl } } : {}),
    owner,
    contentType: one(h, 'content-type') ?? 'binary/octet-stream',
    headers,
    userMeta,
    ...(storageClass ? { storageClass: s3StorageClass(storageClass) } : {}),
    ...(tagging !== undefined ? { tagging: parseTaggingHeader(tagging) } : {}),
  };
}

/**
 * S3 storage classes → the Tessera class that stores them. Every Tessera class is durable and
 * read instantly, so the infrequent-access and instant-retrieval classes are stored as
 * STANDARD, and the S3 name the client chose is kept (as a stored x-amz-storage-class header)
 * to be reported back. Archive classes (GLACIER, DEEP_ARCHIVE) need RestoreObject semantics
 * Tessera does not have, and OUTPOSTS / SNOW / EXPRESS_ONEZONE name hardware or endpoints it
 * is not: those are InvalidStorageClass. WIDE is Tessera's own RS(8,3) class.
 */
const S3_STORAGE_CLASSES: Readonly<Record<string, string>> = Object.freeze({
  STANDARD: 'STANDARD',
  REDUCED_REDUNDANCY: 'REPLICA',
  STANDARD_IA: 'STANDARD',
  ONEZONE_IA: 'STANDARD',
  INTELLIGENT_TIERING: 'STANDARD',
  GLACIER_IR: 'STANDARD',
  WIDE: 'WIDE',
});

/** Maps an S3 storage-class header to a Tessera class (one durable class per object). */
function s3StorageClass(v: string): string {
  if (!Object.prototype.hasOwnProperty.call(S3_STORAGE_CLASSES, v)) throw new S3Error('InvalidStorageClass');
  return S3_STORAGE_CLASSES[v]!;
}

/** What GET/HEAD, listings and GetObjectAttributes report: the S3 name the writer chose. */
export function reportedStorageClass(o: { storageClass: string; headers: Record<string, string> }): string {
  return o.headers['x-amz-storage-class'] ?? s3StorageClassName(o.storageClass);
}

/** The S3 name a Tessera class is reported as (x-amz-storage-class, listings, attributes). */
export function s3StorageClassName(tesseraClass: string): string {
  return tesseraClass === 'REPLICA' ? 'REDUCED_REDUNDANCY' : tesseraClass;
}

export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** Headers GET and HEAD answer with, before any response-* override. */
export function setObjectHeaders(koa: Koa.Context, o: ObjectRecord, checksum: ObjectChecksum | undefined): void {
  koa.set('Last-Modified', httpDate(o.lastModifiedMs));
  koa.set('ETag', `"${o.etag}"`);
  koa.set('Content-Type', o.contentType);
  koa.set('Accept-Ranges', 'bytes');
  for (const [k, v] of Object.entries(o.headers)) koa.set(k, v);
  for (const [k, v] of Object.entries(o.userMeta)) koa.set(`x-amz-meta-${k}`, metaValueOut(v));
  const storageClass = reportedStorageClass(o);
  if (storageClass !== 'STANDARD') koa.set('x-amz-storage-class', storageClass);
  if (checksum) {
    const alg = parseChecksumAlgorithm(checksum.algorithm);
    if (alg) koa.set(checksumHeader(alg), checksum.value);
    koa.set('x-amz-checksum-type', checksum.type);
  }
  if (o.parts) koa.set('x-amz-mp-parts-count', String(o.parts.length));
  const tagCount = Object.keys(o.config?.tagging ?? {}).length;
  if (tagCount > 0) koa.set('x-amz-tagging-count', String(tagCount));
}

/**
 * A stored x-amz-meta-* value (the bytes sent, one char per byte) as a response header. A UTF-8
 * value whose characters all fit in one byte each is sent decoded ("é" as byte E9), which is how
 * clients that read headers as latin1 (botocore, node) see what they sent (s3-tests
 * test_object_set_get_unicode_metadata); anything else goes back byte for byte.
 */
function metaValueOut(v: string): string {
  // eslint-disable-next-line no-control-regex
  if (!/[^\x00-\x7f]/.test(v)) return v;
  const decoded = Buffer.from(v, 'latin1').toString('utf8');
  // eslint-disable-next-line no-control-regex
  return !decoded.includes('\ufffd') && !/[^\x00-\xff]/.test(decoded) ? decoded : v;
}

const OVERRIDES: Record<string, string> = {
  'response-content-type': 'Content-Type',
  'response-content-language': 'Content-Language',
  'response-expires': 'Expires',
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
};

export function applyResponseOverrides(koa: Koa.Context, query: URLSearchParams): void {
  for (const [param, headerName] of Object.entries(OVERRIDES)) {
    const v = query.get(param);
    if (v !== null) koa.set(headerName, v);
  }
}

function parseHttpDate(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

function etagMatches(list: string, etag: string): boolean {
  return list.split(',').some((t) => {
    const s = t.trim().replace(/^W\//, '');
    return s === '*' || s.replace(/^"|"$/g, '') === etag;
  });
}

/** GET/HEAD preconditions (RFC 7232 order, as S3 applies them). Throws 412 or 304. */
export function checkReadPreconditions(h: Headers, o: ObjectRecord, nowMs: number, prefix = ''): void {
  const ifMatch = one(h, `${prefix}if-match`);
  const ifNoneMatch = one(h, `${prefix}if-none-match`);
  const ifModifiedSince = parseHttpDate(one(h, `${prefix}if-modified-since`));
  const ifUnmodifiedSince = parseHttpDate(one(h, `${prefix}if-unmodified-since`));
  // HTTP dates have second precision.
  const lastModified = Math.floor(o.lastModifiedMs / 1000) * 1000;
  if (ifMatch !== undefined) {
    if (!etagMatches(ifMatch, o.etag)) throw new S3Error('PreconditionFailed', undefined, { fields: { Condition: `${prefix ? 'x-amz-copy-source-' : ''}If-Match` } });
  } else if (ifUnmodifiedSince !== undefined && lastModified > ifUnmodifiedSince) {
    throw new S3Error('PreconditionFailed', undefined, { fields: { Condition: 'If-Unmodified-Since' } });
  }
  const notModified = prefix === '' ? 'NotModified' : 'PreconditionFailed';
  if (ifNoneMatch !== undefined) {
    if (etagMatches(ifNoneMatch, o.etag)) throw new S3Error(notModified, undefined, { headers: { ETag: `"${o.etag}"` } });
  } else if (ifModifiedSince !== undefined && ifModifiedSince <= nowMs && lastModified <= ifModifiedSince) {
    throw new S3Error(notModified, undefined, { headers: { ETag: `"${o.etag}"` } });
  }
}

export interface ByteRange {
  start: number;
  endExclusive: number;
}

/**
 * Parses a Range header against an object size. Returns undefined when the whole object
 * is to be sent: no header, a malformed one, or several ranges (S3 answers those with the
 * whole object). Throws InvalidRange (416) when the range cannot be satisfied.
 */
export function parseRange(v: string | undefined, size: number): ByteRange | undefined {
  if (v === undefined) return undefined;
  const m = /^bytes=(\d*)-(\d*)$/.exec(v.trim());
  if (!m) return undefined;
  const [, a, b] = m as unknown as [string, string, string];
  if (a === '' && b === '') return undefined;
  const invalid = () => new S3Error('InvalidRange', undefined, { fields: { RangeRequested: v, ActualObjectSize: String(size) }, headers: { 'Content-Range': `bytes */${size}` } });
  if (a === '') {
    const n = Number(b);
    if (n === 0) throw invalid();
    return { start: Math.max(0, size - n), endExclusive: size };
  }
  const start = Number(a);
  const end = b === '' ? size - 1 : Number(b);
  if (b !== '' && end < start) return undefined;
  if (start >= size) throw invalid();
  return { start, endExclusive: Math.min(end, size - 1) + 1 };
}
