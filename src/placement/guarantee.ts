// What a storage class survives on a given map: the worst case of fragments one zone or one node
// can hold under the spreading rules, given which drives are usable now.

import { limits } from '../limits.js';
import { compileClusterMap, type CompiledMap } from './compiled-map.js';
import type { ClusterMap } from './cluster-map.js';
import { InsufficientDrives, PlacementError } from './errors.js';
import { fragmentCount, isValidStorageClass, type StorageClass } from './storage-classes.js';

export interface Guarantee {
  readonly storageClass: string;
  readonly fragments: number;
  // The most fragments of one chunk that a single zone, node or drive can hold.
  readonly fragmentsPerZoneMax: number;
  readonly fragmentsPerNodeMax: number;
  // Losses survived: any this many whole zones, or nodes, or drives (each taken alone).
  readonly zoneLossesSurvived: number;
  readonly nodeLossesSurvived: number;
  readonly driveLossesSurvived: number;
  // For people: "survives the loss of any 1 zone, any 2 nodes, any 2 drives".
  readonly description: string;
}

export function guarantee(storageClass: StorageClass, map: ClusterMap | CompiledMap): Guarantee {
  const compiled = 'drives' in map ? map : compileClusterMap(map);
  if (!isValidStorageClass(storageClass)) {
    throw new PlacementError('PLACEMENT_INVALID_STORAGE_CLASS', `storage class ${storageClass.name} has an invalid layout`);
  }
  const fragments = fragmentCount(storageClass);
  if (fragments > compiled.usableDriveCount) {
    throw new InsufficientDrives(fragments, compiled.usableDriveCount, storageClass.name);
  }
  const { zones, nodes } = compiled;
  const zoneCaps: number[] = [];
  for (let z = 0; z < zones.count; z++) zoneCaps.push(zones.usableDrives[z]!);
  const zoneCounts = waterFill(fragments, zoneCaps);
  const perZoneMax = Math.max(...zoneCounts);
  // Which zones take the extra fragment of a partial round varies by chunk, so each zone is
  // assumed to take as many as any zone can: the node figure is then a worst case.
  let perNodeMax = 0;
  for (let z = 0; z < zones.count; z++) {
    const inZone = Math.min(zoneCaps[z]!, perZoneMax);
    if (inZone === 0) continue;
    const nodeCaps: number[] = [];
    for (let n = zones.childStart[z]!; n < zones.childStart[z + 1]!; n++) nodeCaps.push(nodes.usableDrives[n]!);
    perNodeMax = Math.max(perNodeMax, ...waterFill(inZone, nodeCaps));
  }
  const m = storageClass.m;
  const zoneLosses = Math.floor(m / perZoneMax);
  const nodeLosses = Math.floor(m / perNodeMax);
  return {
    storageClass: storageClass.name, fragments,
    fragmentsPerZoneMax: perZoneMax, fragmentsPerNodeMax: perNodeMax,
    zoneLossesSurvived: zoneLosses, nodeLossesSurvived: nodeLosses, driveLossesSurvived: m,
    description: `survives the loss of any ${plural(zoneLosses, 'zone')}, any ${plural(nodeLosses, 'node')}, any ${plural(m, 'drive')}`,
  };
}

// The most even spread of `total` items over bins with capacities: each round adds one to every
// bin that has room, which is what the placement does (whatever order it visits bins in, the
// largest count it reaches is the same).
export function waterFill(total: number, caps: readonly number[]): number[] {
  const counts = caps.map(() => 0);
  let remaining = total;
  for (let round = 0; remaining > 0 && round <= limits.placementFragmentsPerChunkMax; round++) {
    const open = caps.reduce((sum, cap, i) => sum + (counts[i]! < cap ? 1 : 0), 0);
    if (open === 0) break;
    if (open <= remaining) {
      caps.forEach((cap, i) => { if (counts[i]! < cap) counts[i]!++; });
      remaining -= open;
    } else {
      // Fewer fragments than open bins: the last round gives one each to some of them.
      caps.forEach((cap, i) => { if (remaining > 0 && counts[i]! < cap) { counts[i]!++; remaining--; } });
    }
  }
  return counts;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
