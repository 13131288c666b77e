// Why the writer flushes a batch's segment and its index side by side: this
// measures one group commit's latency both ways, alternating batch by batch so
// that load from other processes hits both orders alike.
//
//   node dist/bench/storage-flush-order.js [--batches 400] [--fragments 16] [--size 4096] [--dir /path]
//
// Each batch appends `fragments` records of `size` bytes to a segment file and
// puts as many 24-byte index entries into LMDB; "sequential" fdatasyncs and then
// commits + awaits db.flushed, "side by side" does both at once.

import { mkdtemp, open as openFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { open } from 'lmdb';

function argument(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] !== undefined ? process.argv[at + 1]! : fallback;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;
}

async function main(): Promise<void> {
  const batches = Number(argument('batches', '400'));
  const fragments = Number(argument('fragments', '16'));
  const size = Number(argument('size', '4096'));
  const root = await mkdtemp(join(argument('dir', tmpdir()), 'tessera-flush-order-'));
  const env = open({ path: join(root, 'index.mdb'), noSubdir: true });
  const db = env.openDB<Buffer, Buffer>({ name: 'fragments', keyEncoding: 'binary', encoding: 'binary' });
  const segment = await openFile(join(root, 'segment'), 'w+');
  const payload = randomBytes(fragments * size);
  const entry = Buffer.alloc(24);
  const latencies = { sequential: [] as number[], sideBySide: [] as number[] };
  let position = 0;
  let key = 0;
  try {
    for (let i = 0; i < batches * 2; i++) {
      const sideBySide = i % 2 === 1;
      const started = performance.now();
      await segment.write(payload, 0, payload.length, position);
      position += payload.length;
      const sync = (): Promise<void> => segment.datasync();
      const commit = async (): Promise<void> => {
        await env.childTransaction(() => {
          for (let f = 0; f < fragments; f++) {
            const k = Buffer.alloc(8);
            k.writeBigUInt64BE(BigInt(key++));
            db.putSync(k, entry);
          }
        });
        await env.flushed;
      };
      if (sideBySide) await Promise.all([sync(), commit()]);
      else {
        await sync();
        await commit();
      }
      (sideBySide ? latencies.sideBySide : latencies.sequential).push(performance.now() - started);
    }
  } finally {
    await segment.close();
    await env.close();
    await rm(root, { recursive: true, force: true });
  }
  for (const [name, values] of Object.entries(latencies)) {
    const sorted = [...values].sort((a, b) => a - b);
    const median = percentile(sorted, 0.5);
    console.log(JSON.stringify({
      order: name, batches: values.length, fragments, size,
      medianMs: Number(median.toFixed(3)), p90Ms: Number(percentile(sorted, 0.9).toFixed(3)),
      putsPerSecondAtMedian: Math.round((fragments * 1000) / median),
    }));
  }
}

await main();
