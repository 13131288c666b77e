// Raft's safety properties (Raft paper, Figure 3), checked after every simulated event:
//
//   election safety       at most one leader per term;
//   log matching          an (index, term) pair names one entry and one prefix;
//   leader completeness   a leader's log holds every entry committed before its term;
//   state-machine safety  every node applies the same entry at a given index;
//   commit monotonicity   a live node's commit index never decreases.
//
// Log matching is checked incrementally: every entry a node persists is registered with its
// data and its predecessor's term; if each (index, term) maps to one (data, prevTerm), then
// by induction the whole prefixes agree.

import type { Entry, NodeId } from '../../../src/metadata/raft/types.js';
import type { Raft } from '../../../src/metadata/raft/raft.js';

export class InvariantViolation extends Error {
  override name = 'InvariantViolation';
  readonly code = 'RAFT_INVARIANT';
}

export function entryDigest(e: Entry, digests?: WeakMap<Entry, string>): string {
  const cached = digests?.get(e);
  if (cached !== undefined) return cached;
  // FNV-1a over the data; collisions would only hide a violation, never invent one.
  let h = 0x811c9dc5;
  for (let i = 0; i < e.data.length; i++) h = Math.imul(h ^ e.data[i]!, 0x01000193) >>> 0;
  const d = `${e.kind}:${e.data.length}:${h.toString(16)}`;
  digests?.set(e, d);
  return d;
}

interface Registered {
  readonly digest: string;
  readonly prevTerm: number;
}

export class InvariantChecker {
  private leaders = new Map<number, NodeId>();
  private entries = new Map<string, Registered>();
  // index → term and digest of the entry committed there.
  private committed: { term: number; digest: string }[] = [];
  private applied: string[] = [];
  private lastCommit = new Map<NodeId, number>();
  private leaderTermsChecked = new Set<string>();
  checks = 0;
  // Entries are immutable and shared between simulated nodes, so their digests are cached.
  private readonly digests = new WeakMap<Entry, string>();

  private digest(e: Entry): string {
    return entryDigest(e, this.digests);
  }

  private fail(msg: string): never {
    throw new InvariantViolation(msg);
  }

  committedCount(): number {
    return this.committed.length;
  }

  // The node restarted: its commit index starts again from what it persisted.
  onRestart(id: NodeId): void {
    this.lastCommit.delete(id);
  }

  onPersist(id: NodeId, core: Raft, entries: readonly Entry[]): void {
    for (const e of entries) {
      const prevTerm = core.log.term(e.index - 1) ?? -1;
      const key = `${e.index}:${e.term}`;
      const digest = this.digest(e);
      const known = this.entries.get(key);
      if (known === undefined) {
        this.entries.set(key, { digest, prevTerm });
      } else if (known.digest !== digest || (known.prevTerm !== prevTerm && prevTerm !== -1 && known.prevTerm !== -1)) {
        this.fail(`log matching: ${id} has a different entry or prefix at index ${e.index} term ${e.term}`);
      }
    }
  }

  onApply(id: NodeId, e: Entry): void {
    const digest = this.digest(e);
    const known = this.applied[e.index];
    if (known === undefined) this.applied[e.index] = digest;
    else if (known !== digest) this.fail(`state machine safety: ${id} applied a different entry at ${e.index}`);
  }

  // Called after every event for every live node.
  observe(id: NodeId, core: Raft): void {
    this.checks++;
    if (core.role === 'leader') {
      const other = this.leaders.get(core.term);
      if (other === undefined) this.leaders.set(core.term, id);
      else if (other !== id) this.fail(`election safety: ${other} and ${id} both lead term ${core.term}`);
      const key = `${id}:${core.term}`;
      if (!this.leaderTermsChecked.has(key)) {
        this.leaderTermsChecked.add(key);
        this.checkLeaderCompleteness(id, core);
      }
    }
    const commit = core.log.committed;
    const prev = this.lastCommit.get(id) ?? 0;
    if (commit < prev) this.fail(`commit index of ${id} went back from ${prev} to ${commit}`);
    if (commit === prev && this.lastCommit.has(id)) return;
    this.lastCommit.set(id, commit);
    for (let i = this.committed.length + 1; i <= commit; i++) {
      const e = core.log.entry(i);
      if (e === undefined) break;
      this.committed[i - 1] = { term: e.term, digest: this.digest(e) };
    }
    // Entries this node newly reports committed must agree with the registered ones.
    const from = Math.max(core.log.snapshotIndex + 1, prev + 1);
    for (let i = from; i <= Math.min(commit, this.committed.length); i++) {
      const e = core.log.entry(i)!;
      const c = this.committed[i - 1]!;
      if (e.term !== c.term || this.digest(e) !== c.digest) this.fail(`committed entry ${i} differs on ${id}`);
    }
  }

  private checkLeaderCompleteness(id: NodeId, core: Raft): void {
    for (let i = core.log.snapshotIndex + 1; i <= this.committed.length; i++) {
      const e = core.log.entry(i);
      const c = this.committed[i - 1]!;
      if (e === undefined || e.term !== c.term || this.digest(e) !== c.digest) {
        this.fail(`leader completeness: leader ${id} of term ${core.term} lacks committed entry ${i}`);
      }
    }
  }
}
