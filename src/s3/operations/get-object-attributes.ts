// GetObjectAttributes — https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectAttributes.html
// The attributes named in x-amz-object-attributes (ETag, Checksum, ObjectParts, StorageClass,
// ObjectSize) without the body; ObjectParts pages with x-amz-max-parts and
// x-amz-part-number-marker and appears for multipart objects only.
// versionId reads that version (a delete marker answers as GetObject does); an SSE-C object
// needs its key, as the reference says.

import { header, requireKey, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { httpDate, reportedStorageClass } from '../object-headers.js';
import { sendXml } from './respond.js';
import type { ObjectRecord } from '../../metadata/records.js';
import { readVersion } from './get-object.js';
import { setVersionHeader } from './versioning.js';
import { readEncryption } from '../sse-headers.js';

const ATTRIBUTES = new Map(['ETag', 'Checksum', 'ObjectParts', 'StorageClass', 'ObjectSize'].map((a) => [a.toLowerCase(), a]));

function requestedAttributes(ctx: S3Ctx): Set<string> {
  const raw = header(ctx, 'x-amz-object-attributes');
  if (raw === undefined || raw.trim() === '') throw new S3Error('InvalidArgument', 'The x-amz-object-attributes header specifying the attributes to be retrieved is either missing or empty');
  const out = new Set<string>();
  for (const a of raw.split(',')) {
    const name = ATTRIBUTES.get(a.trim().toLowerCase());
    if (!name) throw new S3Error('InvalidArgument', 'Invalid attribute name specified.');
    out.add(name);
  }
  return out;
}

function integerHeader(ctx: S3Ctx, name: string, fallback: number): number {
  const v = header(ctx, name);
  if (v === undefined) return fallback;
  if (!/^\d{1,10}$/.test(v.trim())) throw new S3Error('InvalidArgument', `Invalid ${name} value.`);
  return Number(v.trim());
}

function objectParts(ctx: S3Ctx, o: ObjectRecord): Record<string, unknown> | undefined {
  if (!o.parts) return undefined;
  const maxParts = Math.min(integerHeader(ctx, 'x-amz-max-parts', limits.listKeysMax), limits.listKeysMax);
  const marker = integerHeader(ctx, 'x-amz-part-number-marker', 0);
  const after = o.parts.filter((p) => p.partNumber > marker);
  const page = after.slice(0, maxParts);
  const truncated = after.length > page.length;
  const alg = o.checksum?.algorithm;
  return {
    PartsCount: o.parts.length, // TotalPartsCount in the API model, PartsCount on the wire
    PartNumberMarker: marker,
    ...(page.length > 0 ? { NextPartNumberMarker: page[page.length - 1]!.partNumber } : {}),
    MaxParts: maxParts,
    IsTruncated: truncated,
    Part: page.map((p) => ({
      PartNumber: p.partNumber,
      Size: p.size,
      ...(p.checksum && alg ? { [`Checksum${alg}`]: p.checksum } : {}),
    })),
  };
}

export async function getObjectAttributes(ctx: S3Ctx): Promise<void> {
  const { bucket, key } = requireKey(ctx);
  const b = checkOwner(ctx, bucket);
  const want = requestedAttributes(ctx);
  const o = readVersion(ctx, bucket, key);
  readEncryption(ctx, o);
  ctx.koa.set('Last-Modified', httpDate(o.lastModifiedMs));
  setVersionHeader(ctx, o, 'x-amz-version-id', b);
  const parts = want.has('ObjectParts') ? objectParts(ctx, o) : undefined;
  sendXml(ctx, 'GetObjectAttributesResponse', {
    ...(want.has('ETag') ? { ETag: o.etag } : {}),
    ...(want.has('Checksum') && o.checksum ? { Checksum: { [`Checksum${o.checksum.algorithm}`]: o.checksum.value, ChecksumType: o.checksum.type } } : {}),
    ...(parts ? { ObjectParts: parts } : {}),
    ...(want.has('StorageClass') ? { StorageClass: reportedStorageClass(o) } : {}),
    ...(want.has('ObjectSize') ? { ObjectSize: o.size } : {}),
  });
}
