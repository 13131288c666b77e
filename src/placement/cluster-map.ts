// The cluster map: zones → nodes → drives, each with a state, and drives with a weight.
// It lives in Raft-replicated metadata (encoding in cluster-map-codec.ts) and changes only
// by producing a new map with a higher epoch; placement is a pure function of (chunk, class, map).
//
// States, and what placement does with them:
// - up: eligible.
// - draining: still eligible for the fraction `shareBasisPoints / 10000` of the fragments it
//   would nominally hold; a controller lowers the share step by step, so the drain is gradual
//   and each step moves only the fragments it releases.
// - down: temporarily unavailable; its fragments are re-placed elsewhere (repair acts on them).
// - out: permanently unavailable; same placement effect as down.
// Down and out items keep their weight in the hierarchy on purpose: the fragments they held go
// elsewhere one by one, and nothing else moves. Deleting an item from the map instead changes
// the weights above it and rebalances more than its own data (see docs/placement.md).

import { limits } from '../limits.js';
import { InvalidClusterMap } from './errors.js';

export type ItemState = 'up' | 'down' | 'draining' | 'out';
export const ITEM_STATES: readonly ItemState[] = ['up', 'down', 'draining', 'out'];

// Basis points of the nominal share an item keeps; 10000 keeps everything. Below 10000 it acts
// like Ceph's "osd reweight" override: the rest is re-placed elsewhere, nothing else moves.
export const SHARE_FULL_BASIS_POINTS = 10_000;

export interface DriveSpec {
  readonly id: string;
  readonly weight: number;
  readonly state: ItemState;
  readonly shareBasisPoints: number;
}

export interface NodeSpec {
  readonly id: string;
  readonly state: ItemState;
  readonly shareBasisPoints: number;
  readonly drives: readonly DriveSpec[];
}

export interface ZoneSpec {
  readonly id: string;
  readonly state: ItemState;
  readonly shareBasisPoints: number;
  readonly nodes: readonly NodeSpec[];
}

// How zones compete for fragments when there are at least k+m of them (one fragment each).
// - capacity (the default): in proportion to their weight, so unequal zones fill evenly; but
//   adding a node to a zone then also pulls fragments into the zone's other nodes, moving about
//   twice the new node's share (docs/placement.md).
// - equal: as equals, so adding a node moves only the new node's share, at the price of
//   filling a bigger zone less per unit of weight. For clusters whose zones are kept alike.
// With fewer zones than k+m the fragment counts per zone are fixed by the spreading rule and
// weights only decide which zones take the extra ones.
export type ZoneWeighting = 'capacity' | 'equal';
export const ZONE_WEIGHTINGS: readonly ZoneWeighting[] = ['capacity', 'equal'];

export interface ClusterMap {
  readonly epoch: number;
  readonly zoneWeighting?: ZoneWeighting;
  readonly zones: readonly ZoneSpec[];
}

// One zone, one node `node-0`, drives `drive-0`…`drive-(n-1)`: the embedded single server.
export function singleNodeMap(driveCount: number): ClusterMap {
  return uniformMap({ zones: 1, nodesPerZone: 1, drivesPerNode: driveCount, epoch: 1 });
}

export interface UniformMapShape {
  readonly zones: number;
  readonly nodesPerZone: number;
  readonly drivesPerNode: number;
  readonly driveWeight?: number;
  readonly epoch?: number;
  readonly zoneWeighting?: ZoneWeighting;
}

