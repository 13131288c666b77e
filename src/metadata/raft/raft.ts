// The Raft consensus core: a deterministic state machine with no clock, no randomness of its
// own and no I/O (see types.ts for the driver contract). Election with pre-vote and
// check-quorum, replication with batching, pipelining and fast back-tracking, and ReadIndex.
//
// References: Ongaro, "Consensus: Bridging Theory and Practice" (2014), and etcd-raft, whose
// structure (step/tick/ready/advance, progress states, leader stickiness) this follows.

import { assert } from '../../util/assert.js';
import { limits } from '../../limits.js';
import { BackpressureError, NotLeaderError, RaftError } from './errors.js';
import { applyChange, encodeConfig, type ConfigChange, type Membership } from './membership.js';
import { RaftLeader } from './raft-leader.js';
import {
  EntryKind,
  sendableBeforePersist,
  type AppendRequest,
  type Entry,
  type HardState,
  type Heartbeat,
  type Message,
  type NodeId,
  type Ready,
  type ReadState,
  type Snapshot,
  type SnapshotMessage,
  type VoteRequest,
  type VoteResponse,
} from './types.js';

// The public driver interface first, then elections and the follower side.
export class Raft extends RaftLeader {
  // A snapshot received from the leader, not yet handed to the driver.
  private pendingSnapshot: Snapshot | null = null;

  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  step(m: Message): void {
    if (m.term > this.term) {
      if ((m.type === 'vote' || m.type === 'preVote') && m.transfer !== true && this.inLease()) return;
      const keepTerm = m.type === 'preVote' || (m.type === 'preVoteResp' && m.granted);
      if (!keepTerm) {
        const fromLeader = m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot';
        this.becomeFollower(m.term, fromLeader ? m.from : null);
      }
    } else if (m.term < this.term) {
      // A stale leader (or a node that rejoined) learns our term and steps down; a stale
      // pre-candidate learns it cannot win.
      if (m.type === 'append' || m.type === 'heartbeat') {
        this.send({ type: 'appendResp', to: m.from, index: 0, reject: true, hintIndex: 0, hintTerm: 0 });
      } else if (m.type === 'preVote') {
        this.send({ type: 'preVoteResp', to: m.from, granted: false });
      }
      return;
    }
    if (m.type === 'vote' || m.type === 'preVote') return this.handleVoteRequest(m);
    if (this.role === 'leader') this.stepLeader(m);
    else if (this.role === 'follower') this.stepFollower(m);
    else this.stepCandidate(m);
  }

  // Appends a command to the leader's log. The caller learns the outcome when an entry
  // with this index is applied: the same term means it is this proposal, another term means
  // the proposal was dropped.
  propose(data: Uint8Array): { index: number; term: number } {
    if (this.role !== 'leader') throw new NotLeaderError(this.leader);
    // During a transfer new entries would only delay the transferee catching up.
    if (this.transferee !== null) throw new NotLeaderError(this.transferee);
    const uncommitted = this.log.lastIndex() - this.log.committed;
    if (uncommitted >= this.cfg.uncommittedEntriesMax) throw new BackpressureError(uncommitted);
    const index = this.log.lastIndex() + 1;
    this.log.append({ index, term: this.term, kind: EntryKind.normal, data });
    this.appendBroadcastOwed = true;
    return { index, term: this.term };
  }

  // Requests a linearizable read point. The answer arrives later as a ReadState with this
  // ctx (on a follower, via the leader). Returns false when no leader is known: the caller
  // should retry later.
  readIndex(ctx: string): boolean {
    if (this.role === 'leader') {
      if (this.reads.isFull()) throw new BackpressureError(this.reads.size());
      this.handleReadIndex(ctx, this.id);
      return true;
    }
    if (this.leader === null) return false;
    this.send({ type: 'readIndex', to: this.leader, ctx });
    return true;
  }

  // Starts an election now (used by tests and by leadership transfer).
  campaign(): void {
    this.hup();
  }

  hasReady(): boolean {
    if (this.inFlight !== null) return false;
    this.flushOwed();
    return (
      this.pendingSnapshot !== null ||
      this.msgs.length > 0 ||
      this.readStates.length > 0 ||
      this.log.stableIndex < this.log.lastIndex() ||
      this.log.committed > this.handedOut ||
      !sameHardState(this.hardState(), this.lastHardState)
    );
  }

