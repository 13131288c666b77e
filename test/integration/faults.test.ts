// Fault injection against the real server: lost drives, flipped bytes, kill -9 mid-PUT.

import { describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import aws4 from 'aws4';
import { s3Client, startTestServer, TEST_ACCESS_KEY, TEST_SECRET_KEY } from '../support/server.js';
import { spawnServer } from '../support/process.js';
import { randomBytesSeeded, streamToBuffer, textBytes } from '../support/bytes.js';

const objects: [string, Buffer][] = [
  ['small', Buffer.from('small object')],
  ['random', randomBytesSeeded(900 * 1024, 21)],
  ['text', textBytes(700 * 1024, 22)],
];

async function putAll(client: ReturnType<typeof s3Client>, bucket: string) {
  await client.send(new CreateBucketCommand({ Bucket: bucket }));
  for (const [k, v] of objects) await client.send(new PutObjectCommand({ Bucket: bucket, Key: k, Body: v }));
}

async function expectAll(client: ReturnType<typeof s3Client>, bucket: string) {
  for (const [k, v] of objects) {
    const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
    assert.ok((await streamToBuffer(got.Body)).equals(v), `${k} reads byte-exact`);
  }
}

/** Segment files: every regular file in a drive directory that is not LMDB's. */
function segmentFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.mdb$|lock/.test(e.name) && statSync(p).size > 0) out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** Flips one byte in every 4 KiB of every segment file of `drives`; returns the files touched. */
function flipBytes(dataDir: string, drives: string[]): number {
  let files = 0;
  for (const drive of drives) {
    for (const f of segmentFiles(join(dataDir, drive))) {
      const b = readFileSync(f);
      for (let i = 64; i < b.length; i += 4096) b[i] = b[i]! ^ 0xff;
      writeFileSync(f, b);
      files++;
    }
  }
  return files;
}

