// Cross-origin resource sharing: the bucket's CORSConfiguration (parsed and validated for
// PutBucketCors), the preflight OPTIONS request, and the Access-Control-* headers of actual
// responses. https://docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html
// Preflight: https://docs.aws.amazon.com/AmazonS3/latest/API/RESTOPTIONSobject.html
//
// app.ts calls applyCors() once per request, before authentication: a preflight carries no
// credentials, and the headers of an actual response (errors included) are set before the
// operation runs so they survive whatever it answers.
//
// Every value of a rule is echoed in a response header, so only visible ASCII is accepted
// (Ceph RGW's CVE-2020-10753 injected headers through newlines in CORS rules).

import { header, type S3Ctx } from './context.js';
import { S3Error } from './errors.js';
import { limits } from '../limits.js';
import { parseXml, xmlText } from './xml.js';
import type { CorsRuleRecord } from '../metadata/records.js';

export type CorsRule = CorsRuleRecord;

const METHODS = new Set(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']);
const visibleAscii = /^[\x20-\x7e]*$/;

function texts(v: unknown, what: string): string[] {
  if (v === undefined) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => {
    const s = xmlText(x);
    if (s === undefined) throw new S3Error('MalformedXML');
    if (!visibleAscii.test(s)) throw new S3Error('InvalidRequest', `${what} "${s.replace(/[^\x20-\x7e]/g, '?')}" contains characters that are not allowed.`);
    return s.trim();
  });
}

function oneWildcardAtMost(values: string[], what: string): void {
  for (const v of values) {
    if (v.split('*').length > 2) throw new S3Error('InvalidRequest', `${what} "${v}" can not have more than one wildcard.`);
  }
}

function parseRule(node: unknown): CorsRule {
  if (!node || typeof node !== 'object') throw new S3Error('MalformedXML');
  const r = node as Record<string, unknown>;
  const allowedMethods = texts(r['AllowedMethod'], 'AllowedMethod');
  const allowedOrigins = texts(r['AllowedOrigin'], 'AllowedOrigin');
  if (allowedMethods.length === 0 || allowedOrigins.length === 0) throw new S3Error('MalformedXML');
  for (const m of allowedMethods) {
    if (!METHODS.has(m)) throw new S3Error('InvalidRequest', `Found unsupported HTTP method in CORS config. Unsupported method is ${m}`);
  }
  oneWildcardAtMost(allowedOrigins, 'AllowedOrigin');
  const allowedHeaders = texts(r['AllowedHeader'], 'AllowedHeader');
  oneWildcardAtMost(allowedHeaders, 'AllowedHeader');
  const exposeHeaders = texts(r['ExposeHeader'], 'ExposeHeader');
  for (const h of exposeHeaders) {
    if (h.includes('*')) throw new S3Error('InvalidRequest', `ExposeHeader "${h}" contains wildcard. We currently do not support wildcard for ExposeHeader.`);
  }
  const rule: CorsRule = { allowedMethods, allowedOrigins, allowedHeaders, exposeHeaders };
  const id = texts(r['ID'], 'ID')[0];
  if (id !== undefined) {
    if (id.length > 255) throw new S3Error('InvalidArgument', 'The ID of a CORS rule is at most 255 characters.');
    rule.id = id;
  }
  const maxAge = texts(r['MaxAgeSeconds'], 'MaxAgeSeconds')[0];
  if (maxAge !== undefined) {
    if (!/^\d{1,9}$/.test(maxAge)) throw new S3Error('MalformedXML');
    rule.maxAgeSeconds = Number(maxAge);
  }
  return rule;
}

/** A PutBucketCors document → validated rules. */
export function parseCorsXml(body: string): CorsRule[] {
  const arrays = ['AllowedMethod', 'AllowedOrigin', 'AllowedHeader', 'ExposeHeader'].map((e) => `CORSConfiguration.CORSRule.${e}`);
  const doc = parseXml(body, ['CORSConfiguration.CORSRule', ...arrays]);
  const root = doc['CORSConfiguration'];
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const rules = ((root as Record<string, unknown>)['CORSRule'] as unknown[] | undefined) ?? [];
  if (rules.length === 0) throw new S3Error('MalformedXML');
  if (rules.length > limits.corsRulesMax) throw new S3Error('InvalidRequest', `The number of CORS rules should not exceed allowed limit of ${limits.corsRulesMax} rules.`);
  return rules.map(parseRule);
}

