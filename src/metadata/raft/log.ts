// The core's in-memory view of the Raft log: a compacted prefix (snapshotIndex,
// snapshotTerm) followed by the retained entries, plus three cursors. Memory stays bounded
// because the driver compacts the prefix once a snapshot covers it.
//
//   snapshotIndex ≤ applied ≤ committed ≤ lastIndex,  stableIndex ≤ lastIndex
//
// stableIndex is the last index the driver has confirmed durable; a leader counts itself
// towards a quorum only up to it, so a committed entry is always durable on a majority.

import { assert } from '../../util/assert.js';
import type { Entry } from './types.js';

export class RaftLog {
  snapshotIndex: number;
  snapshotTerm: number;
  committed: number;
  applied: number;
  stableIndex: number;
  // entries[i].index === snapshotIndex + 1 + i
  private entries: Entry[];

  constructor(snapshotIndex: number, snapshotTerm: number, entries: readonly Entry[], committed: number, applied: number) {
    this.snapshotIndex = snapshotIndex;
    this.snapshotTerm = snapshotTerm;
    this.entries = entries.slice();
    for (let i = 0; i < this.entries.length; i++) {
      assert(this.entries[i]!.index === snapshotIndex + 1 + i, 'log entries must be contiguous after the snapshot');
    }
    this.stableIndex = this.lastIndex();
    // A persisted commit index may run ahead of a log that lost an unsynced tail only if the
    // driver broke its contract; clamp defensively but assert in tests.
    assert(committed <= this.lastIndex(), `commit ${committed} beyond last index ${this.lastIndex()}`);
    this.committed = Math.max(committed, snapshotIndex);
    this.applied = Math.max(applied, snapshotIndex);
    assert(this.applied <= this.committed, 'applied beyond committed');
  }

  firstIndex(): number {
    return this.snapshotIndex + 1;
  }

  lastIndex(): number {
    return this.snapshotIndex + this.entries.length;
  }

  lastTerm(): number {
    const n = this.entries.length;
    return n === 0 ? this.snapshotTerm : this.entries[n - 1]!.term;
  }

  // The term of the entry at index, or undefined when it is compacted or beyond the end.
  term(index: number): number | undefined {
    if (index === this.snapshotIndex) return this.snapshotTerm;
    if (index < this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1]!.term;
  }

  entry(index: number): Entry | undefined {
    if (index <= this.snapshotIndex || index > this.lastIndex()) return undefined;
    return this.entries[index - this.snapshotIndex - 1];
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  // Entries in [lo, hi], cut short after bytesMax of data (always at least one entry).
  slice(lo: number, hi: number, bytesMax = Infinity, countMax = Infinity): Entry[] {
    assert(lo > this.snapshotIndex, `slice from compacted index ${lo}`);
    const last = Math.min(hi, this.lastIndex());
    const out: Entry[] = [];
    let bytes = 0;
    for (let i = lo; i <= last && out.length < countMax; i++) {
      const e = this.entries[i - this.snapshotIndex - 1]!;
      bytes += e.data.length;
      if (out.length > 0 && bytes > bytesMax) break;
      out.push(e);
    }
    return out;
  }

  // Is a log ending at (lastIndex, lastTerm) at least as up to date as ours (§5.4.1)?
  isUpToDate(lastIndex: number, lastTerm: number): boolean {
    const ourTerm = this.lastTerm();
    return lastTerm > ourTerm || (lastTerm === ourTerm && lastIndex >= this.lastIndex());
  }

  append(entry: Entry): void {
    assert(entry.index === this.lastIndex() + 1, 'append must extend the log');
    this.entries.push(entry);
  }

  // Merges entries that follow a matching prevIndex: entries already present with the same
  // term are kept, the first conflicting one truncates the tail. Returns the new last index
  // of the merged range.
  merge(entries: readonly Entry[]): number {
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.index <= this.snapshotIndex) continue;
      const ours = this.term(e.index);
      if (ours === e.term) continue;
      if (ours !== undefined) {
        assert(e.index > this.committed, `conflict at committed index ${e.index}`);
        this.truncateFrom(e.index);
      }
      for (let j = k; j < entries.length; j++) this.append(entries[j]!);
      break;
    }
    return entries.length === 0 ? 0 : entries[entries.length - 1]!.index;
  }

  private truncateFrom(index: number): void {
    this.entries.length = index - this.snapshotIndex - 1;
    this.stableIndex = Math.min(this.stableIndex, index - 1);
  }

  // The largest index ≤ index whose term is ≤ term: the fast back-tracking probe. Both sides
  // use it, so each rejection skips every entry of a conflicting term at once.
  findConflictByTerm(index: number, term: number): number {
    let i = Math.min(index, this.lastIndex());
    while (i > this.snapshotIndex) {
      const t = this.term(i)!;
      if (t <= term) return i;
      i--;
    }
    return i;
  }

  commitTo(index: number): boolean {
    if (index <= this.committed) return false;
    assert(index <= this.lastIndex(), `commit ${index} beyond last index ${this.lastIndex()}`);
    this.committed = index;
    return true;
  }

  // Marks entries up to index durable if the entry there is still the one that was handed
  // to storage (a conflicting append may have replaced it meanwhile).
  stableTo(index: number, term: number): void {
    if (index > this.stableIndex && this.term(index) === term) this.stableIndex = index;
  }

  // Drops the prefix up to index, which a snapshot now covers.
  compact(index: number, term: number): void {
    if (index <= this.snapshotIndex) return;
    const discard = index > this.lastIndex() || this.term(index) !== term;
    // The snapshot is ahead of or conflicts with our log: discard the whole log. Entries we
    // had made durable beyond index are gone too, so stableIndex falls back to index (it
    // must never exceed the last index, or a new entry there would count as durable).
    this.entries = discard ? [] : this.entries.slice(index - this.snapshotIndex);
    this.snapshotIndex = index;
    this.snapshotTerm = term;
    this.committed = Math.max(this.committed, index);
    this.applied = Math.max(this.applied, index);
    this.stableIndex = discard ? index : Math.max(this.stableIndex, index);
  }
}
