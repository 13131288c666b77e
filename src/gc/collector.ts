// Garbage collection. Two sweeps:
//  - chunks whose refcount has been 0 for longer than the grace period and that no
//    in-flight write has pinned are removed from the index (one command), then their
//    fragments are deleted from the drives;
//  - orphan fragments (written by a write that crashed or failed before its commit) are
//    deleted when their chunk is neither indexed nor pinned. Pins are checked before the
//    index, and writes unpin only after they commit, so a committed chunk is never taken.

import type { MetaTables } from '../index/meta-db.js';
import type { StateMachine } from '../metadata/state-machine.js';
import type { PinSet } from '../gateway/pins.js';
import type { FragmentStore } from '../storage/fragment-store.js';
import { fragmentId } from '../pipeline/chunk-io.js';
import { limits } from '../limits.js';
import { FINGERPRINT_SIZE_BYTES } from '../pipeline/fingerprint.js';

export interface GcDeps {
  tables: MetaTables;
  stateMachine: StateMachine;
  pins: PinSet;
  drives: FragmentStore[];
  now(): number;
  gracePeriodMs: number;
}

export interface GcReport {
  chunksReclaimed: number;
  fragmentsDeleted: number;
  orphansDeleted: number;
}


export class GarbageCollector {
  constructor(private readonly d: GcDeps) {}

  async run(): Promise<GcReport> {
    const report: GcReport = { chunksReclaimed: 0, fragmentsDeleted: 0, orphansDeleted: 0 };
    await this.reclaimChunks(report);
    await this.deleteOrphans(report);
    return report;
  }

  private async reclaimChunks(report: GcReport): Promise<void> {
    const cutoff = this.d.now() - this.d.gracePeriodMs;
    let batch: Uint8Array[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const res = await this.d.stateMachine.apply({ type: 'ReclaimChunks', fps: batch, zeroBeforeMs: cutoff });
      batch = [];
      if (res.type !== 'reclaimed') return;
      report.chunksReclaimed += res.fps.length;
      for (const fp of res.fps) report.fragmentsDeleted += await this.deleteFragmentsOf(fp);
    };
    for (const { key, value } of this.d.tables.chunks.getRange({})) {
      if (value.refs !== 0 || value.zeroSinceMs === 0 || value.zeroSinceMs >= cutoff) continue;
      if (this.d.pins.has(key)) continue;
      batch.push(Buffer.from(key));
      if (batch.length >= limits.gcReclaimBatchMax) await flush();
    }
    await flush();
  }

  /** Deletes every fragment of `fp` from every drive (placement may have moved since). */
  private async deleteFragmentsOf(fp: Uint8Array): Promise<number> {
    let n = 0;
    for (const drive of this.d.drives) {
      for (let i = 0; i < limits.placementFragmentsPerChunkMax; i++) {
        const id = fragmentId(fp, i);
        if (!drive.has(id)) continue;
        await drive.delete(id);
        n++;
      }
    }
    return n;
  }

  private async deleteOrphans(report: GcReport): Promise<void> {
    for (const drive of this.d.drives) {
      // ids() pages by key, so deleting while iterating is safe and memory stays bounded.
      for (const id of drive.ids()) {
        const fp = Buffer.from(id.buffer, id.byteOffset, FINGERPRINT_SIZE_BYTES);
        if (this.d.pins.has(fp)) continue;
        if (this.d.tables.chunks.get(fp) !== undefined) continue;
        await drive.delete(id);
        report.orphansDeleted++;
      }
    }
  }
}
