import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { FragmentStore } from '../../../src/storage/fragment-store.js';
import { withTempDir } from './helpers.js';
import { fragmentData, fragmentId } from './fixtures/fragment-data.js';

const PUT_LOOP = fileURLToPath(new URL('./fixtures/put-loop.js', import.meta.url));

interface ChildReport {
  resolved: number[];
  deleted: Set<number>;
  compactions: number;
}

/** Runs the put loop in a child and kill -9s it once `killAfter` puts resolved. */
function runAndKill(dir: string, start: number, killAfter: number): Promise<ChildReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PUT_LOOP], {
      env: { ...process.env, TESSERA_PUT_LOOP_DIR: dir, TESSERA_PUT_LOOP_START: String(start) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const report: ChildReport = { resolved: [], deleted: new Set(), compactions: 0 };
    let pending = '';
    let killed = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const [word, n] = line.split(' ');
        if (word === 'ok') report.resolved.push(Number(n));
        if (word === 'deleted') report.deleted.add(Number(n));
        if (word === 'compacted') report.compactions++;
      }
      if (!killed && report.resolved.length >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`put loop exited early (signal ${signal})`));
      else resolve(report);
    });
  });
}

test('kill -9 in the middle of a put loop loses no resolved put', { timeout: 60_000 }, async () => {
  await withTempDir(async (dir) => {
    const kept = new Map<number, boolean>(); // n → must be present (false: may be either)
    let compactions = 0;
    for (const [round, killAfter] of [[0, 300], [1, 77], [2, 510]] as const) {
      const report = await runAndKill(dir, round * 1_000_000, killAfter);
      compactions += report.compactions;
      assert.ok(report.resolved.length >= killAfter);
      for (const n of report.resolved) kept.set(n, n % 10 !== 3);
      for (const n of report.deleted) kept.delete(n);
      const store = await FragmentStore.open({ dir });
      try {
        let checked = 0;
        for (const [n, mustExist] of kept) {
          const data = await store.get(fragmentId(n));
          if (data === null) {
            assert.equal(mustExist, false, `resolved put ${n} was lost in round ${round}`);
          } else {
            assert.deepEqual(data, fragmentData(n), `fragment ${n} differs in round ${round}`);
            checked++;
          }
        }
        for (const n of report.deleted) assert.equal(store.has(fragmentId(n)), false, `deleted ${n} came back`);
        assert.ok(checked > 0);
        assert.equal((await store.scrub()).corrupt.length, 0);
      } finally {
        await store.close();
      }
    }
    // The child compacts continuously; make sure compaction really ran under the kills.
    assert.ok(compactions > 0, 'no compaction happened in the child');
  });
});
