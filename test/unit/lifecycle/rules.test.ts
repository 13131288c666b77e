import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { dueAfterDays, expirationHeader, matches } from '../../../src/lifecycle/rules.js';
import type { LifecycleRule } from '../../../src/metadata/records.js';

const DAY = 86_400_000;

test('real days round up to the next midnight UTC; shortened test days do not round', () => {
  const t = Date.UTC(2026, 0, 10, 15, 30);
  assert.equal(dueAfterDays(t, 1, DAY), Date.UTC(2026, 0, 12));
  assert.equal(dueAfterDays(Date.UTC(2026, 0, 10), 1, DAY), Date.UTC(2026, 0, 11));
  assert.equal(dueAfterDays(t, 3, 10_000), t + 30_000);
});

test('filters: legacy prefix, tag, And of prefix + tags + sizes; disabled rules match nothing', () => {
  const c = { key: 'logs/a', size: 100, tags: { a: '1', b: '2' } };
  assert.equal(matches({ id: 'r', enabled: true, prefix: 'logs/' }, c), true);
  assert.equal(matches({ id: 'r', enabled: false, prefix: 'logs/' }, c), false);
  assert.equal(matches({ id: 'r', enabled: true, prefix: 'tmp/' }, c), false);
  assert.equal(matches({ id: 'r', enabled: true, filter: { tag: { key: 'a', value: '1' } } }, c), true);
  assert.equal(matches({ id: 'r', enabled: true, filter: { tag: { key: 'a', value: '2' } } }, c), false);
  const and = (gt?: number, lt?: number): LifecycleRule => ({
    id: 'r', enabled: true,
    filter: { and: { prefix: 'logs/', tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }], ...(gt !== undefined ? { objectSizeGreaterThan: gt } : {}), ...(lt !== undefined ? { objectSizeLessThan: lt } : {}) } },
  });
  assert.equal(matches(and(), c), true);
  assert.equal(matches(and(99, 101), c), true);
  assert.equal(matches(and(100), c), false);
  assert.equal(matches(and(undefined, 100), c), false);
  assert.equal(matches(and(), { ...c, tags: { a: '1' } }), false);
});

test('x-amz-expiration names the earliest rule, in real days', () => {
  const lm = Date.UTC(2026, 0, 10, 8);
  const rules: LifecycleRule[] = [
    { id: 'late', enabled: true, prefix: '', expiration: { days: 5 } },
    { id: 'early', enabled: true, prefix: 'a', expiration: { days: 1 } },
    { id: 'off', enabled: false, prefix: '', expiration: { days: 0.5 } },
  ];
  assert.equal(expirationHeader(rules, { key: 'ab', size: 1, tags: {}, lastModifiedMs: lm }, DAY), 'expiry-date="Mon, 12 Jan 2026 00:00:00 GMT", rule-id="early"');
  assert.equal(expirationHeader(rules, { key: 'b', size: 1, tags: {}, lastModifiedMs: lm }, DAY), 'expiry-date="Fri, 16 Jan 2026 00:00:00 GMT", rule-id="late"');
  assert.equal(expirationHeader([], { key: 'b', size: 1, tags: {}, lastModifiedMs: lm }, DAY), undefined);
});
