import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { STORAGE_CLASSES, addNode, guarantee, makeNode, uniformMap } from '../../../src/placement/index.js';
import { compileClusterMap } from '../../../src/placement/compiled-map.js';
import { achievableShares, balanceAgainst, chanceMaxPercent } from '../../../src/placement/balance-floors.js';
import { simulate } from '../../../src/placement/simulation.js';

const cls = STORAGE_CLASSES.STANDARD;

test('achievable shares: 3 zones for RS(4,2) take a third each, however many nodes a zone has', () => {
  const before = uniformMap({ zones: 3, nodesPerZone: 4, drivesPerNode: 6 });
  const after = compileClusterMap(addNode(before, 'zone-0', makeNode('node-new', 6)));
  const shares = achievableShares(after, guarantee(cls, after), 6);
  const perZone = [0, 0, 0];
  for (let d = 0; d < shares.length; d++) perZone[after.nodes.parent[after.drives.parent[d]!]!]! += shares[d]!;
  for (const share of perZone) assert.ok(Math.abs(share - 1 / 3) < 1e-9, `zone share ${share}`);
  // Zone 0 now has 30 drives, the others 24: its drives' shares are 24/30 of the others'.
  assert.ok(Math.abs(shares[0]! / shares[shares.length - 1]! - 24 / 30) < 1e-9);
});

test('achievable shares follow capacity when there are more zones than fragments', () => {
  const map = compileClusterMap(uniformMap({ zones: 8, nodesPerZone: 3, drivesPerNode: 4 }));
  const shares = achievableShares(map, guarantee(cls, map), 6);
  for (const share of shares) assert.ok(Math.abs(share - 1 / 96) < 1e-9);
});

test('chance floor for the fullest drive: 24,000 drives at 250 fragments each sit ~4 std up (~25%)', () => {
  const floor = chanceMaxPercent(new Float64Array(24_000).fill(250));
  // std is 1/sqrt(250) = 6.32%; the median maximum of 24,000 normals is ~4.0 std.
  assert.ok(floor > 23 && floor < 28, `floor ${floor}`);
  // More fragments per drive, lower floor.
  assert.ok(chanceMaxPercent(new Float64Array(72).fill(83_333)) < 1.5);
});

test('balance against shares is 0 when every drive holds exactly its expected count', () => {
  const share = new Float64Array([0.5, 0.25, 0.25, 0]);
  const result = balanceAgainst(new Float64Array([500, 250, 250, 0]), share, 1000);
  assert.equal(result.maxPercent, 0);
  assert.equal(result.stdPercent, 0);
  const skewed = balanceAgainst(new Float64Array([450, 300, 250, 0]), share, 1000);
  assert.ok(Math.abs(skewed.maxPercent - 20) < 1e-9);
});

test('simulated add-node on 3 zones: off by ~9% against capacity, near chance against the achievable share', () => {
  const before = uniformMap({ zones: 3, nodesPerZone: 4, drivesPerNode: 6 });
  const result = simulate(before, addNode(before, 'zone-0', makeNode('node-new', 6)), cls, 30_000, 3);
  assert.ok(result.after.maxPercent > 7, `capacity balance ${result.after.maxPercent}`);
  assert.ok(result.afterAchievable.maxPercent < 1.5 * result.afterAchievable.chanceMaxPercent + 1,
    `achievable balance ${result.afterAchievable.maxPercent} vs chance ${result.afterAchievable.chanceMaxPercent}`);
  // The domain rule moves no share between zones here, so the achievable minimum is what the
  // new node must take from its own zone: a third of its 30 drives' worth.
  assert.ok(Math.abs(result.optimalAchievable - result.fragments / 3 * 6 / 30) < 1);
});
