// Versioning and Object Lock pieces shared by the object operations: the versionId query
// parameter, the x-amz-version-id / x-amz-delete-marker / x-amz-object-lock-* response
// headers, and the lock headers a write may carry.
// References: https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html and
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html

import { header, type S3Ctx } from '../context.js';
import { S3Error } from '../errors.js';
import { httpDate } from '../object-headers.js';
import type { BucketRecord, ObjectConfig, ObjectRecord, RetentionMode } from '../../metadata/records.js';
import { limits } from '../../limits.js';

/** The request's versionId (undefined when absent); an empty one is refused as on AWS. */
export function versionIdParam(ctx: S3Ctx): string | undefined {
  const v = ctx.query.get('versionId');
  if (v === null) return undefined;
  if (v === '') throw new S3Error('InvalidArgument', 'Version id cannot be the empty string');
  if (v.length > limits.versionIdLengthMax) throw new S3Error('InvalidArgument', 'Invalid version id specified');
  return v;
}

/**
 * x-amz-version-id for records of a versioned bucket ('null' for the null version). A record
 * with a seq is one; `bucket` lets a read also say 'null' for a record written before
 * versioning was set.
 */
export function setVersionHeader(ctx: S3Ctx, o: ObjectRecord, name = 'x-amz-version-id', bucket?: BucketRecord): void {
  if (o.seq !== undefined || bucket?.config?.versioning !== undefined) ctx.koa.set(name, o.versionId ?? 'null');
}

/**
 * x-amz-version-id on a write's answer (PutObject, CopyObject, CompleteMultipartUpload): only a
 * real version id. A write into a suspended bucket stores the null version but answers without
 * the header, as AWS's PutObject reference shows (reads of it do answer "null").
 */
export function setWrittenVersionHeader(ctx: S3Ctx, o: ObjectRecord): void {
  if (o.versionId !== undefined) ctx.koa.set('x-amz-version-id', o.versionId);
}

/** The headers S3 adds to a 404/405 answered because of a delete marker. */
export function deleteMarkerHeaders(o: ObjectRecord): Record<string, string> {
  return { 'x-amz-delete-marker': 'true', 'x-amz-version-id': o.versionId ?? 'null', 'Last-Modified': httpDate(o.lastModifiedMs) };
}

export function setLockHeaders(ctx: S3Ctx, o: ObjectRecord): void {
  const r = o.config?.retention;
  if (r) {
    ctx.koa.set('x-amz-object-lock-mode', r.mode);
    ctx.koa.set('x-amz-object-lock-retain-until-date', new Date(r.retainUntilMs).toISOString());
  }
  if (o.config?.legalHold !== undefined) ctx.koa.set('x-amz-object-lock-legal-hold', o.config.legalHold ? 'ON' : 'OFF');
}

export function bypassGovernance(ctx: S3Ctx): boolean {
  return header(ctx, 'x-amz-bypass-governance-retention')?.trim().toLowerCase() === 'true';
}

/** A retention mode; an unknown one in a header is InvalidArgument, in an XML body MalformedXML (a schema violation). */
export function parseRetentionMode(v: string | undefined, code: 'InvalidArgument' | 'MalformedXML' = 'InvalidArgument'): RetentionMode {
  if (v === 'GOVERNANCE' || v === 'COMPLIANCE') return v;
  throw new S3Error(code, 'Unknown wormMode directive.');
}

/** An ISO 8601 retain-until date, which must lie in the future. */
export function parseRetainUntil(v: string | undefined, nowMs: number): number {
  const ms = v === undefined ? NaN : Date.parse(v);
  if (!Number.isFinite(ms)) throw new S3Error('InvalidArgument', 'The retain until date must be provided in ISO 8601 format');
  if (ms <= nowMs) throw new S3Error('InvalidArgument', 'The retain until date must be in the future!');
  return ms;
}

export function requireObjectLock(b: BucketRecord): void {
  if (!b.config?.objectLock) throw new S3Error('InvalidRequest', 'Bucket is missing Object Lock Configuration');
}

/**
 * The Object Lock settings a PutObject/CopyObject carries in x-amz-object-lock-* headers.
 * Mode and date come together; any of them on a bucket without Object Lock is refused.
 */
export function lockFromHeaders(ctx: S3Ctx, b: BucketRecord): ObjectConfig | undefined {
  const mode = header(ctx, 'x-amz-object-lock-mode');
  const until = header(ctx, 'x-amz-object-lock-retain-until-date');
  const hold = header(ctx, 'x-amz-object-lock-legal-hold');
  if (mode === undefined && until === undefined && hold === undefined) return undefined;
  requireObjectLock(b);
  const config: ObjectConfig = {};
  if (mode !== undefined || until !== undefined) {
    if (mode === undefined || until === undefined) {
      throw new S3Error('InvalidArgument', 'x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both be supplied');
    }
    config.retention = { mode: parseRetentionMode(mode), retainUntilMs: parseRetainUntil(until, ctx.svc.now()) };
  }
  if (hold !== undefined) {
    if (hold !== 'ON' && hold !== 'OFF') throw new S3Error('InvalidArgument', 'Legal Hold must be either of \'ON\' or \'OFF\'');
    config.legalHold = hold === 'ON';
  }
  return config;
}
