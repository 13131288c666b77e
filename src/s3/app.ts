// The S3 HTTP surface: one koa app whose single middleware resolves the address,
// authenticates, routes and runs the operation, and maps every failure to S3's XML error
// (Code, Message, Resource, RequestId) with x-amz-request-id. Unknown failures are 500
// InternalError and the details go to the log only.

import Koa from 'koa';
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { parseAddress } from './addressing.js';
import { authenticate, authRequestFromIncoming, SigningKeyCache } from './auth/index.js';
import type { CredentialLookup } from './auth/types.js';
import { accountOf, type S3Ctx, type S3Services } from './context.js';
import { S3Error } from './errors.js';
import { toS3Error } from './error-mapping.js';
import { route } from './router.js';
import { applyCors } from './cors.js';
import { renderXml } from './xml.js';
import { settleUnreadBody } from './body.js';
import type { S3Metrics } from '../admin/metrics.js';

export interface S3AppDeps {
  services: S3Services;
  credentials: CredentialLookup;
  domains: readonly string[];
  logger: Logger;
  metrics?: S3Metrics;
}

export function createS3App(deps: S3AppDeps): Koa {
  const app = new Koa();
  // Derived SigV4 signing keys (four HMACs each), per gateway.
  const signingKeys = new SigningKeyCache();
  // Request ids: a random per-process prefix and a counter (unique, and cheaper than
  // drawing random bytes per request).
  const idPrefix = randomBytes(4).toString('hex').toUpperCase();
  let idCounter = 0;
  app.proxy = false;
  app.silent = true;
  app.use(async (koa) => {
    const requestId = idPrefix + (++idCounter).toString(16).toUpperCase().padStart(8, '0');
    const started = process.hrtime.bigint();
    koa.set('x-amz-request-id', requestId);
    koa.set('x-amz-id-2', requestId);
    koa.set('Server', 'Tessera');
    const ctx: S3Ctx = {
      koa,
      requestId,
      query: new URLSearchParams(),
      identity: null,
      payload: { kind: 'unsigned' },
      svc: deps.services,
      credentials: deps.credentials,
      operation: 'Unknown',
    };
    try {
      const addr = parseAddress(koa.req.url ?? '/', koa.req.headers.host, deps.domains);
      ctx.bucket = addr.bucket;
      ctx.key = addr.key;
      ctx.query = new URLSearchParams(addr.rawQuery);
      // CORS: answers a preflight (no credentials needed), or sets Access-Control-* for an allowed Origin.
      if (applyCors(ctx)) return;
      const auth = authenticate(authRequestFromIncoming(koa.req), deps.credentials, deps.services.now(), {
        signingKeys,
        ...(addr.virtualHost && ctx.bucket !== undefined ? { virtualHostBucket: ctx.bucket } : {}),
      });
      ctx.payload = auth.payload;
      // Anonymous requests go on to routing: the operation's authorization (policy, ACL)
      // decides, and answers AccessDenied when nothing grants them access. POST Object carries
      // its credentials in the form (policy + signature) and authenticates in the operation.
      if (!auth.anonymous) ctx.identity = accountOf(deps.services, auth.accessKeyId);
      const r = route(koa.req.method ?? 'GET', ctx.bucket, ctx.key, ctx.query, koa.req.headers);
      if (!r) throw new S3Error(koa.req.method === 'OPTIONS' || koa.req.method === 'PATCH' ? 'MethodNotAllowed' : 'NotImplemented');
      ctx.operation = r.name;
      await r.op(ctx);
    } catch (err) {
      respondError(ctx, err, deps.logger);
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics?.observe(ctx.operation, koa.status, seconds);
    }
  });
  return app;
}

function respondError(ctx: S3Ctx, err: unknown, logger: Logger): void {
  const koa = ctx.koa;
  let e = toS3Error(err);
  if (!e) {
    logger.error({ err, requestId: ctx.requestId, operation: ctx.operation }, 'internal error');
    e = new S3Error('InternalError');
  }
  if (koa.headerSent) {
    // Mid-stream failure: the status line is gone; cutting the connection is the only honest signal.
    koa.req.socket.destroy();
    return;
  }
  settleUnreadBody(ctx);
  koa.status = e.status;
  for (const [k, v] of Object.entries(e.headers)) koa.set(k, v);
  // No body: koa would turn a null body into 204, so the body is simply not set.
  if (koa.method === 'HEAD' || e.status === 304) return;
  const resource = ctx.bucket === undefined ? '/' : `/${ctx.bucket}${ctx.key !== undefined ? '/' + ctx.key : ''}`;
  koa.type = 'application/xml';
  koa.body = renderXml(
    'Error',
    { Code: e.code, Message: e.message, ...(ctx.bucket && !ctx.key ? { BucketName: ctx.bucket } : {}), ...(ctx.key ? { Key: ctx.key } : {}), ...e.fields, Resource: resource, RequestId: ctx.requestId, HostId: ctx.requestId },
    false,
  );
}

