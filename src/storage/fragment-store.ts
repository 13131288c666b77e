// The fragment store of one drive directory. Layout of the directory:
//
//   <dir>/index.mdb, index.mdb-lock   the LMDB index (index-format.ts)
//   <dir>/segments/seg-XXXXXXXX.tsg   segment files (segment-format.ts)
//
// Writes go through one SegmentWriter per drive, which group-commits them: one
// segment fsync and one LMDB flush per batch, however many puts it holds. Reads
// verify every record against its index entry and checksum. A missing or wiped
// directory opens as an empty store; the repair path re-creates what it held.

import { join } from 'node:path';
import { limits } from '../limits.js';
import {
  FragmentTooLargeError, InvalidFragmentIdError, StoreBusyError, StoreClosedError,
} from './errors.js';
import { FragmentIndex } from './fragment-index.js';
import { createHasher, type Hasher } from './hasher.js';
import { readVerifiedRecord } from './record-reader.js';
import { recoverSegments, type RecoveryReport } from './recovery.js';
import { SegmentFiles } from './segment-files.js';
import { SegmentWriter, type WriteOp, type WriterCounters } from './segment-writer.js';
import { nodeStorageFs, type StorageFs } from './storage-fs.js';
import { compactSegments, type CompactOptions, type CompactResult } from './compaction.js';
import { scrubFragments, type ScrubOptions, type ScrubResult } from './scrub.js';

export { DriveFullError, FragmentCorruptError } from './errors.js';
export type { CompactOptions, CompactResult } from './compaction.js';
export type { ScrubOptions, ScrubResult } from './scrub.js';

/** 34 bytes in Tessera (32-byte chunk fingerprint + u16 fragment index, big-endian); opaque here. */
export type FragmentId = Uint8Array;

export interface FragmentStoreOptions {
  dir: string;
  segmentSizeBytesMax?: number;
  groupCommitBatchMax?: number;
  groupCommitBatchBytesMax?: number;
  groupCommitDelayMs?: number;
  /** Writes that may wait for a group commit before callers get STORAGE_BUSY. */
  fragmentOpsQueuedMax?: number;
  /** Segment files kept open; idle ones beyond this are closed. */
  segmentFdsOpenMax?: number;
  /** File-system layer; tests inject failures and count fsyncs through it. */
  fs?: StorageFs;
  /** Checksum functions; one instance may be shared by the drives of a node. */
  hasher?: Hasher;
}

export interface PutOptions {
  /** Rewrite even if the id is already stored (repair of a corrupt fragment). */
  replace?: boolean;
}

/** Whether the drive directory is still the one the store opened. */
export interface DriveHealth {
  ok: boolean;
  /** Set when not ok, e.g. the segments directory was removed or replaced. */
  reason?: string;
}

export interface FragmentStoreStats {
  fragments: number;
  /** Fragment data bytes that are live. */
  bytesLive: number;
  /** Committed bytes of all segment files (live, dead and headers). */
  bytesOnDisk: number;
  segments: number;
  /** Group-commit counters since open. */
  writer: Readonly<WriterCounters>;
}

export class FragmentStore {
  /** What recovery found and repaired when the store opened. */
  readonly recovery: Readonly<RecoveryReport>;
  private closed = false;
  private readsInFlight = 0;
  private readsDrained: (() => void) | null = null;
  private maintenance: Promise<unknown> = Promise.resolve();
  private readonly maintenanceAbort = new AbortController();

  private constructor(
    readonly dir: string,
    private readonly index: FragmentIndex,
    private readonly files: SegmentFiles,
    private readonly writer: SegmentWriter,
    private readonly hasher: Hasher,
    private readonly segmentSizeBytesMax: number,
    private readonly opsQueuedMax: number,
    private readonly fs: StorageFs,
    private readonly identities: ReadonlyMap<string, string | null>,
    recovery: RecoveryReport,
  ) {
    this.recovery = recovery;
  }

