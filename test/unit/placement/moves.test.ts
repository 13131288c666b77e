import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Placer, STORAGE_CLASSES, addNode, listMoves, makeNode, sameDrive, setShare, setState, uniformMap,
  type ClusterMap, type DriveRef,
} from '../../../src/placement/index.js';
import { fillChunkId, simulate } from '../../../src/placement/simulation.js';

const cls = STORAGE_CLASSES.STANDARD;
const ids = (count: number, seed = 7): Uint8Array[] => Array.from({ length: count }, (_, i) => {
  const id = new Uint8Array(32);
  fillChunkId(seed, i, id);
  return id;
});

// Shapes with fewer zones than fragments (counts forced per zone) and with more.
const shapes = fc.constantFrom(
  { zones: 3, nodesPerZone: 4, drivesPerNode: 6 },
  { zones: 1, nodesPerZone: 3, drivesPerNode: 4 },
  { zones: 8, nodesPerZone: 3, drivesPerNode: 3 },
);

test('marking a drive, node or zone down or out moves exactly the fragments that were on it', () => {
  fc.assert(fc.property(shapes, fc.nat(), fc.constantFrom('drive', 'node', 'zone'), fc.constantFrom('down', 'out') as fc.Arbitrary<'down' | 'out'>,
    (shape, pick, level, state) => {
      const before = uniformMap(shape);
      if (level === 'zone' && shape.zones === 1) return;
      const zone = before.zones[pick % before.zones.length]!;
      const node = zone.nodes[pick % zone.nodes.length]!;
      const drive = node.drives[pick % node.drives.length]!;
      const path = level === 'zone' ? { zone: zone.id } : level === 'node' ? { zone: zone.id, node: node.id } : { zone: zone.id, node: node.id, drive: drive.id };
      const after = setState(before, path, state);
      const on = (ref: DriveRef) => ref.zone === zone.id && (level === 'zone' || ref.node === node.id) && (level !== 'drive' || ref.drive === drive.id);
      const a = new Placer(before);
      const b = new Placer(after);
      for (const id of ids(300, pick)) {
        const x = a.place(id, cls);
        const y = b.place(id, cls);
        x.forEach((ref, i) => {
          if (on(ref)) assert.ok(!on(y[i]!), 'a fragment stayed on a down item');
          else assert.ok(sameDrive(ref, y[i]!), `fragment ${i} moved from ${ref.zone}/${ref.node}/${ref.drive} though it was not on the failed item`);
        });
      }
    }), { numRuns: 40 });
});

test('bumping the epoch alone, or changing an unused drive, moves nothing', () => {
  const before = uniformMap({ zones: 3, nodesPerZone: 4, drivesPerNode: 6 });
  const a = new Placer(before);
  const sameButNewer = new Placer({ ...before, epoch: 99 });
  for (const id of ids(500)) assert.deepEqual(a.place(id, cls), sameButNewer.place(id, cls));
});

test('adding a node: a fragment that stays in its zone keeps its drive unless that zone gained the node', () => {
  fc.assert(fc.property(shapes, fc.nat(), (shape, pick) => {
    const before = uniformMap(shape);
    const zone = before.zones[pick % before.zones.length]!;
    const after = addNode(before, zone.id, makeNode('node-new', shape.drivesPerNode));
    const a = new Placer(before);
    const b = new Placer(after);
    for (const id of ids(300, pick)) {
      const x = a.place(id, cls);
      const y = b.place(id, cls);
      x.forEach((ref, i) => {
        const now = y[i]!;
        if (now.zone === ref.zone && ref.zone !== zone.id) assert.ok(sameDrive(ref, now), 'an unrelated zone reshuffled');
      });
    }
  }), { numRuns: 20 });
});

