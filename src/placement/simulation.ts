// Measures placement on a map before and after a change: fill balance, fragments moved against
// the theoretical minimum, failure-domain violations and placement speed. Used by
// scripts/placement-sim.ts at scale and by the unit tests at small scale.

import { limits } from '../limits.js';
import { assert } from '../util/assert.js';
import type { ClusterMap } from './cluster-map.js';
import { compileClusterMap, type CompiledMap } from './compiled-map.js';
import { guarantee, type Guarantee } from './guarantee.js';
import { Placer } from './placer.js';
import { fragmentCount, type StorageClass } from './storage-classes.js';
import { achievableShares, balanceAgainst, capacityExpected, chanceMaxPercent, type ShareBalance } from './balance-floors.js';

export interface Balance {
  // Fragments per unit of usable weight, relative to the cluster mean: the fullest drive's
  // excess, the emptiest drive's shortfall, and the standard deviation, all in % of the mean.
  readonly maxPercent: number;
  readonly minPercent: number;
  readonly stdPercent: number;
  // The standard deviation pure chance gives when each drive's count is Poisson around its
  // share: no placement that hashes chunks independently can beat it.
  readonly poissonStdPercent: number;
  // The same figures with drives pooled per node (sum of counts over sum of weights).
  readonly nodeMaxPercent: number;
  readonly nodeStdPercent: number;
}

export interface SimulationResult {
  readonly chunks: number;
  readonly fragments: number;
  readonly before: Balance;
  readonly after: Balance;
  readonly moved: number;
  readonly optimal: number;
  readonly violations: number;
  readonly guarantee: Guarantee;
  readonly placementsPerCpuSecond: number;
  readonly placementsPerWallSecond: number;
  // Floors and the second figure (balance-floors.ts): the fullest drive's excess chance alone
  // gives at capacity shares, and the after-map balance against the shares the domain rule allows.
  readonly afterChanceMaxPercent: number;
  readonly afterAchievable: ShareBalance;
  // The least a change must move when each map's ideal fill is its achievable shares rather than
  // its capacity shares (the per-zone rule can make the capacity minimum unreachable, or too low).
  readonly optimalAchievable: number;
}

// Deterministic pseudo-random 32-byte chunk ids (SHA-256 stand-ins), from a seed and an index.
export function fillChunkId(seed: number, index: number, into: Uint8Array): void {
  let state = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) ^ Math.imul(index, 0x85ebca6b) ^ (index / 0x1_0000_0000)) | 0;
  for (let i = 0; i < into.length; i += 4) {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    t ^= t >>> 14;
    into[i] = t; into[i + 1] = t >>> 8; into[i + 2] = t >>> 16; into[i + 3] = t >>> 24;
  }
}

export function simulate(beforeMap: ClusterMap, afterMap: ClusterMap, storageClass: StorageClass, chunks: number, seed = 1): SimulationResult {
  const before = compileClusterMap(beforeMap);
  const after = compileClusterMap(afterMap);
  const count = fragmentCount(storageClass);
  const placements = new Int32Array(chunks * count);
  const id = new Uint8Array(32);
  const out = new Int32Array(limits.placementFragmentsPerChunkMax);
  const beforeFill = new Float64Array(before.drives.count);
  const afterFill = new Float64Array(after.drives.count);
  const translate = driveTranslation(before, after);
  const cpuStart = process.cpuUsage();
  const wallStart = process.hrtime.bigint();
  const placerBefore = new Placer(before);
  for (let c = 0; c < chunks; c++) {
    fillChunkId(seed, c, id);
    placerBefore.placeInto(id, storageClass, out);
    for (let i = 0; i < count; i++) { placements[c * count + i] = out[i]!; beforeFill[out[i]!]!++; }
  }
  const placerAfter = new Placer(after);
  const promise = guarantee(storageClass, after);
  const checker = new ViolationChecker(after, promise, count);
  let moved = 0;
  let violations = 0;
  for (let c = 0; c < chunks; c++) {
    fillChunkId(seed, c, id);
    placerAfter.placeInto(id, storageClass, out);
    for (let i = 0; i < count; i++) {
      afterFill[out[i]!]!++;
      if (translate[placements[c * count + i]!] !== out[i]) moved++;
    }
    if (!checker.ok(out)) violations++;
  }
  const cpu = process.cpuUsage(cpuStart);
  const wallSeconds = Number(process.hrtime.bigint() - wallStart) / 1e9;
  const fragments = chunks * count;
  return {
    chunks, fragments, moved, violations, guarantee: promise,
    before: balanceOf(before, beforeFill, fragments),
    after: balanceOf(after, afterFill, fragments),
    optimal: optimalMoves(before, after, translate, fragments),
    placementsPerCpuSecond: (2 * chunks) / ((cpu.user + cpu.system) / 1e6),
    placementsPerWallSecond: (2 * chunks) / wallSeconds,
    afterChanceMaxPercent: chanceMaxPercent(capacityExpected(after, fragments)),
    afterAchievable: balanceAgainst(afterFill, achievableShares(after, promise, count), fragments),
    optimalAchievable: shareChange(
      achievableShares(before, guarantee(storageClass, before), count), achievableShares(after, promise, count), translate, fragments),
  };
}

