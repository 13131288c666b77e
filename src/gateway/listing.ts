// ListObjects (v1 and v2) and ListMultipartUploads as range scans over binary-ordered keys.
// A common prefix is emitted once and the scan then jumps past every key under it, so a
// CommonPrefix is never repeated across pages and a page costs O(page), not O(prefix).

import type { MetaTables } from '../index/meta-db.js';
import { bucketPrefix, objectKey, keySuccessor, prefixEnd } from '../index/keys.js';
import type { ObjectRecord, UploadRecord } from '../metadata/records.js';

export interface ListQuery {
  prefix: string;
  delimiter: string;
  /** List keys strictly after this one (marker, start-after or a continuation token). */
  after: string;
  maxKeys: number;
}

export interface ListPage<T> {
  entries: T[];
  commonPrefixes: string[];
  isTruncated: boolean;
  /** The last key or common prefix on this page (v1 NextMarker, v2 continuation). */
  last?: string;
  /** Whether `last` is an entry's key or a common prefix. */
  lastIsPrefix?: boolean;
}

/** Scans `bucket`'s keys in order and groups them by delimiter. */
export function* scanKeys<T>(
  db: { getRange(o: { start: Buffer; end?: Buffer }): Iterable<{ key: Buffer; value: T }> },
  bucket: string,
  q: ListQuery,
  keyOf: (encoded: Buffer, value: T) => string,
): Generator<{ kind: 'entry'; key: string; value: T } | { kind: 'prefix'; prefix: string }> {
  const bp = bucketPrefix(bucket);
  const scopeStart = objectKey(bucket, q.prefix);
  const scopeEnd = prefixEnd(scopeStart) ?? prefixEnd(bp);
  let start = scopeStart;
  if (q.after !== '') {
    const afterKey = keySuccessor(objectKey(bucket, q.after));
    if (Buffer.compare(afterKey, start) > 0) start = afterKey;
  }
  for (;;) {
    let jumped = false;
    for (const { key: encoded, value } of db.getRange(scopeEnd ? { start, end: scopeEnd } : { start })) {
      const key = keyOf(encoded, value);
      if (q.delimiter !== '') {
        const i = key.indexOf(q.delimiter, q.prefix.length);
        if (i >= 0) {
          const prefix = key.slice(0, i + q.delimiter.length);
          // The marker may point inside a prefix already returned on an earlier page.
          if (!(q.after !== '' && q.after.startsWith(prefix))) yield { kind: 'prefix', prefix };
          const next = prefixEnd(objectKey(bucket, prefix));
          if (!next) return;
          start = next;
          jumped = true;
          break;
        }
      }
      yield { kind: 'entry', key, value };
    }
    if (!jumped) return;
  }
}

export function paginate<T>(it: Iterable<{ kind: 'entry'; key: string; value: T } | { kind: 'prefix'; prefix: string }>, maxKeys: number): ListPage<T> {
  const page: ListPage<T> = { entries: [], commonPrefixes: [], isTruncated: false };
  if (maxKeys <= 0) return page;
  let count = 0;
  for (const item of it) {
    if (count === maxKeys) {
      page.isTruncated = true;
      break;
    }
    if (item.kind === 'prefix') {
      page.commonPrefixes.push(item.prefix);
      page.last = item.prefix;
      page.lastIsPrefix = true;
    } else {
      page.entries.push(item.value);
      page.last = item.key;
      page.lastIsPrefix = false;
    }
    count++;
  }
  return page;
}

export function listObjects(t: MetaTables, bucket: string, q: ListQuery): ListPage<ObjectRecord> {
  return paginate(scanKeys(t.objects, bucket, q, (_k, v) => v.key), q.maxKeys);
}

export interface UploadListQuery extends ListQuery {
  uploadIdMarker: string;
}

export function listUploads(t: MetaTables, bucket: string, q: UploadListQuery): ListPage<UploadRecord> {
  // Upload keys are bucket\0key\0uploadId, so the scan starting just after `bucket\0marker`
  // still sees the marker key's own uploads; S3 keeps those only past upload-id-marker.
  const after = q.after;
  const filtered = function* () {
    for (const item of scanKeys(t.uploads, bucket, q, (_k, v) => v.key)) {
      if (item.kind === 'entry' && after !== '' && item.key === after) {
        if (q.uploadIdMarker === '' || item.value.uploadId <= q.uploadIdMarker) continue;
      }
      yield item;
    }
  };
  return paginate(filtered(), q.maxKeys);
}
