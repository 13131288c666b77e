// Simulated Raft storage with a durable and a pending layer. A Ready's writes land in the
// pending layer; the simulated fsync moves them to the durable layer; a crash discards the
// pending layer. A restarted node sees only what was durable, exactly like a real disk.

import type { Entry, HardState, InitialState, Ready, Snapshot } from '../../../src/metadata/raft/types.js';
import { emptyHardState } from '../../../src/metadata/raft/types.js';
import { membership, type Membership } from '../../../src/metadata/raft/membership.js';

interface Write {
  readonly snapshot: Snapshot | null;
  readonly hardState: HardState | null;
  readonly entries: readonly Entry[];
}

export class SimStore {
  hardState: HardState = emptyHardState;
  entries: Entry[] = [];
  snapshotIndex = 0;
  snapshotTerm = 0;
  snapshotData: Uint8Array | null = null;
  snapshotConfig: Membership = membership([]);
  private pending: Write | null = null;
  fsyncs = 0;

  write(rd: Ready): void {
    this.pending = { snapshot: rd.snapshot, hardState: rd.hardState, entries: rd.entries };
  }

  hasPending(): boolean {
    return this.pending !== null;
  }

  flush(): void {
    const w = this.pending;
    if (w === null) return;
    this.pending = null;
    this.fsyncs++;
    if (w.snapshot !== null) {
      // A snapshot from the leader replaces the whole log.
      this.snapshotIndex = w.snapshot.index;
      this.snapshotTerm = w.snapshot.term;
      this.snapshotData = w.snapshot.data;
      this.snapshotConfig = w.snapshot.config;
      this.entries = [];
    }
    if (w.entries.length > 0) {
      const first = w.entries[0]!.index;
      if (first > this.snapshotIndex + this.entries.length + 1) {
        throw new Error(`store gap: writing from ${first} after ${this.snapshotIndex + this.entries.length} (snapshot ${this.snapshotIndex}, incoming snapshot ${w.snapshot?.index})`);
      }
      this.entries.length = Math.max(0, first - this.snapshotIndex - 1);
      for (const e of w.entries) this.entries.push(e);
    }
    if (w.hardState !== null) this.hardState = w.hardState;
  }

  // The node's own snapshot at index, written durably, and the log prefix it covers dropped.
  compactTo(index: number, term: number, config: Membership, data: Uint8Array): void {
    if (index <= this.snapshotIndex) return;
    this.entries = this.entries.slice(index - this.snapshotIndex);
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    this.snapshotConfig = config;
    this.snapshotData = data;
  }

  crash(): void {
    this.pending = null;
  }

  initialState(): InitialState {
    return {
      hardState: this.hardState,
      entries: this.entries.slice(),
      snapshotIndex: this.snapshotIndex,
      snapshotTerm: this.snapshotTerm,
      applied: this.snapshotIndex,
      ...(this.snapshotData === null ? {} : { snapshotConfig: this.snapshotConfig }),
    };
  }
}
