// Typed errors raised by the Raft layer. Each carries a stable code so that callers (the
// metadata client, the S3 layer's error mapping, retry loops) can branch on it.

import type { NodeId } from './types.js';

export class RaftError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.code = code;
  }
}

// The node is not the leader; the caller should retry at leaderHint when it is known.
export class NotLeaderError extends RaftError {
  override name = 'NotLeaderError';
  readonly leaderHint: NodeId | null;
  constructor(leaderHint: NodeId | null) {
    super('RAFT_NOT_LEADER', leaderHint === null ? 'no known leader' : `not the leader; try ${leaderHint}`);
    this.leaderHint = leaderHint;
  }
}

// The proposal's log slot was taken by another leader's entry: it was never applied. With a
// client session the caller may safely retry the same request id.
export class ProposalDroppedError extends RaftError {
  override name = 'ProposalDroppedError';
  constructor() {
    super('RAFT_PROPOSAL_DROPPED', 'the proposal was overwritten by a new leader and not applied');
  }
}

// Too many entries are in flight; the caller should slow down and retry.
export class BackpressureError extends RaftError {
  override name = 'BackpressureError';
  constructor(uncommitted: number) {
    super('RAFT_BACKPRESSURE', `${uncommitted} entries are uncommitted; retry later`);
  }
}

// A request did not complete in time; its outcome is unknown.
export class RaftTimeoutError extends RaftError {
  override name = 'RaftTimeoutError';
  constructor(what: string) {
    super('RAFT_TIMEOUT', `${what} timed out; its outcome is unknown`);
  }
}

// A persisted record does not decode (unknown version byte, truncated, corrupt).
export class RaftCorruptionError extends RaftError {
  override name = 'RaftCorruptionError';
  constructor(what: string) {
    super('RAFT_CORRUPT', what);
  }
}
