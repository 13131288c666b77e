// A deterministic simulation of a Raft group: N in-process nodes driven by one seeded PRNG
// over a simulated clock and network. The network can drop, duplicate, delay, reorder and
// partition; nodes can crash (losing everything not yet fsync'd) and restart from what was
// durable. Every invariant in invariants.ts is checked after every event, so a failing seed
// fails at the first event that breaks safety, and replays exactly.

import { Raft } from '../../../src/metadata/raft/raft.js';
import { NotLeaderError, ProposalDroppedError } from '../../../src/metadata/raft/errors.js';
import { EntryKind, sendableBeforePersist, type Entry, type Message, type NodeId, type Ready, type ReadState, type Snapshot } from '../../../src/metadata/raft/types.js';
import { EventQueue } from './event-queue.js';
import { InvariantChecker, InvariantViolation } from './invariants.js';
import { Prng } from './prng.js';
import { SimStore } from './sim-store.js';

export interface NetworkProfile {
  readonly dropRate: number;
  readonly duplicateRate: number;
  readonly delayMsMin: number;
  readonly delayMsMax: number;
  // A fraction of messages is held back much longer, which reorders them aggressively.
  readonly longDelayRate: number;
  readonly longDelayMsMax: number;
}

export const reliableNetwork: NetworkProfile = Object.freeze({
  dropRate: 0,
  duplicateRate: 0,
  delayMsMin: 1,
  delayMsMax: 5,
  longDelayRate: 0,
  longDelayMsMax: 0,
});

export const unreliableNetwork: NetworkProfile = Object.freeze({
  dropRate: 0.1,
  duplicateRate: 0.05,
  delayMsMin: 1,
  delayMsMax: 27,
  longDelayRate: 0.05,
  longDelayMsMax: 600,
});

// What a simulated node runs on committed entries; a new instance per incarnation, since a
// restarted node re-applies its log from the start (no snapshots in the simulation yet).
export interface SimStateMachine {
  apply(entry: Entry): Uint8Array;
  read(query: Uint8Array): Uint8Array;
  snapshot(): Uint8Array;
  restore(data: Uint8Array): void;
}

export interface SimOptions {
  readonly seed: number;
  readonly nodes: number;
  readonly tickMs?: number;
  readonly electionTicks?: number;
  readonly heartbeatTicks?: number;
  readonly fsyncMsMax?: number;
  readonly network?: NetworkProfile;
  readonly stateMachine?: (id: NodeId) => SimStateMachine;
  // Each node snapshots its state machine and compacts its log every this many applied
  // entries (0: never), so that laggards are caught up by InstallSnapshot.
  readonly snapshotEvery?: number;
  // The initial voters (default: every node); the others start as non-voters that can be
  // added by configuration changes.
  readonly voters?: readonly NodeId[];
}

export type Callback = (err: Error | null, result?: Uint8Array) => void;

// Records applied commands by index; the classic scenarios compare these across nodes.
export class RecordingStateMachine implements SimStateMachine {
  readonly applied = new Map<number, Uint8Array>();
  apply(entry: Entry): Uint8Array {
    this.applied.set(entry.index, entry.data);
    return entry.data;
  }
  read(): Uint8Array {
    return new Uint8Array(0);
  }
  snapshot(): Uint8Array {
    return new TextEncoder().encode(JSON.stringify([...this.applied].map(([i, d]) => [i, Array.from(d)])));
  }
  restore(data: Uint8Array): void {
    this.applied.clear();
    for (const [i, d] of JSON.parse(new TextDecoder().decode(data)) as [number, number[]][]) this.applied.set(i, Uint8Array.from(d));
  }
}

export class SimNode {
  core: Raft | null = null;
  readonly store = new SimStore();
  alive = false;
  incarnation = 0;
  readyInFlight = false;
  sm: SimStateMachine;
  appliedIndex = 0;
  // The newest snapshot this node holds (durable, or pending in the Ready being synced).
  latestSnapshot: Snapshot | null = null;
  readonly writeWaiters = new Map<number, { term: number; cb: Callback }>();
  readonly readWaiters = new Map<string, { index: number | null; query: Uint8Array; cb: Callback }>();
  private readCounter = 0;

