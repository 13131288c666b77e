// RaftNode: the production driver around the pure core. It owns the timers, the durable
// storage, the transport and the state machine, and offers the client API:
//
//   propose(command) → the state machine's result, once the command is applied
//   read(query)      → a linearizable answer (ReadIndex), served from the local state machine
//
// The driver follows the core's Ready contract: persist (awaiting fsync) → send → apply →
// advance, one Ready at a time. Proposals arriving while a Ready is being persisted pile up
// in the core and go out together in the next Ready: that is the group commit. A leader's
// appends and heartbeats are sent before its own fsync completes (Raft dissertation §10.2.1):
// they promise nothing about the leader's disk, and the core counts the leader towards a
// commit quorum only once its entries are durable.
//
// Snapshots: with a SnapshotStore, the node snapshots its state machine every
// snapshotThresholdEntries applied entries (file written, fsynced and renamed, then recorded
// in the Raft storage, then the log prefix compacted), streams snapshots to followers that
// need them in bounded pieces (snapshot-transfer.ts), and installs received ones: the log is
// replaced and the state machine restored before the acknowledgement leaves.

import { RaftError, RaftTimeoutError, ProposalDroppedError } from './errors.js';
import { Raft } from './raft.js';
import type { ConfigChange, Membership } from './membership.js';
import type { RaftStorage } from './lmdb-storage.js';
import { limits } from '../../limits.js';
import type { SnapshotStore } from './snapshot-store.js';
import { SnapshotReceiver, SnapshotSender } from './snapshot-transfer.js';
import { EntryKind, sendableBeforePersist, type Entry, type Message, type NodeId, type Ready, type ReadState, type Role, type Snapshot } from './types.js';

import { realClock, type DriverClock, type StateMachine, type Transport } from './driver-types.js';
export type { DriverClock, StateMachine, Transport } from './driver-types.js';

export interface RaftNodeOptions {
  readonly id: NodeId;
  readonly voters: readonly NodeId[];
  // Initial learners (members that replicate but do not vote); none by default.
  readonly learners?: readonly NodeId[];
  readonly storage: RaftStorage;
  readonly transport: Transport;
  readonly stateMachine: StateMachine;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly requestTimeoutMs?: number;
  readonly random?: () => number;
  readonly clock?: DriverClock;
  // Called when storage fails: the node stops, since it can no longer keep its promises.
  readonly onFatal?: (err: unknown) => void;
  // Where snapshots live; without a store the node never compacts its log.
  readonly snapshots?: SnapshotStore;
  // Entries applied between two snapshots (limits.raftSnapshotThresholdEntries by default).
  readonly snapshotThresholdEntries?: number;
  // Errors that do not stop the node (a snapshot transfer that failed and will be retried).
  readonly onError?: (err: unknown) => void;
}

interface Waiter {
  resolve(v: Uint8Array): void;
  reject(e: Error): void;
  timer: unknown;
}

export class RaftNode {
  readonly id: NodeId;
  private readonly core: Raft;
  private readonly opts: RaftNodeOptions;
  private readonly clock: DriverClock;
  private readonly requestTimeoutMs: number;
  private ticker: unknown = null;
  private persisting = false;
  private pumpScheduled = false;
  // The configuration whose addresses the transport last got.
  private peersOf: Membership | null = null;
  private stopped = false;
  private readCounter = 0;
  private readonly proposals = new Map<number, Waiter & { term: number }>();
  private readonly reads = new Map<string, Waiter & { query: Uint8Array; index: number | null }>();
  private appliedIndex: number;
  private syncedTerm: number;
  private syncedVote: NodeId | null;
  // The snapshot the storage records (index 0: none), and what is being done with snapshots.
  private snap: { index: number; term: number };
  private snapshotting = false;
  private restoring = false;
  private readonly sender: SnapshotSender | null = null;
  private readonly receiver: SnapshotReceiver | null = null;

