// The whole benchmark suite (`npm run bench`): throughput side by side with s3rver and
// the MD5-only ceiling, then storage efficiency side by side with restic and borg.
// Prints one Markdown report and writes it to dist/bench-results.md (results stay out of
// git). CI does not run this: it takes minutes of both cores. See docs/benchmarks.md.
//   node dist/bench/run-all.js [--quick] [--only throughput|efficiency]
//        [--targets md5,s3rver,tessera] [--output FILE] [--cpu-profile]

import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { isMain, parseArgs } from './cli.js';
import { defaultEfficiencyOptions, quickEfficiencyOptions, runEfficiency } from './efficiency.js';
import { repoRoot } from './peers.js';
import { summariseProfile } from './profile-summary.js';
import { efficiencyTables, throughputTable } from './report.js';
import { defaultThroughputOptions, quickThroughputOptions, runThroughput } from './throughput.js';

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const log = (line: string): void => void process.stderr.write(`${line}\n`);
  const started = new Date();
  const sections: string[] = [
    `# Tessera benchmarks, ${started.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    `Command: \`node dist/bench/run-all.js ${process.argv.slice(2).join(' ')}\`. ` +
      `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, node ${process.version}, commit ${commit()}. ` +
      `Load average at start: ${load()} (other work on the machine skews absolute figures; compare within one run).`,
  ];

  if (args.only !== 'efficiency') {
    const base = args.quick ? quickThroughputOptions : defaultThroughputOptions;
    const profileDir = args.cpuProfile ? await mkdtemp(join(tmpdir(), 'tessera-bench-prof-')) : undefined;
    const results = await runThroughput({ ...base, targets: args.targets ?? base.targets, cpuProfileDir: profileDir }, log);
    sections.push(
      '',
      '## Throughput',
      '',
      `One stream of ${base.largeObjectBytes / 1048576} MiB unique random data (median of ${base.largeRuns}); ` +
        `${base.smallObjectBytes / 1024} KiB objects at ${base.smallConnections} connections, ` +
        `at most ${base.smallOpsMax} ops or ${base.smallDurationMs / 1000} s each. Lean client (undici + aws4, UNSIGNED-PAYLOAD).`,
      '',
      throughputTable(results, base),
    );
    if (profileDir) {
      const profiles = (await readdir(profileDir)).filter((f) => f.endsWith('.cpuprofile'));
      for (const p of profiles) sections.push('', await summariseProfile(join(profileDir, p)));
      log(`cpu profiles kept in ${profileDir}`);
    }
  }

  if (args.only !== 'throughput') {
    const result = await runEfficiency(args.quick ? quickEfficiencyOptions : defaultEfficiencyOptions, log);
    sections.push('', '## Storage efficiency', '', efficiencyTables(result));
  }

  sections.push('', `Load average at the end: ${load()}.`);
  const report = `${sections.join('\n')}\n`;
  const output = args.output ?? join(repoRoot, 'dist', 'bench-results.md');
  await mkdir(dirname(output), { recursive: true });
  await writeFile(output, report);
  process.stdout.write(report);
  log(`report written to ${output} in ${((Date.now() - started.getTime()) / 1000).toFixed(0)} s`);
}

function load(): string {
  return loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
}

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: repoRoot, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

if (isMain(import.meta.url)) await main();
