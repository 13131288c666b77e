// LifecycleConfiguration XML ⇄ stored lifecycle rules (metadata/records.ts), with the
// validation AWS and Ceph RGW agree on: Status exactly Enabled|Disabled (MalformedXML),
// positive Days (InvalidArgument), dates at midnight UTC (InvalidArgument), unique ids of at
// most 255 characters (InvalidArgument), at least one action per rule (InvalidRequest), and
// Prefix or Filter, never both (MalformedXML). Transitions are refused: Tessera has no
// colder tier to move data to, and accepting them silently would promise what never happens.
// https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketLifecycleConfiguration.html

import { randomBytes } from 'node:crypto';
import { limits } from '../limits.js';
import type { LifecycleFilter, LifecycleRule } from '../metadata/records.js';
import { S3Error } from './errors.js';
import { parseXml, xmlText } from './xml.js';

type Node = Record<string, unknown>;

const ARRAYS = ['LifecycleConfiguration.Rule', 'LifecycleConfiguration.Rule.Filter.And.Tag'];

export function parseLifecycleXml(body: string): LifecycleRule[] {
  const doc = parseXml(body, ARRAYS);
  const root = doc['LifecycleConfiguration'];
  if (!root || typeof root !== 'object') throw new S3Error('MalformedXML');
  const rules = ((root as Node)['Rule'] as unknown[] | undefined) ?? [];
  if (rules.length === 0) throw new S3Error('MalformedXML', 'A lifecycle configuration needs at least one Rule');
  if (rules.length > limits.lifecycleRulesMax) throw new S3Error('InvalidRequest', `At most ${limits.lifecycleRulesMax} rules are allowed`);
  const out = rules.map((r) => parseRule(node(r)));
  const ids = new Set<string>();
  for (const r of out) {
    if (ids.has(r.id)) throw new S3Error('InvalidArgument', 'Rule ID must be unique. Found same ID for more than one rule');
    ids.add(r.id);
  }
  return out;
}

function node(v: unknown): Node {
  if (v === '' || v === undefined) return {};
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new S3Error('MalformedXML');
  return v as Node;
}

function text(n: Node, name: string): string | undefined {
  const v = n[name];
  if (v === undefined) return undefined;
  if (typeof v === 'object' && v !== null) throw new S3Error('MalformedXML');
  return xmlText(v) ?? '';
}

function parseRule(r: Node): LifecycleRule {
  const id = text(r, 'ID') ?? randomBytes(12).toString('base64url');
  if (id.length > limits.lifecycleRuleIdLengthMax) throw new S3Error('InvalidArgument', 'ID length should not exceed allowed limit of 255');
  const status = text(r, 'Status');
  if (status !== 'Enabled' && status !== 'Disabled') throw new S3Error('MalformedXML', 'Status must be Enabled or Disabled');
  if (r['Transition'] !== undefined || r['NoncurrentVersionTransition'] !== undefined) {
    // A malformed transition is the client's error (400) before it is our missing feature (501).
    for (const t of [r['Transition']].flat()) {
      const date = t !== undefined && typeof t === 'object' ? text(node(t), 'Date') : undefined;
      if (date !== undefined) midnightDate(date);
    }
    throw new S3Error('NotImplemented', 'Lifecycle transitions are not supported: Tessera has one storage tier');
  }
  const rule: LifecycleRule = { id, enabled: status === 'Enabled' };
  const prefix = text(r, 'Prefix');
  if (prefix !== undefined && r['Filter'] !== undefined) throw new S3Error('MalformedXML', 'Use Prefix or Filter, not both');
  if (prefix !== undefined) rule.prefix = prefix;
  if (r['Filter'] !== undefined) rule.filter = parseFilter(node(r['Filter']));
  if (prefix === undefined && r['Filter'] === undefined) throw new S3Error('MalformedXML', 'A rule needs a Filter or a Prefix');

  if (r['Expiration'] !== undefined) rule.expiration = parseExpiration(node(r['Expiration']));
  if (r['NoncurrentVersionExpiration'] !== undefined) {
    const n = node(r['NoncurrentVersionExpiration']);
    const days = positiveInt(text(n, 'NoncurrentDays'), "'NoncurrentDays' for NoncurrentVersionExpiration action must be a positive integer");
    const newer = text(n, 'NewerNoncurrentVersions');
    rule.noncurrentVersionExpiration = { noncurrentDays: days, ...(newer !== undefined ? { newerNoncurrentVersions: positiveInt(newer, "'NewerNoncurrentVersions' must be a positive integer") } : {}) };
  }
  if (r['AbortIncompleteMultipartUpload'] !== undefined) {
    const n = node(r['AbortIncompleteMultipartUpload']);
    rule.abortIncompleteMultipartUploadDays = positiveInt(text(n, 'DaysAfterInitiation'), "'DaysAfterInitiation' for AbortIncompleteMultipartUpload action must be a positive integer");
    if (usesTags(rule)) throw new S3Error('InvalidRequest', 'AbortIncompleteMultipartUpload cannot be specified with Tags');
  }
  if (!rule.expiration && !rule.noncurrentVersionExpiration && rule.abortIncompleteMultipartUploadDays === undefined) {
    throw new S3Error('InvalidRequest', 'At least one action needs to be specified in a rule');
  }
  if (rule.expiration?.expiredObjectDeleteMarker && usesTags(rule)) {
    throw new S3Error('InvalidRequest', 'ExpiredObjectDeleteMarker cannot be specified with Tags');
  }
  return rule;
}