  constructor(readonly id: NodeId, sm: SimStateMachine) {
    this.sm = sm;
  }

  nextReadCtx(): string {
    return `${this.id}/${this.incarnation}/${this.readCounter++}`;
  }
}

export class SimCluster {
  readonly rng: Prng;
  readonly events = new EventQueue();
  readonly invariants = new InvariantChecker();
  readonly ids: NodeId[];
  readonly nodes = new Map<NodeId, SimNode>();
  network: NetworkProfile;
  readonly messageCounts = new Map<string, number>();
  messagesSent = 0;
  private readonly netRng: Prng;
  private readonly nodeRng: Prng;
  private readonly connected = new Set<NodeId>();
  private groups = new Map<NodeId, number>();
  private readonly tickMs: number;
  private readonly electionTicks: number;
  private readonly heartbeatTicks: number;
  private readonly fsyncMsMax: number;
  private readonly makeSm: (id: NodeId) => SimStateMachine;
  private readonly snapshotEvery: number;
  private readonly initialVoters: readonly NodeId[];
  snapshotsSent = 0;

  constructor(opts: SimOptions) {
    this.rng = new Prng(opts.seed);
    this.netRng = this.rng.fork();
    this.nodeRng = this.rng.fork();
    this.tickMs = opts.tickMs ?? 10;
    this.electionTicks = opts.electionTicks ?? 15;
    this.heartbeatTicks = opts.heartbeatTicks ?? 3;
    this.fsyncMsMax = opts.fsyncMsMax ?? 3;
    this.network = opts.network ?? reliableNetwork;
    this.makeSm = opts.stateMachine ?? (() => new RecordingStateMachine());
    this.snapshotEvery = opts.snapshotEvery ?? 0;
    this.ids = Array.from({ length: opts.nodes }, (_, i) => `n${i + 1}`);
    this.initialVoters = opts.voters ?? this.ids;
    for (const id of this.ids) {
      this.nodes.set(id, new SimNode(id, this.makeSm(id)));
      this.connected.add(id);
    }
    for (const id of this.ids) this.start(id);
  }

  get now(): number {
    return this.events.now;
  }

  electionTimeoutMs(): number {
    return this.electionTicks * this.tickMs;
  }

  node(id: NodeId): SimNode {
    return this.nodes.get(id)!;
  }

  // ---- faults -----------------------------------------------------------------------

  crash(id: NodeId): void {
    const n = this.node(id);
    if (!n.alive) return;
    n.alive = false;
    n.incarnation++;
    n.core = null;
    n.readyInFlight = false;
    n.store.crash();
    // Outstanding client requests on the node are lost with it; the clients time out.
    n.writeWaiters.clear();
    n.readWaiters.clear();
  }

  restart(id: NodeId): void {
    this.crash(id);
    this.start(id);
  }

  disconnect(id: NodeId): void {
    this.connected.delete(id);
  }

  connect(id: NodeId): void {
    this.connected.add(id);
  }

  isConnected(id: NodeId): boolean {
    return this.connected.has(id);
  }

  // Splits the nodes into groups that can only talk within themselves.
  partition(groups: readonly (readonly NodeId[])[]): void {
    this.groups = new Map();
    groups.forEach((g, i) => g.forEach((id) => this.groups.set(id, i)));
  }

  heal(): void {
    this.groups = new Map();
    for (const id of this.ids) this.connected.add(id);
  }

  canReach(a: NodeId, b: NodeId): boolean {
    return this.connected.has(a) && this.connected.has(b) && (this.groups.get(a) ?? -1) === (this.groups.get(b) ?? -1);
  }

  // ---- time -------------------------------------------------------------------------

  run(ms: number): void {
    this.events.runUntil(this.now + ms, () => this.checkAll());
  }

  // Runs until pred() holds or ms pass; returns whether pred() held.
  runUntil(pred: () => boolean, ms: number): boolean {
    if (pred()) return true;
    return this.events.runUntil(this.now + ms, () => this.checkAll(), pred);
  }

