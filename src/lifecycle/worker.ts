// The lifecycle worker: a periodic pass over every bucket that has a lifecycle
// configuration, expiring current objects (Expiration Days/Date), removing noncurrent
// versions (NoncurrentVersionExpiration) and expired object delete markers (a delete marker
// that is a key's only version), and aborting incomplete multipart uploads
// (AbortIncompleteMultipartUpload) that their rules make due. It acts
// only through the object and multipart services, like any client would, so versioning
// (a delete marker instead of a removal) and refcounts are handled where they live.
//
// One pass examines at most limits.lifecycleEntriesPerPassMax entries per bucket; a bucket
// larger than that is resumed where the previous pass stopped, so a pass stays bounded.

import type { Logger } from 'pino';
import type { ObjectService } from '../gateway/object-service.js';
import type { MultipartService } from '../gateway/multipart.js';
import type { LifecycleRule, ObjectRecord } from '../metadata/records.js';
import { shownVersionId } from '../metadata/versions.js';
import { MetadataError } from '../metadata/errors.js';
import { limits } from '../limits.js';
import { dueAfterDays, expirationDueMs, matches, rulePrefix } from './rules.js';

export interface LifecycleDeps {
  objects: ObjectService;
  multipart: MultipartService;
  now(): number;
  /** The length of a lifecycle day: 86,400,000 except in tests. */
  dayMs: number;
  logger?: Logger;
}

export interface LifecycleReport {
  buckets: number;
  examined: number;
  expired: number;
  versionsRemoved: number;
  deleteMarkersRemoved: number;
  uploadsAborted: number;
}

/** Why a version may be gone or kept by the time its delete runs: locked, or deleted meanwhile. */
const SKIPPABLE_DELETE_ERRORS: ReadonlySet<string> = new Set(['AccessDenied', 'NoSuchVersion', 'NoSuchKey']);

export class LifecycleWorker {
  /** Where the next pass resumes, per bucket and rule, when the last one hit the bound. */
  private readonly cursors = new Map<string, string>();
  private running: Promise<LifecycleReport> | undefined;

  constructor(private readonly d: LifecycleDeps) {}

