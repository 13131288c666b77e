// Shared set-up for the fragment-store tests: temporary drive directories and a
// file-system layer that counts fsyncs and fails on demand.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeStorageFs, type SegmentFile, type StorageFs } from '../../../src/storage/storage-fs.js';

export async function withTempDir<T>(run: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-storage-'));
  try {
    return await run(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function errnoError(code: string): NodeJS.ErrnoException {
  const err: NodeJS.ErrnoException = new Error(`${code}: injected`);
  err.code = code;
  return err;
}

/** Switches the tests flip to make the next file operations fail. */
export interface Faults {
  writeError: string | null;
  datasyncError: string | null;
  createError: string | null;
  /** Bytes a failing write still writes before failing (a short write). */
  partialWriteBytes: number;
  /** When set, every write after this many writes fails with writeError. */
  writesBeforeFailure: number | null;
  datasyncs: number;
  writes: number;
}

export function faultyFs(inner: StorageFs = nodeStorageFs()): { fs: StorageFs; faults: Faults } {
  const faults: Faults = { writeError: null, datasyncError: null, createError: null, partialWriteBytes: 0, writesBeforeFailure: null, datasyncs: 0, writes: 0 };
  const wrap = (file: SegmentFile): SegmentFile => ({
    async writeAll(buffers, position) {
      faults.writes++;
      const armed = faults.writesBeforeFailure === null || faults.writes > faults.writesBeforeFailure;
      if (faults.writeError !== null && armed) {
        const all = Buffer.concat(buffers);
        if (faults.partialWriteBytes > 0) await file.writeAll([all.subarray(0, faults.partialWriteBytes)], position);
        throw errnoError(faults.writeError);
      }
      return file.writeAll(buffers, position);
    },
    read: (buffer, position) => file.read(buffer, position),
    async datasync() {
      faults.datasyncs++;
      if (faults.datasyncError !== null) throw errnoError(faults.datasyncError);
      return file.datasync();
    },
    truncate: (length) => file.truncate(length),
    sizeBytes: () => file.sizeBytes(),
    close: () => file.close(),
  });
  const fs: StorageFs = {
    ...inner,
    async openSegment(path, create) {
      if (create && faults.createError !== null) throw errnoError(faults.createError);
      return wrap(await inner.openSegment(path, create));
    },
  };
  return { fs, faults };
}

export async function collect<T>(iterable: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}