  ready(): Ready {
    assert(this.inFlight === null, 'ready() called before advance() of the previous Ready');
    this.flushOwed();
    const hs = this.hardState();
    const log = this.log;
    const entries = log.stableIndex < log.lastIndex() ? log.slice(log.stableIndex + 1, log.lastIndex()) : [];
    const applyTo = Math.min(log.committed, this.handedOut + limits.raftApplyEntriesPerReadyMax);
    const committedEntries = applyTo > this.handedOut ? log.slice(this.handedOut + 1, applyTo) : [];
    this.handedOut = Math.max(this.handedOut, applyTo);
    const rd: Ready = {
      snapshot: this.pendingSnapshot,
      hardState: sameHardState(hs, this.lastHardState) ? null : hs,
      entries,
      messages: this.msgs,
      committedEntries,
      readStates: this.readStates,
      softState: { role: this.role, leader: this.leader },
    };
    this.msgs = [];
    this.readStates = [];
    this.pendingSnapshot = null;
    const last = entries.length > 0 ? entries[entries.length - 1]! : null;
    this.inFlight = { lastIndex: last?.index ?? 0, lastTerm: last?.term ?? 0, appliedTo: applyTo };
    if (rd.hardState !== null) this.lastHardState = rd.hardState;
    return rd;
  }

  // The driver has persisted, sent and applied everything in the last Ready.
  advance(): void {
    const f = this.inFlight;
    assert(f !== null, 'advance() without a Ready');
    this.inFlight = null;
    if (f.lastIndex > 0) this.log.stableTo(f.lastIndex, f.lastTerm);
    this.log.applied = Math.max(this.log.applied, f.appliedTo);
    if (this.role === 'leader' && this.maybeCommit()) this.broadcastAppend(true);
  }

  // Committed entries that are also durable here, for a driver to apply while a Ready is
  // still being persisted (so applying never waits behind the next batch's fsync). The
  // driver reports progress with appliedTo().
  takeCommitted(): Entry[] {
    // Entries must be applied in order: not while the Ready in flight carries unapplied ones.
    if (this.inFlight !== null && this.inFlight.appliedTo > this.log.applied) return [];
    const to = Math.min(this.log.committed, this.log.stableIndex, this.handedOut + limits.raftApplyEntriesPerReadyMax);
    if (to <= this.handedOut) return [];
    const out = this.log.slice(this.handedOut + 1, to);
    this.handedOut = to;
    return out;
  }

  appliedTo(index: number): void {
    assert(index <= this.handedOut, 'applied an entry that was not handed out');
    this.log.applied = Math.max(this.log.applied, index);
  }

  // A leader's appends and heartbeats, for a driver to send while a Ready is in flight, so
  // that followers persist the next batch while the leader is still syncing the previous
  // one (pipelining). The entries they carry reach the leader's disk with the next Ready.
  takeEarlyMessages(): Message[] {
    this.flushOwed();
    const early = this.msgs.filter(sendableBeforePersist);
    if (early.length > 0) this.msgs = this.msgs.filter((m) => !sendableBeforePersist(m));
    return early;
  }

  // Read states confirmed so far, for a driver to serve while a Ready is in flight.
  takeReadStates(): ReadState[] {
    const out = this.readStates;
    this.readStates = [];
    return out;
  }

  // Hands leadership to a voter: once its log matches ours it is told to campaign at once
  // (TimeoutNow), and voters set stickiness aside for that campaign. Proposals are refused
  // meanwhile; a transfer not done within an election timeout is abandoned.
  transferLeadership(to: NodeId): void {
    if (this.role !== 'leader') throw new NotLeaderError(this.leader);
    if (to === this.id || !this.isVoter(to)) return;
    this.transferee = to;
    this.transferElapsed = 0;
    const pr = this.progress.get(to)!;
    this.sendAppends(to, pr, false);
    this.maybeSendTimeoutNow(to, pr);
  }

  protected hup(transfer = false): void {
    if (this.role === 'leader' || !this.isVoter(this.id)) return;
    if (transfer) {
      // The leader asked: skip pre-vote, which voters in their lease would refuse.
      this.becomeCandidate();
      this.requestVotes('vote', this.term, true);
    } else if (this.cfg.preVote) {
      this.becomePreCandidate();
      this.requestVotes('preVote', this.term + 1);
    } else {
      this.becomeCandidate();
      this.requestVotes('vote', this.term);
    }
  }

