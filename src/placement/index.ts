// Placement: the cluster map and the deterministic choice of drives for a chunk's fragments.
// See docs/placement.md for the algorithm, the guarantees and the simulator's figures.

import type { ClusterMap } from './cluster-map.js';
import type { CompiledMap, DriveRef } from './compiled-map.js';
import { Placer } from './placer.js';
import type { StorageClass } from './storage-classes.js';

export {
  ITEM_STATES, SHARE_FULL_BASIS_POINTS, ZONE_WEIGHTINGS, makeNode, singleNodeMap, uniformMap, validateClusterMap,
  type ClusterMap, type DriveSpec, type ItemState, type NodeSpec, type UniformMapShape, type ZoneSpec, type ZoneWeighting,
} from './cluster-map.js';
export { CLUSTER_MAP_FORMAT_VERSION, decodeClusterMap, encodeClusterMap } from './cluster-map-codec.js';
export { compileClusterMap, type CompiledMap, type DriveRef } from './compiled-map.js';
export {
  ClusterMapDecodeError, InsufficientDrives, InvalidClusterMap, PlacementError, UnknownStorageClass,
} from './errors.js';
export { guarantee, type Guarantee } from './guarantee.js';
export { listMoves, sameDrive, type FragmentMove } from './moves.js';
export { Placer } from './placer.js';
export {
  STORAGE_CLASSES, fragmentCount, isValidStorageClass, storageClassByName,
  type StorageClass, type StorageClassName,
} from './storage-classes.js';

// One-off placement. It compiles the map on every call, which is nothing for a single node's
// six drives; anything placing many chunks on a big map should keep a Placer per map epoch.
export function place(chunkId: Uint8Array, storageClass: StorageClass, map: ClusterMap | CompiledMap): DriveRef[] {
  return new Placer(map).place(chunkId, storageClass);
}
export {
  addNode, addZone, removeNode, setDriveWeight, setShare, setState, setZoneWeighting, type ItemPath,
} from './map-edits.js';
