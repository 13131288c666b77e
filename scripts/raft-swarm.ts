// Runs N seeded random-fault simulations of the Raft core (see test/support/raft/swarm.ts)
// and reports every seed that violated safety, linearizability or liveness. The last line
// is exactly "N seeds, V violations"; each violating seed is printed above it and replays
// exactly with --first <seed> --seeds 1.
//
//   npm run raft:swarm -- --seeds 500
//   npm run raft:swarm -- --first 1234 --seeds 1 --verbose

import { Command } from 'commander';
import { runSwarmSeed, type SwarmResult } from '../test/support/raft/swarm.js';

const program = new Command()
  .option('--seeds <n>', 'number of seeds to run', '100')
  .option('--first <seed>', 'first seed', '1')
  .option('--verbose', 'print one line per seed')
  .parse(process.argv);
const opts = program.opts<{ seeds: string; first: string; verbose?: boolean }>();
const seeds = Number(opts.seeds);
const first = Number(opts.first);
if (!Number.isSafeInteger(seeds) || seeds < 1 || !Number.isSafeInteger(first)) {
  console.error('--seeds and --first must be integers, --seeds at least 1');
  process.exit(2);
}

const started = performance.now();
let violations = 0;
let ops = 0;
let unknownLin = 0;
let committed = 0;
let faults = 0;
let snapshots = 0;
let configChanges = 0;
for (let seed = first; seed < first + seeds; seed++) {
  let r: SwarmResult;
  try {
    r = runSwarmSeed(seed);
  } catch (err) {
    // A crash of the simulation (an assertion in the core, say) is a violation too.
    violations++;
    console.log(`seed ${seed}: crashed: ${(err as Error).stack?.split('\n').slice(0, 3).join(' / ')}`);
    continue;
  }
  ops += r.ops;
  committed += r.committed;
  faults += r.faults;
  snapshots += r.snapshotsSent;
  configChanges += r.configChanges;
  if (r.linearizability === 'unknown' && r.violation === null) unknownLin++;
  if (r.violation !== null) {
    violations++;
    console.log(`seed ${seed}: ${r.violation}`);
  } else if (opts.verbose) {
    console.log(`seed ${seed}: ok (${r.ops} ops, ${r.unknownOps} unknown, ${r.committed} committed, ${r.faults} faults, ${r.snapshotsSent} snapshots, ${r.events} events, linearizability ${r.linearizability})`);
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  `totals: ${ops} client operations checked, ${committed} entries committed, ${faults} faults injected, ${snapshots} snapshots sent, ${configChanges} membership changes proposed, ` +
    `${unknownLin} histories too large to decide, ${seconds.toFixed(1)} s`,
);
console.log(`${seeds} seeds, ${violations} violations`);
process.exitCode = violations > 0 ? 1 : 0;