  constructor(opts: RaftNodeOptions) {
    this.opts = opts;
    this.id = opts.id;
    this.clock = opts.clock ?? realClock;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 5000;
    const initial = opts.storage.load(opts.stateMachine.appliedIndex());
    this.appliedIndex = initial.applied;
    this.syncedTerm = initial.hardState.term;
    this.syncedVote = initial.hardState.vote;
    this.snap = { index: initial.snapshotIndex, term: initial.snapshotTerm };
    const store = opts.snapshots;
    if (store !== undefined) {
      const onError = (err: unknown): void => opts.onError?.(err);
      this.sender = new SnapshotSender(store, (m) => opts.transport.send(m), onError);
      const deliver = (m: Message): void => {
        if (this.stopped) return;
        this.core.step(m);
        this.schedulePump();
      };
      this.receiver = new SnapshotReceiver(store, (m) => opts.transport.send(m), deliver, onError);
    }
    this.core = new Raft(
      {
        id: opts.id,
        voters: opts.voters,
        ...(opts.learners ? { learners: opts.learners } : {}),
        electionTicks: opts.electionTicks ?? 10,
        heartbeatTicks: opts.heartbeatTicks ?? 2,
        random: opts.random ?? Math.random,
      },
      initial,
    );
  }

  // Restores the state machine from the stored snapshot when it is behind it (a state
  // machine kept in memory always is after a restart), then starts the timers.
  async start(): Promise<void> {
    const store = this.opts.snapshots;
    if (store !== undefined) {
      await store.init();
      if (this.snap.index > 0) {
        if (this.opts.stateMachine.appliedIndex() < this.snap.index) await this.opts.stateMachine.restore(this.snap.index, store.data(this.snap.index, this.snap.term));
        await store.prune(this.snap.index, this.snap.term);
      }
    }
    if (this.stopped) return;
    this.opts.transport.listen((m) => {
      if (this.stopped) return;
      if (m.type === 'snapChunk') return this.receiver?.onChunk(m);
      if (m.type === 'snapAck') return this.sender?.onAck(m);
      this.core.step(m);
      this.schedulePump();
    });
    // Ticks follow the wall clock, not the number of timer callbacks: on a loaded machine a
    // 10 ms interval fires late (measured: 230 callbacks in 3 s at load average 18), which
    // stretched a 300 ms election timeout towards 400-900 ms and made failovers slow. A late
    // callback runs the ticks it owes, at most one heartbeat interval's worth, so that a
    // process that was stalled never jumps further ahead than that before reading the
    // messages waiting for it (a leader's check-quorum must see the acknowledgements first).
    const tickMs = this.opts.tickMs ?? 50;
    const catchUpMax = this.opts.heartbeatTicks ?? 2;
    const now = this.clock.now?.bind(this.clock);
    let last = now?.() ?? 0;
    this.ticker = this.clock.setInterval(() => {
      let due = 1;
      if (now !== undefined) {
        const t = now();
        due = Math.min(Math.max(1, Math.floor((t - last) / tickMs)), catchUpMax);
        last = t - last > (catchUpMax + 1) * tickMs ? t : last + due * tickMs;
      }
      for (let i = 0; i < due; i++) this.core.tick();
      this.schedulePump();
    }, tickMs);
    // A single voter need not wait out an election timeout.
    if (this.opts.voters.length === 1 && this.opts.voters[0] === this.id) this.core.campaign();
    this.schedulePump();
  }

  role(): Role {
    return this.core.role;
  }

  leader(): NodeId | null {
    return this.core.leader;
  }

  term(): number {
    return this.core.term;
  }

  commitIndex(): number {
    return this.core.log.committed;
  }

  // Resolves with the state machine's result once the command is applied. Rejects with
  // NotLeaderError (retry at the hint), ProposalDroppedError (not applied; safe to retry) or
  // RaftTimeoutError (outcome unknown: retry with the same session seq).
  propose(command: Uint8Array): Promise<Uint8Array> {
    return this.submit(() => this.core.propose(command));
  }

  // One membership change (add a learner, add or promote a voter, remove a member; see
  // membership.ts); resolves once the configuration entry is applied here. A new member's
  // process must already be running with this group's peer addresses. Promoting a learner
  // that has not caught up yet fails with RAFT_LEARNER_BEHIND: retry a little later.
  changeMembership(change: ConfigChange): Promise<void> {
    return this.submit(() => this.core.proposeConfigChange(change)).then(() => undefined);
  }

