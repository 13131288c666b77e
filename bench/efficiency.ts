// Storage efficiency, side by side on the same bytes:
//   - versioned, backup-like data (tarball snapshots of a source tree with small edits,
//     see dataset.ts): Tessera's bytes kept before parity (tessera_bytes{stage="compressed"})
//     and after it ("stored"), against restic's and borg's repository sizes (du -sb);
//   - the dedup and compression ratios of one text corpus and of random data.
// restic and borg back up the same tarballs Tessera receives (rows "tarballs"); for
// reference they also back up the snapshot trees themselves, their native use ("trees").
// restic: repository format 2, compression auto (zstd). borg: -e none, default
// compression lz4. Each Tessera data set gets a fresh server so nothing dedups across them.
//   node dist/bench/efficiency.js [--quick]

import { execFile, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { randomFillSync } from 'node:crypto';
import { buildDataset, type Dataset } from './dataset.js';
import { LeanClient } from './lean-client.js';
import { repoRoot, startPeer, tesseraBytes } from './peers.js';
import { isMain, parseArgs } from './cli.js';

const run = promisify(execFile);

export interface EfficiencyOptions {
  readonly baseBytesTarget: number;
  readonly snapshots: number;
  readonly randomBytes: number;
  readonly seed: number;
}

export const defaultEfficiencyOptions: EfficiencyOptions = {
  baseBytesTarget: 64 * 1024 * 1024,
  snapshots: 5,
  randomBytes: 64 * 1024 * 1024,
  seed: 20260101,
};

export const quickEfficiencyOptions: EfficiencyOptions = {
  ...defaultEfficiencyOptions,
  baseBytesTarget: 16 * 1024 * 1024,
  snapshots: 3,
  randomBytes: 16 * 1024 * 1024,
};

/** One system's result on one data set. Absent figures are NaN. */
export interface EfficiencyRow {
  readonly dataset: 'versioned' | 'text' | 'random';
  readonly system: string;
  readonly logicalBytes: number;
  readonly deduplicatedBytes: number;
  /** Bytes kept before parity: Tessera's compressed stage, or a backup repository's size. */
  readonly keptBytes: number;
  /** Bytes after parity (Tessera), NaN for systems without redundancy. */
  readonly storedBytes: number;
  /** The whole data directory on disk (du -sb), metadata and indexes included. */
  readonly diskBytes: number;
  readonly seconds: number;
  readonly note?: string;
}

export interface EfficiencyResult {
  readonly datasetDescription: string;
  readonly rows: EfficiencyRow[];
  readonly notes: string[];
}

export async function runEfficiency(options: EfficiencyOptions, log: (line: string) => void): Promise<EfficiencyResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'tessera-bench-efficiency-'));
  const notes: string[] = [];
  try {
    log('efficiency: building the versioned data set');
    const dataset = await buildDataset({
      sourceDir: join(repoRoot, 'node_modules'),
      workDir,
      baseBytesTarget: options.baseBytesTarget,
      snapshots: options.snapshots,
      seed: options.seed,
    });
    log(`efficiency: ${dataset.description}`);
    const randomPath = join(workDir, 'random.bin');
    await writeFile(randomPath, randomFillSync(Buffer.allocUnsafe(options.randomBytes)));

    const tars = dataset.snapshots.map((s) => s.tarPath);
    const rows: EfficiencyRow[] = [];
    const inputs: { dataset: EfficiencyRow['dataset']; files: string[] }[] = [
      { dataset: 'versioned', files: tars },
      { dataset: 'text', files: [dataset.textCorpusPath] },
      { dataset: 'random', files: [randomPath] },
    ];
    for (const input of inputs) {
      log(`efficiency: Tessera on ${input.dataset}`);
      rows.push(await tesseraRow(input.dataset, input.files, log));
    }

    const tools = preflight(log);
    notes.push(...tools.notes);
    for (const input of inputs) {
      const logical = await totalSize(input.files);
      if (tools.restic) rows.push(await backupRow(input.dataset, 'restic (tarballs)', input.files.map((f) => [f]), logical, restic(workDir)));
      if (tools.borg) rows.push(await backupRow(input.dataset, 'borg (tarballs)', input.files.map((f) => [f]), logical, borg(workDir)));
    }
    const trees = dataset.snapshots.map((s) => [s.treeDir]);
    const treeLogical = dataset.snapshots.reduce((s, x) => s + x.treeBytes, 0);
    if (tools.restic) rows.push(await backupRow('versioned', 'restic (trees)', trees, treeLogical, restic(workDir)));
    if (tools.borg) rows.push(await backupRow('versioned', 'borg (trees)', trees, treeLogical, borg(workDir)));
    return { datasetDescription: describe(dataset, options), rows, notes };
  } finally {
    if (process.env['BENCH_KEEP'] === '1') log(`efficiency: kept ${workDir}`);
    else await rm(workDir, { recursive: true, force: true });
  }
}

