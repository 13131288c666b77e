// Storage classes name an erasure-coding layout: k data fragments plus m parity fragments,
// any k of which rebuild the chunk. The class is recorded per object, so these names and
// their (k, m) are a persistent contract: never change an existing entry, add new ones.

import { limits } from '../limits.js';
import { UnknownStorageClass } from './errors.js';

export interface StorageClass {
  readonly name: string;
  readonly k: number;
  readonly m: number;
}

export const STORAGE_CLASSES = Object.freeze({
  // RS(4,2): 1.5x overhead, survives any 2 lost fragments; fits one node with 6 drives.
  STANDARD: Object.freeze({ name: 'STANDARD', k: 4, m: 2 }),
  // RS(8,3): 1.375x overhead for large clusters with at least 11 failure domains.
  WIDE: Object.freeze({ name: 'WIDE', k: 8, m: 3 }),
  // Three full copies, for clusters too small to spread six fragments.
  REPLICA: Object.freeze({ name: 'REPLICA', k: 1, m: 2 }),
} satisfies Record<string, StorageClass>);

export type StorageClassName = keyof typeof STORAGE_CLASSES;

export function fragmentCount(storageClass: StorageClass): number {
  return storageClass.k + storageClass.m;
}

// Looks a class up by its S3-visible name; unknown names are a typed error, since they come
// from client input (x-amz-storage-class) or from configuration.
export function storageClassByName(name: string): StorageClass {
  const found = (STORAGE_CLASSES as Record<string, StorageClass>)[name];
  if (found === undefined || !Object.hasOwn(STORAGE_CLASSES, name)) throw new UnknownStorageClass(name);
  return found;
}

// A class is structurally usable when its fragment count fits the placement bounds.
export function isValidStorageClass(storageClass: StorageClass): boolean {
  const { k, m } = storageClass;
  return Number.isInteger(k) && Number.isInteger(m) && k >= 1 && m >= 0 &&
    k + m <= limits.placementFragmentsPerChunkMax;
}