  protected requestVotes(type: 'preVote' | 'vote', term: number, transfer = false): void {
    if (this.tally(this.id, true) === 'won') return this.onElectionWon(type);
    for (const v of this.voters) {
      if (v === this.id) continue;
      this.send({ type, to: v, term, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm(), ...(transfer ? { transfer } : {}) });
    }
  }

  protected tally(from: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
    if (!this.votes.has(from)) this.votes.set(from, granted);
    let yes = 0;
    let no = 0;
    for (const v of this.voters) {
      const g = this.votes.get(v);
      if (g === true) yes++;
      else if (g === false) no++;
    }
    if (yes >= this.quorum()) return 'won';
    if (no > this.voters.length - this.quorum()) return 'lost';
    return 'pending';
  }

  protected onElectionWon(type: 'preVote' | 'vote'): void {
    if (type === 'preVote') {
      this.becomeCandidate();
      this.requestVotes('vote', this.term);
    } else {
      this.becomeLeader();
    }
  }

  protected tickElection(): void {
    this.electionElapsed++;
    if (this.role === 'preCandidate') this.preCampaignTicks++;
    if (this.electionElapsed >= this.randomizedElectionTimeout) {
      this.electionElapsed = 0;
      this.hup();
    } else if (this.role === 'preCandidate' && this.electionElapsed % this.cfg.heartbeatTicks === 0) {
      // Voters that still heard from the old leader a moment ago ignore a pre-vote (leader
      // stickiness); ask again soon rather than after a whole new election timeout, which
      // would otherwise add up to one timeout to every failover. Pre-votes change no state,
      // so repeating them is harmless.
      this.resendPreVotes();
    }
  }

  protected resendPreVotes(): void {
    for (const v of this.voters) {
      if (v === this.id || this.votes.has(v)) continue;
      this.send({ type: 'preVote', to: v, term: this.term + 1, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm() });
    }
  }

