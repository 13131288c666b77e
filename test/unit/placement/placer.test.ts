import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  Placer, STORAGE_CLASSES, decodeClusterMap, encodeClusterMap, guarantee, place, setShare, setState, singleNodeMap,
  storageClassByName, uniformMap, ITEM_STATES,
  type ClusterMap, type DriveRef, type ItemState, type StorageClass,
} from '../../../src/placement/index.js';

const chunkId = fc.uint8Array({ minLength: 32, maxLength: 32 });
const key = (ref: DriveRef) => `${ref.zone}/${ref.node}/${ref.drive}`;

test('the storage class table has STANDARD, WIDE and REPLICA and rejects unknown names', () => {
  assert.deepEqual(storageClassByName('STANDARD'), { name: 'STANDARD', k: 4, m: 2 });
  assert.deepEqual(storageClassByName('WIDE'), { name: 'WIDE', k: 8, m: 3 });
  assert.deepEqual(storageClassByName('REPLICA'), { name: 'REPLICA', k: 1, m: 2 });
  assert.throws(() => storageClassByName('GLACIER'), (err: unknown) => (err as { code?: string }).code === 'PLACEMENT_UNKNOWN_STORAGE_CLASS');
  assert.throws(() => storageClassByName('toString'), (err: unknown) => (err as { code?: string }).code === 'PLACEMENT_UNKNOWN_STORAGE_CLASS');
});

test('on a single node, STANDARD uses all six drives and each index names a drive-<index>', () => {
  const map = singleNodeMap(6);
  assert.equal(map.epoch, 1);
  fc.assert(fc.property(chunkId, (id) => {
    const drives = place(id, STORAGE_CLASSES.STANDARD, map);
    assert.deepEqual(drives.map((d) => d.index).sort(), [0, 1, 2, 3, 4, 5]);
    for (const d of drives) {
      assert.equal(d.drive, `drive-${d.index}`);
      assert.equal(d.node, 'node-0');
    }
  }), { numRuns: 200 });
});

test('placement is deterministic: same answer from fresh placers and from a decoded copy of the map', () => {
  const map = uniformMap({ zones: 4, nodesPerZone: 3, drivesPerNode: 5 });
  const copy = decodeClusterMap(encodeClusterMap(map));
  const a = new Placer(map);
  const b = new Placer(copy);
  fc.assert(fc.property(chunkId, fc.constantFrom(STORAGE_CLASSES.STANDARD, STORAGE_CLASSES.REPLICA, STORAGE_CLASSES.WIDE), (id, cls) => {
    assert.deepEqual(a.place(id, cls), b.place(id, cls));
    assert.deepEqual(a.place(id, cls), place(id, cls, map));
  }), { numRuns: 300 });
});

test('a known chunk keeps its placement across releases (pins the hash constants)', () => {
  const id = Uint8Array.from({ length: 32 }, (_, i) => i);
  const drives = place(id, STORAGE_CLASSES.STANDARD, uniformMap({ zones: 3, nodesPerZone: 4, drivesPerNode: 6 }));
  assert.deepEqual(drives.map(key), PINNED);
});

test('too few usable drives for a class is a typed error, not a downgrade', () => {
  const map = setState(singleNodeMap(6), { zone: 'zone-0', node: 'node-0', drive: 'drive-2' }, 'down');
  const id = new Uint8Array(32);
  assert.throws(() => place(id, STORAGE_CLASSES.STANDARD, map), (err: unknown) => {
    return (err as { code?: string }).code === 'PLACEMENT_INSUFFICIENT_DRIVES';
  });
  assert.equal(place(id, STORAGE_CLASSES.REPLICA, map).length, 3);
  assert.throws(() => guarantee(STORAGE_CLASSES.STANDARD, map), (err: unknown) => (err as { code?: string }).code === 'PLACEMENT_INSUFFICIENT_DRIVES');
});

// Random small maps with random states; placement must use distinct usable drives and keep
// within the per-zone and per-node bounds that guarantee() reports.
const state = fc.constantFrom<ItemState>(...ITEM_STATES, 'up', 'up', 'up');
const randomMap: fc.Arbitrary<ClusterMap> = fc.array(
  fc.array(fc.record({ drives: fc.array(fc.record({ state, weight: fc.integer({ min: 0, max: 4 }) }), { minLength: 1, maxLength: 5 }), state }),
    { minLength: 1, maxLength: 4 }),
  { minLength: 1, maxLength: 7 },
).map((zones) => ({
  epoch: 1,
  zones: zones.map((nodes, z) => ({
    id: `z${z}`, state: 'up' as ItemState, shareBasisPoints: 10_000,
    nodes: nodes.map((node, n) => ({
      id: `n${n}`, state: node.state, shareBasisPoints: 10_000,
      drives: node.drives.map((drive, d) => ({ id: `d${d}`, weight: drive.weight, state: drive.state, shareBasisPoints: 10_000 })),
    })),
  })),
}));

