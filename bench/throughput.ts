// Throughput, side by side in one run: for each target (MD5-only ceiling, s3rver,
// Tessera with its whole pipeline), one 256 MiB PUT stream of unique random data and one
// GET stream of it (MB/s, median of 3), then 4 KiB PUT and GET ops/s at 16 connections,
// each bounded by a count and a time and split into 3 rounds (median round shown). The server's peak RSS during the big PUT shows
// whether memory stays bounded whatever the object size.
//   node dist/bench/throughput.js [--targets md5,s3rver,tessera] [--quick]

import { randomBytes, randomFillSync } from 'node:crypto';
import { LeanClient, randomStream, runLoad, type LoadResult } from './lean-client.js';
import { allTargets, cpuSecondsOf, mainThreadCpuSecondsOf, memoryOf, resetPeakMemory, startPeer, type Peer, type TargetName } from './peers.js';
import { isMain, parseArgs } from './cli.js';

export interface ThroughputOptions {
  readonly targets: readonly TargetName[];
  readonly largeObjectBytes: number;
  readonly largeRuns: number;
  readonly smallObjectBytes: number;
  readonly smallConnections: number;
  readonly smallOpsMax: number;
  readonly smallDurationMs: number;
  readonly cpuProfileDir?: string;
}

export const defaultThroughputOptions: ThroughputOptions = {
  targets: allTargets,
  largeObjectBytes: 256 * 1024 * 1024,
  largeRuns: 3,
  smallObjectBytes: 4096,
  smallConnections: 16,
  smallOpsMax: 20_000,
  smallDurationMs: 5_000,
};

export const quickThroughputOptions: ThroughputOptions = {
  ...defaultThroughputOptions,
  largeObjectBytes: 64 * 1024 * 1024,
  largeRuns: 1,
  smallOpsMax: 3_000,
  smallDurationMs: 2_000,
};

export interface TargetThroughput {
  readonly target: TargetName;
  readonly putMBps: number;
  readonly getMBps: number;
  readonly putMBpsRuns: number[];
  readonly getMBpsRuns: number[];
  /** Server peak RSS during the large PUTs, and its RSS just before them. */
  readonly putPeakRssBytes: number;
  readonly rssBeforeBytes: number;
  readonly smallPut: LoadResult;
  readonly smallGet: LoadResult;
  /** Server CPU (all threads) per unit of work: less sensitive to a busy machine than MB/s. */
  readonly serverCpuMsPerMBPut: number;
  readonly serverCpuMsPerMBGet: number;
  readonly serverCpuUsPerOpPut: number;
  readonly serverCpuUsPerOpGet: number;
  /** The same for the server's main thread (event loop) alone, large objects. */
  readonly serverMainCpuMsPerMBPut: number;
  readonly serverMainCpuMsPerMBGet: number;
  readonly error?: string;
}

const bucket = 'bench';
const MB = 1e6;

export async function runThroughput(options: ThroughputOptions, log: (line: string) => void): Promise<TargetThroughput[]> {
  // All targets run at once and every measurement goes round-robin over them, so that
  // background load on a shared machine hits each target alike; an idle server costs nothing.
  const live: Live[] = [];
  const results = new Map<TargetName, TargetThroughput>();
  try {
    for (const target of options.targets) {
      log(`throughput: starting ${target}`);
      try {
        const peer = await startPeer(target, { cpuProfileDir: options.cpuProfileDir });
        const item: Live = {
          peer,
          single: new LeanClient(peer.endpoint, 1),
          pool: new LeanClient(peer.endpoint, options.smallConnections),
          putRuns: [],
          getRuns: [],
          putRounds: [],
          getRounds: [],
          cpu: {
            largePut: { seconds: 0, work: 0 },
            largeGet: { seconds: 0, work: 0 },
            smallPut: { seconds: 0, work: 0 },
            smallGet: { seconds: 0, work: 0 },
            largePutMain: { seconds: 0, work: 0 },
            largeGetMain: { seconds: 0, work: 0 },
          },
          smallWritten: 0,
        };
        live.push(item);
        await item.single.createBucket(bucket);
      } catch (err) {
        log(`throughput: ${target} failed to start: ${(err as Error).message}`);
        results.set(target, failed(target, (err as Error).message));
      }
    }
    await phase(live, results, log, async (t) => {
      t.rssBefore = (await memoryOf(t.peer.pid)).rssBytes;
      t.canResetPeak = await resetPeakMemory(t.peer.pid);
    });
    for (let run = 0; run < options.largeRuns; run++) {
      await phase(live, results, log, (t) => largeRun(t, run, options, log));
    }
    await phase(live, results, log, async (t) => {
      t.peakRss = (await memoryOf(t.peer.pid)).hwmBytes;
    });
    await phase(live, results, log, (t) => warmUp(t, options));
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      await phase(live, results, log, (t) => smallPuts(t, options, rounds, log));
    }
    for (let round = 0; round < rounds; round++) {
      await phase(live, results, log, (t) => smallGets(t, options, rounds, log));
    }
    for (const t of live) if (!results.has(t.peer.name)) results.set(t.peer.name, summarise(t));
  } finally {
    for (const t of live) {
      await t.single.close().catch(() => undefined);
      await t.pool.close().catch(() => undefined);
      await t.peer.stop();
    }
  }
  return options.targets.map((name) => results.get(name) ?? failed(name, 'not measured'));
}

