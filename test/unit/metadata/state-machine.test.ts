import { after, before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { openMetaTables, type MetaTables } from '../../../src/index/meta-db.js';
import { StateMachine } from '../../../src/metadata/state-machine.js';
import { MetadataError } from '../../../src/metadata/errors.js';
import type { ObjectRecord } from '../../../src/metadata/records.js';
import type { NewChunk } from '../../../src/metadata/commands.js';

let dir: string;
let t: MetaTables;
let sm: StateMachine;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tessera-sm-'));
  t = openMetaTables(dir);
  sm = new StateMachine(t);
});
after(async () => {
  await t.root.close();
  rmSync(dir, { recursive: true, force: true });
});

const fp = (s: string) => createHash('sha256').update(s).digest();
const chunk = (s: string): NewChunk => ({ fp: fp(s), record: { rawSize: 100, storedSize: 60, codec: 1, storageClass: 'STANDARD', fragmentSize: 16 } });
function object(key: string, chunks: string[]): ObjectRecord {
  return { v: 1, bucket: 'b', key, size: chunks.length * 100, etag: 'e', lastModifiedMs: 1, owner: 'o', contentType: 'x', headers: {}, userMeta: {}, storageClass: 'STANDARD', chunks: chunks.map((c) => ({ fp: fp(c), size: 100 })) };
}
const refs = (s: string) => t.chunks.get(fp(s))?.refs;

async function rejectsWith(p: Promise<unknown>, code: string) {
  await assert.rejects(p, (e: unknown) => e instanceof MetadataError && e.code === code);
}

test('refcounts follow puts, overwrites, copies and deletes; stats follow too', async () => {
  await sm.apply({ type: 'CreateBucket', bucket: 'b', owner: 'o', region: 'us-east-1', nowMs: 1 });
  await sm.apply({ type: 'PutObject', object: object('k1', ['x', 'y']), newChunks: [chunk('x'), chunk('y')], conditions: {}, nowMs: 1 });
  await sm.apply({ type: 'PutObject', object: object('k2', ['y', 'z']), newChunks: [chunk('z')], conditions: {}, nowMs: 2 });
  assert.deepEqual([refs('x'), refs('y'), refs('z')], [1, 2, 1]);
  let stats = t.system.get('stats') as { logicalBytes: number; uniqueBytes: number; objects: number };
  assert.equal(stats.logicalBytes, 400);
  assert.equal(stats.uniqueBytes, 300);
  await sm.apply({ type: 'PutObject', object: object('k1', ['z']), newChunks: [], conditions: {}, nowMs: 3 });
  assert.deepEqual([refs('x'), refs('y'), refs('z')], [0, 1, 2]);
  assert.equal(t.chunks.get(fp('x'))?.zeroSinceMs, 3);
  await sm.apply({ type: 'DeleteObject', bucket: 'b', key: 'k2', nowMs: 4 });
  assert.deepEqual([refs('x'), refs('y'), refs('z')], [0, 0, 1]);
  stats = t.system.get('stats') as typeof stats;
  assert.equal(stats.objects, 1);
  assert.equal(stats.logicalBytes, 100);
});

test('a deduplicated chunk that vanished is refused, and nothing changes', async () => {
  await rejectsWith(sm.apply({ type: 'PutObject', object: object('k9', ['z', 'gone']), newChunks: [], conditions: {}, nowMs: 5 }), 'ChunkMissing');
  assert.equal(refs('z'), 1);
  assert.equal(t.objects.get(Buffer.concat([Buffer.from('b\0k9')])), undefined);
});

test('reclaim takes only chunks unreferenced for longer than the grace period', async () => {
  const r = await sm.apply({ type: 'ReclaimChunks', fps: [fp('x'), fp('y'), fp('z')], zeroBeforeMs: 4 });
  assert.equal(r.type, 'reclaimed');
  assert.deepEqual(r.type === 'reclaimed' ? r.fps.map((f) => Buffer.from(f).toString('hex')) : [], [fp('x').toString('hex')]);
  assert.equal(t.chunks.get(fp('x')), undefined);
  assert.equal(refs('y'), 0);
  assert.equal(refs('z'), 1);
});

