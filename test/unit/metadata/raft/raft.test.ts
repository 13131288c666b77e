// Direct tests of the Raft core: messages in, Ready batches out, no simulator.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Raft } from '../../../../src/metadata/raft/raft.js';
import { NotLeaderError, RaftCorruptionError } from '../../../../src/metadata/raft/errors.js';
import { applyChange, decodeConfig, encodeConfig, membership, parseAddress } from '../../../../src/metadata/raft/membership.js';
import { EntryKind, emptyInitialState, type Message, type Ready } from '../../../../src/metadata/raft/types.js';

const enc = (s: string): Uint8Array => new TextEncoder().encode(s);

function node(id: string, voters: string[], random = () => 0): Raft {
  return new Raft({ id, voters, electionTicks: 10, heartbeatTicks: 2, random }, emptyInitialState);
}

// Drives a set of cores with instant, lossless delivery until nothing is left to do.
function settle(cores: Map<string, Raft>, isolated = new Set<string>()): Ready[] {
  const seen: Ready[] = [];
  for (let round = 0; round < 1000; round++) {
    let progress = false;
    const outbox: Message[] = [];
    for (const r of cores.values()) {
      if (!r.hasReady()) continue;
      progress = true;
      const rd = r.ready();
      seen.push(rd);
      outbox.push(...rd.messages);
      r.advance();
    }
    for (const m of outbox) {
      if (isolated.has(m.from) || isolated.has(m.to)) continue;
      cores.get(m.to)?.step(m);
    }
    if (!progress) return seen;
  }
  throw new Error('did not settle');
}

function group(n: number): Map<string, Raft> {
  const ids = Array.from({ length: n }, (_, i) => `n${i + 1}`);
  return new Map(ids.map((id) => [id, node(id, ids)]));
}

test('a single voter elects itself and commits a proposal after persisting it', () => {
  const r = node('a', ['a']);
  for (let i = 0; i < 20 && r.role !== 'leader'; i++) r.tick();
  assert.equal(r.role, 'leader');
  const slot = r.propose(enc('x'));
  const readies = settle(new Map([['a', r]]));
  const applied = readies.flatMap((rd) => rd.committedEntries);
  assert.deepEqual(applied.map((e) => e.kind), [EntryKind.noop, EntryKind.normal]);
  assert.equal(applied[1]!.index, slot.index);
  assert.equal(r.log.committed, 2);
});

test('a proposal to a follower is refused with a leader hint', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  assert.equal(a.role, 'leader');
  assert.throws(() => cores.get('n2')!.propose(enc('x')), (e: unknown) => e instanceof NotLeaderError && e.leaderHint === 'n1');
});

test('pre-vote: an isolated node does not inflate its term', () => {
  const cores = group(3);
  cores.get('n1')!.campaign();
  settle(cores);
  const c = cores.get('n3')!;
  const term = c.term;
  for (let i = 0; i < 200; i++) {
    c.tick();
    settle(cores, new Set(['n3']));
  }
  assert.equal(c.term, term, 'term must not grow while pre-votes fail');
  assert.notEqual(c.role, 'leader');
});

test('check-quorum: a leader cut off from its quorum steps down within an election timeout', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  assert.equal(a.role, 'leader');
  let ticks = 0;
  while (a.role === 'leader' && ticks < 100) {
    a.tick();
    ticks++;
    settle(cores, new Set(['n1']));
  }
  assert.equal(a.role, 'follower');
  assert.ok(ticks <= 2 * 10, `stepped down after ${ticks} ticks`);
});

test('ReadIndex: a leader confirms reads with one heartbeat round and answers in order', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  a.propose(enc('x'));
  settle(cores);
  assert.ok(a.readIndex('r1'));
  assert.ok(cores.get('n2')!.readIndex('r2'));
  const states = settle(cores).flatMap((rd) => rd.readStates);
  assert.deepEqual(
    states.map((s) => [s.ctx, s.index]).sort(),
    [
      ['r1', 2],
      ['r2', 2],
    ],
  );
});

