// The single writer of one drive: it turns queued puts and deletes into group
// commits. One batch = append every record to the active segment with one writev,
// one fdatasync per touched segment, then one durable LMDB transaction holding the
// index entries and the segments' new committed lengths. Only then does any put of
// the batch resolve, so an acknowledged fragment is durable in both places, and a
// crash between the two steps leaves bytes past the committed length, which
// recovery truncates.

import { DriveFullError, isNoSpaceError } from './errors.js';
import type { FragmentIndex } from './fragment-index.js';
import type { Hasher } from './hasher.js';
import type { SegmentFiles, SegmentLease } from './segment-files.js';
import { SEGMENT_HEADER_BYTES, encodeRecordHead, recordLengthBytes } from './segment-format.js';
import type { FragmentLocation } from './index-format.js';

export interface PutOp {
  kind: 'put';
  id: Buffer;
  data: Uint8Array;
  checksum: bigint;
  replace: boolean;
  resolve(): void;
  reject(err: unknown): void;
}

export interface DeleteOp {
  kind: 'delete';
  id: Buffer;
  resolve(): void;
  reject(err: unknown): void;
}

export type WriteOp = PutOp | DeleteOp;

export interface WriterOptions {
  segmentSizeBytesMax: number;
  groupCommitBatchMax: number;
  groupCommitBatchBytesMax: number;
  groupCommitDelayMs: number;
}

/** Counters that tests and metrics read to see that group commit really batches. */
export interface WriterCounters {
  groupCommits: number;
  segmentSyncs: number;
  putsCommitted: number;
  deletesCommitted: number;
}

interface ActiveSegment {
  lease: SegmentLease;
  tailBytes: number;
}

/** Bytes of one batch bound for one segment. */
interface SegmentWrite {
  lease: SegmentLease;
  startOffset: number;
  endOffset: number;
  buffers: Uint8Array[];
}

type Planned = { op: DeleteOp } | { op: PutOp; location: FragmentLocation | null };

export class SegmentWriter {
  readonly counters: WriterCounters = { groupCommits: 0, segmentSyncs: 0, putsCommitted: 0, deletesCommitted: 0 };
  private readonly queue: WriteOp[] = [];
  private running: Promise<void> | null = null;
  private active: ActiveSegment | null = null;
  private readonly pinned = new Set<number>();

  constructor(
    private readonly index: FragmentIndex,
    private readonly files: SegmentFiles,
    private readonly hasher: Hasher,
    private readonly options: WriterOptions,
    private readonly allocateSegmentNo: () => number,
  ) {}

  /** Resumes appending to an existing segment whose committed length is `tailBytes`. */
  resume(segmentNo: number, tailBytes: number): void {
    this.active = { lease: this.files.acquire(segmentNo), tailBytes };
  }

  /** A fresh segment number; compaction takes its targets from the same sequence. */
  allocate(): number {
    return this.allocateSegmentNo();
  }

  get queuedOps(): number {
    return this.queue.length;
  }

  /** True while the writer may still append to, or commit, this segment. */
  isPinned(segmentNo: number): boolean {
    return this.pinned.has(segmentNo) || this.active?.lease.segmentNo === segmentNo;
  }

  enqueue(op: WriteOp): void {
    this.queue.push(op);
    if (this.running === null) this.running = this.run();
  }

  /** Waits until every queued operation has been committed or failed. */
  async drain(): Promise<void> {
    while (this.running !== null) await this.running;
  }

  async close(): Promise<void> {
    await this.drain();
    this.active?.lease.release();
    this.active = null;
  }