// A symmetric map with ids zone-<z>, node-<n> (numbered across the cluster, except that a
// single-zone map numbers from 0 as well), drive-<d>; all up, equal weights.
export function uniformMap(shape: UniformMapShape): ClusterMap {
  const zones: ZoneSpec[] = [];
  let nodeNumber = 0;
  for (let z = 0; z < shape.zones; z++) {
    const nodes: NodeSpec[] = [];
    for (let n = 0; n < shape.nodesPerZone; n++) {
      nodes.push(makeNode(`node-${nodeNumber++}`, shape.drivesPerNode, shape.driveWeight ?? 1));
    }
    zones.push({ id: `zone-${z}`, state: 'up', shareBasisPoints: SHARE_FULL_BASIS_POINTS, nodes });
  }
  const map: ClusterMap = { epoch: shape.epoch ?? 1, ...(shape.zoneWeighting === undefined ? {} : { zoneWeighting: shape.zoneWeighting }), zones };
  validateClusterMap(map);
  return map;
}

export function makeNode(id: string, driveCount: number, driveWeight = 1): NodeSpec {
  const drives: DriveSpec[] = [];
  for (let d = 0; d < driveCount; d++) {
    drives.push({ id: `drive-${d}`, weight: driveWeight, state: 'up', shareBasisPoints: SHARE_FULL_BASIS_POINTS });
  }
  return { id, state: 'up', shareBasisPoints: SHARE_FULL_BASIS_POINTS, drives };
}

// Checks the structural rules every map must keep; maps from clients or disk are validated
// before use. Throws InvalidClusterMap naming the first broken rule.
export function validateClusterMap(map: ClusterMap): void {
  if (!Number.isSafeInteger(map.epoch) || map.epoch < 0) fail(`epoch ${map.epoch} is not a non-negative integer`);
  if (map.zoneWeighting !== undefined && !ZONE_WEIGHTINGS.includes(map.zoneWeighting)) fail(`unknown zone weighting ${JSON.stringify(map.zoneWeighting)}`);
  if (map.zones.length > limits.placementZonesMax) fail(`${map.zones.length} zones exceed ${limits.placementZonesMax}`);
  let driveCount = 0;
  const zoneIds = new Set<string>();
  for (const zone of map.zones) {
    checkItem(zone.id, zone.state, zone.shareBasisPoints, zoneIds, 'zone');
    if (zone.nodes.length > limits.placementNodesPerZoneMax) fail(`zone ${zone.id} has too many nodes`);
    const nodeIds = new Set<string>();
    for (const node of zone.nodes) {
      checkItem(node.id, node.state, node.shareBasisPoints, nodeIds, `node in ${zone.id}`);
      if (node.drives.length > limits.placementDrivesPerNodeMax) fail(`node ${node.id} has too many drives`);
      const driveIds = new Set<string>();
      for (const drive of node.drives) {
        checkItem(drive.id, drive.state, drive.shareBasisPoints, driveIds, `drive in ${node.id}`);
        if (!Number.isInteger(drive.weight) || drive.weight < 0 || drive.weight > limits.placementWeightMax) {
          fail(`drive ${zone.id}/${node.id}/${drive.id} has weight ${drive.weight}; weights are integers in [0, ${limits.placementWeightMax}]`);
        }
        driveCount++;
      }
    }
  }
  if (driveCount > limits.placementDrivesMax) fail(`${driveCount} drives exceed ${limits.placementDrivesMax}`);
}

function checkItem(id: string, state: ItemState, share: number, seen: Set<string>, what: string): void {
  if (typeof id !== 'string' || id.length === 0) fail(`${what} has an empty id`);
  if (Buffer.byteLength(id, 'utf8') > limits.placementIdBytesMax) fail(`${what} id ${JSON.stringify(id)} is too long`);
  if (seen.has(id)) fail(`duplicate ${what} id ${JSON.stringify(id)}`);
  seen.add(id);
  if (!ITEM_STATES.includes(state)) fail(`${what} ${id} has unknown state ${JSON.stringify(state)}`);
  if (!Number.isInteger(share) || share < 0 || share > SHARE_FULL_BASIS_POINTS) {
    fail(`${what} ${id} has share ${share}; shares are integers in [0, ${SHARE_FULL_BASIS_POINTS}]`);
  }
}

function fail(message: string): never {
  throw new InvalidClusterMap(message);
}