  private submit(append: () => { index: number; term: number }): Promise<Uint8Array> {
    if (this.stopped) return Promise.reject(new RaftError('RAFT_STOPPED', 'node stopped'));
    let slot: { index: number; term: number };
    try {
      slot = append();
    } catch (err) {
      return Promise.reject(err);
    }
    this.schedulePump();
    return new Promise((resolve, reject) => {
      const old = this.proposals.get(slot.index);
      if (old !== undefined) this.settle(this.proposals, slot.index, new ProposalDroppedError());
      const timer = this.clock.setTimeout(() => this.settle(this.proposals, slot.index, new RaftTimeoutError('proposal')), this.requestTimeoutMs);
      this.proposals.set(slot.index, { term: slot.term, resolve, reject, timer });
    });
  }

  // Resolves with a linearizable answer to query from the local state machine.
  read(query: Uint8Array): Promise<Uint8Array> {
    if (this.stopped) return Promise.reject(new RaftError('RAFT_STOPPED', 'node stopped'));
    const ctx = `${this.id}:${this.readCounter++}`;
    let ok: boolean;
    try {
      ok = this.core.readIndex(ctx);
    } catch (err) {
      return Promise.reject(err);
    }
    if (!ok) return Promise.reject(new RaftError('RAFT_NO_LEADER', 'no known leader to confirm the read'));
    this.schedulePump();
    return new Promise((resolve, reject) => {
      const timer = this.clock.setTimeout(() => this.settle(this.reads, ctx, new RaftTimeoutError('read')), this.requestTimeoutMs);
      this.reads.set(ctx, { query, index: null, resolve, reject, timer });
    });
  }

