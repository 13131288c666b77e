// Compaction reclaims the space of deleted and replaced fragments. It copies the
// live records of sparse sealed segments (verified, verbatim) into a fresh target
// segment, fsyncs it, then in one durable index transaction registers the target,
// repoints the moved fragments and unregisters the victims; only after that are
// the victim files unlinked. A crash at any point loses nothing: before the
// transaction the target is an unregistered orphan and the victims are intact;
// after it the victims are orphans. Recovery deletes orphans on open.

import { FragmentCorruptError } from './errors.js';
import type { FragmentIndex } from './fragment-index.js';
import type { Hasher } from './hasher.js';
import type { FragmentLocation } from './index-format.js';
import { readVerifiedRecord } from './record-reader.js';
import type { SegmentFiles, SegmentLease } from './segment-files.js';
import { SEGMENT_HEADER_BYTES } from './segment-format.js';

export interface CompactOptions {
  /** Rewrite sealed segments whose live share of record bytes is below this. */
  liveRatioMax?: number;
  /** Stop after this many victim segments (bounds one run's work). */
  segmentsMax?: number;
  signal?: AbortSignal;
}

export interface CompactResult {
  segmentsRewritten: number;
  bytesReclaimed: number;
  /** Fragments that failed verification while being copied; they now read as absent. */
  corrupt: Uint8Array[];
}

export interface CompactContext {
  index: FragmentIndex;
  files: SegmentFiles;
  hasher: Hasher;
  segmentSizeBytesMax: number;
  writeBufferBytesMax: number;
  defaultLiveRatioMax: number;
  isPinned(segmentNo: number): boolean;
  allocateSegmentNo(): number;
}

interface Move {
  id: Buffer;
  from: FragmentLocation;
  toOffset: number;
}

interface Target {
  lease: SegmentLease;
  tailBytes: number;
  flushedBytes: number;
  buffered: Buffer[];
  moves: Move[];
  victims: number[];
}

export async function compactSegments(ctx: CompactContext, options: CompactOptions = {}): Promise<CompactResult> {
  const result: CompactResult = { segmentsRewritten: 0, bytesReclaimed: 0, corrupt: [] };
  let target: Target | null = null;
  try {
    for (const victim of pickVictims(ctx, options)) {
      options.signal?.throwIfAborted();
      const meta = ctx.index.segments.get(victim);
      if (meta === undefined) continue;
      if (meta.liveRecords === 0) {
        await dropEmptySegment(ctx, victim, result);
        continue;
      }
      if (target !== null && target.tailBytes > SEGMENT_HEADER_BYTES &&
        target.tailBytes + meta.liveRecordBytes > ctx.segmentSizeBytesMax) {
        const full = target;
        target = null;
        await finishTarget(ctx, full, result);
      }
      if (target === null) target = await startTarget(ctx);
      await copyLiveRecords(ctx, victim, target, result);
      target.victims.push(victim);
    }
    if (target !== null) {
      const last = target;
      target = null;
      await finishTarget(ctx, last, result);
    }
  } finally {
    // An unfinished target was never registered: remove it now rather than on
    // the next open.
    if (target !== null) {
      target.lease.release();
      await ctx.files.retire(target.lease.segmentNo).catch(() => undefined);
    }
  }
  return result;
}

function pickVictims(ctx: CompactContext, options: CompactOptions): number[] {
  const ratioMax = options.liveRatioMax ?? ctx.defaultLiveRatioMax;
  const victims: number[] = [];
  for (const [segmentNo, meta] of ctx.index.segments) {
    if (ctx.isPinned(segmentNo)) continue;
    const recordBytes = Math.max(1, meta.lengthBytes - SEGMENT_HEADER_BYTES);
    if (meta.liveRecords === 0 || meta.liveRecordBytes / recordBytes < ratioMax) victims.push(segmentNo);
  }
  victims.sort((a, b) => a - b);
  return victims.slice(0, options.segmentsMax ?? victims.length);
}

