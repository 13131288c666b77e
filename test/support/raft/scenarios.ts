// The classic Raft scenarios (after the MIT 6.824 lab tests 2A-2C), each a function of a
// seed. Every scenario also runs with all invariants checked after every simulated event.

import { Kit } from './scenario-kit.js';
import { reliableNetwork, unreliableNetwork } from './sim-cluster.js';
import type { ConfigChange, Membership } from '../../../src/metadata/raft/membership.js';

export type Scenario = (seed: number) => void;

function initialElection(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  k.checkOneLeader();
  const term1 = k.checkTerms();
  if (term1 < 1) k.fail(`term is ${term1}, but should be at least 1`);
  // With no failures the leader keeps its term.
  k.c.run(2000);
  if (k.checkTerms() !== term1) k.fail('term changed even though there were no failures');
  k.checkOneLeader();
}

function reElection(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  const leader1 = k.checkOneLeader();
  k.c.disconnect(leader1);
  k.checkOneLeader();
  // The old leader rejoins; it must not disturb the new one.
  k.c.connect(leader1);
  const leader2 = k.checkOneLeader();
  // Without a quorum there is no leader.
  k.c.disconnect(leader2);
  k.c.disconnect(k.c.ids[(k.c.ids.indexOf(leader2) + 1) % 3]!);
  k.c.run(2 * k.c.electionTimeoutMs() + 500);
  k.checkNoLeader();
  k.c.connect(k.c.ids[(k.c.ids.indexOf(leader2) + 1) % 3]!);
  k.checkOneLeader();
  k.c.connect(leader2);
  k.checkOneLeader();
}

function manyElections(seed: number): void {
  const k = new Kit({ seed, nodes: 7 });
  k.checkOneLeader();
  for (let i = 0; i < 6; i++) {
    const out = [0, 1, 2].map(() => k.c.rng.pick(k.c.ids));
    for (const id of out) k.c.disconnect(id);
    // Either the current leader is still alive, or the remaining four elect a new one.
    k.checkOneLeader();
    for (const id of out) k.c.connect(id);
  }
  k.checkOneLeader();
}

function basicAgree(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  for (let i = 1; i <= 3; i++) {
    const { count } = k.nCommitted(i + 1);
    if (count > 0) k.fail('some have committed before start');
    k.one(i * 100, 3, false);
  }
}

function rpcCounts(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  const leader = k.checkOneLeader();
  const afterElection = k.c.messagesSent;
  if (afterElection > 120) k.fail(`too many messages (${afterElection}) for 1 election`);
  const before = k.c.messagesSent;
  let base = -1;
  for (let i = 1; i <= 10; i++) {
    const r = k.start(leader, 1000 + i);
    if (!r.isLeader) return; // leadership changed mid-way: the 6.824 test retries; we accept
    if (base === -1) base = r.index - 1;
    if (r.index !== base + i) k.fail('start() failed');
  }
  for (let i = 1; i <= 10; i++) {
    if (k.wait(base + i, 3, -1) !== 1000 + i) k.fail('wrong value committed');
  }
  const used = k.c.messagesSent - before;
  // Batching: 10 proposals need far fewer than 10 round trips per follower.
  if (used > (10 + 1 + 3) * 3 * 2 + 60) k.fail(`too many messages (${used}) for 10 entries`);
  const idleBefore = k.c.messagesSent;
  k.c.run(1000);
  const idle = k.c.messagesSent - idleBefore;
  // Heartbeats every 30 ms to 2 followers and their answers: about 135 in one second.
  if (idle > 200) k.fail(`too many messages (${idle}) in 1 s of idleness`);
}

function followerFailure(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  k.one(101, 3, false);
  const leader1 = k.checkOneLeader();
  k.c.disconnect(k.c.ids[(k.c.ids.indexOf(leader1) + 1) % 3]!);
  k.one(102, 2, false);
  k.c.run(k.c.electionTimeoutMs());
  k.one(103, 2, false);
  const leader2 = k.checkOneLeader();
  k.c.disconnect(k.c.ids[(k.c.ids.indexOf(leader2) + 1) % 3]!);
  k.c.disconnect(k.c.ids[(k.c.ids.indexOf(leader2) + 2) % 3]!);
  const r = k.start(leader2, 104);
  if (!r.isLeader) return;
  k.c.run(2 * k.c.electionTimeoutMs());
  if (k.nCommitted(r.index).count > 0) k.fail(`${k.nCommitted(r.index).count} committed but no majority`);
}

