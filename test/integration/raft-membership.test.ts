// Real processes: a server joins a running 3-voter group over TCP. It starts outside the
// group, knowing the members' addresses; the members learn its address from the
// configuration change that adds it as a learner (the transport's peer table follows the
// configuration). It catches up by InstallSnapshot, serves a linearizable read through the
// leader, is promoted, and then carries the group when the old leader is killed (3 of 4
// voters, so the commit needs it).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ClusterClient, ProcessCluster } from '../support/raft/process-cluster.js';
import { kvCommand } from '../support/raft/memory-kv.js';
import { encodeSessionCommand } from '../../src/metadata/raft/sessions.js';

const timing = { tickMs: 10, electionTicks: 30, heartbeatTicks: 5, snapshotThresholdEntries: 40 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== null && v !== undefined && v !== false) return v;
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

test('raft multi-process: a server joins as a learner, catches up by snapshot, is promoted and counts', { timeout: 120_000 }, async () => {
  const cluster = await ProcessCluster.start(3, timing);
  try {
    const client = new ClusterClient(cluster);
    let seq = 0;
    const put = async (key: string, value: string) => {
      const r = await client.request('POST', '/propose', encodeSessionCommand('joiner-test', ++seq, kvCommand('put', key, value)), 10_000);
      assert.notEqual(r, null, `put ${key} got no answer`);
    };
    await cluster.waitForLeader(5000);
    for (let i = 0; i < 120; i++) await put(`k${i}`, `v${i}`);
    const leader = await cluster.waitForLeader(5000);
    assert.ok(((await cluster.status(leader))?.snapshot ?? 0) > 0, 'the leader compacted its log');

    const { raftAddress } = await cluster.spawnOutsider('m4');
    const added = await client.request('POST', `/member?change=addLearner&id=m4&address=${raftAddress}`, undefined, 10_000);
    assert.notEqual(added, null, 'adding the learner got no answer');
    const caughtUp = await until('the learner to catch up', 15_000, async () => {
      const [l, s] = await Promise.all([cluster.status(await cluster.waitForLeader(5000)), cluster.status('m4')]);
      return l !== null && s !== null && s.commit >= l.commit && s.snapshot > 0 ? s : null;
    });
    assert.equal(caughtUp.role, 'follower');
    // A read on the learner goes through the leader, which answers over the address it learned.
    const read = await fetch(cluster.url('m4', '/read?key=k119'), { signal: AbortSignal.timeout(5000) });
    assert.equal(read.status, 200);
    assert.equal(await read.text(), 'v119');

    await until('the learner to be promoted', 15_000, async () => {
      const r = await client.request('POST', '/member?change=add&id=m4', undefined, 3000);
      return r !== null;
    });
    // Four voters: with the leader killed, the two other old members and m4 are the quorum.
    const old = await cluster.waitForLeader(5000);
    cluster.kill(old);
    await cluster.waitForLeader(10_000, old);
    await put('after', 'promotion');
    const other = cluster.ids.filter((id) => id !== old && id !== 'm4');
    cluster.kill(other[0]!);
    // Two of four voters are down now: nothing may commit until one comes back.
    const stuckCommand = encodeSessionCommand('joiner-test', ++seq, kvCommand('put', 'stuck', 'x'));
    assert.equal(await client.request('POST', '/propose', stuckCommand, 1500), null, 'a write committed with two of four voters');
    await cluster.spawn(old);
    // The same session command again: applied once, whether or not the first attempt's entry survived.
    assert.notEqual(await client.request('POST', '/propose', stuckCommand, 15_000), null, 'the write did not commit once a third voter was back');
    assert.equal(text(await client.request('GET', '/read?key=stuck', undefined, 5000)), 'x');
    assert.equal(text(await client.request('GET', '/read?key=after', undefined, 5000)), 'promotion');
    const fromJoiner = await fetch(cluster.url('m4', '/read?key=k0'), { signal: AbortSignal.timeout(5000) });
    assert.equal(await fromJoiner.text(), 'v0');
  } finally {
    await cluster.stop();
  }
});
