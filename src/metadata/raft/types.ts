// Types shared by the Raft core, its drivers and its storage.
//
// The core is a pure state machine in the etcd-raft style: the driver feeds it messages
// (step), clock ticks (tick) and client requests (propose, readIndex), and drains a Ready
// batch of entries to persist, messages to send and committed entries to apply. Nothing in
// the core reads a clock, draws a random number or does I/O; all three are injected.

import type { Membership } from './membership.js';

export type NodeId = string;

// Entry kinds. Stored as one byte in the persistent entry format (see log-codec.ts), so the
// numeric values are part of the on-disk format and must never be renumbered.
export const EntryKind = Object.freeze({
  // A client command: opaque bytes for the state machine.
  normal: 0,
  // Appended by every new leader so that it can commit entries of earlier terms (§5.4.2)
  // and serve ReadIndex requests; the state machine skips it.
  noop: 1,
  // A cluster configuration (membership.ts); the state machine skips it.
  config: 2,
} as const);
export type EntryKind = (typeof EntryKind)[keyof typeof EntryKind];

export interface Entry {
  readonly index: number;
  readonly term: number;
  readonly kind: EntryKind;
  readonly data: Uint8Array;
}

// What must survive a crash besides the log: the current term, the vote cast in it, and the
// commit index (an optimisation: a restarted node can re-apply up to it without waiting).
export interface HardState {
  readonly term: number;
  readonly vote: NodeId | null;
  readonly commit: number;
}

export const emptyHardState: HardState = Object.freeze({ term: 0, vote: null, commit: 0 });

export type Role = 'follower' | 'preCandidate' | 'candidate' | 'leader';

interface MessageBase {
  readonly from: NodeId;
  readonly to: NodeId;
  readonly term: number;
}

// A vote request. For a pre-vote, term is the term the sender would campaign in; the
// receiver does not adopt it (that is the point of pre-vote: a partitioned node cannot
// disrupt a healthy group by inflating terms).
export interface VoteRequest extends MessageBase {
  readonly type: 'preVote' | 'vote';
  readonly lastIndex: number;
  readonly lastTerm: number;
  // Set when the campaign follows a leadership transfer: voters then set leader
  // stickiness aside, since the leader itself asked for this election.
  readonly transfer?: boolean;
}

// Leadership transfer: the leader tells a caught-up follower to campaign at once.
export interface TimeoutNow extends MessageBase {
  readonly type: 'timeoutNow';
}

export interface VoteResponse extends MessageBase {
  readonly type: 'preVoteResp' | 'voteResp';
  readonly granted: boolean;
}

export interface AppendRequest extends MessageBase {
  readonly type: 'append';
  readonly prevIndex: number;
  readonly prevTerm: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
}

// On success, index is the last index the follower now matches. On rejection, index is the
// rejected prevIndex and (hintIndex, hintTerm) lets the leader skip a whole term of
// conflicting entries per round trip instead of one entry (fast back-tracking).
export interface AppendResponse extends MessageBase {
  readonly type: 'appendResp';
  readonly index: number;
  readonly reject: boolean;
  readonly hintIndex: number;
  readonly hintTerm: number;
}

// Heartbeats carry the commit index clamped to what the follower is known to match, and a
// read round: a follower's response to round r proves that the sender was still leader when
// round r was started, which is what ReadIndex needs.
export interface Heartbeat extends MessageBase {
  readonly type: 'heartbeat';
  readonly commit: number;
  readonly readRound: number;
}

export interface HeartbeatResponse extends MessageBase {
  readonly type: 'heartbeatResp';
  readonly readRound: number;
}

// A follower forwards a read request to the leader, which answers once it has confirmed its
// leadership; index 0 in the response is never sent (a leader that cannot serve drops it).
export interface ReadIndexRequest extends MessageBase {
  readonly type: 'readIndex';
  readonly ctx: string;
}

export interface ReadIndexResponse extends MessageBase {
  readonly type: 'readIndexResp';
  readonly ctx: string;
  readonly index: number;
}

