// Open segment files of one drive, shared by the writer, reads, compaction and
// scrub. Each use holds a lease, so a segment that compaction retires is closed
// only after the last read in flight on it finished: a closed descriptor number
// could otherwise be reused by another file and a read would see foreign bytes.

import { join } from 'node:path';
import type { StorageFs, SegmentFile } from './storage-fs.js';
import { encodeSegmentHeader, segmentFileName } from './segment-format.js';
import type { Hasher } from './hasher.js';
import { assert } from '../util/assert.js';

interface Entry {
  readonly file: Promise<SegmentFile>;
  refs: number;
  retired: boolean;
}

/** A use of one open segment; release() exactly once. */
export interface SegmentLease {
  readonly segmentNo: number;
  readonly file: Promise<SegmentFile>;
  release(): void;
}

export class SegmentFiles {
  private readonly entries = new Map<number, Entry>();

  constructor(
    readonly dir: string,
    private readonly fs: StorageFs,
    private readonly fdsOpenMax: number,
  ) {}

  path(segmentNo: number): string {
    return join(this.dir, segmentFileName(segmentNo));
  }

  /**
   * Creates a new segment holding only its header, durably (file and directory
   * entry fsync'd), and returns a lease on it for the writer.
   */
  async create(segmentNo: number, hasher: Hasher): Promise<SegmentLease> {
    assert(!this.entries.has(segmentNo), `segment ${segmentNo} already open`);
    const file = await this.fs.openSegment(this.path(segmentNo), true);
    try {
      await file.writeAll([encodeSegmentHeader(segmentNo, hasher)], 0);
      await file.datasync();
      await this.fs.syncDir(this.dir);
    } catch (err) {
      await file.close().catch(() => undefined);
      await this.fs.unlink(this.path(segmentNo)).catch(() => undefined);
      throw err;
    }
    this.entries.set(segmentNo, { file: Promise.resolve(file), refs: 0, retired: false });
    return this.acquire(segmentNo);
  }

  /** Leases an existing segment, opening it if needed. Synchronous, so a caller
   * that just read a location from the index holds the file before anything can
   * retire it. */
  acquire(segmentNo: number): SegmentLease {
    let entry = this.entries.get(segmentNo);
    if (entry === undefined) {
      entry = { file: this.fs.openSegment(this.path(segmentNo), false), refs: 0, retired: false };
      const opened = entry;
      // A failed open must not stay cached: the next read should try again.
      opened.file.catch(() => {
        if (this.entries.get(segmentNo) === opened) this.entries.delete(segmentNo);
      });
    } else {
      this.entries.delete(segmentNo); // Re-inserted below: Map order is our LRU order.
    }
    this.entries.set(segmentNo, entry);
    entry.refs++;
    this.evictIdle();
    let released = false;
    const held = entry;
    return {
      segmentNo,
      file: held.file,
      release: () => {
        assert(!released, 'segment lease released twice');
        released = true;
        held.refs--;
        if (held.refs === 0 && (held.retired || this.entries.size > this.fdsOpenMax)) {
          if (this.entries.get(segmentNo) === held) this.entries.delete(segmentNo);
          closeQuietly(held.file);
        }
      },
    };
  }

  /**
   * Removes a segment file. Reads holding a lease keep working on the open
   * descriptor; it is closed when the last of them releases.
   */
  async retire(segmentNo: number): Promise<void> {
    const entry = this.entries.get(segmentNo);
    if (entry !== undefined) {
      this.entries.delete(segmentNo);
      entry.retired = true;
      if (entry.refs === 0) closeQuietly(entry.file);
      // A read that leased the segment just before may still be opening it; the
      // unlink must not overtake that open, or the read would see ENOENT.
      await entry.file.catch(() => undefined);
    }
    await this.fs.unlink(this.path(segmentNo));
    await this.fs.syncDir(this.dir);
  }

  /** Closes every file; callers guarantee no lease is still in use. */
  async closeAll(): Promise<void> {
    const files = [...this.entries.values()].map((e) => e.file);
    this.entries.clear();
    await Promise.all(files.map((f) => f.then((file) => file.close()).catch(() => undefined)));
  }

  private evictIdle(): void {
    if (this.entries.size <= this.fdsOpenMax) return;
    for (const [segmentNo, entry] of this.entries) {
      if (this.entries.size <= this.fdsOpenMax) break;
      if (entry.refs > 0) continue;
      this.entries.delete(segmentNo);
      closeQuietly(entry.file);
    }
  }
}

function closeQuietly(file: Promise<SegmentFile>): void {
  file.then((f) => f.close()).catch(() => undefined);
}