  private async run(): Promise<void> {
    // Yield once so that puts issued in the same turn join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.queue.length > 0) {
      if (this.options.groupCommitDelayMs > 0 && this.queue.length < this.options.groupCommitBatchMax) {
        await new Promise<void>((resolve) => setTimeout(resolve, this.options.groupCommitDelayMs));
      }
      const batch = this.takeBatch();
      try {
        await this.commitBatch(batch);
        for (const op of batch) op.resolve();
      } catch (err) {
        const error = isNoSpaceError(err) ? new DriveFullError(this.files.dir, err) : err;
        for (const op of batch) op.reject(error);
      }
    }
    this.running = null;
  }

  private takeBatch(): WriteOp[] {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < this.options.groupCommitBatchMax) {
      const op = this.queue[count]!;
      const size = op.kind === 'put' ? op.data.length : 0;
      if (count > 0 && bytes + size > this.options.groupCommitBatchBytesMax) break;
      bytes += size;
      count++;
    }
    return this.queue.splice(0, count);
  }

  private async commitBatch(batch: WriteOp[]): Promise<void> {
    const writes = new Map<number, SegmentWrite>();
    try {
      const planned = await this.plan(batch, writes);
      if (writes.size === 0 && planned.every((entry) => entry.op.kind === 'put')) return; // Only no-ops.
      for (const write of writes.values()) {
        const file = await write.lease.file;
        await file.writeAll(write.buffers, write.startOffset);
        await file.datasync();
        this.counters.segmentSyncs++;
      }
      await this.index.commit(() => this.applyToIndex(planned, writes));
      this.countCommitted(planned);
    } catch (err) {
      await this.abandonActive(writes);
      throw err;
    } finally {
      for (const [segmentNo, write] of writes) {
        this.pinned.delete(segmentNo);
        if (write.lease !== this.active?.lease) write.lease.release();
      }
    }
  }

  /** Assigns every new record its place, deciding which puts are no-ops. */
  private async plan(batch: WriteOp[], writes: Map<number, SegmentWrite>): Promise<Planned[]> {
    const present = new Map<string, boolean>();
    const planned: Planned[] = [];
    for (const op of batch) {
      const key = op.id.toString('latin1');
      if (op.kind === 'delete') {
        present.set(key, false);
        planned.push({ op });
        continue;
      }
      // Fragments are content-addressed: an id that is already stored holds these
      // bytes, so a second put is a no-op unless the caller asks to replace it.
      if (!op.replace && (present.get(key) ?? this.index.has(op.id))) {
        planned.push({ op, location: null });
        continue;
      }
      present.set(key, true);
      const recordBytes = recordLengthBytes(op.id.length, op.data.length);
      const write = await this.reserve(recordBytes, writes);
      const location = { segmentNo: write.lease.segmentNo, offset: write.endOffset, dataLengthBytes: op.data.length, checksum: op.checksum };
      write.buffers.push(encodeRecordHead(op.id, op.data.length, op.checksum, this.hasher), op.data);
      write.endOffset += recordBytes;
      this.active!.tailBytes = write.endOffset;
      planned.push({ op, location });
    }
    return planned;
  }

  /** The write of the active segment with room for a record, rotating if full. */
  private async reserve(recordBytes: number, writes: Map<number, SegmentWrite>): Promise<SegmentWrite> {
    const active = this.active;
    const full = active !== null && active.tailBytes > SEGMENT_HEADER_BYTES &&
      active.tailBytes + recordBytes > this.options.segmentSizeBytesMax;
    if (active === null || full) {
      // The old active segment stays pinned through its entry in `writes` (if the
      // batch wrote to it) until this batch has committed.
      if (active !== null && !writes.has(active.lease.segmentNo)) active.lease.release();
      this.active = null;
      const segmentNo = this.allocate();
      this.active = { lease: await this.files.create(segmentNo, this.hasher), tailBytes: SEGMENT_HEADER_BYTES };
    }
    const current = this.active!;
    let write = writes.get(current.lease.segmentNo);
    if (write === undefined) {
      write = { lease: current.lease, startOffset: current.tailBytes, endOffset: current.tailBytes, buffers: [] };
      writes.set(current.lease.segmentNo, write);
      this.pinned.add(current.lease.segmentNo);
    }
    return write;
  }

  private applyToIndex(planned: Planned[], writes: Map<number, SegmentWrite>): void {
    for (const [segmentNo, write] of writes) this.index.setSegmentLength(segmentNo, write.endOffset);
    for (const entry of planned) {
      if (entry.op.kind === 'delete') {
        this.index.removeFragment(entry.op.id);
      } else if ('location' in entry && entry.location !== null) {
        this.index.putFragment(entry.op.id, entry.location);
      }
    }
  }

  private countCommitted(planned: Planned[]): void {
    this.counters.groupCommits++;
    for (const entry of planned) {
      if (entry.op.kind === 'delete') this.counters.deletesCommitted++;
      else this.counters.putsCommitted++;
    }
  }

  /**
   * After a failed batch nothing of it is acknowledged. The active segment is not
   * reused: after a failed write or fsync its page-cache state is unknown, so the
   * next batch starts a fresh segment. Bytes past each committed length are cut
   * back, and segments that never got an index entry are removed.
   */
  private async abandonActive(writes: Map<number, SegmentWrite>): Promise<void> {
    const active = this.active;
    this.active = null;
    if (active !== null && !writes.has(active.lease.segmentNo)) active.lease.release();
    for (const [segmentNo, write] of writes) {
      const committed = this.index.segments.get(segmentNo)?.lengthBytes;
      if (committed === undefined) {
        await this.files.retire(segmentNo).catch(() => undefined);
      } else {
        await write.lease.file.then((f) => f.truncate(committed)).catch(() => undefined);
      }
    }
  }
}
