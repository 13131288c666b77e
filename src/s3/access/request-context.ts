// Condition keys of the request context a bucket policy can test.
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/amazon-s3-policy-keys.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
//
// Keys come lower-cased (tag keys after '/' as written). Absent keys are undefined.
// Differences from AWS: s3:RequestObjectTag* read the x-amz-tagging header only (not a
// PutObjectTagging body); aws:SecureTransport is true only for a TLS socket (Tessera serves
// plain HTTP unless a TLS proxy fronts it, which it cannot see).

import type { TLSSocket } from 'node:tls';
import type { S3Ctx } from '../context.js';
import type { ObjectRecord } from '../../metadata/records.js';

function headerValue(ctx: S3Ctx, name: string): string[] | undefined {
  const v = ctx.koa.req.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v : [v];
}

function requestTags(ctx: S3Ctx): URLSearchParams | undefined {
  const raw = ctx.koa.req.headers['x-amz-tagging'];
  return typeof raw === 'string' ? new URLSearchParams(raw) : undefined;
}

function sourceIp(ctx: S3Ctx): string | undefined {
  const ip = ctx.koa.req.socket.remoteAddress;
  if (ip === undefined) return undefined;
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

/** The values of condition key `key` for this request. */
export function conditionValues(ctx: S3Ctx, key: string, object: () => ObjectRecord | undefined): readonly string[] | undefined {
  const slash = key.indexOf('/');
  if (slash >= 0) {
    const prefix = key.slice(0, slash);
    const tag = key.slice(slash + 1);
    if (prefix === 's3:existingobjecttag') {
      const v = object()?.config?.tagging?.[tag];
      return v === undefined ? undefined : [v];
    }
    if (prefix === 's3:requestobjecttag') {
      const v = requestTags(ctx)?.get(tag);
      return v === null || v === undefined ? undefined : [v];
    }
    return undefined;
  }
  switch (key) {
    case 'aws:sourceip': {
      const ip = sourceIp(ctx);
      return ip === undefined ? undefined : [ip];
    }
    case 'aws:securetransport':
      return [String((ctx.koa.req.socket as Partial<TLSSocket>).encrypted === true)];
    case 'aws:currenttime':
      return [new Date(ctx.svc.now()).toISOString()];
    case 'aws:epochtime':
      return [String(Math.floor(ctx.svc.now() / 1000))];
    case 'aws:useragent':
      return headerValue(ctx, 'user-agent');
    case 'aws:referer':
      return headerValue(ctx, 'referer');
    case 'aws:principaltype':
      return [ctx.identity === null ? 'Anonymous' : 'Account'];
    case 'aws:userid':
      return ctx.identity === null ? undefined : [ctx.identity];
    case 'aws:username':
      return ctx.identity === null ? undefined : [ctx.svc.accounts?.byId(ctx.identity)?.name ?? ctx.identity];
    case 's3:prefix':
    case 's3:delimiter':
    case 's3:max-keys':
    case 's3:versionid': {
      const q = key === 's3:versionid' ? 'versionId' : key.slice(3);
      const v = ctx.query.get(q);
      return v === null ? undefined : [v];
    }
    case 's3:requestobjecttagkeys': {
      const tags = requestTags(ctx);
      return tags ? [...tags.keys()] : undefined;
    }
    case 's3:signatureversion':
      return ctx.identity === null ? undefined : [String(ctx.koa.req.headers['authorization'] ?? '').startsWith('AWS ') ? 'AWS' : 'AWS4-HMAC-SHA256'];
  }
  if (key === 's3:x-amz-copy-source') {
    // Policies name the source as "bucket/key": without the optional leading '/', decoded.
    const raw = headerValue(ctx, 'x-amz-copy-source')?.[0];
    if (raw === undefined) return undefined;
    const path = raw.replace(/^\//, '');
    try {
      return [decodeURIComponent(path)];
    } catch {
      return [path];
    }
  }
  // s3:x-amz-acl, s3:x-amz-grant-*, s3:x-amz-server-side-encryption, s3:x-amz-copy-source,
  // s3:x-amz-metadata-directive, s3:x-amz-storage-class, s3:x-amz-content-sha256, …: the header.
  if (key.startsWith('s3:x-amz-')) return headerValue(ctx, key.slice(3));
  return undefined;
}
