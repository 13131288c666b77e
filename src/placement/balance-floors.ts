// What fill balance a placement can reach at all, so the simulator can print the bound next to
// the figure it measures instead of leaving "balance 25%" to be argued in words.
//
// Two bounds:
// - Chance: a placement that hashes each chunk independently gives each drive a count that is
//   (close to) Poisson around its share. With ~250 fragments per drive the standard deviation is
//   ~6.3% and the fullest of 24,000 drives sits ~4 standard deviations up, whatever the hash.
// - Domain rule: a zone holds at most fragmentsPerZoneMax of a chunk's k+m fragments, and with
//   fewer zones than k+m every zone holds at least floor((k+m)/zones). A zone's share of the data
//   is therefore clamped into [floor/(k+m), max/(k+m)] whatever its capacity; 3 zones for RS(4,2)
//   take exactly a third each, so a zone that gains a node spreads its third over more drives.
//   The achievable share of a drive is its capacity share after that clamp (water-filled so the
//   shares still sum to 1), and balance is also measured against it.

import type { CompiledMap } from './compiled-map.js';
import type { Guarantee } from './guarantee.js';

// Standard normal CDF (Abramowitz–Stegun 7.1.26 erf, error < 1.5e-7: ample for a bound printed
// with two decimals).
function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}

// The median, over chance alone, of the fullest drive's excess over its expected count, in % of
// that count: the x at which P(every drive is at most x above its mean) = 1/2, with each drive's
// count normal around `expected[d]` (Poisson variance). Bisection: the product is monotone in x.
export function chanceMaxPercent(expected: Float64Array): number {
  const probabilityAllBelow = (x: number): number => {
    let logP = 0;
    for (const mean of expected) if (mean > 0) logP += Math.log(Math.max(normalCdf(x * Math.sqrt(mean)), 1e-300));
    return Math.exp(logP);
  };
  return 100 * crossing(probabilityAllBelow, 0.5, 1e6, 60);
}

// The x ≥ 0 at which an increasing f reaches `target`, by doubling an upper bound (up to xMax)
// and then bisecting `iterations` times; the upper end of the last interval is returned.
function crossing(f: (x: number) => number, target: number, xMax: number, iterations: number): number {
  let lo = 0;
  let hi = 1;
  while (f(hi) < target && hi < xMax) hi *= 2;
  for (let i = 0; i < iterations; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) < target) lo = mid; else hi = mid;
  }
  return hi;
}

// Shares proportional to `weights`, each clamped into [lo, hi], summing to 1: the λ with
// Σ clamp(λ·w, lo, hi) = 1, by bisection. Items of weight 0 get 0.
function clampedShares(weights: Float64Array, lo: number, hi: number): Float64Array {
  const sumAt = (lambda: number): number => {
    let sum = 0;
    for (const w of weights) if (w > 0) sum += Math.min(hi, Math.max(lo, lambda * w));
    return sum;
  };
  const lambda = crossing(sumAt, 1, 1e300, 200);
  return weights.map((w) => (w > 0 ? Math.min(hi, Math.max(lo, lambda * w)) : 0));
}

// Each drive's achievable share of all fragments: its zone's capacity share clamped by the
// per-zone rule, then split over the zone's drives by weight. (The per-node rule is looser than
// the per-zone one on the maps simulated: a node is at most 1/nodes of its zone.)
export function achievableShares(map: CompiledMap, promise: Guarantee, count: number): Float64Array {
  const { zones, nodes, drives } = map;
  const zoneWeight = new Float64Array(zones.count);
  for (let d = 0; d < drives.count; d++) zoneWeight[nodes.parent[drives.parent[d]!]!]! += drives.usableWeight[d]!;
  let eligible = 0;
  for (const w of zoneWeight) if (w > 0) eligible++;
  const lo = count >= eligible ? Math.floor(count / eligible) / count : 0;
  const hi = Math.min(1, promise.fragmentsPerZoneMax / count);
  const zoneShare = clampedShares(zoneWeight, lo, hi);
  const share = new Float64Array(drives.count);
  for (let d = 0; d < drives.count; d++) {
    const z = nodes.parent[drives.parent[d]!]!;
    if (zoneWeight[z]! > 0) share[d] = zoneShare[z]! * drives.usableWeight[d]! / zoneWeight[z]!;
  }
  return share;
}

export interface ShareBalance {
  readonly maxPercent: number;
  readonly stdPercent: number;
  // The same two figures that chance alone gives at these expected counts.
  readonly chanceMaxPercent: number;
  readonly chanceStdPercent: number;
}

// Balance of `fill` against expected counts fragments × share[d]: the fullest drive's excess and
// the standard deviation over drives with a share, in % of each drive's expected count.
export function balanceAgainst(fill: Float64Array, share: Float64Array, fragments: number): ShareBalance {
  const expected = share.map((s) => s * fragments);
  let max = -Infinity;
  let squares = 0;
  let chanceSquares = 0;
  let drives = 0;
  for (let d = 0; d < fill.length; d++) {
    const e = expected[d]!;
    if (e <= 0) continue;
    const ratio = fill[d]! / e - 1;
    max = Math.max(max, ratio);
    squares += ratio * ratio;
    chanceSquares += 1 / e;
    drives++;
  }
  return {
    maxPercent: 100 * max, stdPercent: 100 * Math.sqrt(squares / drives),
    chanceMaxPercent: chanceMaxPercent(expected), chanceStdPercent: 100 * Math.sqrt(chanceSquares / drives),
  };
}

// The chance floor for the capacity-share figure the line reports: every usable drive
// expected at fragments × weight / total weight.
export function capacityExpected(map: CompiledMap, fragments: number): Float64Array {
  const weights = map.drives.usableWeight;
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => fragments * w / total);
}
