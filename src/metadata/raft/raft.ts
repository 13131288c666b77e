// The Raft consensus core: a deterministic state machine with no clock, no randomness of its
// own and no I/O (see types.ts for the driver contract). Election with pre-vote and
// check-quorum, replication with batching, pipelining and fast back-tracking, and ReadIndex.
//
// References: Ongaro, "Consensus: Bridging Theory and Practice" (2014), and etcd-raft, whose
// structure (step/tick/ready/advance, progress states, leader stickiness) this follows.

import { assert } from '../../util/assert.js';
import { limits } from '../../limits.js';
import { BackpressureError, NotLeaderError } from './errors.js';
import { RaftLog } from './log.js';
import { Progress } from './progress.js';
import { ReadIndexQueue } from './read-index.js';
import {
  EntryKind,
  sendableBeforePersist,
  type AppendRequest,
  type AppendResponse,
  type Entry,
  type HardState,
  type Heartbeat,
  type HeartbeatResponse,
  type InitialState,
  type Message,
  type NodeId,
  type RaftConfig,
  type Ready,
  type ReadState,
  type Role,
  type VoteRequest,
  type VoteResponse,
} from './types.js';

// Distributes a message over the union so that each member keeps its own fields.
type Outgoing = Message extends infer M ? (M extends Message ? Omit<M, 'from' | 'term'> & { term?: number } : never) : never;

const emptyData = new Uint8Array(0);

export class Raft {
  readonly id: NodeId;
  term: number;
  vote: NodeId | null;
  role: Role = 'follower';
  leader: NodeId | null = null;
  readonly log: RaftLog;

  private readonly voters: readonly NodeId[];
  private readonly cfg: Required<RaftConfig>;
  private progress = new Map<NodeId, Progress>();
  private votes = new Map<NodeId, boolean>();
  private electionElapsed = 0;
  private heartbeatElapsed = 0;
  private randomizedElectionTimeout = 0;
  private msgs: Message[] = [];
  private readStates: ReadState[] = [];
  private readonly reads = new ReadIndexQueue(limits.raftReadsPendingMax);
  // Proposals arrived since the last Ready; their appends go out in one batch.
  private appendBroadcastOwed = false;
  private committedInTerm = false;
  // The hard state last handed to the driver, and the Ready the driver is working on.
  private lastHardState: HardState;
  private inFlight: { lastIndex: number; lastTerm: number; appliedTo: number } | null = null;
  // The last committed index handed to the driver for applying (by ready() or
  // takeCommitted()); at least log.applied.
  private handedOut: number;

  constructor(config: RaftConfig, initial: InitialState) {
    this.cfg = {
      preVote: true,
      checkQuorum: true,
      messageBytesMax: limits.raftMessageBytesMax,
      entriesPerMessageMax: limits.raftEntriesPerMessageMax,
      inflightMessagesMax: limits.raftInflightMessagesMax,
      uncommittedEntriesMax: limits.raftUncommittedEntriesMax,
      ...config,
    };
    assert(config.electionTicks > config.heartbeatTicks && config.heartbeatTicks > 0, 'election must be slower than heartbeat');
    this.id = config.id;
    this.voters = [...new Set(config.voters)].sort();
    const hs = initial.hardState;
    this.term = hs.term;
    this.vote = hs.vote;
    this.lastHardState = hs;
    this.log = new RaftLog(initial.snapshotIndex, initial.snapshotTerm, initial.entries, hs.commit, initial.applied);
    this.handedOut = this.log.applied;
    this.resetTimers();
  }

  // ---- driver interface -------------------------------------------------------------

  tick(): void {
    if (this.role === 'leader') this.tickLeader();
    else this.tickElection();
  }