test('ReadIndex: an isolated leader cannot confirm a read', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  a.readIndex('r');
  const states = settle(cores, new Set(['n1'])).flatMap((rd) => rd.readStates);
  assert.equal(states.length, 0);
});

test('fast back-tracking skips a conflicting term in one round trip', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  // n3 is cut off while n1 piles up 100 entries it cannot commit alone... n2 gets them too.
  const cut = new Set(['n3']);
  for (let i = 0; i < 100; i++) a.propose(enc(`e${i}`));
  settle(cores, cut);
  const c = cores.get('n3')!;
  // n3 rejoins: count the append rejections it sends while catching up.
  let rejections = 0;
  for (let round = 0; round < 50 && c.log.lastIndex() < a.log.lastIndex(); round++) {
    a.tick();
    a.tick();
    for (const r of cores.values()) {
      if (!r.hasReady()) continue;
      const rd = r.ready();
      r.advance();
      for (const m of rd.messages) {
        if (m.type === 'appendResp' && m.reject) rejections++;
        cores.get(m.to)!.step(m);
      }
    }
  }
  assert.equal(c.log.lastIndex(), a.log.lastIndex());
  assert.ok(rejections <= 1, `${rejections} rejections`);
});

test('a follower never acknowledges before its Ready is taken (durability contract)', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  a.propose(enc('x'));
  const rd = a.ready();
  a.advance();
  const b = cores.get('n2')!;
  for (const m of rd.messages) if (m.to === 'n2') b.step(m);
  const brd = b.ready();
  // The acknowledgement travels in the same Ready as the entries it acknowledges.
  const ack = brd.messages.find((m) => m.type === 'appendResp' && !m.reject);
  assert.ok(ack !== undefined && ack.type === 'appendResp');
  const last = brd.entries[brd.entries.length - 1];
  assert.ok(last !== undefined && ack.index <= last.index);
  b.advance();
});

test('ReadIndex: a heartbeat sent before a read arrived never confirms that read', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  a.readIndex('early');
  // The periodic heartbeat goes out now, carrying the early read's round.
  a.tick();
  a.tick();
  a.readIndex('late');
  const rd = a.ready();
  a.advance();
  const heartbeats = rd.messages.filter((m) => m.type === 'heartbeat');
  const rounds = [...new Set(heartbeats.map((m) => (m.type === 'heartbeat' ? m.readRound : 0)))].sort();
  assert.equal(rounds.length, 2, 'the late read needs a round of its own');
  // Deliver only the first round's heartbeats and their answers.
  for (const m of heartbeats) {
    if (m.type !== 'heartbeat' || m.readRound !== rounds[0]) continue;
    const f = cores.get(m.to)!;
    f.step(m);
    const frd = f.ready();
    f.advance();
    for (const resp of frd.messages) a.step(resp);
  }
  const states = a.ready().readStates.map((s) => s.ctx);
  a.advance();
  assert.deepEqual(states, ['early']);
});

test('leadership transfer hands over to a caught-up follower despite leader stickiness', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  a.propose(enc('x'));
  settle(cores);
  a.transferLeadership('n3');
  // Proposals are refused while the transfer is under way.
  assert.throws(() => a.propose(enc('y')), NotLeaderError);
  settle(cores);
  assert.equal(cores.get('n3')!.role, 'leader');
  assert.equal(a.role, 'follower');
  assert.equal(a.leader, 'n3');
});

