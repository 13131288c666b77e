// Requests signed by real client code verify: the AWS SDK for JavaScript v3 (S3Client and the
// @smithy/signature-v4 presigner it uses) and aws4, over a real HTTP server on 127.0.0.1, for
// keys that clients and servers commonly disagree on.

import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AddressInfo } from 'node:net';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import aws4 from 'aws4';
import { S3Client, PutObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, DeleteObjectsCommand } from '@aws-sdk/client-s3';
import { SignatureV4 } from '@smithy/signature-v4';
import { authenticate, authRequestFromIncoming, createPayloadVerifier } from '../../../../src/s3/auth/index.js';
import type { AuthResult } from '../../../../src/s3/auth/types.js';
import { S3Error } from '../../../../src/s3/errors.js';

const creds = { accessKeyId: 'TESSERAEXAMPLEKEY', secretAccessKey: 'tessera/Secret+Key=With/Slashes' };
const lookup = (id: string) => (id === creds.accessKeyId ? creds : undefined);

const awkwardKeys = [
  'plain.txt', 'a b', 'a+b', 'a%b', '100%25', 'ünïcødé/ファイル', 'dir/sub/file', 'a/../b', './x', 'a//b', 'tilde~x',
  "quote'(x)!*", '&=?#;:,@$', 'emoji-😀', 'tab\tand newline-less', 'brackets[]{}<>|^`"\\',
];

interface Seen {
  method: string;
  url: string;
  result?: AuthResult;
  body?: Buffer;
  trailers?: Record<string, string>;
  checksum?: string;
  error?: S3Error;
}

let server: Server;
let endpoint: string;
const seen: Seen[] = [];