interface Live {
  readonly peer: Peer;
  readonly single: LeanClient;
  readonly pool: LeanClient;
  readonly putRuns: number[];
  readonly getRuns: number[];
  readonly putRounds: LoadResult[];
  readonly getRounds: LoadResult[];
  /** Server CPU seconds and work done, summed over the runs of each workload. */
  readonly cpu: Record<'largePut' | 'largeGet' | 'smallPut' | 'smallGet' | 'largePutMain' | 'largeGetMain', { seconds: number; work: number }>;
  smallWritten: number;
  rssBefore?: number;
  canResetPeak?: boolean;
  peakRss?: number;
}

/** Runs one step on every live target in turn; a target that fails is dropped with its error. */
async function phase(
  live: Live[],
  results: Map<TargetName, TargetThroughput>,
  log: (line: string) => void,
  step: (t: Live) => Promise<void>,
): Promise<void> {
  for (const t of live) {
    if (results.has(t.peer.name)) continue;
    try {
      await step(t);
    } catch (err) {
      log(`throughput: ${t.peer.name} failed: ${(err as Error).message} (log: ${t.peer.logFile})`);
      results.set(t.peer.name, failed(t.peer.name, (err as Error).message));
    }
  }
}

async function largeRun(t: Live, run: number, options: ThroughputOptions, log: (line: string) => void): Promise<void> {
  // A fresh random stream per run, so nothing dedups across runs.
  const key = `large-${run}`;
  let cpu0 = await cpuSecondsOf(t.peer.pid);
  let main0 = await mainThreadCpuSecondsOf(t.peer.pid);
  let t0 = performance.now();
  await t.single.putObject(bucket, key, randomStream(options.largeObjectBytes), options.largeObjectBytes);
  t.putRuns.push(options.largeObjectBytes / MB / ((performance.now() - t0) / 1000));
  let cpu1 = await cpuSecondsOf(t.peer.pid);
  let main1 = await mainThreadCpuSecondsOf(t.peer.pid);
  addCpu(t.cpu.largePut, cpu1 - cpu0, options.largeObjectBytes / MB);
  addCpu(t.cpu.largePutMain, main1 - main0, options.largeObjectBytes / MB);
  cpu0 = cpu1;
  main0 = main1;
  t0 = performance.now();
  const got = await t.single.getObject(bucket, key);
  t.getRuns.push(got / MB / ((performance.now() - t0) / 1000));
  cpu1 = await cpuSecondsOf(t.peer.pid);
  main1 = await mainThreadCpuSecondsOf(t.peer.pid);
  addCpu(t.cpu.largeGet, cpu1 - cpu0, got / MB);
  addCpu(t.cpu.largeGetMain, main1 - main0, got / MB);
  if (got !== options.largeObjectBytes) throw new Error(`GET ${key} returned ${got} bytes, expected ${options.largeObjectBytes}`);
  log(`  ${t.peer.name} large run ${run + 1}: PUT ${t.putRuns[run]!.toFixed(0)} MB/s, GET ${t.getRuns[run]!.toFixed(0)} MB/s`);
}

function smallBody(options: ThroughputOptions): Buffer {
  return randomFillSync(Buffer.allocUnsafe(options.smallObjectBytes));
}

/** JIT and connection set-up, not timed. */
async function warmUp(t: Live, options: ThroughputOptions): Promise<void> {
  const r = await runLoad({
    concurrency: options.smallConnections,
    opsMax: 500,
    durationMsMax: 3_000,
    op: (i) => t.pool.putObject(bucket, `warm/${i}`, smallBody(options), options.smallObjectBytes),
  });
  if (r.ops === 0) throw new Error(`warm-up PUTs all failed: ${r.firstError}`);
}

