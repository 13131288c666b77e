// Requests recorded from real clients (aws-cli/botocore, boto3 presigned URLs, rclone, s3cmd)
// by test/fixtures/sigv4/clients/capture.mjs, replayed through authenticate() and the payload
// verifier at the time they were recorded.

import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import { authenticate, createPayloadVerifier } from '../../../../src/s3/auth/index.js';
import type { AuthRequest } from '../../../../src/s3/auth/types.js';
import { runBody } from './body.js';

interface Recorded {
  client: string;
  timeMs: number;
  method: string;
  target: string;
  rawHeaders: string[];
  bodyBase64: string;
}

interface Capture {
  accessKeyId: string;
  secretAccessKey: string;
  contentSha256: string;
  records: Recorded[];
}

// Tests run from dist/test/…; the fixtures stay in the source tree.
const capture = JSON.parse(readFileSync(fileURLToPath(new URL('../../../../../test/fixtures/sigv4/clients/requests.json', import.meta.url)), 'utf8')) as Capture;
const lookup = (id: string) => (id === capture.accessKeyId ? { accessKeyId: id, secretAccessKey: capture.secretAccessKey } : undefined);

/** What node's IncomingMessage would give: lower-case names, repeats joined with ', '. */
function toAuthRequest(r: Recorded): AuthRequest {
  const headers: Record<string, string> = {};
  for (let i = 0; i < r.rawHeaders.length; i += 2) {
    const name = r.rawHeaders[i]!.toLowerCase();
    headers[name] = headers[name] === undefined ? r.rawHeaders[i + 1]! : `${headers[name]}, ${r.rawHeaders[i + 1]!}`;
  }
  const q = r.target.indexOf('?');
  return {
    method: r.method, rawPath: q < 0 ? r.target : r.target.slice(0, q), rawQuery: q < 0 ? '' : r.target.slice(q + 1),
    headers, rawHeaders: r.rawHeaders,
  };
}

test('the capture holds requests from every client', () => {
  const clients = new Set(capture.records.map((r) => r.client));
  for (const c of ['aws-cli', 'boto3-presign', 'rclone', 's3cmd']) assert.ok(clients.has(c), c);
});

for (const client of [...new Set(capture.records.map((r) => r.client))]) {
  test(`${client}: every recorded request authenticates and its body verifies`, async () => {
    for (const r of capture.records.filter((x) => x.client === client)) {
      const req = toAuthRequest(r);
      const what = `${r.method} ${r.target}`;
      const auth = authenticate(req, lookup, r.timeMs, { region: 'us-east-1' });
      assert.equal(auth.anonymous, false, what);
      const out = await runBody(createPayloadVerifier(auth.payload, req.headers), [Buffer.from(r.bodyBase64, 'base64')]);
      assert.equal(out.error, undefined, `${what}: ${String(out.error)}`);
      if (r.method === 'PUT' && !req.rawQuery.includes('X-Amz-Signature')) {
        assert.equal(createHash('sha256').update(out.data).digest('hex'), capture.contentSha256, what);
      }
      // The same request with its signature broken must not authenticate.
      const broken: AuthRequest = req.rawQuery.includes('X-Amz-Signature=')
        ? { ...req, rawQuery: req.rawQuery.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`) }
        : { ...req, method: r.method === 'GET' ? 'HEAD' : 'GET' };
      assert.throws(() => authenticate(broken, lookup, r.timeMs), what);
    }
  });
}
