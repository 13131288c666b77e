// Bytes kept for versioned backup-like data: Tessera's chunk store against restic
// and borg repositories holding the same snapshots (the design's efficiency target).
//
//   npm run build && node dist/bench/pipeline-vs-restic-borg.js [--tree-mib 64]
//     [--snapshots 6] [--change 0.05] [--seed 1] [--dir /tmp]
//
// Needs `restic` and `borg` on PATH (Debian: apt-get install restic borgbackup);
// a missing tool is reported and skipped. Each snapshot of the synthetic tree
// (bench/pipeline-data.ts) is written out as a directory and backed up with each
// tool's defaults (restic: compression auto; borg: no encryption, lz4), and the
// repository's size on disk is compared with the bytes Tessera keeps before
// parity (unique chunks after compression; chunk index metadata not counted), both
// when each snapshot is PUT as one tar-like object and when each file is one
// object (as `rclone sync` into a versioned bucket would do).

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { Chunker, type ChunkerParams } from '../src/pipeline/cdc.js';
import { ChunkCompressor } from '../src/pipeline/compression.js';
import { fingerprintHex } from '../src/pipeline/fingerprint.js';
import { limits } from '../src/limits.js';
import { backupTreeArgOptions, backupTreeFromArgs, type BackupTree } from './pipeline-data.js';

const MiB = 1024 * 1024;

/** Unique chunk bytes and their zstd-1 size, over everything added so far. */
class ChunkStore {
  private readonly seen = new Set<string>();
  private readonly compressor = new ChunkCompressor();
  private readonly compressorLevel1 = new ChunkCompressor(1, false);
  uniqueBytes = 0;
  storedBytes = 0;
  storedBytesLevel1 = 0;
  inlineBytes = 0;
  add(chunk: Buffer): void {
    const id = fingerprintHex(chunk);
    if (this.seen.has(id)) return;
    this.seen.add(id);
    this.uniqueBytes += chunk.length;
    this.storedBytes += this.compressor.compress(chunk).data.length;
    this.storedBytesLevel1 += this.compressorLevel1.compress(chunk).data.length;
  }
  /** Objects this small live inline in metadata: counted once per version. */
  addInline(content: Buffer): void {
    this.inlineBytes += content.length;
  }
  putObject(pieces: Buffer[], params: ChunkerParams): void {
    const total = pieces.reduce((sum, p) => sum + p.length, 0);
    if (total <= limits.inlineObjectBytesMax) {
      this.addInline(Buffer.concat(pieces));
      return;
    }
    const chunker = new Chunker(params);
    for (const piece of pieces) chunker.push(piece).forEach((c) => this.add(c));
    chunker.end().forEach((c) => this.add(c));
  }
}

function duBytes(path: string): number {
  let total = 0;
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    const stat = statSync(full);
    total += stat.isDirectory() ? duBytes(full) : stat.size;
  }
  return total;
}

function hasTool(name: string): boolean {
  try {
    execFileSync(name, ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    try {
      execFileSync(name, ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  }
}

function writeTree(tree: BackupTree, dir: string): void {
  rmSync(dir, { recursive: true, force: true });
  for (const entry of tree.entries()) {
    const path = join(dir, entry.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, entry.content);
    utimesSync(path, entry.mtimeSeconds, entry.mtimeSeconds);
  }
}

function main(): void {
  const { values } = parseArgs({
    options: {
      ...backupTreeArgOptions,
      dir: { type: 'string', default: '/tmp' },
    },
  });
  const snapshots = Number(values.snapshots);
  const work = mkdtempSync(join(values.dir, 'tessera-dedup-'));
  const treeDir = join(work, 'tree');
  const env = {
    ...process.env,
    RESTIC_REPOSITORY: join(work, 'restic'),
    RESTIC_PASSWORD: 'bench',
    BORG_PASSPHRASE: '',
    BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
    BORG_BASE_DIR: join(work, 'borg-home'),
  };
  const restic = hasTool('restic');
  const borg = hasTool('borg');
  if (restic) execFileSync('restic', ['init', '--repository-version', '2', '-q'], { env });
  if (borg) execFileSync('borg', ['init', '-e', 'none', join(work, 'borg')], { env });

  const params: ChunkerParams = { minSizeBytes: limits.chunkSizeBytesMin, avgSizeBytes: limits.chunkSizeBytesAvg, maxSizeBytes: limits.chunkSizeBytesMax };
  const tarStore = new ChunkStore();
  const fileStore = new ChunkStore();
  const tree = backupTreeFromArgs(values);
  let logical = 0;
  for (let s = 0; s < snapshots; s++) {
    if (s > 0) tree.evolve();
    const entries = tree.entries();
    logical += entries.reduce((sum, e) => sum + e.content.length, 0);
    tarStore.putObject(tree.snapshot(), params);
    for (const e of entries) fileStore.putObject([e.content], params);
    writeTree(tree, treeDir);
    if (restic) execFileSync('restic', ['backup', '-q', '.'], { env, cwd: treeDir });
    if (borg) execFileSync('borg', ['create', `${join(work, 'borg')}::s${s}`, '.'], { env, cwd: treeDir });
  }
  const mib = (n: number) => (n / MiB).toFixed(1);
  const chunking = `${params.minSizeBytes / 1024}K/${params.avgSizeBytes / 1024}K/${params.maxSizeBytes / 1024}K`;
  console.log(`${snapshots} snapshots, ${mib(logical)} MiB of file contents in all, ~${Number(values.change) * 100}% of files changed per snapshot, seed ${values.seed}`);
  console.log('| store | bytes kept before parity, MiB | note |\n| --- | ---: | --- |');
  console.log(`| Tessera, one object per snapshot (tar-like) | ${mib(tarStore.storedBytes)} | CDC ${chunking}, zstd ${limits.compressionZstdLevel} with probe; unique before compression ${mib(tarStore.uniqueBytes)} |`);
  console.log(`| Tessera, one object per file | ${mib(fileStore.storedBytes + fileStore.inlineBytes)} | of which ${mib(fileStore.inlineBytes)} inline; unique before compression ${mib(fileStore.uniqueBytes)} |`);
  console.log(`| Tessera, one object per snapshot, zstd 1 | ${mib(tarStore.storedBytesLevel1)} | |`);
  console.log(`| Tessera, one object per file, zstd 1 | ${mib(fileStore.storedBytesLevel1 + fileStore.inlineBytes)} | |`);
  if (restic) console.log(`| restic ${execFileSync('restic', ['version']).toString().split(' ')[1]} repository | ${mib(duBytes(join(work, 'restic')))} | defaults (compression auto), on-disk size incl. index |`);
  else console.log('| restic | - | not installed |');
  if (borg) console.log(`| borg ${execFileSync('borg', ['--version']).toString().trim().split(' ')[1]} repository | ${mib(duBytes(join(work, 'borg')))} | -e none, default lz4, on-disk size incl. index |`);
  else console.log('| borg | - | not installed |');
  rmSync(work, { recursive: true, force: true });
}

main();