function leaderFailure(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  k.one(101, 3, false);
  const leader1 = k.checkOneLeader();
  k.c.disconnect(leader1);
  k.one(102, 2, false);
  k.c.run(k.c.electionTimeoutMs());
  k.one(103, 2, false);
  const leader2 = k.checkOneLeader();
  k.c.disconnect(leader2);
  const starts = k.c.ids.map((id) => k.start(id, 104));
  k.c.run(2 * k.c.electionTimeoutMs());
  for (const s of starts) {
    if (s.isLeader && k.nCommitted(s.index).value === 104) k.fail('committed without a majority');
  }
}

function failAgree(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  k.one(101, 3, false);
  const leader = k.checkOneLeader();
  const follower = k.c.ids[(k.c.ids.indexOf(leader) + 1) % 3]!;
  k.c.disconnect(follower);
  for (let v = 102; v <= 105; v++) k.one(v, 2, false);
  k.c.run(k.c.electionTimeoutMs());
  k.c.connect(follower);
  // The follower catches up and everything reaches all three.
  k.one(106, 3, true);
  k.c.run(k.c.electionTimeoutMs());
  k.one(107, 3, true);
}

function failNoAgree(seed: number): void {
  const k = new Kit({ seed, nodes: 5 });
  k.one(10, 5, false);
  const leader = k.checkOneLeader();
  const i = k.c.ids.indexOf(leader);
  for (const d of [1, 2, 3]) k.c.disconnect(k.c.ids[(i + d) % 5]!);
  const r = k.start(leader, 20);
  if (!r.isLeader) k.fail('leader rejected start()');
  k.c.run(2 * k.c.electionTimeoutMs());
  if (k.nCommitted(r.index).count > 0) k.fail('committed without a majority');
  for (const d of [1, 2, 3]) k.c.connect(k.c.ids[(i + d) % 5]!);
  const leader2 = k.checkOneLeader();
  const r2 = k.start(leader2, 30);
  if (!r2.isLeader) return;
  // Index 1 is the first leader's no-op, 2 holds 10, 3 may hold 20; then the new leader's
  // no-op (the 6.824 original, without no-ops, expects 2 or 3).
  if (r2.index < 4 || r2.index > 5) k.fail(`unexpected index ${r2.index}`);
  k.one(1000, 5, true);
}

function concurrentStarts(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  for (let attempt = 0; attempt < 5; attempt++) {
    const leader = k.checkOneLeader();
    const r0 = k.start(leader, 1);
    if (!r0.isLeader) continue;
    const slots = [1, 2, 3, 4, 5].map((v) => k.start(leader, 100 + v));
    if (slots.some((s) => !s.isLeader || s.term !== r0.term)) continue;
    const got = new Set<number>();
    for (const s of slots) {
      const v = k.wait(s.index, 3, r0.term);
      if (v === null) break;
      got.add(v);
    }
    if (got.size < 5) continue;
    for (let v = 101; v <= 105; v++) if (!got.has(v)) k.fail(`cmd ${v} missing`);
    return;
  }
  k.fail('term changed too often');
}

function rejoin(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  k.one(101, 3, true);
  const leader1 = k.checkOneLeader();
  k.c.disconnect(leader1);
  // The isolated leader appends entries that can never commit.
  k.start(leader1, 102);
  k.start(leader1, 103);
  k.start(leader1, 104);
  k.one(103, 2, true);
  const leader2 = k.checkOneLeader();
  k.c.disconnect(leader2);
  k.c.connect(leader1);
  k.one(104, 2, true);
  k.c.connect(leader2);
  k.one(105, 3, true);
}

