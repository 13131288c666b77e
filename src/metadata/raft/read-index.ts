// ReadIndex bookkeeping for a leader (Raft dissertation §6.4).
//
// A read is linearizable if it is served from a state machine that has applied at least the
// commit index the leader had when the read arrived, and if the leader was still the leader
// at that moment. The second condition is checked with a heartbeat round: reads that arrive
// together share one round number; a quorum of acknowledgements of round r (or any later
// round, which was necessarily sent later) confirms every read of round r.
//
// A new leader does not know the commit index of its predecessor until it commits an entry
// of its own term, so reads wait for that (the no-op each leader appends).

import type { NodeId } from './types.js';

export interface PendingRead {
  readonly ctx: string;
  // Who asked: the leader itself, or a follower that forwarded the request.
  readonly from: NodeId;
  readonly index: number;
  readonly round: number;
}

export class ReadIndexQueue {
  // Reads that arrived before the leader committed an entry of its term.
  private waitingForCommit: { ctx: string; from: NodeId }[] = [];
  // Reads with an index and a round, in arrival order (so rounds are non-decreasing).
  private pending: PendingRead[] = [];
  private round = 0;
  // Whether reads were assigned to `round` and its heartbeat is not yet broadcast.
  private roundUnsent = false;
  private readonly readsPendingMax: number;

  constructor(readsPendingMax: number) {
    this.readsPendingMax = readsPendingMax;
  }

  size(): number {
    return this.waitingForCommit.length + this.pending.length;
  }

  isFull(): boolean {
    return this.size() >= this.readsPendingMax;
  }

  deferUntilCommit(ctx: string, from: NodeId): void {
    this.waitingForCommit.push({ ctx, from });
  }

  takeDeferred(): { ctx: string; from: NodeId }[] {
    const out = this.waitingForCommit;
    this.waitingForCommit = [];
    return out;
  }

  add(ctx: string, from: NodeId, index: number): void {
    if (!this.roundUnsent) {
      this.round++;
      this.roundUnsent = true;
    }
    this.pending.push({ ctx, from, index, round: this.round });
  }

  // The round whose heartbeat must go out now, or 0 when none is owed.
  takeUnsentRound(): number {
    if (!this.roundUnsent) return 0;
    this.roundUnsent = false;
    return this.round;
  }

  currentRound(): number {
    return this.round;
  }

  // Releases, in order, every read confirmed by a quorum; confirmed(round) says whether a
  // quorum has acknowledged that round.
  release(confirmed: (round: number) => boolean): PendingRead[] {
    let n = 0;
    while (n < this.pending.length && confirmed(this.pending[n]!.round)) n++;
    if (n === 0) return [];
    const out = this.pending.slice(0, n);
    this.pending = this.pending.slice(n);
    return out;
  }

  // A leader that steps down forgets its reads; the askers time out and retry elsewhere.
  clear(): void {
    this.waitingForCommit = [];
    this.pending = [];
    this.roundUnsent = false;
  }
}