// Drive number in `before` → drive number in `after` with the same path, or -1.
function driveTranslation(before: CompiledMap, after: CompiledMap): Int32Array {
  const byPath = new Map<string, number>();
  after.driveRefs.forEach((ref, d) => byPath.set(`${ref.zone}/${ref.node}/${ref.drive}`, d));
  return Int32Array.from(before.driveRefs, (ref) => byPath.get(`${ref.zone}/${ref.node}/${ref.drive}`) ?? -1);
}

export function balanceOf(map: CompiledMap, fill: Float64Array, fragments: number): Balance {
  const weights = map.drives.usableWeight;
  const totalWeight = weights.reduce((sum, w) => sum + w, 0);
  const mean = fragments / totalWeight;
  let max = -Infinity;
  let min = Infinity;
  let squares = 0;
  let poissonSquares = 0;
  let drives = 0;
  for (let d = 0; d < map.drives.count; d++) {
    const w = weights[d]!;
    if (w === 0) { assert(fill[d] === 0, 'an unusable drive received fragments'); continue; }
    const ratio = fill[d]! / w / mean - 1;
    max = Math.max(max, ratio);
    min = Math.min(min, ratio);
    squares += ratio * ratio;
    poissonSquares += 1 / (mean * w);
    drives++;
  }
  let nodeMax = -Infinity;
  let nodeSquares = 0;
  let nodes = 0;
  for (let n = 0; n < map.nodes.count; n++) {
    let nodeFill = 0;
    for (let d = map.nodes.childStart[n]!; d < map.nodes.childStart[n + 1]!; d++) nodeFill += fill[d]!;
    const w = map.nodes.usableWeight[n]!;
    if (w === 0) continue;
    const ratio = nodeFill / w / mean - 1;
    nodeMax = Math.max(nodeMax, ratio);
    nodeSquares += ratio * ratio;
    nodes++;
  }
  return {
    maxPercent: 100 * max, minPercent: 100 * min, stdPercent: 100 * Math.sqrt(squares / drives),
    poissonStdPercent: 100 * Math.sqrt(poissonSquares / drives),
    nodeMaxPercent: 100 * nodeMax, nodeStdPercent: 100 * Math.sqrt(nodeSquares / nodes),
  };
}

// The least a change must move: half the total change in each drive's ideal (weight-
// proportional) fill. Adding capacity gives its share; losing a drive gives its fill.
function optimalMoves(before: CompiledMap, after: CompiledMap, translate: Int32Array, fragments: number): number {
  const ideal = (map: CompiledMap, d: number): number => {
    const total = map.drives.usableWeight.reduce((sum, w) => sum + w, 0);
    return d < 0 ? 0 : fragments * map.drives.usableWeight[d]! / total;
  };
  const totalBefore = before.drives.usableWeight.reduce((sum, w) => sum + w, 0);
  const totalAfter = after.drives.usableWeight.reduce((sum, w) => sum + w, 0);
  const seen = new Uint8Array(after.drives.count);
  let change = 0;
  for (let d = 0; d < before.drives.count; d++) {
    const a = translate[d]!;
    const was = fragments * before.drives.usableWeight[d]! / totalBefore;
    const now = a < 0 ? 0 : fragments * after.drives.usableWeight[a]! / totalAfter;
    change += Math.abs(now - was);
    if (a >= 0) seen[a] = 1;
  }
  for (let d = 0; d < after.drives.count; d++) if (seen[d] === 0) change += ideal(after, d);
  return change / 2;
}

// Half the total change in each drive's expected fill, from per-drive shares of two maps.
function shareChange(before: Float64Array, after: Float64Array, translate: Int32Array, fragments: number): number {
  const seen = new Uint8Array(after.length);
  let change = 0;
  for (let d = 0; d < before.length; d++) {
    const a = translate[d]!;
    change += Math.abs((a < 0 ? 0 : after[a]!) - before[d]!);
    if (a >= 0) seen[a] = 1;
  }
  for (let d = 0; d < after.length; d++) if (seen[d] === 0) change += after[d]!;
  return fragments * change / 2;
}

// A chunk violates its failure domains when a zone or a node holds more fragments than the
// spreading rules allow on this map, or two fragments share a drive, or a drive is unusable.
class ViolationChecker {
  private readonly zoneCounts: Int32Array;
  private readonly nodeCounts: Int32Array;

  constructor(private readonly map: CompiledMap, private readonly promise: Guarantee, private readonly count: number) {
    this.zoneCounts = new Int32Array(map.zones.count);
    this.nodeCounts = new Int32Array(map.nodes.count);
  }

  ok(drives: Int32Array): boolean {
    const { nodes } = this.map;
    let ok = true;
    for (let i = 0; i < this.count; i++) {
      const d = drives[i]!;
      const n = this.map.drives.parent[d]!;
      const z = nodes.parent[n]!;
      if (this.map.drives.usableDrives[d] !== 1) ok = false;
      for (let j = 0; j < i; j++) if (drives[j] === d) ok = false;
      if (++this.zoneCounts[z]! > this.promise.fragmentsPerZoneMax) ok = false;
      if (++this.nodeCounts[n]! > this.promise.fragmentsPerNodeMax) ok = false;
    }
    for (let i = 0; i < this.count; i++) {
      const n = this.map.drives.parent[drives[i]!]!;
      this.nodeCounts[n] = 0;
      this.zoneCounts[nodes.parent[n]!] = 0;
    }
    return ok;
  }
}