function backup(seed: number, network = reliableNetwork, count = 50): void {
  const k = new Kit({ seed, nodes: 5, network });
  k.one(k.c.rng.int(0, 1e6), 5, true);
  const leader1 = k.checkOneLeader();
  const i = k.c.ids.indexOf(leader1);
  // Leader and one follower form a minority that piles up uncommitted entries.
  for (const d of [2, 3, 4]) k.c.disconnect(k.c.ids[(i + d) % 5]!);
  for (let j = 0; j < count; j++) k.start(leader1, k.c.rng.int(0, 1e6));
  k.c.run(k.c.electionTimeoutMs() / 2);
  k.c.disconnect(k.c.ids[i]!);
  k.c.disconnect(k.c.ids[(i + 1) % 5]!);
  for (const d of [2, 3, 4]) k.c.connect(k.c.ids[(i + d) % 5]!);
  // The majority commits lots of other entries.
  for (let j = 0; j < count; j++) k.one(k.c.rng.int(0, 1e6), 3, true);
  const leader2 = k.checkOneLeader();
  let other = k.c.ids[(i + 2) % 5]!;
  if (other === leader2) other = k.c.ids[(k.c.ids.indexOf(leader2) + 1) % 5]!;
  k.c.disconnect(other);
  for (let j = 0; j < count; j++) k.start(leader2, k.c.rng.int(0, 1e6));
  k.c.run(k.c.electionTimeoutMs() / 2);
  for (const id of k.c.ids) k.c.disconnect(id);
  k.c.connect(k.c.ids[i]!);
  k.c.connect(k.c.ids[(i + 1) % 5]!);
  k.c.connect(other);
  // The original minority plus `other` must back-track over long divergent logs.
  for (let j = 0; j < count; j++) k.one(k.c.rng.int(0, 1e6), 3, true);
  for (const id of k.c.ids) k.c.connect(id);
  k.one(k.c.rng.int(0, 1e6), 5, true);
}

function persist1(seed: number): void {
  const k = new Kit({ seed, nodes: 3 });
  k.one(11, 3, true);
  for (const id of k.c.ids) k.c.restart(id);
  k.one(12, 3, true);
  const leader1 = k.checkOneLeader();
  k.c.restart(leader1);
  k.one(13, 3, true);
  const leader2 = k.checkOneLeader();
  k.c.crash(leader2);
  k.one(14, 2, true);
  k.c.restart(leader2);
  k.wait(4, 3, -1);
  const i3 = (k.c.ids.indexOf(k.checkOneLeader()) + 1) % 3;
  k.c.crash(k.c.ids[i3]!);
  k.one(15, 2, true);
  k.c.restart(k.c.ids[i3]!);
  k.one(16, 3, true);
}

function persist2(seed: number): void {
  const k = new Kit({ seed, nodes: 5 });
  let index = 1;
  for (let iters = 0; iters < 5; iters++) {
    k.one(10 + index++, 5, true);
    const leader1 = k.checkOneLeader();
    const i = k.c.ids.indexOf(leader1);
    k.c.crash(k.c.ids[(i + 1) % 5]!);
    k.c.crash(k.c.ids[(i + 2) % 5]!);
    k.one(10 + index++, 3, true);
    k.c.crash(k.c.ids[i]!);
    k.c.crash(k.c.ids[(i + 3) % 5]!);
    k.c.crash(k.c.ids[(i + 4) % 5]!);
    k.c.restart(k.c.ids[(i + 1) % 5]!);
    k.c.restart(k.c.ids[(i + 2) % 5]!);
    k.c.run(k.c.electionTimeoutMs());
    k.c.restart(k.c.ids[(i + 3) % 5]!);
    k.one(10 + index++, 3, true);
    k.c.restart(k.c.ids[(i + 4) % 5]!);
    k.c.restart(k.c.ids[i]!);
  }
  k.one(1000, 5, true);
}

function figure8(seed: number, unreliable: boolean): void {
  const k = new Kit({ seed, nodes: 5, network: unreliable ? unreliableNetwork : reliableNetwork });
  k.one(k.c.rng.int(0, 1e6), 1, true);
  let up = 5;
  const iterations = unreliable ? 300 : 200;
  for (let iter = 0; iter < iterations; iter++) {
    let leader: string | null = null;
    for (const id of k.c.ids) {
      const r = k.start(id, k.c.rng.int(0, 1e6));
      if (r.isLeader) leader = id;
    }
    k.c.run(k.c.rng.chance(0.1) ? k.c.rng.int(0, k.c.electionTimeoutMs() / 2) : k.c.rng.int(0, 13));
    if (leader !== null && (unreliable ? k.c.rng.chance(0.5) : true)) {
      if (unreliable) k.c.disconnect(leader);
      else k.c.crash(leader);
      up--;
    }
    if (up < 3) {
      const id = k.c.rng.pick(k.c.ids);
      const down = unreliable ? !k.c.isConnected(id) : !k.c.node(id).alive;
      if (down) {
        if (unreliable) k.c.connect(id);
        else k.c.restart(id);
        up++;
      }
    }
  }
  for (const id of k.c.ids) {
    if (!k.c.node(id).alive) k.c.restart(id);
    k.c.connect(id);
  }
  k.c.network = reliableNetwork;
  k.one(k.c.rng.int(0, 1e6), 5, true);
}

