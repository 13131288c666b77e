// Cost of authentication and body verification, single thread:
//  - authenticate() on a header-signed PUT (requests per second);
//  - a 64 MiB body through createPayloadVerifier() in each payload mode (MB/s), with
//    64 KiB aws-chunked chunks (minio-go's size) fed in 64 KiB reads.
// Run: npm run build && node dist/bench/auth.js

import { createHash } from 'node:crypto';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { authenticate, createPayloadVerifier, SigningKeyCache } from '../src/s3/auth/index.js';
import { emptySha256Hex, hmacSha256, sha256Hex, signingKey } from '../src/s3/auth/canonical.js';
import type { PayloadMode } from '../src/s3/auth/types.js';
import { checksumBase64 } from '../src/pipeline/checksums.js';
import aws4 from 'aws4';

const totalBytes = 64 * 1024 * 1024;
const chunkBytes = 64 * 1024;
const data = Buffer.alloc(totalBytes);
for (let i = 0; i < totalBytes; i += 4) data.writeUInt32LE((i * 2654435761) >>> 0, i);
const creds = { accessKeyId: 'AKBENCH', secretAccessKey: 'bench-secret' };

function benchAuthenticate(): void {
  const signed = aws4.sign({ host: 'localhost', method: 'PUT', path: '/bucket/some/key.bin', service: 's3', region: 'us-east-1', body: 'x', headers: { 'Content-Type': 'application/octet-stream' } }, creds);
  const headers: Record<string, string> = { host: 'localhost' };
  for (const [k, v] of Object.entries(signed.headers ?? {})) headers[k.toLowerCase()] = String(v);
  const req = { method: 'PUT', rawPath: '/bucket/some/key.bin', rawQuery: '', headers };
  const n = 20_000;
  const cache = new SigningKeyCache();
  for (const [label, opts] of [['no key cache', {}], ['SigningKeyCache', { signingKeys: cache }]] as const) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < n; i++) authenticate(req, () => creds, Date.now(), opts);
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    console.log(`authenticate, header-signed PUT, ${label.padEnd(16)} ${Math.round(n / seconds)} req/s`);
  }
}

function frameSigned(key: Buffer, seed: string, amzDate: string, scope: string): Buffer[] {
  const pieces: Buffer[] = [];
  let prev = seed;
  const emit = (piece: Buffer) => {
    prev = hmacSha256(key, `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${prev}\n${emptySha256Hex}\n${sha256Hex(piece)}`).toString('hex');
    pieces.push(Buffer.concat([Buffer.from(`${piece.length.toString(16)};chunk-signature=${prev}\r\n`), piece, Buffer.from('\r\n')]));
  };
  for (let off = 0; off < totalBytes; off += chunkBytes) emit(data.subarray(off, off + chunkBytes));
  emit(Buffer.alloc(0));
  return pieces;
}

function frameUnsigned(trailerLine: string): Buffer[] {
  const pieces: Buffer[] = [];
  for (let off = 0; off < totalBytes; off += chunkBytes) {
    pieces.push(Buffer.concat([Buffer.from(`${chunkBytes.toString(16)}\r\n`), data.subarray(off, off + chunkBytes), Buffer.from('\r\n')]));
  }
  pieces.push(Buffer.from(`0\r\n${trailerLine}\r\n\r\n`));
  return pieces;
}

async function timeBody(label: string, payload: PayloadMode, headers: Record<string, string>, pieces: Buffer[]): Promise<void> {
  const speeds: number[] = [];
  for (let r = 0; r < 3; r++) {
    const v = createPayloadVerifier(payload, headers);
    const start = process.hrtime.bigint();
    await pipeline(Readable.from(pieces), v.stream, new Writable({ write(_c, _e, cb) { cb(); } }));
    speeds.push(totalBytes / 1e6 / (Number(process.hrtime.bigint() - start) / 1e9));
  }
  speeds.sort((a, b) => a - b);
  console.log(`${label.padEnd(40)} ${Math.round(speeds[1]!)} MB/s`);
}

async function main(): Promise<void> {
  benchAuthenticate();
  const plain = Array.from({ length: totalBytes / chunkBytes }, (_, i) => data.subarray(i * chunkBytes, (i + 1) * chunkBytes));
  await timeBody('unsigned (pass-through)', { kind: 'unsigned' }, {}, plain);
  await timeBody('sha256 (x-amz-content-sha256)', { kind: 'sha256', expectedHex: createHash('sha256').update(data).digest('hex') }, {}, plain);
  const streamHeaders = { 'x-amz-decoded-content-length': String(totalBytes) };
  for (const [alg, name] of [['CRC32', 'x-amz-checksum-crc32'], ['CRC64NVME', 'x-amz-checksum-crc64nvme']] as const) {
    await timeBody(`aws-chunked unsigned + ${alg} trailer`, { kind: 'streaming-unsigned-trailer' },
      { ...streamHeaders, 'x-amz-trailer': name }, frameUnsigned(`${name}:${checksumBase64(alg, data)}`));
  }
  const amzDate = '20260101T000000Z';
  const scope = '20260101/us-east-1/s3/aws4_request';
  const key = signingKey(creds.secretAccessKey, '20260101', 'us-east-1', 's3');
  const seed = 'f'.repeat(64);
  await timeBody('aws-chunked signed (64 KiB chunks)', { kind: 'streaming-signed', trailer: false, seedSignature: seed, signingKey: key, amzDate, scope },
    streamHeaders, frameSigned(key, seed, amzDate, scope));
}

await main();