test('membership: a voter added by a configuration entry takes part in the next commit quorum', () => {
  const ids = ['n1', 'n2', 'n3', 'n4'];
  const cores = new Map(ids.map((id) => [id, new Raft({ id, voters: ['n1', 'n2', 'n3'], electionTicks: 10, heartbeatTicks: 2, random: () => 0 }, emptyInitialState)]));
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  // Only one change at a time: the second is refused until the first commits.
  a.proposeConfigChange({ add: 'n4' });
  assert.throws(() => a.proposeConfigChange({ remove: 'n2' }), (e: unknown) => (e as { code?: string }).code === 'RAFT_CONFIG_CHANGE_PENDING');
  settle(cores);
  assert.deepEqual([...cores.get('n4')!.currentVoters()], ids);
  // With n2 and n3 cut off, n1 and n4 are not a quorum of four.
  a.propose(enc('x'));
  const before = a.log.committed;
  settle(cores, new Set(['n2', 'n3']));
  assert.equal(a.log.committed, before);
  // Reconnected, the lost appends are recovered through heartbeats.
  for (let i = 0; i < 6; i++) {
    a.tick();
    settle(cores);
  }
  assert.ok(a.log.committed > before);
});

test('membership: a leader that removes itself steps down once the change commits', () => {
  const cores = group(3);
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  a.proposeConfigChange({ remove: 'n1' });
  settle(cores);
  assert.notEqual(a.role, 'leader');
  assert.deepEqual([...cores.get('n2')!.currentVoters()], ['n2', 'n3']);
});

test('learners: replicate and apply, but never campaign nor count in the commit quorum', () => {
  const ids = ['n1', 'n2', 'n3', 'n4'];
  const cores = new Map(ids.map((id) => [id, new Raft({ id, voters: ['n1', 'n2'], learners: ['n3', 'n4'], electionTicks: 10, heartbeatTicks: 2, random: () => 0 }, emptyInitialState)]));
  const learner = cores.get('n3')!;
  for (let i = 0; i < 30; i++) learner.tick();
  assert.equal(learner.role, 'follower', 'a learner does not campaign');
  assert.ok(learner.ready().messages.every((m) => m.type !== 'preVote' && m.type !== 'vote'));
  learner.advance();
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  assert.equal(a.role, 'leader');
  a.propose(enc('x'));
  settle(cores);
  assert.equal(learner.log.committed, a.log.committed, 'learners receive the log and the commit index');
  // With the other voter cut off, the leader and both learners (3 of 4 members) commit nothing.
  a.propose(enc('y'));
  const before = a.log.committed;
  settle(cores, new Set(['n2']));
  assert.equal(a.log.committed, before);
  assert.equal(cores.get('n4')!.log.lastIndex(), a.log.lastIndex(), 'the learners hold the entry');
  settle(cores);
  for (let i = 0; i < 6; i++) {
    a.tick();
    settle(cores);
  }
  assert.ok(a.log.committed > before);
});

test('learners: promotion waits until the learner holds every committed entry', () => {
  const ids = ['n1', 'n2', 'n3', 'n4'];
  const cores = new Map(ids.map((id) => [id, new Raft({ id, voters: ['n1', 'n2', 'n3'], electionTicks: 10, heartbeatTicks: 2, random: () => 0 }, emptyInitialState)]));
  const a = cores.get('n1')!;
  a.campaign();
  settle(cores);
  assert.throws(() => a.proposeConfigChange({ addLearner: 'n2' }), (e: unknown) => (e as { code?: string }).code === 'RAFT_CONFIG_INVALID');
  a.proposeConfigChange({ addLearner: 'n4' });
  settle(cores, new Set(['n4']));
  assert.deepEqual(a.currentConfig(), { voters: ['n1', 'n2', 'n3'], learners: ['n4'] });
  assert.throws(() => a.proposeConfigChange({ add: 'n4' }), (e: unknown) => (e as { code?: string }).code === 'RAFT_LEARNER_BEHIND');
  // Heartbeats find the learner once it is reachable; it catches up and can be promoted.
  for (let i = 0; i < 6; i++) {
    a.tick();
    settle(cores);
  }
  assert.equal(cores.get('n4')!.log.committed, a.log.committed);
  a.proposeConfigChange({ add: 'n4' });
  settle(cores);
  assert.deepEqual(cores.get('n4')!.currentConfig(), { voters: ['n1', 'n2', 'n3', 'n4'], learners: [] });
  a.proposeConfigChange({ remove: 'n4' });
  settle(cores);
  assert.deepEqual(cores.get('n2')!.currentConfig(), { voters: ['n1', 'n2', 'n3'], learners: [] });
});