function unreliableAgree(seed: number): void {
  const k = new Kit({ seed, nodes: 5, network: unreliableNetwork });
  for (let iters = 1; iters < 20; iters++) {
    for (let j = 0; j < 4; j++) {
      for (const id of k.c.ids) k.start(id, 100 * iters + j);
    }
    k.one(iters, 1, true);
  }
  k.c.network = reliableNetwork;
  k.one(100, 5, true);
}

function churn(seed: number, unreliable: boolean): void {
  const k = new Kit({ seed, nodes: 5, network: unreliable ? unreliableNetwork : reliableNetwork });
  const proposed: { index: number; value: number }[] = [];
  let next = 1;
  for (let iter = 0; iter < 20; iter++) {
    for (let j = 0; j < 5; j++) {
      for (const id of k.c.ids) {
        const r = k.start(id, next);
        if (r.isLeader) proposed.push({ index: r.index, value: next });
        next++;
      }
    }
    k.c.run(k.c.rng.int(0, 100));
    const id = k.c.rng.pick(k.c.ids);
    const roll = k.c.rng.next();
    if (roll < 0.2) k.c.disconnect(id);
    else if (roll < 0.4) k.c.connect(id);
    else if (roll < 0.5) k.c.crash(id);
    else if (roll < 0.7 && !k.c.node(id).alive) k.c.restart(id);
  }
  k.c.run(k.c.electionTimeoutMs());
  k.c.network = reliableNetwork;
  for (const id of k.c.ids) {
    if (!k.c.node(id).alive) k.c.restart(id);
    k.c.connect(id);
  }
  k.c.run(k.c.electionTimeoutMs());
  const last = k.one(k.c.rng.int(0, 1e6) + 1e7, 5, true);
  // Every index up to the last one is decided by all five, and the values agree.
  for (let i = 1; i <= last; i++) k.nCommitted(i);
  if (k.c.invariants.committedCount() < last) k.fail('committed registry behind the log');
}

// After 6.824's 2D tests: a victim misses enough entries that the leader has compacted them,
// so it can only catch up by InstallSnapshot, while being disconnected or crashed.
function snapshotInstall(seed: number, mode: 'disconnect' | 'crash', unreliable: boolean): void {
  const k = new Kit({ seed, nodes: 3, network: unreliable ? unreliableNetwork : reliableNetwork, snapshotEvery: 9 });
  const r = (): number => k.c.rng.int(0, 1e6);
  k.one(r(), 3, true);
  let leader1 = k.checkOneLeader();
  for (let i = 0; i < 12; i++) {
    let victim = k.c.ids[(k.c.ids.indexOf(leader1) + 1) % 3]!;
    let sender = leader1;
    if (i % 3 === 1) [sender, victim] = [victim, leader1];
    if (mode === 'disconnect') k.c.disconnect(victim);
    else k.c.crash(victim);
    k.one(r(), 2, true);
    // Enough entries for the survivors to snapshot and compact past the victim's log.
    for (let j = 0; j < 11; j++) k.start(sender, r());
    k.one(r(), 2, true);
    if (mode === 'disconnect') k.c.connect(victim);
    else k.c.restart(victim);
    k.one(r(), 3, true);
    leader1 = k.checkOneLeader();
  }
  if (k.c.snapshotsSent === 0) k.fail('no snapshot was ever installed');
}

