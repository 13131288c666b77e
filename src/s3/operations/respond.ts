// Small response helpers shared by the operation files.

import type { S3Ctx } from '../context.js';
import { renderXml } from '../xml.js';

export function sendXml(ctx: S3Ctx, root: string, body: Record<string, unknown>, status = 200, withNamespace = true): void {
  ctx.koa.status = status;
  ctx.koa.type = 'application/xml';
  ctx.koa.body = renderXml(root, body, withNamespace);
}

export function isoDate(ms: number): string {
  return new Date(ms).toISOString();
}

/** An Owner / Initiator element: the canonical id and the account's name (the root's is its id). */
export function owner(ctx: S3Ctx, id: string): { ID: string; DisplayName: string } {
  return { ID: id, DisplayName: ctx.svc.accounts?.byId(id)?.name ?? id };
}

/** encoding-type=url: S3 percent-encodes keys and prefixes in list responses. */
export function listEncoder(ctx: S3Ctx): (s: string) => string {
  const enc = ctx.query.get('encoding-type');
  if (enc === null) return (s) => s;
  return (s) => encodeURIComponent(s).replace(/%2F/g, '/').replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export function parseMaxKeys(v: string | null, max: number): number {
  if (v === null || v === '') return max;
  if (!/^-?\d+$/.test(v)) return -1;
  return Math.min(Number(v), max);
}

/** A response with no body: 200 keeps its status (koa would turn a null body into 204). */
export function sendEmpty(ctx: S3Ctx, status = 200): void {
  ctx.koa.status = status;
  if (status === 204) {
    ctx.koa.body = null;
    return;
  }
  ctx.koa.body = '';
  ctx.koa.remove('Content-Type');
}
