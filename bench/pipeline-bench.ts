// Throughput of each data-plane stage on one core, and of the stages chained.
//
//   npm run build && node dist/bench/pipeline-bench.js [--size-mib 64] [--runs 5] [--json]
//     [--corpus node_modules/@aws-sdk]   (adds a real text corpus next to the synthetic one)
//
// Each figure is the median over --runs of MB/s (10^6 bytes per second of input)
// on --size-mib of data. The machine is shared and has two cores, so compare the
// rows of one run with each other rather than with another day's figures.

import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { Chunker, type ChunkerEngine, type ChunkerParams } from '../src/pipeline/cdc.js';
import { ChunkCompressor, compressChunk } from '../src/pipeline/compression.js';
import { ErasureCoder } from '../src/pipeline/erasure.js';
import { fingerprint, fingerprintAsync } from '../src/pipeline/fingerprint.js';
import { limits } from '../src/limits.js';
import { corpusData, randomData, textData } from './pipeline-data.js';

const defaults: ChunkerParams = { minSizeBytes: 64 * 1024, avgSizeBytes: 256 * 1024, maxSizeBytes: 1024 * 1024 };
// The min proposed in docs/chunking.md: same dedup, fewer bytes hashed.
const proposed: ChunkerParams = { ...defaults, minSizeBytes: 128 * 1024 };
const streamPieceBytes = 1024 * 1024;

interface Row {
  stage: string;
  data: string;
  mbPerSecond: number;
  note: string;
}

async function median(runs: number, bytes: number, body: () => unknown): Promise<number> {
  const rates: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = process.hrtime.bigint();
    await body();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    rates.push(bytes / 1e6 / seconds);
  }
  rates.sort((a, b) => a - b);
  return rates[Math.floor(rates.length / 2)]!;
}

/**
 * Medians of several bodies run in turn (A, B, A, B, ...), so that load from other
 * processes hits all of them alike: the fair way to compare two engines here.
 */
async function interleavedMedians(runs: number, bytes: number, bodies: (() => unknown)[]): Promise<number[]> {
  const rates: number[][] = bodies.map(() => []);
  for (let r = 0; r < runs; r++) {
    for (const [i, body] of bodies.entries()) {
      const start = process.hrtime.bigint();
      await body();
      rates[i]!.push(bytes / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9));
    }
  }
  return rates.map((list) => list.sort((a, b) => a - b)[Math.floor(list.length / 2)]!);
}

function chunkStream(data: Buffer, params: ChunkerParams, engine: ChunkerEngine = 'wasm'): Buffer[] {
  const chunker = new Chunker(params, engine);
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += streamPieceBytes) out.push(...chunker.push(data.subarray(at, at + streamPieceBytes)));
  out.push(...chunker.end());
  return out;
}

function fixedChunks(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) out.push(data.subarray(at, at + size));
  return out;
}

async function chunkingRows(inputs: Record<string, Buffer>, runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [name, data] of Object.entries(inputs)) {
    const chunks = chunkStream(data, defaults);
    const note = `${chunks.length} chunks, mean ${Math.round(data.length / chunks.length / 1024)} KiB`;
    const engines = ['wasm', 'js'] as const;
    const rates = await interleavedMedians(runs, data.length, [
      ...engines.map((engine) => () => chunkStream(data, defaults, engine)),
      () => chunkStream(data, proposed, 'wasm'),
    ]);
    engines.forEach((engine, i) => rows.push({ stage: `CDC 64K/256K/1M, ${engine} engine`, data: name, mbPerSecond: rates[i]!, note: `${note}; runs interleaved` }));
    const proposedChunks = chunkStream(data, proposed).length;
    rows.push({ stage: 'CDC 128K/256K/1M, wasm engine', data: name, mbPerSecond: rates[2]!, note: `${proposedChunks} chunks; runs interleaved` });
  }
  const data = inputs.random!;
  const chunks = fixedChunks(data, defaults.avgSizeBytes);
  rows.push({ stage: 'SHA-256 fingerprint', data: 'random', mbPerSecond: await median(runs, data.length, () => chunks.forEach((c) => fingerprint(c))), note: '256 KiB chunks' });
  for (const inFlight of [1, 4]) {
    const mb = await median(runs, data.length, () => codeAll(chunks, inFlight, (c) => fingerprintAsync(c)));
    rows.push({ stage: 'SHA-256 fingerprintAsync (thread pool)', data: 'random', mbPerSecond: mb, note: `256 KiB chunks, ${inFlight} in flight` });
  }
  return rows;
}