  static async open(options: FragmentStoreOptions): Promise<FragmentStore> {
    const fs = options.fs ?? nodeStorageFs();
    const hasher = options.hasher ?? (await createHasher());
    const segmentSizeBytesMax = options.segmentSizeBytesMax ?? limits.segmentSizeBytesMax;
    const segmentsDir = join(options.dir, 'segments');
    await fs.mkdirp(segmentsDir);
    const index = await FragmentIndex.open(join(options.dir, 'index.mdb'));
    try {
      const files = new SegmentFiles(segmentsDir, fs, options.segmentFdsOpenMax ?? limits.segmentFdsOpenMax);
      const recovered = await recoverSegments(index, files, fs, hasher, segmentSizeBytesMax);
      let nextSegmentNo = recovered.nextSegmentNo;
      const writer = new SegmentWriter(index, files, hasher, {
        segmentSizeBytesMax,
        groupCommitBatchMax: options.groupCommitBatchMax ?? limits.groupCommitBatchMax,
        groupCommitBatchBytesMax: options.groupCommitBatchBytesMax ?? limits.groupCommitBatchBytesMax,
        groupCommitDelayMs: options.groupCommitDelayMs ?? limits.groupCommitDelayMs,
      }, () => nextSegmentNo++);
      if (recovered.resume !== null) writer.resume(recovered.resume.segmentNo, recovered.resume.tailBytes);
      const opsQueuedMax = options.fragmentOpsQueuedMax ?? limits.fragmentOpsQueuedMax;
      const identities = new Map<string, string | null>();
      for (const path of [segmentsDir, join(options.dir, 'index.mdb')]) identities.set(path, await fs.identity(path));
      return new FragmentStore(
        options.dir, index, files, writer, hasher, segmentSizeBytesMax, opsQueuedMax, fs, identities, recovered.report,
      );
    } catch (err) {
      await index.close();
      throw err;
    }
  }

  /**
   * Resolves once the fragment and its index entry are durable. Fragments are
   * content-addressed, so putting an id that is already stored is a no-op unless
   * `replace` is set. The caller must not modify `data` until this resolves.
   */
  async put(id: FragmentId, data: Uint8Array, options: PutOptions = {}): Promise<void> {
    this.checkId(id);
    if (data.length > limits.fragmentSizeBytesMax) throw new FragmentTooLargeError(data.length, limits.fragmentSizeBytesMax);
    const checksum = this.hasher.h64(data);
    await this.enqueue((resolve, reject) => ({
      kind: 'put', id: Buffer.from(id), data, checksum, replace: options.replace === true, resolve, reject,
    }));
  }

  /** The fragment's bytes, verified; null when absent. Throws FragmentCorruptError. */
  async get(id: FragmentId): Promise<Buffer | null> {
    this.checkId(id);
    this.checkOpen();
    const key = Buffer.from(id);
    const location = this.index.lookup(key);
    if (location === undefined) return null;
    this.readsInFlight++;
    try {
      return (await readVerifiedRecord(this.files, this.hasher, key, location)).data;
    } finally {
      this.readsInFlight--;
      if (this.readsInFlight === 0) this.readsDrained?.();
    }
  }

  has(id: FragmentId): boolean {
    this.checkId(id);
    this.checkOpen();
    return this.index.has(id);
  }

  /** Durably removes the fragment from the index; compaction reclaims its bytes. */
  async delete(id: FragmentId): Promise<void> {
    this.checkId(id);
    await this.enqueue((resolve, reject) => ({ kind: 'delete', id: Buffer.from(id), resolve, reject }));
  }

  /** Every stored id, in byte order, read in pages so no snapshot stays open long. */
  *ids(): Iterable<FragmentId> {
    let after: Buffer | undefined;
    for (;;) {
      this.checkOpen();
      const page = this.index.idsPage(after, limits.scrubIdsPerPageMax);
      if (page.length === 0) return;
      yield* page;
      after = page[page.length - 1];
    }
  }

