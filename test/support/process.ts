// Runs `tessera server` as a real child process (for kill -9 tests) and reads the
// addresses it prints.

import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_ACCESS_KEY, TEST_SECRET_KEY } from './server.js';

export const MAIN_JS = fileURLToPath(new URL('../../src/main.js', import.meta.url));

export interface ChildServer {
  proc: ChildProcess;
  s3Url: string;
  adminUrl: string;
  exited: Promise<number | null>;
}

export function spawnServer(dataDir: string, extraArgs: string[] = []): Promise<ChildServer> {
  const proc = spawn(process.execPath, [MAIN_JS, 'server', '--data-dir', dataDir, '--s3-address', '127.0.0.1:0', '--admin-address', '127.0.0.1:0', '--log-level', 'warn', ...extraArgs], {
    env: { ...process.env, TESSERA_ACCESS_KEY: TEST_ACCESS_KEY, TESSERA_SECRET_KEY: TEST_SECRET_KEY },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  let stderr = '';
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start: ${stderr}`)), 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /S3 on (\S+), admin on (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, s3Url: m[1]!, adminUrl: m[2]!, exited });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}: ${stderr}`));
    });
  });
}
