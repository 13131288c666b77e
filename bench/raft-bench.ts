// Raft throughput and failover on 3 (or 5) local processes with LMDB fsync on.
//
//   npm run build && node dist/bench/raft-bench.js [--voters 3] [--ms 5000] [--kills 10]
//
// Throughput: clients inside the leader process propose back to back (100-byte session
// commands) for --ms milliseconds, with 1 and with 64 concurrent clients; a proposal counts
// when it is committed and applied. Group commit (one fsync per Ready) and pipelining are
// what make 64 clients fast. Failover: kill -9 of the leader, --kills times, measuring the
// time until a survivor reports itself leader.

import { Command } from 'commander';
import { ClusterClient, ProcessCluster } from '../test/support/raft/process-cluster.js';

const opts = new Command()
  .option('--voters <n>', 'voters', '3')
  .option('--ms <n>', 'duration of each throughput run', '5000')
  .option('--kills <n>', 'leader kills for the failover figure', '10')
  .parse(process.argv)
  .opts<{ voters: string; ms: string; kills: string }>();
const timing = { tickMs: 10, electionTicks: 30, heartbeatTicks: 5 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function quantile(xs: number[], q: number): number {
  const s = xs.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

const cluster = await ProcessCluster.start(Number(opts.voters), timing);
try {
  const client = new ClusterClient(cluster);
  for (const clients of [1, 64]) {
    await cluster.waitForLeader(5000);
    const r = await client.request('POST', `/bench?clients=${clients}&ms=${opts.ms}`, new Uint8Array(0), Number(opts.ms) + 10_000, Number(opts.ms) + 5000);
    if (r === null) throw new Error('bench request failed');
    const { proposals, ms } = JSON.parse(new TextDecoder().decode(r)) as { proposals: number; ms: number };
    console.log(`${opts.voters} voters, ${clients} client(s): ${proposals} proposals in ${ms.toFixed(0)} ms = ${((proposals / ms) * 1000).toFixed(0)} committed proposals/s`);
  }
  const failovers: number[] = [];
  // Terms each failover took: 1 is a clean election; more means split votes or a candidate
  // that lost (each extra term costs another randomized election timeout).
  const terms: number[] = [];
  for (let k = 0; k < Number(opts.kills); k++) {
    const leader = await cluster.waitForLeader(5000);
    await sleep(400);
    const before = (await cluster.status(leader))?.term ?? 0;
    const t0 = performance.now();
    cluster.kill(leader);
    const next = await cluster.waitForLeader(10_000, leader);
    const ms = performance.now() - t0;
    failovers.push(ms);
    const after = (await cluster.status(next))?.term ?? 0;
    terms.push(after - before);
    console.log(`kill ${k + 1}: ${ms.toFixed(0)} ms, ${after - before} term(s)`);
    await cluster.spawn(leader);
  }
  if (failovers.length > 0) {
    console.log(
      `failover after kill -9 of the leader (election timeout ${timing.tickMs * timing.electionTicks} ms), ${failovers.length} kills: ` +
        `min ${quantile(failovers, 0).toFixed(0)} / median ${quantile(failovers, 0.5).toFixed(0)} / p90 ${quantile(failovers, 0.9).toFixed(0)} / max ${quantile(failovers, 1).toFixed(0)} ms`,
    );
  }
} finally {
  await cluster.stop();
}
