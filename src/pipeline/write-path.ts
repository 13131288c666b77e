// The write path for one object body: stream it once through MD5 (the ETag), the requested
// checksum, the content-defined chunker and, per chunk, fingerprint → dedup lookup →
// (new chunks) compress + erasure code + durable fragment writes, with a bounded number of
// chunks in flight. Small bodies stay inline. Memory is bounded by the chunk size times
// the window, whatever the object size. For bodies over limits.ingestWorkerBytesMin,
// MD5, chunking and fingerprints run on the ingest worker (ingest.ts) when there is one;
// otherwise here on the event loop.

import { createHash } from 'node:crypto';
import { Chunker, type ChunkerParams } from './cdc.js';
import { fingerprintAsync } from './fingerprint.js';
import { createChecksum, type ChecksumAlgorithm } from './checksums.js';
import type { ChunkIO } from './chunk-io.js';
import type { IngestSession } from './ingest.js';
import type { ChunkCipher } from './encryption.js';
import type { StorageClass } from '../placement/index.js';
import type { ChunkRecord, ChunkRef } from '../metadata/records.js';
import type { NewChunk } from '../metadata/commands.js';
import { limits } from '../limits.js';

export interface WriteDeps {
  chunkIO: ChunkIO;
  lookupChunk(fp: Uint8Array): ChunkRecord | undefined;
  /** Pins keep GC away from chunks an in-flight write uses; the caller unpins after commit. */
  pin(fp: Uint8Array): void;
  chunker: ChunkerParams;
  inlineBytesMax: number;
  windowChunks: number;
}

export interface WriteOptions {
  storageClass: StorageClass;
  checksumAlgorithm?: ChecksumAlgorithm;
  /** SSE: scoped fingerprints and sealed chunks (encryption.ts). The caller seals `inline`. */
  encryption?: ChunkCipher;
}

export interface WriteResult {
  size: number;
  md5: Buffer;
  checksum?: Buffer;
  inline?: Buffer;
  chunks: ChunkRef[];
  newChunks: NewChunk[];
  /** Every fingerprint pinned for this write (for the caller to unpin). */
  pinned: Uint8Array[];
}

export async function writeObjectData(body: AsyncIterable<Uint8Array>, deps: WriteDeps, opts: WriteOptions): Promise<WriteResult> {
  const sum = opts.checksumAlgorithm ? createChecksum(opts.checksumAlgorithm) : undefined;
  const result: WriteResult = { size: 0, md5: Buffer.alloc(0), chunks: [], newChunks: [], pinned: [] };
  const window = new ChunkWindow(deps, opts, result);
  let sink: ChunkSink | undefined;
  let head: Uint8Array[] = [];
  let headBytes = 0;
  try {
    for await (const piece of body) {
      sum?.update(piece);
      result.size += piece.byteLength;
      if (sink) {
        await sink.write(piece);
        continue;
      }
      head.push(piece);
      headBytes += piece.byteLength;
      // Bodies that end within ingestWorkerBytesMin stay on this thread: for them the
      // worker's messages cost more than the hashing they would move.
      if (headBytes <= Math.max(deps.inlineBytesMax, limits.ingestWorkerBytesMin)) continue;
      sink = openSink(deps, window, true);
      for (const h of head) await sink.write(h);
      head = [];
    }
    if (!sink && headBytes > deps.inlineBytesMax) {
      sink = openSink(deps, window, false);
      for (const h of head) await sink.write(h);
    }
    if (sink) {
      result.md5 = await sink.end();
    } else {
      result.inline = Buffer.concat(head);
      result.md5 = createHash('md5').update(result.inline).digest();
    }
    await window.drain();
  } catch (err) {
    await sink?.abort();
    await window.settle();
    throw err;
  }
  if (sum) result.checksum = sum.digest();
  return result;
}

/** Where body bytes become chunks: MD5 + chunker + fingerprints, in a worker or here. */
interface ChunkSink {
  write(piece: Uint8Array): Promise<void>;
  /** Submits the last chunks and returns the body's MD5. */
  end(): Promise<Buffer>;
  /** Stops submitting chunks (after an error); resolves once none is being submitted. */
  abort(): Promise<void>;
}

function openSink(deps: WriteDeps, window: ChunkWindow, large: boolean): ChunkSink {
  const alloc = (size: number) => deps.chunkIO.buffers.take(size);
  const session = large ? deps.chunkIO.ingest.open(deps.chunker, alloc) : null;
  return session ? new WorkerSink(session, window) : new LocalSink(new Chunker(deps.chunker, 'wasm', alloc), window);
}

