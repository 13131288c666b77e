// The lifecycle worker: a periodic pass over every bucket that has a lifecycle
// configuration, expiring current objects (Expiration Days/Date) and aborting incomplete
// multipart uploads (AbortIncompleteMultipartUpload) that their rules make due. It acts
// only through the object and multipart services, like any client would, so versioning
// (a delete marker instead of a removal) and refcounts are handled where they live.
//
// One pass examines at most limits.lifecycleEntriesPerPassMax entries per bucket; a bucket
// larger than that is resumed where the previous pass stopped, so a pass stays bounded.

import type { Logger } from 'pino';
import type { ObjectService } from '../gateway/object-service.js';
import type { MultipartService } from '../gateway/multipart.js';
import type { LifecycleRule } from '../metadata/records.js';
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
  uploadsAborted: number;
}

const PAGE = 1000;

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
    const report: LifecycleReport = { buckets: 0, examined: 0, expired: 0, uploadsAborted: 0 };
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
      const page = this.d.objects.listObjects(bucket, { prefix, delimiter: '', after, maxKeys: Math.min(PAGE, budget.left) });
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

  private async abortUploads(bucket: string, rule: LifecycleRule, report: LifecycleReport, budget: { left: number }): Promise<void> {
    const days = rule.abortIncompleteMultipartUploadDays!;
    const prefix = rulePrefix(rule);
    let after = '';
    let uploadIdMarker = '';
    for (;;) {
      const page = this.d.objects.listUploads(bucket, { prefix, delimiter: '', after, uploadIdMarker, maxKeys: Math.min(PAGE, budget.left) });
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
