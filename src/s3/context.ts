// The per-request view every operation receives: addressing resolved, caller
// authenticated, services at hand. Operations read the koa context only through this.

import type Koa from 'koa';
import type { PayloadMode } from './auth/types.js';
import type { ObjectService } from '../gateway/object-service.js';
import type { MultipartService } from '../gateway/multipart.js';
import type { SseKeys } from '../gateway/sse.js';

export interface S3Services {
  objects: ObjectService;
  multipart: MultipartService;
  /** Server-side encryption keys (derived from the master key). */
  sse: SseKeys;
  region: string;
  now(): number;
}

export interface S3Ctx {
  koa: Koa.Context;
  requestId: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  /** Access key id of the caller; null for anonymous requests. */
  identity: string | null;
  payload: PayloadMode;
  svc: S3Services;
  /** The operation's AWS name once routed (for metrics and logs). */
  operation: string;
}

export function header(ctx: S3Ctx, name: string): string | undefined {
  const v = ctx.koa.req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** The caller; operations of the foundation all require an authenticated caller. */
export function caller(ctx: S3Ctx): string {
  if (!ctx.identity) throw new Error('unauthenticated request reached an operation');
  return ctx.identity;
}

export function requireBucket(ctx: S3Ctx): string {
  if (!ctx.bucket) throw new Error('operation routed without a bucket');
  return ctx.bucket;
}

export function requireKey(ctx: S3Ctx): { bucket: string; key: string } {
  if (!ctx.bucket || ctx.key === undefined) throw new Error('operation routed without a key');
  return { bucket: ctx.bucket, key: ctx.key };
}
