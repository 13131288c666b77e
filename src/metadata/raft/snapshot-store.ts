// Durable state machine snapshots as files, one per (index, term), in their own directory.
//
// File format, version 1:
//   bytes 0..4    magic "TSNP"
//   byte 4        version = 1
//   bytes 5..13   index, u64 BE
//   bytes 13..21  term, u64 BE
//   bytes 21..29  data length D, u64 BE
//   then          D bytes of state machine data (StateMachine.snapshot()'s chunks, concatenated)
//   last 32 bytes SHA-256 of the data
//
// A file is written under a temporary name, fsynced, renamed to snap-<index>-<term>, and the
// directory fsynced: a snapshot either exists whole under its final name or not at all. Which
// snapshot counts is recorded in the Raft storage (LmdbRaftStorage.compact/installSnapshot);
// every other file is garbage, removed by prune(). Received snapshots arrive in pieces
// (snapshot-transfer.ts) through the same temporary-file-then-rename path, and are verified
// (length, header, checksum) before the rename.

import { createHash } from 'node:crypto';
import { open, mkdir, readdir, rename, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { limits } from '../../limits.js';
import { RaftCorruptionError } from './errors.js';

const magic = Buffer.from('TSNP', 'latin1');
const version = 1;
export const snapshotHeaderBytes = 29;
export const snapshotTrailerBytes = 32;

export interface SnapshotFileInfo {
  readonly index: number;
  readonly term: number;
  // Total file size and the SHA-256 of the data (the trailer): what a receiver verifies.
  readonly bytes: number;
  readonly checksum: Buffer;
}

function header(index: number, term: number, dataBytes: number): Buffer {
  const h = Buffer.alloc(snapshotHeaderBytes);
  magic.copy(h, 0);
  h[4] = version;
  h.writeBigUInt64BE(BigInt(index), 5);
  h.writeBigUInt64BE(BigInt(term), 13);
  h.writeBigUInt64BE(BigInt(dataBytes), 21);
  return h;
}

export class SnapshotStore {
  readonly dir: string;
  private tmpCounter = 0;

  constructor(dir: string) {
    this.dir = dir;
  }

  // Creates the directory and removes temporaries a crash left behind.
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    for (const f of await readdir(this.dir)) if (f.endsWith('.tmp')) await rm(join(this.dir, f), { force: true });
  }

  path(index: number, term: number): string {
    return join(this.dir, `snap-${index}-${term}`);
  }

  tempPath(): string {
    return join(this.dir, `recv-${process.pid}-${this.tmpCounter++}.tmp`);
  }

  // Writes the state machine's chunks as snapshot (index, term); durable when it resolves.
  async write(index: number, term: number, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<SnapshotFileInfo> {
    const tmp = this.tempPath();
    const fh = await open(tmp, 'w');
    const hash = createHash('sha256');
    let dataBytes = 0;
    try {
      await fh.write(header(index, term, 0), 0, snapshotHeaderBytes, 0);
      let pos = snapshotHeaderBytes;
      for await (const c of chunks) {
        dataBytes += c.length;
        if (dataBytes > limits.raftSnapshotBytesMax) throw new RaftCorruptionError(`snapshot beyond ${limits.raftSnapshotBytesMax} bytes`);
        hash.update(c);
        await fh.write(c, 0, c.length, pos);
        pos += c.length;
      }
      const checksum = hash.digest();
      await fh.write(checksum, 0, checksum.length, pos);
      await fh.write(header(index, term, dataBytes), 0, snapshotHeaderBytes, 0);
      await fh.sync();
      await fh.close();
      await this.commit(tmp, index, term);
      return { index, term, bytes: snapshotHeaderBytes + dataBytes + snapshotTrailerBytes, checksum };
    } catch (err) {
      await fh.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
  }

  // Renames a complete, synced temporary file to its final name and syncs the directory.
  async commit(tmp: string, index: number, term: number): Promise<void> {
    await rename(tmp, this.path(index, term));
    const d = await open(this.dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  }

  // Reads and checks a snapshot file's header and trailer (not the checksum: see verify).
  async info(index: number, term: number): Promise<SnapshotFileInfo> {
    const fh = await open(this.path(index, term), 'r');
    try {
      return await readInfo(fh, index, term);
    } finally {
      await fh.close();
    }
  }

  // The state machine data of snapshot (index, term), in bounded chunks, checksum verified
  // at the end (a corrupt file throws before the last chunk is returned).
  async *data(index: number, term: number): AsyncIterable<Uint8Array> {
    const fh = await open(this.path(index, term), 'r');
    try {
      const info = await readInfo(fh, index, term);
      const hash = createHash('sha256');
      const end = info.bytes - snapshotTrailerBytes;
      let pending: Uint8Array | null = null;
      for (let pos = snapshotHeaderBytes; pos < end; ) {
        const n = Math.min(limits.raftSnapshotChunkBytes, end - pos);
        const buf = Buffer.alloc(n);
        await readFully(fh, buf, pos);
        hash.update(buf);
        if (pending !== null) yield pending;
        pending = buf;
        pos += n;
      }
      if (!hash.digest().equals(info.checksum)) throw new RaftCorruptionError(`snapshot ${index}-${term}: checksum mismatch`);
      if (pending !== null) yield pending;
    } finally {
      await fh.close();
    }
  }

  // Removes every snapshot file except (index, term).
  async prune(index: number, term: number): Promise<void> {
    const keep = `snap-${index}-${term}`;
    for (const f of await readdir(this.dir)) if (f.startsWith('snap-') && f !== keep) await rm(join(this.dir, f), { force: true });
  }
}

export async function readFully(fh: FileHandle, buf: Uint8Array, pos: number): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesRead } = await fh.read(buf, off, buf.length - off, pos + off);
    if (bytesRead === 0) throw new RaftCorruptionError('snapshot file truncated');
    off += bytesRead;
  }
}

