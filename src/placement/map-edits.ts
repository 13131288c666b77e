// Pure edits of a cluster map: each returns a new map with the epoch advanced by one and leaves
// the input untouched. The admin API and the simulator build map changes from these; the
// result is validated, so an edit that breaks a structural rule throws InvalidClusterMap.

import { InvalidClusterMap } from './errors.js';
import {
  validateClusterMap,
  type ClusterMap, type DriveSpec, type ItemState, type NodeSpec, type ZoneSpec, type ZoneWeighting,
} from './cluster-map.js';

// An item's address: a zone id, optionally a node id in it, optionally a drive id in that.
export interface ItemPath {
  readonly zone: string;
  readonly node?: string;
  readonly drive?: string;
}

export function setZoneWeighting(map: ClusterMap, zoneWeighting: ZoneWeighting): ClusterMap {
  return { ...finish(map, map.zones), zoneWeighting };
}

export function addZone(map: ClusterMap, zone: ZoneSpec): ClusterMap {
  return finish(map, [...map.zones, zone]);
}

export function addNode(map: ClusterMap, zoneId: string, node: NodeSpec): ClusterMap {
  return finish(map, map.zones.map((zone) => zone.id === zoneId ? { ...zone, nodes: [...zone.nodes, node] } : zone), zoneId);
}

// Deleting a node changes the weights above it; prefer setState(..., 'out') for a node that
// left, which moves only its own fragments (docs/placement.md).
export function removeNode(map: ClusterMap, zoneId: string, nodeId: string): ClusterMap {
  let found = false;
  const zones = map.zones.map((zone) => {
    if (zone.id !== zoneId) return zone;
    const nodes = zone.nodes.filter((node) => node.id !== nodeId);
    found = nodes.length !== zone.nodes.length;
    return { ...zone, nodes };
  });
  if (!found) throw new InvalidClusterMap(`no node ${zoneId}/${nodeId}`);
  return finish(map, zones);
}

export function setState(map: ClusterMap, path: ItemPath, state: ItemState): ClusterMap {
  return editItem(map, path, (item) => ({ ...item, state }));
}

// Sets the share an item keeps (basis points): a gradual drain lowers it in steps.
export function setShare(map: ClusterMap, path: ItemPath, shareBasisPoints: number): ClusterMap {
  return editItem(map, path, (item) => ({ ...item, shareBasisPoints }));
}

export function setDriveWeight(map: ClusterMap, path: ItemPath, weight: number): ClusterMap {
  if (path.node === undefined || path.drive === undefined) throw new InvalidClusterMap('a weight belongs to a drive');
  return editItem(map, path, (item) => ({ ...(item as DriveSpec), weight }));
}

type Item = ZoneSpec | NodeSpec | DriveSpec;

function editItem(map: ClusterMap, path: ItemPath, edit: (item: Item) => Item): ClusterMap {
  let found = false;
  const zones = map.zones.map((zone) => {
    if (zone.id !== path.zone) return zone;
    if (path.node === undefined) { found = true; return edit(zone) as ZoneSpec; }
    const nodes = zone.nodes.map((node) => {
      if (node.id !== path.node) return node;
      if (path.drive === undefined) { found = true; return edit(node) as NodeSpec; }
      const drives = node.drives.map((drive) => {
        if (drive.id !== path.drive) return drive;
        found = true;
        return edit(drive) as DriveSpec;
      });
      return { ...node, drives };
    });
    return { ...zone, nodes };
  });
  if (!found) throw new InvalidClusterMap(`no item ${[path.zone, path.node, path.drive].filter((x) => x !== undefined).join('/')}`);
  return finish(map, zones);
}

function finish(map: ClusterMap, zones: readonly ZoneSpec[], mustExist?: string): ClusterMap {
  if (mustExist !== undefined && !map.zones.some((zone) => zone.id === mustExist)) {
    throw new InvalidClusterMap(`no zone ${mustExist}`);
  }
  const next: ClusterMap = { ...map, epoch: map.epoch + 1, zones };
  validateClusterMap(next);
  return next;
}
