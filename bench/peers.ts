// Starts and stops each benchmark target as its own child process on 127.0.0.1, on a
// free port, with a temporary data directory: Tessera (the whole pipeline), s3rver (the
// plain-files peer) and the MD5-only ceiling server. Each child's output goes to a log
// file in its temp dir, which is removed on stop unless BENCH_KEEP=1.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from './lean-client.js';

/** The repository root: this file runs from dist/bench/. */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export type TargetName = 'md5' | 's3rver' | 'tessera';
export const allTargets: readonly TargetName[] = ['md5', 's3rver', 'tessera'];

export const targetLabels: Record<TargetName, string> = {
  md5: 'MD5-only node:http (ceiling)',
  s3rver: 's3rver (plain files)',
  tessera: 'Tessera (full pipeline)',
};

const readyTimeoutMs = 60_000;
const stopTimeoutMs = 15_000;

export interface Peer {
  readonly name: TargetName;
  readonly endpoint: Endpoint;
  readonly pid: number;
  readonly dataDir: string;
  readonly logFile: string;
  /** Tessera only: http://127.0.0.1:PORT of the admin listener (health, metrics). */
  readonly adminUrl?: string;
  stop(): Promise<void>;
}

export async function startPeer(name: TargetName, options: { cpuProfileDir?: string } = {}): Promise<Peer> {
  switch (name) {
    case 'md5':
      return startMd5Server();
    case 's3rver':
      return startS3rver();
    case 'tessera':
      return startTessera(options.cpuProfileDir);
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function startMd5Server(): Promise<Peer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-md5-'));
  const port = await freePort();
  const child = spawnLogged(process.execPath, [join(repoRoot, 'dist/bench/md5-server.js'), String(port)], dataDir, {});
  await waitFor(child, () => httpAnswers(`http://127.0.0.1:${port}/`));
  return peer('md5', child, dataDir, { host: '127.0.0.1', port, credentials: { accessKeyId: 'MD5', secretAccessKey: 'MD5' } });
}

async function startS3rver(): Promise<Peer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-s3rver-'));
  const port = await freePort();
  const child = spawnLogged(
    process.execPath,
    [join(repoRoot, 'dist/bench/s3rver-main.js'), String(port), join(dataDir, 'data')],
    dataDir,
    {},
  );
  await waitFor(child, () => httpAnswers(`http://127.0.0.1:${port}/`));
  return peer('s3rver', child, dataDir, {
    host: '127.0.0.1',
    port,
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
  });
}

async function startTessera(cpuProfileDir: string | undefined): Promise<Peer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tessera-bench-tessera-'));
  const port = await freePort();
  const adminPort = await freePort();
  const credentials = { accessKeyId: 'BENCHACCESSKEY000001', secretAccessKey: 'bench-secret-key-0000000000000000000000' };
  const nodeArgs = cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfileDir}`] : [];
  const child = spawnLogged(
    process.execPath,
    [
      ...nodeArgs,
      join(repoRoot, 'dist/src/main.js'),
      'server',
      '--data-dir',
      join(dataDir, 'data'),
      '--s3-address',
      `127.0.0.1:${port}`,
      '--admin-address',
      `127.0.0.1:${adminPort}`,
      '--log-level',
      process.env['BENCH_TESSERA_LOG_LEVEL'] ?? 'warn',
    ],
    dataDir,
    { TESSERA_ACCESS_KEY: credentials.accessKeyId, TESSERA_SECRET_KEY: credentials.secretAccessKey },
  );
  const adminUrl = `http://127.0.0.1:${adminPort}`;
  await waitFor(child, async () => (await httpStatus(`${adminUrl}/health/ready`)) === 200);
  return peer('tessera', child, dataDir, { host: '127.0.0.1', port, credentials }, adminUrl);
}

function spawnLogged(command: string, args: string[], dataDir: string, env: Record<string, string>): ChildProcess {
  const log = createWriteStream(join(dataDir, 'server.log'));
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  // Never leave a server behind if the benchmark itself dies.
  const kill = (): void => void child.kill('SIGKILL');
  process.on('exit', kill);
  child.once('exit', () => process.off('exit', kill));
  return child;
}

function peer(name: TargetName, child: ChildProcess, dataDir: string, endpoint: Endpoint, adminUrl?: string): Peer {
  const logFile = join(dataDir, 'server.log');
  return {
    name,
    endpoint,
    pid: child.pid ?? -1,
    dataDir,
    logFile,
    adminUrl,
    stop: async () => {
      await stopChild(child);
      if (process.env['BENCH_KEEP'] === '1') process.stderr.write(`bench: kept ${dataDir}\n`);
      else await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs);
  await exited;
  clearTimeout(timer);
}

async function waitFor(child: ChildProcess, ready: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + readyTimeoutMs;
  let exitCode: number | null = null;
  child.once('exit', (code) => (exitCode = code ?? -1));
  while (Date.now() < deadline) {
    if (exitCode !== null) throw new Error(`bench: ${child.spawnargs.join(' ')} exited with ${exitCode} before it was ready`);
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`bench: ${child.spawnargs.join(' ')} not ready after ${readyTimeoutMs} ms`);
}

async function httpStatus(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
  await res.arrayBuffer();
  return res.status;
}

async function httpAnswers(url: string): Promise<boolean> {
  return (await httpStatus(url)) > 0;
}

/** Peak and current resident set of a process, from /proc/PID/status (Linux). */
export async function memoryOf(pid: number): Promise<{ hwmBytes: number; rssBytes: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string): number => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  };
  return { hwmBytes: kib('VmHWM'), rssBytes: kib('VmRSS') };
}

let clockTicksPerSecond: number | undefined;

/** CPU seconds (user + system, all threads) a process has used so far, from /proc/PID/stat. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name: state is [0], utime [11], stime [12].
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/**
 * CPU seconds of a process's main thread only (its event loop, /proc/PID/task/PID/stat).
 * Next to cpuSecondsOf it shows how much of the work left the event loop for other threads.
 */
export async function mainThreadCpuSecondsOf(pid: number): Promise<number> {
  clockTicksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = await readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / clockTicksPerSecond;
}

/** Resets VmHWM to the current RSS (Linux ≥ 4.0, needs permission on the process). */
export async function resetPeakMemory(pid: number): Promise<boolean> {
  try {
    await writeFile(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Parses tessera_bytes{stage="..."} from the Prometheus text of the admin /metrics. */
export async function tesseraBytes(adminUrl: string): Promise<Record<string, number>> {
  const res = await fetch(`${adminUrl}/metrics`, { signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  const stages: Record<string, number> = {};
  for (const m of text.matchAll(/^tessera_bytes\{stage="([a-z]+)"\}\s+([0-9.e+-]+)$/gm)) stages[m[1]!] = Number(m[2]);
  return stages;
}