  protected handleVoteRequest(m: VoteRequest): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.leader === null) ||
      (m.type === 'preVote' && m.term > this.term);
    const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    // Two pre-candidates with equal logs used to grant each other's pre-votes and then both
    // campaign, splitting the vote: in the failover benchmark every failover that took two
    // terms (7 of 24) was one of those, and each cost another election timeout. The tie goes
    // to the lower id. Only during the first election timeout of a pre-campaign: a lower id
    // that cannot win (a partial partition) must not block a higher one for ever.
    const tie =
      m.type === 'preVote' && this.role === 'preCandidate' && m.from > this.id &&
      this.preCampaignTicks < this.cfg.electionTicks &&
      m.lastTerm === this.log.lastTerm() && m.lastIndex === this.log.lastIndex();
    if (canVote && !tie && this.log.isUpToDate(m.lastIndex, m.lastTerm)) {
      // A granted pre-vote answers in the term asked about so the asker counts it.
      this.send({ type: respType, to: m.from, term: m.term, granted: true });
      if (m.type === 'vote') {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: respType, to: m.from, granted: false });
    }
  }

  protected stepCandidate(m: Message): void {
    if (m.type === 'append' || m.type === 'heartbeat' || m.type === 'snapshot') {
      this.becomeFollower(m.term, m.from);
      this.stepFollower(m);
      return;
    }
    const expected = this.role === 'preCandidate' ? 'preVoteResp' : 'voteResp';
    if (m.type !== expected) return;
    const outcome = this.tally(m.from, (m as VoteResponse).granted);
    if (outcome === 'won') this.onElectionWon(m.type === 'preVoteResp' ? 'preVote' : 'vote');
    else if (outcome === 'lost') this.becomeFollower(this.term, null);
  }

  protected stepFollower(m: Message): void {
    switch (m.type) {
      case 'append':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleAppend(m);
        break;
      case 'heartbeat':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleHeartbeat(m);
        break;
      case 'readIndexResp':
        this.readStates.push({ index: m.index, ctx: m.ctx });
        break;
      case 'timeoutNow':
        if (m.from === this.leader) this.hup(true);
        break;
      case 'snapshot':
        this.electionElapsed = 0;
        this.leader = m.from;
        this.handleSnapshot(m);
        break;
      default:
        break;
    }
  }

  private handleSnapshot(m: SnapshotMessage): void {
    const log = this.log;
    const ack = (index: number): void =>
      this.send({ type: 'appendResp', to: m.from, index, reject: false, hintIndex: 0, hintTerm: 0 });
    if (m.index <= log.committed) return ack(log.committed);
    if (log.matchTerm(m.index, m.snapTerm)) {
      // We already hold the entries the snapshot covers: just learn that they are committed.
      log.commitTo(m.index);
      return ack(m.index);
    }
    // Replace the whole log; the driver persists the snapshot and restores the state machine
    // from it before the acknowledgement leaves (it travels in the same Ready).
    log.compact(m.index, m.snapTerm);
    this.baseConfig = m.config;
    this.refreshConfig();
    this.handedOut = Math.max(this.handedOut, m.index);
    this.pendingSnapshot = { index: m.index, term: m.snapTerm, config: this.baseConfig, data: m.data };
    ack(m.index);
  }

  // The driver has durably stored a state machine snapshot at index (≤ applied): drop the
  // log prefix it covers. Followers that need it will get the snapshot instead.
  compact(index: number): void {
    assert(index <= this.log.applied, `compact at ${index} beyond applied ${this.log.applied}`);
    const term = this.log.term(index);
    if (term === undefined || index <= this.log.snapshotIndex) return;
    this.baseConfig = this.configAt(index);
    this.log.compact(index, term);
    this.refreshConfig();
  }

  // The configuration as of the compacted prefix: what a driver stores with its snapshot.
  snapshotConfig(): Membership {
    return this.baseConfig;
  }

  // Proposes one membership change: add a learner, add or promote a voter, or remove a
  // member. Refused while another change is uncommitted, before this leader has committed an
  // entry of its term, and during a transfer. A learner is promoted only once it holds
  // every entry committed so far (RAFT_LEARNER_BEHIND otherwise: retry once it caught up),
  // so that a promotion never leaves the quorum waiting for a member still copying the log.
  proposeConfigChange(change: ConfigChange): { index: number; term: number } {
    if (this.role !== 'leader') throw new NotLeaderError(this.leader);
    if (!this.committedInTerm || this.configIndex > this.log.committed || this.transferee !== null) {
      throw new RaftError('RAFT_CONFIG_CHANGE_PENDING', 'another configuration change is in progress; retry later');
    }
    if ('add' in change && this.config.learners.includes(change.add) && this.progress.get(change.add)!.match < this.log.committed) {
      throw new RaftError('RAFT_LEARNER_BEHIND', `learner ${change.add} has not caught up yet; retry later`);
    }
    const config = applyChange(this.config, change);
    if (config.voters.length === 0) throw new RaftError('RAFT_CONFIG_INVALID', 'a group needs at least one voter');
    const index = this.log.lastIndex() + 1;
    this.log.append({ index, term: this.term, kind: EntryKind.config, data: encodeConfig(config) });
    this.refreshConfig();
    this.appendBroadcastOwed = true;
    return { index, term: this.term };
  }

  protected handleAppend(m: AppendRequest): void {
    const log = this.log;
    if (m.prevIndex < log.committed) {
      // Everything up to our commit index is settled; tell the leader where we are.
      this.send({ type: 'appendResp', to: m.from, index: log.committed, reject: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (log.matchTerm(m.prevIndex, m.prevTerm)) {
      log.merge(m.entries);
      if (this.configMayHaveChanged(m.entries)) this.refreshConfig();
      const lastNew = m.prevIndex + m.entries.length;
      log.commitTo(Math.min(m.commit, lastNew));
      this.send({ type: 'appendResp', to: m.from, index: lastNew, reject: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    const hintIndex = log.findConflictByTerm(Math.min(m.prevIndex, log.lastIndex()), m.prevTerm);
    const hintTerm = log.term(hintIndex) ?? 0;
    this.send({ type: 'appendResp', to: m.from, index: m.prevIndex, reject: true, hintIndex, hintTerm });
  }

  protected handleHeartbeat(m: Heartbeat): void {
    // The leader clamps commit to what we are known to match, so this is safe.
    if (m.commit <= this.log.lastIndex()) this.log.commitTo(m.commit);
    this.send({ type: 'heartbeatResp', to: m.from, readRound: m.readRound });
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export type { Entry };
