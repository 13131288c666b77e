// The fragments a map change moves: for each chunk, the positions whose drive differs between
// the placement on the old map and on the new one. Repair (fragments that were on lost drives)
// and rebalance (everything else) act on this list. Placement does not know which chunks
// exist, so the caller streams them in (from the chunk index), grouped by storage class.

import type { DriveRef } from './compiled-map.js';
import type { Placer } from './placer.js';
import type { StorageClass } from './storage-classes.js';
import { limits } from '../limits.js';

export interface FragmentMove {
  readonly chunkId: Uint8Array;
  readonly fragment: number;
  readonly from: DriveRef;
  readonly to: DriveRef;
}

export function* listMoves(
  chunkIds: Iterable<Uint8Array>, storageClass: StorageClass, before: Placer, after: Placer,
): Generator<FragmentMove> {
  const old = new Int32Array(limits.placementFragmentsPerChunkMax);
  const now = new Int32Array(limits.placementFragmentsPerChunkMax);
  for (const chunkId of chunkIds) {
    const count = before.placeInto(chunkId, storageClass, old);
    after.placeInto(chunkId, storageClass, now);
    for (let i = 0; i < count; i++) {
      const from = before.compiled.driveRefs[old[i]!]!;
      const to = after.compiled.driveRefs[now[i]!]!;
      if (!sameDrive(from, to)) yield { chunkId, fragment: i, from, to };
    }
  }
}

export function sameDrive(a: DriveRef, b: DriveRef): boolean {
  return a.zone === b.zone && a.node === b.node && a.drive === b.drive;
}
