// Every classic scenario over a bounded number of seeds, with all invariants checked after
// every simulated event. RAFT_SCENARIO_SEEDS overrides the seed count for longer local runs.

import { test } from 'node:test';
import { scenarios } from '../../../support/raft/scenarios.js';

const seedCount = Number(process.env['RAFT_SCENARIO_SEEDS'] ?? 20);

for (const [name, run] of Object.entries(scenarios)) {
  test(`raft scenario: ${name} (${seedCount} seeds)`, () => {
    for (let seed = 1; seed <= seedCount; seed++) {
      try {
        run(seed);
      } catch (err) {
        (err as Error).message = `seed ${seed}: ${(err as Error).message}`;
        throw err;
      }
    }
  });
}