// InstallSnapshot: the leader's state machine snapshot at (index, snapTerm), sent when a
// follower needs entries the leader has compacted away. The core leaves data empty; the
// driver attaches the snapshot it stored when it compacted (see RaftLog.compact). The
// follower answers with an appendResp at index once the snapshot is durable.
export interface SnapshotMessage extends MessageBase {
  readonly type: 'snapshot';
  readonly index: number;
  readonly snapTerm: number;
  // The configuration as of index (the snapshot replaces the entries that held it).
  readonly config: Membership;
  readonly data: Uint8Array;
}

export type Message =
  | TimeoutNow
  | SnapshotMessage
  | VoteRequest
  | VoteResponse
  | AppendRequest
  | AppendResponse
  | Heartbeat
  | HeartbeatResponse
  | ReadIndexRequest
  | ReadIndexResponse;

export type MessageType = Message['type'];

// A confirmed read: once the local state machine has applied index, a read issued with ctx
// may be served locally and is linearizable.
export interface ReadState {
  readonly index: number;
  readonly ctx: string;
}

export interface SoftState {
  readonly role: Role;
  readonly leader: NodeId | null;
}

// One batch of work for the driver. The driver must, in this order:
//   1. durably persist hardState (if set) and entries (appending at entries[0].index,
//      discarding any stored entries at or after it), awaiting fsync;
//   2. send messages;
//   3. apply committedEntries in order;
//   4. call advance(ready).
// Step 1 before 2 is what makes a vote or an append acknowledgement a durable promise.
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly config: Membership;
  readonly data: Uint8Array;
}

export interface Ready {
  // A snapshot received from the leader: persist it (replacing the whole log) and restore
  // the state machine from it before anything else in this Ready.
  readonly snapshot: Snapshot | null;
  readonly hardState: HardState | null;
  readonly entries: readonly Entry[];
  readonly messages: readonly Message[];
  readonly committedEntries: readonly Entry[];
  readonly readStates: readonly ReadState[];
  readonly softState: SoftState;
}

// Messages a driver may send before the Ready that produced them is durable: only leaders
// send them, and they promise nothing about the leader's disk (the core counts the leader
// towards a commit quorum only for entries it has confirmed durable). Everything else - votes
// and acknowledgements above all - must wait for the fsync.
export function sendableBeforePersist(m: Message): boolean {
  return m.type === 'append' || m.type === 'heartbeat';
}

export interface RaftConfig {
  readonly id: NodeId;
  // The initial configuration (until a snapshot or a configuration entry says otherwise):
  // the voters, including this node when it is a voter, and the learners.
  readonly voters: readonly NodeId[];
  readonly learners?: readonly NodeId[];
  // Ticks without hearing from a leader before a follower campaigns; the actual timeout is
  // drawn uniformly from [electionTicks, 2 * electionTicks) after every reset.
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  // Injected randomness in [0, 1): the only source of nondeterminism the core uses.
  readonly random: () => number;
  readonly preVote?: boolean;
  readonly checkQuorum?: boolean;
  // Flow control: bytes of entry data per append message, and appends in flight per peer.
  readonly messageBytesMax?: number;
  readonly entriesPerMessageMax?: number;
  readonly inflightMessagesMax?: number;
  // Backpressure: proposals are refused while this many entries are uncommitted.
  readonly uncommittedEntriesMax?: number;
}

// What the core needs from storage at start-up: the durable hard state and log.
export interface InitialState {
  readonly hardState: HardState;
  // Durable log entries with contiguous indexes starting at firstIndex.
  readonly entries: readonly Entry[];
  // The compacted prefix: entries up to and including snapshotIndex are gone.
  readonly snapshotIndex: number;
  readonly snapshotTerm: number;
  // The index the state machine has already applied (at least snapshotIndex).
  readonly applied: number;
  // The configuration as of snapshotIndex, when a snapshot exists; otherwise the
  // configuration is RaftConfig's until a configuration entry says otherwise.
  readonly snapshotConfig?: Membership;
}

export const emptyInitialState: InitialState = Object.freeze({
  hardState: emptyHardState,
  entries: [],
  snapshotIndex: 0,
  snapshotTerm: 0,
  applied: 0,
});
