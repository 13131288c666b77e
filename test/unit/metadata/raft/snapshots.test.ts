// Snapshots in the production driver: the file store (format, atomic commit, corruption
// detection) and RaftNode compacting its log and bringing a follower that missed the
// compacted entries up to date by a snapshot streamed in pieces, then restarting from it.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RaftNode } from '../../../../src/metadata/raft/node.js';
import { LmdbRaftStorage } from '../../../../src/metadata/raft/lmdb-storage.js';
import { LocalHub } from '../../../../src/metadata/raft/local-transport.js';
import { SnapshotStore, verifyFile } from '../../../../src/metadata/raft/snapshot-store.js';
import { encodeSessionCommand } from '../../../../src/metadata/raft/sessions.js';
import { limits } from '../../../../src/limits.js';
import { RaftError } from '../../../../src/metadata/raft/errors.js';
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

// Proposes at whichever node leads, retrying: on a loaded machine leadership may move during
// the test, and session commands make retries safe.
async function propose(nodes: RaftNode[], cmd: Uint8Array): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const leader = nodes.find((n) => n.role() === 'leader');
    try {
      if (leader !== undefined) return void (await leader.propose(cmd));
    } catch (err) {
      if (!(err instanceof RaftError) || Date.now() > deadline) throw err;
    }
    if (Date.now() > deadline) throw new Error('no leader to propose to');
    await sleep(10);
  }
}

async function collect(it: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = [];
  for await (const c of it) parts.push(c);
  return Buffer.concat(parts);
}

test('snapshot files round-trip, and a flipped byte or a truncation is detected', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tessera-raft-snap-'));
  try {
    const store = new SnapshotStore(dir);
    await store.init();
    const data = Buffer.alloc(limits.raftSnapshotChunkBytes * 2 + 123, 7);
    const info = await store.write(42, 3, [data.subarray(0, 1000), data.subarray(1000)]);
    assert.equal(info.bytes, 29 + data.length + 32);
    assert.deepEqual(await collect(store.data(42, 3)), data);
    await verifyFile(store.path(42, 3), 42, 3, info.bytes, info.checksum);
    const bytes = await readFile(store.path(42, 3));
    bytes[29 + 5000] ^= 1;
    await writeFile(store.path(42, 3), bytes);
    await assert.rejects(collect(store.data(42, 3)), /checksum/);
    await assert.rejects(verifyFile(store.path(42, 3), 42, 3, info.bytes, info.checksum), /checksum/);
    await writeFile(store.path(42, 3), bytes.subarray(0, bytes.length - 1));
    await assert.rejects(collect(store.data(42, 3)), /length/);
    await assert.rejects(store.info(41, 3), /ENOENT/);
    // A crash leaves temporaries; init removes them, prune removes superseded snapshots.
    await writeFile(join(dir, 'recv-1-0.tmp'), 'partial');
    await store.write(50, 3, [data]);
    await store.init();
    await store.prune(50, 3);
    assert.deepEqual(await readdir(dir), ['snap-50-3']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('a follower cut off while the leader compacts catches up by snapshot and restarts from it', async () => {
  const dirs = await Promise.all([0, 1, 2].map(() => mkdtemp(join(tmpdir(), 'tessera-raft-snap-'))));
  const hub = new LocalHub();
  const ids = ['a', 'b', 'c'];
  const sms = ids.map(() => new MemoryKv());
  const mk = (i: number, sm: MemoryKv): RaftNode =>
    new RaftNode({
      id: ids[i]!,
      voters: ids,
      storage: LmdbRaftStorage.open(join(dirs[i]!, 'log')),
      snapshots: new SnapshotStore(join(dirs[i]!, 'snapshots')),
      snapshotThresholdEntries: 50,
      transport: hub.transport(ids[i]!),
      stateMachine: sm,
      tickMs: 10,
      electionTicks: 30,
      heartbeatTicks: 3,
    });
  const nodes = ids.map((_, i) => mk(i, sms[i]!));
  try {
    await Promise.all(nodes.map((n) => n.start()));
    await waitFor(() => nodes.some((n) => n.role() === 'leader'), 3000);
    const leader = nodes.find((n) => n.role() === 'leader')!;
    const lagging = nodes.findIndex((n) => n !== leader);
    hub.isolate(ids[lagging]!, true);
    // Large values, so that the snapshot needs several pieces.
    const big = 'v'.repeat(20_000);
    for (let i = 1; i <= 200; i++) await propose(nodes, encodeSessionCommand('w', i, kvCommand('put', `k${i % 40}`, `${i}:${big}`)));
    await waitFor(() => nodes.every((n, i) => i === lagging || n.snapshotIndex() >= 150), 10_000);
    hub.isolate(ids[lagging]!, false);
    const sm = sms[lagging]!;
    await waitFor(() => dec(sm.query(enc('k0'))) === `200:${big}`, 15_000);
    assert.ok(nodes[lagging]!.snapshotIndex() >= 150, `follower snapshot at ${nodes[lagging]!.snapshotIndex()}`);
    for (let i = 161; i <= 200; i++) assert.equal(dec(sm.query(enc(`k${i % 40}`))), `${i}:${big}`);
    // After a restart the follower rebuilds its (in-memory) state from its snapshot plus log.
    await nodes[lagging]!.stop();
    const fresh = new MemoryKv();
    nodes[lagging] = mk(lagging, fresh);
    await nodes[lagging]!.start();
    await propose(nodes, encodeSessionCommand('w', 201, kvCommand('put', 'k1', 'last')));
    await waitFor(() => dec(fresh.query(enc('k1'))) === 'last', 15_000);
    assert.equal(dec(fresh.query(enc('k2'))), `162:${big}`);
    // The session table travelled in the snapshot: a retried old proposal is not re-applied.
    await propose(nodes, encodeSessionCommand('w', 201, kvCommand('put', 'k1', 'again')));
    assert.equal(dec(await nodes[lagging]!.read(enc('k1'))), 'last');
  } finally {
    await Promise.all(nodes.map((n) => n.stop()));
    await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  }
});
