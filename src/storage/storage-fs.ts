// The file-system operations the fragment store performs, behind an interface so
// tests can inject failures (ENOSPC, EIO) and count fsyncs without a real full disk.
// The default implementation is node:fs/promises.

import { open as openFile, readdir, mkdir, unlink, stat, type FileHandle } from 'node:fs/promises';
import { constants } from 'node:fs';

/** One open segment file. Positions are absolute; nothing uses the file cursor. */
export interface SegmentFile {
  /** Writes every byte of `buffers` at `position` (looping over short writes). */
  writeAll(buffers: readonly Uint8Array[], position: number): Promise<void>;
  /** Reads up to `buffer.length` bytes at `position`; returns how many were read. */
  read(buffer: Uint8Array, position: number): Promise<number>;
  datasync(): Promise<void>;
  truncate(lengthBytes: number): Promise<void>;
  sizeBytes(): Promise<number>;
  close(): Promise<void>;
}

export interface StorageFs {
  /** Opens a segment for reading and writing; `create` requires that it not exist. */
  openSegment(path: string, create: boolean): Promise<SegmentFile>;
  unlink(path: string): Promise<void>;
  /** Names in a directory; an absent directory lists as empty. */
  list(dir: string): Promise<string[]>;
  mkdirp(dir: string): Promise<void>;
  /** fsyncs a directory so that file creations and removals in it are durable. */
  syncDir(dir: string): Promise<void>;
  /** Size of a file, or null when it does not exist. */
  sizeBytes(path: string): Promise<number | null>;
  /** "device:inode" of a path, or null when it does not exist: tells a wiped and recreated directory apart. */
  identity(path: string): Promise<string | null>;
}

class NodeSegmentFile implements SegmentFile {
  constructor(private readonly handle: FileHandle) {}

  async writeAll(buffers: readonly Uint8Array[], position: number): Promise<void> {
    let pending = buffers.filter((b) => b.length > 0);
    let at = position;
    while (pending.length > 0) {
      const { bytesWritten } = await this.handle.writev(pending as Uint8Array[], at);
      at += bytesWritten;
      pending = dropWritten(pending, bytesWritten);
    }
  }

  async read(buffer: Uint8Array, position: number): Promise<number> {
    let done = 0;
    while (done < buffer.length) {
      const { bytesRead } = await this.handle.read(buffer, done, buffer.length - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  }

  datasync(): Promise<void> {
    return this.handle.datasync();
  }

  truncate(lengthBytes: number): Promise<void> {
    return this.handle.truncate(lengthBytes);
  }

  async sizeBytes(): Promise<number> {
    return (await this.handle.stat()).size;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/** The buffers left after `written` bytes of `buffers` went out (short writev). */
function dropWritten(buffers: Uint8Array[], written: number): Uint8Array[] {
  let left = written;
  let i = 0;
  while (i < buffers.length && left >= buffers[i]!.length) {
    left -= buffers[i]!.length;
    i++;
  }
  const rest = buffers.slice(i);
  if (rest.length > 0 && left > 0) rest[0] = rest[0]!.subarray(left);
  return rest;
}

export function nodeStorageFs(): StorageFs {
  return {
    async openSegment(path, create) {
      const flags = create ? constants.O_RDWR | constants.O_CREAT | constants.O_EXCL : constants.O_RDWR;
      return new NodeSegmentFile(await openFile(path, flags, 0o644));
    },
    unlink: (path) => unlink(path),
    async list(dir) {
      try {
        return await readdir(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw err;
      }
    },
    async mkdirp(dir) {
      await mkdir(dir, { recursive: true });
    },
    async syncDir(dir) {
      const handle = await openFile(dir, constants.O_RDONLY);
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async sizeBytes(path) {
      try {
        return (await stat(path)).size;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
    async identity(path) {
      try {
        const info = await stat(path, { bigint: true });
        return `${info.dev}:${info.ino}`;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw err;
      }
    },
  };
}
