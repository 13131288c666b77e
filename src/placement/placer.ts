// Deterministic, failure-domain-aware placement of a chunk's k+m fragments onto drives.
//
// place() is a pure function of (chunk id, storage class, cluster map): every node computes the
// same drives, and fragment i always goes to element i. It works in two steps:
// 1. First choice, on the nominal map (every item at its weight, whatever its state): positions
//    go to zones, then each zone's positions to its nodes, then each node's to its drives, by
//    weighted rendezvous hashing at each level (level-assign.ts). The cost per placement grows
//    with the fan-out of each level, not with the number of drives.
// 2. A position whose first choice cannot take it (down, out, or released by a share below
//    100%) is re-placed by an ordered search that keeps the failure-domain spread (retry.ts).
// Because states only matter in step 2, marking a drive down moves exactly its fragments.

import { assert } from '../util/assert.js';
import { limits } from '../limits.js';
import { chunkKeyOf, type ChunkKey } from './hash.js';
import { compileClusterMap, type CompiledMap, type DriveRef } from './compiled-map.js';
import type { ClusterMap } from './cluster-map.js';
import { InsufficientDrives, PlacementError } from './errors.js';
import { fragmentCount, isValidStorageClass, type StorageClass } from './storage-classes.js';
import { AssignScratch, assignPositions } from './level-assign.js';
import { RetryScratch, driveAccepts, retryPosition } from './retry.js';

export class Placer {
  readonly compiled: CompiledMap;
  private readonly key: ChunkKey = { a: 0, b: 0 };
  private readonly assignScratch: AssignScratch;
  private readonly retryScratch: RetryScratch;
  private readonly allPositions: Int32Array;
  private readonly subPositions: Int32Array;
  private readonly subOut: Int32Array;
  private readonly nodePositions: Int32Array;
  private readonly nodeOut: Int32Array;
  private readonly zoneOf: Int32Array;
  private readonly nodeOf: Int32Array;
  private readonly settled: Uint8Array;
  private readonly driveScratch: Int32Array;

  constructor(map: ClusterMap | CompiledMap) {
    this.compiled = 'drives' in map ? map : compileClusterMap(map);
    const positionsMax = limits.placementFragmentsPerChunkMax;
    this.assignScratch = new AssignScratch(positionsMax, Math.max(1, this.compiled.maxChildren));
    this.retryScratch = new RetryScratch(this.compiled.zones.count, Math.max(1, this.compiled.maxChildren));
    this.allPositions = Int32Array.from({ length: positionsMax }, (_, i) => i);
    this.subPositions = new Int32Array(positionsMax);
    this.subOut = new Int32Array(positionsMax);
    this.nodePositions = new Int32Array(positionsMax);
    this.nodeOut = new Int32Array(positionsMax);
    this.zoneOf = new Int32Array(positionsMax);
    this.nodeOf = new Int32Array(positionsMax);
    this.settled = new Uint8Array(positionsMax);
    this.driveScratch = new Int32Array(positionsMax);
  }

  get epoch(): number {
    return this.compiled.epoch;
  }

  // The k+m drives for a chunk, fragment i on element i.
  place(chunkId: Uint8Array, storageClass: StorageClass): DriveRef[] {
    const count = this.placeInto(chunkId, storageClass, this.driveScratch);
    const refs: DriveRef[] = [];
    for (let i = 0; i < count; i++) refs.push(this.compiled.driveRefs[this.driveScratch[i]!]!);
    return refs;
  }

  // Like place(), but writes drive numbers (indexes into compiled.driveRefs) into `out` and
  // returns k+m; allocates nothing, for the simulator and for bulk move planning.
  placeInto(chunkId: Uint8Array, storageClass: StorageClass, out: Int32Array): number {
    const count = this.checkClass(storageClass);
    assert(out.length >= count, 'output buffer too small');
    const key = chunkKeyOf(chunkId, this.key);
    this.firstChoice(key, count, out);
    const settled = this.settled;
    let displaced = 0;
    for (let p = 0; p < count; p++) {
      const accepts = driveAccepts(key, this.compiled, out[p]!);
      settled[p] = accepts ? 1 : 0;
      if (!accepts) displaced++;
    }
    if (displaced === 0) return count;
    for (let p = 0; p < count; p++) {
      if (settled[p] === 1) continue;
      const drive = retryPosition(key, p, out, settled, count, this.compiled, this.retryScratch);
      if (drive < 0) throw new InsufficientDrives(count, this.compiled.usableDriveCount, storageClass.name);
      out[p] = drive;
      settled[p] = 1;
    }
    return count;
  }

  private checkClass(storageClass: StorageClass): number {
    if (!isValidStorageClass(storageClass)) {
      throw new PlacementError('PLACEMENT_INVALID_STORAGE_CLASS', `storage class ${storageClass.name} has an invalid layout`);
    }
    const count = fragmentCount(storageClass);
    if (count > this.compiled.usableDriveCount) {
      throw new InsufficientDrives(count, this.compiled.usableDriveCount, storageClass.name);
    }
    return count;
  }

  // Step 1: zones, then nodes within each zone, then drives within each node.
  private firstChoice(key: ChunkKey, count: number, out: Int32Array): void {
    const { zones, nodes, drives } = this.compiled;
    const scratch = this.assignScratch;
    const zoneOf = this.zoneOf;
    assignPositions(key, zones, 0, zones.count, this.compiled.eligibleZones, this.compiled.zonesUniform,
      this.allPositions, count, zoneOf, scratch);
    const nodeOf = this.nodeOf;
    for (let p = 0; p < count; p++) {
      const z = zoneOf[p]!;
      if (z < 0) continue;
      const inZone = this.gather(zoneOf, z, count, this.subPositions);
      assignPositions(key, nodes, zones.childStart[z]!, zones.childStart[z + 1]!, zones.eligibleChildren[z]!,
        zones.childrenUniform[z] === 1, this.subPositions, inZone, this.subOut, scratch);
      for (let i = 0; i < inZone; i++) {
        nodeOf[this.subPositions[i]!] = this.subOut[i]!;
        zoneOf[this.subPositions[i]!] = -1;
      }
    }
    for (let p = 0; p < count; p++) {
      const n = nodeOf[p]!;
      if (n < 0) continue;
      const inNode = this.gather(nodeOf, n, count, this.nodePositions);
      assignPositions(key, drives, nodes.childStart[n]!, nodes.childStart[n + 1]!, nodes.eligibleChildren[n]!,
        nodes.childrenUniform[n] === 1, this.nodePositions, inNode, this.nodeOut, scratch);
      for (let i = 0; i < inNode; i++) {
        out[this.nodePositions[i]!] = this.nodeOut[i]!;
        nodeOf[this.nodePositions[i]!] = -1;
      }
    }
  }

  // Collects the positions whose entry in `of` equals `value`, in position order.
  private gather(of: Int32Array, value: number, count: number, into: Int32Array): number {
    let found = 0;
    for (let p = 0; p < count; p++) if (of[p] === value) into[found++] = p;
    return found;
  }
}
