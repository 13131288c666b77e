// Object Lock rules the state machine enforces inside the transaction that changes a
// version, so no interleaving of requests can delete or weaken a protected version.
// Time is the command's nowMs (deterministic on every replica).
// Reference: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html

import { MetadataError } from './errors.js';
import type { BucketRecord, ObjectConfig, ObjectRecord, ObjectRetention } from './records.js';

const DAY_MS = 86_400_000;

/** Whether `r` still protects its version at `nowMs`. */
export function retentionActive(r: ObjectRetention | undefined, nowMs: number): r is ObjectRetention {
  return r !== undefined && r.retainUntilMs > nowMs;
}

/**
 * Refuses to delete a version under legal hold or unexpired retention. GOVERNANCE yields to
 * x-amz-bypass-governance-retention; COMPLIANCE and legal hold yield to nobody.
 */
export function assertDeletable(o: ObjectRecord, bypassGovernance: boolean, nowMs: number): void {
  if (o.deleteMarker) return;
  if (o.config?.legalHold) throw new MetadataError('AccessDenied', 'Access Denied because object protected by object lock.');
  const r = o.config?.retention;
  if (!retentionActive(r, nowMs)) return;
  if (r.mode === 'GOVERNANCE' && bypassGovernance) return;
  throw new MetadataError('AccessDenied', 'Access Denied because object protected by object lock.');
}

/**
 * A change to an active retention: without the bypass header only extending it (same mode,
 * later or equal date) is allowed. GOVERNANCE may be shortened, removed or changed to
 * COMPLIANCE only with x-amz-bypass-governance-retention (overriding governance settings
 * needs the bypass, as the Object Lock guide says; MinIO and Ceph RGW agree); COMPLIANCE
 * may only be extended.
 */
export function assertRetentionChange(old: ObjectRetention | undefined, next: ObjectRetention | null, bypassGovernance: boolean, nowMs: number): void {
  if (!retentionActive(old, nowMs)) return;
  const strengthens = next !== null && next.retainUntilMs >= old.retainUntilMs && next.mode === old.mode;
  if (strengthens) return;
  if (old.mode === 'GOVERNANCE' && bypassGovernance) return;
  throw new MetadataError('AccessDenied', 'Access Denied because object protected by object lock.');
}

/** Guards for ObjectConfig fields whose change Object Lock restricts; other fields change freely. */
export function assertConfigChange(o: ObjectRecord, name: keyof ObjectConfig, value: unknown, bypassGovernance: boolean, nowMs: number): void {
  if (name === 'retention') assertRetentionChange(o.config?.retention, value as ObjectRetention | null, bypassGovernance, nowMs);
}

/** `object` with the bucket's default retention when it brings none of its own. */
export function withDefaultRetention(bucket: BucketRecord, object: ObjectRecord, nowMs: number): ObjectRecord {
  const rule = bucket.config?.objectLock?.rule;
  if (!rule || object.config?.retention) return object;
  const days = rule.days ?? (rule.years ?? 0) * 365;
  if (days <= 0) return object;
  return { ...object, config: { ...object.config, retention: { mode: rule.mode, retainUntilMs: nowMs + days * DAY_MS } } };
}
