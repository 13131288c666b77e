// The first choice at one level of the hierarchy: which children (zones of the cluster, nodes of
// a zone, drives of a node) take which of the fragment positions that reached this parent.
//
// When the positions fit one per eligible child, every (position, child) pair gets a weighted
// rendezvous (straw2) priority and the best pairs are taken greedily, one position per child.
// The greedy over pairs, rather than ranking children once and handing positions out in rank
// order, keeps fragments in place: a new child takes the positions for which it scores best,
// and a position moves only if its own pairing changed (measured: ~1.06x the minimum at 20
// children for 6 positions, ~1.19x at 10, against ~2x for rank-then-assign).
//
// When there are more positions than children (3 zones for RS(4,2)), they are spread as evenly
// as the children's drive counts allow: children are ranked by a weighted priority and take one
// position per round in rank order; then positions are matched to those counts by unweighted
// pair hashes, so that a weight change that leaves the counts alone moves nothing.

import { assert } from '../util/assert.js';
import { exponentialBits, pairHash, type ChunkKey } from './hash.js';
import type { Level } from './compiled-map.js';
import { SALT_COUNT_RANK, SALT_FIRST_CHOICE, SALT_SPREAD } from './salts.js';

// Reusable buffers, sized for the largest fan-out and fragment count, owned by one Placer.
export class AssignScratch {
  readonly priority: Float64Array;
  readonly taken: Uint8Array;
  readonly counts: Int32Array;
  readonly order: Int32Array;
  readonly rankPriority: Float64Array;
  readonly done: Uint8Array;

  constructor(readonly positionsMax: number, readonly childrenMax: number) {
    this.priority = new Float64Array(positionsMax * childrenMax);
    this.taken = new Uint8Array(childrenMax);
    this.counts = new Int32Array(childrenMax);
    this.order = new Int32Array(childrenMax);
    this.rankPriority = new Float64Array(childrenMax);
    this.done = new Uint8Array(positionsMax);
  }
}

// Straw2 priority of child c for a salt: higher wins. With equal weights the order of the raw
// hash equals the order of the straw2 score, so the cheaper comparison gives the same answer.
export function priorityOf(key: ChunkKey, level: Level, c: number, salt: number, uniform: boolean): number {
  const h = pairHash(key.a, key.b, level.hashA[c]!, level.hashB[c]!, salt);
  return uniform ? h : -exponentialBits(h) / level.weight[c]!;
}

// Assigns positions[0..count) to children [start, end) of `level`, writing the chosen child
// number for positions[i] into out[i].
export function assignPositions(
  key: ChunkKey, level: Level, start: number, end: number, eligible: number, uniform: boolean,
  positions: Int32Array, count: number, out: Int32Array, scratch: AssignScratch,
): void {
  assert(count >= 1 && count <= scratch.positionsMax, 'position count out of range');
  if (count <= eligible) matchOnePerChild(key, level, start, end, uniform, positions, count, out, scratch);
  else spreadByCounts(key, level, start, end, uniform, positions, count, out, scratch);
}

function matchOnePerChild(
  key: ChunkKey, level: Level, start: number, end: number, uniform: boolean,
  positions: Int32Array, count: number, out: Int32Array, scratch: AssignScratch,
): void {
  if (count === 1) {
    out[0] = bestChild(key, level, start, end, uniform, SALT_FIRST_CHOICE + positions[0]!);
    return;
  }
  const n = end - start;
  const { priority, taken, done } = scratch;
  for (let i = 0; i < count; i++) fillPriorities(key, level, start, end, uniform, SALT_FIRST_CHOICE + positions[i]!, priority, i * n);
  taken.fill(0, 0, n);
  done.fill(0, 0, count);
  for (let round = 0; round < count; round++) {
    let best = -Infinity;
    let bestPosition = -1;
    let bestChildOffset = -1;
    for (let i = 0; i < count; i++) {
      if (done[i] === 1) continue;
      const row = i * n;
      for (let c = 0; c < n; c++) {
        if (taken[c] === 1) continue;
        const p = priority[row + c]!;
        if (p > best) { best = p; bestPosition = i; bestChildOffset = c; }
      }
    }
    assert(bestPosition >= 0, 'ran out of eligible children');
    out[bestPosition] = start + bestChildOffset;
    done[bestPosition] = 1;
    taken[bestChildOffset] = 1;
  }
}

