// ListObjectVersions as a range scan. Versions of keys written after versioning was set live
// in the `versions` table (bucket\0key\0~seq: key ascending, newest first); keys last written
// before it only in `objects` (as their null version). The two are merged in key order — a
// key is never in both (versions.ts) — and grouped by delimiter with the same scan as
// ListObjects, so a page costs O(page) and a CommonPrefix is never repeated.

import type { MetaTables } from '../index/meta-db.js';
import { versionObjectKey } from '../index/keys.js';
import type { ObjectRecord } from '../metadata/records.js';
import { paginate, scanKeys, type ListPage } from './listing.js';

export interface VersionListQuery {
  prefix: string;
  delimiter: string;
  keyMarker: string;
  /** With keyMarker: continue with that key's versions older than this one. */
  versionIdMarker: string;
  maxKeys: number;
}

export type VersionListPage = ListPage<ObjectRecord>;

type Range = { start: Buffer; end?: Buffer };

/** Both tables' rows in [start, end), merged by encoded object key, as one sorted stream. */
function mergedRange(t: MetaTables, r: Range): Iterable<{ key: Buffer; value: ObjectRecord }> {
  return {
    *[Symbol.iterator]() {
      const versions = t.versions.getRange(r)[Symbol.iterator]();
      const objects = t.objects.getRange(r)[Symbol.iterator]();
      const nextLegacy = () => {
        for (;;) {
          const n = objects.next();
          // Records with a seq are copies of a `versions` row: listed from there.
          if (n.done || n.value.value.seq === undefined) return n;
        }
      };
      let v = versions.next();
      let o = nextLegacy();
      while (!v.done || !o.done) {
        const takeObject = v.done || (!o.done && Buffer.compare(o.value.key, versionObjectKey(v.value.key)) < 0);
        if (takeObject && !o.done) {
          yield { key: o.value.key, value: o.value.value };
          o = nextLegacy();
        } else if (!v.done) {
          yield { key: v.value.key, value: v.value.value };
          v = versions.next();
        }
      }
    },
  };
}

export function listVersions(t: MetaTables, bucket: string, q: VersionListQuery): VersionListPage {
  const db = { getRange: (r: Range) => mergedRange(t, r) };
  // scanKeys starts just after `bucket\0keyMarker`, which still includes that key's own
  // version rows (bucket\0keyMarker\0…): keep only those older than version-id-marker.
  const filtered = function* () {
    let passedMarker = false;
    for (const item of scanKeys(db, bucket, { prefix: q.prefix, delimiter: q.delimiter, after: q.keyMarker, maxKeys: q.maxKeys }, (_k, v) => v.key)) {
      if (item.kind === 'entry' && q.keyMarker !== '' && item.key === q.keyMarker) {
        if (q.versionIdMarker === '') continue;
        if (!passedMarker) {
          passedMarker = (item.value.versionId ?? 'null') === q.versionIdMarker;
          continue;
        }
      }
      yield item;
    }
  };
  return paginate(filtered(), q.maxKeys);
}
