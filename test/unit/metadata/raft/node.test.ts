// The production driver (RaftNode) with LMDB storage, in one process: one voter, and three
// voters over the in-process hub.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaftNode } from '../../../../src/metadata/raft/node.js';
import { LmdbRaftStorage } from '../../../../src/metadata/raft/lmdb-storage.js';
import { LocalHub } from '../../../../src/metadata/raft/local-transport.js';
import { encodeSessionCommand } from '../../../../src/metadata/raft/sessions.js';
import { NotLeaderError } from '../../../../src/metadata/raft/errors.js';
import { MemoryKv, kvCommand } from '../../../support/raft/memory-kv.js';

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(pred: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(5);
  }
}

test('a one-voter group applies proposals durably, serves reads, and recovers after restart', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-raft-node-'));
  try {
    const hub = new LocalHub();
    const mk = () => new RaftNode({ id: 'a', voters: ['a'], storage: LmdbRaftStorage.open(dir), transport: hub.transport('a'), stateMachine: new MemoryKv(), tickMs: 10 });
    let n = mk();
    await n.start();
    await waitFor(() => n.role() === 'leader', 1000);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => n.propose(encodeSessionCommand('c', i + 1, kvCommand('append', 'k', `${i},`)))));
    assert.equal(results.length, 50);
    // A retried proposal is not applied twice.
    await n.propose(encodeSessionCommand('c', 50, kvCommand('append', 'k', '49,')));
    const expected = Array.from({ length: 50 }, (_, i) => `${i},`).join('');
    assert.equal(dec(await n.read(enc('k'))), expected);
    await n.stop();
    n = mk();
    await n.start();
    await waitFor(() => n.role() === 'leader', 1000);
    assert.equal(dec(await n.read(enc('k'))), expected);
    await n.stop();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('three voters over the in-process hub replicate, and re-elect when the leader is cut off', async () => {
  const dirs = await Promise.all([0, 1, 2].map(() => mkdtemp(join(tmpdir(), 'tessera-raft-node-'))));
  const hub = new LocalHub();
  const ids = ['a', 'b', 'c'];
  const sms = ids.map(() => new MemoryKv());
  const nodes = ids.map((id, i) => new RaftNode({ id, voters: ids, storage: LmdbRaftStorage.open(dirs[i]!), transport: hub.transport(id), stateMachine: sms[i]!, tickMs: 10, electionTicks: 10, heartbeatTicks: 2 }));
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await waitFor(() => nodes.some((n) => n.role() === 'leader'), 3000);
    const leader = nodes.find((n) => n.role() === 'leader')!;
    const follower = nodes.find((n) => n !== leader)!;
    await assert.rejects(follower.propose(kvCommand('put', 'x', '1')), NotLeaderError);
    await leader.propose(encodeSessionCommand('c', 1, kvCommand('put', 'x', '1')));
    // A follower's read is forwarded to the leader and answered locally once applied.
    assert.equal(dec(await follower.read(enc('x'))), '1');
    hub.isolate(leader.id, true);
    const t0 = Date.now();
    await waitFor(() => nodes.some((n) => n !== leader && n.role() === 'leader'), 3000);
    const elapsed = Date.now() - t0;
    // Election timeout is 100 ms; allow for the randomized timeout plus pre-vote and vote rounds.
    assert.ok(elapsed < 1000, `re-election took ${elapsed} ms`);
    const leader2 = nodes.find((n) => n !== leader && n.role() === 'leader')!;
    await leader2.propose(encodeSessionCommand('c', 2, kvCommand('put', 'x', '2')));
    // The isolated old leader steps down (check-quorum) and cannot serve the read.
    await waitFor(() => leader.role() !== 'leader', 1000);
    hub.isolate(leader.id, false);
    const oldSm = sms[nodes.indexOf(leader)]!;
    await waitFor(() => dec(oldSm.query(enc('x'))) === '2', 3000);
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
});

test('a running node is added as a voter and catches up', async () => {
  const dirs = await Promise.all([0, 1, 2].map(() => mkdtemp(join(tmpdir(), 'tessera-raft-node-'))));
  const hub = new LocalHub();
  const ids = ['a', 'b', 'c'];
  const sms = ids.map(() => new MemoryKv());
  // c starts outside the group: it waits, without campaigning, until it is added.
  const nodes = ids.map((id, i) => new RaftNode({ id, voters: ['a', 'b'], storage: LmdbRaftStorage.open(dirs[i]!), transport: hub.transport(id), stateMachine: sms[i]!, tickMs: 10, electionTicks: 10, heartbeatTicks: 2 }));
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await waitFor(() => nodes.some((n) => n.role() === 'leader'), 3000);
    const leader = nodes.find((n) => n.role() === 'leader')!;
    await leader.propose(encodeSessionCommand('c', 1, kvCommand('put', 'x', 'before')));
    await leader.changeMembership({ add: 'c' });
    await leader.propose(encodeSessionCommand('c', 2, kvCommand('put', 'y', 'after')));
    await waitFor(() => dec(sms[2]!.query(enc('x'))) === 'before' && dec(sms[2]!.query(enc('y'))) === 'after', 3000);
    assert.notEqual(nodes[2]!.role(), 'leader');
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
});