  // ---- client entry points ----------------------------------------------------------

  propose(id: NodeId, data: Uint8Array, cb: Callback): void {
    const n = this.node(id);
    if (!n.alive || n.core === null) return cb(new NotLeaderError(null));
    let slot: { index: number; term: number };
    try {
      slot = n.core.propose(data);
    } catch (err) {
      return cb(err as Error);
    }
    const old = n.writeWaiters.get(slot.index);
    if (old !== undefined) old.cb(new ProposalDroppedError());
    n.writeWaiters.set(slot.index, { term: slot.term, cb });
    this.pump(n);
  }

  read(id: NodeId, query: Uint8Array, cb: Callback): void {
    const n = this.node(id);
    if (!n.alive || n.core === null) return cb(new NotLeaderError(null));
    const ctx = n.nextReadCtx();
    let ok: boolean;
    try {
      ok = n.core.readIndex(ctx);
    } catch (err) {
      return cb(err as Error);
    }
    if (!ok) return cb(new NotLeaderError(n.core.leader));
    n.readWaiters.set(ctx, { index: null, query, cb });
    this.pump(n);
  }

  // Lets a node hand its pending work to the simulated driver (after a direct core call).
  kick(id: NodeId): void {
    this.pump(this.node(id));
  }

  // ---- internals --------------------------------------------------------------------

  private start(id: NodeId): void {
    const n = this.node(id);
    n.incarnation++;
    n.alive = true;
    n.sm = this.makeSm(id);
    if (n.store.snapshotData !== null) n.sm.restore(n.store.snapshotData);
    n.latestSnapshot = n.store.snapshotData === null ? null : { index: n.store.snapshotIndex, term: n.store.snapshotTerm, config: n.store.snapshotConfig, data: n.store.snapshotData };
    n.appliedIndex = n.store.snapshotIndex;
    n.core = new Raft(
      {
        id,
        voters: this.initialVoters,
        electionTicks: this.electionTicks,
        heartbeatTicks: this.heartbeatTicks,
        random: () => this.nodeRng.next(),
      },
      n.store.initialState(),
    );
    this.invariants.onRestart(id);
    const inc = n.incarnation;
    const tick = (): void => {
      if (n.incarnation !== inc || n.core === null) return;
      n.core.tick();
      this.pump(n);
      this.events.schedule(this.tickMs, tick);
    };
    this.events.schedule(this.nodeRng.int(1, this.tickMs), tick);
  }

  private pump(n: SimNode): void {
    const core = n.core;
    if (!n.alive || core === null) return;
    // Like the production driver: apply what is committed and durable, and answer confirmed
    // reads, even while a Ready is waiting for its fsync.
    for (const e of core.takeCommitted()) this.applyEntry(n, e);
    if (n.appliedIndex > 0) core.appliedTo(n.appliedIndex);
    this.maybeSnapshot(n, core);
    this.noteReadStates(n, core.takeReadStates());
    if (n.readyInFlight) {
      for (const m of core.takeEarlyMessages()) this.send(m);
      return;
    }
    if (!core.hasReady()) return;
    const rd = core.ready();
    n.readyInFlight = true;
    if (rd.snapshot !== null) n.latestSnapshot = rd.snapshot;
    this.invariants.onPersist(n.id, core, rd.entries);
    if (rd.entries.length === 0 && rd.hardState === null) {
      this.finishReady(n, rd);
      return;
    }
    n.store.write(rd);
    // Like the production driver, a leader's appends and heartbeats leave before its fsync.
    for (const m of rd.messages) if (sendableBeforePersist(m)) this.send(m);
    const inc = n.incarnation;
    this.events.schedule(this.nodeRng.int(0, this.fsyncMsMax), () => {
      if (n.incarnation !== inc) return;
      n.store.flush();
      this.finishReady(n, rd, true);
    });
  }

