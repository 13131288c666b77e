// The HTTP surface below the SDK: raw requests for error documents, anonymous access,
// Expect: 100-continue, virtual-host addressing, XML hardening; plus metrics and GC.

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { createHash } from 'node:crypto';
import aws4 from 'aws4';
import { CreateBucketCommand, DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startTestServer, TEST_ACCESS_KEY, TEST_SECRET_KEY, type TestServer } from '../support/server.js';
import { randomBytesSeeded, textBytes } from '../support/bytes.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  continued: boolean;
}

function send(base: string, opts: { method: string; path: string; headers?: Record<string, string>; body?: string | Buffer; sign?: boolean; host?: string }): Promise<Reply> {
  const url = new URL(base);
  let headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.sign !== false) {
    const signed = aws4.sign(
      { host: opts.host ?? url.host, path: opts.path, method: opts.method, service: 's3', region: 'us-east-1', headers: { ...headers }, body: opts.body ?? '' },
      { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY },
    );
    headers = signed.headers as Record<string, string>;
  }
  if (opts.host) headers['Host'] = opts.host;
  return new Promise((resolve, reject) => {
    let continued = false;
    const req = request({ host: url.hostname, port: url.port, path: opts.path, method: opts.method, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, continued }));
    });
    req.on('error', reject);
    if (headers['Expect'] === '100-continue') {
      req.on('continue', () => {
        continued = true;
        req.end(opts.body);
      });
    } else {
      req.end(opts.body);
    }
  });
}

async function metric(t: TestServer, stage: string): Promise<number> {
  const text = await (await fetch(`${t.server.adminUrl}/metrics`)).text();
  const m = new RegExp(`^tessera_bytes\\{stage="${stage}"\\} (\\d+)`, 'm').exec(text);
  assert.ok(m, `metrics have tessera_bytes{stage="${stage}"}`);
  return Number(m[1]);
}

