// Fragment-store benchmark: durable 4 KiB puts at 16 and 64 in flight (group
// commit), the same with one commit per put as the baseline group commit must
// beat, 1 MiB puts in MB/s, 4 KiB / 1 MiB gets (page cache, checksum verified),
// and the single-node write path's shape: 64 KiB fragments to six drive stores.
//
//   node dist/bench/storage-bench.js [--seconds 3] [--dir /path/on/the/disk/to/test]
//
// Each case runs for a fixed time on a fresh store and prints one JSON line, then
// a table. Runs on one core's worth of event loop; LMDB commits on its own thread.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { FragmentStore } from '../src/storage/fragment-store.js';

interface CaseResult {
  name: string;
  ops: number;
  seconds: number;
  opsPerSecond: number;
  megabytesPerSecond: number;
  groupCommits: number;
  segmentSyncs: number;
  /** Main-thread CPU (user + system) per operation: comparable even on a busy machine. */
  cpuMicrosPerOp: number;
}

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

function id(n: number): Buffer {
  const out = Buffer.alloc(34);
  out.writeUInt32BE(n >>> 0, 28);
  out.writeUInt16BE(Math.floor(n / 2 ** 32), 26);
  return out;
}

/** Runs `op` with `concurrency` workers until `seconds` pass; returns ops done. */
async function drive(concurrency: number, seconds: number, op: (n: number) => Promise<unknown>): Promise<{ ops: number; elapsed: number; cpuMicrosPerOp: number }> {
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const deadline = started + seconds * 1000;
  let next = 0;
  let done = 0;
  const worker = async (): Promise<void> => {
    while (performance.now() < deadline) {
      await op(next++);
      done++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const cpu = process.cpuUsage(cpuBefore);
  return { ops: done, elapsed: (performance.now() - started) / 1000, cpuMicrosPerOp: (cpu.user + cpu.system) / Math.max(1, done) };
}

async function putCase(
  root: string, name: string, sizeBytes: number, concurrency: number, seconds: number, batchMax?: number,
): Promise<{ result: CaseResult; store: FragmentStore; count: number }> {
  const store = await FragmentStore.open({ dir: join(root, name), ...(batchMax === undefined ? {} : { groupCommitBatchMax: batchMax }) });
  // Distinct random payloads, reused round-robin: content does not matter to the store.
  const payloads = Array.from({ length: 64 }, () => randomBytes(sizeBytes));
  const { ops, elapsed, cpuMicrosPerOp } = await drive(concurrency, seconds, (n) => store.put(id(n), payloads[n % payloads.length]!));
  const stats = store.stats();
  return {
    result: {
      name, ops, seconds: elapsed, opsPerSecond: ops / elapsed, megabytesPerSecond: (ops * sizeBytes) / elapsed / 1e6,
      groupCommits: stats.writer.groupCommits, segmentSyncs: stats.writer.segmentSyncs, cpuMicrosPerOp,
    },
    store,
    count: ops,
  };
}

async function getCase(
  store: FragmentStore, name: string, sizeBytes: number, count: number, concurrency: number, seconds: number,
): Promise<CaseResult> {
  const { ops, elapsed, cpuMicrosPerOp } = await drive(concurrency, seconds, async (n) => {
    const data = await store.get(id((n * 7919) % count));
    if (data === null || data.length !== sizeBytes) throw new Error('benchmark read a wrong fragment');
  });
  return { name, ops, seconds: elapsed, opsPerSecond: ops / elapsed, megabytesPerSecond: (ops * sizeBytes) / elapsed / 1e6, groupCommits: 0, segmentSyncs: 0, cpuMicrosPerOp };
}

/**
 * The single-node write path: every chunk puts one fragment on each of six drive
 * stores (all on this one disk), `perDrive` chunks in flight. Reports MB/s of
 * fragment bytes across all drives.
 */
async function sixDriveCase(root: string, sizeBytes: number, perDrive: number, seconds: number): Promise<CaseResult> {
  const stores = await Promise.all(Array.from({ length: 6 }, (_, d) => FragmentStore.open({ dir: join(root, `six-c${perDrive}-${d}`) })));
  const payloads = Array.from({ length: 6 }, () => randomBytes(sizeBytes));
  try {
    const { ops, elapsed, cpuMicrosPerOp } = await drive(perDrive, seconds, (n) => Promise.all(stores.map((s, d) => s.put(id(n), payloads[d]!))));
    const commits = stores.reduce((sum, s) => sum + s.stats().writer.groupCommits, 0);
    return {
      name: `put-${sizeBytes / 1024}KiB-x6-drives-c${perDrive}`, ops: ops * 6, seconds: elapsed, opsPerSecond: (ops * 6) / elapsed,
      megabytesPerSecond: (ops * 6 * sizeBytes) / elapsed / 1e6, groupCommits: commits, segmentSyncs: 0,
      cpuMicrosPerOp: cpuMicrosPerOp / 6,
    };
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
}

async function main(): Promise<void> {
  const seconds = Number(argument('seconds', '3'));
  const root = await mkdtemp(join(argument('dir', tmpdir()), 'tessera-storage-bench-'));
  const results: CaseResult[] = [];
  const report = (result: CaseResult): void => {
    results.push(result);
    console.log(JSON.stringify(result));
  };
  try {
    const small16 = await putCase(root, 'put-4KiB-c16', 4096, 16, seconds);
    report(small16.result);
    report(await getCase(small16.store, 'get-4KiB-c16', 4096, small16.count, 16, seconds));
    await small16.store.close();
    const small64 = await putCase(root, 'put-4KiB-c64', 4096, 64, seconds);
    report(small64.result);
    await small64.store.close();
    const unbatched = await putCase(root, 'put-4KiB-c16-one-commit-per-put', 4096, 16, seconds, 1);
    report(unbatched.result);
    await unbatched.store.close();
    const large = await putCase(root, 'put-1MiB-c4', 1024 * 1024, 4, seconds);
    report(large.result);
    report(await getCase(large.store, 'get-1MiB-c4', 1024 * 1024, large.count, 4, seconds));
    await large.store.close();
    report(await sixDriveCase(root, 64 * 1024, 4, seconds));
    report(await sixDriveCase(root, 64 * 1024, 16, seconds));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
  console.table(results.map((r) => ({
    case: r.name, 'ops/s': Math.round(r.opsPerSecond), 'MB/s': Number(r.megabytesPerSecond.toFixed(1)),
    'puts/commit': r.groupCommits > 0 ? Number((r.ops / r.groupCommits).toFixed(1)) : '',
    'cpu µs/op': Math.round(r.cpuMicrosPerOp),
  })));
}

await main();
