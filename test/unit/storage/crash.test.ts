import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FragmentStore } from '../../../src/storage/fragment-store.js';
import { withTempDir } from './fixtures/temp-dir.js';
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
    for (const [round, killAfter] of [[0, 200], [1, 40], [2, 300]] as const) {
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

/** Runs the child in batch mode: one group commit of `count` puts, then kill -9. */
function putBatchAndKill(dir: string, start: number, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PUT_LOOP], {
      env: { ...process.env, TESSERA_PUT_LOOP_DIR: dir, TESSERA_PUT_LOOP_START: String(start), TESSERA_PUT_LOOP_BATCH: String(count) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      output += chunk;
      if (output.includes('done\n')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('exit', (_code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`child exited: ${signal}`))));
  });
}

test('a last batch whose index commit is durable but whose bytes are not is verified and dropped on open', { timeout: 30_000 }, async () => {
  await withTempDir(async (dir) => {
    const first = await FragmentStore.open({ dir });
    await Promise.all(Array.from({ length: 10 }, (_, n) => first.put(fragmentId(n), fragmentData(n))));
    await first.close();
    await putBatchAndKill(dir, 100, 8);
    // The kill left the index saying the batch is there. Zero the batch's bytes,
    // as if the machine lost power before the segment's fsync completed.
    const names = (await readdir(join(dir, 'segments'))).sort();
    const segment = join(dir, 'segments', names[names.length - 1]!);
    const batchBytes = Array.from({ length: 8 }, (_, i) => 24 + 34 + fragmentData(100 + i).length).reduce((a, b) => a + b, 0);
    const size = (await stat(segment)).size;
    const file = await open(segment, 'r+');
    await file.write(Buffer.alloc(batchBytes), 0, batchBytes, size - batchBytes);
    await file.close();
    const store = await FragmentStore.open({ dir });
    try {
      assert.equal(store.recovery.unsyncedRecordsDropped, 8);
      for (let n = 0; n < 10; n++) assert.deepEqual(await store.get(fragmentId(n)), fragmentData(n));
      for (let n = 100; n < 108; n++) assert.equal(store.has(fragmentId(n)), false);
      assert.equal((await store.scrub()).corrupt.length, 0);
    } finally {
      await store.close();
    }
  });
});

test('after a kill with the last batch intact, open verifies it and keeps it', { timeout: 30_000 }, async () => {
  await withTempDir(async (dir) => {
    await putBatchAndKill(dir, 100, 8);
    const store = await FragmentStore.open({ dir });
    try {
      assert.equal(store.recovery.unsyncedRecordsDropped, 0);
      for (let n = 100; n < 108; n++) assert.deepEqual(await store.get(fragmentId(n)), fragmentData(n));
      await store.close();
      // The open recorded the verification, so the next one has nothing to check.
      const again = await FragmentStore.open({ dir });
      assert.equal(again.recovery.unsyncedRecordsDropped, 0);
      await again.close();
    } finally {
      await store.close();
    }
  });
});