  // Hands leadership to another voter (e.g. before this node is stopped for maintenance).
  transferLeadership(to: NodeId): void {
    this.core.transferLeadership(to);
    this.schedulePump();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.ticker !== null) this.clock.clearInterval(this.ticker);
    this.sender?.close();
    await this.receiver?.close();
    for (const k of [...this.proposals.keys()]) this.settle(this.proposals, k, new RaftError('RAFT_STOPPED', 'node stopped'));
    for (const k of [...this.reads.keys()]) this.settle(this.reads, k, new RaftError('RAFT_STOPPED', 'node stopped'));
    await this.opts.transport.close();
    await this.opts.storage.close();
  }

  private settle<K>(map: Map<K, Waiter>, key: K, err: Error | null, value?: Uint8Array): void {
    const w = map.get(key);
    if (w === undefined) return;
    map.delete(key);
    this.clock.clearTimeout(w.timer);
    if (err === null) w.resolve(value!);
    else w.reject(err);
  }

  // Hands the transport the members' addresses whenever the configuration in effect changed
  // (an entry appended or truncated, a snapshot installed), before anything is sent to them.
  private syncPeers(): void {
    const config = this.core.currentConfig();
    if (config === this.peersOf) return;
    this.peersOf = config;
    if (config.addresses !== undefined) this.opts.transport.setPeerAddresses?.(config.addresses);
  }

  // Defers the Ready to the end of the current event-loop turn, so that every proposal and
  // message of this turn lands in one batch.
  private schedulePump(): void {
    if (this.pumpScheduled || this.stopped) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    if (this.stopped) return;
    this.syncPeers();
    if (this.persisting) {
      // The next Ready must wait for the fsync in flight, but commits and confirmed reads
      // need not: apply and answer them now (unless a snapshot is being installed).
      if (this.restoring) return;
      this.applyEntries(this.core.takeCommitted());
      if (this.appliedIndex > 0) this.core.appliedTo(this.appliedIndex);
      this.maybeSnapshot();
      this.noteReadStates(this.core.takeReadStates());
      for (const m of this.core.takeEarlyMessages()) this.send(m);
      return;
    }
    // Apply what is already committed and durable first, so the Ready carries as little
    // apply work as possible behind its fsync.
    this.applyEntries(this.core.takeCommitted());
    if (this.appliedIndex > 0) this.core.appliedTo(this.appliedIndex);
    this.maybeSnapshot();
    if (!this.core.hasReady()) return;
    const rd = this.core.ready();
    this.persisting = true;
    const early = rd.messages.filter(sendableBeforePersist);
    for (const m of early) this.send(m);
    // Like etcd's MustSync: a Ready that only moves the commit index needs no fsync.
    const hs = rd.hardState;
    const sync = rd.entries.length > 0 || (hs !== null && (hs.term !== this.syncedTerm || hs.vote !== this.syncedVote));
    if (hs !== null) {
      this.syncedTerm = hs.term;
      this.syncedVote = hs.vote;
    }
    const snapshot = rd.snapshot;
    const persisted = snapshot === null ? this.opts.storage.save(hs, rd.entries, sync) : this.installSnapshot(snapshot).then(() => this.opts.storage.save(hs, rd.entries, sync));
    persisted.then(
      () => this.afterPersist(rd, early.length > 0),
      (err: unknown) => this.fatal(err),
    );
  }

  private afterPersist(rd: Ready, sentEarly: boolean): void {
    if (this.stopped) return;
    for (const m of rd.messages) {
      if (!(sentEarly && sendableBeforePersist(m))) this.send(m);
    }
    this.applyEntries(rd.committedEntries);
    this.maybeSnapshot();
    this.core.advance();
    this.noteReadStates(rd.readStates);
    this.persisting = false;
    this.pump();
  }

  // The core's snapshot messages carry no data: the sender streams the stored file.
  private send(m: Message): void {
    if (m.type === 'snapshot') this.sender?.start(m);
    else this.opts.transport.send(m);
  }

  // Replaces the log and the state machine with a received snapshot, which the receiver has
  // already verified and stored durably; the acknowledgement leaves after this resolves.
  private async installSnapshot(s: Snapshot): Promise<void> {
    const store = this.opts.snapshots;
    if (store === undefined) throw new RaftError('RAFT_NO_SNAPSHOT_STORE', 'received a snapshot without a snapshot store');
    this.restoring = true;
    await this.opts.storage.installSnapshot(s.index, s.term, s.config);
    this.snap = { index: s.index, term: s.term };
    await this.opts.stateMachine.restore(s.index, store.data(s.index, s.term));
    this.appliedIndex = Math.max(this.appliedIndex, s.index);
    this.restoring = false;
    await store.prune(this.snap.index, this.snap.term);
  }

  // Snapshots the state machine once enough entries were applied since the last snapshot.
  private maybeSnapshot(): void {
    const store = this.opts.snapshots;
    const threshold = this.opts.snapshotThresholdEntries ?? limits.raftSnapshotThresholdEntries;
    if (store === undefined || this.snapshotting || this.restoring || this.stopped || this.appliedIndex - this.snap.index < threshold) return;
    const index = this.appliedIndex;
    const term = this.core.log.term(index);
    if (term === undefined) return;
    const config = this.core.configAt(index);
    const chunks = this.opts.stateMachine.snapshot();
    this.snapshotting = true;
    this.takeSnapshot(store, index, term, config, chunks).then(
      () => {
        this.snapshotting = false;
      },
      (err: unknown) => this.fatal(err),
    );
  }

  private async takeSnapshot(store: SnapshotStore, index: number, term: number, config: Membership, chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<void> {
    await store.write(index, term, chunks);
    if (this.stopped) return;
    await this.opts.storage.compact(index, term, config);
    // A snapshot installed from the leader meanwhile supersedes this one.
    if (this.stopped || index <= this.snap.index) return;
    this.snap = { index, term };
    this.core.compact(index);
    await store.prune(index, term);
  }

  // The snapshot the log starts after (index 0: none).
  snapshotIndex(): number {
    return this.snap.index;
  }

  private applyEntries(entries: readonly Entry[]): void {
    for (const e of entries) {
      const result = e.kind === EntryKind.normal ? this.opts.stateMachine.apply(e.index, e.data) : new Uint8Array(0);
      this.appliedIndex = e.index;
      const w = this.proposals.get(e.index);
      if (w !== undefined) this.settle(this.proposals, e.index, w.term === e.term ? null : new ProposalDroppedError(), result);
    }
  }

  private noteReadStates(states: readonly ReadState[]): void {
    for (const rs of states) {
      const w = this.reads.get(rs.ctx);
      if (w !== undefined) w.index = rs.index;
    }
    for (const [ctx, w] of this.reads) {
      if (w.index !== null && w.index <= this.appliedIndex) this.settle(this.reads, ctx, null, this.opts.stateMachine.query(w.query));
    }
  }

  private fatal(err: unknown): void {
    this.opts.onFatal?.(err);
    void this.stop();
  }
}