function usesTags(rule: LifecycleRule): boolean {
  return rule.filter?.tag !== undefined || (rule.filter?.and?.tags.length ?? 0) > 0;
}

function parseExpiration(n: Node): NonNullable<LifecycleRule['expiration']> {
  const days = text(n, 'Days');
  const date = text(n, 'Date');
  const marker = text(n, 'ExpiredObjectDeleteMarker');
  const given = [days, date, marker].filter((v) => v !== undefined).length;
  if (given !== 1) throw new S3Error('MalformedXML', 'Expiration takes exactly one of Days, Date and ExpiredObjectDeleteMarker');
  if (days !== undefined) return { days: positiveInt(days, "'Days' for Expiration action must be a positive integer") };
  if (date !== undefined) return { dateMs: midnightDate(date) };
  if (marker !== 'true' && marker !== 'false') throw new S3Error('MalformedXML');
  return { expiredObjectDeleteMarker: marker === 'true' };
}

function parseFilter(f: Node): LifecycleFilter {
  const out: LifecycleFilter = {};
  let conditions = 0;
  const prefix = text(f, 'Prefix');
  if (prefix !== undefined) (out.prefix = prefix), conditions++;
  if (f['Tag'] !== undefined) (out.tag = parseTag(node(f['Tag']))), conditions++;
  const gt = text(f, 'ObjectSizeGreaterThan');
  if (gt !== undefined) (out.objectSizeGreaterThan = nonNegativeInt(gt)), conditions++;
  const lt = text(f, 'ObjectSizeLessThan');
  if (lt !== undefined) (out.objectSizeLessThan = positiveInt(lt, 'ObjectSizeLessThan must be a positive integer')), conditions++;
  if (f['And'] !== undefined) {
    const a = node(f['And']);
    const tags = ((a['Tag'] as unknown[] | undefined) ?? []).map((t) => parseTag(node(t)));
    const and: NonNullable<LifecycleFilter['and']> = { tags };
    const ap = text(a, 'Prefix');
    if (ap !== undefined) and.prefix = ap;
    const agt = text(a, 'ObjectSizeGreaterThan');
    if (agt !== undefined) and.objectSizeGreaterThan = nonNegativeInt(agt);
    const alt = text(a, 'ObjectSizeLessThan');
    if (alt !== undefined) and.objectSizeLessThan = positiveInt(alt, 'ObjectSizeLessThan must be a positive integer');
    out.and = and;
    conditions++;
  }
  if (conditions > 1) throw new S3Error('MalformedXML', 'Filter takes one condition; combine several with And');
  return out;
}

