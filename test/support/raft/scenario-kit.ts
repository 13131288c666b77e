// Helpers for the classic Raft scenarios (in the manner of the MIT 6.824 lab tests), over a
// SimCluster whose nodes record what they apply. Commands are small integers.

import type { NodeId } from '../../../src/metadata/raft/types.js';
import { RecordingStateMachine, SimCluster, type SimOptions } from './sim-cluster.js';

export class ScenarioError extends Error {
  override name = 'ScenarioError';
}

export function cmd(n: number): Uint8Array {
  return new TextEncoder().encode(`c${n}`);
}

function cmdValue(data: Uint8Array): number {
  return Number(new TextDecoder().decode(data).slice(1));
}

export class Kit {
  readonly c: SimCluster;

  constructor(opts: SimOptions) {
    this.c = new SimCluster({ ...opts, stateMachine: () => new RecordingStateMachine() });
  }

  fail(msg: string): never {
    throw new ScenarioError(`${msg} (t=${this.c.now}ms)`);
  }

  live(): NodeId[] {
    return this.c.ids.filter((id) => this.c.node(id).alive && this.c.isConnected(id));
  }

  leaders(ids = this.live()): NodeId[] {
    return ids.filter((id) => this.c.node(id).core?.role === 'leader');
  }

  // Waits for exactly one leader among the connected live nodes (stale leaders that are
  // disconnected do not count) and returns it.
  checkOneLeader(among?: NodeId[]): NodeId {
    for (let iter = 0; iter < 10; iter++) {
      this.c.run(this.c.rng.int(450, 550));
      const byTerm = new Map<number, NodeId[]>();
      for (const id of this.leaders(among ?? this.live())) {
        const t = this.c.node(id).core!.term;
        byTerm.set(t, [...(byTerm.get(t) ?? []), id]);
      }
      let best = -1;
      for (const [t, ids] of byTerm) {
        if (ids.length > 1) this.fail(`term ${t} has ${ids.length} leaders`);
        best = Math.max(best, t);
      }
      if (best >= 0) return byTerm.get(best)![0]!;
    }
    this.fail('expected one leader, got none');
  }

  checkTerms(): number {
    let term = -1;
    for (const id of this.live()) {
      const t = this.c.node(id).core!.term;
      if (term === -1) term = t;
      else if (t !== term) this.fail('servers disagree on term');
    }
    return term;
  }

  checkNoLeader(): void {
    const ls = this.leaders();
    if (ls.length > 0) this.fail(`expected no leader among connected nodes, but ${ls[0]} claims to be one`);
  }

  // How many nodes have applied index, and the command there (they must agree).
  nCommitted(index: number): { count: number; value: number | null } {
    let count = 0;
    let value: number | null = null;
    for (const id of this.c.ids) {
      const sm = this.c.node(id).sm as RecordingStateMachine;
      const data = sm.applied.get(index);
      if (data === undefined) continue;
      const v = cmdValue(data);
      if (count > 0 && v !== value) this.fail(`committed values differ at index ${index}: ${value} vs ${v}`);
      count++;
      value = v;
    }
    return { count, value };
  }

  // Proposes value until it is committed by at least expected nodes; returns its index.
  one(value: number, expected: number, retry: boolean): number {
    const deadline = this.c.now + 10_000;
    let starts = 0;
    while (this.c.now < deadline) {
      let index = -1;
      for (let si = 0; si < this.c.ids.length; si++) {
        const id = this.c.ids[(starts + si) % this.c.ids.length]!;
        const n = this.c.node(id);
        if (!n.alive || !this.c.isConnected(id) || n.core?.role !== 'leader') continue;
        try {
          index = n.core.propose(cmd(value)).index;
          this.c.kick(id);
          break;
        } catch {
          continue;
        }
      }
      starts++;
      if (index !== -1) {
        const until = this.c.now + 2000;
        while (this.c.now < until) {
          const { count, value: v } = this.nCommitted(index);
          if (count > 0 && count >= expected && v === value) return index;
          this.c.run(20);
        }
        if (!retry) this.fail(`one(${value}) failed to reach agreement`);
      } else {
        this.c.run(50);
      }
    }
    this.fail(`one(${value}) failed to reach agreement`);
  }

  // Proposes at a specific node; returns { index, term, isLeader } like Raft.Start().
  start(id: NodeId, value: number): { index: number; term: number; isLeader: boolean } {
    const n = this.c.node(id);
    if (!n.alive || n.core === null || n.core.role !== 'leader') return { index: -1, term: n.core?.term ?? -1, isLeader: false };
    const slot = n.core.propose(cmd(value));
    this.c.kick(id);
    return { ...slot, isLeader: true };
  }

  // Waits until index is applied by at least n nodes; returns its value.
  wait(index: number, n: number, startTerm: number): number | null {
    let to = 10;
    for (let iters = 0; iters < 30; iters++) {
      const { count } = this.nCommitted(index);
      if (count >= n) break;
      this.c.run(to);
      if (to < 1000) to *= 2;
      if (startTerm > -1) {
        for (const id of this.c.ids) {
          const core = this.c.node(id).core;
          if (core !== null && core.term > startTerm) return null;
        }
      }
    }
    const { count, value } = this.nCommitted(index);
    if (count < n) this.fail(`only ${count} decided for index ${index}; wanted ${n}`);
    return value;
  }
}
