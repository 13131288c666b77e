// The state every Raft role shares, and the role transitions. Split from raft.ts by concern:
// raft-base.ts (state, roles), raft-leader.ts (replication, commit, reads), raft.ts (the
// public driver interface, elections and the follower side).

import { assert } from '../../util/assert.js';
import { limits } from '../../limits.js';
import { RaftLog } from './log.js';
import { Progress } from './progress.js';
import { ReadIndexQueue } from './read-index.js';
import { decodeConfig, members, membership, type Membership } from './membership.js';
import { EntryKind, type HardState, type InitialState, type Message, type NodeId, type RaftConfig, type ReadState, type Role } from './types.js';

// Distributes a message over the union so that each member keeps its own fields.
export type Outgoing = Message extends infer M ? (M extends Message ? Omit<M, 'from' | 'term'> & { term?: number } : never) : never;

export abstract class RaftBase {
  readonly id: NodeId;
  term: number;
  vote: NodeId | null;
  role: Role = 'follower';
  leader: NodeId | null = null;
  readonly log: RaftLog;

  // The configuration in effect: the latest config entry in the log, else baseConfig (the
  // configuration as of the snapshot, or the initial one). `voters` is config.voters: only
  // voters count in elections, commits, check-quorum and read confirmation.
  protected config: Membership;
  protected voters: readonly NodeId[];
  protected baseConfig: Membership;
  protected configIndex = 0;
  protected configTerm = 0;
  protected readonly cfg: Required<Omit<RaftConfig, 'learners'>>;
  protected progress = new Map<NodeId, Progress>();
  protected votes = new Map<NodeId, boolean>();
  protected electionElapsed = 0;
  protected heartbeatElapsed = 0;
  protected randomizedElectionTimeout = 0;
  protected msgs: Message[] = [];
  protected readStates: ReadState[] = [];
  protected readonly reads = new ReadIndexQueue(limits.raftReadsPendingMax);
  // Proposals arrived since the last Ready; their appends go out in one batch.
  protected appendBroadcastOwed = false;
  protected committedInTerm = false;
  // The follower a leadership transfer is handing over to, if one is under way.
  protected transferee: NodeId | null = null;
  protected transferElapsed = 0;
  // The hard state last handed to the driver, and the Ready the driver is working on.
  protected lastHardState: HardState;
  protected inFlight: { lastIndex: number; lastTerm: number; appliedTo: number } | null = null;
  // The last committed index handed to the driver for applying (by ready() or
  // takeCommitted()); at least log.applied.
  protected handedOut: number;

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
    this.baseConfig = initial.snapshotConfig ?? membership(config.voters, config.learners ?? []);
    this.config = this.baseConfig;
    this.voters = this.config.voters;
    const hs = initial.hardState;
    this.term = hs.term;
    this.vote = hs.vote;
    this.lastHardState = hs;
    this.log = new RaftLog(initial.snapshotIndex, initial.snapshotTerm, initial.entries, hs.commit, initial.applied);
    this.handedOut = this.log.applied;
    this.refreshConfig();
    this.resetTimers();
  }

  currentVoters(): readonly NodeId[] {
    return this.voters;
  }

  currentConfig(): Membership {
    return this.config;
  }

  // Recomputes the configuration from the log: after a config entry is appended, after a
  // truncation that may have removed one, and after compaction.
  protected refreshConfig(): void {
    let found = false;
    for (let i = this.log.lastIndex(); i > this.log.snapshotIndex && !found; i--) {
      const e = this.log.entry(i)!;
      if (e.kind !== EntryKind.config) continue;
      this.configIndex = i;
      this.configTerm = e.term;
      this.config = decodeConfig(e.data);
      found = true;
    }
    if (!found) {
      this.configIndex = 0;
      this.configTerm = 0;
      this.config = this.baseConfig;
    }
    this.voters = this.config.voters;
    this.onConfigChanged();
  }

  // Whether entries just merged could have changed the configuration.
  protected configMayHaveChanged(entries: readonly { kind: number }[]): boolean {
    if (entries.some((e) => e.kind === EntryKind.config)) return true;
    return this.configIndex > 0 && this.log.term(this.configIndex) !== this.configTerm;
  }

  // The configuration as of index (for a snapshot taken there).
  configAt(index: number): Membership {
    for (let i = Math.min(index, this.log.lastIndex()); i > this.log.snapshotIndex; i--) {
      const e = this.log.entry(i)!;
      if (e.kind === EntryKind.config) return decodeConfig(e.data);
    }
    return this.baseConfig;
  }

  // A leader keeps a progress entry for exactly the members (voters and learners) of its
  // configuration, and itself.
  protected onConfigChanged(): void {
    if (this.role !== 'leader') return;
    const all = members(this.config);
    for (const v of all) {
      if (!this.progress.has(v)) this.progress.set(v, new Progress(this.log.lastIndex() + 1, this.cfg.inflightMessagesMax));
    }
    for (const v of [...this.progress.keys()]) {
      if (!all.includes(v) && v !== this.id) this.progress.delete(v);
    }
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.log.committed };
  }

  isVoter(id: NodeId): boolean {
    return this.voters.includes(id);
  }

  protected resetTimers(): void {
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.cfg.electionTicks + Math.floor(this.cfg.random() * this.cfg.electionTicks);
  }

  protected reset(term: number): void {
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
    this.transferee = null;
    this.resetTimers();
  }

  protected becomeFollower(term: number, leader: NodeId | null): void {
    this.reset(term);
    this.role = 'follower';
    this.leader = leader;
  }

  // Ticks spent as a pre-candidate since leaving the follower role (see handleVoteRequest).
  protected preCampaignTicks = 0;

  protected becomePreCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot pre-campaign');
    // Pre-vote changes neither term nor vote, so a node that cannot win disturbs nobody.
    this.votes = new Map();
    this.leader = null;
    if (this.role !== 'preCandidate') this.preCampaignTicks = 0;
    this.role = 'preCandidate';
    this.resetTimers();
  }

  protected becomeCandidate(): void {
    assert(this.role !== 'leader', 'leader cannot campaign');
    this.reset(this.term + 1);
    this.vote = this.id;
    this.role = 'candidate';
  }

  protected quorum(): number {
    return Math.floor(this.voters.length / 2) + 1;
  }

  // Leader stickiness: while we hear from a live leader, refuse to help anyone depose it.
  protected inLease(): boolean {
    return this.cfg.checkQuorum && this.leader !== null && this.electionElapsed < this.cfg.electionTicks;
  }

  protected send(m: Outgoing): void {
    this.msgs.push({ ...m, from: this.id, term: m.term ?? this.term } as Message);
  }
}