test('conditional writes and bucket rules', async () => {
  await rejectsWith(sm.apply({ type: 'PutObject', object: object('k1', []), newChunks: [], conditions: { ifNoneMatch: '*' }, nowMs: 6 }), 'PreconditionFailed');
  await rejectsWith(sm.apply({ type: 'PutObject', object: object('k1', []), newChunks: [], conditions: { ifMatch: 'other' }, nowMs: 6 }), 'PreconditionFailed');
  await rejectsWith(sm.apply({ type: 'PutObject', object: object('new', []), newChunks: [], conditions: { ifMatch: '*' }, nowMs: 6 }), 'NoSuchKey');
  await rejectsWith(sm.apply({ type: 'DeleteBucket', bucket: 'b' }), 'BucketNotEmpty');
  await rejectsWith(sm.apply({ type: 'CreateBucket', bucket: 'b', owner: 'someone-else', region: 'us-east-1', nowMs: 1 }), 'BucketAlreadyExists');
  await sm.apply({ type: 'CreateBucket', bucket: 'b', owner: 'o', region: 'us-east-1', nowMs: 1 });
});

test('multipart: parts hold references, complete moves them, parts left out are released', async () => {
  const upload = { v: 1 as const, bucket: 'b', key: 'mp', uploadId: 'u1', owner: 'o', initiatedMs: 1, contentType: 'x', headers: {}, userMeta: {}, storageClass: 'STANDARD' };
  await sm.apply({ type: 'CreateUpload', upload });
  const md5 = (s: string) => createHash('md5').update(s).digest('hex');
  const part = (n: number, c: string, size: number) => ({ v: 1 as const, partNumber: n, size, etag: md5(c), lastModifiedMs: 1, chunks: [{ fp: fp(c), size: 100 }] });
  await sm.apply({ type: 'PutPart', bucket: 'b', key: 'mp', uploadId: 'u1', part: part(1, 'p1', 5 * 1024 * 1024), newChunks: [chunk('p1')], nowMs: 7 });
  await sm.apply({ type: 'PutPart', bucket: 'b', key: 'mp', uploadId: 'u1', part: part(2, 'p2', 10), newChunks: [chunk('p2')], nowMs: 7 });
  await sm.apply({ type: 'PutPart', bucket: 'b', key: 'mp', uploadId: 'u1', part: part(3, 'p3', 10), newChunks: [chunk('p3')], nowMs: 7 });
  await rejectsWith(sm.apply({ type: 'CompleteUpload', bucket: 'b', key: 'mp', uploadId: 'u1', parts: [{ partNumber: 2, etag: md5('p2') }, { partNumber: 3, etag: md5('p3') }], conditions: {}, nowMs: 8 }), 'EntityTooSmall');
  const r = await sm.apply({ type: 'CompleteUpload', bucket: 'b', key: 'mp', uploadId: 'u1', parts: [{ partNumber: 1, etag: md5('p1') }, { partNumber: 3, etag: md5('p3') }], conditions: {}, nowMs: 8 });
  assert.equal(r.type, 'object');
  const expected = createHash('md5').update(Buffer.concat([Buffer.from(md5('p1'), 'hex'), Buffer.from(md5('p3'), 'hex')])).digest('hex') + '-2';
  assert.equal(r.type === 'object' ? r.object.etag : '', expected);
  assert.deepEqual([refs('p1'), refs('p2'), refs('p3')], [1, 0, 1]);
  await rejectsWith(sm.apply({ type: 'AbortUpload', bucket: 'b', key: 'mp', uploadId: 'u1', nowMs: 9 }), 'NoSuchUpload');
});

test('bucket and object configs are set, replaced and deleted field by field', async () => {
  await sm.apply({ type: 'CreateBucket', bucket: 'cfg', owner: 'o', region: 'us-east-1', nowMs: 1 });
  await sm.apply({ type: 'PutBucketConfig', bucket: 'cfg', name: 'tagging', value: { a: '1' } });
  assert.deepEqual(t.buckets.get('cfg')?.config, { tagging: { a: '1' } });
  await sm.apply({ type: 'PutBucketConfig', bucket: 'cfg', name: 'tagging', value: null });
  assert.deepEqual(t.buckets.get('cfg')?.config, {});
  await rejectsWith(sm.apply({ type: 'PutBucketConfig', bucket: 'nope', name: 'tagging', value: {} }), 'NoSuchBucket');
  await rejectsWith(sm.apply({ type: 'PutObjectConfig', bucket: 'cfg', key: 'k', name: 'tagging', value: {} }), 'NoSuchKey');
  await sm.apply({ type: 'PutObject', object: { ...object('k', []), bucket: 'cfg' }, newChunks: [], conditions: {}, nowMs: 2 });
  const r = await sm.apply({ type: 'PutObjectConfig', bucket: 'cfg', key: 'k', name: 'tagging', value: { t: 'v' } });
  assert.equal(r.type, 'object');
  assert.deepEqual(t.objects.get(Buffer.from('cfg\0k'))?.config, { tagging: { t: 'v' } });
});
