// The metadata LMDB environment and its tables. Only the state machine writes here
// (metadata/state-machine.ts); everything else reads. Layout version 1: one env under
// <data>/meta with named databases, binary keys (see keys.ts), msgpack values (records.ts).
// The `versions` database was added within layout 1: a store written before it simply has
// it empty, which is exactly the state of a store whose buckets were never versioned.

import { open, type Database, type RootDatabase } from 'lmdb';
import type { BucketRecord, ChunkRecord, ObjectRecord, PartRecord, StatsRecord, UploadRecord, UserRecord } from '../metadata/records.js';

export const META_LAYOUT_VERSION = 1;

export interface MetaTables {
  root: RootDatabase;
  buckets: Database<BucketRecord, string>;
  /** The latest version of each key (never a delete marker): what GET and ListObjects read. */
  objects: Database<ObjectRecord, Buffer>;
  /** Every version and delete marker of keys in buckets that have had versioning set. */
  versions: Database<ObjectRecord, Buffer>;
  uploads: Database<UploadRecord, Buffer>;
  parts: Database<PartRecord, Buffer>;
  chunks: Database<ChunkRecord, Buffer>;
  /** Users by access key id (metadata/users.ts). */
  users: Database<UserRecord, string>;
  /** Singletons: 'stats' → StatsRecord, 'layout' → version number, 'versionSeq' → last version seq. */
  system: Database<unknown, string>;
}

export function openMetaTables(path: string): MetaTables {
  // Durability: writes resolve when committed; callers await root.flushed before acknowledging.
  const root = open({ path, maxDbs: 16, compression: false });
  const binary = { keyEncoding: 'binary' as const };
  const tables: MetaTables = {
    root,
    buckets: root.openDB<BucketRecord, string>('buckets', {}),
    objects: root.openDB<ObjectRecord, Buffer>('objects', binary),
    versions: root.openDB<ObjectRecord, Buffer>('versions', binary),
    uploads: root.openDB<UploadRecord, Buffer>('uploads', binary),
    parts: root.openDB<PartRecord, Buffer>('parts', binary),
    chunks: root.openDB<ChunkRecord, Buffer>('chunks', binary),
    users: root.openDB<UserRecord, string>('users', {}),
    system: root.openDB<unknown, string>('system', {}),
  };
  const layout = tables.system.get('layout');
  if (layout === undefined) tables.system.putSync('layout', META_LAYOUT_VERSION);
  else if (layout !== META_LAYOUT_VERSION) {
    throw new Error(`metadata layout version ${String(layout)} is not supported (expected ${META_LAYOUT_VERSION})`);
  }
  return tables;
}

export function emptyStats(): StatsRecord {
  return { v: 1, objects: 0, logicalBytes: 0, uniqueBytes: 0, compressedBytes: 0, inlineBytes: 0 };
}

/** The stats singleton as stored, with fields added since it was written defaulted to 0. */
export function readStats(stored: unknown): StatsRecord {
  return { ...emptyStats(), ...(stored as StatsRecord | undefined) };
}