/**
 * Chunks from the worker go into the window as soon as they arrive, not when the next
 * body piece does: a stalled or cut-off client must not leave cut chunks unwritten. The
 * body loop waits until every arrived chunk is in the window, which is its backpressure.
 */
class WorkerSink implements ChunkSink {
  private pumping: Promise<void> | null = null;
  private pumpError: unknown = null;
  private stopped = false;

  constructor(
    private readonly session: IngestSession,
    private readonly window: ChunkWindow,
  ) {
    session.onChunks = () => this.kick();
  }

  async write(piece: Uint8Array): Promise<void> {
    await this.session.write(piece);
    await this.caughtUp();
  }

  async end(): Promise<Buffer> {
    const md5 = await this.session.end();
    await this.caughtUp();
    return md5;
  }

  async abort(): Promise<void> {
    this.stopped = true;
    this.session.abort();
    while (this.pumping) await this.pumping;
  }

  private kick(): void {
    if (this.pumping || this.stopped) return;
    this.pumping = this.pump()
      .catch((err: unknown) => {
        this.pumpError ??= err;
      })
      .finally(() => {
        this.pumping = null;
        if (this.session.hasChunks() && this.pumpError === null) this.kick();
      });
  }

  private async pump(): Promise<void> {
    for (let c = this.session.next(); c && !this.stopped; c = this.session.next()) await this.window.submit(c.raw, c.fp);
  }

  private async caughtUp(): Promise<void> {
    while (this.pumping) await this.pumping;
    if (this.pumpError !== null) throw this.pumpError;
  }
}

class LocalSink implements ChunkSink {
  private readonly md5 = createHash('md5');
  constructor(
    private readonly chunker: Chunker,
    private readonly window: ChunkWindow,
  ) {}
  async write(piece: Uint8Array): Promise<void> {
    this.md5.update(piece);
    for (const c of this.chunker.push(piece)) await this.window.submit(c);
  }
  async end(): Promise<Buffer> {
    for (const c of this.chunker.end()) await this.window.submit(c);
    return this.md5.digest();
  }
  async abort(): Promise<void> {}
}

/** The chunks of one write in flight: fingerprint → dedup → store, at most windowChunks at once. */
class ChunkWindow {
  private readonly inFlight: Promise<void>[] = [];
  private readonly seenNew = new Set<string>();
  private slots = 0;

  constructor(
    private readonly deps: WriteDeps,
    private readonly opts: WriteOptions,
    private readonly result: WriteResult,
  ) {}

  /** Starts a chunk (waiting for room in the window); `raw` came from chunkIO.buffers. */
  async submit(raw: Buffer, fp?: Buffer): Promise<void> {
    if (this.inFlight.length >= this.deps.windowChunks) await this.inFlight.shift();
    const p = this.processAndRecycle(this.slots++, raw, fp);
    p.catch(() => undefined); // observed when awaited; avoids an unhandled rejection meanwhile
    this.inFlight.push(p);
  }

  async drain(): Promise<void> {
    for (const p of this.inFlight.splice(0)) await p;
  }

  async settle(): Promise<void> {
    await Promise.allSettled(this.inFlight);
  }

  // The chunk buffer goes back to the pool only after a chunk finished cleanly: on an
  // error a fragment write may still be reading it, so it is left to the GC.
  private async processAndRecycle(slot: number, raw: Buffer, fp?: Buffer): Promise<void> {
    await this.process(slot, raw, fp);
    this.deps.chunkIO.buffers.give(raw);
  }

  private async process(slot: number, raw: Buffer, known?: Buffer): Promise<void> {
    // Without the worker, SHA-256 runs in the thread pool while the event loop chunks on.
    // SSE hook: an encrypted object's chunk identity is an HMAC under its scope key (the
    // worker's SHA-256 is not used then).
    const cipher = this.opts.encryption;
    const fp = cipher ? cipher.fingerprint(raw) : known ?? (await fingerprintAsync(raw));
    this.deps.pin(fp);
    this.result.pinned.push(fp);
    this.result.chunks[slot] = { fp, size: raw.byteLength };
    const hex = fp.toString('hex');
    if (this.deps.lookupChunk(fp) || this.seenNew.has(hex)) return;
    this.seenNew.add(hex);
    this.result.newChunks.push(await this.deps.chunkIO.write(fp, raw, this.opts.storageClass, cipher));
  }
}
