// The admin API for users, on the admin port:
//   GET    /admin/v1/users          → 200 [{name, id, accessKeyId, createdMs}]   (no secrets)
//   POST   /admin/v1/users          {name, accessKeyId, secretAccessKey} → 201 {name, id, accessKeyId, createdMs}
//   DELETE /admin/v1/users/{name}   → 204
// Errors are JSON {error, message} with 400/403/404/409.
//
// Every call must be signed with AWS Signature Version 4 by the root key pair, with service
// name "tessera-admin" in the credential scope (so an admin signature is never valid on the
// S3 port, nor an S3 one here) and x-amz-content-sha256 set to the hex SHA-256 of the body,
// which is checked: a signed request whose body was swapped is refused. Unsigned calls are
// refused. The root credentials are the only ones accepted; users cannot administer users.

import type Koa from 'koa';
import type Router from '@koa/router';
import { createHash, timingSafeEqual } from 'node:crypto';
import { limits } from '../limits.js';
import { authenticate, authRequestFromIncoming, type Credentials } from '../s3/auth/index.js';
import { S3Error } from '../s3/errors.js';
import { MetadataError } from '../metadata/errors.js';
import type { UserDirectory } from '../metadata/users.js';

export const ADMIN_SIGNING_SERVICE = 'tessera-admin';

export interface UsersApiDeps {
  users: UserDirectory;
  root: Credentials;
  now(): number;
}

class AdminError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

async function readBody(ctx: Koa.Context): Promise<Buffer> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limits.adminBodyBytesMax) throw new AdminError(413, 'BodyTooLarge', `request bodies are limited to ${limits.adminBodyBytesMax} bytes`);
    parts.push(chunk);
  }
  return Buffer.concat(parts);
}

/** Verifies the root's SigV4 signature and the body hash; returns the verified body. */
async function authenticateRoot(ctx: Koa.Context, deps: UsersApiDeps): Promise<Buffer> {
  let auth;
  try {
    auth = authenticate(authRequestFromIncoming(ctx.req), (ak) => (ak === deps.root.accessKeyId ? deps.root : undefined), deps.now(), {
      service: ADMIN_SIGNING_SERVICE,
    });
  } catch (err) {
    if (err instanceof S3Error) throw new AdminError(403, err.code, err.message);
    throw err;
  }
  if (auth.anonymous) throw new AdminError(403, 'AccessDenied', 'admin calls must be signed (SigV4) with the root credentials');
  if (auth.payload.kind !== 'sha256') throw new AdminError(403, 'AccessDenied', 'admin calls must sign their body: x-amz-content-sha256 must be its hex SHA-256');
  const body = await readBody(ctx);
  const actual = createHash('sha256').update(body).digest();
  const expected = Buffer.from(auth.payload.expectedHex, 'hex');
  if (expected.byteLength !== actual.byteLength || !timingSafeEqual(expected, actual)) {
    throw new AdminError(400, 'XAmzContentSHA256Mismatch', 'the body does not match x-amz-content-sha256');
  }
  return body;
}

function parseCreate(body: Buffer): { name: string; accessKeyId: string; secretAccessKey: string } {
  let v: unknown;
  try {
    v = JSON.parse(body.toString('utf8'));
  } catch {
    throw new AdminError(400, 'MalformedJSON', 'the body is not JSON');
  }
  const o = v as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o['name'] !== 'string' || typeof o['accessKeyId'] !== 'string' || typeof o['secretAccessKey'] !== 'string') {
    throw new AdminError(400, 'InvalidArgument', 'expected {"name": string, "accessKeyId": string, "secretAccessKey": string}');
  }
  return { name: o['name'], accessKeyId: o['accessKeyId'], secretAccessKey: o['secretAccessKey'] };
}

function fromMetadata(err: unknown): never {
  if (err instanceof MetadataError) {
    const status = err.code === 'NoSuchUser' ? 404 : err.code === 'TooManyUsers' ? 400 : 409;
    throw new AdminError(status, err.code, err.message === err.code ? describe(err.code) : err.message);
  }
  if (err instanceof RangeError) throw new AdminError(400, 'InvalidArgument', err.message);
  throw err;
}

function describe(code: string): string {
  switch (code) {
    case 'UserAlreadyExists': return 'a user with this name exists';
    case 'AccessKeyInUse': return 'this access key belongs to another account';
    case 'NoSuchUser': return 'no user has this name';
    case 'TooManyUsers': return `at most ${limits.usersMax} users`;
    default: return code;
  }
}

/** Adds the user routes to `router`. */
export function addUserRoutes(router: Router, deps: UsersApiDeps): void {
  const guarded = (handler: (ctx: Koa.Context, body: Buffer) => Promise<void> | void) => async (ctx: Koa.Context) => {
    try {
      const body = await authenticateRoot(ctx, deps);
      await handler(ctx, body);
    } catch (err) {
      if (!(err instanceof AdminError)) throw err;
      ctx.status = err.status;
      ctx.body = { error: err.code, message: err.message };
    }
  };
  router.get('/admin/v1/users', guarded((ctx) => {
    ctx.body = deps.users.list();
  }));
  router.post('/admin/v1/users', guarded(async (ctx, body) => {
    const req = parseCreate(body);
    const user = await deps.users.create(req.name, req.accessKeyId, req.secretAccessKey).catch(fromMetadata);
    ctx.status = 201;
    ctx.body = { name: user.name, id: user.id, accessKeyId: user.accessKeyId, createdMs: user.createdMs };
  }));
  router.delete('/admin/v1/users/:name', guarded(async (ctx) => {
    await deps.users.delete(String(ctx.params['name'])).catch(fromMetadata);
    ctx.status = 204;
  }));
}
