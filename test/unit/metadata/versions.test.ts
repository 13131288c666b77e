import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { openMetaTables, readStats, type MetaTables } from '../../../src/index/meta-db.js';
import { objectKey, versionPrefix } from '../../../src/index/keys.js';
import { StateMachine } from '../../../src/metadata/state-machine.js';
import { MetadataError } from '../../../src/metadata/errors.js';
import type { ObjectRecord } from '../../../src/metadata/records.js';
import type { NewChunk } from '../../../src/metadata/commands.js';

let dir: string;
let t: MetaTables;
let sm: StateMachine;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-versions-'));
  t = openMetaTables(dir);
  sm = new StateMachine(t);
});
after(async () => {
  await t.root.close();
  rmSync(dir, { recursive: true, force: true });
});

const fp = (s: string) => createHash('sha256').update(s).digest();
const chunk = (s: string): NewChunk => ({ fp: fp(s), record: { rawSize: 100, storedSize: 60, codec: 1, storageClass: 'STANDARD', fragmentSize: 16 } });
function object(bucket: string, key: string, chunks: string[]): ObjectRecord {
  return { v: 1, bucket, key, size: chunks.length * 100, etag: 'e', lastModifiedMs: 1, owner: 'o', contentType: 'x', headers: {}, userMeta: {}, storageClass: 'STANDARD', chunks: chunks.map((c) => ({ fp: fp(c), size: 100 })) };
}
const refs = (s: string) => t.chunks.get(fp(s))?.refs ?? 0;
const nonce = Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8);

async function put(bucket: string, key: string, chunks: string[], nowMs = 10): Promise<ObjectRecord> {
  const r = await sm.apply({ type: 'PutObject', object: object(bucket, key, chunks), newChunks: chunks.map(chunk), conditions: {}, nowMs, versionNonce: nonce });
  assert.equal(r.type, 'object');
  return r.type === 'object' ? r.object : (undefined as never);
}
async function del(bucket: string, key: string, versionId?: string, nowMs = 10) {
  const r = await sm.apply({ type: 'DeleteObject', bucket, key, nowMs, owner: 'o', versionNonce: nonce, ...(versionId !== undefined ? { versionId } : {}) });
  assert.equal(r.type, 'deleted');
  return r.type === 'deleted' ? r : (undefined as never);
}
const versioning = (bucket: string, value: 'Enabled' | 'Suspended') => sm.apply({ type: 'PutBucketConfig', bucket, name: 'versioning', value });
function versionsOf(bucket: string, key: string): ObjectRecord[] {
  const p = versionPrefix(bucket, key);
  return [...t.versions.getRange({ start: p })].filter((e) => e.key.length === p.length + 8 && e.key.subarray(0, p.length).equals(p)).map((e) => e.value);
}

test('enabled: each put is a version, delete adds a marker, deleting versions moves the latest', async () => {
  await sm.apply({ type: 'CreateBucket', bucket: 'v1', owner: 'o', region: 'us-east-1', nowMs: 1 });
  const legacy = await put('v1', 'k', ['a']);
  assert.equal(legacy.seq, undefined, 'unversioned writes stay out of the versions table');
  assert.equal(versionsOf('v1', 'k').length, 0);
  await versioning('v1', 'Enabled');
  const second = await put('v1', 'k', ['a', 'b']);
  assert.ok(second.versionId && second.seq !== undefined);
  assert.deepEqual(versionsOf('v1', 'k').map((v) => v.versionId ?? 'null'), [second.versionId, 'null']);
  assert.deepEqual([refs('a'), refs('b')], [2, 1]);
  const marker = await del('v1', 'k');
  assert.equal(marker.deleteMarker, true);
  assert.equal(t.objects.get(objectKey('v1', 'k')), undefined, 'a delete marker is never in objects');
  assert.deepEqual([refs('a'), refs('b')], [2, 1], 'a delete marker releases nothing');
  // A version written over the marker and deleted again leaves the marker as the latest.
  const over = await put('v1', 'k', ['c']);
  assert.ok(t.objects.get(objectKey('v1', 'k')));
  await del('v1', 'k', over.versionId);
  assert.equal(t.objects.get(objectKey('v1', 'k')), undefined, 'the marker is latest again: nothing in objects');
  assert.equal(refs('c'), 0);
  // Removing the marker makes the second version the latest again.
  const undone = await del('v1', 'k', marker.versionId);
  assert.equal(undone.deleteMarker, true);
  assert.equal(t.objects.get(objectKey('v1', 'k'))?.versionId, second.versionId);
  await del('v1', 'k', second.versionId);
  assert.equal(t.objects.get(objectKey('v1', 'k'))?.versionId, undefined, 'the null version is latest again');
  assert.deepEqual([refs('a'), refs('b')], [1, 0]);
  await assert.rejects(sm.apply({ type: 'DeleteBucket', bucket: 'v1' }), (e: unknown) => e instanceof MetadataError && e.code === 'BucketNotEmpty');
  await del('v1', 'k', 'null');
  assert.equal(refs('a'), 0);
  assert.equal(versionsOf('v1', 'k').length, 0);
  await sm.apply({ type: 'DeleteBucket', bucket: 'v1' });
});