function describe(dataset: Dataset, options: EfficiencyOptions): string {
  return (
    `${dataset.description}. Text corpus: all text files of snapshot 0 concatenated, ` +
    `${(dataset.textCorpusBytes / 1048576).toFixed(1)} MiB. Random: ${(options.randomBytes / 1048576).toFixed(0)} MiB of crypto random bytes.`
  );
}

async function tesseraRow(dataset: EfficiencyRow['dataset'], files: string[], log: (line: string) => void): Promise<EfficiencyRow> {
  let peer;
  try {
    peer = await startPeer('tessera');
  } catch (err) {
    log(`  tessera did not start: ${(err as Error).message}`);
    return failedRow(dataset, 'Tessera', (err as Error).message);
  }
  const client = new LeanClient(peer.endpoint, 1);
  try {
    await client.createBucket('efficiency');
    const t0 = performance.now();
    for (const file of files) {
      const size = (await stat(file)).size;
      await client.putObject('efficiency', `${dataset}/${basename(file)}`, createReadStream(file, { highWaterMark: 1024 * 1024 }), size);
    }
    const seconds = (performance.now() - t0) / 1000;
    const b = await tesseraBytes(peer.adminUrl!);
    log(`  tessera ${dataset}: ${JSON.stringify(b)}`);
    return {
      dataset,
      system: 'Tessera',
      logicalBytes: b['logical'] ?? NaN,
      deduplicatedBytes: b['deduplicated'] ?? NaN,
      keptBytes: b['compressed'] ?? NaN,
      storedBytes: b['stored'] ?? NaN,
      diskBytes: await duBytes(join(peer.dataDir, 'data')),
      seconds,
    };
  } catch (err) {
    log(`  tessera ${dataset} failed: ${(err as Error).message} (log: ${peer.logFile})`);
    return failedRow(dataset, 'Tessera', (err as Error).message);
  } finally {
    await client.close();
    await peer.stop();
  }
}

interface Tools {
  restic: boolean;
  borg: boolean;
  notes: string[];
}

/** Installs restic and borgbackup from Debian's packages when they are missing and we are root. */
function preflight(log: (line: string) => void): Tools {
  const has = (cmd: string, args: string[]): boolean => spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
  const hasRestic = (): boolean => has('restic', ['version']);
  const hasBorg = (): boolean => has('borg', ['--version']);
  if ((!hasRestic() || !hasBorg()) && process.getuid?.() === 0) {
    log('efficiency: installing restic and borgbackup with apt-get');
    spawnSync('apt-get', ['install', '-y', '-qq', 'restic', 'borgbackup'], {
      stdio: 'ignore',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      timeout: 300_000,
    });
  }
  const version = (cmd: string, args: string[]): string =>
    (spawnSync(cmd, args, { encoding: 'utf8' }).stdout ?? '').split('\n')[0]!.trim();
  const tools: Tools = { restic: hasRestic(), borg: hasBorg(), notes: [] };
  if (tools.restic) tools.notes.push(`${version('restic', ['version'])}: repository format 2, compression auto (zstd), default chunker (512 KiB–8 MiB, ~1 MiB average).`);
  else tools.notes.push('restic not available: its rows are missing.');
  if (tools.borg) tools.notes.push(`${version('borg', ['--version'])}: -e none, default compression lz4, default chunker (buzhash, ~2 MiB average).`);
  else tools.notes.push('borg not available: its rows are missing.');
  return tools;
}

