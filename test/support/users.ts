// Creates users the way operators do: by running `tessera admin user …` as a process
// against a started server's admin port, with the root credentials in the environment.

import { execFile } from 'node:child_process';
import { MAIN_JS } from './process.js';
import { TEST_ACCESS_KEY, TEST_SECRET_KEY } from './server.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function adminCli(adminUrl: string, args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const address = new URL(adminUrl).host;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [MAIN_JS, 'admin', ...args, '--admin-address', address],
      { env: { ...process.env, TESSERA_ACCESS_KEY: TEST_ACCESS_KEY, TESSERA_SECRET_KEY: TEST_SECRET_KEY, ...env } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

export interface CreatedUser {
  name: string;
  id: string;
  accessKeyId: string;
  secretAccessKey: string;
}

export async function createUser(adminUrl: string, name: string, accessKeyId: string, secretAccessKey: string): Promise<CreatedUser> {
  const r = await adminCli(adminUrl, ['user', 'create', name, '--access-key', accessKeyId, '--secret-key', secretAccessKey]);
  if (r.code !== 0) throw new Error(`user create failed (${r.code}): ${r.stderr}`);
  const u = JSON.parse(r.stdout) as { name: string; id: string; accessKeyId: string };
  return { ...u, secretAccessKey };
}
