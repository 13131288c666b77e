// The per-request view every operation receives: addressing resolved, caller
// authenticated, services at hand. Operations read the koa context only through this.

import type Koa from 'koa';
import type { CredentialLookup, PayloadMode } from './auth/types.js';
import type { ObjectService } from '../gateway/object-service.js';
import type { MultipartService } from '../gateway/multipart.js';
import type { Account } from '../metadata/users.js';
import type { PolicyCache } from './access/policy-cache.js';

/** Accounts by access key (authentication) and by canonical id (ACL grantees, display names). */
export interface AccountLookup {
  byAccessKey(accessKeyId: string): Account | undefined;
  byId(id: string): Account | undefined;
}
import type { SseKeys } from '../gateway/sse.js';

export interface S3Services {
  objects: ObjectService;
  multipart: MultipartService;
  /** Server-side encryption keys (derived from the master key). */
  sse: SseKeys;
  region: string;
  now(): number;
  /** Absent: the access key id is the account (single-account set-ups and tests). */
  accounts?: AccountLookup;
  /** Parsed bucket policies; absent, a policy is parsed at every check. */
  policies?: PolicyCache;
}

export interface S3Ctx {
  koa: Koa.Context;
  requestId: string;
  bucket?: string;
  key?: string;
  query: URLSearchParams;
  /** Canonical user id of the caller (root: its access key id); null for anonymous requests. */
  identity: string | null;
  payload: PayloadMode;
  svc: S3Services;
  /** Secret lookup, for operations that authenticate from the body (POST Object's form). */
  credentials?: CredentialLookup;
  /** The operation's AWS name once routed (for metrics and logs). */
  operation: string;
}

export function header(ctx: S3Ctx, name: string): string | undefined {
  const v = ctx.koa.req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

/** AWS's canonical id for anonymous callers: the owner of what they write where a bucket lets them. */
export const ANONYMOUS_ID = '65a011a29cdf8ec533ec3d1ccaae921c';

/** The caller's canonical id (ANONYMOUS_ID for unsigned requests the access check let through). */
export function caller(ctx: S3Ctx): string {
  return ctx.identity ?? ANONYMOUS_ID;
}

export function requireBucket(ctx: S3Ctx): string {
  if (!ctx.bucket) throw new Error('operation routed without a bucket');
  return ctx.bucket;
}

export function requireKey(ctx: S3Ctx): { bucket: string; key: string } {
  if (!ctx.bucket || ctx.key === undefined) throw new Error('operation routed without a key');
  return { bucket: ctx.bucket, key: ctx.key };
}

/** The canonical id of the account an access key belongs to (the root key is its own id). */
export function accountOf(services: S3Services, accessKeyId: string): string {
  return services.accounts?.byAccessKey(accessKeyId)?.id ?? accessKeyId;
}