async function compressionRows(inputs: Record<string, Buffer>, runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [level, probe] of [
    [1, false],
    [3, false],
    [3, true],
  ] as const) {
    const compressor = new ChunkCompressor(level, probe);
    const label = `zstd ${level}${probe ? ' with level-1 probe' : ''}`;
    for (const [name, data] of Object.entries(inputs)) {
      const chunks = fixedChunks(data, defaults.avgSizeBytes);
      const outputs = chunks.map((c) => compressor.compress(c));
      const stored = outputs.reduce((sum, o) => sum + o.data.length, 0);
      const kept = outputs.filter((o) => o.codec === 'zstd').length;
      const mb = await median(runs, data.length, () => chunks.forEach((c) => compressor.compress(c)));
      rows.push({ stage: `${label} compress`, data: name, mbPerSecond: mb, note: `stored/raw ${(stored / data.length).toFixed(3)}, ${kept}/${chunks.length} chunks kept zstd` });
      if (kept === 0) continue;
      const dmb = await median(runs, data.length, () => outputs.forEach((o, i) => compressor.decompress(o.codec, o.data, chunks[i]!.length)));
      rows.push({ stage: `${label} decompress`, data: name, mbPerSecond: dmb, note: 'MB/s of output' });
    }
  }
  const text = fixedChunks(inputs.text!, defaults.avgSizeBytes);
  const oneShot = await median(runs, inputs.text!.length, () => text.forEach((c) => compressChunk(c)));
  rows.push({ stage: 'default compressor, new context per chunk', data: 'text', mbPerSecond: oneShot, note: 'compressChunk() instead of a reused ChunkCompressor' });
  return rows;
}

/** Codes all chunks with up to `inFlight` running at once in the libuv pool. */
async function codeAll(chunks: Buffer[], inFlight: number, code: (c: Buffer) => Promise<unknown>): Promise<void> {
  let next = 0;
  const lane = async () => {
    while (next < chunks.length) await code(chunks[next++]!);
  };
  await Promise.all(Array.from({ length: inFlight }, lane));
}

async function erasureRows(data: Buffer, runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  const chunks = fixedChunks(data, defaults.avgSizeBytes);
  for (const [k, m] of [
    [4, 2],
    [8, 3],
  ] as const) {
    const coder = new ErasureCoder(k, m);
    for (const inFlight of [1, 4]) {
      const mb = await median(runs, data.length, () => codeAll(chunks, inFlight, (c) => coder.encode(c)));
      rows.push({ stage: `RS(${k},${m}) encode`, data: 'random', mbPerSecond: mb, note: `256 KiB chunks, ${inFlight} in flight` });
    }
    const encoded = await Promise.all(chunks.map((c) => coder.encode(c)));
    // The worst case drops m data fragments; the best reads all k data fragments.
    const degraded = encoded.map((f) => f.map((x, i) => (i < m ? null : x)));
    const mbSlow = await median(runs, data.length, () => codeAll(chunks, 1, async (c) => coder.decode(degraded[chunks.indexOf(c)]!, c.length)));
    rows.push({ stage: `RS(${k},${m}) decode, ${m} data fragments lost`, data: 'random', mbPerSecond: mbSlow, note: '1 in flight' });
    const mbFast = await median(runs, data.length, () => codeAll(chunks, 1, async (c) => coder.decode(encoded[chunks.indexOf(c)]!, c.length)));
    rows.push({ stage: `RS(${k},${m}) decode, all data present`, data: 'random', mbPerSecond: mbFast, note: 'copy only' });
  }
  return rows;
}

/** CDC, SHA-256, the default compressor and RS(4,2) chained on one thread, as a write stream does. */
async function chainedRows(inputs: Record<string, Buffer>, runs: number): Promise<Row[]> {
  const rows: Row[] = [];
  const compressor = new ChunkCompressor();
  const coder = new ErasureCoder(4, 2);
  for (const [name, data] of Object.entries(inputs)) {
    const mb = await median(runs, data.length, async () => {
      for (const chunk of chunkStream(data, defaults)) {
        fingerprint(chunk);
        await coder.encode(compressor.compress(chunk).data);
      }
    });
    rows.push({ stage: 'chained: CDC + SHA-256 + default compressor + RS(4,2)', data: name, mbPerSecond: mb, note: `zstd ${limits.compressionZstdLevel} with probe, one chunk at a time` });
  }
  return rows;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'size-mib': { type: 'string', default: '64' },
      runs: { type: 'string', default: '5' },
      json: { type: 'boolean', default: false },
      corpus: { type: 'string' },
    },
  });
  const bytes = Number(values['size-mib']) * 1024 * 1024;
  const runs = Number(values.runs);
  const inputs: Record<string, Buffer> = { random: randomData(1, bytes), text: textData(2, bytes) };
  if (values.corpus) inputs.corpus = corpusData(values.corpus, bytes);
  const load = loadavg()[0]!.toFixed(2);
  const rows = [
    ...(await chunkingRows(inputs, runs)),
    ...(await compressionRows(inputs, runs)),
    ...(await erasureRows(inputs.random!, runs)),
    ...(await chainedRows(inputs, runs)),
  ];
  if (values.json) {
    console.log(JSON.stringify({ sizeMiB: values['size-mib'], runs, loadAverageAtStart: load, rows }, null, 2));
    return;
  }
  console.log(`pipeline stages, ${values['size-mib']} MiB per input, median of ${runs} runs, load average at start ${load}`);
  console.log('| stage | data | MB/s | note |\n| --- | --- | ---: | --- |');
  for (const r of rows) console.log(`| ${r.stage} | ${r.data} | ${Math.round(r.mbPerSecond).toLocaleString('en-US')} | ${r.note} |`);
}

await main();