test('suspended: writes and deletes replace the null version only', async () => {
  await sm.apply({ type: 'CreateBucket', bucket: 'v2', owner: 'o', region: 'us-east-1', nowMs: 1 });
  await versioning('v2', 'Enabled');
  const kept = await put('v2', 'k', ['s1']);
  await versioning('v2', 'Suspended');
  const n1 = await put('v2', 'k', ['s2']);
  assert.equal(n1.versionId, undefined);
  await put('v2', 'k', ['s3']);
  assert.deepEqual([refs('s1'), refs('s2'), refs('s3')], [1, 0, 1], 'the second null write replaced the first');
  const m = await del('v2', 'k');
  assert.equal(m.versionId, 'null');
  assert.deepEqual([refs('s1'), refs('s3')], [1, 0], 'a null delete marker replaces the null version');
  assert.deepEqual(versionsOf('v2', 'k').map((v) => [v.versionId ?? 'null', v.deleteMarker === true]), [['null', true], [kept.versionId, false]]);
  await assert.rejects(del('v2', 'k', 'not-a-version-id!'), (e: unknown) => e instanceof MetadataError && e.code === 'InvalidArgument');
  const missing = await del('v2', 'k', 'AAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(missing.deleteMarker, false, 'a missing version is a no-op');
});

test('object lock: retained and held versions cannot be deleted; retention only strengthens', async () => {
  await sm.apply({ type: 'CreateBucket', bucket: 'lk', owner: 'o', region: 'us-east-1', nowMs: 1, config: { versioning: 'Enabled', objectLock: { enabled: true, rule: { mode: 'COMPLIANCE', days: 1 } } } });
  const v = await put('lk', 'k', ['L'], 1000);
  assert.deepEqual(v.config?.retention, { mode: 'COMPLIANCE', retainUntilMs: 1000 + 86_400_000 }, 'default retention applies');
  const denied = (e: unknown) => e instanceof MetadataError && e.code === 'AccessDenied';
  await assert.rejects(sm.apply({ type: 'DeleteObject', bucket: 'lk', key: 'k', versionId: v.versionId!, bypassGovernance: true, nowMs: 2000 }), denied);
  const shorter = { mode: 'COMPLIANCE' as const, retainUntilMs: 5000 };
  await assert.rejects(sm.apply({ type: 'PutObjectConfig', bucket: 'lk', key: 'k', versionId: v.versionId!, name: 'retention', value: shorter, bypassGovernance: true, nowMs: 2000 }), denied);
  await assert.rejects(sm.apply({ type: 'PutObjectConfig', bucket: 'lk', key: 'k', name: 'retention', value: null, nowMs: 2000 }), denied);
  const longer = { mode: 'COMPLIANCE' as const, retainUntilMs: 1000 + 2 * 86_400_000 };
  await sm.apply({ type: 'PutObjectConfig', bucket: 'lk', key: 'k', versionId: v.versionId!, name: 'retention', value: longer, nowMs: 2000 });
  assert.deepEqual(t.objects.get(objectKey('lk', 'k'))?.config?.retention, longer, 'the latest copy follows its version');
  const marker = await del('lk', 'k', undefined, 3000);
  assert.equal(marker.deleteMarker, true, 'a delete without versionId still adds a marker');
  assert.equal(refs('L'), 1);
  // After the retention date the version can go.
  await sm.apply({ type: 'DeleteObject', bucket: 'lk', key: 'k', versionId: v.versionId!, nowMs: longer.retainUntilMs + 1 });
  assert.equal(refs('L'), 0);
  // COMPLIANCE cannot be turned into GOVERNANCE, even with the bypass header.
  const c = await put('lk', 'c', ['C'], 1000);
  await assert.rejects(sm.apply({ type: 'PutObjectConfig', bucket: 'lk', key: 'c', versionId: c.versionId!, name: 'retention', value: { mode: 'GOVERNANCE', retainUntilMs: 10 ** 12 }, bypassGovernance: true, nowMs: 1000 }), denied);
  // GOVERNANCE yields to the bypass header; legal hold to nobody.
  await sm.apply({ type: 'CreateBucket', bucket: 'lg', owner: 'o', region: 'us-east-1', nowMs: 1, config: { versioning: 'Enabled', objectLock: { enabled: true } } });
  const g = await put('lg', 'g', ['G'], 1000);
  assert.equal(g.config, undefined, 'no default rule, no retention');
  await sm.apply({ type: 'PutObjectConfig', bucket: 'lg', key: 'g', name: 'retention', value: { mode: 'GOVERNANCE', retainUntilMs: 10 ** 12 }, nowMs: 1000 });
  await sm.apply({ type: 'PutObjectConfig', bucket: 'lg', key: 'g', name: 'legalHold', value: true, nowMs: 1000 });
  await assert.rejects(sm.apply({ type: 'DeleteObject', bucket: 'lg', key: 'g', versionId: g.versionId!, bypassGovernance: true, nowMs: 2000 }), denied);
  await sm.apply({ type: 'PutObjectConfig', bucket: 'lg', key: 'g', name: 'legalHold', value: false, nowMs: 2000 });
  await assert.rejects(sm.apply({ type: 'DeleteObject', bucket: 'lg', key: 'g', versionId: g.versionId!, nowMs: 2000 }), denied);
  await assert.rejects(sm.apply({ type: 'PutObjectConfig', bucket: 'lg', key: 'g', name: 'retention', value: null, nowMs: 2000 }), denied);
  await sm.apply({ type: 'DeleteObject', bucket: 'lg', key: 'g', versionId: g.versionId!, bypassGovernance: true, nowMs: 2000 });
  assert.equal(refs('G'), 0);
});

/**
 * Refcounts and stats recomputed from the stored records of `bucket`, compared with the
 * index. Each property run uses its own bucket and chunk names, so a failure stays with the
 * run (and the shrinker) that caused it.
 */
function assertConsistent(bucket: string, chunkNames: string[], statsBefore: { objects: number; logicalBytes: number }): void {
  const expected = new Map<string, number>();
  let objects = 0;
  let logicalBytes = 0;
  const count = (o: ObjectRecord) => {
    if (o.deleteMarker) return;
    objects++;
    logicalBytes += o.size;
    for (const c of o.chunks) {
      const k = Buffer.from(c.fp).toString('hex');
      expected.set(k, (expected.get(k) ?? 0) + 1);
    }
  };
  const range = { start: Buffer.from(`${bucket}\0`), end: Buffer.from(`${bucket}\u0001`) };
  for (const { value } of t.versions.getRange(range)) count(value);
  for (const { key, value } of t.objects.getRange(range)) {
    assert.ok(!value.deleteMarker, 'objects never holds a delete marker');
    if (value.seq === undefined) count(value);
    else assert.deepEqual([...t.versions.getRange({ start: versionPrefix(value.bucket, value.key), limit: 1 })][0]?.value, value, `objects copy of ${key.toString()} is its newest version`);
  }
  // And the other way round: a key whose newest version is not a marker has its objects copy.
  for (const key of ['a', 'b']) {
    const newest = versionsOf(bucket, key)[0];
    if (newest && !newest.deleteMarker) assert.deepEqual(t.objects.get(objectKey(bucket, key)), newest);
  }
  for (const name of chunkNames) assert.equal(refs(name), expected.get(fp(name).toString('hex')) ?? 0, `refcount of ${name} matches a recount`);
  const stats = readStats(t.system.get('stats'));
  assert.equal(stats.objects - statsBefore.objects, objects);
  assert.equal(stats.logicalBytes - statsBefore.logicalBytes, logicalBytes);
}

type Op =
  | { op: 'put'; key: string; chunks: string[] }
  | { op: 'delete'; key: string }
  | { op: 'deleteVersion'; key: string; pick: number }
  | { op: 'versioning'; status: 'Enabled' | 'Suspended' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ op: fc.constant('put' as const), key: fc.constantFrom('a', 'b'), chunks: fc.array(fc.constantFrom('c1', 'c2', 'c3', 'c4'), { maxLength: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), key: fc.constantFrom('a', 'b') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('deleteVersion' as const), key: fc.constantFrom('a', 'b'), pick: fc.nat(6) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('versioning' as const), status: fc.constantFrom('Enabled' as const, 'Suspended' as const) }) },
);