/** restic: one `restic backup` per snapshot into a fresh local repository. */
function restic(workDir: string): BackupTool {
  const repo = join(workDir, 'restic-repo');
  return {
    command: 'restic',
    env: { ...process.env, RESTIC_PASSWORD: 'bench', RESTIC_REPOSITORY: repo },
    repo,
    initArgs: ['init', '--repository-version', '2'],
    backupArgs: (_n, names) => ['backup', '--no-cache', '--quiet', '--host', 'bench', ...names],
    scratch: [repo],
  };
}

/** borg: one `borg create` per snapshot into a fresh unencrypted repository (compression lz4, the default). */
function borg(workDir: string): BackupTool {
  const repo = join(workDir, 'borg-repo');
  const home = join(workDir, 'borg-home');
  return {
    command: 'borg',
    env: {
      ...process.env,
      BORG_BASE_DIR: home,
      BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK: 'yes',
      BORG_RELOCATED_REPO_ACCESS_IS_OK: 'yes',
    },
    repo,
    initArgs: ['init', '-e', 'none', repo],
    backupArgs: (n, names) => ['create', `${repo}::snap-${n}`, ...names],
    scratch: [repo, home],
  };
}

/** How backupRow runs one backup tool (restic or borg). */
interface BackupTool {
  readonly command: string;
  readonly env: NodeJS.ProcessEnv;
  /** The repository, whose size on disk is the row's kept and disk bytes. */
  readonly repo: string;
  readonly initArgs: string[];
  /** The arguments that back up snapshot `n`, given its paths' names (run in their directory). */
  backupArgs(n: number, names: string[]): string[];
  /** Removed afterwards, in this order: the repository and the tool's own state. */
  readonly scratch: string[];
}

/** Initialises the tool's repository, backs up each snapshot (a list of paths) in turn, timed, and measures the repository. */
async function backupRow(
  dataset: EfficiencyRow['dataset'],
  system: string,
  snapshots: string[][],
  logical: number,
  tool: BackupTool,
): Promise<EfficiencyRow> {
  const { command, env } = tool;
  try {
    await run(command, tool.initArgs, { env });
    const t0 = performance.now();
    let n = 0;
    for (const paths of snapshots) {
      await run(command, tool.backupArgs(n++, paths.map((p) => basename(p))), {
        env,
        cwd: dirname(paths[0]!),
        maxBuffer: 16 * 1024 * 1024,
      });
    }
    const seconds = (performance.now() - t0) / 1000;
    const size = await duBytes(tool.repo);
    return { dataset, system, logicalBytes: logical, deduplicatedBytes: NaN, keptBytes: size, storedBytes: NaN, diskBytes: size, seconds };
  } catch (err) {
    return failedRow(dataset, system, (err as Error).message);
  } finally {
    for (const dir of tool.scratch) await rm(dir, { recursive: true, force: true });
  }
}

function failedRow(dataset: EfficiencyRow['dataset'], system: string, note: string): EfficiencyRow {
  return {
    dataset,
    system,
    logicalBytes: NaN,
    deduplicatedBytes: NaN,
    keptBytes: NaN,
    storedBytes: NaN,
    diskBytes: NaN,
    seconds: NaN,
    note: `failed: ${note.split('\n')[0]!.slice(0, 200)}`,
  };
}

async function duBytes(path: string): Promise<number> {
  const { stdout } = await run('du', ['-sb', path]);
  return Number(stdout.split('\t')[0]);
}

async function totalSize(files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await stat(f)).size;
  return total;
}

if (isMain(import.meta.url)) {
  const args = parseArgs(process.argv.slice(2));
  const result = await runEfficiency(args.quick ? quickEfficiencyOptions : defaultEfficiencyOptions, (l) =>
    process.stderr.write(`${l}\n`),
  );
  const { efficiencyTables } = await import('./report.js');
  process.stdout.write(`${efficiencyTables(result)}\n`);
}