async function smallPuts(t: Live, options: ThroughputOptions, rounds: number, log: (line: string) => void): Promise<void> {
  const first = t.smallWritten;
  const cpu0 = await cpuSecondsOf(t.peer.pid);
  const r = await runLoad({
    concurrency: options.smallConnections,
    opsMax: Math.ceil(options.smallOpsMax / rounds),
    durationMsMax: options.smallDurationMs / rounds,
    op: (i) => t.pool.putObject(bucket, `small/${first + i}`, smallBody(options), options.smallObjectBytes),
  });
  // Keys are handed out in order; failed or unfinished ones may leave gaps, which GETs skip past as errors.
  addCpu(t.cpu.smallPut, (await cpuSecondsOf(t.peer.pid)) - cpu0, r.ops);
  t.smallWritten += r.ops;
  t.putRounds.push(r);
  log(`  ${t.peer.name} 4 KiB PUT: ${r.opsPerSecond.toFixed(0)} ops/s (${r.ops} ops, ${r.errors} errors, client ${r.clientCpuUsPerOp.toFixed(0)} µs CPU/op)${r.firstError ? `: ${r.firstError}` : ''}`);
}

async function smallGets(t: Live, options: ThroughputOptions, rounds: number, log: (line: string) => void): Promise<void> {
  const opsMax = Math.ceil(options.smallOpsMax / rounds);
  const pick = randomBytes(4 * opsMax);
  const written = Math.max(1, t.smallWritten);
  const cpu0 = await cpuSecondsOf(t.peer.pid);
  const r = await runLoad({
    concurrency: options.smallConnections,
    opsMax,
    durationMsMax: options.smallDurationMs / rounds,
    op: (i) => t.pool.getObject(bucket, `small/${pick.readUInt32LE(4 * i) % written}`),
  });
  addCpu(t.cpu.smallGet, (await cpuSecondsOf(t.peer.pid)) - cpu0, r.ops);
  t.getRounds.push(r);
  log(`  ${t.peer.name} 4 KiB GET: ${r.opsPerSecond.toFixed(0)} ops/s (${r.ops} ops, ${r.errors} errors, client ${r.clientCpuUsPerOp.toFixed(0)} µs CPU/op)${r.firstError ? `: ${r.firstError}` : ''}`);
}

function summarise(t: Live): TargetThroughput {
  return {
    target: t.peer.name,
    putMBps: median(t.putRuns),
    getMBps: median(t.getRuns),
    putMBpsRuns: t.putRuns,
    getMBpsRuns: t.getRuns,
    putPeakRssBytes: t.peakRss ?? NaN,
    rssBeforeBytes: t.rssBefore ?? NaN,
    smallPut: medianRound(t.putRounds),
    smallGet: medianRound(t.getRounds),
    serverCpuMsPerMBPut: perUnit(t.cpu.largePut, 1e3),
    serverCpuMsPerMBGet: perUnit(t.cpu.largeGet, 1e3),
    serverCpuUsPerOpPut: perUnit(t.cpu.smallPut, 1e6),
    serverCpuUsPerOpGet: perUnit(t.cpu.smallGet, 1e6),
    serverMainCpuMsPerMBPut: perUnit(t.cpu.largePutMain, 1e3),
    serverMainCpuMsPerMBGet: perUnit(t.cpu.largeGetMain, 1e3),
  };
}

function addCpu(into: { seconds: number; work: number }, seconds: number, work: number): void {
  into.seconds += seconds;
  into.work += work;
}

function perUnit(c: { seconds: number; work: number }, scale: number): number {
  return c.work > 0 ? (c.seconds * scale) / c.work : NaN;
}

/** The round with the median ops/s, with the errors of all rounds. */
function medianRound(rounds: readonly LoadResult[]): LoadResult {
  const sorted = [...rounds].sort((a, b) => a.opsPerSecond - b.opsPerSecond);
  const mid = sorted[sorted.length >> 1]!;
  return { ...mid, errors: rounds.reduce((s, r) => s + r.errors, 0), firstError: rounds.find((r) => r.firstError)?.firstError };
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function failed(target: TargetName, error: string): TargetThroughput {
  const none: LoadResult = {
    ops: 0,
    errors: 0,
    elapsedMs: 0,
    opsPerSecond: NaN,
    latencyMsP50: NaN,
    latencyMsP99: NaN,
    clientCpuUsPerOp: NaN,
  };
  return {
    target,
    putMBps: NaN,
    getMBps: NaN,
    putMBpsRuns: [],
    getMBpsRuns: [],
    putPeakRssBytes: NaN,
    rssBeforeBytes: NaN,
    smallPut: none,
    smallGet: none,
    serverCpuMsPerMBPut: NaN,
    serverCpuMsPerMBGet: NaN,
    serverCpuUsPerOpPut: NaN,
    serverCpuUsPerOpGet: NaN,
    serverMainCpuMsPerMBPut: NaN,
    serverMainCpuMsPerMBGet: NaN,
    error,
  };
}

if (isMain(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const base = args.quick ? quickThroughputOptions : defaultThroughputOptions;
  const results = await runThroughput({ ...base, targets: args.targets ?? base.targets }, (l) => process.stderr.write(`${l}\n`));
  const { throughputTable } = await import('./report.js');
  process.stdout.write(`${throughputTable(results, base)}\n`);
}