async function startTarget(ctx: CompactContext): Promise<Target> {
  const lease = await ctx.files.create(ctx.allocateSegmentNo(), ctx.hasher);
  return { lease, tailBytes: SEGMENT_HEADER_BYTES, flushedBytes: SEGMENT_HEADER_BYTES, buffered: [], moves: [], victims: [] };
}

async function copyLiveRecords(ctx: CompactContext, victim: number, target: Target, result: CompactResult): Promise<void> {
  for (const { offset, id } of ctx.index.recordsInSegment(victim)) {
    const from = ctx.index.lookup(id);
    if (from === undefined || from.segmentNo !== victim || from.offset !== offset) continue;
    let record: Buffer;
    try {
      record = (await readVerifiedRecord(ctx.files, ctx.hasher, id, from)).record;
    } catch (err) {
      if (!(err instanceof FragmentCorruptError)) throw err;
      result.corrupt.push(new Uint8Array(id));
      continue;
    }
    target.buffered.push(record);
    target.moves.push({ id, from, toOffset: target.tailBytes });
    target.tailBytes += record.length;
    if (target.tailBytes - target.flushedBytes >= ctx.writeBufferBytesMax) await writeBuffered(target);
  }
}

async function writeBuffered(target: Target): Promise<void> {
  await (await target.lease.file).writeAll(target.buffered, target.flushedBytes);
  target.buffered = [];
  target.flushedBytes = target.tailBytes;
}

async function dropEmptySegment(ctx: CompactContext, segmentNo: number, result: CompactResult): Promise<void> {
  let lengthBytes = 0;
  await ctx.index.commit(() => {
    lengthBytes = ctx.index.segments.get(segmentNo)?.lengthBytes ?? 0;
    ctx.index.removeSegment(segmentNo);
  });
  await ctx.files.retire(segmentNo);
  result.segmentsRewritten++;
  result.bytesReclaimed += lengthBytes;
}

async function finishTarget(ctx: CompactContext, target: Target, result: CompactResult): Promise<void> {
  const targetNo = target.lease.segmentNo;
  // A target that received nothing (every record was corrupt) is not kept.
  const keepTarget = target.moves.length > 0;
  let victimBytes = 0;
  try {
    await writeBuffered(target);
    await (await target.lease.file).datasync();
    await ctx.index.commit(() => {
      victimBytes = relocate(ctx, target, keepTarget);
    });
  } catch (err) {
    // Nothing was committed, so the target is an unregistered orphan: drop it.
    target.lease.release();
    await ctx.files.retire(targetNo).catch(() => undefined);
    throw err;
  }
  target.lease.release();
  if (!keepTarget) await ctx.files.retire(targetNo);
  for (const victim of target.victims) await ctx.files.retire(victim);
  result.segmentsRewritten += target.victims.length;
  result.bytesReclaimed += victimBytes - (keepTarget ? target.tailBytes : 0);
}

/** The index side of a finished target; runs inside one commit. Returns the victims' bytes. */
function relocate(ctx: CompactContext, target: Target, keepTarget: boolean): number {
  const targetNo = target.lease.segmentNo;
  // The target was fsync'd before this commit: all of it is synced.
  if (keepTarget) ctx.index.setSegmentLength(targetNo, target.tailBytes, target.tailBytes);
  for (const move of target.moves) {
    // A fragment deleted or replaced while we copied keeps its new state; the
    // copy is then dead space in the target.
    const current = ctx.index.lookup(move.id);
    if (current === undefined || current.segmentNo !== move.from.segmentNo || current.offset !== move.from.offset) continue;
    ctx.index.putFragment(move.id, { ...move.from, segmentNo: targetNo, offset: move.toOffset });
  }
  let victimBytes = 0;
  for (const victim of target.victims) {
    victimBytes += ctx.index.segments.get(victim)?.lengthBytes ?? 0;
    ctx.index.removeSegment(victim);
  }
  return victimBytes;
}
