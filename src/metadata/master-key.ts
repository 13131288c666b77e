// The server master key, root of every SSE-S3 key and of the SSE-C key verifiers
// (pipeline/encryption.ts). From configuration (encryption.masterKeyBase64), else from
// TESSERA_MASTER_KEY, else generated on first start into <data>/master-key.json (mode 0600).
// Every gateway of a cluster needs the same key: configure it there. Never logged.
// File format version 1: {"v":1,"keyBase64":"…"} (32 bytes, base64).

import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MASTER_KEY_BYTES } from '../pipeline/encryption.js';

export class MasterKeyError extends Error {
  readonly code = 'TESSERA_MASTER_KEY';
}

function decode(b64: string, where: string): Buffer {
  const key = Buffer.from(b64, 'base64');
  // Round-trip check: Buffer.from silently skips characters outside the alphabet.
  if (key.byteLength !== MASTER_KEY_BYTES || key.toString('base64') !== b64.trim()) {
    throw new MasterKeyError(`${where}: expected ${MASTER_KEY_BYTES} bytes in base64`);
  }
  return key;
}

export function loadMasterKey(dataDir: string, configured: string, env: NodeJS.ProcessEnv): { key: Buffer; generated: boolean } {
  if (configured) return { key: decode(configured, 'encryption.masterKeyBase64'), generated: false };
  const fromEnv = env['TESSERA_MASTER_KEY'];
  if (fromEnv) return { key: decode(fromEnv, 'TESSERA_MASTER_KEY'), generated: false };
  const file = join(dataDir, 'master-key.json');
  if (existsSync(file)) {
    const c = JSON.parse(readFileSync(file, 'utf8')) as { v: number; keyBase64: string };
    if (c.v !== 1) throw new MasterKeyError(`master-key.json version ${c.v} is not supported`);
    return { key: decode(c.keyBase64, file), generated: false };
  }
  const key = randomBytes(MASTER_KEY_BYTES);
  const tmp = file + '.tmp';
  writeFileSync(tmp, JSON.stringify({ v: 1, keyBase64: key.toString('base64') }) + '\n', { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
  return { key, generated: true };
}
