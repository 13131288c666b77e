// What versioning costs in the metadata state machine: PutObject and DeleteObject commands
// (inline 1 KiB bodies, so only metadata work is timed) against a never-versioned bucket and
// a versioning-enabled one, then ListObjects and ListObjectVersions pages over the result.
// Run: npm run build && node dist/bench/versioning-bench.js [commands=3000] [keys=300]

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openMetaTables } from '../src/index/meta-db.js';
import { StateMachine } from '../src/metadata/state-machine.js';
import { listObjects } from '../src/gateway/listing.js';
import { listVersions } from '../src/gateway/version-listing.js';
import type { ObjectRecord } from '../src/metadata/records.js';

const commands = Number(process.argv[2] ?? 3000);
const keys = Number(process.argv[3] ?? 300);
const dir = mkdtempSync(join(tmpdir(), 'tessera-vbench-'));
const t = openMetaTables(dir);
const sm = new StateMachine(t);
const inline = new Uint8Array(1024);

function object(bucket: string, key: string, i: number): ObjectRecord {
  return { v: 1, bucket, key, size: inline.byteLength, etag: `e${i}`, lastModifiedMs: i, owner: 'o', contentType: 'x', headers: {}, userMeta: {}, storageClass: 'STANDARD', chunks: [], inline };
}

async function run(bucket: string, versioned: boolean): Promise<void> {
  await sm.apply({ type: 'CreateBucket', bucket, owner: 'o', region: 'us-east-1', nowMs: 1 });
  if (versioned) await sm.apply({ type: 'PutBucketConfig', bucket, name: 'versioning', value: 'Enabled' });
  const nonce = new Uint8Array(8);
  let start = process.hrtime.bigint();
  for (let i = 0; i < commands; i++) {
    await sm.apply({ type: 'PutObject', object: object(bucket, `k${i % keys}`, i), newChunks: [], conditions: {}, nowMs: i, versionNonce: nonce });
  }
  const putMs = Number(process.hrtime.bigint() - start) / 1e6;
  start = process.hrtime.bigint();
  let listed = 0;
  for (let after = '', more = true; more; ) {
    const page = listObjects(t, bucket, { prefix: '', delimiter: '', after, maxKeys: 1000 });
    listed += page.entries.length;
    more = page.isTruncated;
    after = page.last ?? '';
  }
  const listMs = Number(process.hrtime.bigint() - start) / 1e6;
  start = process.hrtime.bigint();
  const page = listVersions(t, bucket, { prefix: '', delimiter: '', keyMarker: '', versionIdMarker: '', maxKeys: 1000 });
  const versionsMs = Number(process.hrtime.bigint() - start) / 1e6;
  start = process.hrtime.bigint();
  for (let i = 0; i < keys; i++) await sm.apply({ type: 'DeleteObject', bucket, key: `k${i}`, nowMs: commands + i, owner: 'o', versionNonce: nonce });
  const delMs = Number(process.hrtime.bigint() - start) / 1e6;
  console.log(
    `${versioned ? 'enabled   ' : 'unversioned'}: ${commands} PutObject ${(commands / (putMs / 1000)).toFixed(0)}/s; ` +
      `ListObjects ${listed} keys ${listMs.toFixed(1)} ms; ListObjectVersions first page (${page.entries.length}) ${versionsMs.toFixed(1)} ms; ` +
      `${keys} DeleteObject ${(keys / (delMs / 1000)).toFixed(0)}/s`,
  );
}

await run('plain', false);
await run('versioned', true);
// A second round in the other order, so warm-up does not favour one side.
await run('versioned2', true);
await run('plain2', false);
await t.root.close();
rmSync(dir, { recursive: true, force: true });