test('fragments land on distinct usable drives, spread as the guarantee says', () => {
  fc.assert(fc.property(randomMap, chunkId, fc.constantFrom(STORAGE_CLASSES.STANDARD, STORAGE_CLASSES.REPLICA), (map, id, cls) => {
    const placer = new Placer(map);
    if (placer.compiled.usableDriveCount < cls.k + cls.m) {
      assert.throws(() => placer.place(id, cls));
      return;
    }
    const promise = guarantee(cls, placer.compiled);
    const drives = placer.place(id, cls);
    assert.equal(drives.length, cls.k + cls.m);
    assert.equal(new Set(drives.map(key)).size, drives.length);
    for (const ref of drives) assert.ok(isUsable(map, ref), `${key(ref)} is not usable`);
    assert.ok(maxCount(drives.map((d) => d.zone)) <= promise.fragmentsPerZoneMax, 'zone overfull');
    assert.ok(maxCount(drives.map((d) => `${d.zone}/${d.node}`)) <= promise.fragmentsPerNodeMax, 'node overfull');
  }), { numRuns: 400 });
});

test('with at least k+m zones no zone holds two fragments of a chunk', () => {
  const placer = new Placer(uniformMap({ zones: 7, nodesPerZone: 2, drivesPerNode: 2 }));
  fc.assert(fc.property(chunkId, (id) => {
    const zones = placer.place(id, STORAGE_CLASSES.STANDARD).map((d) => d.zone);
    assert.equal(new Set(zones).size, 6);
  }), { numRuns: 300 });
});

test('guarantees are computed per class and map', () => {
  const small = uniformMap({ zones: 3, nodesPerZone: 4, drivesPerNode: 6 });
  const standard = guarantee(STORAGE_CLASSES.STANDARD, small);
  assert.deepEqual([standard.zoneLossesSurvived, standard.nodeLossesSurvived, standard.driveLossesSurvived], [1, 2, 2]);
  assert.equal(standard.description, 'survives the loss of any 1 zone, any 2 nodes, any 2 drives');
  const wide = guarantee(STORAGE_CLASSES.WIDE, small);
  assert.deepEqual([wide.fragmentsPerZoneMax, wide.zoneLossesSurvived, wide.nodeLossesSurvived], [4, 0, 3]);
  const single = guarantee(STORAGE_CLASSES.STANDARD, singleNodeMap(6));
  assert.deepEqual([single.zoneLossesSurvived, single.nodeLossesSurvived, single.driveLossesSurvived], [0, 0, 2]);
  const big = guarantee(STORAGE_CLASSES.STANDARD, uniformMap({ zones: 10, nodesPerZone: 2, drivesPerNode: 2 }));
  assert.equal(big.zoneLossesSurvived, 2);
});

test('a share below 100% releases about that fraction of an item\'s fragments, and only those move', () => {
  const before = uniformMap({ zones: 3, nodesPerZone: 4, drivesPerNode: 6 });
  const after = setShare(before, { zone: 'zone-1', node: 'node-5' }, 2500);
  const a = new Placer(before);
  const b = new Placer(after);
  const cls: StorageClass = STORAGE_CLASSES.STANDARD;
  let held = 0;
  let kept = 0;
  const id = new Uint8Array(32);
  for (let i = 0; i < 10_000; i++) {
    new DataView(id.buffer).setUint32(0, i);
    id[31] = i * 31;
    const x = a.place(id, cls);
    const y = b.place(id, cls);
    for (let f = 0; f < 6; f++) {
      if (x[f]!.node === 'node-5') {
        held++;
        if (y[f]!.node === 'node-5') kept++;
      }
      if (key(x[f]!) !== key(y[f]!)) assert.equal(x[f]!.node, 'node-5', 'a fragment moved that was not on the drained node');
    }
  }
  assert.ok(Math.abs(kept / held - 0.25) < 0.03, `kept ${kept} of ${held}`);
});

function isUsable(map: ClusterMap, ref: DriveRef): boolean {
  const zone = map.zones.find((z) => z.id === ref.zone)!;
  const node = zone.nodes.find((n) => n.id === ref.node)!;
  const drive = node.drives[ref.index]!;
  const open = (s: ItemState) => s === 'up' || s === 'draining';
  return drive.id === ref.drive && drive.weight > 0 && open(zone.state) && open(node.state) && open(drive.state);
}

function maxCount(values: string[]): number {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return Math.max(...counts.values());
}

// Placement of bytes 0..31 on the 3x4x6 map; if this changes, every stored chunk would move.
const PINNED = [
  'zone-2/node-10/drive-5', 'zone-1/node-5/drive-2', 'zone-0/node-0/drive-5',
  'zone-0/node-1/drive-4', 'zone-1/node-4/drive-4', 'zone-2/node-11/drive-5',
];