  private finishReady(n: SimNode, rd: Ready, sentEarly = false): void {
    const core = n.core!;
    if (rd.snapshot !== null) {
      n.sm.restore(rd.snapshot.data);
      n.appliedIndex = rd.snapshot.index;
    }
    for (const m of rd.messages) if (!(sentEarly && sendableBeforePersist(m))) this.send(m);
    for (const e of rd.committedEntries) this.applyEntry(n, e);
    core.advance();
    n.readyInFlight = false;
    this.maybeSnapshot(n, core);
    this.noteReadStates(n, rd.readStates);
    this.pump(n);
  }

  private maybeSnapshot(n: SimNode, core: Raft): void {
    if (this.snapshotEvery === 0 || n.appliedIndex - n.store.snapshotIndex < this.snapshotEvery) return;
    const index = Math.min(n.appliedIndex, core.log.applied);
    const term = core.log.term(index);
    if (term === undefined || index <= n.store.snapshotIndex) return;
    const data = n.sm.snapshot();
    core.compact(index);
    const config = core.snapshotConfig();
    n.store.compactTo(index, term, config, data);
    n.latestSnapshot = { index, term, config, data };
  }

  private noteReadStates(n: SimNode, states: readonly ReadState[]): void {
    for (const rs of states) {
      const w = n.readWaiters.get(rs.ctx);
      if (w !== undefined) w.index = rs.index;
    }
    this.serveReads(n);
  }

  private applyEntry(n: SimNode, e: Entry): void {
    if (e.index !== n.appliedIndex + 1) {
      throw new InvariantViolation(`${n.id} applied entry ${e.index} after ${n.appliedIndex}: out of order`);
    }
    this.invariants.onApply(n.id, e);
    n.appliedIndex = e.index;
    const result = e.kind === EntryKind.normal ? n.sm.apply(e) : new Uint8Array(0);
    const w = n.writeWaiters.get(e.index);
    if (w === undefined) return;
    n.writeWaiters.delete(e.index);
    if (w.term === e.term) w.cb(null, result);
    else w.cb(new ProposalDroppedError());
  }

  private serveReads(n: SimNode): void {
    for (const [ctx, w] of n.readWaiters) {
      if (w.index !== null && w.index <= n.appliedIndex) {
        n.readWaiters.delete(ctx);
        w.cb(null, n.sm.read(w.query));
      }
    }
  }

  private send(msg: Message): void {
    let m = msg;
    if (m.type === 'snapshot') {
      // The driver attaches the snapshot it stored when it compacted.
      // The driver attaches the newest snapshot it holds: the node may have compacted again
      // since the core asked, and any snapshot at or after the requested one will do.
      const snap = this.node(m.from).latestSnapshot;
      if (snap === null || snap.index < m.index) {
        throw new InvariantViolation(`${m.from} sends a snapshot at ${m.index} but holds one at ${snap?.index}`);
      }
      m = { ...m, index: snap.index, snapTerm: snap.term, config: snap.config, data: snap.data };
      this.snapshotsSent++;
    }
    this.messagesSent++;
    this.messageCounts.set(m.type, (this.messageCounts.get(m.type) ?? 0) + 1);
    if (!this.canReach(m.from, m.to)) return;
    const net = this.network;
    const r = this.netRng;
    if (net.dropRate > 0 && r.chance(net.dropRate)) return;
    const copies = net.duplicateRate > 0 && r.chance(net.duplicateRate) ? 2 : 1;
    for (let c = 0; c < copies; c++) {
      let delay = r.int(net.delayMsMin, net.delayMsMax);
      if (net.longDelayRate > 0 && r.chance(net.longDelayRate)) delay += r.int(0, net.longDelayMsMax);
      this.events.schedule(delay, () => this.deliver(m));
    }
  }

  private deliver(m: Message): void {
    const n = this.nodes.get(m.to);
    if (n === undefined || !n.alive || n.core === null || !this.canReach(m.from, m.to)) return;
    n.core.step(m);
    this.pump(n);
  }

  private checkAll(): void {
    for (const n of this.nodes.values()) {
      if (n.alive && n.core !== null) this.invariants.observe(n.id, n.core);
    }
  }
}
