// Re-placing a fragment whose first choice cannot take it (its drive, node or zone is down or
// out, or releases it through a share below 100%). Only that fragment moves, and it moves
// anywhere the failure domains allow, not just to its siblings: the siblings of a failed drive
// would otherwise fill up faster than the rest of the cluster.
//
// The search is ordered, so it is deterministic: zones holding the fewest other fragments of the
// chunk first (that keeps "one per zone" when the map allows it, and the most even spread when
// not), then zones other than the one the fragment failed in (otherwise that zone, a candidate
// for every one of its displaced fragments, would fill its remaining drives faster than the
// rest), then by a weighted rendezvous priority salted with the position; within the zone,
// nodes by fewest fragments and priority; within the node, the best unused accepting drive.

import { exponentialBits, pairHash, type ChunkKey } from './hash.js';
import { SHARE_FULL_BASIS_POINTS } from './cluster-map.js';
import type { CompiledMap, Level } from './compiled-map.js';
import { SALT_RETRY, SALT_SHARE } from './salts.js';

// Whether an item with a share below 100% keeps this chunk: a per-(chunk, item) coin, so that
// lowering the share releases exactly the fragments whose coin now falls above it.
export function shareKeeps(key: ChunkKey, level: Level, i: number): boolean {
  const share = level.shareBasisPoints[i]!;
  if (share >= SHARE_FULL_BASIS_POINTS) return true;
  return (pairHash(key.a, key.b, level.hashA[i]!, level.hashB[i]!, SALT_SHARE) >>> 0) % SHARE_FULL_BASIS_POINTS < share;
}

export function driveAccepts(key: ChunkKey, map: CompiledMap, d: number): boolean {
  if (map.drives.usableDrives[d] !== 1) return false;
  const n = map.drives.parent[d]!;
  return shareKeeps(key, map.drives, d) && shareKeeps(key, map.nodes, n) && shareKeeps(key, map.zones, map.nodes.parent[n]!);
}

export class RetryScratch {
  readonly triedZones: Uint8Array;
  readonly triedChildren: Uint8Array;

  constructor(zoneCount: number, childrenMax: number) {
    this.triedZones = new Uint8Array(zoneCount);
    this.triedChildren = new Uint8Array(childrenMax);
  }
}

// Returns a drive for `position`, given the drives of the other settled positions (`driveOf`
// where settled[q] === 1), or -1 when no usable drive is left for this chunk.
export function retryPosition(
  key: ChunkKey, position: number, driveOf: Int32Array, settled: Uint8Array, fragmentCount: number,
  map: CompiledMap, scratch: RetryScratch,
): number {
  const { zones, nodes, drives } = map;
  const salt = SALT_RETRY + position;
  const failedZone = nodes.parent[drives.parent[driveOf[position]!]!]!;
  const tried = scratch.triedZones;
  tried.fill(0);
  for (;;) {
    let bestZone = -1;
    let bestRank = Infinity;
    let bestPriority = -Infinity;
    for (let z = 0; z < zones.count; z++) {
      if (zones.usableDrives[z] === 0 || tried[z] === 1) continue;
      let count = 0;
      for (let q = 0; q < fragmentCount; q++) {
        if (settled[q] === 1 && nodes.parent[drives.parent[driveOf[q]!]!] === z) count++;
      }
      const rank = 2 * count + (z === failedZone ? 1 : 0);
      if (rank > bestRank) continue;
      const priority = -exponentialBits(pairHash(key.a, key.b, zones.hashA[z]!, zones.hashB[z]!, salt)) / zones.usableWeight[z]!;
      if (rank < bestRank || priority > bestPriority) { bestZone = z; bestRank = rank; bestPriority = priority; }
    }
    if (bestZone < 0) return -1;
    tried[bestZone] = 1;
    if (!shareKeeps(key, zones, bestZone)) continue;
    const drive = searchZone(key, bestZone, salt, driveOf, settled, fragmentCount, map, scratch);
    if (drive >= 0) return drive;
  }
}

function searchZone(
  key: ChunkKey, zone: number, salt: number, driveOf: Int32Array, settled: Uint8Array, fragmentCount: number,
  map: CompiledMap, scratch: RetryScratch,
): number {
  const { zones, nodes, drives } = map;
  const start = zones.childStart[zone]!;
  const end = zones.childStart[zone + 1]!;
  const tried = scratch.triedChildren;
  tried.fill(0, 0, end - start);
  for (;;) {
    let bestNode = -1;
    let bestCount = Infinity;
    let bestPriority = -Infinity;
    for (let n = start; n < end; n++) {
      if (nodes.usableDrives[n] === 0 || tried[n - start] === 1) continue;
      let count = 0;
      for (let q = 0; q < fragmentCount; q++) {
        if (settled[q] === 1 && drives.parent[driveOf[q]!] === n) count++;
      }
      if (count > bestCount) continue;
      const priority = -exponentialBits(pairHash(key.a, key.b, nodes.hashA[n]!, nodes.hashB[n]!, salt)) / nodes.usableWeight[n]!;
      if (count < bestCount || priority > bestPriority) { bestNode = n; bestCount = count; bestPriority = priority; }
    }
    if (bestNode < 0) return -1;
    tried[bestNode - start] = 1;
    if (!shareKeeps(key, nodes, bestNode)) continue;
    const drive = searchNode(key, bestNode, salt, driveOf, settled, fragmentCount, map);
    if (drive >= 0) return drive;
  }
}

function searchNode(
  key: ChunkKey, node: number, salt: number, driveOf: Int32Array, settled: Uint8Array, fragmentCount: number,
  map: CompiledMap,
): number {
  const drives = map.drives;
  let bestDrive = -1;
  let bestPriority = -Infinity;
  for (let d = map.nodes.childStart[node]!; d < map.nodes.childStart[node + 1]!; d++) {
    if (drives.usableDrives[d] === 0 || !shareKeeps(key, drives, d)) continue;
    let used = false;
    for (let q = 0; q < fragmentCount; q++) if (settled[q] === 1 && driveOf[q] === d) used = true;
    if (used) continue;
    const priority = -exponentialBits(pairHash(key.a, key.b, drives.hashA[d]!, drives.hashB[d]!, salt)) / drives.usableWeight[d]!;
    if (priority > bestPriority) { bestDrive = d; bestPriority = priority; }
  }
  return bestDrive;
}
