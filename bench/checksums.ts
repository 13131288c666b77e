// Single-thread throughput of each S3 checksum algorithm over one 64 MiB random buffer,
// fed in 1 MiB slices as a request body would be. Prints the median of five runs in MB/s.
// Run: npm run build && node dist/bench/checksums.js

import { randomBytes } from 'node:crypto';
import { checksumAlgorithms, createChecksum } from '../src/pipeline/checksums.js';

const totalBytes = 64 * 1024 * 1024;
const sliceBytes = 1024 * 1024;
const runs = 5;
const data = randomBytes(totalBytes);

for (const alg of checksumAlgorithms) {
  const speeds: number[] = [];
  for (let r = 0; r < runs; r++) {
    const c = createChecksum(alg);
    const start = process.hrtime.bigint();
    for (let off = 0; off < totalBytes; off += sliceBytes) c.update(data.subarray(off, off + sliceBytes));
    c.digest();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    speeds.push(totalBytes / 1e6 / seconds);
  }
  speeds.sort((a, b) => a - b);
  console.log(`${alg.padEnd(10)} ${Math.round(speeds[Math.floor(runs / 2)]!)} MB/s`);
}
