// The admin port: /health/live, /health/ready (200 only while the S3 port serves) and
// /metrics in Prometheus text format.

import Koa from 'koa';
import Router from '@koa/router';
import type { S3Metrics } from './metrics.js';

export interface AdminDeps {
  metrics: S3Metrics;
  ready(): boolean;
}

export function createAdminApp(deps: AdminDeps): Koa {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  router.get('/health/live', (ctx) => {
    ctx.body = { status: 'live' };
  });
  router.get('/health/ready', (ctx) => {
    const ready = deps.ready();
    ctx.status = ready ? 200 : 503;
    ctx.body = { status: ready ? 'ready' : 'not ready' };
  });
  router.get('/metrics', async (ctx) => {
    ctx.type = deps.metrics.registry.contentType;
    ctx.body = await deps.metrics.registry.metrics();
  });
  app.use(router.routes());
  app.use(router.allowedMethods());
  return app;
}
