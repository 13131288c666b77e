// CPU per MB of large-object PUTs and GETs, per run, split into user, system and the
// server's main thread (event loop): the figure this machine's shared cores leave most
// comparable between commits, when MB/s swings with other load. One target at a time.
//   node dist/bench/large-object-cpu.js [--targets tessera] [--runs 3] [--mib 256] [--gets 1] [--cpu-profile DIR]

import { readFile } from 'node:fs/promises';
import { LeanClient, randomStream } from './lean-client.js';
import { startPeer, type TargetName } from './peers.js';
import { isMain } from './cli.js';

const MB = 1e6;

/** User and system CPU seconds of a process, and of its main thread, from /proc. */
async function cpuOf(pid: number): Promise<{ user: number; sys: number; main: number }> {
  const fields = (stat: string) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const all = fields(await readFile(`/proc/${pid}/stat`, 'utf8'));
  const main = fields(await readFile(`/proc/${pid}/task/${pid}/stat`, 'utf8'));
  // Clock ticks; Linux reports them at 100 per second on every current platform.
  return { user: Number(all[11]) / 100, sys: Number(all[12]) / 100, main: (Number(main[11]) + Number(main[12])) / 100 };
}

function perMB(a: { user: number; sys: number; main: number }, b: typeof a, mb: number): string {
  const f = (s: number) => ((s * 1000) / mb).toFixed(2);
  return `user ${f(b.user - a.user)} sys ${f(b.sys - a.sys)} main thread ${f(b.main - a.main)} ms/MB`;
}

export async function largeObjectCpu(target: TargetName, runs: number, mib: number, gets: number, cpuProfileDir?: string): Promise<void> {
  const peer = await startPeer(target, { cpuProfileDir });
  const client = new LeanClient(peer.endpoint, 1);
  try {
    await client.createBucket('bench');
    const bytes = mib * 1024 * 1024;
    for (let run = 0; run < runs; run++) {
      const c0 = await cpuOf(peer.pid);
      let t0 = performance.now();
      await client.putObject('bench', `large-${run}`, randomStream(bytes), bytes);
      const putMBps = bytes / MB / ((performance.now() - t0) / 1000);
      const c1 = await cpuOf(peer.pid);
      let line = `${target} run ${run + 1}: PUT ${putMBps.toFixed(0)} MB/s, ${perMB(c0, c1, bytes / MB)}`;
      if (gets > 0) {
        t0 = performance.now();
        for (let g = 0; g < gets; g++) {
          const got = await client.getObject('bench', `large-${run}`);
          if (got !== bytes) throw new Error(`GET returned ${got} bytes, expected ${bytes}`);
        }
        const getMBps = (gets * bytes) / MB / ((performance.now() - t0) / 1000);
        line += ` | GET ${getMBps.toFixed(0)} MB/s, ${perMB(c1, await cpuOf(peer.pid), (gets * bytes) / MB)}`;
      }
      process.stdout.write(`${line}\n`);
    }
  } finally {
    await client.close().catch(() => undefined);
    await peer.stop();
  }
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const opt = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  for (const target of opt('targets', 'tessera').split(',') as TargetName[]) {
    await largeObjectCpu(target, Number(opt('runs', '3')), Number(opt('mib', '256')), Number(opt('gets', '1')), argv.includes('--cpu-profile') ? opt('cpu-profile', '') || undefined : undefined);
  }
}
