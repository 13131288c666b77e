// Real processes: snapshots and log compaction in the production driver. Three voters (LMDB
// with fsync, TCP) under client load; a follower is kill -9'd, the leader compacts its log
// past everything the follower holds, and the follower restarts and must catch up by a
// snapshot streamed in pieces (the state includes ~1 MiB of filler, so several pieces). Then
// the follower is kill -9'd again in the middle of receiving or installing a snapshot, and
// must restart and catch up. Checks: no acknowledged write lost or applied twice, history
// linearizable, the follower's state equals the leader's.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { ClusterClient, ProcessCluster } from '../support/raft/process-cluster.js';
import { checkLoad, runClient, type Load } from '../support/raft/cluster-load.js';
import { encodeSessionCommand } from '../../src/metadata/raft/sessions.js';
import { kvCommand } from '../support/raft/memory-kv.js';

const timing = { tickMs: 10, electionTicks: 30, heartbeatTicks: 5, snapshotThresholdEntries: 150 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

async function until(what: string, pred: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await pred())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// Puts ~1 MiB of filler (and enough entries to pass the snapshot threshold twice).
async function fill(client: ClusterClient, round: number): Promise<void> {
  const big = 'f'.repeat(16 * 1024);
  for (let i = 0; i < 64; i++) {
    const r = await client.request('POST', '/propose', encodeSessionCommand(`filler-${round}`, i + 1, kvCommand('put', `fill${i}`, `${round}:${big}`)), 10_000);
    assert.ok(r !== null, 'filler write failed');
  }
}

async function compactedPast(cluster: ProcessCluster, leader: string, index: number): Promise<boolean> {
  const s = await cluster.status(leader);
  return s !== null && s.snapshot > index;
}

test('raft multi-process: a follower behind the compacted log catches up by snapshot, also after kill -9 during install', { timeout: 180_000 }, async () => {
  const cluster = await ProcessCluster.start(3, timing);
  const load: Load = { history: [], acked: [] };
  let stopping = false;
  const client = new ClusterClient(cluster);
  try {
    await cluster.waitForLeader(5000);
    const clients = Array.from({ length: 3 }, (_, i) => runClient(i, cluster, load, () => stopping));
    for (let round = 1; round <= 2; round++) {
      await sleep(300);
      const leader = await cluster.waitForLeader(5000);
      const follower = cluster.ids.find((id) => id !== leader)!;
      const behind = (await cluster.status(follower))?.commit ?? 0;
      cluster.kill(follower);
      await fill(client, round);
      await until('the leader to compact past the follower', () => compactedPast(cluster, leader, behind + 1), 30_000);
      if (round === 2) {
        // Kill -9 the follower while the snapshot is on its way or being installed.
        await cluster.spawn(follower);
        await sleep(30 + Math.random() * 150);
        cluster.kill(follower);
      }
      await cluster.spawn(follower);
      await until('the follower to install a snapshot', async () => ((await cluster.status(follower))?.snapshot ?? 0) > behind, 30_000);
      const want = (await cluster.status(leader))?.commit ?? 0;
      await until('the follower to catch up', async () => ((await cluster.status(follower))?.commit ?? 0) >= want, 30_000);
    }
    await sleep(300);
    stopping = true;
    await Promise.all(clients);
    await checkLoad(cluster, load, 'snapshot');
    // Every replica ends with the same state: compare each key read locally after the leader's
    // commit index is applied everywhere (a read forwarded and served at each node).
    for (const id of cluster.ids) {
      for (const key of ['a', 'b', 'fill0', 'fill63']) {
        const here = await fetch(cluster.url(id, `/read?key=${key}`)).then(async (r) => dec(new Uint8Array(await r.arrayBuffer())));
        const there = await client.request('GET', `/read?key=${key}`, undefined, 5000);
        assert.equal(here, dec(there!), `${id} differs on ${key}`);
      }
    }
  } finally {
    stopping = true;
    await cluster.stop();
  }
});