  /** One pass; concurrent calls share the pass in progress. */
  run(): Promise<LifecycleReport> {
    this.running ??= this.pass().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pass(): Promise<LifecycleReport> {
    const report: LifecycleReport = { buckets: 0, examined: 0, expired: 0, versionsRemoved: 0, deleteMarkersRemoved: 0, uploadsAborted: 0 };
    for (const bucket of this.d.objects.bucketsWithConfig('lifecycle')) {
      const rules = bucket.config?.lifecycle ?? [];
      report.buckets++;
      const budget = { left: limits.lifecycleEntriesPerPassMax };
      for (const rule of rules) {
        if (!rule.enabled) continue;
        try {
          if (rule.expiration?.days !== undefined || rule.expiration?.dateMs !== undefined) {
            await this.expireCurrent(bucket.name, rule, report, budget);
          }
          if (bucket.config?.versioning !== undefined && (rule.noncurrentVersionExpiration || rule.expiration)) {
            await this.expireVersions(bucket.name, rule, report, budget);
          }
          if (rule.abortIncompleteMultipartUploadDays !== undefined) await this.abortUploads(bucket.name, rule, report, budget);
        } catch (err) {
          // The bucket may have been deleted mid-pass; anything else is logged and retried next pass.
          if (err instanceof MetadataError && err.code === 'NoSuchBucket') break;
          this.d.logger?.error({ err, bucket: bucket.name, rule: rule.id }, 'lifecycle rule failed');
        }
      }
    }
    return report;
  }

  private async expireCurrent(bucket: string, rule: LifecycleRule, report: LifecycleReport, budget: { left: number }): Promise<void> {
    const cursorKey = `${bucket}\0${rule.id}\0expire`;
    let after = this.cursors.get(cursorKey) ?? '';
    const prefix = rulePrefix(rule);
    for (;;) {
      const page = this.d.objects.listObjects(bucket, { prefix, delimiter: '', after, maxKeys: Math.min(limits.listKeysMax, budget.left) });
      for (const o of page.entries) {
        report.examined++;
        budget.left--;
        after = o.key;
        if (!matches(rule, { key: o.key, size: o.size, tags: o.config?.tagging ?? {} })) continue;
        const due = expirationDueMs(rule, o.lastModifiedMs, this.d.dayMs);
        if (due === undefined || due > this.d.now()) continue;
        if (await this.d.objects.expireObject(bucket, o)) report.expired++;
      }
      if (!page.isTruncated) {
        this.cursors.delete(cursorKey);
        return;
      }
      if (budget.left <= 0) {
        this.cursors.set(cursorKey, after);
        return;
      }
    }
  }

  /**
   * Walks the rule's keys version by version (newest first per key). A version stops being
   * current when the next newer one was written, so that one's time starts its noncurrent
   * days; the newest `newerNoncurrentVersions` noncurrent versions are kept. A key whose only
   * version is a delete marker has an expired object delete marker, removed when the rule asks
   * for it (ExpiredObjectDeleteMarker, or Expiration Days elapsed since the marker).
   */
  private async expireVersions(bucket: string, rule: LifecycleRule, report: LifecycleReport, budget: { left: number }): Promise<void> {
    const prefix = rulePrefix(rule);
    const nc = rule.noncurrentVersionExpiration;
    const cursorKey = `${bucket}\0${rule.id}\0versions`;
    let keyMarker = this.cursors.get(cursorKey) ?? '';
    let versionIdMarker = '';
    let lastFinishedKey = keyMarker;
    let group: { key: string; newerMs: number; noncurrentKept: number; soleMarker?: ObjectRecord } | undefined;
    const finishGroup = async () => {
      const dm = group?.soleMarker;
      if (group) lastFinishedKey = group.key;
      group = undefined;
      if (!dm || !this.markerExpired(rule, dm)) return;
      if (await this.removeVersion(bucket, dm)) report.deleteMarkersRemoved++;
    };
    for (;;) {
      const page = this.d.objects.listObjectVersions(bucket, { prefix, delimiter: '', keyMarker, versionIdMarker, maxKeys: Math.min(limits.listKeysMax, budget.left) });
      for (const v of page.entries) {
        report.examined++;
        budget.left--;
        keyMarker = v.key;
        versionIdMarker = shownVersionId(v);
        if (group?.key !== v.key) {
          await finishGroup();
          group = { key: v.key, newerMs: v.lastModifiedMs, noncurrentKept: 0, ...(v.deleteMarker ? { soleMarker: v } : {}) };
          continue;
        }
        delete group.soleMarker;
        const noncurrentSinceMs = group.newerMs;
        group.newerMs = v.lastModifiedMs;
        if (!nc || !matches(rule, { key: v.key, size: v.size, tags: v.config?.tagging ?? {} })) continue;
        if (group.noncurrentKept < (nc.newerNoncurrentVersions ?? 0)) {
          group.noncurrentKept++;
          continue;
        }
        if (dueAfterDays(noncurrentSinceMs, nc.noncurrentDays, this.d.dayMs) > this.d.now()) continue;
        if (await this.removeVersion(bucket, v)) report.versionsRemoved++;
      }
      if (!page.isTruncated) break;
      // Out of budget mid-bucket: the last key's versions may continue on the next page, so
      // the next pass resumes after the last key seen whole.
      if (budget.left <= 0) {
        this.cursors.set(cursorKey, lastFinishedKey);
        return;
      }
    }
    await finishGroup();
    this.cursors.delete(cursorKey);
  }

  private markerExpired(rule: LifecycleRule, dm: ObjectRecord): boolean {
    if (!matches(rule, { key: dm.key, size: 0, tags: {} })) return false;
    if (rule.expiration?.expiredObjectDeleteMarker) return true;
    const days = rule.expiration?.days;
    return days !== undefined && dueAfterDays(dm.lastModifiedMs, days, this.d.dayMs) <= this.d.now();
  }

  /** Permanently deletes one version; a version under Object Lock is left alone. */
  private async removeVersion(bucket: string, v: ObjectRecord): Promise<boolean> {
    try {
      await this.d.objects.deleteObject(bucket, v.key, { versionId: shownVersionId(v) });
      return true;
    } catch (err) {
      if (err instanceof MetadataError && SKIPPABLE_DELETE_ERRORS.has(err.code)) return false;
      throw err;
    }
  }

  private async abortUploads(bucket: string, rule: LifecycleRule, report: LifecycleReport, budget: { left: number }): Promise<void> {
    const days = rule.abortIncompleteMultipartUploadDays!;
    const prefix = rulePrefix(rule);
    let after = '';
    let uploadIdMarker = '';
    for (;;) {
      const page = this.d.objects.listUploads(bucket, { prefix, delimiter: '', after, uploadIdMarker, maxKeys: Math.min(limits.listKeysMax, budget.left) });
      for (const u of page.entries) {
        report.examined++;
        budget.left--;
        after = u.key;
        uploadIdMarker = u.uploadId;
        if (dueAfterDays(u.initiatedMs, days, this.d.dayMs) > this.d.now()) continue;
        try {
          await this.d.multipart.abort(bucket, u.key, u.uploadId);
          report.uploadsAborted++;
        } catch (err) {
          // Completed or aborted by a client meanwhile: nothing to do.
          if (!(err instanceof MetadataError && err.code === 'NoSuchUpload')) throw err;
        }
      }
      if (!page.isTruncated || budget.left <= 0) return;
    }
  }
}
