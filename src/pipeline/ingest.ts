// Main-thread side of the ingest worker (ingest-worker.ts): MD5, chunking and SHA-256 of
// a write stream run on the second core while the event loop parses HTTP, compresses,
// erasure-codes and commits. Those three were ~40% of the event loop's time in a large
// PUT (profile in docs/benchmarks.md), and MD5 cannot be split: it is one serial hash.
//
// The main thread copies body pieces into slabs (plain ArrayBuffers) and transfers each
// full slab to the worker, which hashes and cuts it in place and transfers it back with
// the chunk ends it found and their fingerprints; the main thread then copies each chunk
// out of the returned slabs (into a pooled buffer) and reuses slabs no chunk still needs.
// Transfers move no bytes; the two copies are plain memmoves. (A SharedArrayBuffer ring
// was tried first and cost more event-loop CPU in alternating runs on a loaded machine,
// 5.8-6.7 vs 4.6-5.6 ms/MB; a best-of-15 copy benchmark later showed shared and plain
// copies about equally fast, so that difference may be noise. What transfers do cost:
// each slab coming back counts as new ArrayBuffer memory for V8's GC heuristics.)
// Memory per session is bounded by slabsMax slabs, whatever the object size. A session
// whose worker dies fails; the next session starts a new worker.

import { Worker } from 'node:worker_threads';
import type { ChunkerParams } from './cdc.js';
import { FINGERPRINT_SIZE_BYTES } from './fingerprint.js';

export type IngestRequest =
  | { t: 'open'; id: number; chunker: ChunkerParams }
  | { t: 'data'; id: number; slab: ArrayBuffer; length: number; back: boolean }
  | { t: 'end'; id: number }
  | { t: 'close'; id: number };

export type IngestReply =
  | { t: 'cuts'; id: number; slab?: ArrayBuffer; ends: number[]; fps: Uint8Array }
  | { t: 'done'; id: number; ends: number[]; fps: Uint8Array; md5: Uint8Array }
  | { t: 'error'; id: number; message: string };

export interface IngestedChunk {
  raw: Buffer;
  fp: Buffer;
}

export interface IngestOptions {
  /** Worker threads (0 disables the worker path). */
  workers: number;
  /** Bytes of one slab: the unit the worker is handed. */
  slabBytes: number;
  /** Slab bytes one session may hold, raised to what two maximal chunks need. */
  sessionBytesMax: number;
  /** Idle slabs kept for the next sessions. */
  idleSlabsMax: number;
}

export class IngestError extends Error {
  readonly code = 'INGEST_WORKER_FAILED';
}

interface WorkerSlot {
  worker: Worker;
  sessions: Map<number, IngestSession>;
}

/** A small pool of ingest workers, started on first use and unref'd while idle. */
export class IngestPool {
  private readonly slots: WorkerSlot[] = [];
  private readonly idleSlabs: ArrayBuffer[] = [];
  private nextId = 1;

  constructor(readonly options: IngestOptions) {}

  /** A session on the least busy worker, or null when the worker path is off. */
  open(chunker: ChunkerParams, alloc: (size: number) => Buffer): IngestSession | null {
    if (this.options.workers <= 0) return null;
    const slot = this.pickSlot();
    const { slabBytes } = this.options;
    const slabsMax = Math.max(Math.ceil(this.options.sessionBytesMax / slabBytes), Math.ceil((2 * chunker.maxSizeBytes) / slabBytes) + 2);
    const id = this.nextId++;
    const session = new IngestSession(id, slabBytes, slabsMax, alloc, {
      send: (r, transfer) => slot.worker.postMessage(r, transfer),
      detach: () => {
        slot.sessions.delete(id);
        if (slot.sessions.size === 0) slot.worker.unref();
      },
      takeSlab: () => this.idleSlabs.pop() ?? new ArrayBuffer(slabBytes),
      giveSlab: (slab) => {
        if (this.idleSlabs.length < this.options.idleSlabsMax && slab.byteLength === slabBytes) this.idleSlabs.push(slab);
      },
    });
    slot.sessions.set(id, session);
    slot.worker.ref();
    slot.worker.postMessage({ t: 'open', id, chunker } satisfies IngestRequest);
    return session;
  }

  async close(): Promise<void> {
    const slots = this.slots.splice(0);
    for (const s of slots) for (const session of s.sessions.values()) session.fail(new IngestError('ingest pool closed'));
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private pickSlot(): WorkerSlot {
    if (this.slots.length < this.options.workers) {
      const slot = this.startWorker();
      this.slots.push(slot);
      return slot;
    }
    return this.slots.reduce((a, b) => (b.sessions.size < a.sessions.size ? b : a));
  }

  private startWorker(): WorkerSlot {
    const worker = new Worker(new URL('./ingest-worker.js', import.meta.url));
    const slot: WorkerSlot = { worker, sessions: new Map() };
    worker.unref();
    worker.on('message', (r: IngestReply) => slot.sessions.get(r.id)?.onReply(r));
    const die = (why: string) => {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots.splice(i, 1);
      for (const session of [...slot.sessions.values()]) session.fail(new IngestError(`ingest worker ${why}`));
      slot.sessions.clear();
    };
    worker.on('error', (err) => die(`failed: ${err.message}`));
    worker.on('exit', (code) => die(`exited with code ${code}`));
    return slot;
  }
}

interface SessionLinks {
  send(r: IngestRequest, transfer?: ArrayBuffer[]): void;
  detach(): void;
  takeSlab(): ArrayBuffer;
  giveSlab(slab: ArrayBuffer): void;
}

/** A slab back from the worker: stream bytes [start, start + bytes.length). */
interface ReturnedSlab {
  start: number;
  bytes: Uint8Array;
}

/** One write stream's view of the worker. Not reusable; end() or abort() it exactly once. */
export class IngestSession {
  private readonly ready: IngestedChunk[] = [];
  private readonly returned: ReturnedSlab[] = [];
  /** The slabs at the worker (stream offset, bytes), oldest first; `kept` when only a copy went. */
  private readonly sent: { start: number; length: number; kept?: Uint8Array }[] = [];
  private filling: Uint8Array | null = null;
  /** Slabs this session holds (filling, at the worker, or returned). */
  private slabs = 0;
  private written = 0;
  private cutEnd = 0;
  private failure: Error | null = null;
  private finished = false;
  private md5: Buffer | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly id: number,
    private readonly slabBytes: number,
    private readonly slabsMax: number,
    private readonly alloc: (size: number) => Buffer,
    private readonly links: SessionLinks,
  ) {}

