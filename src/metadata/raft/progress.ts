// The leader's view of one follower's log, and the flow control that follows from it.
//
// probe:     we do not know where the follower's log matches ours; send one append at a
//            time and wait for its answer (or a heartbeat answer) before sending the next.
// replicate: the follower is known to match up to `match`; stream appends optimistically
//            (pipelining), advancing `next` as we send, with at most inflightMax unacked.
// snapshot:  the follower needs entries we compacted; a snapshot at pendingSnapshot is on
//            its way and nothing else is sent until the follower acknowledges it.

import { assert } from '../../util/assert.js';

export type ProgressState = 'probe' | 'replicate' | 'snapshot';

export class Progress {
  match = 0;
  next: number;
  state: ProgressState = 'probe';
  // In probe state: an append is outstanding, so send nothing more until an answer.
  probeSent = false;
  // Heard from since the last check-quorum round.
  recentActive = false;
  // The highest read round this follower has acknowledged in the current term.
  readRoundAcked = 0;
  // match when the previous heartbeat answer arrived, to detect a stalled pipeline.
  matchAtLastHeartbeat = -1;
  // Last index of each unacknowledged append, oldest first (replicate state only).
  private inflight: number[] = [];
  private readonly inflightMax: number;

  constructor(next: number, inflightMax: number) {
    this.next = next;
    this.inflightMax = inflightMax;
  }

  // The snapshot index being installed, in snapshot state.
  pendingSnapshot = 0;

  isPaused(): boolean {
    if (this.state === 'snapshot') return true;
    if (this.state === 'probe') return this.probeSent;
    return this.inflight.length >= this.inflightMax;
  }

  becomeProbe(): void {
    this.state = 'probe';
    this.probeSent = false;
    this.inflight = [];
    this.next = this.match + 1;
  }

  becomeSnapshot(index: number): void {
    this.state = 'snapshot';
    this.pendingSnapshot = index;
    this.inflight = [];
  }

  becomeReplicate(): void {
    this.state = 'replicate';
    this.probeSent = false;
    this.inflight = [];
    this.next = this.match + 1;
  }

  // Records that an append ending at lastIndex was sent.
  sentAppend(lastIndex: number, entryCount: number): void {
    if (this.state === 'replicate') {
      if (entryCount > 0) {
        this.next = lastIndex + 1;
        this.inflight.push(lastIndex);
      }
    } else {
      this.probeSent = true;
    }
  }

  // An acknowledgement that the follower matches up to index. Returns whether it was news.
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (index > this.match) {
      this.match = index;
      updated = true;
      this.probeSent = false;
    }
    this.next = Math.max(this.next, index + 1);
    while (this.inflight.length > 0 && this.inflight[0]! <= index) this.inflight.shift();
    return updated;
  }

  // A rejection of an append at rejected (its prevIndex). Returns false when the rejection
  // is stale (answers an append we have since superseded) and must be ignored.
  maybeDecrease(rejected: number, probeNext: number): boolean {
    if (this.state === 'snapshot') return false;
    if (this.state === 'replicate') {
      // Everything up to match is acknowledged, so a rejection at or below it is stale.
      if (rejected <= this.match) return false;
      this.becomeProbe();
      this.next = Math.max(this.match + 1, Math.min(rejected, probeNext));
      return true;
    }
    // In probe state only the answer to the append at next - 1 is current.
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(this.match + 1, Math.min(rejected, probeNext));
    this.probeSent = false;
    assert(this.next >= 1, 'next index below 1');
    return true;
  }
}
