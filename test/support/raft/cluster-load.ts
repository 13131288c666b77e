// Client load and end-of-run checks shared by the multi-process Raft tests: clients that
// append to and read two keys through the cluster, recording a history; then every
// acknowledged append must be in the final state exactly once and the history must be
// linearizable.

import * as assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClusterClient, type ProcessCluster } from './process-cluster.js';
import { checkOperations, kvModel, type KvInput, type KvOutput, type Operation } from './linearizability.js';
import { encodeSessionCommand } from '../../../src/metadata/raft/sessions.js';
import { kvCommand } from './memory-kv.js';

const dec = (b: Uint8Array): string => new TextDecoder().decode(b);

export interface Load {
  readonly history: Operation<KvInput, KvOutput>[];
  readonly acked: string[];
}

export async function runClient(id: number, cluster: ProcessCluster, load: Load, stop: () => boolean): Promise<void> {
  const client = new ClusterClient(cluster);
  let seq = 0;
  while (!stop()) {
    const key = seq % 2 === 0 ? 'a' : 'b';
    seq++;
    const call = performance.now();
    if (seq % 5 < 2) {
      const r = await client.request('GET', `/read?key=${key}`, undefined, 3000);
      if (r !== null) load.history.push({ clientId: id, input: { op: 'get', key }, call, output: { value: dec(r) }, return: performance.now() });
    } else {
      const value = `${id}.${seq};`;
      const cmd = encodeSessionCommand(`client-${id}`, seq, kvCommand('append', key, value));
      const r = await client.request('POST', '/propose', cmd, 3000);
      const ret = r === null ? Infinity : performance.now();
      load.history.push({ clientId: id, input: { op: 'append', key, value }, call, output: r === null ? undefined : { value: '' }, return: ret });
      if (r !== null) load.acked.push(`${key}:${value}`);
    }
  }
}

// The checker's search budget. Histories recorded on a loaded machine hold more timed-out
// operations (+∞ returns), whose orderings the search must try: 5M steps answered 'unknown'
// on a 431-operation history at load 17 that 50M steps proved linearizable (143 s there).
const linearizabilityStepsMax = 50_000_000;

// Every acknowledged append is in the final state exactly once; the history is linearizable.
export async function checkLoad(cluster: ProcessCluster, load: Load, name: string): Promise<void> {
  const client = new ClusterClient(cluster);
  for (const key of ['a', 'b']) {
    const final = await client.request('GET', `/read?key=${key}`, undefined, 5000);
    assert.ok(final !== null, 'final read failed');
    const parts = dec(final).split(';').filter((x) => x !== '');
    assert.equal(new Set(parts).size, parts.length, `key ${key}: an append was applied twice`);
    for (const a of load.acked.filter((x) => x.startsWith(`${key}:`))) {
      assert.ok(parts.includes(a.slice(2, -1)), `acknowledged write ${a} lost`);
    }
  }
  assert.ok(load.acked.length > 50, `only ${load.acked.length} writes acknowledged`);
  const verdict = checkOperations(kvModel, load.history, linearizabilityStepsMax);
  if (verdict !== 'ok') {
    const file = join(tmpdir(), `tessera-raft-history-${name}-${Date.now()}.json`);
    await writeFile(file, JSON.stringify(load.history, (_k, v: unknown) => (v === Infinity ? 'Infinity' : v)));
    assert.fail(`linearizability check: ${verdict} (history saved to ${file})`);
  }
}
