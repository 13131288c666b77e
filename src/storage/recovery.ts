// Reconciles a drive's segment files with its index when the store opens. The
// index is the truth: it is written only after the segment bytes it points at were
// fsync'd, so anything the files hold beyond it was never acknowledged.
//
// - A segment file the index does not list is an orphan (a crash during segment
//   creation or compaction) and is deleted.
// - Bytes past a segment's committed length are a torn tail or an uncommitted
//   batch, and are truncated.
// - A listed segment that is shorter than its committed length, or missing (a
//   damaged or wiped drive), loses the index entries of the records it no longer
//   holds: they read as absent and the repair path re-creates them.
// - Records past a segment's synced length belong to the last batch, whose index
//   commit ran alongside its fsync (segment-writer.ts). They are verified, and
//   those whose bytes did not land lose their index entries.

import type { FragmentIndex } from './fragment-index.js';
import type { StorageFs } from './storage-fs.js';
import type { SegmentFiles } from './segment-files.js';
import { SEGMENT_HEADER_BYTES, parseSegmentFileName, recordLengthBytes } from './segment-format.js';
import { FragmentCorruptError } from './errors.js';
import type { Hasher } from './hasher.js';
import { readVerifiedRecord } from './record-reader.js';

export interface RecoveryReport {
  orphanSegmentsRemoved: number;
  tornBytesTruncated: number;
  segmentsLost: number;
  fragmentsDropped: number;
  /** Records of the last batch whose index entry became durable but whose bytes did not. */
  unsyncedRecordsDropped: number;
}

export interface RecoveryResult {
  report: RecoveryReport;
  nextSegmentNo: number;
  /** The segment the writer may keep appending to, if one has room. */
  resume: { segmentNo: number; tailBytes: number } | null;
}

export async function recoverSegments(
  index: FragmentIndex, files: SegmentFiles, fs: StorageFs, hasher: Hasher, segmentSizeBytesMax: number,
): Promise<RecoveryResult> {
  const report: RecoveryReport = {
    orphanSegmentsRemoved: 0, tornBytesTruncated: 0, segmentsLost: 0, fragmentsDropped: 0, unsyncedRecordsDropped: 0,
  };
  let highest = 0;
  for (const name of await fs.list(files.dir)) {
    const segmentNo = parseSegmentFileName(name);
    if (segmentNo === null) continue;
    highest = Math.max(highest, segmentNo);
    if (!index.segments.has(segmentNo)) {
      await fs.unlink(files.path(segmentNo));
      report.orphanSegmentsRemoved++;
    }
  }
  const damaged = new Set<number>();
  for (const [segmentNo, meta] of [...index.segments]) {
    highest = Math.max(highest, segmentNo);
    const sizeBytes = await fs.sizeBytes(files.path(segmentNo));
    if (sizeBytes !== null && sizeBytes > meta.lengthBytes) {
      await truncateTail(fs, files.path(segmentNo), meta.lengthBytes);
      report.tornBytesTruncated += sizeBytes - meta.lengthBytes;
    } else if (sizeBytes === null || sizeBytes < meta.lengthBytes) {
      damaged.add(segmentNo);
      await dropMissingRecords(index, segmentNo, sizeBytes, report);
    }
  }
  if (report.orphanSegmentsRemoved > 0) await fs.syncDir(files.dir);
  for (const [segmentNo, meta] of [...index.segments]) {
    if (meta.syncedBytes < meta.lengthBytes) await verifyUnsynced(index, files, hasher, segmentNo, report);
  }
  return { report, nextSegmentNo: highest + 1, resume: pickResume(index, damaged, segmentSizeBytesMax) };
}

/**
 * Checks the records of a segment's last batch, whose index entries may have
 * become durable before their bytes did, and drops those that fail.
 */
async function verifyUnsynced(
  index: FragmentIndex, files: SegmentFiles, hasher: Hasher, segmentNo: number, report: RecoveryReport,
): Promise<void> {
  const syncedBytes = index.segments.get(segmentNo)!.syncedBytes;
  const bad: Array<{ id: Buffer; offset: number }> = [];
  for (const { offset, id } of index.recordsInSegment(segmentNo, syncedBytes)) {
    const location = index.lookup(id);
    if (location === undefined || location.segmentNo !== segmentNo || location.offset !== offset) continue;
    try {
      await readVerifiedRecord(files, hasher, id, location);
    } catch (err) {
      if (!(err instanceof FragmentCorruptError)) throw err;
      bad.push({ id, offset });
    }
  }
  await index.commit(() => {
    for (const { id, offset } of bad) {
      const location = index.lookup(id);
      if (location?.segmentNo === segmentNo && location.offset === offset) index.removeFragment(id);
    }
    index.markSynced(segmentNo);
  });
  report.unsyncedRecordsDropped += bad.length;
}

async function truncateTail(fs: StorageFs, path: string, lengthBytes: number): Promise<void> {
  const file = await fs.openSegment(path, false);
  try {
    await file.truncate(lengthBytes);
    await file.datasync();
  } finally {
    await file.close();
  }
}

/** Drops the index entries of records that end past a shortened or missing file. */
async function dropMissingRecords(
  index: FragmentIndex, segmentNo: number, sizeBytes: number | null, report: RecoveryReport,
): Promise<void> {
  await index.commit(() => {
    if (sizeBytes === null || sizeBytes < SEGMENT_HEADER_BYTES) {
      report.fragmentsDropped += index.segments.get(segmentNo)?.liveRecords ?? 0;
      report.segmentsLost++;
      index.removeSegment(segmentNo);
      return;
    }
    for (const { id } of index.recordsInSegment(segmentNo)) {
      const location = index.lookup(id);
      if (location === undefined || location.segmentNo !== segmentNo) continue;
      if (location.offset + recordLengthBytes(id.length, location.dataLengthBytes) > sizeBytes) {
        index.removeFragment(id);
        report.fragmentsDropped++;
      }
    }
    index.setSegmentLength(segmentNo, sizeBytes, Math.min(sizeBytes, index.segments.get(segmentNo)?.syncedBytes ?? 0));
  });
}

/** The newest intact segment with room left, so restarts do not litter small files. */
function pickResume(
  index: FragmentIndex, damaged: Set<number>, segmentSizeBytesMax: number,
): { segmentNo: number; tailBytes: number } | null {
  let newest = -1;
  for (const segmentNo of index.segments.keys()) newest = Math.max(newest, segmentNo);
  const meta = index.segments.get(newest);
  if (meta === undefined || damaged.has(newest) || meta.lengthBytes >= segmentSizeBytesMax) return null;
  return { segmentNo: newest, tailBytes: meta.lengthBytes };
}
