import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Placer, STORAGE_CLASSES, singleNodeMap } from '../../../src/placement/index.js';

// The single-node server does not store fragment locations: ChunkIO recomputes place() from
// singleNodeMap(drives) on every read and repair. If these answers change, data already written
// by a running server becomes unreadable, so any new algorithm must leave them alone (or be
// selected by a map version that the single-node map does not use). Values recorded on
// 22 Nov 2026 from the algorithm of map format version 1.
const PINNED = [
  ['drive-5', 'drive-4', 'drive-3', 'drive-2', 'drive-0', 'drive-1'],
  ['drive-0', 'drive-3', 'drive-2', 'drive-1', 'drive-4', 'drive-5'],
  ['drive-4', 'drive-1', 'drive-5', 'drive-2', 'drive-0', 'drive-3'],
  ['drive-4', 'drive-1', 'drive-0', 'drive-5', 'drive-2', 'drive-3'],
];

test('single-node map (1 zone, 1 node, 6 drives): placements of existing data never change', () => {
  const placer = new Placer(singleNodeMap(6));
  PINNED.forEach((expected, s) => {
    const id = Uint8Array.from({ length: 32 }, (_, i) => (i * 7 + s * 31) & 255);
    assert.deepEqual(placer.place(id, STORAGE_CLASSES.STANDARD).map((d) => d.drive), expected);
  });
});
