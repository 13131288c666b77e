// ListObjectVersions — https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html
// Versions and delete markers in (key ascending, newest first) order, with prefix,
// delimiter, key-marker / version-id-marker pagination and max-keys (versions, markers and
// common prefixes together). Keys written before versioning was set list as their null
// version; a bucket that was never versioned lists every object as a null version.
// Differences from AWS: <Version> and <DeleteMarker> elements are grouped by kind rather than
// interleaved in one sequence (SDKs read them into separate lists either way).

import { requireBucket, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { limits } from '../../limits.js';
import { checkOwner } from './access.js';
import { isoDate, listEncoder, owner, parseMaxKeys, sendXml } from './respond.js';
import type { ObjectRecord } from '../../metadata/records.js';

export async function listObjectVersions(ctx: S3Ctx): Promise<void> {
  const bucket = requireBucket(ctx);
  checkOwner(ctx, bucket);
  const q = ctx.query;
  const maxKeys = parseMaxKeys(q.get('max-keys'), limits.versionsListMax);
  if (maxKeys < 0) throw new S3Error('InvalidArgument', 'Provided max-keys not an integer or within integer range');
  const prefix = q.get('prefix') ?? '';
  const delimiter = q.get('delimiter') ?? '';
  const keyMarker = q.get('key-marker') ?? '';
  const versionIdMarker = q.get('version-id-marker') ?? '';
  if (versionIdMarker !== '' && keyMarker === '') throw new S3Error('InvalidArgument', 'A version-id marker cannot be specified without a key marker.');
  if (versionIdMarker.length > limits.versionIdLengthMax) throw new S3Error('InvalidArgument', 'Invalid version id specified');
  const page = ctx.svc.objects.listObjectVersions(bucket, { prefix, delimiter, keyMarker, versionIdMarker, maxKeys });
  const enc = listEncoder(ctx);
  const versions: Record<string, unknown>[] = [];
  const markers: Record<string, unknown>[] = [];
  let previousKey: string | undefined;
  for (const o of page.entries) {
    // The first row of a key is its latest, unless the page resumed inside that key.
    const isLatest = o.key !== previousKey && !(o.key === keyMarker && versionIdMarker !== '');
    previousKey = o.key;
    (o.deleteMarker ? markers : versions).push(entry(ctx, o, isLatest, enc));
  }
  const last = page.entries[page.entries.length - 1];
  const next =
    page.isTruncated && page.last !== undefined
      ? { NextKeyMarker: enc(page.last), ...(!page.lastIsPrefix && last ? { NextVersionIdMarker: last.versionId ?? 'null' } : {}) }
      : {};
  sendXml(ctx, 'ListVersionsResult', {
    Name: bucket,
    Prefix: enc(prefix),
    KeyMarker: enc(keyMarker),
    VersionIdMarker: versionIdMarker,
    ...next,
    MaxKeys: maxKeys,
    ...(delimiter !== '' ? { Delimiter: enc(delimiter) } : {}),
    IsTruncated: page.isTruncated,
    ...(q.has('encoding-type') ? { EncodingType: q.get('encoding-type') } : {}),
    Version: versions,
    DeleteMarker: markers,
    CommonPrefixes: page.commonPrefixes.map((p) => ({ Prefix: enc(p) })),
  });
}

function entry(ctx: S3Ctx, o: ObjectRecord, isLatest: boolean, enc: (s: string) => string): Record<string, unknown> {
  const common = { Key: enc(o.key), VersionId: o.versionId ?? 'null', IsLatest: isLatest, LastModified: isoDate(o.lastModifiedMs) };
  if (o.deleteMarker) return { ...common, Owner: owner(ctx, o.owner) };
  return {
    ...common,
    ETag: `"${o.etag}"`,
    Size: o.size,
    StorageClass: o.storageClass === 'REPLICA' ? 'REDUCED_REDUNDANCY' : 'STANDARD',
    Owner: owner(ctx, o.owner),
  };
}