  /** Copies a body piece into slabs, waiting for the worker to hand slabs back when all are out. */
  async write(piece: Uint8Array): Promise<void> {
    let off = 0;
    while (off < piece.length) {
      this.check();
      if (this.filling === null) {
        if (this.slabs >= this.slabsMax) {
          await this.changed();
          continue;
        }
        this.filling = new Uint8Array(this.links.takeSlab(), 0, 0);
        this.slabs++;
      }
      const f = this.filling;
      const n = Math.min(piece.length - off, this.slabBytes - f.length);
      const grown = new Uint8Array(f.buffer, 0, f.length + n);
      grown.set(piece.subarray(off, off + n), f.length);
      this.filling = grown;
      this.written += n;
      off += n;
      if (grown.length === this.slabBytes) this.sendFilling();
    }
  }

  /** Called whenever newly cut chunks are ready to take. */
  onChunks: (() => void) | null = null;

  /** The next chunk cut, in stream order, copied out of the slabs; the caller owns it. */
  next(): IngestedChunk | undefined {
    return this.ready.shift();
  }

  hasChunks(): boolean {
    return this.ready.length > 0;
  }

  /** Ends the stream; resolves to its MD5 once the worker has cut the last chunk. */
  async end(): Promise<Buffer> {
    this.check();
    this.sendFilling();
    this.links.send({ t: 'end', id: this.id });
    while (this.md5 === null) {
      this.check();
      await this.changed();
    }
    return this.md5;
  }

  /** Drops the session; slabs at the worker are left to the GC. */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.links.send({ t: 'close', id: this.id });
    this.links.detach();
  }

  onReply(r: IngestReply): void {
    if (r.t === 'error') {
      this.fail(new IngestError(`ingest worker: ${r.message}`));
      return;
    }
    if (r.t === 'cuts') {
      const { start, length, kept } = this.sent.shift()!;
      this.returned.push({ start, bytes: kept ?? new Uint8Array(r.slab!, 0, length) });
    }
    this.takeCuts(r.ends, r.fps);
    if (r.ends.length > 0) this.onChunks?.();
    if (r.t === 'done') {
      this.md5 = Buffer.from(r.md5.buffer, r.md5.byteOffset, r.md5.byteLength);
      this.finished = true;
      for (const s of this.returned.splice(0)) this.links.giveSlab(s.bytes.buffer as ArrayBuffer);
      this.links.detach();
    }
    this.notify();
  }

  fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    if (!this.finished) {
      this.finished = true;
      this.links.detach();
    }
    this.notify();
  }

  private sendFilling(): void {
    const f = this.filling;
    if (f === null || f.length === 0) return;
    this.filling = null;
    const start = this.written - f.length;
    if (f.length * 4 < this.slabBytes) {
      // A short last slab (the whole of a small object): send a copy of its bytes. A
      // slab coming back counts as a new ArrayBuffer of its full size for V8's GC
      // heuristics, 512 KiB of GC pressure for an object of a few KiB.
      const copy = f.slice();
      this.sent.push({ start, length: f.length, kept: f });
      this.links.send({ t: 'data', id: this.id, slab: copy.buffer, length: f.length, back: false }, [copy.buffer]);
      return;
    }
    this.sent.push({ start, length: f.length });
    this.links.send({ t: 'data', id: this.id, slab: f.buffer as ArrayBuffer, length: f.length, back: true }, [f.buffer as ArrayBuffer]);
  }

  /** Copies each newly cut chunk out of the returned slabs, then recycles the slabs it used up. */
  private takeCuts(ends: number[], fps: Uint8Array): void {
    ends.forEach((end, i) => {
      const raw = this.alloc(end - this.cutEnd);
      for (const s of this.returned) {
        const from = Math.max(this.cutEnd, s.start);
        const to = Math.min(end, s.start + s.bytes.length);
        if (from < to) raw.set(s.bytes.subarray(from - s.start, to - s.start), from - this.cutEnd);
      }
      const fp = Buffer.from(fps.buffer, fps.byteOffset + i * FINGERPRINT_SIZE_BYTES, FINGERPRINT_SIZE_BYTES);
      this.ready.push({ raw, fp });
      this.cutEnd = end;
    });
    while (this.returned.length > 0 && this.returned[0]!.start + this.returned[0]!.bytes.length <= this.cutEnd) {
      this.links.giveSlab(this.returned.shift()!.bytes.buffer as ArrayBuffer);
      this.slabs--;
    }
  }

  private check(): void {
    if (this.failure !== null) throw this.failure;
  }

  private changed(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
    });
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

let processPool: IngestPool | null = null;

/**
 * The process's ingest pool, like the libuv pool one per process: every ChunkIO (there
 * may be several servers in one test process) shares its workers, which are unref'd
 * while idle so they never keep a process alive.
 */
export function processIngestPool(options: IngestOptions): IngestPool {
  processPool ??= new IngestPool(options);
  return processPool;
}
