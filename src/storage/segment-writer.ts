// The single writer of one drive: it turns queued puts and deletes into group
// commits. One batch = append every record to the active segment with one writev,
// then, at the same time, one fdatasync per touched segment and one durable LMDB
// transaction holding the index entries and the segments' new committed lengths.
// Only when both are done does any put of the batch resolve, so an acknowledged
// fragment is durable in both places.
//
// Running the two flushes side by side halves the latency of a batch, at the
// price of one case for recovery: the index entries may be durable while the
// segment bytes are not. Each segment's index entry therefore carries the prefix
// known to be fsync'd before the transaction began; on open the records past it
// (at most one batch) are verified and dropped if their bytes never landed. The
// reverse case, bytes past the committed length, is a torn tail and truncated.
//
// Two batches overlap: while batch N flushes, batch N+1 is appended. Commits still
// happen in batch order, and batch N+1 fails whenever batch N fails, because its
// no-op decisions assumed N's puts.

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

/** Bytes of one batch bound for one segment, with the batch's own lease on it. */
interface SegmentWrite {
  lease: SegmentLease;
  startOffset: number;
  endOffset: number;
  buffers: Uint8Array[];
}

type Planned = { op: DeleteOp } | { op: PutOp; location: FragmentLocation | null };

interface Batch {
  seq: number;
  ops: WriteOp[];
  planned: Planned[];
  writes: Map<number, SegmentWrite>;
}

/** A batch whose index commit is under way; `outcome` is null on success, else the error. */
interface Committing {
  batch: Batch;
  outcome: Promise<unknown>;
}

