// What server-side encryption costs: the per-chunk primitives on one core, and one large
// PUT and GET through a real in-process server, plain vs SSE-S3 vs SSE-C.
//
//   npm run build && node dist/bench/sse-bench.js [--size-mib 64] [--runs 3]
//
// Figures are medians of MB/s (10^6 bytes per second). The machine is shared and has two
// cores: compare the rows of one run with each other, not with another day's figures.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { GetObjectCommand, CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import { fingerprint } from '../src/pipeline/fingerprint.js';
import { KeyRing } from '../src/pipeline/encryption.js';
import { loadConfig } from '../src/config.js';
import { startServer } from '../src/server.js';
import { randomData } from './pipeline-data.js';

const { values } = parseArgs({ options: { 'size-mib': { type: 'string', default: '64' }, runs: { type: 'string', default: '3' } } });
const sizeBytes = Number(values['size-mib']) * 1024 * 1024;
const runs = Number(values.runs);
const chunkBytes = 256 * 1024;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);

function timeIt(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

function primitives(data: Buffer): [string, number][] {
  const chunks: Buffer[] = [];
  for (let o = 0; o < data.byteLength; o += chunkBytes) chunks.push(data.subarray(o, o + chunkBytes));
  const scope = new KeyRing(Buffer.alloc(32, 9)).sseS3Scope('bench');
  const fps = chunks.map((c) => scope.fingerprint(c));
  const sealed = chunks.map((c, i) => scope.seal(fps[i]!, 0, c));
  const rows: [string, () => void][] = [
    ['fingerprint SHA-256 (plain objects)', () => chunks.forEach((c) => fingerprint(c))],
    ['fingerprint HMAC-SHA256 (encrypted objects)', () => chunks.forEach((c) => scope.fingerprint(c))],
    ['seal: HKDF + synthetic nonce + AES-256-GCM', () => chunks.forEach((c, i) => scope.seal(fps[i]!, 0, c))],
    ['open: HKDF + AES-256-GCM + tag check', () => sealed.forEach((s, i) => scope.open(fps[i]!, 0, s))],
  ];
  return rows.map(([name, fn]) => [name, median(Array.from({ length: runs }, () => mbps(data.byteLength, timeIt(fn))))]);
}

async function endToEnd(data: Buffer): Promise<[string, number, number][]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'tessera-sse-bench-'));
  const config = loadConfig({ dataDir, s3Address: '127.0.0.1:0', adminAddress: '127.0.0.1:0', logLevel: 'silent' });
  const env = { TESSERA_ACCESS_KEY: 'BENCHACCESSKEY000001', TESSERA_SECRET_KEY: 'bench-secret-key-000000000000000000000001' };
  const server = await startServer(config, pino({ level: 'silent' }), env);
  const client = new S3Client({
    endpoint: server.s3Url, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
    credentials: { accessKeyId: env.TESSERA_ACCESS_KEY, secretAccessKey: env.TESSERA_SECRET_KEY },
  });
  const out: [string, number, number][] = [];
  try {
    await client.send(new CreateBucketCommand({ Bucket: 'bench' }));
    const modes: [string, Record<string, string>][] = [
      ['plain', {}],
      ['SSE-S3', { ServerSideEncryption: 'AES256' }],
      ['SSE-C', { SSECustomerAlgorithm: 'AES256', SSECustomerKey: Buffer.alloc(32, 5).toString('base64') }],
    ];
    for (const [name, sse] of modes) {
      const put: number[] = [];
      const get: number[] = [];
      for (let r = 0; r < runs; r++) {
        // A fresh body per run (first byte varies) so no run deduplicates against another.
        const body = Buffer.from(data);
        body.writeUInt32BE(r * 7919 + name.length, 0);
        const key = `${name}-${r}`;
        let t0 = performance.now();
        await client.send(new PutObjectCommand({ Bucket: 'bench', Key: key, Body: body, ...sse }));
        put.push(mbps(body.byteLength, performance.now() - t0));
        t0 = performance.now();
        const res = await client.send(new GetObjectCommand({ Bucket: 'bench', Key: key, ...sse }));
        let n = 0;
        for await (const c of res.Body as AsyncIterable<Uint8Array>) n += c.byteLength;
        get.push(mbps(n, performance.now() - t0));
      }
      out.push([name, median(put), median(get)]);
    }
  } finally {
    client.destroy();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

const data = randomData(1, sizeBytes);
console.log(`# SSE cost, ${values['size-mib']} MiB random data, median of ${runs}\n`);
console.log(`| primitive (${chunkBytes / 1024} KiB chunks, one core) | MB/s |\n| --- | --- |`);
for (const [name, v] of primitives(data)) console.log(`| ${name} | ${v.toFixed(0)} |`);
console.log(`\n| one ${values['size-mib']} MiB object, SDK client, in-process server | PUT MB/s | GET MB/s |\n| --- | --- | --- |`);
for (const [name, p, g] of await endToEnd(data)) console.log(`| ${name} | ${p.toFixed(0)} | ${g.toFixed(0)} |`);
