// Dedup against speed for different chunk-size settings, on versioned backup-like data.
//
//   npm run build && node dist/bench/pipeline-dedup.js [--tree-mib 64] [--snapshots 6]
//     [--change 0.05] [--seed 1] [--json]
//
// A synthetic file tree (bench/pipeline-data.ts: text and binary files, log-uniform
// sizes) goes through --snapshots backup intervals, each touching about --change of
// its files; every snapshot is serialised like a tar stream and written as one
// object. For each setting we report what a Tessera cluster would keep: the unique
// chunk bytes (dedup), those bytes after per-chunk compression with the default
// ChunkCompressor (stored before parity),
// the number of chunks (index entries), and CDC + SHA-256 throughput.

import { parseArgs } from 'node:util';
import { Chunker, type ChunkerParams } from '../src/pipeline/cdc.js';
import { ChunkCompressor } from '../src/pipeline/compression.js';
import { fingerprintHex } from '../src/pipeline/fingerprint.js';
import { backupTreeArgOptions, backupTreeFromArgs } from './pipeline-data.js';

const KiB = 1024;
const MiB = 1024 * KiB;

interface Setting {
  name: string;
  /** Content-defined parameters, or a fixed block size for the baseline. */
  params: ChunkerParams | { fixedSizeBytes: number };
}

const settings: Setting[] = [
  { name: 'fixed 256K blocks', params: { fixedSizeBytes: 256 * KiB } },
  { name: 'CDC 16K/64K/256K', params: { minSizeBytes: 16 * KiB, avgSizeBytes: 64 * KiB, maxSizeBytes: 256 * KiB } },
  { name: 'CDC 32K/128K/512K', params: { minSizeBytes: 32 * KiB, avgSizeBytes: 128 * KiB, maxSizeBytes: 512 * KiB } },
  { name: 'CDC 64K/256K/1M', params: { minSizeBytes: 64 * KiB, avgSizeBytes: 256 * KiB, maxSizeBytes: 1 * MiB } },
  { name: 'CDC 128K/256K/1M', params: { minSizeBytes: 128 * KiB, avgSizeBytes: 256 * KiB, maxSizeBytes: 1 * MiB } },
  { name: 'CDC 64K/256K/1M NC1', params: { minSizeBytes: 64 * KiB, avgSizeBytes: 256 * KiB, maxSizeBytes: 1 * MiB, normalizationLevel: 1 } },
  { name: 'CDC 64K/256K/1M NC0', params: { minSizeBytes: 64 * KiB, avgSizeBytes: 256 * KiB, maxSizeBytes: 1 * MiB, normalizationLevel: 0 } },
  { name: 'CDC 256K/1M/4M', params: { minSizeBytes: 256 * KiB, avgSizeBytes: 1 * MiB, maxSizeBytes: 4 * MiB } },
  // Our chunker at the sizes restic (512K/1M/8M) and borg (512K/2M/8M) use by default.
  { name: 'CDC at restic sizes 512K/1M/8M', params: { minSizeBytes: 512 * KiB, avgSizeBytes: 1 * MiB, maxSizeBytes: 8 * MiB } },
  { name: 'CDC at borg sizes 512K/2M/8M', params: { minSizeBytes: 512 * KiB, avgSizeBytes: 2 * MiB, maxSizeBytes: 8 * MiB } },
];

interface Result {
  setting: string;
  logicalBytes: number;
  uniqueBytes: number;
  storedBytes: number;
  chunks: number;
  uniqueChunks: number;
  meanChunkBytes: number;
  newBytesPerLaterSnapshot: number;
  chunkAndHashMbPerSecond: number;
}

/** A chunker-like splitter into fixed blocks, for the no-CDC baseline. */
class FixedSplitter {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  constructor(private readonly size: number) {}
  push(data: Uint8Array): Buffer[] {
    const out: Buffer[] = [];
    let at = 0;
    while (at < data.length) {
      const take = Math.min(this.size - this.pendingBytes, data.length - at);
      this.pending.push(Buffer.from(data.subarray(at, at + take)));
      this.pendingBytes += take;
      at += take;
      if (this.pendingBytes === this.size) out.push(...this.end());
    }
    return out;
  }
  end(): Buffer[] {
    if (this.pendingBytes === 0) return [];
    const chunk = Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    return [chunk];
  }
}

function measure(setting: Setting, snapshots: Buffer[][]): Result {
  const seen = new Set<string>();
  const compressor = new ChunkCompressor();
  const r = { logicalBytes: 0, uniqueBytes: 0, storedBytes: 0, chunks: 0, uniqueChunks: 0 };
  let laterNewBytes = 0;
  let compressNs = 0n;
  const start = process.hrtime.bigint();
  snapshots.forEach((pieces, index) => {
    const splitter = 'fixedSizeBytes' in setting.params ? new FixedSplitter(setting.params.fixedSizeBytes) : new Chunker(setting.params);
    const take = (chunk: Buffer) => {
      r.logicalBytes += chunk.length;
      r.chunks++;
      const id = fingerprintHex(chunk);
      if (seen.has(id)) return;
      seen.add(id);
      r.uniqueBytes += chunk.length;
      r.uniqueChunks++;
      if (index > 0) laterNewBytes += chunk.length;
      const t = process.hrtime.bigint();
      r.storedBytes += compressor.compress(chunk).data.length;
      compressNs += process.hrtime.bigint() - t;
    };
    for (const piece of pieces) splitter.push(piece).forEach(take);
    splitter.end().forEach(take);
  });
  const seconds = Number(process.hrtime.bigint() - start - compressNs) / 1e9;
  return {
    setting: setting.name,
    ...r,
    meanChunkBytes: r.logicalBytes / r.chunks,
    newBytesPerLaterSnapshot: laterNewBytes / Math.max(1, snapshots.length - 1),
    chunkAndHashMbPerSecond: r.logicalBytes / 1e6 / seconds,
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      ...backupTreeArgOptions,
      json: { type: 'boolean', default: false },
    },
  });
  const tree = backupTreeFromArgs(values);
  const snapshots: Buffer[][] = [];
  for (let s = 0; s < Number(values.snapshots); s++) {
    if (s > 0) tree.evolve();
    snapshots.push(tree.snapshot());
  }
  const results = settings.map((s) => measure(s, snapshots));
  if (values.json) {
    console.log(JSON.stringify({ options: values, results }, null, 2));
    return;
  }
  const first = snapshots[0]!.reduce((sum, p) => sum + p.length, 0);
  console.log(`${snapshots.length} snapshots of a ${(first / MiB).toFixed(1)} MiB tree, ~${Number(values.change) * 100}% of files changed per snapshot, seed ${values.seed}`);
  console.log('| setting | logical MiB | unique MiB | dedup ratio | stored MiB (compressed) | new MiB per later snapshot | chunks (unique) | mean chunk KiB | CDC+SHA MB/s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    const cells = [
      r.setting,
      (r.logicalBytes / MiB).toFixed(1),
      (r.uniqueBytes / MiB).toFixed(1),
      (r.logicalBytes / r.uniqueBytes).toFixed(2),
      (r.storedBytes / MiB).toFixed(1),
      (r.newBytesPerLaterSnapshot / MiB).toFixed(2),
      `${r.chunks} (${r.uniqueChunks})`,
      (r.meanChunkBytes / KiB).toFixed(0),
      r.chunkAndHashMbPerSecond.toFixed(0),
    ];
    console.log(`| ${cells.join(' | ')} |`);
  }
}

main();