// The single best child for one position. This loop is most of the cost of a placement (a node
// per zone, a drive per node), so the equal-weight case compares integers and nothing else.
function bestChild(key: ChunkKey, level: Level, start: number, end: number, uniform: boolean, salt: number): number {
  const { hashA, hashB, weight } = level;
  const a = key.a;
  const b = key.b;
  let found = -1;
  if (uniform) {
    let best = 0;
    for (let c = start; c < end; c++) {
      if (weight[c] === 0) continue;
      const h = pairHash(a, b, hashA[c]!, hashB[c]!, salt);
      if (found < 0 || h > best) { best = h; found = c; }
    }
  } else {
    let best = -Infinity;
    for (let c = start; c < end; c++) {
      const w = weight[c]!;
      if (w === 0) continue;
      const p = -exponentialBits(pairHash(a, b, hashA[c]!, hashB[c]!, salt)) / w;
      if (p > best) { best = p; found = c; }
    }
  }
  assert(found >= 0, 'no eligible child');
  return found;
}

function fillPriorities(
  key: ChunkKey, level: Level, start: number, end: number, uniform: boolean, salt: number,
  into: Float64Array, offset: number,
): void {
  const { hashA, hashB, weight } = level;
  for (let c = start; c < end; c++) {
    const w = weight[c]!;
    if (w === 0) {
      into[offset + c - start] = -Infinity;
      continue;
    }
    const h = pairHash(key.a, key.b, hashA[c]!, hashB[c]!, salt);
    into[offset + c - start] = uniform ? h : -exponentialBits(h) / w;
  }
}

function spreadByCounts(
  key: ChunkKey, level: Level, start: number, end: number, uniform: boolean,
  positions: Int32Array, count: number, out: Int32Array, scratch: AssignScratch,
): void {
  const { order, rankPriority, counts, priority, done } = scratch;
  const n = end - start;
  let ranked = 0;
  for (let c = 0; c < n; c++) {
    counts[c] = 0;
    if (level.weight[start + c] === 0) continue;
    const p = priorityOf(key, level, start + c, SALT_COUNT_RANK, uniform);
    // Insertion sort by priority, then by number: there are fewer children than positions.
    let j = ranked++;
    while (j > 0 && rankPriority[j - 1]! < p) {
      rankPriority[j] = rankPriority[j - 1]!;
      order[j] = order[j - 1]!;
      j--;
    }
    rankPriority[j] = p;
    order[j] = c;
  }
  let remaining = count;
  while (remaining > 0) {
    const before = remaining;
    for (let j = 0; j < ranked && remaining > 0; j++) {
      const c = order[j]!;
      if (counts[c]! < level.nominalDrives[start + c]!) { counts[c] = counts[c]! + 1; remaining--; }
    }
    assert(remaining < before, 'children cannot hold the positions');
  }
  for (let i = 0; i < count; i++) {
    const salt = SALT_SPREAD + positions[i]!;
    for (let c = 0; c < n; c++) {
      priority[i * n + c] = counts[c] === 0 ? -Infinity : pairHash(key.a, key.b, level.hashA[start + c]!, level.hashB[start + c]!, salt);
    }
  }
  done.fill(0, 0, count);
  for (let round = 0; round < count; round++) {
    let best = -Infinity;
    let bestPosition = -1;
    let bestChild = -1;
    for (let i = 0; i < count; i++) {
      if (done[i] === 1) continue;
      for (let c = 0; c < n; c++) {
        if (counts[c] === 0) continue;
        const p = priority[i * n + c]!;
        if (p > best) { best = p; bestPosition = i; bestChild = c; }
      }
    }
    assert(bestPosition >= 0, 'ran out of child capacity');
    out[bestPosition] = start + bestChild;
    done[bestPosition] = 1;
    counts[bestChild] = counts[bestChild]! - 1;
  }
}
