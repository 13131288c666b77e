// Root credentials: from TESSERA_ACCESS_KEY / TESSERA_SECRET_KEY, or generated on first
// start and kept in <data>/credentials.json (mode 0600). Secrets never reach the logger.
// File format version 1: {"v":1,"accessKeyId":"…","secretAccessKey":"…"}.

import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, renameSync, openSync, fsyncSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Credentials } from '../s3/auth/types.js';

export interface RootCredentials extends Credentials {
  /** True when this start generated them (the caller prints them once). */
  generated: boolean;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function randomString(n: number, alphabet: string): string {
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[bytes[i]! % alphabet.length];
  return s;
}

/**
 * The root credentials from the environment or <data>/credentials.json, without generating
 * any (the admin CLI uses this: it must talk as the root the server already has).
 */
export function readRootCredentials(dataDir: string, env: NodeJS.ProcessEnv): Credentials | undefined {
  const ak = env['TESSERA_ACCESS_KEY'];
  const sk = env['TESSERA_SECRET_KEY'];
  if (ak && sk) return { accessKeyId: ak, secretAccessKey: sk };
  const file = join(dataDir, 'credentials.json');
  if (!existsSync(file)) return undefined;
  const c = JSON.parse(readFileSync(file, 'utf8')) as { v: number; accessKeyId: string; secretAccessKey: string };
  if (c.v !== 1) throw new Error(`credentials.json version ${c.v} is not supported`);
  return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey };
}

export function loadRootCredentials(dataDir: string, env: NodeJS.ProcessEnv): RootCredentials {
  const existing = readRootCredentials(dataDir, env);
  if (existing) return { ...existing, generated: false };
  const file = join(dataDir, 'credentials.json');
  const creds = {
    accessKeyId: 'TS' + randomString(18, ALPHABET),
    secretAccessKey: randomBytes(30).toString('base64').replace(/[+/]/g, 'x'),
  };
  const tmp = file + '.tmp';
  writeFileSync(tmp, JSON.stringify({ v: 1, ...creds }) + '\n', { mode: 0o600 });
  const fd = openSync(tmp, 'r');
  fsyncSync(fd);
  closeSync(fd);
  renameSync(tmp, file);
  return { ...creds, generated: true };
}
