// Summarises a V8 .cpuprofile (from node --cpu-prof) as the functions with the most
// self time, and the same grouped by source file, so a benchmark report can say where
// the server's CPU went without opening a profiler.
//   node dist/bench/profile-summary.js FILE.cpuprofile

import { readFile } from 'node:fs/promises';
import { isMain } from './cli.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

export async function summariseProfile(path: string, top = 15): Promise<string> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as Profile;
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) selfUs.set(samples[i]!, (selfUs.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  const byFunction = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const us = selfUs.get(node.id) ?? 0;
    if (us === 0) continue;
    // Idle is the main thread waiting (I/O, fsync, worker threads): shares below are of busy time.
    if (node.callFrame.functionName === '(idle)') {
      idle += us;
      continue;
    }
    total += us;
    const file = shortUrl(node.callFrame.url) || `(${node.callFrame.functionName || 'native'})`;
    const fn = `${node.callFrame.functionName || '(anonymous)'} ${file}${node.callFrame.url ? `:${node.callFrame.lineNumber + 1}` : ''}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    byFile.set(file, (byFile.get(file) ?? 0) + us);
  }
  const rows = (m: Map<string, number>): string[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => `| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)}% | \`${name.replace(/\|/g, '/')}\` |`);
  return [
    `CPU profile of the Tessera server's main thread (${path.split('/').pop()}): ${(total / 1e6).toFixed(1)} s busy and ` +
      `${(idle / 1e6).toFixed(1)} s idle over ${((profile.endTime - profile.startTime) / 1e6).toFixed(1)} s; shares are of busy time.`,
    '',
    '| self ms | share | function |',
    '| ---: | ---: | --- |',
    ...rows(byFunction),
    '',
    '| self ms | share | file |',
    '| ---: | ---: | --- |',
    ...rows(byFile),
  ].join('\n');
}

function shortUrl(url: string): string {
  const i = url.indexOf('/dist/');
  if (i >= 0) return url.slice(i + 1);
  const n = url.lastIndexOf('/node_modules/');
  if (n >= 0) return url.slice(n + 1);
  return url.replace(/^file:\/\//, '');
}

if (isMain(import.meta.url)) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write('usage: profile-summary.js FILE.cpuprofile\n');
    process.exit(2);
  }
  process.stdout.write(`${await summariseProfile(file)}\n`);
}
