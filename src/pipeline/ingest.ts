// Main-thread side of the ingest worker (ingest-worker.ts): MD5, chunking and SHA-256 of
// a write stream run on the second core while the event loop parses HTTP, compresses,
// erasure-codes and commits. Those three were ~40% of the event loop's time in a large
// PUT (profile in docs/benchmarks.md), and MD5 cannot be split: it is one serial hash.
//
// Each session owns a ring buffer shared with the worker. The main thread copies body
// pieces into it and tells the worker how far the stream goes; the worker hashes and
// cuts in place and reports chunk ends with their fingerprints; the main thread then
// copies each reported chunk out of the ring (into a pooled buffer) and frees its ring
// bytes. Memory per session is the ring, whatever the object size. A session whose
// worker dies fails; the next session starts a new worker.

import { Worker } from 'node:worker_threads';
import type { ChunkerParams } from './cdc.js';
import { FINGERPRINT_SIZE_BYTES } from './fingerprint.js';

export type IngestRequest =
  | { t: 'open'; id: number; ring: SharedArrayBuffer; chunker: ChunkerParams }
  | { t: 'data'; id: number; end: number }
  | { t: 'end'; id: number; end: number }
  | { t: 'close'; id: number };

export type IngestReply =
  | { t: 'cuts'; id: number; ends: number[]; fps: Uint8Array }
  | { t: 'done'; id: number; ends: number[]; fps: Uint8Array; md5: Uint8Array }
  | { t: 'error'; id: number; message: string };

export interface IngestedChunk {
  raw: Buffer;
  fp: Buffer;
}

export interface IngestOptions {
  /** Worker threads (0 disables the worker path). */
  workers: number;
  /** Ring bytes per session; raised to twice the chunk maximum when smaller. */
  ringBytes: number;
  /** Stream bytes the main thread collects before telling the worker about them. */
  postBytes: number;
  /** Idle rings kept for the next sessions. */
  idleRingsMax: number;
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
  private readonly idleRings: SharedArrayBuffer[] = [];
  private nextId = 1;

  constructor(readonly options: IngestOptions) {}

  /** A session on the least busy worker, or null when the worker path is off. */
  open(chunker: ChunkerParams, alloc: (size: number) => Buffer): IngestSession | null {
    if (this.options.workers <= 0) return null;
    const slot = this.pickSlot();
    const ringBytes = Math.max(this.options.ringBytes, 2 * chunker.maxSizeBytes);
    const ring = this.takeRing(ringBytes);
    const id = this.nextId++;
    const session = new IngestSession(id, ring, this.options.postBytes, alloc, (r) => slot.worker.postMessage(r), () => {
      slot.sessions.delete(id);
      if (slot.sessions.size === 0) slot.worker.unref();
    }, (done) => this.giveRing(done));
    slot.sessions.set(id, session);
    slot.worker.ref();
    slot.worker.postMessage({ t: 'open', id, ring, chunker } satisfies IngestRequest);
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

  private takeRing(bytes: number): SharedArrayBuffer {
    const i = this.idleRings.findIndex((r) => r.byteLength === bytes);
    return i >= 0 ? this.idleRings.splice(i, 1)[0]! : new SharedArrayBuffer(bytes);
  }

  private giveRing(ring: SharedArrayBuffer): void {
    if (this.idleRings.length < this.options.idleRingsMax) this.idleRings.push(ring);
  }
}

/** One write stream's view of the worker. Not reusable; end() or abort() it exactly once. */
export class IngestSession {
  private readonly ring: Uint8Array;
  private readonly ready: IngestedChunk[] = [];
  /** Stream bytes copied into the ring / announced to the worker / cut into chunks. */
  private written = 0;
  private posted = 0;
  private cutEnd = 0;
  private failure: Error | null = null;
  private finished = false;
  private md5: Buffer | null = null;
  private wake: (() => void) | null = null;

  constructor(
    readonly id: number,
    private readonly sab: SharedArrayBuffer,
    private readonly postBytes: number,
    private readonly alloc: (size: number) => Buffer,
    private readonly send: (r: IngestRequest) => void,
    private readonly detach: () => void,
    private readonly recycle: (ring: SharedArrayBuffer) => void,
  ) {
    this.ring = new Uint8Array(sab);
  }

  /** Copies a body piece into the ring, waiting for the worker to free room when it is full. */
  async write(piece: Uint8Array): Promise<void> {
    const ringBytes = this.ring.length;
    let off = 0;
    while (off < piece.length) {
      this.check();
      const free = this.cutEnd + ringBytes - this.written;
      if (free === 0) {
        this.post();
        await this.changed();
        continue;
      }
      const at = this.written % ringBytes;
      const n = Math.min(piece.length - off, free, ringBytes - at);
      this.ring.set(piece.subarray(off, off + n), at);
      this.written += n;
      off += n;
    }
    if (this.written - this.posted >= this.postBytes) this.post();
  }

  /** Chunks cut so far, in stream order, each copied out of the ring; the caller owns them. */
  take(): IngestedChunk[] {
    return this.ready.splice(0);
  }

  /** Ends the stream; resolves to its MD5 once the worker has cut the last chunk (then take() it). */
  async end(): Promise<Buffer> {
    this.check();
    this.send({ t: 'end', id: this.id, end: this.written });
    this.posted = this.written;
    while (this.md5 === null) {
      this.check();
      await this.changed();
    }
    return this.md5;
  }

  /** Drops the session (the ring is not reused: the worker may still be reading it). */
  abort(): void {
    if (this.finished) return;
    this.finished = true;
    this.send({ t: 'close', id: this.id });
    this.detach();
  }

  onReply(r: IngestReply): void {
    if (r.t === 'error') {
      this.fail(new IngestError(`ingest worker: ${r.message}`));
      return;
    }
    this.takeCuts(r.ends, r.fps);
    if (r.t === 'done') {
      this.md5 = Buffer.from(r.md5.buffer, r.md5.byteOffset, r.md5.byteLength);
      this.finished = true;
      this.detach();
      this.recycle(this.sab);
    }
    this.notify();
  }

  fail(err: Error): void {
    if (this.failure !== null) return;
    this.failure = err;
    if (!this.finished) {
      this.finished = true;
      this.detach();
    }
    this.notify();
  }

  private takeCuts(ends: number[], fps: Uint8Array): void {
    const ringBytes = this.ring.length;
    ends.forEach((end, i) => {
      const raw = this.alloc(end - this.cutEnd);
      const at = this.cutEnd % ringBytes;
      const first = Math.min(raw.length, ringBytes - at);
      raw.set(this.ring.subarray(at, at + first), 0);
      if (first < raw.length) raw.set(this.ring.subarray(0, raw.length - first), first);
      const fp = Buffer.from(fps.buffer, fps.byteOffset + i * FINGERPRINT_SIZE_BYTES, FINGERPRINT_SIZE_BYTES);
      this.ready.push({ raw, fp });
      this.cutEnd = end;
    });
  }

  private post(): void {
    if (this.posted === this.written) return;
    this.send({ t: 'data', id: this.id, end: this.written });
    this.posted = this.written;
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
