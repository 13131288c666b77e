// The leader side of the Raft core: replication with batching, pipelining and fast
// back-tracking, the commit rule, check-quorum, and ReadIndex confirmation.

import { assert } from '../../util/assert.js';
import { EntryKind, type AppendResponse, type HeartbeatResponse, type Message, type NodeId } from './types.js';
import { Progress } from './progress.js';
import { RaftBase } from './raft-base.js';
import { members } from './membership.js';

const emptyData = new Uint8Array(0);

export abstract class RaftLeader extends RaftBase {
  protected becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    this.reset(this.term);
    this.role = 'leader';
    this.leader = this.id;
    const next = this.log.lastIndex() + 1;
    for (const v of members(this.config)) {
      const pr = new Progress(next, this.cfg.inflightMessagesMax);
      if (v === this.id) pr.becomeReplicate();
      this.progress.set(v, pr);
    }
    this.log.append({ index: next, term: this.term, kind: EntryKind.noop, data: emptyData });
    this.broadcastAppend(true);
  }

  protected tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    // A transfer that did not finish within an election timeout is abandoned, so that
    // proposals are accepted again. It has its own clock so that starting transfers can
    // never postpone the check-quorum below.
    if (this.transferee !== null && ++this.transferElapsed >= this.cfg.electionTicks) this.transferee = null;
    if (this.electionElapsed >= this.cfg.electionTicks) {
      this.electionElapsed = 0;
      if (this.cfg.checkQuorum && !this.checkQuorumActive()) {
        this.becomeFollower(this.term, null);
        return;
      }
    }
    if (this.heartbeatElapsed >= this.cfg.heartbeatTicks) {
      this.heartbeatElapsed = 0;
      // Marking the round sent matters: a read arriving after this heartbeat must get a new
      // round, or acknowledgements of a heartbeat older than the read would confirm it.
      const unsent = this.reads.takeUnsentRound();
      this.broadcastHeartbeat(unsent > 0 ? unsent : this.reads.currentRound());
    }
  }

  // Check-quorum: a leader that has not heard from a quorum within an election timeout
  // steps down, so a partitioned leader stops serving (and stops confirming reads).
  protected checkQuorumActive(): boolean {
    let active = 0;
    for (const v of this.voters) {
      const pr = this.progress.get(v)!;
      if (v === this.id || pr.recentActive) active++;
      pr.recentActive = false;
    }
    return active >= this.quorum();
  }

  protected stepLeader(m: Message): void {
    switch (m.type) {
      case 'appendResp':
        return this.handleAppendResponse(m);
      case 'heartbeatResp':
        return this.handleHeartbeatResponse(m);
      case 'readIndex':
        if (!this.reads.isFull()) this.handleReadIndex(m.ctx, m.from);
        return;
      default:
        return;
    }
  }

  protected handleAppendResponse(m: AppendResponse): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    if (m.reject) {
      let probe = m.hintIndex;
      if (m.hintTerm > 0) probe = this.log.findConflictByTerm(m.hintIndex, m.hintTerm);
      if (pr.maybeDecrease(m.index, probe + 1)) this.sendAppends(m.from, pr, true);
      return;
    }
    const wasPaused = pr.isPaused();
    if (pr.maybeUpdate(m.index)) {
      if (pr.state === 'probe' || (pr.state === 'snapshot' && pr.match >= pr.pendingSnapshot)) pr.becomeReplicate();
      if (this.maybeCommit()) {
        this.broadcastAppend(true);
        return;
      }
    }
    if (wasPaused || pr.next <= this.log.lastIndex()) this.sendAppends(m.from, pr, false);
    this.maybeSendTimeoutNow(m.from, pr);
  }

  protected maybeSendTimeoutNow(to: NodeId, pr: Progress): void {
    if (this.transferee === to && pr.match === this.log.lastIndex()) this.send({ type: 'timeoutNow', to });
  }

  protected handleHeartbeatResponse(m: HeartbeatResponse): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.probeSent = false;
    // A follower whose match did not move between two heartbeat answers while entries are
    // outstanding has probably lost appends (or their answers): probe again from its match.
    const stalled = pr.match === pr.matchAtLastHeartbeat;
    pr.matchAtLastHeartbeat = pr.match;
    const behind = pr.match < this.log.lastIndex();
    // A snapshot that was lost (or whose answer was) is retried the same way.
    if (pr.state !== 'probe' && stalled && behind) pr.becomeProbe();
    if (behind) this.sendAppends(m.from, pr, pr.state === 'probe');
    if (m.readRound > pr.readRoundAcked) {
      pr.readRoundAcked = m.readRound;
      this.releaseReads();
    }
  }

  protected flushOwed(): void {
    if (this.role !== 'leader') return;
    if (this.appendBroadcastOwed) {
      this.appendBroadcastOwed = false;
      this.broadcastAppend(false);
    }
    const round = this.reads.takeUnsentRound();
    if (round > 0) this.broadcastHeartbeat(round);
  }

  protected broadcastAppend(sendIfEmpty: boolean): void {
    for (const [id, pr] of this.progress) {
      if (id !== this.id) this.sendAppends(id, pr, sendIfEmpty);
    }
  }

  // Sends appends to one follower while its window allows and entries remain.
  protected sendAppends(to: NodeId, pr: Progress, sendIfEmpty: boolean): void {
    let first = true;
    while (!pr.isPaused()) {
      const hasEntries = pr.next <= this.log.lastIndex();
      if (!hasEntries && !(first && (sendIfEmpty || pr.state === 'probe'))) return;
      first = false;
      const prevIndex = pr.next - 1;
      const prevTerm = this.log.term(prevIndex);
      // The follower needs entries we compacted away: send the snapshot instead.
      if (prevTerm === undefined) return this.sendSnapshot(to, pr);
      const entries = hasEntries
        ? this.log.slice(pr.next, this.log.lastIndex(), this.cfg.messageBytesMax, this.cfg.entriesPerMessageMax)
        : [];
      this.send({ type: 'append', to, prevIndex, prevTerm, entries, commit: this.log.committed });
      pr.sentAppend(prevIndex + entries.length, entries.length);
      if (pr.state === 'probe') return;
    }
  }

  protected sendSnapshot(to: NodeId, pr: Progress): void {
    const index = this.log.snapshotIndex;
    this.send({ type: 'snapshot', to, index, snapTerm: this.log.snapshotTerm, config: this.baseConfig, data: emptyData });
    pr.becomeSnapshot(index);
  }

  protected broadcastHeartbeat(readRound: number): void {
    for (const [id, pr] of this.progress) {
      if (id === this.id) continue;
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: 'heartbeat', to: id, commit, readRound });
    }
  }

  // Advances the commit index to the highest index durable on a quorum, if that entry is of
  // the current term (§5.4.2: never commit an older term's entry by counting replicas).
  protected maybeCommit(): boolean {
    const matches: number[] = [];
    for (const v of this.voters) {
      matches.push(v === this.id ? this.log.stableIndex : this.progress.get(v)!.match);
    }
    matches.sort((a, b) => b - a);
    const candidate = matches[this.quorum() - 1]!;
    if (candidate <= this.log.committed || this.log.term(candidate) !== this.term) return false;
    this.log.commitTo(candidate);
    if (!this.isVoter(this.id) && this.log.committed >= this.configIndex) {
      // The configuration that removed us is committed: hand over by stepping down.
      this.becomeFollower(this.term, null);
      return false;
    }
    if (!this.committedInTerm) {
      this.committedInTerm = true;
      for (const r of this.reads.takeDeferred()) this.handleReadIndex(r.ctx, r.from);
    }
    return true;
  }

  protected handleReadIndex(ctx: string, from: NodeId): void {
    if (!this.committedInTerm) {
      this.reads.deferUntilCommit(ctx, from);
      return;
    }
    this.reads.add(ctx, from, this.log.committed);
    if (this.voters.length === 1) this.releaseReads();
  }

  protected releaseReads(): void {
    const released = this.reads.release((round) => {
      let acks = 0;
      for (const v of this.voters) {
        if (v === this.id || this.progress.get(v)!.readRoundAcked >= round) acks++;
      }
      return acks >= this.quorum();
    });
    for (const r of released) {
      if (r.from === this.id) this.readStates.push({ index: r.index, ctx: r.ctx });
      else this.send({ type: 'readIndexResp', to: r.from, ctx: r.ctx, index: r.index });
    }
  }
}
