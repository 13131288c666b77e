import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  CLUSTER_MAP_FORMAT_VERSION, ITEM_STATES, decodeClusterMap, encodeClusterMap, singleNodeMap, uniformMap, validateClusterMap,
  ZONE_WEIGHTINGS, type ClusterMap, type ItemState, type ZoneWeighting,
} from '../../../src/placement/index.js';

const state = fc.constantFrom<ItemState>(...ITEM_STATES);
const share = fc.integer({ min: 0, max: 10_000 });
const arbitraryMap: fc.Arbitrary<ClusterMap> = fc.record({
  epoch: fc.oneof(fc.integer({ min: 0, max: 1000 }), fc.constant(Number.MAX_SAFE_INTEGER)),
  zoneWeighting: fc.constantFrom<ZoneWeighting>(...ZONE_WEIGHTINGS),
  zones: fc.uniqueArray(fc.record({
    id: fc.string({ minLength: 1, maxLength: 12 }),
    state, shareBasisPoints: share,
    nodes: fc.uniqueArray(fc.record({
      id: fc.string({ minLength: 1, maxLength: 12 }),
      state, shareBasisPoints: share,
      drives: fc.uniqueArray(fc.record({
        id: fc.string({ minLength: 1, maxLength: 12 }),
        weight: fc.integer({ min: 0, max: 0xffff_ffff }),
        state, shareBasisPoints: share,
      }), { maxLength: 4, selector: (d) => d.id }),
    }), { maxLength: 4, selector: (n) => n.id }),
  }), { maxLength: 4, selector: (z) => z.id }),
});

test('a cluster map survives encode and decode unchanged', () => {
  fc.assert(fc.property(arbitraryMap, (map) => {
    assert.deepEqual(normalise(decodeClusterMap(encodeClusterMap(map))), normalise(map));
  }), { numRuns: 300 });
});

test('the encoding starts with its version byte and rejects other versions, truncation and trailing bytes', () => {
  const bytes = encodeClusterMap(singleNodeMap(6));
  assert.equal(bytes[0], CLUSTER_MAP_FORMAT_VERSION);
  const isDecodeError = (err: unknown) => (err as { code?: string }).code === 'PLACEMENT_MAP_DECODE';
  assert.throws(() => decodeClusterMap(Uint8Array.from([99, ...bytes.subarray(1)])), isDecodeError);
  assert.throws(() => decodeClusterMap(bytes.subarray(0, bytes.length - 1)), isDecodeError);
  assert.throws(() => decodeClusterMap(Uint8Array.from([...bytes, 0])), isDecodeError);
});

test('validation rejects duplicate ids, fractional weights and unknown states', () => {
  const map = uniformMap({ zones: 2, nodesPerZone: 2, drivesPerNode: 2 });
  const isInvalid = (err: unknown) => (err as { code?: string }).code === 'PLACEMENT_INVALID_MAP';
  assert.throws(() => validateClusterMap({ ...map, zones: [map.zones[0]!, map.zones[0]!] }), isInvalid);
  const zone = map.zones[0]!;
  const node = zone.nodes[0]!;
  const badDrive = { ...node.drives[0]!, weight: 1.5 };
  assert.throws(() => validateClusterMap({ epoch: 1, zones: [{ ...zone, nodes: [{ ...node, drives: [badDrive] }] }] }), isInvalid);
  assert.throws(() => validateClusterMap({ epoch: 1, zones: [{ ...zone, state: 'gone' as ItemState }] }), isInvalid);
});

// Property order differs between built and decoded objects; compare field by field.
function normalise(map: ClusterMap): unknown {
  return {
    epoch: map.epoch,
    zoneWeighting: map.zoneWeighting ?? 'capacity',
    zones: map.zones.map((z) => ({
      id: z.id, state: z.state, share: z.shareBasisPoints,
      nodes: z.nodes.map((n) => ({
        id: n.id, state: n.state, share: n.shareBasisPoints,
        drives: n.drives.map((d) => ({ id: d.id, state: d.state, share: d.shareBasisPoints, weight: d.weight })),
      })),
    })),
  };
}
