// Reads one record through a segment lease and verifies it against its index
// entry. Every path that hands out or copies fragment bytes (get, compaction,
// scrub) goes through here, so no unverified byte ever leaves the store.

import { FragmentCorruptError } from './errors.js';
import type { Hasher } from './hasher.js';
import type { FragmentLocation } from './index-format.js';
import type { SegmentFiles } from './segment-files.js';
import { decodeRecord, recordLengthBytes } from './segment-format.js';

export interface VerifiedRecord {
  /** The whole record, header included, as stored (compaction copies it verbatim). */
  record: Buffer;
  /** The fragment data, a view into `record`. */
  data: Buffer;
}

// A segment that vanished or a sector that cannot be read loses the fragment just
// as a bad checksum does; the caller reconstructs it from the rest of the stripe.
const LOST_CODES = new Set(['ENOENT', 'EIO', 'ENXIO']);

export async function readVerifiedRecord(
  files: SegmentFiles, hasher: Hasher, id: Buffer, location: FragmentLocation,
): Promise<VerifiedRecord> {
  const lease = files.acquire(location.segmentNo);
  try {
    const record = Buffer.allocUnsafe(recordLengthBytes(id.length, location.dataLengthBytes));
    let bytesRead: number;
    try {
      bytesRead = await (await lease.file).read(record, location.offset);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== undefined && LOST_CODES.has(code)) throw new FragmentCorruptError(id, `read failed: ${code}`);
      throw err;
    }
    const data = decodeRecord(record.subarray(0, bytesRead), { id, ...location }, hasher);
    if (typeof data === 'string') throw new FragmentCorruptError(id, data);
    return { record, data };
  } finally {
    lease.release();
  }
}
