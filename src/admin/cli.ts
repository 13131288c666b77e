// `tessera admin …`: the admin CLI. It talks to a running server's admin port, signing each
// call with SigV4 (service "tessera-admin") using the root credentials, taken from
// TESSERA_ACCESS_KEY / TESSERA_SECRET_KEY or else <data-dir>/credentials.json.
//
//   tessera admin user create NAME --access-key AK --secret-key SK [--admin-address HOST:PORT]
//       prints {"name","id","accessKeyId","createdMs"} as one JSON line
//   tessera admin user list [--json]      one user per line: NAME ID ACCESS_KEY (or a JSON array)
//   tessera admin user delete NAME
// Exit status: 0 done, 1 refused by the server or unreachable, 2 bad usage / no credentials.

import type { Command } from 'commander';
import { createHash } from 'node:crypto';
import aws4 from 'aws4';
import { readRootCredentials } from '../metadata/credentials.js';
import type { Credentials } from '../s3/auth/types.js';
import { ADMIN_SIGNING_SERVICE } from './users-api.js';

interface CommonOpts {
  adminAddress: string;
  dataDir: string;
}

class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
  }
}

function rootCredentials(dataDir: string): Credentials {
  const c = readRootCredentials(dataDir, process.env);
  if (!c) throw new CliError(`no root credentials: set TESSERA_ACCESS_KEY and TESSERA_SECRET_KEY, or point --data-dir at the server's data directory`, 2);
  return c;
}

/** One signed call to the admin API; returns the parsed JSON body (undefined when empty). */
export async function adminCall(address: string, creds: Credentials, method: string, path: string, body?: unknown): Promise<unknown> {
  const payload = body === undefined ? '' : JSON.stringify(body);
  const headers: Record<string, string> = { 'x-amz-content-sha256': createHash('sha256').update(payload).digest('hex') };
  if (payload !== '') headers['content-type'] = 'application/json';
  const signed = aws4.sign(
    // The path is sent already encoded once, which is what the server canonicalises (S3 rules).
    { host: address, path, method, service: ADMIN_SIGNING_SERVICE, region: 'us-east-1', headers, body: payload, doNotEncodePath: true },
    { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
  );
  let res: Response;
  try {
    res = await fetch(`http://${address}${path}`, {
      method,
      headers: signed.headers as Record<string, string>,
      ...(payload !== '' ? { body: payload } : {}),
    });
  } catch (err) {
    throw new CliError(`cannot reach the admin API at ${address}: ${(err as Error).message}`, 1);
  }
  const text = await res.text();
  const parsed: unknown = text === '' ? undefined : JSON.parse(text);
  if (!res.ok) {
    const e = parsed as { error?: string; message?: string } | undefined;
    throw new CliError(`${res.status} ${e?.error ?? ''}: ${e?.message ?? text}`, 1);
  }
  return parsed;
}

function run(action: (opts: CommonOpts) => Promise<void>, opts: CommonOpts): Promise<void> {
  return action(opts).catch((err: unknown) => {
    if (!(err instanceof CliError)) throw err;
    process.stderr.write(`tessera: ${err.message}\n`);
    process.exit(err.exitCode);
  });
}

function withCommon(cmd: Command): Command {
  return cmd
    .option('--admin-address <host:port>', 'admin address of the server', '127.0.0.1:9901')
    .option('--data-dir <dir>', 'data directory holding credentials.json (when the TESSERA_* variables are unset)', './data');
}

export function registerAdminCommands(program: Command): void {
  const admin = program.command('admin').description('administer a running server through its admin port');
  const user = admin.command('user').description('users: accounts with their own access keys and buckets');

  withCommon(user.command('create <name>').description('create a user with the given key pair'))
    .requiredOption('--access-key <ak>', 'the access key id of the new user')
    .requiredOption('--secret-key <sk>', 'the secret key of the new user')
    .action((name: string, opts: CommonOpts & { accessKey: string; secretKey: string }) =>
      run(async (o) => {
        const created = await adminCall(o.adminAddress, rootCredentials(o.dataDir), 'POST', '/admin/v1/users', {
          name,
          accessKeyId: opts.accessKey,
          secretAccessKey: opts.secretKey,
        });
        process.stdout.write(JSON.stringify(created) + '\n');
      }, opts),
    );

  withCommon(user.command('list').description('list users (never their secrets)'))
    .option('--json', 'print a JSON array')
    .action((opts: CommonOpts & { json?: boolean }) =>
      run(async (o) => {
        const users = (await adminCall(o.adminAddress, rootCredentials(o.dataDir), 'GET', '/admin/v1/users')) as Array<{ name: string; id: string; accessKeyId: string }>;
        if (opts.json) process.stdout.write(JSON.stringify(users) + '\n');
        else for (const u of users) process.stdout.write(`${u.name}\t${u.id}\t${u.accessKeyId}\n`);
      }, opts),
    );

  withCommon(user.command('delete <name>').description('delete a user (refused while it owns buckets)'))
    .action((name: string, opts: CommonOpts) =>
      run(async (o) => {
        await adminCall(o.adminAddress, rootCredentials(o.dataDir), 'DELETE', `/admin/v1/users/${encodeURIComponent(name)}`);
        process.stdout.write(`deleted user ${name}\n`);
      }, opts),
    );
}
