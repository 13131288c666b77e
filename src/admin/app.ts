// The admin port: /health/live, /health/ready (200 only while the S3 port serves) and
// /metrics in Prometheus text format; the users API (users-api.ts, root-signed) under /admin/v1.

import Koa from 'koa';
import Router from '@koa/router';
import type { S3Metrics } from './metrics.js';
import { addUserRoutes, type UsersApiDeps } from './users-api.js';

export interface AdminDeps {
  metrics: S3Metrics;
  /** Whether the node can serve S3 now (listening, every drive present). */
  ready(): Promise<{ ready: boolean; reason?: string }>;
  /** The users API; absent, /admin/v1/users is not served. */
  users?: UsersApiDeps;
}

export function createAdminApp(deps: AdminDeps): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'live' };
  });
  router.get('/health/ready', async (ctx) => {
    const r = await deps.ready();
    ctx.status = r.ready ? 200 : 503;
    ctx.body = r.ready ? { status: 'ready' } : { status: 'not ready', reason: r.reason };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  if (deps.users) addUserRoutes(router, deps.users);
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