  stats(): FragmentStoreStats {
    let fragments = 0;
    let bytesLive = 0;
    let bytesOnDisk = 0;
    for (const meta of this.index.segments.values()) {
      fragments += meta.liveRecords;
      bytesLive += meta.liveDataBytes;
      bytesOnDisk += meta.lengthBytes;
    }
    return { fragments, bytesLive, bytesOnDisk, segments: this.index.segments.size, writer: { ...this.writer.counters } };
  }

  /** Rewrites sparse sealed segments; crash-safe (see compaction.ts). One run at a time. */
  compact(options: CompactOptions = {}): Promise<CompactResult> {
    return this.exclusive(() => compactSegments({
      index: this.index,
      files: this.files,
      hasher: this.hasher,
      segmentSizeBytesMax: this.segmentSizeBytesMax,
      writeBufferBytesMax: limits.compactWriteBufferBytesMax,
      defaultLiveRatioMax: limits.compactLiveRatioMax,
      isPinned: (segmentNo) => this.writer.isPinned(segmentNo),
      allocateSegmentNo: () => this.writer.allocate(),
    }, { ...options, signal: this.combineSignal(options.signal) }));
  }

  /** Re-reads and verifies every fragment at a bounded rate; reports, never repairs. */
  scrub(options: ScrubOptions = {}): Promise<ScrubResult> {
    return this.exclusive(() => scrubFragments({
      index: this.index,
      files: this.files,
      hasher: this.hasher,
      idsPerPageMax: limits.scrubIdsPerPageMax,
      defaultBytesPerSecondMax: limits.scrubBytesPerSecondMax,
    }, { ...options, signal: this.combineSignal(options.signal) }));
  }

  /**
   * Checks that the drive directory is still the one this store opened. A drive
   * wiped while the store runs is otherwise only noticed at the next open: open
   * descriptors and the mapped index keep working on the deleted files, so writes
   * would be acknowledged into files that no longer have a name. Cheap (two
   * stats); meant for readiness checks and before trusting a drive for writes.
   */
  async health(): Promise<DriveHealth> {
    this.checkOpen();
    for (const [path, identity] of this.identities) {
      const now = await this.fs.identity(path);
      if (now !== identity) return { ok: false, reason: now === null ? `${path} is gone` : `${path} was replaced` };
    }
    return { ok: true };
  }

  /** Commits queued writes, stops compaction and scrub, then closes files and the index. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.maintenanceAbort.abort(new StoreClosedError(this.dir));
    await this.writer.close();
    await this.maintenance.catch(() => undefined);
    if (this.readsInFlight > 0) await new Promise<void>((resolve) => { this.readsDrained = resolve; });
    await this.files.closeAll();
    await this.index.close();
  }

  private enqueue(make: (resolve: () => void, reject: (err: unknown) => void) => WriteOp): Promise<void> {
    if (this.closed) return Promise.reject(new StoreClosedError(this.dir));
    if (this.writer.queuedOps >= this.opsQueuedMax) {
      return Promise.reject(new StoreBusyError(this.writer.queuedOps));
    }
    return new Promise<void>((resolve, reject) => this.writer.enqueue(make(resolve, reject)));
  }

  /** Compaction and scrub run one at a time, each after the previous finished. */
  private exclusive<T>(run: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreClosedError(this.dir));
    const next = this.maintenance.catch(() => undefined).then(run);
    this.maintenance = next;
    return next;
  }

  private combineSignal(signal: AbortSignal | undefined): AbortSignal {
    return signal === undefined ? this.maintenanceAbort.signal : AbortSignal.any([signal, this.maintenanceAbort.signal]);
  }

  private checkId(id: FragmentId): void {
    if (id.length === 0 || id.length > limits.fragmentIdBytesMax) throw new InvalidFragmentIdError(id.length);
  }

  private checkOpen(): void {
    if (this.closed) throw new StoreClosedError(this.dir);
  }
}