// Header and trailer of an open snapshot file; checks magic, version, index, term, length.
export async function readInfo(fh: FileHandle, index: number, term: number): Promise<SnapshotFileInfo> {
  const { size } = await fh.stat();
  if (size < snapshotHeaderBytes + snapshotTrailerBytes) throw new RaftCorruptionError('snapshot file too short');
  const h = Buffer.alloc(snapshotHeaderBytes);
  await readFully(fh, h, 0);
  if (!h.subarray(0, 4).equals(magic) || h[4] !== version) throw new RaftCorruptionError('snapshot file: bad header');
  const dataBytes = Number(h.readBigUInt64BE(21));
  if (Number(h.readBigUInt64BE(5)) !== index || Number(h.readBigUInt64BE(13)) !== term) throw new RaftCorruptionError('snapshot file: index or term mismatch');
  if (size !== snapshotHeaderBytes + dataBytes + snapshotTrailerBytes) throw new RaftCorruptionError('snapshot file: length mismatch');
  const checksum = Buffer.alloc(snapshotTrailerBytes);
  await readFully(fh, checksum, size - snapshotTrailerBytes);
  return { index, term, bytes: size, checksum };
}

// Verifies a received file completely: header fields, length, and the data's checksum
// against both the trailer and what the sender announced.
export async function verifyFile(path: string, index: number, term: number, bytes: number, announced: Buffer): Promise<void> {
  const fh = await open(path, 'r');
  try {
    const info = await readInfo(fh, index, term);
    if (info.bytes !== bytes) throw new RaftCorruptionError('received snapshot: length mismatch');
    if (!info.checksum.equals(announced)) throw new RaftCorruptionError('received snapshot: checksum differs from the announced one');
    const hash = createHash('sha256');
    const buf = Buffer.alloc(limits.raftSnapshotChunkBytes);
    for (let pos = snapshotHeaderBytes; pos < bytes - snapshotTrailerBytes; ) {
      const n = Math.min(buf.length, bytes - snapshotTrailerBytes - pos);
      await readFully(fh, buf.subarray(0, n), pos);
      hash.update(buf.subarray(0, n));
      pos += n;
    }
    if (!hash.digest().equals(info.checksum)) throw new RaftCorruptionError('received snapshot: checksum mismatch');
  } finally {
    await fh.close();
  }
}
