// Command-line plumbing shared by the benchmark entry points.

import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { allTargets, type TargetName } from './peers.js';

export interface BenchArgs {
  readonly quick: boolean;
  readonly only?: 'throughput' | 'efficiency';
  readonly targets?: TargetName[];
  readonly output?: string;
  readonly cpuProfile: boolean;
}

/** True when the module at `moduleUrl` is the script node was started with. */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return pathToFileURL(realpathSync(entry)).href === moduleUrl;
  } catch {
    return false;
  }
}

export function parseArgs(argv: readonly string[]): BenchArgs {
  let quick = false;
  let cpuProfile = false;
  let only: BenchArgs['only'];
  let targets: TargetName[] | undefined;
  let output: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${arg} needs a value`);
      return v;
    };
    if (arg === '--quick') quick = true;
    else if (arg === '--cpu-profile') cpuProfile = true;
    else if (arg === '--only') {
      const v = value();
      if (v !== 'throughput' && v !== 'efficiency') usage(`--only takes throughput or efficiency`);
      only = v;
    } else if (arg === '--targets') {
      targets = value().split(',') as TargetName[];
      for (const t of targets) if (!allTargets.includes(t)) usage(`unknown target ${t}`);
    } else if (arg === '--output') output = value();
    else usage(`unknown argument ${arg}`);
  }
  return { quick, only, targets, output, cpuProfile };
}

function usage(problem: string): never {
  process.stderr.write(
    `bench: ${problem}\n` +
      'usage: node dist/bench/run-all.js [--quick] [--only throughput|efficiency]\n' +
      '         [--targets md5,s3rver,tessera] [--output FILE] [--cpu-profile]\n',
  );
  process.exit(2);
}