  step(m: Message): void {
    if (m.term > this.term) {
      if ((m.type === 'vote' || m.type === 'preVote') && this.inLease()) return;
      const keepTerm = m.type === 'preVote' || (m.type === 'preVoteResp' && m.granted);
      if (!keepTerm) {
        const fromLeader = m.type === 'append' || m.type === 'heartbeat';
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
      hardState: sameHardState(hs, this.lastHardState) ? null : hs,
      entries,
      messages: this.msgs,
      committedEntries,
      readStates: this.readStates,
      softState: { role: this.role, leader: this.leader },
    };
    this.msgs = [];
    this.readStates = [];
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

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  isVoter(id: NodeId): boolean {
    return this.voters.includes(id);
  }

  // ---- roles ------------------------------------------------------------------------

  private resetTimers(): void {
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTicks + Math.floor(this.cfg.random() * this.cfg.electionTicks);
  }

  private reset(term: number): void {
    if (this.term !== term) {
      this.term = term;
      this.vote = null;
    }
    this.leader = null;
    this.votes = new Map();
    this.progress = new Map();
    this.reads.clear();
    this.appendBroadcastOwed = false;
    this.committedInTerm = false;
    this.resetTimers();
  }

  private becomeFollower(term: number, leader: NodeId | null): void {
    this.reset(term);
    this.role = 'follower';
    this.leader = leader;
  }

  private becomePreCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot pre-campaign');
    // Pre-vote changes neither term nor vote, so a node that cannot win disturbs nobody.
    this.votes = new Map();
    this.leader = null;
    this.role = 'preCandidate';
    this.resetTimers();
  }

  private becomeCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot campaign');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  private becomeLeader(): void {
    assert(this.role === 'candidate', 'only a candidate becomes leader');
    this.reset(this.term);
    this.role = 'leader';
    this.leader = this.id;
    const next = this.log.lastIndex() + 1;
    for (const v of this.voters) {
      const pr = new Progress(next, this.cfg.inflightMessagesMax);
      if (v === this.id) pr.becomeReplicate();
      this.progress.set(v, pr);
    }
    this.log.append({ index: next, term: this.term, kind: EntryKind.noop, data: emptyData });
    this.broadcastAppend(true);
  }

  private hup(): void {
    if (this.role === 'leader' || !this.isVoter(this.id)) return;
    if (this.cfg.preVote) {
      this.becomePreCandidate();
      this.requestVotes('preVote', this.term + 1);
    } else {
      this.becomeCandidate();
      this.requestVotes('vote', this.term);
    }
  }

  private requestVotes(type: 'preVote' | 'vote', term: number): void {
    if (this.tally(this.id, true) === 'won') return this.onElectionWon(type);
    for (const v of this.voters) {
      if (v === this.id) continue;
      this.send({ type, to: v, term, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm() });
    }
  }