// Leadership transfer: the chosen follower takes over promptly, in spite of leader
// stickiness, and agreement continues; under an unreliable network a transfer may fail, but
// safety holds and the group keeps making progress.
function transfer(seed: number, unreliable: boolean): void {
  const k = new Kit({ seed, nodes: 5, network: unreliable ? unreliableNetwork : reliableNetwork });
  let done = 0;
  for (let i = 0; i < 8; i++) {
    k.one(k.c.rng.int(0, 1e6), unreliable ? 3 : 5, true);
    const leader = k.checkOneLeader();
    const target = k.c.rng.pick(k.c.ids.filter((id) => id !== leader));
    k.c.node(leader).core!.transferLeadership(target);
    k.c.kick(leader);
    if (k.c.runUntil(() => k.c.node(target).core?.role === 'leader', k.c.electionTimeoutMs())) done++;
  }
  if (!unreliable && done < 8) k.fail(`only ${done} of 8 transfers completed within an election timeout`);
  k.c.network = reliableNetwork;
  k.one(k.c.rng.int(0, 1e6), 5, true);
}

// Single-server membership changes: grow 3 → 5, remove voters (the leader among them), add
// them back, directly or as learners promoted later, with crashes and (optionally) an
// unreliable network and snapshots in between. Agreement must continue among the current
// voters and every invariant must hold.
function membership(seed: number, unreliable: boolean): void {
  const k = new Kit({
    seed,
    nodes: 5,
    voters: ['n1', 'n2', 'n3'],
    network: unreliable ? unreliableNetwork : reliableNetwork,
    snapshotEvery: unreliable ? 15 : 0,
  });
  const r = (): number => k.c.rng.int(0, 1e6);
  k.one(r(), 3, true);
  let changes = 0;
  for (let i = 0; i < 10; i++) {
    const leader = k.checkOneLeader();
    const core = k.c.node(leader).core!;
    const { voters, learners } = core.currentConfig();
    const outside = k.c.ids.filter((id) => !voters.includes(id) && !learners.includes(id));
    const add = outside.length > 0 && (voters.length < 4 || k.c.rng.chance(0.5));
    let change: ConfigChange;
    if (learners.length > 0 && k.c.rng.chance(0.6)) change = { add: k.c.rng.pick(learners) };
    else if (add) change = k.c.rng.chance(0.5) ? { addLearner: k.c.rng.pick(outside) } : { add: k.c.rng.pick(outside) };
    else change = { remove: k.c.rng.pick(k.c.rng.chance(0.8) ? voters : [...voters, ...learners]) };
    try {
      const slot = core.proposeConfigChange(change);
      k.c.kick(leader);
      if (k.c.runUntil(() => (k.c.node(leader).core?.log.committed ?? 0) >= slot.index, 2000)) changes++;
    } catch {
      // Another change is pending or leadership moved: try again next round.
    }
    if (k.c.rng.chance(0.3)) k.c.restart(k.c.rng.pick(k.c.ids));
    const quorum = Math.floor(k.c.node(k.checkOneLeader()).core!.currentVoters().length / 2) + 1;
    k.one(r(), quorum, true);
  }
  if (!unreliable && changes < 5) k.fail(`only ${changes} of 10 configuration changes committed`);
  k.c.network = reliableNetwork;
  const leader = k.checkOneLeader();
  const quorum = Math.floor(k.c.node(leader).core!.currentVoters().length / 2) + 1;
  k.one(r(), quorum, true);
}

