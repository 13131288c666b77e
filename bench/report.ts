// Markdown tables for the benchmark results: target × workload for throughput, and
// system × data set for storage efficiency, each with the floor checks the issue sets.

import type { EfficiencyResult, EfficiencyRow } from './efficiency.js';
import { targetLabels } from './peers.js';
import type { TargetThroughput, ThroughputOptions } from './throughput.js';

const MiB = 1048576;

export function throughputTable(results: readonly TargetThroughput[], options: ThroughputOptions): string {
  const big = `${options.largeObjectBytes / MiB} MiB`;
  const small = `${options.smallObjectBytes / 1024} KiB`;
  const lines = [
    `| target | ${big} PUT MB/s | ${big} GET MB/s | ${small} PUT ops/s | ${small} GET ops/s | PUT p50 / p99 ms | GET p50 / p99 ms | peak RSS during big PUTs |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of results) {
    const label = targetLabels[r.target];
    if (r.error) {
      lines.push(`| ${label} | failed: ${r.error.replace(/\|/g, '/').slice(0, 120)} | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${label} | ${fmt(r.putMBps)} | ${fmt(r.getMBps)} | ${ops(r.smallPut.opsPerSecond, r.smallPut.errors)} | ` +
        `${ops(r.smallGet.opsPerSecond, r.smallGet.errors)} | ${ms(r.smallPut.latencyMsP50)} / ${ms(r.smallPut.latencyMsP99)} | ` +
        `${ms(r.smallGet.latencyMsP50)} / ${ms(r.smallGet.latencyMsP99)} | ${fmt(r.putPeakRssBytes / MiB)} MiB (from ${fmt(r.rssBeforeBytes / MiB)}) |`,
    );
  }
  const runs = results
    .filter((r) => !r.error)
    .map((r) => `${r.target}: PUT ${r.putMBpsRuns.map(fmt).join(', ')}; GET ${r.getMBpsRuns.map(fmt).join(', ')}`);
  if (runs.length > 0) lines.push('', `Large-object runs (MB/s, the table shows the median): ${runs.join(' — ')}.`);
  lines.push(
    '',
    `Server CPU (user + system, all threads, from /proc/PID/stat) per unit of work: less sensitive to other load than the rates above. ` +
      `A server whose CPU per MB is low but whose MB/s is low too is waiting (fsync, locks, too little concurrency), not computing.`,
    '',
    `| target | ${big} PUT CPU ms/MB | ${big} GET CPU ms/MB | ${small} PUT CPU µs/op | ${small} GET CPU µs/op | PUT MB/s if CPU-bound on 1 core | main thread only: ${big} PUT / GET ms/MB |`,
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...results
      .filter((r) => !r.error)
      .map(
        (r) =>
          `| ${targetLabels[r.target]} | ${fmt(r.serverCpuMsPerMBPut, 2)} | ${fmt(r.serverCpuMsPerMBGet, 2)} | ` +
          `${fmt(r.serverCpuUsPerOpPut)} | ${fmt(r.serverCpuUsPerOpGet)} | ${fmt(1000 / r.serverCpuMsPerMBPut)} | ` +
          `${fmt(r.serverMainCpuMsPerMBPut, 2)} / ${fmt(r.serverMainCpuMsPerMBGet, 2)} |`,
      ),
  );
  const verdict = floorVerdict(results, big, small);
  if (verdict) lines.push('', verdict);
  return lines.join('\n');
}

/** The floor from the issue: Tessera at least as fast as s3rver on every workload of the same run. */
function floorVerdict(results: readonly TargetThroughput[], big: string, small: string): string {
  const t = results.find((r) => r.target === 'tessera' && !r.error);
  const s = results.find((r) => r.target === 's3rver' && !r.error);
  if (!t || !s) return '';
  const pairs: [string, number, number][] = [
    [`${big} PUT`, t.putMBps, s.putMBps],
    [`${big} GET`, t.getMBps, s.getMBps],
    [`${small} PUT`, t.smallPut.opsPerSecond, s.smallPut.opsPerSecond],
    [`${small} GET`, t.smallGet.opsPerSecond, s.smallGet.opsPerSecond],
  ];
  const parts = pairs.map(([name, a, b]) => `${name} ${(a / b).toFixed(2)}× ${a >= b ? '✓' : '✗'}`);
  return `Floor (Tessera ÷ s3rver, ≥ 1 passes): ${parts.join(', ')}.`;
}

export function efficiencyTables(result: EfficiencyResult): string {
  const out: string[] = [`Data: ${result.datasetDescription}`, ''];
  out.push('Versioned, backup-like data (the same tarballs for every system, unless marked trees):', '');
  out.push(...rowsTable(result.rows.filter((r) => r.dataset === 'versioned')));
  out.push('', 'Single text corpus and random data:', '');
  const order = { versioned: 0, text: 1, random: 2 };
  out.push(...rowsTable(result.rows.filter((r) => r.dataset !== 'versioned').sort((a, b) => order[a.dataset] - order[b.dataset])));
  const verdict = efficiencyVerdict(result.rows);
  if (verdict) out.push('', verdict);
  if (result.notes.length > 0) out.push('', ...result.notes.map((n) => `- ${n}`));
  return out.join('\n');
}

function rowsTable(rows: readonly EfficiencyRow[]): string[] {
  const lines = [
    '| data | system | logical MiB | after dedup MiB | kept before parity MiB | stored with parity MiB | data dir on disk MiB | logical ÷ kept | dedup × | compression × | ingest s |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const r of rows) {
    if (r.note) {
      lines.push(`| ${r.dataset} | ${r.system} | ${r.note.replace(/\|/g, '/')} | | | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${r.dataset} | ${r.system} | ${fmt(r.logicalBytes / MiB, 1)} | ${fmt(r.deduplicatedBytes / MiB, 1)} | ` +
        `${fmt(r.keptBytes / MiB, 1)} | ${fmt(r.storedBytes / MiB, 1)} | ${fmt(r.diskBytes / MiB, 1)} | ` +
        `${fmt(r.logicalBytes / r.keptBytes, 2)} | ${fmt(r.logicalBytes / r.deduplicatedBytes, 2)} | ` +
        `${fmt(r.deduplicatedBytes / r.keptBytes, 2)} | ${fmt(r.seconds, 1)} |`,
    );
  }
  return lines;
}

/** The efficiency target: bytes kept before parity no more than restic's and borg's repositories. */
function efficiencyVerdict(rows: readonly EfficiencyRow[]): string {
  const versioned = rows.filter((r) => r.dataset === 'versioned' && !r.note);
  const t = versioned.find((r) => r.system === 'Tessera');
  if (!t) return '';
  const ratio = (p: EfficiencyRow): string => `${p.system} ${(t.keptBytes / p.keptBytes).toFixed(2)}×`;
  const same = versioned.filter((r) => r.system !== 'Tessera' && !r.system.includes('trees'));
  const trees = versioned.filter((r) => r.system.includes('trees'));
  const parts = same.map((p) => `${ratio(p)} ${t.keptBytes <= p.keptBytes ? '✓' : '✗'}`);
  const reference = trees.length > 0 ? ` For reference, against their backups of the trees: ${trees.map(ratio).join(', ')}.` : '';
  const parity = Number.isFinite(t.storedBytes) ? ` Parity overhead (stored ÷ kept): ${(t.storedBytes / t.keptBytes).toFixed(3)}×.` : '';
  return `Target on the same tarballs (Tessera kept-before-parity ÷ repository size, ≤ 1 passes): ${parts.join(', ')}.${reference}${parity}`;
}

function fmt(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }) : '–';
}

function ops(value: number, errors: number): string {
  return errors > 0 ? `${fmt(value)} (${errors} errors)` : fmt(value);
}

function ms(value: number): string {
  return fmt(value, value < 10 ? 2 : 1);
}