/** The GetBucketCors document body. */
export function corsXml(rules: readonly CorsRule[]): Record<string, unknown> {
  return {
    CORSRule: rules.map((r) => ({
      ...(r.id !== undefined ? { ID: r.id } : {}),
      ...(r.allowedHeaders.length ? { AllowedHeader: r.allowedHeaders } : {}),
      AllowedMethod: r.allowedMethods,
      AllowedOrigin: r.allowedOrigins,
      ...(r.exposeHeaders.length ? { ExposeHeader: r.exposeHeaders } : {}),
      ...(r.maxAgeSeconds !== undefined ? { MaxAgeSeconds: r.maxAgeSeconds } : {}),
    })),
  };
}

/** `pattern` with at most one '*' standing for any run of characters. */
function wildcardMatch(pattern: string, value: string, caseInsensitive: boolean): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const star = p.indexOf('*');
  if (star < 0) return p === v;
  const head = p.slice(0, star);
  const tail = p.slice(star + 1);
  return v.length >= head.length + tail.length && v.startsWith(head) && v.endsWith(tail);
}

/** The first rule allowing this origin, method and every requested header. */
export function matchRule(rules: readonly CorsRule[], origin: string, method: string, requestHeaders: readonly string[]): CorsRule | undefined {
  return rules.find((r) =>
    r.allowedMethods.includes(method) &&
    r.allowedOrigins.some((o) => wildcardMatch(o, origin, false)) &&
    requestHeaders.every((h) => r.allowedHeaders.some((a) => wildcardMatch(a, h, true))));
}

function setRuleHeaders(ctx: S3Ctx, rule: CorsRule, origin: string): void {
  const koa = ctx.koa;
  // A rule allowing any origin answers '*'; otherwise the origin is echoed and credentials allowed.
  if (rule.allowedOrigins.includes('*')) {
    koa.set('Access-Control-Allow-Origin', '*');
  } else {
    koa.set('Access-Control-Allow-Origin', origin);
    koa.set('Access-Control-Allow-Credentials', 'true');
  }
  koa.set('Access-Control-Allow-Methods', rule.allowedMethods.join(', '));
  if (rule.exposeHeaders.length) koa.set('Access-Control-Expose-Headers', rule.exposeHeaders.join(', '));
  if (rule.maxAgeSeconds !== undefined) koa.set('Access-Control-Max-Age', String(rule.maxAgeSeconds));
  koa.set('Vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
}

function bucketRules(ctx: S3Ctx): CorsRule[] | undefined {
  if (ctx.bucket === undefined) return undefined;
  return ctx.svc.objects.bucketConfig(ctx.bucket, 'cors');
}

/**
 * Answers a preflight (OPTIONS) and returns true, or sets the Access-Control-* headers of an
 * actual request whose Origin a rule allows and returns false. Throws the S3 error of a
 * preflight that is refused.
 */
export function applyCors(ctx: S3Ctx): boolean {
  const origin = header(ctx, 'origin');
  if (ctx.koa.method === 'OPTIONS' && ctx.bucket !== undefined) {
    ctx.operation = 'PreflightCorsRequest';
    if (origin === undefined) throw new S3Error('BadRequest', 'Insufficient information. Origin request header needed.');
    const method = header(ctx, 'access-control-request-method');
    if (method === undefined) throw new S3Error('BadRequest', 'Invalid Access-Control-Request-Method: null');
    const rules = bucketRules(ctx);
    if (!rules) throw new S3Error('CORSResponse', 'CORS is not enabled for this bucket.');
    const requested = (header(ctx, 'access-control-request-headers') ?? '').split(',').map((h) => h.trim()).filter((h) => h !== '');
    const rule = matchRule(rules, origin, method.trim(), requested);
    if (!rule) throw new S3Error('CORSResponse');
    setRuleHeaders(ctx, rule, origin);
    if (requested.length) ctx.koa.set('Access-Control-Allow-Headers', requested.join(', '));
    ctx.koa.status = 200;
    ctx.koa.body = '';
    return true;
  }
  if (origin === undefined) return false;
  let rules: CorsRule[] | undefined;
  try {
    rules = bucketRules(ctx);
  } catch {
    // No such bucket: the operation reports it; there are no rules to apply.
    return false;
  }
  // Like Ceph RGW (and its s3-tests), an actual request naming Access-Control-Request-Method
  // is matched on that method; otherwise on its own.
  const method = header(ctx, 'access-control-request-method')?.trim() ?? ctx.koa.method;
  const rule = rules && matchRule(rules, origin, method, []);
  if (rule) setRuleHeaders(ctx, rule, origin);
  return false;
}
