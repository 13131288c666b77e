// A replicated key-value store over the simulated cluster, and clients (clerks) that drive
// it while recording a history for the linearizability checker.
//
// Writes (put, append) go through Raft proposals wrapped in client sessions, so a retried
// write is applied at most once; reads go through ReadIndex. A clerk retries an operation
// at other nodes until it succeeds or its deadline passes; a write that never got an answer
// is recorded with an unknown outcome (return time +∞), a read without an answer is dropped
// (it had no effect).

import { limits } from '../../../src/limits.js';
import { NotLeaderError } from '../../../src/metadata/raft/errors.js';
import { SessionTable, encodeSessionCommand } from '../../../src/metadata/raft/sessions.js';
import type { Entry, NodeId } from '../../../src/metadata/raft/types.js';
import type { KvInput, KvOutput, Operation } from './linearizability.js';
import type { Prng } from './prng.js';
import type { SimCluster, SimStateMachine } from './sim-cluster.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class KvStateMachine implements SimStateMachine {
  private data = new Map<string, string>();
  private sessions = new SessionTable(limits.raftSessionsMax);

  snapshot(): Uint8Array {
    const table = this.sessions.encode();
    return encoder.encode(JSON.stringify({ data: [...this.data], sessions: Array.from(table) }));
  }

  restore(bytes: Uint8Array): void {
    const s = JSON.parse(decoder.decode(bytes)) as { data: [string, string][]; sessions: number[] };
    this.data = new Map(s.data);
    this.sessions = SessionTable.decode(Uint8Array.from(s.sessions), limits.raftSessionsMax);
  }

  apply(entry: Entry): Uint8Array {
    const outcome = this.sessions.apply(entry.data, (payload) => {
      const cmd = JSON.parse(decoder.decode(payload)) as KvInput;
      if (cmd.op === 'put') this.data.set(cmd.key, cmd.value);
      else if (cmd.op === 'append') this.data.set(cmd.key, (this.data.get(cmd.key) ?? '') + cmd.value);
      return new Uint8Array(0);
    });
    return outcome.kind === 'stale' ? new Uint8Array(0) : outcome.result;
  }

  read(query: Uint8Array): Uint8Array {
    return encoder.encode(this.data.get(decoder.decode(query)) ?? '');
  }
}

export interface ClerkOptions {
  readonly keys: readonly string[];
  readonly attemptTimeoutMs: number;
  readonly opDeadlineMs: number;
  readonly thinkMsMax: number;
}

export class Clerk {
  completed = 0;
  unknown = 0;
  private seq = 0;
  private leaderGuess: NodeId | null = null;
  private attemptId = 0;
  private current: { input: KvInput; call: number; deadline: number; done: boolean } | null = null;
  private stopAt = Infinity;

  constructor(
    private readonly id: number,
    private readonly sim: SimCluster,
    private readonly rng: Prng,
    private readonly history: Operation<KvInput, KvOutput>[],
    private readonly opts: ClerkOptions,
  ) {}

  start(stopAt: number): void {
    this.stopAt = stopAt;
    this.sim.events.schedule(this.rng.int(0, this.opts.thinkMsMax), () => this.next());
  }

  private next(): void {
    if (this.sim.now >= this.stopAt) return;
    const key = this.rng.pick(this.opts.keys);
    const roll = this.rng.next();
    this.seq++;
    const value = `${this.id}.${this.seq};`;
    const input: KvInput = roll < 0.4 ? { op: 'get', key } : roll < 0.6 ? { op: 'put', key, value } : { op: 'append', key, value };
    this.current = { input, call: this.sim.now, deadline: this.sim.now + this.opts.opDeadlineMs, done: false };
    this.attempt();
  }

  private attempt(): void {
    const op = this.current;
    if (op === null || op.done) return;
    if (this.sim.now >= op.deadline) return this.giveUp();
    const attempt = ++this.attemptId;
    // Some reads go to a random node on purpose: a follower read (forwarded ReadIndex, served
    // locally once applied) is the path most likely to be stale if anything is wrong.
    const followerRead = op.input.op === 'get' && this.rng.chance(0.3);
    const target = followerRead ? this.rng.pick(this.sim.ids) : (this.leaderGuess ?? this.rng.pick(this.sim.ids));
    this.sim.events.schedule(this.opts.attemptTimeoutMs, () => {
      if (!op.done && this.attemptId === attempt) {
        this.leaderGuess = null;
        this.attempt();
      }
    });
    const cb = (err: Error | null, result?: Uint8Array): void => {
      if (op.done) return;
      if (err === null) return this.complete(op, result!);
      if (this.attemptId !== attempt) return;
      if (!followerRead) this.leaderGuess = err instanceof NotLeaderError && err.leaderHint !== target ? err.leaderHint : null;
      this.attemptId++;
      this.sim.events.schedule(this.rng.int(1, 10), () => this.attempt());
    };
    const input = op.input;
    if (input.op === 'get') {
      this.sim.read(target, encoder.encode(input.key), cb);
    } else {
      const payload = encoder.encode(JSON.stringify(input));
      this.sim.propose(target, encodeSessionCommand(`c${this.id}`, this.seq, payload), cb);
    }
  }

  private complete(op: { input: KvInput; call: number; done: boolean }, result: Uint8Array): void {
    op.done = true;
    this.completed++;
    const output = { value: op.input.op === 'get' ? decoder.decode(result) : '' };
    this.history.push({ clientId: this.id, input: op.input, call: op.call, output, return: this.sim.now });
    this.sim.events.schedule(this.rng.int(0, this.opts.thinkMsMax), () => this.next());
  }

  private giveUp(): void {
    const op = this.current!;
    op.done = true;
    if (op.input.op !== 'get') {
      this.unknown++;
      this.history.push({ clientId: this.id, input: op.input, call: op.call, output: undefined, return: Infinity });
    }
    this.sim.events.schedule(this.rng.int(0, this.opts.thinkMsMax), () => this.next());
  }
}