function respond(req: IncomingMessage, res: ServerResponse, record: Seen): void {
  if (record.error !== undefined) {
    res.writeHead(record.error.status, { 'content-type': 'application/xml' });
    res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${record.error.code}</Code><Message>${record.error.message}</Message></Error>`);
    return;
  }
  const q = (req.url ?? '').split('?')[1] ?? '';
  if (req.method === 'GET' && q.includes('list-type=2')) {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>bucket</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>');
  } else if (req.method === 'POST' && q.includes('delete')) {
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.end('<?xml version="1.0" encoding="UTF-8"?><DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>');
  } else if (req.method === 'GET') {
    res.writeHead(200, { 'content-length': '5', etag: '"x"' });
    res.end('hello');
  } else {
    res.writeHead(200, { etag: '"x"', 'content-length': '0' });
    res.end();
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const record: Seen = { method: req.method ?? '', url: req.url ?? '/' };
  seen.push(record);
  try {
    const result = authenticate(authRequestFromIncoming(req), lookup, Date.now(), { region: 'us-east-1' });
    record.result = result;
    const verifier = createPayloadVerifier(result.payload, req.headers);
    const parts: Buffer[] = [];
    await pipeline(req, verifier.stream, new Writable({ write(c: Buffer, _e, cb) { parts.push(c); cb(); } }));
    record.body = Buffer.concat(parts);
    record.trailers = verifier.trailers();
    const sum = verifier.checksum();
    if (sum !== undefined) record.checksum = `${sum.algorithm}:${sum.base64}`;
  } catch (err) {
    if (!(err instanceof S3Error)) throw err;
    record.error = err;
    req.resume();
  }
  respond(req, res, record);
}

before(async () => {
  server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => { res.statusCode = 500; res.end(String(err)); });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function client(secretAccessKey = creds.secretAccessKey): S3Client {
  return new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey },
  });
}

function lastSeen(): Seen {
  const s = seen[seen.length - 1];
  assert.ok(s !== undefined);
  return s;
}

test('SDK v3: PutObject with a buffered body (x-amz-checksum-crc32 header) for awkward keys', async () => {
  const s3 = client();
  for (const key of awkwardKeys) {
    const body = Buffer.from(`content of ${key}`);
    await s3.send(new PutObjectCommand({ Bucket: 'bucket', Key: key, Body: body }));
    const s = lastSeen();
    assert.equal(s.error, undefined, `${key}: ${s.error?.message}`);
    assert.equal(s.result?.anonymous, false);
    assert.deepEqual(s.body, body, key);
    assert.match(s.checksum ?? '', /^CRC32:/, key);
  }
  s3.destroy();
});

test('SDK v3: PutObject with a stream body goes aws-chunked with a trailing checksum and decodes', async () => {
  const s3 = client();
  const body = Buffer.alloc(300_000);
  for (let i = 0; i < body.length; i++) body[i] = (i * 7919) & 0xff;
  for (const key of ['stream one', 'ünï+stream']) {
    await s3.send(new PutObjectCommand({
      Bucket: 'bucket', Key: key, Body: Readable.from([body.subarray(0, 100_000), body.subarray(100_000)]), ContentLength: body.length,
    }));
    const s = lastSeen();
    assert.equal(s.error, undefined, s.error?.message);
    assert.equal(s.result?.payload.kind, 'streaming-unsigned-trailer');
    assert.deepEqual(s.body, body);
    assert.ok(Object.keys(s.trailers ?? {}).some((n) => n.startsWith('x-amz-checksum-')));
    assert.match(s.checksum ?? '', /^CRC32:/);
  }
  s3.destroy();
});

test('SDK v3: GetObject, HeadObject, ListObjectsV2 and DeleteObjects authenticate', async () => {
  const s3 = client();
  for (const key of awkwardKeys) {
    const got = await s3.send(new GetObjectCommand({ Bucket: 'bucket', Key: key, Range: 'bytes=0-4' }));
    assert.equal(await got.Body?.transformToString(), 'hello');
    assert.equal(lastSeen().error, undefined, key);
    await s3.send(new HeadObjectCommand({ Bucket: 'bucket', Key: key }));
    assert.equal(lastSeen().error, undefined, key);
    await s3.send(new ListObjectsV2Command({ Bucket: 'bucket', Prefix: key, Delimiter: '/', StartAfter: key, MaxKeys: 7 }));
    assert.equal(lastSeen().error, undefined, key);
  }
  await s3.send(new DeleteObjectsCommand({ Bucket: 'bucket', Delete: { Objects: awkwardKeys.map((Key) => ({ Key })) } }));
  const s = lastSeen();
  assert.equal(s.error, undefined, s.error?.message);
  assert.ok(s.body !== undefined && s.body.toString('utf8').includes('<Key>a+b</Key>'));
  s3.destroy();
});

test('SDK v3: a wrong secret is SignatureDoesNotMatch, an unknown key InvalidAccessKeyId', async () => {
  const wrong = client('not-the-secret');
  await assert.rejects(wrong.send(new HeadObjectCommand({ Bucket: 'bucket', Key: 'a b' })));
  assert.equal(lastSeen().error?.code, 'SignatureDoesNotMatch');
  // The unsigned-trailer path is still bound to the header signature (MinIO's CVE-2025-31489
  // was a bypass there): a streamed PutObject with the wrong secret fails before any byte is read.
  await assert.rejects(wrong.send(new PutObjectCommand({
    Bucket: 'bucket', Key: 'k', Body: Readable.from([Buffer.alloc(1000, 1)]), ContentLength: 1000,
  })));
  assert.equal(lastSeen().error?.code, 'SignatureDoesNotMatch');
  assert.equal(lastSeen().body, undefined);
  wrong.destroy();
  const unknown = new S3Client({
    endpoint, region: 'us-east-1', forcePathStyle: true, maxAttempts: 1,
    credentials: { accessKeyId: 'NOBODY', secretAccessKey: 'x' },
  });
  await assert.rejects(unknown.send(new PutObjectCommand({ Bucket: 'bucket', Key: 'k', Body: 'x' })), (e: unknown) =>
    (e as { name?: string }).name === 'InvalidAccessKeyId');
  unknown.destroy();
});

function rawRequest(method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    // Options rather than a URL string: WHATWG URL parsing would normalise 'a/../b' away.
    const { hostname, port } = new URL(endpoint);
    const req = httpRequest({ hostname, port, path, method, headers }, (res) => { res.resume(); res.on('end', () => resolve(res.statusCode ?? 0)); });
    req.on('error', reject);
    req.end(body);
  });
}

/** What S3Client puts on the wire for a key: each segment encoded like encodeURIComponent plus !'()*. */
function sdkPath(bucket: string, key: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `/${bucket}/${key.split('/').map(enc).join('/')}`;
}

/** The hash constructor smithy expects: SHA-256, or HMAC-SHA256 when given a secret. */
class NodeSha256 {
  private h: Hash | Hmac;
  private readonly secret: string | Uint8Array | undefined;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.secret = secret === undefined || typeof secret === 'string' ? secret
      : secret instanceof ArrayBuffer ? new Uint8Array(secret)
      : new Uint8Array(secret.buffer, secret.byteOffset, secret.byteLength);
    this.h = this.fresh();
  }
  private fresh(): Hash | Hmac { return this.secret === undefined ? createHash('sha256') : createHmac('sha256', this.secret); }
  update(data: string | Uint8Array): void { this.h.update(data); }
  async digest(): Promise<Uint8Array> { return new Uint8Array(this.h.digest()); }
  reset(): void { this.h = this.fresh(); }
}

test('smithy presigner (what getSignedUrl uses): presigned GET and PUT URLs authenticate, then expire', async () => {
  const signer = new SignatureV4({
    credentials: creds, region: 'us-east-1', service: 's3', uriEscapePath: false,
    sha256: NodeSha256,
  });
  const host = endpoint.slice('http://'.length);
  for (const key of awkwardKeys) {
    for (const method of ['GET', 'PUT']) {
      const presigned = await signer.presign({
        method, protocol: 'http:', hostname: '127.0.0.1', port: Number(host.split(':')[1]), path: sdkPath('bucket', key),
        query: { 'x-id': method === 'GET' ? 'GetObject' : 'PutObject' },
        headers: { host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
      }, { expiresIn: 60, unsignableHeaders: new Set(['content-type']) });
      const query = Object.entries(presigned.query ?? {})
        .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
      const status = await rawRequest(method, `${presigned.path}?${query}`, { 'content-type': 'text/plain' }, method === 'PUT' ? Buffer.from('presigned body') : undefined);
      const s = lastSeen();
      assert.equal(status, 200, `${method} ${key}: ${s.error?.code} ${s.error?.message}`);
      assert.deepEqual(s.result?.payload, { kind: 'unsigned' });
      if (method === 'PUT') assert.equal(s.body?.toString(), 'presigned body');
    }
  }
  const old = await signer.presign({
    method: 'GET', protocol: 'http:', hostname: '127.0.0.1', path: '/bucket/k', query: {}, headers: { host },
  }, { expiresIn: 60, signingDate: new Date(Date.now() - 120_000) });
  const query = Object.entries(old.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  assert.equal(await rawRequest('GET', `/bucket/k?${query}`, {}), 403);
  assert.equal(lastSeen().error?.message, 'Request has expired');
});

test('aws4: header-signed and query-signed requests for awkward keys authenticate', async () => {
  const host = endpoint.slice('http://'.length);
  for (const key of awkwardKeys) {
    const path = sdkPath('bucket', key);
    const body = Buffer.from('aws4 body');
    const signed = aws4.sign({ host, path, method: 'PUT', service: 's3', region: 'us-east-1', body, headers: {} }, creds);
    const status = await rawRequest('PUT', path, signed.headers as Record<string, string>, body);
    assert.equal(status, 200, `${key}: ${lastSeen().error?.message}`);
    assert.deepEqual(lastSeen().body, body);
    const presigned = aws4.sign({ host, path: `${path}?versionId=v+1`, method: 'GET', service: 's3', region: 'us-east-1', signQuery: true }, creds);
    assert.equal(await rawRequest('GET', presigned.path!, {}), 200, `${key} presigned: ${lastSeen().error?.message}`);
  }
});
