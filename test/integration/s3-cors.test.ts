// CORS through a real server: configuration round trips and validation with the SDK,
// preflight OPTIONS and actual responses with raw fetch (a browser's view).

import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import {
  CreateBucketCommand, DeleteBucketCorsCommand, GetBucketCorsCommand, PutBucketCorsCommand, PutObjectCommand,
} from '@aws-sdk/client-s3';
import { errorOf } from '../support/errors.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('CORS', () => {
  let t: TestServer;
  const bucket = 'cors';
  let base: string;
  before(async () => {
    t = await startTestServer();
    await t.client.send(new CreateBucketCommand({ Bucket: bucket }));
    await t.client.send(new CreateBucketCommand({ Bucket: 'nocors' }));
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'obj', Body: 'hello' }));
    base = t.server.s3Url;
  });
  after(async () => t.close());

  const rules = [
    { ID: 'suffix', AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['*.example.com'], AllowedHeaders: ['x-amz-meta-*', 'content-type'], ExposeHeaders: ['ETag', 'x-amz-request-id'], MaxAgeSeconds: 600 },
    { AllowedMethods: ['GET'], AllowedOrigins: ['*'] },
  ];

  test('Put/Get/DeleteBucketCors round trip; absent configuration is NoSuchCORSConfiguration', async () => {
    const none = await errorOf(t.client.send(new GetBucketCorsCommand({ Bucket: bucket })));
    assert.deepEqual(none, { name: 'NoSuchCORSConfiguration', status: 404 });
    await t.client.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
    const got = await t.client.send(new GetBucketCorsCommand({ Bucket: bucket }));
    assert.equal(got.CORSRules?.length, 2);
    assert.deepEqual(got.CORSRules?.[0], { ID: 'suffix', AllowedMethods: ['GET', 'PUT'], AllowedOrigins: ['*.example.com'], AllowedHeaders: ['x-amz-meta-*', 'content-type'], ExposeHeaders: ['ETag', 'x-amz-request-id'], MaxAgeSeconds: 600 });
    assert.deepEqual(got.CORSRules?.[1]?.AllowedOrigins, ['*']);
    await t.client.send(new PutBucketCorsCommand({ Bucket: 'nocors', CORSConfiguration: { CORSRules: rules } }));
    await t.client.send(new DeleteBucketCorsCommand({ Bucket: 'nocors' }));
    assert.equal((await errorOf(t.client.send(new GetBucketCorsCommand({ Bucket: 'nocors' })))).name, 'NoSuchCORSConfiguration');
  });

  test('invalid configurations are refused', async () => {
    const bad = [
      [{ AllowedMethods: ['PATCH'], AllowedOrigins: ['*'] }],
      [{ AllowedMethods: ['GET'], AllowedOrigins: ['*.a.*'] }],
      [{ AllowedMethods: ['GET'], AllowedOrigins: ['x'], AllowedHeaders: ['a*b*'] }],
      [{ AllowedMethods: ['GET'], AllowedOrigins: ['x'], ExposeHeaders: ['*'] }],
      [{ AllowedMethods: ['GET'], AllowedOrigins: ['evil\r\nSet-Cookie: a=b'] }],
      Array.from({ length: 101 }, () => ({ AllowedMethods: ['GET'], AllowedOrigins: ['*'] })),
    ];
    for (const CORSRules of bad) {
      const e = await errorOf(t.client.send(new PutBucketCorsCommand({ Bucket: 'nocors', CORSConfiguration: { CORSRules } })));
      assert.equal(e.status, 400, JSON.stringify(CORSRules).slice(0, 100));
    }
    assert.equal((await errorOf(t.client.send(new GetBucketCorsCommand({ Bucket: 'nocors' })))).name, 'NoSuchCORSConfiguration');
  });

  test('preflight: allowed, refused, and malformed', async () => {
    const options = (path: string, headers: Record<string, string>) => fetch(`${base}${path}`, { method: 'OPTIONS', headers });
    const ok = await options(`/${bucket}/obj`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'Content-Type, x-amz-meta-color' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(ok.headers.get('access-control-allow-methods'), 'GET, PUT');
    assert.equal(ok.headers.get('access-control-allow-headers'), 'Content-Type, x-amz-meta-color');
    assert.equal(ok.headers.get('access-control-max-age'), '600');
    assert.equal(ok.headers.get('access-control-expose-headers'), 'ETag, x-amz-request-id');
    assert.match(ok.headers.get('vary') ?? '', /Origin/);
    const any = await options(`/${bucket}`, { Origin: 'https://other.org', 'Access-Control-Request-Method': 'GET' });
    assert.equal(any.status, 200);
    assert.equal(any.headers.get('access-control-allow-origin'), '*');
    const refused: [string, Record<string, string>, number, string][] = [
      [`/${bucket}/obj`, { Origin: 'https://other.org', 'Access-Control-Request-Method': 'PUT' }, 403, 'CORSResponse'],
      [`/${bucket}/obj`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'DELETE' }, 403, 'CORSResponse'],
      [`/${bucket}/obj`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'x-secret' }, 403, 'CORSResponse'],
      [`/nocors/obj`, { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' }, 403, 'CORSResponse'],
      [`/${bucket}/obj`, { 'Access-Control-Request-Method': 'GET' }, 400, 'BadRequest'],
      [`/${bucket}/obj`, { Origin: 'https://app.example.com' }, 400, 'BadRequest'],
    ];
    for (const [path, headers, status, code] of refused) {
      const r = await options(path, headers);
      const text = await r.text();
      assert.equal(r.status, status, `${JSON.stringify(headers)}: ${text}`);
      assert.match(text, new RegExp(`<Code>${code}</Code>`));
      assert.equal(r.headers.get('access-control-allow-origin'), null);
    }
  });

  test('actual responses carry Access-Control-* when a rule matches, errors included', async () => {
    // An anonymous GET is refused (403), but the browser still needs the CORS headers to read that.
    const denied = await fetch(`${base}/${bucket}/obj`, { headers: { Origin: 'https://app.example.com' } });
    assert.equal(denied.status, 403);
    assert.equal(denied.headers.get('access-control-allow-origin'), 'https://app.example.com');
    assert.equal(denied.headers.get('access-control-allow-credentials'), 'true');
    const star = await fetch(`${base}/${bucket}/obj`, { headers: { Origin: 'https://other.org' } });
    assert.equal(star.headers.get('access-control-allow-origin'), '*');
    const noRule = await fetch(`${base}/${bucket}/obj`, { method: 'DELETE', headers: { Origin: 'https://other.org' } });
    assert.equal(noRule.headers.get('access-control-allow-origin'), null);
    // As in Ceph RGW (and its s3-tests), an actual request naming Access-Control-Request-Method is matched on it.
    const viaAcrm = await fetch(`${base}/${bucket}/obj`, { method: 'DELETE', headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'GET' } });
    assert.equal(viaAcrm.headers.get('access-control-allow-origin'), 'https://app.example.com');
    const deniedAcrm = await fetch(`${base}/${bucket}/obj`, { headers: { Origin: 'https://app.example.com', 'Access-Control-Request-Method': 'DELETE' } });
    assert.equal(deniedAcrm.headers.get('access-control-allow-origin'), null);
    const noOrigin = await fetch(`${base}/${bucket}/obj`);
    assert.equal(noOrigin.headers.get('access-control-allow-origin'), null);
    // Through the SDK (authenticated), with an Origin header added to the request.
    const seen: (string | undefined)[] = [];
    t.client.middlewareStack.add((next) => async (args) => {
      (args.request as { headers: Record<string, string> }).headers['origin'] = 'https://app.example.com';
      const out = await next(args);
      seen.push((out.response as { headers: Record<string, string> }).headers['access-control-allow-origin']);
      return out;
    }, { step: 'finalizeRequest', name: 'addOrigin' });
    await t.client.send(new PutObjectCommand({ Bucket: bucket, Key: 'from-browser', Body: 'x' }));
    t.client.middlewareStack.remove('addOrigin');
    assert.deepEqual(seen, ['https://app.example.com']);
  });
});