test('property: refcounts and stats stay exact under random version operations', async () => {
  let run = 0;
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 8, maxLength: 30, size: 'max' }), async (ops) => {
      const bucket = `prop${run++}`;
      const names = ['c1', 'c2', 'c3', 'c4'].map((c) => `${bucket}-${c}`);
      const before = readStats(t.system.get('stats'));
      await sm.apply({ type: 'CreateBucket', bucket, owner: 'o', region: 'us-east-1', nowMs: 1 });
      for (const o of ops) {
        if (o.op === 'put') await put(bucket, o.key, o.chunks.map((c) => `${bucket}-${c}`));
        else if (o.op === 'delete') await del(bucket, o.key);
        else if (o.op === 'versioning') await versioning(bucket, o.status);
        else {
          const all = versionsOf(bucket, o.key);
          const legacy = t.objects.get(objectKey(bucket, o.key));
          const ids = all.map((v) => v.versionId ?? 'null');
          if (legacy && legacy.seq === undefined) ids.push('null');
          if (ids.length > 0) await del(bucket, o.key, ids[o.pick % ids.length]);
        }
      }
      assertConsistent(bucket, names, before);
      // Every key's versions, newest first, are all gone after deleting each by id.
      for (const key of ['a', 'b', 'a/c']) {
        for (const v of versionsOf(bucket, key)) await del(bucket, key, v.versionId ?? 'null');
        if (t.objects.get(objectKey(bucket, key))) await del(bucket, key, 'null');
      }
      assertConsistent(bucket, names, before);
      for (const name of names) assert.equal(refs(name), 0, 'no reference outlives its versions');
      await sm.apply({ type: 'DeleteBucket', bucket });
    }),
    { numRuns: 60, seed: 42 },
  );
});