function parseTag(t: Node): { key: string; value: string } {
  const key = text(t, 'Key');
  if (!key) throw new S3Error('InvalidTag', 'A tag needs a Key');
  return { key, value: text(t, 'Value') ?? '' };
}

function positiveInt(v: string | undefined, message: string): number {
  if (v === undefined || !/^\d{1,9}$/.test(v.trim()) || Number(v) <= 0) throw new S3Error('InvalidArgument', message);
  return Number(v);
}

function nonNegativeInt(v: string): number {
  if (!/^\d{1,15}$/.test(v.trim())) throw new S3Error('InvalidArgument', 'Object size must be a non-negative integer');
  return Number(v);
}

/** An ISO 8601 date at midnight UTC, as AWS requires for Expiration.Date. */
function midnightDate(v: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T00:00:00(?:\.0+)?(?:Z|[+-]00:?00))?$/.exec(v.trim());
  const ms = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN;
  if (!m || Number.isNaN(ms) || new Date(ms).getUTCDate() !== Number(m[3])) {
    throw new S3Error('InvalidArgument', "'Date' must be at midnight GMT");
  }
  return ms;
}

/** The stored rules as a LifecycleConfiguration document body (the shape the client sent). */
export function renderLifecycle(rules: readonly LifecycleRule[]): Record<string, unknown> {
  return {
    Rule: rules.map((r) => ({
      ID: r.id,
      ...(r.prefix !== undefined ? { Prefix: r.prefix } : {}),
      ...(r.filter ? { Filter: renderFilter(r.filter) } : {}),
      Status: r.enabled ? 'Enabled' : 'Disabled',
      ...(r.expiration ? { Expiration: renderExpiration(r.expiration) } : {}),
      ...(r.noncurrentVersionExpiration
        ? {
            NoncurrentVersionExpiration: {
              NoncurrentDays: r.noncurrentVersionExpiration.noncurrentDays,
              ...(r.noncurrentVersionExpiration.newerNoncurrentVersions !== undefined ? { NewerNoncurrentVersions: r.noncurrentVersionExpiration.newerNoncurrentVersions } : {}),
            },
          }
        : {}),
      ...(r.abortIncompleteMultipartUploadDays !== undefined
        ? { AbortIncompleteMultipartUpload: { DaysAfterInitiation: r.abortIncompleteMultipartUploadDays } }
        : {}),
    })),
  };
}

function renderExpiration(e: NonNullable<LifecycleRule['expiration']>): Record<string, unknown> {
  if (e.days !== undefined) return { Days: e.days };
  if (e.dateMs !== undefined) return { Date: new Date(e.dateMs).toISOString().replace('.000Z', 'Z') };
  return { ExpiredObjectDeleteMarker: String(e.expiredObjectDeleteMarker ?? false) };
}

function renderFilter(f: LifecycleFilter): Record<string, unknown> {
  const tag = (t: { key: string; value: string }) => ({ Key: t.key, Value: t.value });
  const out: Record<string, unknown> = {};
  if (f.prefix !== undefined) out['Prefix'] = f.prefix;
  if (f.tag) out['Tag'] = tag(f.tag);
  if (f.objectSizeGreaterThan !== undefined) out['ObjectSizeGreaterThan'] = f.objectSizeGreaterThan;
  if (f.objectSizeLessThan !== undefined) out['ObjectSizeLessThan'] = f.objectSizeLessThan;
  if (f.and) {
    out['And'] = {
      ...(f.and.prefix !== undefined ? { Prefix: f.and.prefix } : {}),
      ...(f.and.tags.length > 0 ? { Tag: f.and.tags.map(tag) } : {}),
      ...(f.and.objectSizeGreaterThan !== undefined ? { ObjectSizeGreaterThan: f.and.objectSizeGreaterThan } : {}),
      ...(f.and.objectSizeLessThan !== undefined ? { ObjectSizeLessThan: f.and.objectSizeLessThan } : {}),
    };
  }
  return out;
}