describe('faults', () => {
  test('two drive directories wiped: every object still reads byte-exact, and the drives are rebuilt', async () => {
    const t = await startTestServer();
    await putAll(t.client, 'wipe');
    await t.stop();
    rmSync(join(t.dataDir, 'drive-1'), { recursive: true, force: true });
    rmSync(join(t.dataDir, 'drive-4'), { recursive: true, force: true });
    const t2 = await startTestServer({ dataDir: t.dataDir });
    try {
      await expectAll(t2.client, 'wipe');
    } finally {
      await t2.close().catch(() => undefined);
    }
  });

  test('wiped drives are rebuilt at start-up: losing two more drives afterwards loses nothing', async () => {
    const t = await startTestServer();
    await putAll(t.client, 'heal');
    await t.stop();
    rmSync(join(t.dataDir, 'drive-1'), { recursive: true, force: true });
    rmSync(join(t.dataDir, 'drive-4'), { recursive: true, force: true });
    const t2 = await startTestServer({ dataDir: t.dataDir });
    await t2.server.healing;
    assert.ok(t2.server.repairs.stats.fragmentsRewritten > 0, 'the rebuild rewrote the lost fragments');
    assert.equal(t2.server.repairs.stats.failures, 0);
    await t2.stop();
    // Without the rebuild only drives 3 and 5 would hold anything now: every chunk lost.
    rmSync(join(t.dataDir, 'drive-0'), { recursive: true, force: true });
    rmSync(join(t.dataDir, 'drive-2'), { recursive: true, force: true });
    const t3 = await startTestServer({ dataDir: t.dataDir });
    try {
      await expectAll(t3.client, 'heal');
    } finally {
      await t3.close();
    }
  });

  test('flipped bytes in fragments are detected and the object is served correctly', async () => {
    const t = await startTestServer();
    await putAll(t.client, 'flip');
    await t.stop();
    assert.ok(flipBytes(t.dataDir, ['drive-0', 'drive-3']) > 0, 'found segment files to corrupt');
    const t2 = await startTestServer({ dataDir: t.dataDir });
    try {
      await expectAll(t2.client, 'flip');
      await t2.server.repairs.idle();
      assert.ok(t2.server.repairs.stats.fragmentsRewritten > 0, 'reads queued repairs that rewrote the corrupt fragments');
      assert.equal(t2.server.repairs.stats.failures, 0);
    } finally {
      await t2.close();
    }
  });

  test('the scrubber finds rot in any fragment, parity included, and repair rewrites it', async () => {
    const t = await startTestServer();
    await putAll(t.client, 'scrub');
    await t.stop();
    const flip = (drives: string[]) => flipBytes(t.dataDir, drives);
    flip(['drive-1', 'drive-4']);
    const t2 = await startTestServer({ dataDir: t.dataDir });
    const pass = await t2.server.scrubber.runOnce();
    assert.ok(pass.corrupt > 0, 'the scrub found the flipped fragments');
    await t2.server.repairs.idle();
    assert.ok(t2.server.repairs.stats.fragmentsRewritten >= pass.corrupt, 'every corrupt fragment was rewritten');
    assert.equal(t2.server.repairs.stats.failures, 0);
    await t2.stop();
    // Rot on two more drives is survivable only if the first two were repaired.
    flip(['drive-0', 'drive-2']);
    const t3 = await startTestServer({ dataDir: t.dataDir });
    try {
      await expectAll(t3.client, 'scrub');
    } finally {
      await t3.close();
    }
  });

  test('kill -9 during a PUT: restart is clean, no partial object, earlier objects intact', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'tessera-kill-'));
    try {
      const s1 = await spawnServer(dataDir);
      const c1 = s3Client(s1.s3Url);
      await putAll(c1, 'kill');
      c1.destroy();
      // Stream a 64 MiB body slowly and kill the server half-way.
      const url = new URL(`${s1.s3Url}/kill/partial`);
      const opts = aws4.sign(
        { host: url.host, path: url.pathname, method: 'PUT', service: 's3', region: 'us-east-1', headers: { 'Content-Length': String(64 * 1024 * 1024), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
        { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
      );
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers: opts.headers as Record<string, string> });
      req.on('error', () => undefined);
      let answered: number | undefined;
      req.on('response', (res) => (answered = res.statusCode));
      const piece = randomBytesSeeded(1024 * 1024, 5);
      for (let i = 0; i < 20; i++) {
        req.write(piece);
        await new Promise((r) => setTimeout(r, 20));
      }
      assert.equal(answered, undefined, 'the server was still reading the body (no early rejection)');
      s1.proc.kill('SIGKILL');
      await s1.exited;
      req.destroy();
      const s2 = await spawnServer(dataDir);
      const c2 = s3Client(s2.s3Url);
      try {
        await expectAll(c2, 'kill');
        await assert.rejects(c2.send(new HeadObjectCommand({ Bucket: 'kill', Key: 'partial' })), (e: Error) => e.name === 'NotFound');
      } finally {
        c2.destroy();
        s2.proc.kill('SIGTERM');
        assert.equal(await s2.exited, 0, 'SIGTERM shuts down cleanly');
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a client that disconnects mid-body leaves no object and the server keeps serving', async () => {
    const t = await startTestServer();
    try {
      await t.client.send(new CreateBucketCommand({ Bucket: 'cut' }));
      const url = new URL(`${t.server.s3Url}/cut/half`);
      const signed = aws4.sign(
        { host: url.host, path: url.pathname, method: 'PUT', service: 's3', region: 'us-east-1', headers: { 'Content-Length': String(8 * 1024 * 1024), 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' } },
        { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
      );
      const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: 'PUT', headers: signed.headers as Record<string, string> });
      req.on('error', () => undefined);
      req.write(randomBytesSeeded(3 * 1024 * 1024, 8));
      await new Promise((r) => setTimeout(r, 300));
      req.destroy();
      await new Promise((r) => setTimeout(r, 300));
      await assert.rejects(t.client.send(new HeadObjectCommand({ Bucket: 'cut', Key: 'half' })), (e: Error) => e.name === 'NotFound');
      const body = randomBytesSeeded(600 * 1024, 9);
      await t.client.send(new PutObjectCommand({ Bucket: 'cut', Key: 'whole', Body: body }));
      const got = await t.client.send(new GetObjectCommand({ Bucket: 'cut', Key: 'whole' }));
      assert.ok((await streamToBuffer(got.Body)).equals(body));
      const report = await t.server.gc.run();
      assert.ok(report.orphansDeleted > 0, 'the fragments the cut upload wrote are reclaimed as orphans');
      const again = await t.client.send(new GetObjectCommand({ Bucket: 'cut', Key: 'whole' }));
      assert.ok((await streamToBuffer(again.Body)).equals(body), 'GC left committed data alone');
    } finally {
      await t.close();
    }
  });
});