// Learners (dissertation §4.2.1): servers join as learners, catch up (by InstallSnapshot,
// since the group compacts every few entries) and are promoted once they have. Checked on
// top of every invariant: learners never make a quorum (a leader left with only learners
// commits nothing), a learner that has not caught up cannot be promoted, and once promoted
// the new voters carry the group through the loss of two of five.
function learners(seed: number, unreliable: boolean): void {
  const k = new Kit({
    seed,
    nodes: 5,
    voters: ['n1', 'n2', 'n3'],
    network: unreliable ? unreliableNetwork : reliableNetwork,
    snapshotEvery: 9,
  });
  const r = (): number => k.c.rng.int(0, 1e6);
  for (let i = 0; i < 25; i++) k.one(r(), 3, true);
  // Proposes a change until a leader's log holds it, then commits an entry after it.
  const change = (c: ConfigChange, done: (m: Membership) => boolean): 'done' | 'behind' => {
    for (let attempt = 0; attempt < 40; attempt++) {
      const core = k.c.node(k.checkOneLeader()).core!;
      if (done(core.currentConfig())) {
        k.one(r(), 2, true);
        return 'done';
      }
      try {
        core.proposeConfigChange(c);
        k.c.kick(core.id);
      } catch (err) {
        if ((err as { code?: string }).code === 'RAFT_LEARNER_BEHIND') return 'behind';
      }
      k.c.run(100);
    }
    return k.fail(`configuration change ${JSON.stringify(c)} never made it into a leader's log`);
  };
  const caughtUp = (id: string): boolean => {
    const leader = k.leaders()[0];
    return leader !== undefined && k.c.node(id).appliedIndex >= k.c.node(leader).core!.log.committed;
  };
  k.c.disconnect('n5');
  change({ addLearner: 'n4' }, (m) => m.learners.includes('n4'));
  if (!k.c.runUntil(() => caughtUp('n4'), 5000)) k.fail('learner n4 did not catch up');
  if (k.c.snapshotsSent === 0) k.fail('the learner caught up without a snapshot');
  change({ addLearner: 'n5' }, (m) => m.learners.includes('n5'));

  if (change({ add: 'n5' }, (m) => m.voters.includes('n5')) !== 'behind') k.fail('promoted learner n5 before it caught up');
  k.c.connect('n5');
  if (!k.c.runUntil(() => caughtUp('n5') && caughtUp('n4'), 5000)) k.fail('learner n5 did not catch up');

  // Two of three voters down: the leader and two up-to-date learners are a majority of the
  // members but no quorum of voters, so nothing may commit.
  const leader = k.checkOneLeader();
  const down = ['n1', 'n2', 'n3'].filter((id) => id !== leader);
  for (const id of down) k.c.crash(id);
  const slot = k.start(leader, r());
  k.c.run(1500);
  if (slot.isLeader && (k.nCommitted(slot.index).count > 0 || (k.c.node(leader).core?.log.committed ?? 0) >= slot.index)) {
    k.fail(`entry ${slot.index} committed with one voter of three and two learners`);
  }
  for (const id of down) k.c.restart(id);
  k.one(r(), 3, true);

  for (const id of ['n5', 'n4']) {
    let promoted = false;
    for (let attempt = 0; attempt < 20 && !promoted; attempt++) {
      k.c.runUntil(() => caughtUp(id), 3000);
      promoted = change({ add: id }, (m) => m.voters.includes(id)) === 'done';
    }
    if (!promoted) k.fail(`learner ${id} was never promoted`);
  }
  // Five voters now: any two may fail.
  const crashed = k.c.rng.pick([['n1', 'n2'], ['n4', 'n5'], ['n2', 'n5']]);
  for (const id of crashed) k.c.crash(id);
  k.one(r(), 3, true);
  for (const id of crashed) k.c.restart(id);
  k.c.network = reliableNetwork;
  k.one(r(), 5, true);
}

export const scenarios: Readonly<Record<string, Scenario>> = Object.freeze({
  'initial election': initialElection,
  're-election': reElection,
  'many elections': manyElections,
  'basic agreement': basicAgree,
  'RPC counts': rpcCounts,
  'follower failure': followerFailure,
  'leader failure': leaderFailure,
  'agreement after follower reconnects': failAgree,
  'no agreement without quorum': failNoAgree,
  'concurrent starts': concurrentStarts,
  'rejoin of partitioned leader': rejoin,
  'fast backup over divergent logs': (s: number) => backup(s),
  'persist across restarts of all, leader, majority': persist1,
  'persist across partitions and crashes': persist2,
  'Figure 8': (s: number) => figure8(s, false),
  'Figure 8 unreliable': (s: number) => figure8(s, true),
  'unreliable agreement': unreliableAgree,
  'reliable churn': (s: number) => churn(s, false),
  'unreliable churn': (s: number) => churn(s, true),
  'snapshot install (disconnect)': (s: number) => snapshotInstall(s, 'disconnect', false),
  'snapshot install (disconnect, unreliable)': (s: number) => snapshotInstall(s, 'disconnect', true),
  'snapshot install (crash)': (s: number) => snapshotInstall(s, 'crash', false),
  'snapshot install (crash, unreliable)': (s: number) => snapshotInstall(s, 'crash', true),
  'leadership transfer': (s: number) => transfer(s, false),
  'leadership transfer (unreliable)': (s: number) => transfer(s, true),
  'membership changes': (s: number) => membership(s, false),
  'membership changes (unreliable, snapshots)': (s: number) => membership(s, true),
  'learners catch up and are promoted': (s: number) => learners(s, false),
  'learners catch up and are promoted (unreliable)': (s: number) => learners(s, true),
});
