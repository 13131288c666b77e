// One command's transaction over the metadata tables: a write buffer (reads see the
// command's own writes; LMDB sees them only when the whole command succeeded) and the
// bookkeeping every object change shares: chunk refcounts and the stats singleton.
// The state machine and the version logic (versions.ts) both work through it.

import { assert } from '../util/assert.js';
import { readStats, type MetaTables } from '../index/meta-db.js';
import { prefixEnd } from '../index/keys.js';
import type { NewChunk } from './commands.js';
import { MetadataError } from './errors.js';
import type { BucketRecord, ChunkRef, ObjectRecord, StatsRecord } from './records.js';

export class Txn {
  readonly tx = new WriteBuffer();

  constructor(readonly t: MetaTables) {}

  requireBucket(bucket: string): BucketRecord {
    const b = this.tx.get(this.t.buckets, bucket);
    if (!b) throw new MetadataError('NoSuchBucket');
    return b;
  }

  /** Adds one reference to each chunk of a new manifest (inserting chunks the writer stored). */
  refChunks(refs: ChunkRef[], newChunks: NewChunk[]): void {
    const fresh = new Map<string, NewChunk>();
    for (const n of newChunks) fresh.set(Buffer.from(n.fp).toString('hex'), n);
    let stats: StatsRecord | undefined;
    for (const ref of refs) {
      const k = Buffer.from(ref.fp);
      const c = this.tx.get(this.t.chunks, k);
      if (c) {
        this.tx.put(this.t.chunks, k, { ...c, refs: c.refs + 1, zeroSinceMs: 0 });
        continue;
      }
      const n = fresh.get(k.toString('hex'));
      // A deduplicated chunk that GC reclaimed between lookup and commit: refuse, never
      // commit a manifest that points at data which may be gone.
      if (!n) throw new MetadataError('ChunkMissing', `chunk ${k.toString('hex')} is not in the index`);
      this.tx.put(this.t.chunks, k, { v: 1, ...n.record, refs: 1, zeroSinceMs: 0 });
      stats ??= this.stats();
      stats.uniqueBytes += n.record.rawSize;
      stats.compressedBytes += n.record.storedSize;
    }
    if (stats) this.putStats(stats);
  }

  unrefChunks(refs: ChunkRef[], nowMs: number): void {
    for (const ref of refs) {
      const k = Buffer.from(ref.fp);
      const c = this.tx.get(this.t.chunks, k);
      assert(c && c.refs > 0, `refcount underflow for chunk ${k.toString('hex')}`);
      const refsLeft = c.refs - 1;
      this.tx.put(this.t.chunks, k, { ...c, refs: refsLeft, zeroSinceMs: refsLeft === 0 ? nowMs : 0 });
    }
  }

  /** Counts a newly stored object version in the stats (its chunks are referenced separately). */
  countObject(object: ObjectRecord): void {
    if (object.deleteMarker) return;
    const stats = this.stats();
    stats.objects += 1;
    stats.logicalBytes += object.size;
    if (object.inline) {
      stats.uniqueBytes += object.inline.byteLength;
      stats.compressedBytes += object.inline.byteLength;
      stats.inlineBytes += object.inline.byteLength;
    }
    this.putStats(stats);
  }

  /** Drops a stored object version: its chunk references and its share of the stats. */
  releaseObject(old: ObjectRecord, nowMs: number): void {
    if (old.deleteMarker) return;
    this.unrefChunks(old.chunks, nowMs);
    const stats = this.stats();
    stats.objects -= 1;
    stats.logicalBytes -= old.size;
    if (old.inline) {
      stats.uniqueBytes -= old.inline.byteLength;
      stats.compressedBytes -= old.inline.byteLength;
      stats.inlineBytes -= old.inline.byteLength;
    }
    this.putStats(stats);
  }

  hasAny(db: { getKeys(o: { start: Buffer; end?: Buffer; limit: number }): Iterable<unknown> }, prefix: Buffer): boolean {
    for (const _ of db.getKeys({ ...prefixRange(prefix), limit: 1 })) return true;
    return false;
  }

  stats(): StatsRecord {
    return readStats(this.tx.get(this.t.system, 'stats'));
  }

  putStats(s: StatsRecord): void {
    this.tx.put(this.t.system, 'stats', s);
  }
}

export function prefixRange(prefix: Buffer): { start: Buffer; end?: Buffer } {
  const end = prefixEnd(prefix);
  return end ? { start: prefix, end } : { start: prefix };
}

type AnyDb = { get(key: never): unknown; put(key: never, value: never): unknown; remove(key: never): unknown };

/**
 * Writes of one command, visible to its own point reads, applied to LMDB only on success.
 * Range scans read LMDB directly and do not see buffered writes: code that scans must do
 * so before it writes under the same range (versions.ts relies on this ordering).
 */
export class WriteBuffer {
  private readonly writes = new Map<string, { db: AnyDb; key: unknown; value: unknown }>();
  private readonly ids = new Map<AnyDb, number>();

  private id(db: AnyDb, key: unknown): string {
    let n = this.ids.get(db);
    if (n === undefined) this.ids.set(db, (n = this.ids.size));
    return `${n}:${Buffer.isBuffer(key) ? key.toString('hex') : String(key)}`;
  }

  get<V, K>(db: { get(key: K): V | undefined }, key: K): V | undefined {
    const w = this.writes.get(this.id(db as unknown as AnyDb, key));
    if (w) return w.value as V | undefined;
    return db.get(key);
  }

  put<V, K>(db: { put(key: K, value: V): unknown }, key: K, value: V): void {
    this.writes.set(this.id(db as unknown as AnyDb, key), { db: db as unknown as AnyDb, key, value });
  }

  remove<K>(db: { remove(key: K): unknown }, key: K): void {
    this.writes.set(this.id(db as unknown as AnyDb, key), { db: db as unknown as AnyDb, key, value: undefined });
  }

  flush(): void {
    for (const { db, key, value } of this.writes.values()) {
      if (value === undefined) db.remove(key as never);
      else db.put(key as never, value as never);
    }
  }
}
