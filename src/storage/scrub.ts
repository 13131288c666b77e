// The scrubber: re-reads and verifies every live fragment at a bounded rate, so
// that silent corruption is found while the other fragments of its stripe still
// exist. It only reports; the repair path decides what to rebuild.

import { setTimeout as sleep } from 'node:timers/promises';
import { FragmentCorruptError } from './errors.js';
import type { FragmentIndex } from './fragment-index.js';
import type { Hasher } from './hasher.js';
import type { SegmentFiles } from './segment-files.js';
import { readVerifiedRecord } from './record-reader.js';
import { recordLengthBytes } from './segment-format.js';

export interface ScrubOptions {
  /** Read budget; the scrub sleeps whenever it gets ahead of it. */
  bytesPerSecondMax?: number;
  signal?: AbortSignal;
}

export interface ScrubResult {
  checked: number;
  corrupt: Uint8Array[];
}

export interface ScrubContext {
  index: FragmentIndex;
  files: SegmentFiles;
  hasher: Hasher;
  idsPerPageMax: number;
  defaultBytesPerSecondMax: number;
}

export async function scrubFragments(ctx: ScrubContext, options: ScrubOptions = {}): Promise<ScrubResult> {
  const rate = options.bytesPerSecondMax ?? ctx.defaultBytesPerSecondMax;
  if (!(rate > 0)) throw new RangeError(`scrub bytesPerSecondMax must be positive, got ${rate}`);
  const startedMs = performance.now();
  const result: ScrubResult = { checked: 0, corrupt: [] };
  let bytesRead = 0;
  let after: Buffer | undefined;
  for (;;) {
    // Pages keep each LMDB read snapshot short; fragments put after the scrub
    // started may or may not be visited, which is fine for a periodic sweep.
    const page = ctx.index.idsPage(after, ctx.idsPerPageMax);
    if (page.length === 0) break;
    for (const id of page) {
      options.signal?.throwIfAborted();
      const location = ctx.index.lookup(id);
      if (location === undefined) continue; // Deleted since the page was read.
      try {
        await readVerifiedRecord(ctx.files, ctx.hasher, id, location);
      } catch (err) {
        if (!(err instanceof FragmentCorruptError)) throw err;
        result.corrupt.push(new Uint8Array(id));
      }
      result.checked++;
      bytesRead += recordLengthBytes(id.length, location.dataLengthBytes);
      const aheadMs = (bytesRead / rate) * 1000 - (performance.now() - startedMs);
      if (aheadMs > 1) await sleep(aheadMs, undefined, { signal: options.signal });
    }
    after = page[page.length - 1];
  }
  return result;
}
