// The AWS SigV4 test suite (test/fixtures/sigv4/README.md says where it comes from).

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { authenticate } from '../../../../src/s3/auth/index.js';
import {
  canonicalHeaders, canonicalQuery, canonicalRequest, canonicalUri, sha256Hex, signHex, signingKey, stringToSign,
} from '../../../../src/s3/auth/canonical.js';
import { S3Error } from '../../../../src/s3/errors.js';
import { parseWireRequest } from './wire-request.js';

// Tests run from dist/test/…; the fixtures stay in the source tree.
const fixturesDir = fileURLToPath(new URL('../../../../../test/fixtures/sigv4/aws-c-auth', import.meta.url));
const vectorNames = readdirSync(fixturesDir).filter((n) => statSync(join(fixturesDir, n)).isDirectory()).sort();

interface Context {
  credentials: { access_key_id: string; secret_access_key: string };
  region: string;
  service: string;
  timestamp: string;
}

function read(name: string, file: string): string {
  return readFileSync(join(fixturesDir, name, file), 'utf8');
}

test('the fixture directory holds the expected vectors', () => {
  assert.ok(vectorNames.length >= 25, `found ${vectorNames.length}`);
  assert.ok(vectorNames.includes('get-vanilla-query-order-key-case'));
  assert.ok(vectorNames.includes('post-x-www-form-urlencoded'));
});

for (const name of vectorNames) {
  const ctx = JSON.parse(read(name, 'context.json')) as Context;
  const nowMs = Date.parse(ctx.timestamp);
  const lookup = (id: string) => id === ctx.credentials.access_key_id
    ? { accessKeyId: id, secretAccessKey: ctx.credentials.secret_access_key }
    : undefined;
  const opts = { region: ctx.region, service: ctx.service };

  test(`vector ${name}: the signed request authenticates`, () => {
    const { req } = parseWireRequest(read(name, 'header-signed-request.txt'));
    const result = authenticate(req, lookup, nowMs, opts);
    assert.equal(result.anonymous, false);
    assert.equal(result.anonymous ? '' : result.accessKeyId, 'AKIDEXAMPLE');
  });

  test(`vector ${name}: a wrong secret does not authenticate`, () => {
    const { req } = parseWireRequest(read(name, 'header-signed-request.txt'));
    const wrong = (id: string) => ({ accessKeyId: id, secretAccessKey: `${ctx.credentials.secret_access_key}x` });
    assert.throws(() => authenticate(req, wrong, nowMs, opts), (e: unknown) => e instanceof S3Error && e.code === 'SignatureDoesNotMatch');
  });

  test(`vector ${name}: the presigned canonical request and signature are reproduced`, () => {
    const { req, body } = parseWireRequest(read(name, 'query-signed-request.txt'));
    const expected = read(name, 'query-canonical-request.txt');
    const params = new URLSearchParams(req.rawQuery);
    const signedHeaders = params.get('X-Amz-SignedHeaders')!;
    // This suite's service hashes the body where S3 would use UNSIGNED-PAYLOAD.
    const payloadHash = expected.slice(expected.lastIndexOf('\n') + 1);
    assert.equal(payloadHash, sha256Hex(body));
    const creq = canonicalRequest({
      method: req.method,
      canonicalUri: canonicalUri(req.rawPath),
      canonicalQuery: canonicalQuery(req.rawQuery, 'X-Amz-Signature'),
      canonicalHeaders: canonicalHeaders(signedHeaders.split(';'), req.headers, req.rawHeaders),
      signedHeaders,
      payloadHash,
    });
    assert.equal(creq, expected);
    const date = params.get('X-Amz-Date')!;
    const key = signingKey(ctx.credentials.secret_access_key, date.slice(0, 8), ctx.region, ctx.service);
    const sts = stringToSign(date, `${date.slice(0, 8)}/${ctx.region}/${ctx.service}/aws4_request`, creq);
    assert.equal(signHex(key, sts), read(name, 'query-signature.txt').trim());
    assert.equal(params.get('X-Amz-Signature'), read(name, 'query-signature.txt').trim());
  });
}
