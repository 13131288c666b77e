// Deterministic test data: seeded pseudo-random bytes (incompressible) and text (compressible).

import { createHash } from 'node:crypto';

export function randomBytesSeeded(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`seed-${seed}`).digest();
  for (let off = 0; off < size; off += 32) {
    block.copy(out, off, 0, Math.min(32, size - off));
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

/**
 * Pseudo-random bytes from xorshift32 seeded with any integer (0 counts as 1), so that a
 * property test that fails replays from fast-check's seed.
 */
export function xorshiftBytes(size: number, seed: number): Buffer {
  const out = Buffer.allocUnsafe(size);
  let x = seed | 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function textBytes(size: number, seed = 1): Buffer {
  const words = ['tessera', 'object', 'chunk', 'erasure', 'parity', 'bucket', 'dedup', 'storage', 'raft', 'placement'];
  const parts: string[] = [];
  let n = 0;
  let x = seed;
  while (n < size) {
    x = (x * 1103515245 + 12345) >>> 0;
    const w = words[x % words.length]!;
    parts.push(w);
    n += w.length + 1;
  }
  return Buffer.from(parts.join(' ')).subarray(0, size);
}

export async function streamToBuffer(body: unknown): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of body as AsyncIterable<Uint8Array>) parts.push(Buffer.from(c));
  return Buffer.concat(parts);
}

export function md5hex(b: Uint8Array): string {
  return createHash('md5').update(b).digest('hex');
}
