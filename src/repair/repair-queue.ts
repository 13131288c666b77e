// Repair of damaged chunks. Reads that had to rebuild a chunk from parity report it here;
// the queue rewrites the missing or corrupt fragments in the background, one chunk at a
// time, so a lost drive heals as its data is read (a full rebuild walks the chunk index).
// The queue is bounded: when it is full, further reports are dropped and the next read of
// the chunk reports it again.

import type { Logger } from 'pino';
import type { ChunkIO } from '../pipeline/chunk-io.js';
import type { ChunkRecord } from '../metadata/records.js';
import type { StorageClass } from '../placement/index.js';
import type { PinSet } from '../gateway/pins.js';
import { limits } from '../limits.js';

export interface RepairDeps {
  chunkIO: ChunkIO;
  lookupChunk(fp: Uint8Array): ChunkRecord | undefined;
  /** Every chunk fingerprint in the index, for a full heal. */
  allChunks(): Iterable<Uint8Array>;
  storageClass(name: string): StorageClass;
  pins: PinSet;
  logger: Logger;
}

export interface RepairStats {
  queued: number;
  chunksRepaired: number;
  fragmentsRewritten: number;
  failures: number;
  dropped: number;
}

export class RepairQueue {
  private readonly pending = new Map<string, Uint8Array>();
  private running: Promise<void> | undefined;
  private stopped = false;
  readonly stats: RepairStats = { queued: 0, chunksRepaired: 0, fragmentsRewritten: 0, failures: 0, dropped: 0 };

  constructor(private readonly d: RepairDeps) {}

  enqueue(fp: Uint8Array): void {
    if (this.stopped) return;
    const key = Buffer.from(fp).toString('hex');
    if (this.pending.has(key)) return;
    if (this.pending.size >= limits.repairQueueChunksMax) {
      this.stats.dropped++;
      return;
    }
    this.pending.set(key, Buffer.from(fp));
    this.stats.queued++;
    this.running ??= this.drain().finally(() => {
      this.running = undefined;
    });
  }

  /** Resolves when the queue is empty (for tests and shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pending.clear();
    await this.idle();
  }

  /**
   * Checks every chunk in the index and rewrites whatever fragments are missing or corrupt:
   * what a replaced or wiped drive needs, since reads only notice damage to the fragments
   * they fetch (parity is read only when data is missing).
   */
  async healAll(): Promise<{ chunksChecked: number; chunksRepaired: number; fragmentsRewritten: number }> {
    const report = { chunksChecked: 0, chunksRepaired: 0, fragmentsRewritten: 0 };
    for (const fp of this.d.allChunks()) {
      if (this.stopped) break;
      report.chunksChecked++;
      const n = await this.repairOne(Buffer.from(fp).toString('hex'), fp);
      if (n > 0) {
        report.chunksRepaired++;
        report.fragmentsRewritten += n;
      }
    }
    return report;
  }

  /** Repairs one chunk if it is still indexed; returns the number of fragments rewritten. */
  private async repairOne(key: string, fp: Uint8Array): Promise<number> {
    // Pinned while repaired, so GC does not reclaim the chunk underneath the rewrite.
    this.d.pins.pin(fp);
    try {
      const rec = this.d.lookupChunk(fp);
      if (!rec) return 0;
      const rewritten = await this.d.chunkIO.repair(fp, rec, this.d.storageClass(rec.storageClass));
      if (rewritten.length > 0) {
        this.stats.chunksRepaired++;
        this.stats.fragmentsRewritten += rewritten.length;
        this.d.logger.info({ chunk: key, fragments: rewritten }, 'repaired chunk');
      }
      return rewritten.length;
    } catch (err) {
      this.stats.failures++;
      this.d.logger.error({ err, chunk: key }, 'chunk repair failed');
      return 0;
    } finally {
      this.d.pins.unpin(fp);
    }
  }

  private async drain(): Promise<void> {
    for (;;) {
      const next = this.pending.entries().next();
      if (next.done || this.stopped) return;
      const [key, fp] = next.value;
      try {
        await this.repairOne(key, fp);
      } finally {
        this.pending.delete(key);
      }
    }
  }
}