  private tally(from: NodeId, granted: boolean): 'won' | 'lost' | 'pending' {
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

  private onElectionWon(type: 'preVote' | 'vote'): void {
    if (type === 'preVote') {
      this.becomeCandidate();
      this.requestVotes('vote', this.term);
    } else {
      this.becomeLeader();
    }
  }

  private quorum(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  // Leader stickiness: while we hear from a live leader, refuse to help anyone depose it.
  private inLease(): boolean {
    return this.cfg.checkQuorum && this.leader !== null && this.electionElapsed < this.cfg.electionTicks;
  }

  // ---- ticks ------------------------------------------------------------------------

  private tickElection(): void {
    this.electionElapsed++;
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

  private resendPreVotes(): void {
    for (const v of this.voters) {
      if (v === this.id || this.votes.has(v)) continue;
      this.send({ type: 'preVote', to: v, term: this.term + 1, lastIndex: this.log.lastIndex(), lastTerm: this.log.lastTerm() });
    }
  }

  private tickLeader(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
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
  private checkQuorumActive(): boolean {
    let active = 0;
    for (const v of this.voters) {
      const pr = this.progress.get(v)!;
      if (v === this.id || pr.recentActive) active++;
      pr.recentActive = false;
    }
    return active >= this.quorum();
  }

  // ---- message handling -------------------------------------------------------------

  private handleVoteRequest(m: VoteRequest): void {
    const canVote =
      this.vote === m.from ||
      (this.vote === null && this.leader === null) ||
      (m.type === 'preVote' && m.term > this.term);
    const respType = m.type === 'vote' ? 'voteResp' : 'preVoteResp';
    if (canVote && this.log.isUpToDate(m.lastIndex, m.lastTerm)) {
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

  private stepCandidate(m: Message): void {
    if (m.type === 'append' || m.type === 'heartbeat') {
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

  private stepFollower(m: Message): void {
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
      default:
        break;
    }
  }

  private handleAppend(m: AppendRequest): void {
    const log = this.log;
    if (m.prevIndex < log.committed) {
      // Everything up to our commit index is settled; tell the leader where we are.
      this.send({ type: 'appendResp', to: m.from, index: log.committed, reject: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    if (log.matchTerm(m.prevIndex, m.prevTerm)) {
      log.merge(m.entries);
      const lastNew = m.prevIndex + m.entries.length;
      log.commitTo(Math.min(m.commit, lastNew));
      this.send({ type: 'appendResp', to: m.from, index: lastNew, reject: false, hintIndex: 0, hintTerm: 0 });
      return;
    }
    const hintIndex = log.findConflictByTerm(Math.min(m.prevIndex, log.lastIndex()), m.prevTerm);
    const hintTerm = log.term(hintIndex) ?? 0;
    this.send({ type: 'appendResp', to: m.from, index: m.prevIndex, reject: true, hintIndex, hintTerm });
  }

  private handleHeartbeat(m: Heartbeat): void {
    // The leader clamps commit to what we are known to match, so this is safe.
    if (m.commit <= this.log.lastIndex()) this.log.commitTo(m.commit);
    this.send({ type: 'heartbeatResp', to: m.from, readRound: m.readRound });
  }

  private stepLeader(m: Message): void {
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

  private handleAppendResponse(m: AppendResponse): void {
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
      if (pr.state === 'probe') pr.becomeReplicate();
      if (this.maybeCommit()) {
        this.broadcastAppend(true);
        return;
      }
    }
    if (wasPaused || pr.next <= this.log.lastIndex()) this.sendAppends(m.from, pr, false);
  }

  private handleHeartbeatResponse(m: HeartbeatResponse): void {
    const pr = this.progress.get(m.from);
    if (pr === undefined) return;
    pr.recentActive = true;
    pr.probeSent = false;
    // A follower whose match did not move between two heartbeat answers while entries are
    // outstanding has probably lost appends (or their answers): probe again from its match.
    const stalled = pr.match === pr.matchAtLastHeartbeat;
    pr.matchAtLastHeartbeat = pr.match;
    const behind = pr.match < this.log.lastIndex();
    if (pr.state === 'replicate' && stalled && behind) pr.becomeProbe();
    if (behind) this.sendAppends(m.from, pr, pr.state === 'probe');
    if (m.readRound > pr.readRoundAcked) {
      pr.readRoundAcked = m.readRound;
      this.releaseReads();
    }
  }

  // ---- replication ------------------------------------------------------------------

  private flushOwed(): void {
    if (this.role !== 'leader') return;
    if (this.appendBroadcastOwed) {
      this.appendBroadcastOwed = false;
      this.broadcastAppend(false);
    }
    const round = this.reads.takeUnsentRound();
    if (round > 0) this.broadcastHeartbeat(round);
  }

  private broadcastAppend(sendIfEmpty: boolean): void {
    for (const [id, pr] of this.progress) {
      if (id !== this.id) this.sendAppends(id, pr, sendIfEmpty);
    }
  }

  // Sends appends to one follower while its window allows and entries remain.
  private sendAppends(to: NodeId, pr: Progress, sendIfEmpty: boolean): void {
    let first = true;
    while (!pr.isPaused()) {
      const hasEntries = pr.next <= this.log.lastIndex();
      if (!hasEntries && !(first && (sendIfEmpty || pr.state === 'probe'))) return;
      first = false;
      const prevIndex = pr.next - 1;
      const prevTerm = this.log.term(prevIndex);
      // Compacted entries need a snapshot, which this core does not send yet.
      if (prevTerm === undefined) return;
      const entries = hasEntries
        ? this.log.slice(pr.next, this.log.lastIndex(), this.cfg.messageBytesMax, this.cfg.entriesPerMessageMax)
        : [];
      this.send({ type: 'append', to, prevIndex, prevTerm, entries, commit: this.log.committed });
      pr.sentAppend(prevIndex + entries.length, entries.length);
      if (pr.state === 'probe') return;
    }
  }

  private broadcastHeartbeat(readRound: number): void {
    for (const [id, pr] of this.progress) {
      if (id === this.id) continue;
      const commit = Math.min(pr.match, this.log.committed);
      this.send({ type: 'heartbeat', to: id, commit, readRound });
    }
  }

  // Advances the commit index to the highest index durable on a quorum, if that entry is of
  // the current term (§5.4.2: never commit an older term's entry by counting replicas).
  private maybeCommit(): boolean {
    const matches: number[] = [];
    for (const v of this.voters) {
      matches.push(v === this.id ? this.log.stableIndex : this.progress.get(v)!.match);
    }
    matches.sort((a, b) => b - a);
    const candidate = matches[this.quorum() - 1]!;
    if (candidate <= this.log.committed || this.log.term(candidate) !== this.term) return false;
    this.log.commitTo(candidate);
    if (!this.committedInTerm) {
      this.committedInTerm = true;
      for (const r of this.reads.takeDeferred()) this.handleReadIndex(r.ctx, r.from);
    }
    return true;
  }

  // ---- reads ------------------------------------------------------------------------

  private handleReadIndex(ctx: string, from: NodeId): void {
    if (!this.committedInTerm) {
      this.reads.deferUntilCommit(ctx, from);
      return;
    }
    this.reads.add(ctx, from, this.log.committed);
    if (this.voters.length === 1) this.releaseReads();
  }

  private releaseReads(): void {
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

  private send(m: Outgoing): void {
    this.msgs.push({ ...m, from: this.id, term: m.term ?? this.term } as Message);
  }
}

function sameHardState(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

export type { Entry };