test('configuration entries: version 2 round-trips learners, version 1 (voters only) still decodes', () => {
  const v2 = encodeConfig({ voters: ['b', 'a'], learners: ['c', 'a'] });
  assert.equal(v2[0], 2);
  assert.deepEqual(decodeConfig(v2), { voters: ['a', 'b'], learners: ['c'] });
  const v1 = new Uint8Array([1, ...new TextEncoder().encode('["n2","n1"]')]);
  assert.deepEqual(decodeConfig(v1), { voters: ['n1', 'n2'], learners: [] });
  assert.throws(() => decodeConfig(new Uint8Array([3, 0x5b, 0x5d])), RaftCorruptionError);
  assert.throws(() => decodeConfig(new Uint8Array([2, ...new TextEncoder().encode('{"voters":"a"}')])), RaftCorruptionError);
});

test('configuration changes carry member addresses for the transport, and drop them with the member', () => {
  let c = applyChange(membership(['a', 'b', 'c']), { addLearner: 'd', address: '10.0.0.4:7000' });
  assert.deepEqual(c, { voters: ['a', 'b', 'c'], learners: ['d'], addresses: { d: '10.0.0.4:7000' } });
  assert.deepEqual(decodeConfig(encodeConfig(c)), c);
  c = applyChange(c, { add: 'd' });
  assert.deepEqual(c.addresses, { d: '10.0.0.4:7000' }, 'a promotion keeps the address');
  c = applyChange(c, { remove: 'd' });
  assert.deepEqual(c, { voters: ['a', 'b', 'c'], learners: [] });
  for (const bad of ['nohost', ':7000', 'h:0', 'h:70000', 'h:x']) {
    assert.throws(() => applyChange(c, { addLearner: 'e', address: bad }), (e: unknown) => (e as { code?: string }).code === 'RAFT_CONFIG_INVALID', bad);
  }
  assert.deepEqual(parseAddress('[::1]:9000'), { host: '::1', port: 9000 });
});

test('two pre-candidates with equal logs: the lower id wins the tie instead of splitting the vote', () => {
  const ids = ['n1', 'n2', 'n3'];
  const a = node('n1', ids);
  const b = node('n2', ids);
  a.campaign();
  b.campaign();
  assert.equal(a.role, 'preCandidate');
  assert.equal(b.role, 'preCandidate');
  const pre = (r: Raft, to: string): Message => r.ready().messages.find((m) => m.type === 'preVote' && m.to === to)!;
  const fromA = pre(a, 'n2');
  const fromB = pre(b, 'n1');
  a.advance();
  b.advance();
  b.step(fromA);
  a.step(fromB);
  const answer = (r: Raft): Message => r.ready().messages.find((m) => m.type === 'preVoteResp')!;
  const bAnswer = answer(b);
  const aAnswer = answer(a);
  assert.equal(bAnswer.type === 'preVoteResp' && bAnswer.granted, true, 'n2 grants the lower id');
  assert.equal(aAnswer.type === 'preVoteResp' && aAnswer.granted, false, 'n1 refuses the higher id');
  a.advance();
  b.advance();
  a.step(bAnswer);
  b.step(aAnswer);
  assert.equal(a.role, 'candidate');
  assert.equal(b.role, 'preCandidate');
  // After a whole election timeout of pre-campaigning, a tie is granted again (liveness
  // under partial partitions).
  const c = node('n1', ids);
  c.campaign();
  for (let i = 0; i < 10; i++) c.tick();
  c.ready();
  c.advance();
  c.step({ ...fromB, to: 'n1' });
  const late = c.ready().messages.find((m) => m.type === 'preVoteResp')!;
  assert.equal(late.type === 'preVoteResp' && late.granted, true);
});
