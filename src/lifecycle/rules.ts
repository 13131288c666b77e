// What a lifecycle rule says about one object or upload: does the rule's filter select it,
// and when is it due. Pure functions over the stored rules (metadata/records.ts); the S3
// XML codec lives in s3/lifecycle-xml.ts and the background pass in lifecycle/worker.ts.

import type { LifecycleFilter, LifecycleRule } from '../metadata/records.js';

export interface Candidate {
  key: string;
  size: number;
  tags: Record<string, string>;
}

/** The prefix a rule's filter requires ('' for none), so scans can be range scans. */
export function rulePrefix(rule: LifecycleRule): string {
  return rule.prefix ?? rule.filter?.prefix ?? rule.filter?.and?.prefix ?? '';
}

/** True when the filter has conditions beyond a prefix (tags or sizes). */
export function filterUsesTags(rule: LifecycleRule): boolean {
  const f = rule.filter;
  return f !== undefined && (f.tag !== undefined || (f.and?.tags.length ?? 0) > 0);
}

export function matches(rule: LifecycleRule, c: Candidate): boolean {
  if (!rule.enabled) return false;
  if (!c.key.startsWith(rulePrefix(rule))) return false;
  const f: LifecycleFilter | undefined = rule.filter;
  if (!f) return true;
  const tags = f.and ? f.and.tags : f.tag ? [f.tag] : [];
  for (const t of tags) if (c.tags[t.key] !== t.value) return false;
  const gt = f.and ? f.and.objectSizeGreaterThan : f.objectSizeGreaterThan;
  const lt = f.and ? f.and.objectSizeLessThan : f.objectSizeLessThan;
  if (gt !== undefined && !(c.size > gt)) return false;
  if (lt !== undefined && !(c.size < lt)) return false;
  return true;
}

/**
 * When something that started at `sinceMs` becomes due `days` later. With real days, AWS
 * rounds up to the next midnight UTC; with a shortened test day no rounding is done (as Ceph
 * RGW's lc debug interval does), so tests can wait seconds instead of days.
 */
export function dueAfterDays(sinceMs: number, days: number, dayMs: number): number {
  const t = sinceMs + days * dayMs;
  if (dayMs !== 86_400_000) return t;
  return Math.ceil(t / 86_400_000) * 86_400_000;
}

/** When the current version of an object becomes due for expiration under `rule`, if ever. */
export function expirationDueMs(rule: LifecycleRule, lastModifiedMs: number, dayMs: number): number | undefined {
  const e = rule.expiration;
  if (!e) return undefined;
  if (e.days !== undefined) return dueAfterDays(lastModifiedMs, e.days, dayMs);
  if (e.dateMs !== undefined) return e.dateMs;
  return undefined;
}

/**
 * The x-amz-expiration header value for an object (the earliest expiration any enabled rule
 * gives it), or undefined. Format as AWS sends it: expiry-date="<HTTP date>", rule-id="<id>".
 */
export function expirationHeader(rules: readonly LifecycleRule[] | undefined, c: Candidate & { lastModifiedMs: number }, dayMs: number): string | undefined {
  let best: { due: number; id: string } | undefined;
  for (const r of rules ?? []) {
    if (!matches(r, c)) continue;
    const due = expirationDueMs(r, c.lastModifiedMs, dayMs);
    if (due !== undefined && (!best || due < best.due)) best = { due, id: r.id };
  }
  if (!best) return undefined;
  return `expiry-date="${new Date(best.due).toUTCString()}", rule-id="${best.id.replace(/"/g, '')}"`;
}