test('listMoves lists exactly the fragments whose drive changed', () => {
  const before = uniformMap({ zones: 3, nodesPerZone: 4, drivesPerNode: 6 });
  const after = setState(before, { zone: 'zone-0', node: 'node-1' }, 'out');
  const a = new Placer(before);
  const b = new Placer(after);
  const chunks = ids(2000);
  const moves = [...listMoves(chunks, cls, a, b)];
  let expected = 0;
  for (const id of chunks) {
    const x = a.place(id, cls);
    const y = b.place(id, cls);
    expected += x.filter((ref, i) => !sameDrive(ref, y[i]!)).length;
  }
  assert.equal(moves.length, expected);
  assert.ok(moves.length > 0);
  for (const move of moves) {
    assert.equal(move.from.node, 'node-1');
    assert.notEqual(move.to.node, 'node-1');
  }
});

// Small-scale versions of the simulator's targets (the full ones run in scripts/placement-sim.ts).
function check(before: ClusterMap, after: ClusterMap, chunks: number, movementMax: number, balanceMax: number, movementMin = 0.85): void {
  const result = simulate(before, after, cls, chunks, 3);
  const movement = result.moved / result.optimal;
  assert.ok(movement <= movementMax, `movement ${movement.toFixed(3)}x optimal`);
  assert.ok(movement >= movementMin, `movement ${movement.toFixed(3)}x optimal is below what the change requires`);
  assert.equal(result.violations, 0);
  assert.ok(result.after.maxPercent <= balanceMax, `balance +${result.after.maxPercent.toFixed(2)}%`);
  // Fill spreads no worse than chance allows (independent hashing cannot do better).
  assert.ok(result.before.stdPercent < 1.3 * result.before.poissonStdPercent, 'fill is lumpier than chance');
}

test('simulated at small scale: drive down and node out move about the minimum, balance holds', () => {
  const before = uniformMap({ zones: 8, nodesPerZone: 3, drivesPerNode: 4 });
  check(before, setState(before, { zone: 'zone-0', node: 'node-0', drive: 'drive-0' }, 'down'), 30_000, 1.1, 8);
  check(before, setState(before, { zone: 'zone-2', node: 'node-7' }, 'out'), 30_000, 1.1, 8);
});

test('simulated at small scale: adding a node in a 3-zone map moves about the new node\'s share', () => {
  const before = uniformMap({ zones: 3, nodesPerZone: 4, drivesPerNode: 6 });
  check(before, addNode(before, 'zone-0', makeNode('node-new', 6)), 30_000, 1.1, 15);
});

test('simulated at small scale: with equal zone weighting, adding a node moves only its share', () => {
  const before = uniformMap({ zones: 8, nodesPerZone: 4, drivesPerNode: 3, zoneWeighting: 'equal' });
  // The zone keeps its equal chance, so the new node gets the zone's average, a little less
  // than its weight's share of the whole cluster: movement may come in under the "minimum".
  check(before, addNode(before, 'zone-3', makeNode('node-new', 3)), 30_000, 1.05, 15, 0.75);
});

test('a drain that reaches share 0 places like out, and each drain step only moves fragments off the node', () => {
  const base = uniformMap({ zones: 4, nodesPerZone: 3, drivesPerNode: 3 });
  const path = { zone: 'zone-1', node: 'node-4' };
  const draining = setState(base, path, 'draining');
  const steps = [10_000, 6_000, 3_000, 0].map((share) => new Placer(setShare(draining, path, share)));
  const out = new Placer(setState(base, path, 'out'));
  for (const id of ids(1500)) {
    const placements = steps.map((placer) => placer.place(id, cls));
    assert.deepEqual(placements[3], out.place(id, cls));
    for (let s = 1; s < steps.length; s++) {
      placements[s]!.forEach((ref, i) => {
        const was = placements[s - 1]![i]!;
        if (!sameDrive(ref, was)) {
          assert.equal(was.node, 'node-4', 'a drain step moved a fragment that was not on the draining node');
          assert.notEqual(ref.node, 'node-4');
        }
      });
    }
  }
});