describe('S3 protocol surface', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: 'proto' }));
  });
  after(async () => t.close());

  test('anonymous requests get AccessDenied as an S3 XML error with a request id', async () => {
    const r = await send(t.server.s3Url, { method: 'GET', path: '/proto/x', sign: false });
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>AccessDenied<\/Code>/);
    assert.match(r.body, /<Resource>\/proto\/x<\/Resource>/);
    const id = r.headers['x-amz-request-id'];
    assert.ok(typeof id === 'string' && id.length > 0);
    assert.ok(r.body.includes(`<RequestId>${id}</RequestId>`));
  });

  test('a signature older than 15 minutes is RequestTimeTooSkewed with ServerTime', async () => {
    const old = new Date(Date.now() - 16 * 60 * 1000).toISOString().replace(/[:-]|\.\d{3}/g, '');
    const r = await send(t.server.s3Url, { method: 'GET', path: '/proto', headers: { 'X-Amz-Date': old } });
    assert.equal(r.status, 403);
    assert.match(r.body, /<Code>RequestTimeTooSkewed<\/Code>/);
    assert.match(r.body, /<ServerTime>/);
  });

  test('Expect: 100-continue is honoured', async () => {
    const r = await send(t.server.s3Url, { method: 'PUT', path: '/proto/continued', headers: { Expect: '100-continue', 'Content-Length': '5' }, body: 'hello' });
    assert.equal(r.status, 200);
    assert.ok(r.continued, 'the server answered 100 Continue before the body');
    const g = await send(t.server.s3Url, { method: 'GET', path: '/proto/continued' });
    assert.equal(g.body, 'hello');
    // A request that is not allowed is refused before the body: no 100 Continue, a 403, nothing stored.
    const anon = await send(t.server.s3Url, { method: 'PUT', path: '/proto/refused', sign: false, headers: { Expect: '100-continue', 'Content-Length': '5' }, body: 'hello' });
    assert.equal(anon.status, 403);
    assert.equal(anon.continued, false, 'no 100 Continue for a refused request');
    assert.equal((await send(t.server.s3Url, { method: 'GET', path: '/proto/refused' })).status, 404);
  });

  test('more body than Content-Length: the request is answered (BadDigest) before the connection closes', async () => {
    const url = new URL(t.server.s3Url);
    const path = '/proto/short';
    const headers = {
      'Content-Length': '2',
      'Content-MD5': createHash('md5').update('bar').digest('base64'),
      'X-Amz-Content-Sha256': 'UNSIGNED-PAYLOAD',
    };
    const signed = aws4.sign({ host: url.host, path, method: 'PUT', service: 's3', region: 'us-east-1', headers: { ...headers } }, { accessKeyId: TEST_ACCESS_KEY, secretAccessKey: TEST_SECRET_KEY });
    const head = Object.entries(signed.headers as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join('\r\n');
    const reply = await new Promise<string>((resolve, reject) => {
      const sock = connect(Number(url.port), url.hostname, () => sock.write(`PUT ${path} HTTP/1.1\r\n${head}\r\n\r\nbar`));
      let text = '';
      sock.setEncoding('utf8');
      sock.on('data', (c: string) => (text += c));
      sock.on('close', () => resolve(text));
      sock.on('error', reject);
    });
    assert.match(reply, /^HTTP\/1\.1 400 /);
    assert.match(reply, /<Code>BadDigest<\/Code>/, 'the S3 answer, not a bare 400 for the stray byte');
    assert.equal((await send(t.server.s3Url, { method: 'GET', path })).status, 404, 'nothing stored');
  });

  test('a refused PUT whose body is still coming: the client gets the answer, and the connection serves the next request', async () => {
    // The AWS SDK for JavaScript saw "write EPIPE" instead of SignatureDoesNotMatch when the
    // server closed the connection while it was still sending a 100 KB body.
    const url = new URL(t.server.s3Url);
    const bodyBytes = 200_000;
    const texts: string[] = [];
    const sock = connect(Number(url.port), url.hostname);
    sock.setEncoding('utf8');
    let received = '';
    let closed = false;
    sock.on('data', (c: string) => (received += c));
    sock.on('close', () => (closed = true));
    const errors: Error[] = [];
    sock.on('error', (e) => errors.push(e));
    const answers = async (n: number): Promise<void> => {
      for (let i = 0; i < 500 && (received.match(/HTTP\/1\.1 \d{3}/g) ?? []).length < n && !closed; i++) await new Promise((r) => setTimeout(r, 10));
    };
    await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
    // Anonymous PUT, refused with AccessDenied before its body is read.
    sock.write(`PUT /proto/refused-streamed HTTP/1.1\r\nHost: ${url.host}\r\nContent-Length: ${bodyBytes}\r\n\r\n`);
    sock.write(Buffer.alloc(1000, 1));
    await answers(1);
    assert.match(received, /^HTTP\/1\.1 403 /);
    assert.doesNotMatch(received, /connection: close/i);
    texts.push(received);
    // The rest of the body still goes through, and the same connection answers the next request.
    await new Promise<void>((resolve, reject) => sock.write(Buffer.alloc(bodyBytes - 1000, 2), (e) => (e ? reject(e) : resolve())));
    sock.write(`GET /proto/refused-streamed HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
    await answers(2);
    sock.destroy();
    assert.deepEqual(errors, []);
    const second = received.slice(texts[0]!.length);
    assert.match(second, /^HTTP\/1\.1 403 /, 'the anonymous GET got its own answer on the same connection');
    assert.match(second, /<Code>AccessDenied<\/Code>/);
    // A body held back for 100-continue that never came closes the connection instead.
    const anon = await send(t.server.s3Url, { method: 'PUT', path: '/proto/refused', sign: false, headers: { Expect: '100-continue', 'Content-Length': '5' }, body: 'hello' });
    assert.equal(anon.headers['connection'], 'close');
  });

  test('virtual-host-style addressing under the configured domain', async () => {
    const port = new URL(t.server.s3Url).port;
    const host = `proto.localhost:${port}`;
    const p = await send(t.server.s3Url, { method: 'PUT', path: '/vhost/key', host, body: 'vh' });
    assert.equal(p.status, 200);
    const g = await send(t.server.s3Url, { method: 'GET', path: '/proto/vhost/key' });
    assert.equal(g.body, 'vh');
  });

  test('DOCTYPE in a request document is MalformedXML; an unknown sub-resource is NotImplemented', async () => {
    const body = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><Delete><Object><Key>&a;</Key></Object></Delete>';
    const r = await send(t.server.s3Url, { method: 'POST', path: '/proto?delete', body, headers: { 'Content-Type': 'application/xml' } });
    assert.equal(r.status, 400);
    assert.match(r.body, /<Code>MalformedXML<\/Code>/);
    const n = await send(t.server.s3Url, { method: 'GET', path: '/proto?torrent' });
    assert.equal(n.status, 501);
    assert.match(n.body, /<Code>NotImplemented<\/Code>/);
  });

  test('x-amz-content-sha256 that does not match the body is rejected and stores nothing', async () => {
    const r = await send(t.server.s3Url, { method: 'PUT', path: '/proto/tampered', headers: { 'X-Amz-Content-Sha256': 'a'.repeat(64) }, body: 'payload' });
    assert.equal(r.status, 400);
    assert.match(r.body, /XAmzContentSHA256Mismatch|SignatureDoesNotMatch/);
    const g = await send(t.server.s3Url, { method: 'HEAD', path: '/proto/tampered' });
    assert.equal(g.status, 404);
  });

  test('health endpoints and tessera_bytes: dedup, compression and parity show up', async () => {
    assert.equal((await fetch(`${t.server.adminUrl}/health/live`)).status, 200);
    assert.equal((await fetch(`${t.server.adminUrl}/health/ready`)).status, 200);
    const before = { logical: await metric(t, 'logical'), dedup: await metric(t, 'deduplicated'), stored: await metric(t, 'stored') };
    const random = randomBytesSeeded(2 * 1024 * 1024, 77);
    await t.client.send(new PutObjectCommand({ Bucket: 'proto', Key: 'r1', Body: random }));
    await t.client.send(new PutObjectCommand({ Bucket: 'proto', Key: 'r2', Body: random }));
    const logical = (await metric(t, 'logical')) - before.logical;
    const dedup = (await metric(t, 'deduplicated')) - before.dedup;
    const stored = (await metric(t, 'stored')) - before.stored;
    assert.equal(logical, 2 * random.length);
    assert.equal(dedup, random.length, 'the second copy adds no unique bytes');
    assert.ok(stored >= 1.5 * random.length && stored < 1.6 * random.length, `RS(4,2) stores ~1.5x: ${stored}`);
    const c0 = await metric(t, 'compressed');
    const text = textBytes(2 * 1024 * 1024, 78);
    await t.client.send(new PutObjectCommand({ Bucket: 'proto', Key: 'text', Body: text }));
    assert.ok((await metric(t, 'compressed')) - c0 < text.length / 2, 'text compresses');
  });

  test('GC reclaims the fragments of deleted objects, and only those', async () => {
    const stored0 = await metric(t, 'stored');
    const body = randomBytesSeeded(1024 * 1024, 99);
    await t.client.send(new PutObjectCommand({ Bucket: 'proto', Key: 'gc1', Body: body }));
    const stored1 = await metric(t, 'stored');
    assert.ok(stored1 > stored0);
    await t.client.send(new DeleteObjectCommand({ Bucket: 'proto', Key: 'gc1' }));
    const report = await t.server.gc.run();
    assert.ok(report.chunksReclaimed > 0);
    assert.equal(await metric(t, 'stored'), stored0);
    // Everything still referenced still reads.
    const g = await send(t.server.s3Url, { method: 'GET', path: '/proto/continued' });
    assert.equal(g.body, 'hello');
    // A request that is not allowed is refused before the body: no 100 Continue, a 403, nothing stored.
    const anon = await send(t.server.s3Url, { method: 'PUT', path: '/proto/refused', sign: false, headers: { Expect: '100-continue', 'Content-Length': '5' }, body: 'hello' });
    assert.equal(anon.status, 403);
    assert.equal(anon.continued, false, 'no 100 Continue for a refused request');
    assert.equal((await send(t.server.s3Url, { method: 'GET', path: '/proto/refused' })).status, 404);
  });
});