export class SegmentWriter {
  readonly counters: WriterCounters = { groupCommits: 0, segmentSyncs: 0, putsCommitted: 0, deletesCommitted: 0 };
  private readonly queue: WriteOp[] = [];
  private running: Promise<void> | null = null;
  private active: ActiveSegment | null = null;
  /** Segments that a batch in flight writes to, with how many batches do. */
  private readonly pinned = new Map<number, number>();
  /** Whether an id exists once the batches in flight commit; key → [present, batch seq]. */
  private readonly pendingPresence = new Map<string, [boolean, number]>();
  /** Segments whose writes were fsync'd after the last transaction that recorded it. */
  private readonly syncedSinceCommit = new Set<number>();
  private nextSeq = 0;

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
    await this.markSynced().catch(() => undefined);
    this.active?.lease.release();
    this.active = null;
  }

  private async run(): Promise<void> {
    // Yield once so that puts issued in the same turn join the first batch.
    await new Promise<void>((resolve) => setImmediate(resolve));
    let committing: Committing | null = null;
    while (this.queue.length > 0 || committing !== null) {
      if (this.queue.length === 0) {
        await this.settle(committing!, null);
        committing = null;
        continue;
      }
      if (this.options.groupCommitDelayMs > 0 && this.queue.length < this.options.groupCommitBatchMax) {
        await new Promise<void>((resolve) => setTimeout(resolve, this.options.groupCommitDelayMs));
      }
      const batch: Batch = { seq: this.nextSeq++, ops: this.takeBatch(), planned: [], writes: new Map() };
      let error: unknown = null;
      try {
        batch.planned = await this.plan(batch);
        await this.writeRecords(batch);
      } catch (err) {
        error = err;
      }
      const previousFailed = committing !== null && !(await this.settle(committing, batch));
      committing = null;
      if (previousFailed) continue;
      if (error !== null) {
        await this.fail([batch], error);
        continue;
      }
      committing = { batch, outcome: this.commit(batch) };
    }
    this.running = null;
  }

  /**
   * Waits for a committing batch. If it failed, it and `next` (planned on top of
   * it, possibly null) fail together. Returns whether it succeeded.
   */
  private async settle(committing: Committing, next: Batch | null): Promise<boolean> {
    const error = await committing.outcome;
    if (error === null) return true;
    await this.fail(next === null ? [committing.batch] : [committing.batch, next], error);
    return false;
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

  /** Assigns every new record its place, deciding which puts are no-ops. */
  private async plan(batch: Batch): Promise<Planned[]> {
    const planned: Planned[] = [];
    for (const op of batch.ops) {
      const key = op.id.toString('latin1');
      if (op.kind === 'delete') {
        this.pendingPresence.set(key, [false, batch.seq]);
        planned.push({ op });
        continue;
      }
      // Fragments are content-addressed: an id that is already stored holds these
      // bytes, so a second put is a no-op unless the caller asks to replace it.
      if (!op.replace && (this.pendingPresence.get(key)?.[0] ?? this.index.has(op.id))) {
        planned.push({ op, location: null });
        continue;
      }
      this.pendingPresence.set(key, [true, batch.seq]);
      const recordBytes = recordLengthBytes(op.id.length, op.data.length);
      const write = await this.reserve(recordBytes, batch);
      const location = { segmentNo: write.lease.segmentNo, offset: write.endOffset, dataLengthBytes: op.data.length, checksum: op.checksum };
      write.buffers.push(encodeRecordHead(op.id, op.data.length, op.checksum, this.hasher), op.data);
      write.endOffset += recordBytes;
      this.active!.tailBytes = write.endOffset;
      planned.push({ op, location });
    }
    return planned;
  }

  /** The batch's write to the active segment, with room for a record; rotates when full. */
  private async reserve(recordBytes: number, batch: Batch): Promise<SegmentWrite> {
    const active = this.active;
    const full = active !== null && active.tailBytes > SEGMENT_HEADER_BYTES &&
      active.tailBytes + recordBytes > this.options.segmentSizeBytesMax;
    if (active === null || full) {
      // Batches that wrote to the old segment hold their own leases and pins.
      active?.lease.release();
      this.active = null;
      this.active = { lease: await this.files.create(this.allocate(), this.hasher), tailBytes: SEGMENT_HEADER_BYTES };
    }
    const current = this.active!;
    const segmentNo = current.lease.segmentNo;
    let write = batch.writes.get(segmentNo);
    if (write === undefined) {
      write = { lease: this.files.acquire(segmentNo), startOffset: current.tailBytes, endOffset: current.tailBytes, buffers: [] };
      batch.writes.set(segmentNo, write);
      this.pinned.set(segmentNo, (this.pinned.get(segmentNo) ?? 0) + 1);
    }
    return write;
  }

  private async writeRecords(batch: Batch): Promise<void> {
    for (const write of batch.writes.values()) {
      await (await write.lease.file).writeAll(write.buffers, write.startOffset);
    }
  }

  private async syncRecords(batch: Batch): Promise<void> {
    await Promise.all([...batch.writes.values()].map(async (write) => {
      await (await write.lease.file).datasync();
      this.counters.segmentSyncs++;
    }));
  }

  /**
   * Flushes a written batch's segments and commits its index entries side by
   * side, then acknowledges it; resolves to null, or to the error that failed it.
   */
  private async commit(batch: Batch): Promise<unknown> {
    const changes = batch.writes.size > 0 || batch.planned.some((entry) => entry.op.kind === 'delete');
    const [synced, committed] = await Promise.allSettled([
      this.syncRecords(batch),
      changes ? this.index.commit(() => this.applyToIndex(batch)) : Promise.resolve(),
    ]);
    if (committed.status === 'rejected') return committed.reason;
    if (synced.status === 'rejected') {
      await this.retract(batch);
      return synced.reason;
    }
    for (const segmentNo of batch.writes.keys()) this.syncedSinceCommit.add(segmentNo);
    this.counters.groupCommits += changes ? 1 : 0;
    for (const entry of batch.planned) {
      if (entry.op.kind === 'delete') this.counters.deletesCommitted++;
      else this.counters.putsCommitted++;
    }
    this.release(batch);
    for (const op of batch.ops) op.resolve();
    return null;
  }

  /**
   * Undoes the index entries of a batch whose segment fsync failed after its
   * commit. A replaced fragment ends up absent rather than old (the repair path
   * that replaced it will retry); deletes stay done. If even this fails, the open
   * after a restart verifies those records, as their segments' synced prefix
   * stops before them.
   */
  private async retract(batch: Batch): Promise<void> {
    await this.index.commit(() => {
      for (const entry of batch.planned) {
        if (entry.op.kind !== 'put' || !('location' in entry) || entry.location === null) continue;
        const current = this.index.lookup(entry.op.id);
        if (current?.segmentNo === entry.location.segmentNo && current.offset === entry.location.offset) {
          this.index.removeFragment(entry.op.id);
        }
      }
    }).catch(() => undefined);
  }

  /**
   * Records, in the next transaction, that segments flushed by earlier batches
   * are synced to their committed length, so a clean open verifies nothing.
   */
  async markSynced(): Promise<void> {
    if (this.syncedSinceCommit.size === 0) return;
    await this.index.commit(() => this.applySynced());
  }

  private applySynced(): void {
    for (const segmentNo of this.syncedSinceCommit) this.index.markSynced(segmentNo);
    this.syncedSinceCommit.clear();
  }

  private applyToIndex(batch: Batch): void {
    // Every batch before this one finished its fsync before this transaction
    // started, so each touched segment is synced up to this batch's first byte.
    this.applySynced();
    for (const [segmentNo, write] of batch.writes) this.index.setSegmentLength(segmentNo, write.endOffset, write.startOffset);
    for (const entry of batch.planned) {
      if (entry.op.kind === 'delete') {
        this.index.removeFragment(entry.op.id);
      } else if ('location' in entry && entry.location !== null) {
        // plan() gave a location to a put without `replace` only when the id was absent
        // (or deleted by an earlier batch, which commits first or fails this one too).
        this.index.putFragment(entry.op.id, entry.location, !entry.op.replace);
      }
    }
  }

  /** Drops a finished batch's leases, pins and pending-presence entries. */
  private release(batch: Batch): void {
    for (const [segmentNo, write] of batch.writes) {
      write.lease.release();
      const pins = this.pinned.get(segmentNo)! - 1;
      if (pins === 0) this.pinned.delete(segmentNo);
      else this.pinned.set(segmentNo, pins);
    }
    for (const entry of batch.planned) {
      const key = entry.op.id.toString('latin1');
      if (this.pendingPresence.get(key)?.[1] === batch.seq) this.pendingPresence.delete(key);
    }
  }

  /**
   * Fails batches of which nothing was committed; no batch is in flight after
   * them. The active segment is not reused: after a failed write or fsync its
   * page-cache state is unknown, so the next batch starts a fresh segment. Bytes
   * past each committed length are cut back, and segments that never got an
   * index entry are removed.
   */
  private async fail(batches: Batch[], err: unknown): Promise<void> {
    this.active?.lease.release();
    this.active = null;
    const touched = new Map<number, SegmentWrite>();
    for (const batch of batches) for (const [segmentNo, write] of batch.writes) touched.set(segmentNo, write);
    for (const [segmentNo, write] of touched) {
      const committed = this.index.segments.get(segmentNo)?.lengthBytes;
      if (committed === undefined) await this.files.retire(segmentNo).catch(() => undefined);
      else await write.lease.file.then((f) => f.truncate(committed)).catch(() => undefined);
    }
    this.pendingPresence.clear();
    const error = isNoSpaceError(err) ? new DriveFullError(this.files.dir, err) : err;
    for (const batch of batches) {
      this.release(batch);
      for (const op of batch.ops) op.reject(error);
    }
  }
}
